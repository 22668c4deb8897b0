#!/bin/sh
# rv39's monitor against QEMU's on the same guest (dbg_spin: Sv39 on, spinning in S-mode):
# the same commands typed into both, answers compared. xp in every format and gva2gpa must
# be identical; `info mem` keeps QEMU's layout and attr letters (with X), and each of rv39's
# lines is one of QEMU's: QEMU also lists PTEs the walk would fault on (W without R,
# reserved bits, a misaligned superpage), which translate nothing, so rv39 leaves them out.
# Usage: sh qemu_monitor.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"
if ! command -v qemu-system-riscv64 >/dev/null 2>&1; then
    echo "qemu_monitor.sh: FAIL: qemu-system-riscv64 not installed (apt-get install qemu-system-misc)"
    exit 1
fi
COMMANDS="info mem
xp /4xw 0x80000000
xp /3xg 0x80000000
xp /2dh 0x80000000
xp /2ow 0x80000000
xp /5c 0x80000000
xp /3ub 0x80000004
gva2gpa 0x40000000
gva2gpa 0x40008010
gva2gpa 0x40002000
info registers"

# QEMU: its monitor on stdin, the guest's UART nowhere; a second for the guest to settle.
{
    sleep 1
    printf '%s\n' "$COMMANDS"
    sleep 1
    echo quit
} | timeout -k 5 30 qemu-system-riscv64 -M virt -bios none -kernel "$SPIN_ELF" -display none \
    -serial null -monitor stdio 2>&1 | tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >"$WORK/qemu.txt"

# rv39: the terminal console, C-a c to the monitor after the same second.
set --
while IFS= read -r line; do set -- "$@" "send:$line\r" "expect:(rv39) "; done <<EOF2
$COMMANDS
EOF2
python3 "$(dirname "$0")/pty_run.py" "$WORK/rv39.raw" "sleep:1" "send:\x01c" "expect:(rv39) " \
    "sleep:0.2" "$@" "send:\x01x" -- "$RV39" -nographic -bios none -kernel "$SPIN_ELF"
tr -d '\r' <"$WORK/rv39.raw" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >"$WORK/rv39.txt"

# answers: memory dumps, gva2gpa, info mem rows
answers() {
    grep -E '^00000000800000[0-9a-f]{2}:|^gpa: |^Unmapped$' "$1"
}
rows() {
    grep -E '^[0-9a-f]{16} [0-9a-f]{16} [0-9a-f]{16} [-r][-w][-x][-u][-g][-a][-d]$' "$1"
}
answers "$WORK/qemu.txt" >"$WORK/qemu.answers"
answers "$WORK/rv39.txt" >"$WORK/rv39.answers"
checks=$((checks + 1))
[ "$(wc -l <"$WORK/qemu.answers")" -ge 10 ] || fail "QEMU gave too few answers: $(cat "$WORK/qemu.txt")"
checks=$((checks + 1))
diff -u "$WORK/qemu.answers" "$WORK/rv39.answers" >"$WORK/answers.diff" ||
    fail "xp and gva2gpa differ from QEMU's (- QEMU, + rv39):
$(cat "$WORK/answers.diff")"

rows "$WORK/qemu.txt" >"$WORK/qemu.rows"
rows "$WORK/rv39.txt" >"$WORK/rv39.rows"
checks=$((checks + 1))
[ "$(wc -l <"$WORK/rv39.rows")" -ge 8 ] || fail "rv39's info mem has too few rows: $(cat "$WORK/rv39.txt")"
while IFS= read -r row; do
    checks=$((checks + 1))
    grep -qxF "$row" "$WORK/qemu.rows" || fail "info mem row '$row' is not one of QEMU's:
$(cat "$WORK/qemu.rows")"
done <"$WORK/rv39.rows"
expect "$WORK/rv39.txt" "vaddr            paddr            size             attr" "info mem header"
for reg in " pc       " " satp     " " x0/zero  " " x31/t6   "; do
    checks=$((checks + 1))
    a=$(grep -F "$reg" "$WORK/qemu.txt" | grep -o "$reg[0-9a-f]*" | head -n 1)
    b=$(grep -F "$reg" "$WORK/rv39.txt" | grep -o "$reg[0-9a-f]*" | head -n 1)
    [ -n "$a" ] && [ "$a" = "$b" ] || fail "info registers: '$b' where QEMU says '$a'"
done
finish
