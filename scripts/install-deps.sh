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
  zlib1g-dev              # reads rotated .gz log files (streaming)
  libdeflate-dev          # gzip of HTTP request bodies (whole buffers, faster than zlib)
  libsnappy-dev           # Loki's protobuf push bodies are snappy block-compressed
  # tests
  googletest libgtest-dev libgmock-dev
  clang libclang-rt-14-dev  # libFuzzer targets with ASan+UBSan (the runtime ships apart)
  systemd systemd-journal-remote   # journald namespace instance, journal files from export format,
                                   # and the journal-remote exporter's real peer
  clickhouse-server clickhouse-client   # the ClickHouse exporter's real peer
  openssl                 # throwaway CA and certificates for TLS tests
  protobuf-compiler       # protoc --decode_raw checks the hand-written protobuf encoders
  python3
  # packaging and deployment checks (tests/deploy, scripts/build-image.sh)
  dpkg-dev fakeroot       # cpack's DEB generator: dpkg-shlibdeps for Depends
  nodejs                  # config/kubernetes validated with kubernetes-models (npm)
  buildah debootstrap     # the container image, built from a locally made base image
  # benchmarks
  libbenchmark-dev time
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm ships inside some nodejs builds and apart in Debian's; ask for it only when absent.
if ! command -v npm >/dev/null; then missing+=(npm); fi

if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "install-deps: all ${#packages[@]} packages present"
