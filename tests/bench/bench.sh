#!/bin/sh
# bench.sh [BUILD_DIR] [RUNS]
# Runs the benchmark guest alternately on rv39 and on QEMU (TCG), RUNS times each (default
# 3), and reports the median wall-clock times, rv39's speed in guest MIPS and the time ratio
# rv39/QEMU. Alternating keeps slow drifts of the host from favouring one side.
# The guest instruction count is rv39's minstret: QEMU without -icount reports host ticks
# there, and both machines run the same instructions anyway (the checksums must agree).
set -eu
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh" # now, median, guest_lines, guest_figure

build=${1:-build}
runs=${2:-${RUNS:-3}}
rv39=$build/rv39
elf=${BENCH_ELF:-$build/tests/bench/bench.elf}
qemu=${QEMU:-qemu-system-riscv64}
limit=${BENCH_TIMEOUT:-600}

for f in "$rv39" "$elf"; do
    [ -e "$f" ] || { echo "bench: $f not found; build first (make build)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# run NAME I CMD...: time one run, keep its output, stop everything on failure.
run() {
    name=$1 i=$2
    shift 2
    t0=$(now)
    if ! timeout "$limit" "$@" </dev/null >"$tmp/$name.$i.raw" 2>"$tmp/$name.$i.err"; then
        echo "bench: $name run $i failed:" >&2
        cat "$tmp/$name.$i.raw" "$tmp/$name.$i.err" >&2
        exit 1
    fi
    t1=$(now)
    echo $(((t1 - t0) / 1000)) >>"$tmp/$name.us"
    guest_lines "$tmp/$name.$i.raw" "$tmp/$name.$i.out"
    printf '  %-5s run %d: %d.%03d s\n' "$name" "$i" $(((t1 - t0) / 1000000000)) \
        $(((t1 - t0) / 1000000 % 1000))
}

echo "bench: $elf, $runs runs each, alternating"
i=1
while [ "$i" -le "$runs" ]; do
    run rv39 "$i" "$rv39" --bios none --kernel "$elf"
    run qemu "$i" "$qemu" -M virt -bios none -nographic -kernel "$elf"
    if ! cmp -s "$tmp/rv39.$i.out" "$tmp/qemu.$i.out"; then
        echo "bench: checksums differ between rv39 and QEMU:" >&2
        diff -u "$tmp/qemu.$i.out" "$tmp/rv39.$i.out" >&2 || true
        exit 1
    fi
    i=$((i + 1))
done

rv39_us=$(median "$tmp/rv39.us")
qemu_us=$(median "$tmp/qemu.us")
instret=$(guest_figure "$tmp/rv39.1.raw" instret)

grep 'total' "$tmp/rv39.1.out"
awk -v r="$rv39_us" -v q="$qemu_us" -v n="${instret:-0}" 'BEGIN {
    printf "rv39 median: %.3f s\n", r / 1e6
    printf "QEMU median: %.3f s\n", q / 1e6
    if (n > 0) {
        printf "guest instructions: %.0f\n", n
        printf "rv39: %.1f MIPS, QEMU: %.1f MIPS (wall clock, including start-up)\n", n / r, n / q
    }
    printf "ratio rv39/QEMU (time): %.2f\n", r / q
}'
