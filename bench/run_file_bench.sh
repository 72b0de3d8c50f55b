#!/usr/bin/env bash
# Log file read benchmark: wc -l vs kjournal on a generated kube-scheduler klog file.
#
# Usage: bench/run_file_bench.sh [--size-mb 500] [--reps 3] [--workdir DIR] [--kjournal PATH]
#          [--small-mb 100] [--seed 1]
#
# See bench/README.md for what is measured and how to read the ratios. Never run by ctest.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE_MB=500
SMALL_MB=100
REPS=3
WORKDIR=$ROOT/bench/out
KJOURNAL=$ROOT/build/kjournal
SEED=1

usage() { sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { echo "run_file_bench: $*" >&2; exit 1; }

while (($#)); do
    case $1 in
        --size-mb) SIZE_MB=$2; shift 2 ;;
        --small-mb) SMALL_MB=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --workdir) WORKDIR=$2; shift 2 ;;
        --kjournal) KJOURNAL=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
done

for n in "$SIZE_MB" "$SMALL_MB" "$REPS" "$SEED"; do
    [[ $n =~ ^[0-9]+$ ]] || die "not a whole number: $n"
done
((SIZE_MB > 0)) || die "--size-mb must be positive"
((REPS > 0)) || die "--reps must be positive"
((SMALL_MB == 0 || SMALL_MB != SIZE_MB)) || die "--small-mb must differ from --size-mb"

TIME=/usr/bin/time
[[ -x $TIME ]] || die "$TIME (GNU time) not found: apt-get install time"
# Unlike the journal benchmark there is nothing to measure without kjournal: wc -l alone
# says nothing about it.
[[ -x $KJOURNAL ]] || die "kjournal not found at $KJOURNAL; build it with
  cmake -S $ROOT -B $ROOT/build && cmake --build $ROOT/build --target kjournal
or pass --kjournal PATH"

mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/file-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------------------------------------
# Files. One directory per size, holding only kube-scheduler.log, because kjournal --log-dir
# reads the component logs by their names there. Reused while size and seed match.

# klog headers have no year: kjournal takes it from the file's mtime, so pin the mtime just
# after the data's last day (Nov 27) and the records land in 2026 whenever the bench runs.
MTIME="2026-11-28 00:00:00 UTC"

ensure_file() {  # SIZE_MB -> sets LOG_DIR
    local mb=$1 dir=$WORKDIR/klog-$1 want
    LOG_DIR=$dir
    want="size_mb=$mb seed=$SEED"
    if [[ -f $dir/meta && -f $dir/kube-scheduler.log.count ]] && [[ $(cat "$dir/meta") == "$want" ]]; then
        echo "reusing $dir" >&2
        touch -d "$MTIME" "$dir/kube-scheduler.log"
        return
    fi
    rm -rf "$dir" "$dir.tmp"
    mkdir -p "$dir.tmp"
    echo "generating $mb MiB into $dir ..." >&2
    local t0=$SECONDS
    # A .tmp directory keeps an interrupted run from leaving a file that looks complete.
    python3 "$ROOT/bench/generate_klog_file.py" "$mb" "$dir.tmp/kube-scheduler.log" --seed "$SEED"
    # The sidecar kube-scheduler.log.count may stay beside the log: kjournal --log-dir opens
    # the component logs by name, not every file of the directory.
    echo "$want" > "$dir.tmp/meta"
    mv "$dir.tmp" "$dir"
    touch -d "$MTIME" "$dir/kube-scheduler.log"
    echo "generated in $((SECONDS - t0)) s" >&2
}

ensure_file "$SIZE_MB"
DIR_BIG=$LOG_DIR
DIR_SMALL=
if ((SMALL_MB > 0)); then
    ensure_file "$SMALL_MB"
    DIR_SMALL=$LOG_DIR
fi

# ---------------------------------------------------------------------------------------------
# Measurements. Each is a name, the file it reads and an argv (CMD_<name>). wc -l is the floor:
# the least any line reader can do, one pass over the bytes with no output.

