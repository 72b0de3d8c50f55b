#!/usr/bin/env bash
# Checks unit/kjournal-agent.service with systemd's own tools, without a running systemd.
#   unit_test.sh verify   UNIT KJOURNAL_BINARY   systemd-analyze verify: no error, no warning
#   unit_test.sh security UNIT [MAX]            exposure score <= MAX (default 1.5)
set -euo pipefail
mode=$1 unit=$2

case "$mode" in
  verify)
    binary=$3
    # verify checks that ExecStart's binary exists; it is not installed here, so verify a
    # copy whose only change is that path (the copy keeps the unit's name: verify derives
    # the unit type and name from it).
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    grep -q '^ExecStart=/usr/bin/kjournal ' "$unit" || { echo "ExecStart is not /usr/bin/kjournal"; exit 1; }
    sed "s|^ExecStart=/usr/bin/kjournal |ExecStart=$binary |" "$unit" > "$work/$(basename "$unit")"
    # verify exits 0 on unknown keys and unparsable values (it only warns), so any output
    # is a failure.
    if ! systemd-analyze verify "$work/$(basename "$unit")" > "$work/out" 2>&1; then
      cat "$work/out"; echo "systemd-analyze verify failed"; exit 1
    fi
    if [[ -s "$work/out" ]]; then
      cat "$work/out"; echo "systemd-analyze verify warned"; exit 1
    fi
    echo "systemd-analyze verify: clean"
    ;;
  security)
    max=${3:-1.5}
    out=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1) || {
      echo "$out"; echo "systemd-analyze security failed"; exit 1; }
    score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p' <<<"$out")
    [[ -n "$score" ]] || { echo "$out"; echo "no exposure level in the output"; exit 1; }
    echo "exposure level: $score (maximum $max)"
    if ! awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'; then
      grep -E '^[✗]' <<<"$out" || true
      echo "exposure level $score is above $max"; exit 1
    fi
    ;;
  *) echo "usage: $0 verify|security UNIT ..." >&2; exit 2 ;;
esac
