#!/bin/sh
# Time travel in `--debug` sessions of a recorded run (-record, emu/timetravel.h): on mmu_guest.c, whose
# S-mode store to 0x4000_4000 makes the page walker set A and D in a PTE, and on our kernel,
# which builds its page tables (pt_map) before it writes satp:
#   - rstep N then step N comes back to the same registers; rstep at the start says so
#   - whowrote (the PTE of the last walk): the store that wrote it (instruction, pc, values),
#     or the walker's A/D update, labelled as such; the machine is where it was afterwards
#   - history VADDR: the path's PTEs joining and being written, satp, sfence.vma, TLB fill
#   - rcontinue back to a watchpoint (at the store), a breakpoint, an event (until satp)
#   - without -record (-icount alone too): one line saying what is needed
# Usage: sh timetravel.sh RV39 GUEST_DIR KERNEL_ELF
. "$(dirname "$0")/lib.sh" "$1" "$2"
KERNEL=${3:?usage: timetravel.sh RV39 GUEST_DIR KERNEL_ELF}

tt_session() {
    out=$1
    shift
    printf '%s\n' "$@" | timeout -k 5 60 "$RV39" --debug -record "$out.log" -nographic \
        --bios none --kernel "$ELF" >"$out" 2>&1
}

# --- the A/D update on mmu_guest ---
f=$WORK/ad.txt
tt_session "$f" "continue" "walk 0x40004000" "regs" "whowrote" "regs" "history 0x40004000" \
    "watch w 0x40004000 8" "rcontinue" "xp 0x80007020 8" "rcontinue" "rstep"
expect "$f" "guest powered off: exit status 0" "the guest runs to its end"
leaf=$(sed -n 's/^  L0 pte@\(0x[0-9a-f]*\) = \(0x[0-9a-f]*\) .*/\1 \2/p' "$f")
pte=${leaf% *}
value=$(printf '0x%016x' "${leaf#* }")
expect "$f" "the PTE the last walk ended at: $pte" "whowrote without an address takes the walk's leaf PTE"
expect "$f" "last write to $pte before step" "whowrote finds a write"
expect "$f" "pc 0x8000071a <s_main+30> [S]" "whowrote: the S-mode store's pc"
expect "$f" "the hardware page walker's A/D update" "whowrote: the walker's A/D update is labelled"
expect "$f" "-> $value" "whowrote: the value after is the PTE the walk showed"
pcs=$(grep -c '^pc 0x0000000080000' "$f")
[ "$(grep '^pc ' "$f" | sort -u | wc -l)" -eq 1 ] && [ "$pcs" -eq 2 ] ||
    fail "whowrote must leave the machine where it was: $(grep '^pc ' "$f")"
checks=$((checks + 1))
expect "$f" "PTE level 1 at 0x80008000: 0x0000000000000000 -> 0x0000000020001c01, stored at pc" \
    "history: M-mode stores the level-1 pointer"
expect "$f" "PTE level 0 at $pte joins the walk: 0x0000000020001807" \
    "history: the leaf joins the path with its value (A and D clear)"
expect "$f" "satp <- 0x8000000000080009 (this address space) at pc" "history: the satp write"
expect "$f" "sfence.vma all addresses, all ASIDs at pc" "history: the fence"
expect "$f" "TLB fill: 0x40004000 -> 0x80006000 (4 KiB page" "history: the TLB fill"
expect "$f" "PTE level 0 at $pte: 0x0000000020001807 -> $value, A/D set by the page walker" \
    "history: the walker's A/D update"
expect "$f" "watchpoint 65 (w 0x40004000): access to 0x40004000" "rcontinue stops at the watchpoint"
expect "$f" "[S] => 0x8000071a <s_main+30>:            e398  sd a4, 0(a5)" \
    "rcontinue: at the store, before it ran"
expect "$f" "0x0000000080007020: 07 18 00 20" "before the store the PTE has A and D clear again"
expect "$f" "reached the beginning of the recorded history (step 0)" "rcontinue with nothing before"
expect "$f" "at the beginning of the recorded history (step 0)" "rstep at the beginning"

# --- rstep and step agree ---
f=$WORK/rstep.txt
tt_session "$f" "step 12000" "regs" "rstep 5000" "step 5000" "regs" "rstep 12000" "regs"
regs=$(grep -E '^(zero|tp|s0|a2|a6|s4|s8|t3|pc) ' "$f")
first=$(echo "$regs" | sed -n 1,9p)
second=$(echo "$regs" | sed -n 10,18p)
checks=$((checks + 1))
[ -n "$first" ] && [ "$first" = "$second" ] ||
    fail "rstep 5000 then step 5000 must come back to the same registers: $(cat "$f")"
expect "$f" "pc 0x0000000080000000 <_start>  priv M" "rstep back to the start"

# --- our kernel: who wrote the PTE of 0x80300000 ---
f=$WORK/kernel.txt
printf '%s\n' "continue until satp" "continue until satp" "walk 0x80300000" "whowrote" \
    "history 0x80300000" "break pt_map" "rcontinue" "delete 1" "rcontinue until satp" |
    timeout -k 5 90 "$RV39" --debug -record "$WORK/kernel.log" -m 16M -nographic --kernel "$KERNEL" \
        >"$f" 2>&1
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
expect "$f" "<pt_map>" "rcontinue: at pt_map"
expect "$f" ": 0x0" "rcontinue until satp: the firmware's satp write before the kernel's"

# --- without -record ---
f=$WORK/norecord.txt
session "$f" "rstep" "whowrote 0x80000000"
printf '%s\n' rstep | timeout -k 5 30 "$RV39" --debug -icount 3 --bios none --kernel "$ELF" \
    >>"$f" 2>&1
[ "$(grep -c 'error: time travel needs a recorded run: start rv39 with -record FILE' "$f")" -eq 3 ] ||
    fail "time travel without -record says what it needs (also under -icount): $(cat "$f")"
checks=$((checks + 1))

finish
