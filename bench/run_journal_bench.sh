#!/usr/bin/env bash
# Journal read benchmark: journal_floor vs journalctl vs kjournal on generated node journals.
#
# Usage: bench/run_journal_bench.sh [--entries 1000000] [--big 5000000] [--reps 3]
#          [--workdir DIR] [--kjournal PATH] [--floor PATH] [--hours 6] [--seed 1]
#          [--max-age-min 30] [--no-count]
#
# See bench/README.md for what is measured and how to read the ratios. Never run by ctest.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENTRIES=1000000
BIG=5000000
REPS=3
WORKDIR=$ROOT/bench/out
KJOURNAL=$ROOT/build/kjournal
FLOOR=$ROOT/build/bench/journal_floor
HOURS=6
SEED=1
MAX_AGE_MIN=30
COUNT=1

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { echo "run_journal_bench: $*" >&2; exit 1; }

while (($#)); do
    case $1 in
        --entries) ENTRIES=$2; shift 2 ;;
        --big) BIG=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --workdir) WORKDIR=$2; shift 2 ;;
        --kjournal) KJOURNAL=$2; shift 2 ;;
        --floor) FLOOR=$2; shift 2 ;;
        --hours) HOURS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --max-age-min) MAX_AGE_MIN=$2; shift 2 ;;
        --no-count) COUNT=0; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
done

for n in "$ENTRIES" "$BIG" "$REPS" "$SEED" "$MAX_AGE_MIN"; do
    [[ $n =~ ^[0-9]+$ ]] || die "not a whole number: $n"
