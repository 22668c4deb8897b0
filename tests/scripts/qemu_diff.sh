#!/bin/sh
# qemu_diff.sh RV39 ELF [OPTION...]
# Runs a bare-metal ELF on rv39 and on QEMU's virt board (both given the same extra OPTIONs,
# e.g. -initrd FILE) and compares what they print on the
# UART and their exit statuses. Lines starting with '~' carry machine-dependent facts
# (timing, ISA extras, addresses) and are ignored; so are carriage returns.
# RV39_TEST_TIMEOUT (default 60) bounds each run. QEMU_CPU, if set, becomes QEMU's -cpu (for
# extensions QEMU 7.2 leaves off by default, e.g. rv64,Zfh=true; rv39 has them all).
set -u
rv39=$1
elf=$2
shift 2
limit=${RV39_TEST_TIMEOUT:-60}
qemu=${QEMU:-qemu-system-riscv64}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

timeout "$limit" "$rv39" --bios none --kernel "$elf" "$@" </dev/null >"$tmp/rv39.raw" 2>"$tmp/rv39.err"
rv39_status=$?
timeout "$limit" "$qemu" -M virt ${QEMU_CPU:+-cpu "$QEMU_CPU"} -bios none -nographic -kernel "$elf" "$@" </dev/null \
    >"$tmp/qemu.raw" 2>"$tmp/qemu.err"
qemu_status=$?

for m in rv39 qemu; do
    tr -d '\r' <"$tmp/$m.raw" | grep -v '^~' >"$tmp/$m.out"
done

fail=0
if [ "$rv39_status" -ne "$qemu_status" ]; then
    echo "exit status differs: rv39 $rv39_status, QEMU $qemu_status" \
        "(124 = timed out after $limit s)"
    fail=1
fi
if ! diff -u "$tmp/qemu.out" "$tmp/rv39.out" >"$tmp/diff"; then
    echo "UART output differs (--- QEMU, +++ rv39):"
    cat "$tmp/diff"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "--- rv39 stderr:"
    cat "$tmp/rv39.err"
    echo "--- QEMU stderr:"
    cat "$tmp/qemu.err"
    exit 1
fi
echo "same output ($(wc -l <"$tmp/rv39.out") lines) and exit status ($rv39_status) on rv39 and QEMU"
