#!/usr/bin/env bash
# Installs the dependencies, builds everything warning-free and runs the whole test suite:
# unit tests, agreement with journalctl, live follow against a real journald namespace, and
# a short run of every fuzzer (parsers, backend answers) under ASan+UBSan (fuzz/, clang).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKJ_WERROR=ON
cmake --build build-test -j"$jobs"

cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DKJ_BUILD_FUZZERS=ON -DKJ_WERROR=ON \
  -DKJ_FUZZ_SECONDS="${KJ_FUZZ_SECONDS:-5}"
cmake --build build-fuzz -j"$jobs"

(cd build-test && ctest --output-on-failure --timeout 600 -j"$jobs")
(cd build-fuzz && ctest --output-on-failure --timeout 600)
