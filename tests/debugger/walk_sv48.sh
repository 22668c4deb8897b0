#!/bin/sh
# The debugger on a guest in Sv48 (tests/priv/sv48_sv57.c, stopped at its first page fault, a
# 512 GiB leaf whose PPN is only 1 GiB-aligned): `walk` splits the address into four VPNs,
# shows the level-3 PTE and names the rule (priv spec "Virtual Address Translation Process"
# step 6), and Sv48's canonical rule; `info mem` lists the 512 GiB page.
#
# Usage: sh tests/debugger/walk_sv48.sh RV39 PRIV_ELF_DIR
set -u
RV39=${1:?usage: walk_sv48.sh RV39 PRIV_ELF_DIR}
ELF=${2:?usage: walk_sv48.sh RV39 PRIV_ELF_DIR}/sv48_sv57.elf
out=$(printf '%s\n' "continue until fault" "walk 0x18000000008" "walk 0x800000000000 r s" \
    "info mem" "quit" |
    timeout -k 5 30 "$RV39" --debug -nographic --bios none --kernel "$ELF" 2>&1)
failures=0
expect() { # TEXT WHAT
    printf '%s\n' "$out" | grep -qF -- "$1" || {
        echo "FAIL: $2: no '$1' in:"
        printf '%s\n' "$out"
        failures=$((failures + 1))
    }
}
expect "stopped: load page fault" "the guest stops at its first page fault"
expect "MODE=9 (Sv48)" "satp is Sv48"
expect "Sv48 VPN[3]=3 VPN[2]=0 VPN[1]=0 VPN[0]=0 offset=0x8" "four VPNs"
expect "  L3 pte@0x" "the walk starts at level 3"
expect "=> fault: misaligned superpage" "the rule that failed"
expect "load page fault (cause 13), tval=0x18000000008" "the exception"
expect "=> fault: non-canonical" "bit 47 alone is non-canonical in Sv48"
expect "0000008000000000 0000000000000000 0000008000000000 rw---ad" "info mem: the 512 GiB page"
if [ "$failures" -ne 0 ]; then
    echo "walk_sv48: $failures failure(s)"
    exit 1
fi
echo "walk_sv48: all checks passed"
