#!/bin/sh
# `trace mmu` on our kernel's autotest run, where the trace is a flood (~50k lines): trace
# lines never cut the kernel's output lines (whole lines through one output path,
# emu/console_out.c); the model TLB's evictions show, with their ASID filter; and `skip`
# drops the framebuffer console's thousands of events (the kernel maps the framebuffer at
# 0x28000000, 800x600x4 bytes) and nothing else.
# Usage: sh trace_kernel.sh RV39 GUEST_DIR KERNEL_ELF
. "$(dirname "$0")/lib.sh" "$@"
KERNEL=${3:?usage: trace_kernel.sh RV39 GUEST_DIR KERNEL_ELF}
FB=0x28000000-0x28200000

# kernel_session FILE CMD...: the debugger on the kernel's autotest run.
kernel_session() {
    out=$1
    shift
    printf '%s\n' "$@" | timeout -k 5 120 "$RV39" --debug -nographic --kernel "$KERNEL" \
        -append autotest 2>&1 | tr -d '\r' >"$out"
}

# whole_lines FILE WHAT: the kernel's lines are whole, and every trace line is whole.
whole_lines() {
    for line in 'kernel: Sv39 paging on' 'touch: touched 2048 pages of an 8 MiB heap' \
        'init: summary: 5 programs, 3 exited with 0, 2 killed, 0 unexpected' \
        'kernel: init exited with status 0, powering off'; do
        checks=$((checks + 1))
        grep -qx "$line" "$1" || fail "$2: the kernel's line '$line' is cut: $(grep -F "${line%% *}" "$1" | head -5)"
    done
    checks=$((checks + 1))
    cut=$(grep 'mmu: ' "$1" | grep -v '^mmu: ' | head -3)
    [ -z "$cut" ] || fail "$2: a trace line inside a guest line: $cut"
}

f=$WORK/all.txt
kernel_session "$f" "trace mmu on" "continue"
whole_lines "$f" "trace mmu on"
expect "$f" "guest powered off: exit status 0" "the traced run ends"
fb=$(grep -cE '^mmu: .*(va=0x28[01][0-9a-f]{5} |page 0x28[01][0-9a-f]{5} )' "$f")
checks=$((checks + 1))
[ "$fb" -gt 1000 ] || fail "the framebuffer console makes only $fb trace lines (expected thousands)"
checks=$((checks + 1))
grep -Eq '^mmu: tlb evict pc=0x[0-9a-f]+ asid [0-9]+ page 0x[0-9a-f]+ 4K -> 0x[0-9a-f]+ [-rwxugad]{7} \(its slot goes to the fill below\)$' "$f" ||
    fail "touch's 2048 pages evict TLB entries: no evict line"

f=$WORK/skip.txt
kernel_session "$f" "trace mmu on skip $FB" "continue"
whole_lines "$f" "skip"
checks=$((checks + 1))
left=$(grep -cE '^mmu: .*(va=0x28[01][0-9a-f]{5} |page 0x28[01][0-9a-f]{5} )' "$f")
[ "$left" -eq 0 ] || fail "skip $FB: $left framebuffer lines left"
all_lines=$(grep -c '^mmu: ' "$WORK/all.txt")
skip_lines=$(grep -c '^mmu: ' "$f")
checks=$((checks + 1))
# The other events stay (the runs differ a little in timer ticks: allow 5%).
if [ $((all_lines - fb)) -gt $((skip_lines * 105 / 100)) ] || [ "$skip_lines" -ge "$all_lines" ]; then
    fail "skip: $skip_lines lines left of $all_lines, $fb of them the framebuffer's"
fi
echo "trace lines: $all_lines, $fb of them the framebuffer's; with skip $FB: $skip_lines"

# Evictions of one process's entries: the ASID filter judges the evicted entry's ASID.
f=$WORK/asid.txt
kernel_session "$f" "trace mmu on kinds evict asid 5" "continue"
checks=$((checks + 1))
n=$(grep -c '^mmu: tlb evict ' "$f")
# (a global entry, g among its permissions, serves every ASID: it passes too)
other=$(grep '^mmu: tlb evict ' "$f" | grep -Ecv ' asid 5 | [-r][-w][-x][-u]g[-a][-d] ')
if [ "$n" -eq 0 ] || [ "$other" -ne 0 ]; then
    fail "kinds evict asid 5: $n evictions, $other of another ASID"
fi
finish