declare -A LABEL DIR_OF
NAMES=()
add() {  # NAME DIR LABEL ARGV...
    local name=$1 dir=$2 label=$3
    shift 3
    NAMES+=("$name")
    DIR_OF[$name]=$dir
    LABEL[$name]=$label
    declare -ga "CMD_$name"
    local -n argv="CMD_$name"
    argv=("$@")
}
kj() {  # DIR -> the common kjournal argv for a log directory
    KJ=("$KJOURNAL" --no-journal --log-dir "$1" --timezone UTC --no-pager)
}

S=${SIZE_MB}M
kj "$DIR_BIG"
add "wc_$S" "$DIR_BIG" "wc -l (floor)" wc -l "$DIR_BIG/kube-scheduler.log"
add "kjournal_json_$S" "$DIR_BIG" "kjournal -o json" "${KJ[@]}" -o json
add "kjournal_short_$S" "$DIR_BIG" "kjournal -o short" "${KJ[@]}" -o short
add "kjournal_raw_json_$S" "$DIR_BIG" "kjournal --raw-messages -o json" "${KJ[@]}" --raw-messages -o json
if [[ -n $DIR_SMALL ]]; then
    SS=${SMALL_MB}M
    kj "$DIR_SMALL"
    # Timed once, only for its peak RSS: it must match the big file's (streaming, not loading).
    SMALL_NAME="kjournal_json_$SS"
    declare -ga "CMD_$SMALL_NAME"
    declare -n SMALL_CMD="CMD_$SMALL_NAME"
    SMALL_CMD=("${KJ[@]}" -o json)
fi

# ---------------------------------------------------------------------------------------------
# Environment, so the figures can be compared with other runs.

file_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }
MB_BIG=$(file_mb "$DIR_BIG/kube-scheduler.log")
read -r LOAD1 _ < /proc/loadavg
NCPU=$(nproc)
echo
echo "== log file read benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $NCPU CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
echo "kjournal: $KJOURNAL ($("$KJOURNAL" --version 2>/dev/null | head -1 || echo "version unknown"))"
for d in "$DIR_BIG" ${DIR_SMALL:+"$DIR_SMALL"}; do
    echo "file: $d/kube-scheduler.log: $(cat "$d/meta"), $(file_mb "$d/kube-scheduler.log") MiB," \
        "$(wc -l < "$d/kube-scheduler.log") lines, $(cat "$d/kube-scheduler.log.count") records"
done
if awk -v l="$LOAD1" -v n="$NCPU" 'BEGIN { exit !(l > n / 2) }'; then
    echo "WARNING: load average $LOAD1 on $NCPU CPUs: other work is running, figures will be noisy"
fi
echo "reps: $REPS, stdout of every tool to /dev/null, page cache warm (see README)"

# ---------------------------------------------------------------------------------------------
# Untimed check, once: -o json prints one line per record, so its line count must be the
# generator's record count. A reader that is fast because it drops or splits records fails
# here instead of looking good in the table. It also warms the page cache.

EXPECTED=$(cat "$DIR_BIG/kube-scheduler.log.count")
echo "checking the record count (untimed, warms the cache) ..." >&2
declare -n JSON_CMD="CMD_kjournal_json_$S"
# pipefail (set above) makes the substitution fail when kjournal fails, not only wc.
GOT=$("${JSON_CMD[@]}" 2> "$TMP/count.err" | wc -l) ||
    die "kjournal failed: $(tail -2 "$TMP/count.err" | tr '\n' ' ')"
if [[ $GOT != "$EXPECTED" ]]; then
    echo "*** RECORD COUNT MISMATCH: kjournal -o json printed $GOT lines, the generator wrote $EXPECTED records" >&2
    die "record count mismatch ($GOT != $EXPECTED)"
fi

# ---------------------------------------------------------------------------------------------
# Timed runs (bench/timing.sh).

