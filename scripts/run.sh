#!/usr/bin/env bash
# Installs the dependencies, builds kjournal and shows the last hour of Kubernetes node
# component logs. Extra arguments go to kjournal (default: --since 1h).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKJ_BUILD_TESTS=OFF -DKJ_BUILD_BENCH=OFF >/dev/null
cmake --build build -j"$(nproc)" --target kjournal >/dev/null
if [ $# -eq 0 ]; then set -- --since 1h; fi
exec ./build/kjournal "$@"
