#!/bin/sh
# Time travel over a full-speed recording (emu/replay_seek.h): our kernel's shell gets a typed
# session running the swap demo, recorded with the translator on and no debugger (-record, the
# default -jit on); then `--debug -replay` and `--gdb -replay` go back and forth in it:
#   - seek to several steps, out of order, where the plain replay printed --state-hash-every
#     lines: the same state hash at each (bit-exact with the recording)
#   - rstep after a seek is the state of the step before (the same registers and hash as
#     seeking there), and step goes forward to the seek's state again
#   - whowrote on the kernel's PTE of 0x80300000 (pt_map's sd), history, rcontinue back to a
#     breakpoint and to events (satp, sfence, fault), a watchpoint on the PTE: rcontinue stops
#     at the store; after all that, a seek still gives the plain replay's hash
#   - GDB: watch *PTE, reverse-continue stops at pt_map's store (Old value the PTE, New 0)
# Usage: sh timetravel_replay.sh RV39 GUEST_DIR KERNEL_ELF DISK_IMG
. "$(dirname "$0")/lib.sh" "$1" "$2"
KERNEL=${3:?usage: timetravel_replay.sh RV39 GUEST_DIR KERNEL_ELF DISK_IMG}
DISK=${4:?usage: timetravel_replay.sh RV39 GUEST_DIR KERNEL_ELF DISK_IMG}
limit=${RV39_TEST_TIMEOUT:-60}
GDB_BIOS=default

# The recording: typed with pauses (where the keys land depends on the host's timing).
typed() {
    sleep 0.4
    printf 'help\n'
    sleep 0.3
    printf 'swapdemo 8\n'
    sleep 1
    printf 'exit\n'
}
run_args="-m 16M -nographic --bios default --kernel $KERNEL"
cp --sparse=always "$DISK" "$WORK/record.img" || exit 1
typed | timeout -k 5 "$limit" "$RV39" $run_args -state-hash-every 1000000 -record "$WORK/run.log" \
    --drive "file=$WORK/record.img" >"$WORK/record.out" 2>"$WORK/record.err"
checks=$((checks + 1))
tr -d '\r' <"$WORK/record.out" | grep -q '^swapdemo: PASS$' ||
    fail "the recorded swap demo did not pass: $(tail -n 5 "$WORK/record.err")"

# The plain replay's hash lines: the reference.
cp --sparse=always "$DISK" "$WORK/replay.img"
timeout -k 5 "$limit" "$RV39" $run_args -state-hash-every 1000000 -replay "$WORK/run.log" \
    --drive "file=$WORK/replay.img" </dev/null >/dev/null 2>"$WORK/replay.err"
grep '^state-hash ' "$WORK/replay.err" >"$WORK/replay.hash"
checks=$((checks + 1))
[ "$(wc -l <"$WORK/replay.hash")" -ge 40 ] &&
    cmp -s "$WORK/replay.hash" "$(grep '^state-hash ' "$WORK/record.err" >"$WORK/record.hash"; echo "$WORK/record.hash")" ||
    fail "the plain replay's state hashes (40 or more) must equal the record's: $(tail -n 3 "$WORK/replay.err")"
n=$(wc -l <"$WORK/replay.hash")
step() { sed -n "$1p" "$WORK/replay.hash" | cut -d' ' -f2; }
late=$(step $((n - 2))) early=$(step 2) middle=$(step $((n / 2))) third=$(step $((n / 3)))

# dbg FILE CMD...: a debugger session replaying the log, these commands on stdin.
dbg() {
    out=$1
    shift
    cp --sparse=always "$DISK" "$WORK/dbg.img"
    printf '%s\n' "$@" | timeout -k 5 "$limit" "$RV39" --debug $run_args -replay "$WORK/run.log" \
        --drive "file=$WORK/dbg.img" >"$out" 2>&1
}
# seek_hash FILE STEP [HASHES]: the session's hash at STEP must be the plain replay's.
seek_hash() {
    checks=$((checks + 1))
    want=$(grep "^state-hash $2 " "${3:-$WORK/replay.hash}")
    got=$(grep "^at step $2: " "$1" | head -n 1 | sed 's/^at step [0-9]*: //')
    [ -n "$want" ] && [ "$got" = "$want" ] ||
        fail "seek $2: '$got', the plain replay has '$want'"
}

