#!/usr/bin/env bash
# Installs every Debian 12 package that kjournal's build, tests and benchmarks need.
# Idempotent: packages already present are left alone; run as root.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config
  libsystemd-dev          # sd-journal
  libpoco-dev             # HTTP transport (Net, NetSSL, Util, Foundation)
  nlohmann-json3-dev      # JSON parsing (config, tests); the hot path writes JSON by hand
  libyaml-cpp-dev         # agent config
  libcli11-dev            # command line
  libpcre2-dev            # -g/--grep uses PCRE like journalctl
  zlib1g-dev              # gzip for rotated files and HTTP bodies
  # tests
  googletest libgtest-dev libgmock-dev
  clang libclang-rt-14-dev  # libFuzzer targets with ASan+UBSan (the runtime ships apart)
  systemd systemd-journal-remote   # journald namespace instance, journal files from export format
  python3
  # benchmarks
  libbenchmark-dev time
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "install-deps: all ${#packages[@]} packages present"
