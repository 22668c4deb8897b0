#!/bin/sh
# Scripted `--debug` sessions (commands on stdin, output asserted) on mmu_guest.c: the hart
# starts halted; breakpoints by symbol and address, step, regs, csr, x (virtual, through the
# current translation), xp, disas, watch, continue until satp/sfence/priv/fault, fault, tlb,
# vmmap, satp, trace mmu; and --stats' TLB occupancy.
# Usage: sh session.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"

# --- halted at the entry; registers, disassembly, stepping ---
f=$WORK/start.txt
session "$f" "regs" "disas" "step" "step 2" "regs" "xp 0x80000000 16" "help" "bogus" "fregs"
expect "$f" "hart halted at 0x80000000 <_start>" "--debug starts halted at the ELF entry"
expect "$f" "pc 0x0000000080000000 <_start>  priv M" "regs: pc and privilege"
expect "$f" "=> 0x80000000 <_start>: " "disas: marks the pc"
expect "$f" "auipc gp, 0x" "disas: crt0 starts by loading gp"
expect "$f" "[M] => 0x80000004 <_start+4>" "step: one instruction"
expect "$f" "pc 0x000000008000000c <_start+12>  priv M" "step 2: two more"
expect "$f" "0x0000000080000000: 97 " "xp: physical memory (auipc's opcode byte first)"
expect "$f" "walk VADDR [r|w|x] [u|s]" "help lists the MMU commands"
expect "$f" "error: unknown command 'bogus'" "unknown commands are reported"
expect "$f" "fa0  f10 0x0000000000000000  0" "fregs: FP registers start at zero"
expect "$f" "fcsr 0x00: frm RNE, flags none; mstatus.FS Off" "fregs: fcsr and FS at reset"