f=$WORK/seek.txt
dbg "$f" "seek $late" "seek $early" "seek $middle" "seek $third" "regs" "rstep" "regs" \
    "seek $((third - 1))" "regs" "step" "regs" "seek $late"
for s in $late $early $middle $third; do seek_hash "$f" "$s"; done
# The register dumps: 1 at third, 2 after rstep, 3 at third - 1, 4 after step.
regs() { awk -v k="$2" '/^\(rv39\) regs/ { n++ } n == k && /^(ra|sp|gp|tp|t0|a0|a5|s0|pc) /' "$1"; }
checks=$((checks + 1))
[ -n "$(regs "$f" 2)" ] && [ "$(regs "$f" 2)" = "$(regs "$f" 3)" ] ||
    fail "rstep after seek $third must be the state of step $((third - 1)): $(regs "$f" 2) vs $(regs "$f" 3)"
checks=$((checks + 1))
[ -n "$(regs "$f" 1)" ] && [ "$(regs "$f" 1)" = "$(regs "$f" 4)" ] &&
    [ "$(regs "$f" 1)" != "$(regs "$f" 2)" ] ||
    fail "step after seek $((third - 1)) must come back to step $third: $(regs "$f" 1) vs $(regs "$f" 4)"
checks=$((checks + 1))
[ "$(grep -c "^at step $late: " "$f")" -eq 2 ] || fail "the second seek to $late: $(cat "$f")"
seek_hash "$f" "$late"

# The kernel's page table, from the end of the run backwards.
f=$WORK/kernel.txt
dbg "$f" "continue until satp" "continue until satp" "walk 0x80300000" "whowrote" \
    "history 0x80300000" "break pt_map" "rcontinue" "delete 1" "rcontinue until satp" \
    "seek $middle" "rcontinue until sfence" "rcontinue until fault" "seek $late"
leaf=$(sed -n 's/^  L0 pte@\(0x[0-9a-f]*\) = \(0x[0-9a-f]*\) .*/\1 \2/p' "$f")
pte=${leaf% *}
value=$(printf '0x%016x' "${leaf#* }")
expect "$f" "stopped: satp written at pc=0x" "the kernel writes satp"
expect "$f" "last write to $pte before step" "whowrote on the kernel's PTE"
grep -A1 "^last write to $pte" "$f" | grep -q "<pt_map+[0-9]*> \[S\]" ||
    fail "whowrote: the kernel's pt_map wrote the PTE: $(cat "$f")"
checks=$((checks + 1))
grep -A2 "^last write to $pte" "$f" | grep -q '^  sd ' || fail "whowrote: a store (sd) wrote it"
checks=$((checks + 1))
expect "$f" "value 0x0000000000000000 -> $value" "whowrote: from zero to the walk's leaf PTE"
grep -q "PTE level 0 at $pte: 0x0000000000000000 -> $value, stored at pc 0x[0-9a-f]* <pt_map+" "$f" ||
    fail "history: pt_map's store of the leaf PTE"
checks=$((checks + 1))
expect "$f" "breakpoint 1 at 0x" "rcontinue back to a breakpoint set afterwards"
expect "$f" "[S] => 0x" "rcontinue: stopped in S-mode"
expect "$f" "stopped: satp written at pc=0x80000766: 0x0" "rcontinue until satp: the firmware's"
expect "$f" "stopped: sfence.vma at pc=0x" "rcontinue until sfence"
expect "$f" "stopped: store/AMO page fault at pc=0x" "rcontinue until fault: the swap demo's faults"
seek_hash "$f" "$middle"
seek_hash "$f" "$late"

# A watchpoint on the PTE, from the kernel's satp write (reached by a seek from late in the
# run): rcontinue stops at pt_map's store. Before it, whowrote from late in the run.
satp_step=$(sed -n 's/^last write to 0x[0-9a-f]* before step \([0-9]*\):.*/\1/p' "$f")
f=$WORK/watch.txt
dbg "$f" "seek $late" "whowrote $pte" "seek $satp_step" "watch w $pte 8" "rcontinue" "xp $pte 8" \
    "seek $early"
