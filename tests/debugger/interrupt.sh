#!/bin/sh
# Ctrl-C (SIGINT) during `continue` returns to the prompt instead of stopping rv39; the
# session goes on. The guest (dbg_spin) loops forever in S-mode.
# Usage: sh interrupt.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"

mkfifo "$WORK/in"
timeout -k 5 60 "$RV39" --debug --bios none --kernel "$SPIN_ELF" <"$WORK/in" >"$WORK/out.txt" 2>&1 &
pid=$!
exec 3>"$WORK/in"
echo "continue" >&3
sleep 1
kill -INT "$pid"
sleep 0.5
printf '%s\n' "regs" "quit" >&3
exec 3>&-
wait "$pid"
status=$?
f=$WORK/out.txt
expect "$f" "interrupted" "Ctrl-C stops the continue"
expect "$f" "<s_main+" "the hart stopped in the guest's loop"
expect "$f" "(rv39) regs" "the prompt takes commands after Ctrl-C"
expect "$f" "priv S" "regs after the interrupt"
checks=$((checks + 1))
[ "$status" -eq 0 ] || fail "rv39 exit status $status after Ctrl-C and quit, expected 0"
finish
