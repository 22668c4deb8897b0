#!/bin/sh
# Several harts (-smp 4) at rv39's own prompt, on smp_guest.c (each hart its own page table,
# VA 0x40000000 onto a page of its own, ASID = hart + 1): info cpus in QEMU's format, hart N
# selects (prompt, regs: a0 = hart id at reset), a breakpoint only hart 2 reaches stops there
# and says so, x/walk/tlb/gva2gpa through each hart's own translation and TLB (`hart N CMD`
# for one command), step moves the selected hart alone; then --stats per hart with totals
# that add up, JIT on and off.
# Usage: sh smp.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"
SMP_ELF=$GUEST_DIR/dbg_smp.elf

# smp_session FILE CMD...: the debugger on the multi-hart guest with -smp 4.
smp_session() {
    out=$1
    shift
    printf '%s\n' "$@" | timeout -k 5 60 "$RV39" --debug -smp 4 --bios none --kernel "$SMP_ELF" \
        >"$out" 2>&1
}

# --- halted at reset: every hart at the entry, a0 = its id ---
f=$WORK/reset.txt
smp_session "$f" "info cpus" "hart 3" "regs" "info cpus" "hart" "hart 9" "step" "info cpus" \
    "info registers -a"
expect "$f" "* CPU #0: pc=0x0000000080000000
  CPU #1: pc=0x0000000080000000
  CPU #2: pc=0x0000000080000000
  CPU #3: pc=0x0000000080000000" "info cpus: four harts at the entry, hart 0 selected"
expect "$f" "hart 3: pc 0x80000000 <_start> [M]" "hart 3 selects it"
expect "$f" "(rv39 hart 3) regs" "the prompt names the selected hart"
expect "$f" "a0   x10 0x0000000000000003" "regs: hart 3's a0 is its hart id"
expect "$f" "  CPU #0: pc=0x0000000080000000
  CPU #1: pc=0x0000000080000000
  CPU #2: pc=0x0000000080000000
* CPU #3: pc=0x0000000080000000" "info cpus marks hart 3"
expect "$f" "error: no hart '9' (harts 0..3)" "hart 9 does not exist"
expect "$f" "hart 3 [M] => 0x80000004 <_start+4>" "step: hart 3 moves"
expect "$f" "  CPU #2: pc=0x0000000080000000
* CPU #3: pc=0x0000000080000004" "step moves the selected hart alone"

checks=$((checks + 1))
[ "$(awk '/^CPU#/ { cpu = $0 } { for (i = 1; i < NF; i++) if ($i == "x10/a0") print cpu ":" $(i + 1) }' "$f" | tr '\n' ' ')" = \
    "CPU#0:0000000000000000 CPU#1:0000000000000001 CPU#2:0000000000000002 CPU#3:0000000000000003 " ] ||
    fail "info registers -a: every hart under its CPU#N line, a0 = its id: $(cat "$f")"

# --- a breakpoint only hart 2 reaches; each hart's own translation and TLB ---
f=$WORK/bp.txt
smp_session "$f" "break dbg_smp_hart2" "continue" "regs" "x 0x40000000 8" \
    "hart 1 x 0x40000000 8" "hart 3 x 0x40000000 8" "gva2gpa 0x40000000" \
    "hart 1 gva2gpa 0x40000000" "walk 0x40000000" "tlb asid 3" "hart 1 tlb asid 2" \
    "hart 1 satp" "xp dbg_smp_page+8192 8" "delete 1" "continue"
