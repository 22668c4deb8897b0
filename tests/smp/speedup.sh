#!/bin/sh
# speedup.sh RV39 SMP_BENCH_ELF MIN_RUN [RUNS [RV39_OPTION...]]
# Runs the same total work (smp_bench.elf splits it over the harts it finds) on -smp 1 and on
# -smp 2 with harts on host threads, alternately RUNS times (default 3), and prints the median
# wall-clock times and their ratio (the speedup; `make bench` reports it). The ratio depends
# on how much of the host's two cores this process gets (with other sessions busy, the
# scheduler's autogroups give its threads one share between them), so what is asserted is
# that harts run at the same time at all: smp_bench's longest run of consecutive progress
# samples (one per 8 units) during which the other hart also moved on must reach MIN_RUN on
# -smp 2. Harts that take
# turns cannot make it exceed 1; the control run with -accel tcg,thread=single (the
# round-robin mode, serialised) must show exactly that, or the measure proves nothing.
# Checksums must agree between all runs. What the host itself allows is printed beside it:
# two separate -smp 1 processes run side by side each iteration, and the ceiling is twice the
# -smp 1 time over the pair's (2.00 on two free, independent cores; on this 2-vCPU virtual
# machine each of the two took 1.12-1.25x its time alone, a ceiling of ~1.65-1.8x).
set -eu
rv39=$1
elf=$2
min_run=$3
runs=${4:-3}
shift 3
[ $# -gt 0 ] && shift
# The rest: more rv39 options for every run (--jit off: the interpreter's speedup).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
now() { date +%s%N; }
longest() { tr -d '\r' <"$1" | awk '$2 == "overlap" { print $NF }'; }
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
i=0
while [ "$i" -lt "$runs" ]; do
    for n in 1 2; do
        start=$(now)
        if ! "$rv39" -smp "$n" -accel tcg,thread=multi --bios none --nographic "$@" \
            --kernel "$elf" >"$tmp/out$n" 2>&1; then
            echo "FAIL: -smp $n: exit status $?"
            cat "$tmp/out$n"
            exit 1
        fi
        ms=$((($(now) - start) / 1000000))
        echo "$ms" >>"$tmp/ms$n"
        grep checksum "$tmp/out$n" >"$tmp/sum$n"
        if [ "$n" = 2 ]; then longest "$tmp/out2" >>"$tmp/runs"; fi
    done
    start=$(now)
    for pair in a b; do
        "$rv39" -smp 1 --bios none --nographic "$@" --kernel "$elf" >"$tmp/pair$pair" 2>&1 &
    done
    wait
    echo $((($(now) - start) / 1000000)) >>"$tmp/mspair"
    i=$((i + 1))
done
"$rv39" -smp 2 -accel tcg,thread=single --bios none --nographic "$@" --kernel "$elf" >"$tmp/single" 2>&1
grep checksum "$tmp/single" >"$tmp/sum_single"
if ! cmp -s "$tmp/sum1" "$tmp/sum2" || ! cmp -s "$tmp/sum1" "$tmp/sum_single"; then
    echo "FAIL: the checksums differ: $(cat "$tmp/sum1" "$tmp/sum2" "$tmp/sum_single")"
    exit 1
fi
t1=$(median "$tmp/ms1")
t2=$(median "$tmp/ms2")
ratio=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", a / b }')
ceiling=$(awk -v a="$t1" -v b="$(median "$tmp/mspair")" 'BEGIN { printf "%.2f", 2 * a / b }')
best=$(sort -n "$tmp/runs" | tail -1)
control=$(longest "$tmp/single")
echo "smp speedup: -smp 1 ${t1} ms, -smp 2 ${t2} ms (medians of $runs): ${ratio}x" \
    "(the host's ceiling: two -smp 1 side by side, ${ceiling}x);" \
    "harts at the same time: longest run $best (runs: $(tr '\n' ' ' <"$tmp/runs")), round-robin control $control"
if [ "$control" -gt 1 ]; then
    echo "FAIL: the round-robin control shows a run of $control: the measure is broken"
    exit 1
fi
if [ "$best" -lt "$min_run" ]; then
    echo "FAIL: the harts never ran at the same time for $min_run samples (longest $best)"
    exit 1
fi
