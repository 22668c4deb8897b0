#!/bin/sh
# diff_payload.sh RV39 QEMU FIRMWARE PAYLOAD
# Boots PAYLOAD under FIRMWARE on rv39 and on QEMU's virt board and compares the payload's
# report: its "payload:" lines (the '~' lines and the firmware's banner hold addresses and
# other machine facts) and the exit statuses, which must both be 0.
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
# QEMU with Sscofpmf, which rv39 has: the payload checks counter overflow where it exists.
timeout -k 5 "$limit" "$qemu" -M virt -cpu rv64,sscofpmf=on -nographic -bios "$firmware" \
    -kernel "$payload" </dev/null >"$tmp/qemu.raw" 2>&1
qemu_status=$?
for m in rv39 qemu; do
    tr -d '\r' <"$tmp/$m.raw" | grep '^payload:' >"$tmp/$m.out"
done

fail=0
if [ "$rv39_status" -ne 0 ] || [ "$qemu_status" -ne 0 ]; then
    echo "exit status: rv39 $rv39_status, QEMU $qemu_status (both must be 0; 124 = timeout)"
    fail=1
fi
if ! grep -qx 'payload: all SBI checks passed' "$tmp/rv39.out"; then
    echo "rv39: no pass line"
    fail=1
fi
if ! diff -u "$tmp/qemu.out" "$tmp/rv39.out"; then
    echo "payload report differs (--- QEMU, +++ rv39)"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "--- rv39 output:"
    cat "$tmp/rv39.raw"
    echo "--- QEMU output:"
    cat "$tmp/qemu.raw"
    exit 1
fi
echo "same payload report ($(wc -l <"$tmp/rv39.out") lines) and exit status 0 on rv39 and QEMU"
