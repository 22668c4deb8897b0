#!/bin/sh
# `walk VADDR [r|w|x] [u|s]` (priv spec 12.3.2, "Virtual Address Translation Process"): on the
# guest's page table (mmu_guest.c) after it writes satp, each walk must end in the rule the
# hardware applies: every kind of fault, with its exception, and the successful cases with
# the physical address and page size. And it must have no side effects: no A/D update.
# Usage: sh walk_faults.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"

# walk_case NAME "walk ARGS" EXPECTED...: one session stopped after the satp write.
walk_case() {
    name=$1
    cmd=$2
    shift 2
    f=$WORK/$name.txt
    session "$f" "continue until satp" "$cmd"
    for want in "$@"; do
        expect "$f" "$want" "walk $name"
    done
}

walk_case ok_4k "walk 0x40000008" "L0 pte@" "[V R W - - - A D]" "=> pa=0x" "(4K page at"
walk_case invalid "walk 0x40002018" "=> fault: invalid: PTE has V = 0" \
    "load page fault (cause 13), tval=0x40002018"
walk_case not_writable "walk 0x40001000 w" "=> fault: not writable: W = 0" \
    "store/AMO page fault (cause 15)"
walk_case u_page_from_s "walk 0x40003000 r s" "=> fault: U-page from S-mode" \
    "load page fault (cause 13)"
walk_case u_page_fetch "walk 0x40003000 x s" "=> fault: U-page from S-mode" \
    "instruction page fault (cause 12)"
walk_case s_page_from_u "walk 0x40000000 r u" "=> fault: S-page from U-mode" \
    "load page fault (cause 13)"
walk_case u_page_from_u "walk 0x40003010 w u" "=> pa=0x" "(4K page at"
walk_case misaligned_superpage "walk 0x40200000" "=> fault: misaligned superpage" \
    "load page fault (cause 13)"
walk_case superpage_2m "walk 0x40400018" "=> pa=0x80000018 (2M page at 0x80000000)"
walk_case gigapage_high "walk 0xffffffc000000020" "=> pa=0x80000020 (1G page at 0x80000000)"
walk_case non_canonical "walk 0x4000000000" "=> fault: non-canonical" \
    "load page fault (cause 13), tval=0x4000000000"
walk_case write_without_read "walk 0x40005000" "=> fault: reserved encoding: W = 1 with R = 0"
walk_case no_leaf "walk 0x40006000" "=> fault: no leaf: pointer PTE at level 0"
walk_case reserved_bits "walk 0x40007000" "=> fault: reserved PTE bits are set: 60:54"
walk_case not_executable "walk 0x40000000 x" "=> fault: not executable: X = 0" \
    "instruction page fault (cause 12)"
walk_case not_readable "walk 0x40008000 r" "=> fault: not readable" "load page fault (cause 13)"
walk_case executable "walk 0x40008000 x" "=> pa=0x"
walk_case pte_access_fault "walk 0xc0000000" "=> fault: PTE address has no memory behind it" \
    "load access fault (cause 5)"
walk_case gigapage_readonly "walk 0xffffffc000000000 w" "=> fault: not writable" \
    "store/AMO page fault (cause 15)"

# A/D clear: the walk says what the access would set, and leaves the PTE alone.
f=$WORK/ad.txt
session "$f" "continue until satp" "walk 0x40004000 w" "walk 0x40004000 w"
expect "$f" "[V R W - - - - -]" "walk a/d: the PTE still has A and D clear"
expect "$f" "the access would set A and D" "walk a/d: reports the A/D update it would make"
expect_not "$f" "[V R W - - - A D]" "walk a/d: a debugger walk must not set A/D"

# Svade: the same PTE faults instead.
f=$WORK/svade.txt
printf '%s\n' "continue until satp" "walk 0x40004000 w" |
    timeout -k 5 30 "$RV39" --debug --svade --bios none --kernel "$ELF" >"$f" 2>&1
expect "$f" "=> fault: Svade: A = 0, or D = 0 on a store" "walk svade"

# Before satp: Bare mode, no walk.
f=$WORK/bare.txt
session "$f" "walk 0x40002000"
expect "$f" "satp.MODE is Bare: no translation" "walk in Bare mode"

finish
