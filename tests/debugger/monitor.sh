#!/bin/sh
# The monitor's command set on a scripted `--debug` session: QEMU's commands (info registers,
# info mem, info tlb, gva2gpa, x/xp /NFU, stop, cont, system_reset, screendump), walk's
# privilege hint; and on our kernel (its autotest run): continue until kill, until fault with
# a user/range filter, fault's last page fault apart from the last trap, and pc labels only
# inside a symbol's extent.
# Usage: sh monitor.sh RV39 GUEST_DIR KERNEL_ELF
. "$(dirname "$0")/lib.sh" "$@"
KERNEL=${3:?usage: monitor.sh RV39 GUEST_DIR KERNEL_ELF}

# --- QEMU's commands on mmu_guest.c ---
f=$WORK/qemu_cmds.txt
session "$f" "info mem" "info registers" "xp /4xw 0x80000000" "xp /3c 0x80000004" \
    "x /2i 0x80000000" "xp /2dh 0x80000000" "xp /1ob 0x80000000" "continue until priv" \
    "info mem" "gva2gpa 0x40000000" "gva2gpa 0x40008010" "gva2gpa 0x40002000" "x /2xg 0x40000000" \
    "x /1xw 0x40002000" "walk 0x40003000" "walk 0x40003000 r u" "info tlb" "info" "stop" \
    "screendump $WORK/dump.png" "system_reset" "regs" "cont"
expect "$f" "No translation or protection" "info mem with satp Bare, as QEMU"
expect "$f" " pc       0000000080000000" "info registers: pc as QEMU lays it out"
expect "$f" " mstatus  0000000a00000000" "info registers: CSRs by name"
expect "$f" " x0/zero  0000000000000000 x1/ra    0000000000000000" "info registers: x0..x31, four a line"
expect "$f" " f31/ft11 0000000000000000" "info registers: the FP registers"
checks=$((checks + 1))
grep -Eq '^0000000080000000: 0x[0-9a-f]{8} 0x[0-9a-f]{8} 0x[0-9a-f]{8} 0x[0-9a-f]{8}$' "$f" ||
    fail "xp /4xw: QEMU's layout (address, colon, four 0x-words): $(cat "$f")"
checks=$((checks + 1))
grep -Eq "^0000000080000004: '[^ ]+' '[^ ]+' '[^ ]+' '[^ ]+'" "$f" ||
    fail "xp /3c: quoted characters, 4 bytes per unit as QEMU counts them"
expect "$f" "=> 0x80000000 <_start>:" "x /2i disassembles"
checks=$((checks + 1))
grep -Eq '^0000000080000000: +[0-9]+ +[0-9]+$' "$f" || fail "xp /2dh: two right-aligned decimals"
expect "$f" "vaddr            paddr            size             attr" "info mem: QEMU's header"
expect "$f" "---------------- ---------------- ---------------- -------" "info mem: QEMU's rule"
expect "$f" "0000000040000000 0000000080003000 0000000000001000 rw---ad" "info mem: a data page"
expect "$f" "0000000040008000 0000000080005000 0000000000001000 --x--a-" \
    "info mem: an execute-only page shows its X"
expect "$f" "0000000080000000 0000000080000000 0000000040000000 rwx--ad" "info mem: the RAM gigapage"
expect "$f" "ffffffc000000000 0000000080000000 0000000040000000 r----a-" \
    "info mem: the upper half, sign-extended"
expect_not "$f" "0000000040005000 0000000080004000" "info mem: a W-without-R PTE is no mapping"
expect "$f" "gpa: 0x80003000" "gva2gpa: a mapped page"
expect_not "$f" "gpa: 0x80005010" "gva2gpa: an execute-only page is no load's (as QEMU)"
expect "$f" "Unmapped" "gva2gpa: an invalid PTE, as QEMU says it"
expect "$f" "0000000040000000: 0x" "x /2xg at a virtual address"
expect "$f" "Cannot access memory" "x /NFU at an unmapped address, as QEMU says it"
expect "$f" "walking as a S-mode load (the hart's privilege now)" "walk says which privilege it assumed"
expect "$f" "hint: a U page; 'walk 0x40003000 r u' walks it as U-mode would" "walk hints at u"
expect "$f" "walking as a U-mode load" "walk ... r u walks as U-mode"
expect "$f" "valid entries: 4K" "info tlb is rv39's TLB view"
expect "$f" "usage: info registers [-a]|mem|tlb|cpus" "info without a topic says which exist"
expect "$f" "the guest is stopped" "stop: the monitor holds the guest"
expect "$f" "framebuffer (800x600) written to $WORK/dump.png" "screendump is screenshot"
expect "$f" "system reset: the hart is at 0x80000000 <_start>" "system_reset: back at the entry"
expect "$f" "pc 0x0000000080000000 <_start>  priv M" "after system_reset: M-mode at the entry"
expect "$f" "guest powered off: exit status 0" "cont (QEMU's name) runs to the end"

