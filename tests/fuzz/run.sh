#!/bin/sh
# run.sh BUILD SECONDS [TARGET...]: fuzz each libFuzzer target of BUILD (configured with
# -DRV39_FUZZ=ON, `make fuzz`) for SECONDS, one after the other, then print one line per target:
# its runs, execs per second, coverage and its own counters (the summary line fuzz.c prints).
# Exits 1 when any target crashed, timed out or failed an oracle; the input that did it is in
# BUILD/fuzz/artifacts/TARGET/ and the whole log in BUILD/fuzz/logs/TARGET.log.
#
# Each target grows a working corpus in BUILD/fuzz/corpus/TARGET, seeded from the committed
# tests/fuzz/corpus/TARGET and tests/fuzz/regressions/TARGET and the build's own seeds in
# BUILD/fuzz/seeds/TARGET (seeds_guest.c); tests/fuzz/TARGET.dict is used as a dictionary
# when it exists. Used by `make fuzz` and by ctest's fuzz/TARGET (one each).
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD SECONDS [TARGET...]" >&2
    exit 2
fi
build=$1
seconds=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
targets=$*
if [ -z "$targets" ]; then
    for exe in "$build"/tests/fuzz/fuzz_*; do
        [ -x "$exe" ] && targets="$targets $(basename "$exe")"
    done
fi
if [ -z "$targets" ]; then
    echo "run.sh: no fuzz targets in $build/tests/fuzz (configure with -DRV39_FUZZ=ON)" >&2
    exit 2
fi

out="$build/fuzz"
mkdir -p "$out/logs"
summary=""
failed=0
begin=$(date +%s)
for t in $targets; do
    exe="$build/tests/fuzz/$t"
    log="$out/logs/$t.log"
    artifacts="$out/artifacts/$t/"
    mkdir -p "$out/corpus/$t" "$artifacts"
    dirs="$out/corpus/$t"
    for d in "$src/corpus/$t" "$src/regressions/$t" "$build/fuzz/seeds/$t"; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    dict=""
    [ -f "$src/$t.dict" ] && dict="-dict=$src/$t.dict"
    echo "fuzz: $t for ${seconds}s (log $log)"
    # -timeout: an input that takes this long is a hang, reported like a crash.
    # shellcheck disable=SC2086 # $dirs and $dict are lists of words
    "$exe" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$artifacts" $dict $dirs >"$log" 2>&1 &
    pid=$!
    start=$(date +%s)
    shown=$start
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        kill -0 "$pid" 2>/dev/null || break
        now=$(date +%s)
        if [ $((now - shown)) -ge 15 ]; then
            shown=$now
            # libFuzzer's latest status line: "#RUNS  pulse  cov: N ft: N corp: N ... exec/s: N"
            last=$(grep -a '^#[0-9]' "$log" | tail -n 1 |
                sed -n 's/^#\([0-9]*\).*cov: \([0-9]*\).*exec\/s: \([0-9]*\).*/\1 runs, cov \2, \3 exec\/s/p')
            echo "  $t: $((now - start))s/${seconds}s ${last:-starting}"
        fi
    done
    wait "$pid"
    rc=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    cov=$(grep -a '^#[0-9]' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    counters=$(grep -a "^$t: " "$log" | grep -v ": FAILED: " | tail -n 1 | sed "s/^$t: //")
    if [ "$rc" -eq 0 ]; then
        line="$t: ok, ${runs:-?} runs (${rate:-?}/s), cov ${cov:-?}; $counters"
    else
        failed=1
        found=$(ls "$artifacts" 2>/dev/null | head -n 1)
        why=$(grep -a -m 1 -E 'ERROR: |FAILED: |SUMMARY: ' "$log" | cut -c 1-160)
        line="$t: FAILED (exit $rc): $why; input: $artifacts${found:-?}; log: $log"
    fi
    echo "  $line"
    summary="$summary$line
"
done
echo "fuzz: summary after $(($(date +%s) - begin))s, ${seconds}s per target"
printf '%s' "$summary" | sed 's/^/  /'
exit $failed