expect "$f" "<dbg_smp_hart2> on hart 2" "the breakpoint stops on hart 2, which says so"
expect "$f" "hart 2 [S] => 0x" "hart 2 stopped in S-mode"
expect "$f" "(rv39 hart 2) regs" "the hart that stopped is the selected one"
expect "$f" "a0   x10 0x0000000000000002" "regs: hart 2's"
expect "$f" "0x0000000040000000: 02 01 00 00 00 00 00 00" "x: VA 0x40000000 is hart 2's page"
expect "$f" "0x0000000040000000: 01 01 00 00 00 00 00 00" "hart 1 x: hart 1's page at that VA"
set -- $(sed -n 's/^gpa: 0x//p' "$f")
checks=$((checks + 1))
if [ $# -ne 2 ] || [ "$1" = "$2" ]; then
    fail "gva2gpa: hart 2 and hart 1 must map VA 0x40000000 to different pages: $*"
fi
expect "$f" "=> pa=0x$1 (4K page" "walk: hart 2's page walk ends at hart 2's page"
expect "$f" "      3  0x0000000040000000  0x00$1  4K" "tlb: hart 2's TLB, ASID 3, onto its page"
expect "$f" "      2  0x0000000040000000  0x00$2  4K" "hart 1 tlb: hart 1's TLB, ASID 2, onto its page"
expect "$f" "MODE=8 (Sv39) ASID=2" "hart 1 satp: its own ASID"
expect "$f" "02 01 00 00 00 00 00 00" "xp: hart 2's mark in dbg_smp_page[2]"
expect "$f" "guest powered off: exit status 0" "the harts finish and the guest checks them"

# --- events and watchpoints on every hart: the one that stops the run becomes selected ---
f=$WORK/events.txt
smp_session "$f" "hart 3" "continue until satp" "watch w dbg_smp_count+16 8" "trace mmu on" \
    "continue" "trace mmu off" "delete 65" "continue"
expect "$f" "stopped: satp written at pc=0x" "continue until satp, with hart 3 selected"
checks=$((checks + 1))
grep -q '^stopped: satp written at pc=0x[0-9a-f]*: 0x80001000[0-9a-f]\{8\} on hart 0$' "$f" ||
    fail "continue until satp: hart 0's write (ASID 1) comes first and the stop names it: $(cat "$f")"
expect "$f" "on hart 0
hart 0 [M] => 0x" "hart 0 is selected after its event"
expect "$f" "on hart 2
hart 2 [S] => 0x" "a watchpoint on hart 2's counter stops on hart 2"
expect "$f" "hart 2: mmu: " "trace mmu lines name their hart"
expect "$f" "guest powered off: exit status 0" "the guest ends well after the events"

# --- --stats: the totals, then one line per hart, adding up ---
for jit in on off; do
    timeout -k 5 60 "$RV39" -smp 2 --jit $jit --stats --bios none --kernel "$SMP_ELF" \
        >/dev/null 2>"$WORK/stats.txt"
    status=$?
    checks=$((checks + 1))
    [ "$status" -eq 0 ] || fail "-smp 2 --jit $jit: the guest exited $status: $(cat "$WORK/stats.txt")"
    for key in instret itlb_misses dtlb_misses walks page_faults sfences tlb_fills; do
        total=$(sed -n "s/^$key: //p" "$WORK/stats.txt")
        sum=$(sed -n "s/^hart [0-9]*: .*\\b$key=\\([0-9]*\\).*/\\1/p" "$WORK/stats.txt" |
            awk '{ s += $1 } END { print s + 0 }')
        lines=$(grep -c "^hart [0-9]*: .*\\b$key=" "$WORK/stats.txt")
        checks=$((checks + 1))
        if [ -z "$total" ] || [ "$lines" -ne 2 ] || [ "$total" != "$sum" ]; then
            fail "--stats --jit $jit: $key: total '$total', two hart lines summing to it (got $lines lines, sum $sum):
$(cat "$WORK/stats.txt")"
        fi
    done
    i0=$(sed -n 's/^hart 0: instret=\([0-9]*\) .*/\1/p' "$WORK/stats.txt")
    i1=$(sed -n 's/^hart 1: instret=\([0-9]*\) .*/\1/p' "$WORK/stats.txt")
    checks=$((checks + 1))
    if [ -z "$i0" ] || [ -z "$i1" ] || [ "$i1" -lt 40000 ] || [ "$i0" = "$i1" ]; then
        fail "--stats --jit $jit: each hart its own count (hart 1 loops 40000 times): $i0 $i1"
    fi
    w=$(sed -n 's/^hart 1: .*\bwalks=\([0-9]*\) .*/\1/p' "$WORK/stats.txt")
    checks=$((checks + 1))
    [ "${w:-0}" -gt 0 ] || fail "--stats --jit $jit: hart 1 walked its own page table: walks=$w"
done
timeout -k 5 60 "$RV39" --stats --bios none --kernel "$SMP_ELF" >/dev/null 2>"$WORK/one.txt"
expect_not "$WORK/one.txt" "hart 0:" "--stats with one hart: no per-hart lines"
expect "$WORK/one.txt" "instret: " "--stats with one hart: the usual lines"

finish
