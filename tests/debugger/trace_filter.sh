#!/bin/sh
# `trace mmu on [asid N] [priv u|s] [va LO-HI] [kinds K,...]` (emu/monitor_mmu.c): on
# mmu_guest.c's run, each filter keeps its events and drops the others; bad filters are one
# line and leave the trace as it was.
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
session "$f" "trace mmu on va 0x40002000-0x40002fff kinds miss,walk,fault" "continue"
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

f=$WORK/bad.txt
session "$f" "trace mmu on kinds fill" "trace mmu on priv m" "trace mmu on va 5" \
    "trace mmu on asid 0x10000" "trace mmu on asid" "continue"
expect "$f" "(the hart does not report TLB fills and evictions yet)" "kinds fill"
expect "$f" "trace mmu: priv m: u or s" "priv m"
expect "$f" "trace mmu: va 5: give LO-HI" "va without HI"
expect "$f" "trace mmu: asid 0x10000: at most 0xffff" "asid too big"
expect "$f" "usage: trace mmu off, or trace mmu on" "asid without N"
expect_not "$f" "mmu: tlb miss" "bad filters left the trace off"
finish