done
((ENTRIES > 0)) || die "--entries must be positive"
((REPS > 0)) || die "--reps must be positive"
[[ $HOURS =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--hours must be a number"

TIME=/usr/bin/time
JOURNALCTL=$(command -v journalctl) || die "journalctl not found"
[[ -x $TIME ]] || die "$TIME (GNU time) not found: apt-get install time"
[[ -x /lib/systemd/systemd-journal-remote ]] || die "systemd-journal-remote not found: apt-get install systemd-journal-remote"
[[ -x $FLOOR ]] || die "journal_floor not found at $FLOOR; build it with
  cmake -S $ROOT -B $ROOT/build && cmake --build $ROOT/build --target journal_floor
or pass --floor PATH"

HAVE_KJ=1
if [[ ! -x $KJOURNAL ]]; then
    HAVE_KJ=0
    echo "*** kjournal not found at $KJOURNAL: kjournal measurements are SKIPPED (pass --kjournal PATH)" >&2
fi

mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/journal-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------------------------------------
# Journals. One directory per entry count; reused while its parameters match and it is young
# enough that `--since "1 hour ago"` still falls inside it (the generator ends the data at
# the wall clock of the moment it ran).

# The big journal keeps the entries-per-hour rate of the main one (a longer span, not a denser
# one), so its last hour holds as many entries as the main journal's: only then does the
# 1-hour window measure "does the cost grow with the journal size".
big_hours() { awk -v h="$HOURS" -v b="$BIG" -v e="$ENTRIES" 'BEGIN { printf "%g", h * b / e }'; }

ensure_journal() {  # N HOURS -> sets JOURNAL_DIR
    local n=$1 hours=$2 dir=$WORKDIR/journal-$1 want now end age
    JOURNAL_DIR=$dir
    want="entries=$n hours=$hours seed=$SEED"
    now=$(date +%s)
    if [[ -f $dir/meta ]] && [[ $(sed -n 1p "$dir/meta") == "$want" ]]; then
        end=$(sed -n 2p "$dir/meta")
        age=$(((now - end) / 60))
        if ((MAX_AGE_MIN == 0 || age <= MAX_AGE_MIN)); then
            echo "reusing $dir (made $age min ago)" >&2
            return
        fi
        echo "$dir is $age min old (> --max-age-min $MAX_AGE_MIN): regenerating" >&2
    fi
    rm -rf "$dir" "$dir.tmp"
    echo "generating $n entries over $hours h into $dir ..." >&2
    local t0=$SECONDS
    # --now pins the end of the data so the recorded age is exact; a .tmp directory keeps an
    # interrupted run from leaving a journal that looks complete.
    python3 "$ROOT/bench/generate_journal.py" "$n" "$dir.tmp" --hours "$hours" --seed "$SEED" \
        --now "$now" >&2
    printf '%s\n%s\n' "$want" "$now" > "$dir.tmp/meta"
    mv "$dir.tmp" "$dir"
    echo "generated in $((SECONDS - t0)) s" >&2
}

ensure_journal "$ENTRIES" "$HOURS"
J1=$JOURNAL_DIR
JB=
if ((BIG > 0)); then
    ((BIG != ENTRIES)) || die "--big must differ from --entries"
    ensure_journal "$BIG" "$(big_hours)"
    JB=$JOURNAL_DIR
fi

# ---------------------------------------------------------------------------------------------
# Measurements. Each is a name, the journal it reads and an argv (CMD_<name>). Pairs sit next
# to each other so that, within a repetition, both tools run under the same conditions.

SINCE="1 hour ago"
declare -A LABEL FLOOR_OF PAIR_OF
NAMES=()
add() {  # NAME FLOOR_NAME LABEL ARGV...
    local name=$1 floor=$2 label=$3
    shift 3
    NAMES+=("$name")
    FLOOR_OF[$name]=$floor
    LABEL[$name]=$label
    declare -ga "CMD_$name"
    local -n argv="CMD_$name"
    argv=("$@")
}

short_count() {  # 1000000 -> 1M, 100000 -> 100k
    if (($1 % 1000000 == 0)); then echo "$(($1 / 1000000))M"
    elif (($1 % 1000 == 0)); then echo "$(($1 / 1000))k"
    else echo "$1"; fi
}
S1=$(short_count "$ENTRIES")
add "floor_$S1" "floor_$S1" "journal_floor (full read)" "$FLOOR" "$J1"
add "journalctl_json_$S1" "floor_$S1" "journalctl -o json" "$JOURNALCTL" -D "$J1" --no-pager -o json
add "journalctl_export_$S1" "floor_$S1" "journalctl -o export" "$JOURNALCTL" -D "$J1" --no-pager -o export
add "journalctl_short_iso_$S1" "floor_$S1" "journalctl -o short-iso" "$JOURNALCTL" -D "$J1" --no-pager -o short-iso
add "kjournal_json_$S1" "floor_$S1" "kjournal --all -o json" "$KJOURNAL" -D "$J1" --all --no-pager -o json
add "kjournal_since_$S1" "floor_$S1" "kjournal --all --since '$SINCE' -o json" "$KJOURNAL" -D "$J1" --all --no-pager --since "$SINCE" -o json
add "journalctl_since_$S1" "floor_$S1" "journalctl --since '$SINCE' -o json" "$JOURNALCTL" -D "$J1" --no-pager --since "$SINCE" -o json
add "kjournal_unit_$S1" "floor_$S1" "kjournal -u kubelet -o short-iso" "$KJOURNAL" -D "$J1" --no-pager -u kubelet -o short-iso
add "journalctl_unit_$S1" "floor_$S1" "journalctl -u kubelet -o short-iso" "$JOURNALCTL" -D "$J1" --no-pager -u kubelet -o short-iso
PAIR_OF[kjournal_json_$S1]=journalctl_json_$S1
PAIR_OF[kjournal_since_$S1]=journalctl_since_$S1
PAIR_OF[kjournal_unit_$S1]=journalctl_unit_$S1
if [[ -n $JB ]]; then
    SB=$(short_count "$BIG")
    add "floor_$SB" "floor_$SB" "journal_floor (full read)" "$FLOOR" "$JB"
    add "kjournal_since_$SB" "floor_$SB" "kjournal --all --since '$SINCE' -o json" "$KJOURNAL" -D "$JB" --all --no-pager --since "$SINCE" -o json
    add "journalctl_since_$SB" "floor_$SB" "journalctl --since '$SINCE' -o json" "$JOURNALCTL" -D "$JB" --no-pager --since "$SINCE" -o json
    PAIR_OF[kjournal_since_$SB]=journalctl_since_$SB
fi

is_skipped() { [[ $HAVE_KJ == 0 && $1 == kjournal_* ]]; }

# ---------------------------------------------------------------------------------------------
# Environment, so the figures can be compared with other runs.

read -r LOAD1 _ < /proc/loadavg
NCPU=$(nproc)
echo
echo "== journal read benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $NCPU CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
echo "journalctl: $("$JOURNALCTL" --version | head -1)"
if ((HAVE_KJ)); then
    echo "kjournal: $KJOURNAL ($("$KJOURNAL" --version 2>/dev/null | head -1 || echo "version unknown"))"
else
    echo "kjournal: SKIPPED (not found at $KJOURNAL)"
fi
for d in "$J1" ${JB:+"$JB"}; do
    # The window of --since "1 hour ago" holds (60 - age) minutes of data.
    age=$((($(date +%s) - $(sed -n 2p "$d/meta")) / 60))
    echo "journal: $d: $(sed -n 1p "$d/meta"), $(find "$d" -name '*.journal' | wc -l) files," \
        "$(du -sm "$d" | cut -f1) MiB, data ends $age min ago"
done
if awk -v l="$LOAD1" -v n="$NCPU" 'BEGIN { exit !(l > n / 2) }'; then
    echo "WARNING: load average $LOAD1 on $NCPU CPUs: other work is running, figures will be noisy"
fi
echo "reps: $REPS, stdout of every tool to /dev/null, page cache warm (see README)"

# ---------------------------------------------------------------------------------------------
# Untimed pass: counts output lines (json: one per entry) so a fast tool that prints nothing
# shows up, and warms the page cache for the timed runs. journal_floor reports its own count.

declare -A LINES FAILED
run_count() {
    local name=$1
    local -n argv="CMD_$name"
    if [[ $name == floor_* ]]; then
        "${argv[@]}" > /dev/null 2> "$TMP/count.err" || die "$(cat "$TMP/count.err")"
        LINES[$name]=$(sed -n 's/^journal_floor: \([0-9]*\) entries.*/\1/p' "$TMP/count.err")
        return
    fi
    local n
    # pipefail (set above) makes the substitution fail when the tool fails, not only wc.
    if n=$("${argv[@]}" 2> "$TMP/count.err" | wc -l); then
        LINES[$name]=$n
    else
        # It would fail the same way when timed: report it once and do not time it.
        FAILED[$name]="$(tail -2 "$TMP/count.err" | tr '\n' ' ')"
    fi
}
if ((COUNT)); then
    echo "counting output lines (untimed, warms the cache) ..." >&2
    for name in "${NAMES[@]}"; do
        is_skipped "$name" || run_count "$name"
    done
else
    for d in "$J1" ${JB:+"$JB"}; do cat "$d"/*.journal > /dev/null; done
fi

# ---------------------------------------------------------------------------------------------
# Timed runs (bench/timing.sh).

skip_measurement() { is_skipped "$1"; }
source "$ROOT/bench/timing.sh"
run_repetitions

# ---------------------------------------------------------------------------------------------
# Report.

# Median of the numbers on stdin (blank-separated); NA when there are none.
median() { tr ' ' '\n' | sort -g | awk 'NF { v[++n] = $1 } END { if (!n) print "NA"; else if (n % 2) print v[(n + 1) / 2]; else printf "%.2f\n", (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
declare -A MW MC MM
for name in "${NAMES[@]}"; do
    MW[$name]=$(echo "${WALL[$name]:-}" | median)
    MC[$name]=$(echo "${CPU[$name]:-}" | median)
    m=$(echo "${RSS[$name]:-}" | median)
    MM[$name]=$([[ $m == NA ]] && echo NA || awk -v k="$m" 'BEGIN { printf "%.1f", k / 1024 }')
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.2f", a / b }'; }

echo
# x_floor and kj/jctl compare median wall times; cpu_x_floor compares user+sys CPU, which
# other load on the machine disturbs less.
printf '%-26s %-44s %8s %8s %8s %8s %11s %8s %9s\n' measurement command wall_s cpu_s rss_MB x_floor cpu_x_floor kj/jctl lines
for name in "${NAMES[@]}"; do
    if is_skipped "$name"; then
        printf '%-26s %-44s %s\n' "$name" "${LABEL[$name]}" "SKIPPED (no kjournal binary)"
        continue
    fi
    if [[ -n ${FAILED[$name]:-} ]]; then
        printf '%-26s %-44s FAILED (%s)\n' "$name" "${LABEL[$name]}" "${FAILED[$name]}"
        continue
    fi
    pair=${PAIR_OF[$name]:-}
    kj=$([[ -n $pair ]] && ratio "${MW[$name]}" "${MW[$pair]}" || echo "")
    printf '%-26s %-44s %8s %8s %8s %8s %11s %8s %9s\n' "$name" "${LABEL[$name]}" "${MW[$name]}" \
        "${MC[$name]}" "${MM[$name]}" "$(ratio "${MW[$name]}" "${MW[${FLOOR_OF[$name]}]}")" \
        "$(ratio "${MC[$name]}" "${MC[${FLOOR_OF[$name]}]}")" "$kj" "${LINES[$name]:-}"
done

if ((HAVE_KJ)); then
    echo
    echo "kjournal / journalctl (median wall, cpu, rss; < 1 means kjournal is cheaper):"
    for name in "${NAMES[@]}"; do
        pair=${PAIR_OF[$name]:-}
        [[ -n $pair ]] || continue
        lines=$( ((COUNT)) && echo "  lines ${LINES[$name]:-?}/${LINES[$pair]:-?}" || true)
        printf '  %-26s vs %-26s wall %5s  cpu %5s  rss %5s%s\n' "$name" "$pair" \
            "$(ratio "${MW[$name]}" "${MW[$pair]}")" "$(ratio "${MC[$name]}" "${MC[$pair]}")" \
            "$(ratio "${MM[$name]}" "${MM[$pair]}")" "$lines"
    done
fi
if [[ -n $JB ]]; then
    echo
    echo "1-hour window on the $SB journal vs the $S1 journal (same entries per hour; ~1.0 means the"
    echo "cost does not grow with the journal size):"
    for tool in kjournal journalctl; do
        is_skipped "${tool}_since_$SB" && continue
        lines=$( ((COUNT)) && echo " (window lines ${LINES[${tool}_since_$SB]:-?} vs ${LINES[${tool}_since_$S1]:-?})" || true)
        printf '  %-10s wall %s s vs %s s: x%s%s\n' "$tool" "${MW[${tool}_since_$SB]}" \
            "${MW[${tool}_since_$S1]}" "$(ratio "${MW[${tool}_since_$SB]}" "${MW[${tool}_since_$S1]}")" "$lines"
    done
fi

echo
echo "# summary: name wall_s cpu_s rss_mb ratio_to_floor (medians of $REPS; NA = skipped or failed)"
for name in "${NAMES[@]}"; do
    if is_skipped "$name" || [[ -n ${FAILED[$name]:-} ]]; then
        echo "$name NA NA NA NA"
    else
        echo "$name ${MW[$name]} ${MC[$name]} ${MM[$name]} $(ratio "${MW[$name]}" "${MW[${FLOOR_OF[$name]}]}")"
    fi
done
if ((!HAVE_KJ)); then
    echo
    echo "NOTE: kjournal was SKIPPED: no executable at $KJOURNAL (build it, or pass --kjournal PATH)."
fi
