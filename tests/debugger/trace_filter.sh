#!/bin/sh
# `trace mmu on [asid N] [priv u|s] [va LO-HI] [skip LO-HI]... [kinds K,...]`
# (emu/monitor_mmu.c): on mmu_guest.c's run, each filter keeps its events and drops the
# others, TLB fills and evictions among them; trace lines wait for the guest's newline; bad
# filters are one line and leave the trace as it was.
# Usage: sh trace_filter.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"

f=$WORK/kinds.txt
session "$f" "trace mmu on kinds fault,sfence" "continue"
expect "$f" "mmu trace on (filtered)" "kinds: acknowledged"
expect "$f" "mmu: page fault pc=0x" "kinds fault: the fault"
expect "$f" "mmu: sfence.vma pc=0x" "kinds sfence: the fence"
expect_not "$f" "mmu: tlb miss" "kinds fault,sfence: a miss"
expect_not "$f" "mmu: walk" "kinds fault,sfence: a walk"
expect_not "$f" "mmu: satp write" "kinds fault,sfence: satp"

f=$WORK/range.txt
session "$f" "trace mmu on va 0x40002000-0x40003000 kinds miss,walk,fault" "continue"
expect "$f" "mmu: tlb miss pc=0x80000720 va=0x40002018 load" "va: the miss in range"
expect "$f" "mmu: page fault" "va: the fault in range"
expect_not "$f" "va=0x40000008" "va: a miss out of range"
expect_not "$f" "va=0x800" "va: a fetch out of range"

f=$WORK/priv.txt
session "$f" "trace mmu on priv u" "continue"
expect_not "$f" "mmu: " "priv u: the guest never runs in U-mode"
f=$WORK/privs.txt
session "$f" "trace mmu on priv s kinds fault" "continue"
expect "$f" "mmu: page fault" "priv s: the S-mode fault"

f=$WORK/asid.txt
session "$f" "trace mmu on asid 7 kinds miss,walk,fault,satp" "continue"
expect_not "$f" "mmu: " "asid 7: the guest runs in ASID 0"
f=$WORK/asid0.txt
session "$f" "trace mmu on asid 0 kinds fault" "continue"
expect "$f" "mmu: page fault" "asid 0: the fault"

# TLB fills: the entry a walk made (its ASID, page, size, frame and permissions).
f=$WORK/fill.txt
session "$f" "trace mmu on kinds fill" "continue"
expect "$f" "mmu: tlb fill pc=0x8000071a va=0x40004000 store: asid 0 page 0x40004000 4K -> 0x80006000 rw---ad" \
    "kinds fill: the store's 4K entry"
expect "$f" "page 0x80000000 1G -> 0x80000000 rwx--ad" "kinds fill: the code's gigapage"
expect_not "$f" "mmu: walk" "kinds fill: a walk"
f=$WORK/fillrange.txt
session "$f" "trace mmu on kinds fill va 0x40004000-0x40005000" "continue"
expect "$f" "page 0x40004000 4K" "fill in range"
expect_not "$f" "page 0x40000000 4K" "fill out of range"
# A one-way, one-set TLB: the second 4K page pushes the first out.
f=$WORK/evict.txt
printf '%s\n' "trace mmu on kinds fill,evict" "continue" | timeout -k 5 30 "$RV39" --debug \
    --tlb sets=1,ways=1,super=1 --bios none --kernel "$ELF" >"$f" 2>&1
expect "$f" "mmu: tlb evict pc=0x8000071a asid 0 page 0x40000000 4K -> 0x80003000 rw---ad (its slot goes to the fill below)" \
    "kinds evict: the first data page leaves for the second"
checks=$((checks + 1))
grep -A1 'mmu: tlb evict pc=0x8000071a' "$f" | tail -n 1 |
    grep -q '^mmu: tlb fill pc=0x8000071a va=0x40004000 ' || fail "evict: the fill does not follow: $(cat "$f")"

# va ADDR: one address, as in continue until fault.
f=$WORK/one.txt
session "$f" "trace mmu on va 0x40002018 kinds miss" "continue"
expect "$f" "mmu: tlb miss pc=0x80000720 va=0x40002018 load" "va ADDR: the miss at that address"
expect_not "$f" "va=0x40000008" "va ADDR: another address"

# skip LO-HI drops the events inside the range, keeps the others.
f=$WORK/skip.txt
session "$f" "trace mmu on skip 0x40004000-0x40005000 skip 0x80000000-0x80001000 kinds miss,fill" \
    "continue"
expect "$f" "mmu: tlb miss pc=0x80000708 va=0x40000008 store" "skip: a miss outside the ranges"
expect_not "$f" "va=0x40004000" "skip: the miss in the first range"
expect_not "$f" "mmu: tlb miss pc=0x800006fc" "skip: the fetch's miss in the second range"
expect "$f" "page 0x80000000 1G" "skip: a gigapage reaching out of the range is kept"

# The monitor's trace lines never cut a guest's line (dbg_print prints "faulting on demand",
# faults, then " ... done"): they wait for its newline.
f=$WORK/whole.txt
printf '%s\n' "trace mmu on" "continue" | timeout -k 5 30 "$RV39" --debug --bios none \
    --kernel "$GUEST_DIR/dbg_print.elf" 2>&1 | tr -d '\r' >"$f"
checks=$((checks + 1))
grep -qx 'faulting on demand ... done' "$f" || fail "the guest's line was cut: $(cat "$f")"
checks=$((checks + 1))
[ "$(grep -n '^mmu: page fault' "$f" | cut -d: -f1)" -gt "$(grep -n '^faulting' "$f" | cut -d: -f1)" ] ||
    fail "the fault's trace line is not after the guest's line"

f=$WORK/bad.txt
session "$f" "trace mmu on kinds fil" "trace mmu on priv m" "trace mmu on va 5-" \
    "trace mmu on asid 0x10000" "trace mmu on asid" "trace mmu on skip 9-8" \
    "trace mmu on skip 1-2 skip 1-2 skip 1-2 skip 1-2 skip 1-2" "continue"
expect "$f" "trace mmu: kind 'fil': one of miss, walk, fault, sfence, satp, fill, evict" "kinds fil"
expect "$f" "error: empty range 9-8" "skip backwards"
expect "$f" "trace mmu: at most 4 skip ranges" "too many skips"
expect "$f" "trace mmu: priv m: u or s" "priv m"
expect "$f" "error: '' is not a number, symbol or \$register" "va without HI"
expect "$f" "trace mmu: asid 0x10000: at most 0xffff" "asid too big"
expect "$f" "usage: trace mmu off, or trace mmu on" "asid without N"
expect_not "$f" "mmu: tlb miss" "bad filters left the trace off"
finish
