#!/usr/bin/env bash
# Installs the dependencies, builds everything warning-free and runs the whole test suite
# (unit tests, agreement with journalctl, live follow against a real journald namespace).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKJ_WERROR=ON
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure --timeout 600 -j"$(nproc)"
