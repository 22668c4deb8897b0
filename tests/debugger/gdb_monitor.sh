#!/bin/sh
# GDB's `monitor` (qRcmd) reaches the same command set as the prompt: QEMU's info mem,
# info registers, gva2gpa, x/NFU and rv39's fault; the commands GDB does itself (step,
# continue, stop, quit) are refused with a message, and `monitor help` does not offer them; an armed `continue until fault` stops
# GDB's next continue at the fault even after stepi's in between.
# Usage: sh gdb_monitor.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"

if ! command -v gdb-multiarch >/dev/null 2>&1; then
    echo "gdb_monitor.sh: FAIL: gdb-multiarch not installed (apt-get install gdb-multiarch)"
    exit 1
fi

start_gdb_rv39 60 "$ELF" -S
cat >"$WORK/monitor.gdb" <<GDB
set pagination off
set confirm off
target remote :$PORT
monitor help
monitor info mem
monitor step
monitor continue
monitor stop
monitor quit
monitor continue until fault
stepi
stepi
continue
monitor fault
monitor info mem
monitor gva2gpa 0x40000000
monitor info registers
monitor xp /2xw 0x80000000
kill
GDB
timeout -k 5 60 gdb-multiarch --batch -nx -x "$WORK/monitor.gdb" "$ELF" >"$WORK/gdb.txt" 2>&1
wait "$RV39_PID"
f=$WORK/gdb.txt
expect "$f" "No translation or protection" "monitor info mem before paging, as QEMU"
expect "$f" "under GDB, use GDB's own stepi" "monitor step is refused"
expect "$f" "error: under GDB, use GDB's continue" "monitor continue (without until) is refused"
# monitor help does not offer what GDB does itself as if it worked there.
expect "$f" "continue until ...  arm a stop at that event for GDB's next continue" \
    "monitor help: continue only as until, for GDB's continue"
expect "$f" "GDB runs the hart: its stepi, continue, Ctrl-C and kill do what step," \
    "monitor help says why step, stop and quit are not listed"
expect_not "$f" "step [N]            execute N instructions" "monitor help offers step"
expect_not "$f" "quit                leave rv39" "monitor help offers quit"
expect "$f" "walk VADDR [r|w|x] [u|s]" "monitor help lists the MMU commands"
expect "$f" "error: under GDB, interrupt with Ctrl-C in GDB" "monitor stop is refused"
expect "$f" "error: under GDB, use GDB's kill or detach" "monitor quit is refused"
expect "$f" "armed: the next continue stops at the first such event" "monitor continue until fault"
expect "$f" "last page fault: exception 13 (load page fault), S -> M" \
    "GDB's continue stopped at the armed fault, stepi's in between notwithstanding"
expect "$f" "0000000040008000 0000000080005000 0000000000001000 --x--a-" \
    "monitor info mem: QEMU's format with X (what pwndbg/gef's vmmap parse)"
expect "$f" "gpa: 0x40000000" "monitor gva2gpa in M-mode (the trap handler): no translation, as QEMU"
expect "$f" " satp     8000000000080" "monitor info registers"
checks=$((checks + 1))
grep -Eq '^0000000080000000: 0x[0-9a-f]{8} 0x[0-9a-f]{8}$' "$f" || fail "monitor xp /2xw: $(cat "$f")"
finish
