#!/bin/sh
# The debugger's write watchpoints see cbo.zero, which stores its whole 64-byte block
# (emu/debugger.c, data_access_of; cpu/cmo.h): tests/priv/cmo zeroes the block of
# frames + 0x85 first thing, so a watchpoint on frames + 0x90 (in that block, not at rs1)
# stops right after the cbo.zero, reporting the block's address. (Here rather than in
# tests/debugger: the guest is tests/priv's.)
#
# Usage: sh tests/cli/debugger_cbo_watch.sh /path/to/rv39 /path/to/build
set -u
RV39=${1:?usage: debugger_cbo_watch.sh RV39 BUILD_DIR}
BUILD=${2:?usage: debugger_cbo_watch.sh RV39 BUILD_DIR}
elf=$BUILD/tests/priv/cmo.elf
[ -f "$elf" ] || { echo "FAIL: $elf is missing"; exit 1; }
frames=$(riscv64-unknown-elf-nm "$elf" | awk '$3 == "frames" { print $1 }')
[ -n "$frames" ] || { echo "FAIL: no symbol 'frames' in $elf"; exit 1; }
block=$(printf '0x%x' $((0x$frames + 0x80)))
watch=$(printf '0x%x' $((0x$frames + 0x90)))
# Stops before that are the runtime's own stores (bss clearing, the memset that fills the
# block): continue until the one after cbo.zero, at most 12 times.
out=$({
    echo "watch w $watch 8"
    i=0
    while [ $i -lt 12 ]; do echo continue; i=$((i + 1)); done
    echo quit
} | timeout 60 "$RV39" --debug --bios none --kernel "$elf" 2>&1)
if echo "$out" | grep -q "access to $block\$" && echo "$out" | grep -A1 "access to $block\$" | grep -q '<cbo_zero+4>'; then
    echo "debugger_cbo_watch: the watchpoint stopped after cbo.zero, at the block $block"
    exit 0
fi
echo "FAIL: no watchpoint stop after cbo.zero reporting $block; the session:"
echo "$out" | grep -v '^ok ' | tail -30
exit 1
