#!/bin/sh
# gdb-multiarch (Debian) against `rv39 --gdb PORT -S` (GDB manual, "Remote Protocol"): GDB
# reads the target description and registers, sets a breakpoint (a pc check in rv39), steps,
# reads memory at virtual addresses through the guest's Sv39 translation (and gets an error
# for an unmapped one), writes a register, runs `monitor` MMU commands, interrupts a running
# guest with Ctrl-C, and sees the guest exit.
# Usage: sh gdb.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"

if ! command -v gdb-multiarch >/dev/null 2>&1; then
    echo "gdb.sh: FAIL: gdb-multiarch not installed (apt-get install gdb-multiarch)"
    exit 1
fi

# start_rv39 ELF: rv39 halted, serving GDB on a free port; sets PORT and RV39_PID.
start_rv39() {
    start_gdb_rv39 60 "$1" -S
}

# --- registers, breakpoint, step, memory, monitor, exit ---
start_rv39 "$ELF"
cat >"$WORK/session.gdb" <<GDB
set pagination off
set confirm off
target remote :$PORT
info registers pc
break s_main
continue
info registers pc
p \$priv
stepi
p/x \$pc - (long)&s_main
p/x \$satp
x/1gx 0x80000000
x/1gx 0xffffffc000000000
python
try:
    gdb.execute("x/1gx 0x40002000")
except gdb.MemoryError as e:
    print("error:", e)
end
set \$t0 = 0x1234abcd
p/x \$t0
monitor walk 0x40002018
monitor satp
monitor step
delete
continue
GDB
timeout -k 5 60 gdb-multiarch --batch -nx -x "$WORK/session.gdb" "$ELF" >"$WORK/gdb.txt" 2>&1
wait "$RV39_PID"
status=$?
f=$WORK/gdb.txt
expect "$f" "pc             0x80000000" "registers: pc at the ELF entry after -S"
expect "$f" "Breakpoint 1, s_main ()" "Z0 breakpoint: continue stops at s_main"
expect "$f" "\$1 = 1" "priv register: s_main runs in S-mode"
expect_not "$f" "\$2 = 0x0" "stepi: pc must move past s_main's first instruction"
expect "$f" "\$3 = 0x8000000000080" "p \$satp: Sv39 mode in the csr feature"
first=$(sed -n 's/^0x80000000 <_start>:[[:space:]]*//p' "$f")
high=$(sed -n 's/^0xffffffc000000000:[[:space:]]*//p' "$f")
checks=$((checks + 1))
if [ -z "$first" ] || [ "$first" != "$high" ]; then
    fail "m packet: VA 0xffffffc000000000 maps DRAM's base: got '$high', physical '$first'"
fi
expect "$f" "Cannot access memory at address 0x40002000" "m packet: unmapped VA is an error"
expect "$f" "\$4 = 0x1234abcd" "P packet: register write reads back"
expect "$f" "=> fault: invalid: PTE has V = 0" "monitor walk: output comes back to GDB"
expect "$f" "MODE=8 (Sv39)" "monitor satp"
expect "$f" "under GDB, use GDB's own stepi" "monitor step is refused under GDB"
expect "$f" "exited normally" "the guest's exit reaches GDB (W packet)"
checks=$((checks + 1))
[ "$status" -eq 0 ] || fail "rv39 exit status $status, expected the guest's 0: $(cat "$WORK/rv39.err")"

# --- Ctrl-C (a 0x03 byte) stops a running guest ---
start_rv39 "$SPIN_ELF"
cat >"$WORK/interrupt.gdb" <<GDB
set pagination off
set confirm off
target remote :$PORT
python
import os, signal, threading, time
def press_ctrl_c():
    time.sleep(1)
    os.kill(os.getpid(), signal.SIGINT)
threading.Thread(target=press_ctrl_c).start()
end
continue
info registers pc
kill
GDB
timeout -k 5 60 gdb-multiarch --batch -nx -x "$WORK/interrupt.gdb" "$SPIN_ELF" >"$WORK/int.txt" 2>&1
wait "$RV39_PID"
f=$WORK/int.txt
expect "$f" "Program received signal SIGINT" "Ctrl-C: the running guest stops with SIGINT"
expect "$f" "<s_main+" "Ctrl-C: stopped inside the guest's spin loop"

finish
