#!/bin/sh
# diff_pmu_sampling.sh RV39 QEMU FIRMWARE PAYLOAD
# The payload's PMU sampling checks (its "payload: PMU sampling" lines: configure instructions
# on a counter that can overflow, SKIP_MATCH, start near the wrap, LCOFI in S, scountovf,
# release) under rv39's own firmware on rv39 and under QEMU's own OpenSBI on QEMU's virt
# board with Sscofpmf (-cpu rv64,sscofpmf=on): the same lines, both runs passing, and the
# lines there at all (a hart without Sscofpmf skips them).
set -u
rv39=$1
qemu=$2
firmware=$3
payload=$4
limit=${RV39_TEST_TIMEOUT:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

timeout -k 5 "$limit" "$rv39" --bios "$firmware" --kernel "$payload" </dev/null \
    >"$tmp/rv39.raw" 2>&1
rv39_status=$?
timeout -k 5 "$limit" "$qemu" -M virt -cpu rv64,sscofpmf=on -nographic -kernel "$payload" \
    </dev/null >"$tmp/qemu.raw" 2>&1
qemu_status=$?
fail=0
for m in rv39 qemu; do
    tr -d '\r' <"$tmp/$m.raw" >"$tmp/$m.txt"
    grep '^payload: PMU sampling' "$tmp/$m.txt" >"$tmp/$m.out"
    if ! grep -qx 'payload: all SBI checks passed' "$tmp/$m.txt"; then
        echo "$m: no pass line"
        fail=1
    fi
done
if [ "$rv39_status" -ne 0 ] || [ "$qemu_status" -ne 0 ]; then
    echo "exit status: rv39 $rv39_status, QEMU $qemu_status (both must be 0; 124 = timeout)"
    fail=1
fi
if [ "$(wc -l <"$tmp/rv39.out")" -lt 4 ]; then
    echo "rv39: the PMU sampling checks did not run"
    fail=1
fi
if ! diff -u "$tmp/qemu.out" "$tmp/rv39.out"; then
    echo "PMU sampling report differs (--- QEMU + OpenSBI, +++ rv39 + its firmware)"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "--- rv39 output:"
    cat "$tmp/rv39.txt"
    echo "--- QEMU output:"
    cat "$tmp/qemu.txt"
    exit 1
fi
echo "same PMU sampling report ($(wc -l <"$tmp/rv39.out") lines) on rv39 and QEMU + OpenSBI"
