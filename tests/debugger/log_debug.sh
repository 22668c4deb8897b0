#!/bin/sh
# -d exec,in_asm (and int) under --debug and under the GDB stub (emu/debugger.c steps one
# instruction at a time while they are on): one exec line per instruction retired or trapping,
# as in a plain run, whether the debugger's `continue`, its `step N`, or GDB's stepi and
# continue run the guest; in_asm disassembles each new instruction once.
# Usage: sh log_debug.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"

# count_check FILE WHAT: exec lines = instructions retired + traps (from -stats and -d int).
count_check() {
    checks=$((checks + 1))
    execs=$(grep -c '^exec: pc=0x[0-9a-f]\{16\} [MSU]$' "$1")
    traps=$(grep -c '^int: ' "$1")
    instret=$(sed -n 's/^instret: //p' "$1")
    if [ -z "$instret" ] || [ "$execs" -le 1000 ] || [ "$execs" -ne $((instret + traps)) ]; then
        fail "$2: $execs exec lines for ${instret:-?} instructions retired and $traps traps"
    fi
}

# --- --debug: step 5, then continue to the end ---
f=$WORK/debug.txt
printf 'step 5\ncontinue\n' | timeout -k 5 60 "$RV39" --debug -d exec,in_asm,int -stats -nographic \
    --bios none --kernel "$ELF" >"$WORK/debug.out" 2>"$f"
count_check "$f" "--debug"
expect "$f" "exec: pc=0x0000000080000000 M" "--debug: the first instruction is logged"
expect "$f" "in_asm: 0x0000000080000000 M  auipc gp, 0x2" "--debug: in_asm disassembles"
expect "$WORK/debug.out" "guest powered off: exit status 0" "--debug: the guest ran to its end"

# --- the GDB stub: three stepi, then continue ---
if ! command -v gdb-multiarch >/dev/null 2>&1; then
    fail "gdb-multiarch not installed (apt-get install gdb-multiarch)"
    finish
    exit 1
fi
start_gdb_rv39 60 "$ELF" -S -d exec,in_asm,int -stats -nographic
cat >"$WORK/session.gdb" <<GDB
set pagination off
set confirm off
target remote :$PORT
stepi
stepi
stepi
continue
GDB
timeout -k 5 60 gdb-multiarch --batch -nx -x "$WORK/session.gdb" "$ELF" >"$WORK/gdb.txt" 2>&1
wait "$RV39_PID"
f=$WORK/rv39.err
count_check "$f" "--gdb"
checks=$((checks + 1))
[ "$(grep -m 3 '^exec: ' "$f" | sed 's/^exec: pc=//' | tr '\n' ' ')" = \
    "0x0000000080000000 M 0x0000000080000004 M 0x0000000080000008 M " ] ||
    fail "--gdb: GDB's three stepi are not the first three exec lines: $(grep -m 4 '^exec: ' "$f")"
expect "$f" "in_asm: 0x0000000080000000 M  auipc gp, 0x2" "--gdb: in_asm disassembles"
finish
