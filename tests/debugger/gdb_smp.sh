#!/bin/sh
# gdb-multiarch against `rv39 --gdb PORT -S -smp 4` on smp_guest.c: one thread per hart as
# QEMU's stub has them (thread 1 = hart 0): `info threads` lists four, `thread 3` shows hart
# 2's registers (a0 = 2 at reset), a breakpoint only hart 2 reaches is reported on thread 3,
# memory at one VA reads each hart's own page (its own translation), `monitor` commands look
# at GDB's thread, stepi moves the current thread, and the guest runs to its end.
# Usage: sh gdb_smp.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"
SMP_ELF=$GUEST_DIR/dbg_smp.elf

if ! command -v gdb-multiarch >/dev/null 2>&1; then
    echo "gdb_smp.sh: FAIL: gdb-multiarch not installed (apt-get install gdb-multiarch)"
    exit 1
fi

start_gdb_rv39 60 "$SMP_ELF" -S -smp 4
cat >"$WORK/smp.gdb" <<GDB
set pagination off
set confirm off
target remote :$PORT
info threads
thread 3
p \$a0
p/x \$pc
thread 1
p \$a0
break dbg_smp_hart2
continue
info threads
p \$a0
x/1gx 0x40000000
monitor gva2gpa 0x40000000
thread 2
p \$a0
x/1gx 0x40000000
monitor satp
thread 3
stepi
p/x \$pc - (long)&dbg_smp_hart2
monitor hart 1
monitor hart 3 satp
delete
continue
GDB
timeout -k 5 60 gdb-multiarch --batch -nx -x "$WORK/smp.gdb" "$SMP_ELF" >"$WORK/gdb.txt" 2>&1
wait "$RV39_PID"
status=$?
f=$WORK/gdb.txt
for t in 1 2 3 4; do
    expect "$f" "Thread $t \"hart $((t - 1))\" (running)" "info threads lists thread $t as hart $((t - 1))"
done
expect_not "$f" "Thread 5" "info threads: four harts, four threads"
expect "$f" "\$1 = 2" "thread 3: hart 2's registers (a0 = hart id at reset)"
expect "$f" "\$2 = 0x80000000" "thread 3: at the entry after -S"
expect "$f" "\$3 = 0" "thread 1: hart 0's a0"
expect "$f" "Thread 3 \"hart 2\" hit Breakpoint 1" "the breakpoint is reported on thread 3"
expect "$f" "hit Breakpoint 1, dbg_smp_hart2" "breakpoint 1 hit in dbg_smp_hart2"
expect "$f" "* 3    Thread 3" "info threads: thread 3 is GDB's current one after the stop"
expect "$f" "\$4 = 2" "registers of the thread that stopped"
expect "$f" "0x40000000:	0x0000000000000102" "x through hart 2's translation: its own page"
expect "$f" "\$5 = 1" "thread 2: hart 1's registers"
expect "$f" "0x40000000:	0x0000000000000101" "x through hart 1's translation: its own page"
expect "$f" "MODE=8 (Sv39) ASID=2" "monitor satp looks at GDB's thread (hart 1, ASID 2)"
expect_not "$f" "\$6 = 0x0" "stepi on thread 3 moves hart 2 past the breakpoint"
expect "$f" "use GDB's thread 2" "monitor hart N is refused under GDB"
expect "$f" "MODE=8 (Sv39) ASID=4" "monitor hart 3 CMD: one command on hart 3"
expect "$f" "exited normally" "the guest runs to its end (all harts continue)"
gpas=$(grep '^gpa: ' "$f" | head -1)
checks=$((checks + 1))
[ -n "$gpas" ] || fail "monitor gva2gpa answers: $(cat "$f")"
checks=$((checks + 1))
[ "$status" -eq 0 ] || fail "rv39 exit status $status: $(cat "$WORK/rv39.err")"

finish
