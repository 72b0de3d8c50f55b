# Shared by the bench runners (sourced, not run): time one measurement with /usr/bin/time and
# run all measurements in alternating order. The caller defines TIME, TMP, REPS, NAMES, the
# CMD_<name> arrays, the associative array FAILED, and a function skip_measurement NAME.

declare -A WALL CPU RSS

# GNU time's %e has 10 ms steps, a tenth of `wc -l` on the 500 MiB file: wall times are taken
# from the shell's microsecond clock around it instead, less what starting time itself takes
# (the least of five runs of `time true`, 2-3 ms here).
TIME_START_S=$(for _ in 1 2 3 4 5; do
    s=$EPOCHREALTIME
    "$TIME" -o /dev/null -f '%e' true
    e=$EPOCHREALTIME
    echo "$s $e"
done | awk '{ d = $2 - $1; if (NR == 1 || d < m) m = d } END { printf "%.6f", m }')

# Records wall s, user+sys CPU s and peak RSS KB of CMD_<name>, or its failure in FAILED.
time_one() {
    local name=$1
    local -n argv="CMD_$name"
    local rc=0 start=$EPOCHREALTIME
    "$TIME" -o "$TMP/time" -f '%e %U %S %M' "${argv[@]}" > /dev/null 2> "$TMP/$name.err" || rc=$?
    local end=$EPOCHREALTIME
    if ((rc != 0)); then
        FAILED[$name]="exit $rc: $(tail -2 "$TMP/$name.err" | tr '\n' ' ')"
        return
    fi
    local e u s m
    read -r e u s m < <(tail -1 "$TMP/time")
    WALL[$name]+="$(awk -v a="$start" -v b="$end" -v o="$TIME_START_S" 'BEGIN { printf "%.3f", b - a - o }') "
    CPU[$name]+="$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') "
    RSS[$name]+="$m "
}

# Each repetition runs every measurement once; odd repetitions go down the list, even ones up
# it, so no command always runs first (or always right after another).
run_repetitions() {
    local rep k name order
    for ((rep = 1; rep <= REPS; rep++)); do
        echo "repetition $rep/$REPS ..." >&2
        order=("${NAMES[@]}")
        if ((rep % 2 == 0)); then
            order=()
            for ((k = ${#NAMES[@]} - 1; k >= 0; k--)); do order+=("${NAMES[k]}"); done
        fi
        for name in "${order[@]}"; do
            skip_measurement "$name" || [[ -n ${FAILED[$name]:-} ]] || time_one "$name"
        done
    done
}
