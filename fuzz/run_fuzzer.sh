#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS on a corpus directory seeded with every sample line
# of ../shared/data (the real log lines the parsers are specified against). A crash, a
# sanitizer report or a violated invariant makes libFuzzer exit non-zero, failing the test.
set -euo pipefail
target=$1 seconds=$2 corpus=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$corpus"
samples=$here/../../shared/data/log-lines.jsonl
if [[ -f $samples ]] && [[ -z $(ls -A "$corpus") ]]; then
  python3 - "$samples" "$corpus" <<'PY'
import json, sys, os
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    rec = json.loads(line)
    with open(os.path.join(sys.argv[2], f"sample-{i}"), "wb") as f:
        f.write(rec["line"].encode("utf-8", "surrogateescape"))
PY
fi
exec "$target" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 "$corpus"