# --- screenshot on demand: the framebuffer as a PNG file ---
f=$WORK/shot.txt
session "$f" "screenshot $WORK/shot.png" "screenshot"
expect "$f" "framebuffer (800x600) written to $WORK/shot.png" "screenshot FILE writes the PNG"
expect "$f" "usage: screenshot FILE.png" "screenshot without a file says how to use it"
checks=$((checks + 1))
[ "$(head -c 8 "$WORK/shot.png" 2>/dev/null | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] ||
    fail "screenshot: $WORK/shot.png is not a PNG file"

# --- continue until satp / sfence / priv ---
f=$WORK/until.txt
session "$f" "continue until satp" "satp" "csr satp" "continue until sfence" \
    "continue until priv" "regs"
expect "$f" "stopped: satp written at pc=0x" "continue until satp"
expect "$f" "MODE=8 (Sv39) ASID=0" "satp decoded"
expect "$f" "satp (0x180) = 0x8000000000080" "csr satp reads the CSR"
expect "$f" "stopped: sfence.vma at pc=0x" "continue until sfence"
expect "$f" "stopped: privilege M -> S (mret at pc=0x" "continue until priv: mret to S"
expect "$f" "[S] => 0x" "after mret the hart is in S-mode"

# --- breakpoint, x through the translation, watchpoint, trace, fault, tlb, vmmap ---
f=$WORK/mmu.txt
session "$f" "break s_main" "break" "continue" "x 0x40000000 16" "watch w 0x40000008 8" \
    "trace mmu on" "continue" "x 0x40000008 8" "x 0x40002000 8" "delete 65" "continue until fault" "fault" \
    "tlb" "trace mmu off" "vmmap" "csr mcause" "tlb flush" "tlb" "continue"
expect "$f" "breakpoint 1 at 0x" "break SYMBOL"
expect "$f" "1: breakpoint at 0x" "break lists breakpoints"
expect "$f" "<s_main>
[S] => 0x" "continue stops at the breakpoint, in S-mode"
expect "$f" "0x0000000040000000: 00 00 00 00 00 00 00 00" "x reads VA 0x40000000 through Sv39"
expect "$f" "watchpoint 65 (w 0x40000008): access to 0x40000008" "watch w stops after the store"
expect "$f" "0x0000000040000008: 88 77 66 55 44 33 22 11" "x shows the stored value"
expect "$f" "0x0000000040002000: not mapped for a S-mode load: invalid: PTE has V = 0" \
    "x at an unmapped VA names the failing rule"
expect "$f" "mmu: tlb miss pc=0x" "trace: TLB miss line"
expect "$f" "va=0x40000008 store: L2[0x" "trace: walk line with the PTE trail"
expect "$f" "mmu: A/D update pte@0x" "trace: hardware A/D update line"
expect "$f" "-> fault invalid" "trace: faulting walk"
expect "$f" "mmu: page fault pc=0x" "trace: page fault line"
expect "$f" "stopped: load page fault at pc=0x" "continue until fault"
expect "$f" "last page fault: exception 13 (load page fault), S -> M" "fault: cause and privileges"
expect "$f" "last trap: that page fault" "fault: the last trap is that fault"
expect "$f" "tval=0x40002018" "fault: tval"
expect "$f" "the walk that raised it" "fault: the walk is attached"
expect "$f" "=> fault: invalid: PTE has V = 0" "fault: the rule that failed"
expect "$f" "0x0000000040000000  0x0080" "tlb: the data page's entry"
expect "$f" "valid entries: 4K 2, 2M 0, 1G 1" "tlb: occupancy per page size"
expect "$f" "0x0000000040001000-0x0000000040002000" "vmmap: the read-only page"
expect "$f" "1G     1  rwx--ad" "vmmap: DRAM gigapage with its permissions"
expect "$f" "0xffffffc000000000-0xffffffc040000000" "vmmap: the upper half"
expect "$f" "mcause (0x342) = 0x000000000000000d" "csr mcause after the load page fault"
expect "$f" "valid entries: 4K 0, 2M 0, 1G 0" "tlb flush empties the TLB"
expect "$f" "guest powered off: exit status 0" "continue runs to the guest's exit"

# --- a read watchpoint stops after the load, not at the store before it ---
f=$WORK/watch_r.txt
session "$f" "break s_main" "continue" "watch r 0x40000008 8" "continue" "regs"
expect "$f" "watchpoint 65 (r 0x40000008): access to 0x40000008" "watch r stops at the load"
# The store comes first in s_main: the read watchpoint must stop later than the write one.
pc_after_watch() { sed -n '/^watchpoint 65/{n;s/^\[S\] => \(0x[0-9a-f]*\).*/\1/p;}' "$1"; }
w_pc=$(pc_after_watch "$WORK/mmu.txt")
r_pc=$(pc_after_watch "$f")
checks=$((checks + 1))
if [ -z "$w_pc" ] || [ -z "$r_pc" ] || [ $((r_pc)) -le $((w_pc)) ]; then
    fail "watch r: stop at '$r_pc' must come after the store's stop at '$w_pc'"
fi

# --- quit before the end; error messages ---
f=$WORK/errors.txt
session "$f" "break nosuchsymbol" "walk" "x 0x40000000" "delete 7" "quit" "regs"
expect "$f" "error: 'nosuchsymbol' is not a number, symbol or \$register" "bad break argument"
expect "$f" "usage: walk VADDR [r|w|x] [u|s]" "walk needs an address"
expect "$f" "0x0000000040000000: not RAM (physical 0x40000000)" "x in M-mode at a non-RAM address"
expect "$f" "error: no breakpoint or watchpoint 7" "delete of an unknown number"
expect_not "$f" "(rv39) regs" "quit ends the session"

# --- --stats: TLB occupancy per page size ---
timeout -k 5 30 "$RV39" --stats --bios none --kernel "$ELF" >/dev/null 2>"$WORK/stats.txt"
expect "$WORK/stats.txt" "tlb_entries_4k: 2" "--stats: two 4K pages are cached at exit"
expect "$WORK/stats.txt" "tlb_entries_2m: 0" "--stats: no 2M page used"
expect "$WORK/stats.txt" "tlb_entries_1g: 1" "--stats: the code's gigapage"

finish