# --- our kernel: until fault filters, until kill, fault, labels ---
# Which of wild (load at 0xdead0000) and scribble (store into its code at 0x100000812) the
# kernel kills first depends on the timer; scribble's store is picked out by its address.
f=$WORK/kernel.txt
printf '%s\n' "continue until fault user 0x100000812" "continue until kill" "fault" \
    "break 0x100000000" "quit" |
    timeout -k 5 60 "$RV39" --debug -nographic --kernel "$KERNEL" -append autotest >"$f" 2>&1
expect "$f" "stopped: store/AMO page fault at pc=0x10000083a, tval=0x100000812" \
    "until fault user ADDR: scribble's store, not the demand faults before it"
checks=$((checks + 1))
grep -Eq '^stopped: kill: the (load|store/AMO) page fault at pc=0x1000008[0-9a-f]{2}, tval=0x(dead0000|100000812) was not resolved' "$f" ||
    fail "until kill: a fault the kernel did not resolve (wild's or scribble's), not touch's demand faults: $(cat "$f")"
checks=$((checks + 1))
grep -Eq '^breakpoint 1 at 0x100000000$' "$f" ||
    fail "a user address has no kernel label (outside every symbol's extent): $(cat "$f")"
expect_not "$f" "<kernel_end+" "no label past the kernel's last symbol"
checks=$((checks + 1))
grep -Eq '^last page fault: exception 1[35] \((load|store/AMO) page fault\), U -> S$' "$f" ||
    fail "fault: the last page fault first: $(cat "$f")"
checks=$((checks + 1))
grep -Eq '^walk 0x(dead0000|100000812): (load|store) as U-mode' "$f" || fail "fault: with its walk"
expect "$f" "last trap: " "fault: the last trap apart"

# --- tlb: sorted by ASID and address, filtered by ASID, range and page size, summarised ---
f=$WORK/tlb.txt
session "$f" "continue until fault" "tlb 1g" "tlb 0x40004000" "tlb 4k asid 0" "tlb asid 5" \
    "tlb bogus"
# expect_lines FILE WHAT LINE...: the lines appear one right after another
expect_lines() {
    file=$1 what=$2
    shift 2
    checks=$((checks + 1))
    printf '%s\n' "$@" >"$WORK/want.txt"
    python3 -c 'import sys; w=open(sys.argv[1]).read(); sys.exit(w not in open(sys.argv[2]).read())' \
        "$WORK/want.txt" "$file" || fail "$what: no lines
$(cat "$WORK/want.txt")
in:
$(cat "$file")"
}
expect_lines "$f" "tlb 1g: only the gigapage" \
    "      0  0x0000000080000000  0x0080000000  1G  rwx--ad  -" "shown: 1 of 3 entries"
expect_lines "$f" "tlb VADDR: the page holding it" \
    "      0  0x0000000040004000  0x0080006000  4K  rw---ad  -" "shown: 1 of 3 entries"
expect_lines "$f" "tlb 4k asid 0: the small pages, sorted, counted per ASID" \
    "      0  0x0000000040000000  0x0080003000  4K  rw---ad  -" \
    "      0  0x0000000040004000  0x0080006000  4K  rw---ad  -" "shown: 2 of 3 entries" \
    "by asid: 0: 2"
expect_lines "$f" "tlb asid 5: nothing under another ASID" "shown: 0 of 3 entries" "by asid: none"
expect "$f" "usage: tlb [flush] | tlb [asid N] [LO-HI|VADDR] [4k|64k|2m|1g|512g|256t]" "tlb: bad filter"

# --- -monitor stdio (QEMU's spelling): the same prompt, the guest waits for cont ---
f=$WORK/monitor_stdio.txt
printf '%s\n' "info registers" "cont" |
    timeout -k 5 30 "$RV39" -monitor stdio -S -nographic -bios none -kernel "$ELF" >"$f" 2>&1
expect "$f" " pc       0000000080000000" "-monitor stdio: the guest has not run before cont"
expect "$f" "guest powered off: exit status 0" "-monitor stdio: cont runs it"

# --- error messages ---
f=$WORK/errors.txt
session "$f" "continue until fault 0x2000-0x1000" "continue until bogus" "x /4q 0x80000000" \
    "gva2gpa"
expect "$f" "error: empty range 0x2000-0x1000" "an empty range is refused"
expect "$f" "error: continue until: 'bogus' is not an event" "an unknown event is refused"
expect "$f" "error: 'q' in /4q is not a format" "a bad x format is refused"
expect "$f" "usage: gva2gpa ADDR" "gva2gpa needs an address"

finish