# whowrote from late in the run passes over the stretches between snapshots that share the
# PTE's page (nothing wrote it): the same answer as from the satp write.
grep -A1 "^last write to $pte before step $late: step [0-9]*, pc 0x[0-9a-f]* <pt_map+" "$f" |
    grep -q '^  sd ' || fail "whowrote from step $late: pt_map's sd: $(cat "$f")"
checks=$((checks + 1))
expect "$f" "access to $pte" "rcontinue stops at the watchpoint on the PTE"
grep -Eq '^\[S\] => 0x[0-9a-f]+ <pt_map\+[0-9]+>: +[0-9a-f]+ +sd ' "$f" ||
    fail "rcontinue: at pt_map's store, before it ran: $(cat "$f")"
checks=$((checks + 1))
expect "$f" "$(printf '%s' "$pte" | sed 's/^0x/0x00000000/'): 00 00 00 00 00 00 00 00" \
    "before the store the PTE is zero"
seek_hash "$f" "$early"

# Interrupts that become pending in the middle of a slice and mtime read through the CLINT
# (tt_irq_guest.c): the pieces a seek runs must take them, and see guest time, where the
# whole slices did.
irq_elf=$GUEST_DIR/dbg_ttirq.elf
irq_args="-nographic --bios none --kernel $irq_elf"
timeout -k 5 "$limit" "$RV39" $irq_args -state-hash-every 200000 -record "$WORK/irq.log" \
    </dev/null >"$WORK/irq.out" 2>"$WORK/irq.err"
expect "$WORK/irq.out" "tt_irq: interrupted" "the interrupt guest ran while recording"
timeout -k 5 "$limit" "$RV39" $irq_args -state-hash-every 200000 -replay "$WORK/irq.log" \
    </dev/null >/dev/null 2>"$WORK/irq-replay.err"
grep '^state-hash ' "$WORK/irq-replay.err" >"$WORK/irq.hash"
checks=$((checks + 1))
[ "$(wc -l <"$WORK/irq.hash")" -ge 30 ] || fail "the interrupt guest: 30 or more state hashes"
points=$(cut -d' ' -f2 "$WORK/irq.hash" | awk 'NR % 3 == 2' | sort -rn)
f=$WORK/irq.txt
for p in $points; do echo "seek $p"; done |
    timeout -k 5 "$limit" "$RV39" --debug $irq_args -replay "$WORK/irq.log" >"$f" 2>&1
for p in $points; do seek_hash "$f" "$p" "$WORK/irq.hash"; done
expect_not "$f" "diverged" "the interrupt guest's replay under the debugger"

# GDB: watch the PTE, reverse-continue from the kernel's satp write.
if command -v gdb-multiarch >/dev/null 2>&1; then
    cp --sparse=always "$DISK" "$WORK/gdb.img"
    start_gdb_rv39 "$limit" "$KERNEL" -S -m 16M -nographic -replay "$WORK/run.log" \
        --drive "file=$WORK/gdb.img"
    cat >"$WORK/session.gdb" <<GDB
set pagination off
set confirm off
target remote :$PORT
monitor continue until satp
continue
monitor continue until satp
continue
set \$pte = (unsigned long *)$pte
watch *\$pte
reverse-continue
x/i \$pc
p *\$pte
kill
GDB
    timeout -k 5 "$limit" gdb-multiarch --batch -nx -x "$WORK/session.gdb" "$KERNEL" \
        >"$WORK/gdb.txt" 2>&1
    wait "$RV39_PID"
    f=$WORK/gdb.txt
    expect "$f" "Hardware watchpoint 1: *\$pte" "Z2: GDB sets a hardware watchpoint"
    expect "$f" "New value = 0" "reverse-continue: before the store the PTE is zero"
    expect "$f" "in pt_map (" "reverse-continue stops in the kernel's pt_map"
    grep -Eq '^=> 0x[0-9a-f]+ <pt_map\+[0-9]+>:[[:space:]]*sd[[:space:]]' "$f" ||
        fail "reverse-continue must stop at the store (x/i: an sd in pt_map): $(cat "$f")"
    checks=$((checks + 1))
else
    fail "gdb-multiarch not installed (apt-get install gdb-multiarch)"
fi

finish