declare -A FAILED
skip_measurement() { false; }
source "$ROOT/bench/timing.sh"
run_repetitions
if [[ -n $DIR_SMALL ]]; then
    echo "small file, once (peak RSS) ..." >&2
    cat "$DIR_SMALL/kube-scheduler.log" > /dev/null  # warm, like the big one
    time_one "$SMALL_NAME"
fi

# ---------------------------------------------------------------------------------------------
# Report.

# Median of the numbers on stdin (blank-separated); NA when there are none.
median() { tr ' ' '\n' | sort -g | awk 'NF { v[++n] = $1 } END { if (!n) print "NA"; else if (n % 2) print v[(n + 1) / 2]; else printf "%.3f\n", (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.2f", a / b }'; }
declare -A MW MC MM MBS
summarize() {  # NAME FILE_MB
    local name=$1 m
    MW[$name]=$(echo "${WALL[$name]:-}" | median)
    MC[$name]=$(echo "${CPU[$name]:-}" | median)
    m=$(echo "${RSS[$name]:-}" | median)
    MM[$name]=$([[ $m == NA ]] && echo NA || awk -v k="$m" 'BEGIN { printf "%.1f", k / 1024 }')
    MBS[$name]=$(awk -v s="$2" -v w="${MW[$name]}" 'BEGIN { if (w == "NA" || w + 0 == 0) print "NA"; else printf "%.1f", s / w }')
}
for name in "${NAMES[@]}"; do summarize "$name" "$MB_BIG"; done
[[ -n $DIR_SMALL ]] && summarize "$SMALL_NAME" "$(file_mb "$DIR_SMALL/kube-scheduler.log")"

FLOOR=wc_$S
echo
# MB_s is MiB of log file per wall second. x_wc compares median wall times (how many times
# slower than wc -l, i.e. wc's MB/s over this one's); cpu_x_wc the same with user+sys CPU,
# which other load on the machine disturbs less.
printf '%-24s %-34s %8s %8s %8s %8s %8s %9s\n' measurement command wall_s cpu_s MB_s rss_MB x_wc cpu_x_wc
for name in "${NAMES[@]}"; do
    if [[ -n ${FAILED[$name]:-} ]]; then
        printf '%-24s %-34s FAILED (%s)\n' "$name" "${LABEL[$name]}" "${FAILED[$name]}"
        continue
    fi
    printf '%-24s %-34s %8s %8s %8s %8s %8s %9s\n' "$name" "${LABEL[$name]}" "${MW[$name]}" \
        "${MC[$name]}" "${MBS[$name]}" "${MM[$name]}" "$(ratio "${MW[$name]}" "${MW[$FLOOR]}")" \
        "$(ratio "${MC[$name]}" "${MC[$FLOOR]}")"
done
echo
echo "record count: kjournal -o json printed $GOT lines = $EXPECTED records written: OK"
if [[ -n $DIR_SMALL ]]; then
    echo
    echo "peak RSS, $SIZE_MB MiB file vs $SMALL_MB MiB file (kjournal -o json; ~1.0 means memory does"
    echo "not grow with the file):"
    if [[ -n ${FAILED[$SMALL_NAME]:-} ]]; then
        echo "  $SMALL_NAME FAILED (${FAILED[$SMALL_NAME]})"
    else
        printf '  %s MB vs %s MB: x%s\n' "${MM[kjournal_json_$S]}" "${MM[$SMALL_NAME]}" \
            "$(ratio "${MM[kjournal_json_$S]}" "${MM[$SMALL_NAME]}")"
    fi
fi

echo
echo "# summary: name wall_s cpu_s rss_mb mb_per_s ratio_to_wc (medians of $REPS; the small file once; NA = failed)"
for name in "${NAMES[@]}" ${DIR_SMALL:+"$SMALL_NAME"}; do
    if [[ -n ${FAILED[$name]:-} ]]; then
        echo "$name NA NA NA NA NA"
    else
        echo "$name ${MW[$name]} ${MC[$name]} ${MM[$name]} ${MBS[$name]} $(ratio "${MW[$name]}" "${MW[$FLOOR]}")"
    fi
done
