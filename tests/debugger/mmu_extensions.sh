#!/bin/sh
# The debugger's walk, fault, tlb, vmmap and info mem in Sv57 and with Svpbmt and Svnapot
# (priv spec chapters "Sv57", "Svpbmt", "Svnapot"; the walk's step numbers are the "Virtual
# Address Translation Process"). Guests: tests/priv's sv48_sv57 (its fifth page fault is a
# misaligned 256 TiB leaf) and svpbmt_svnapot_strict (its first fault a PBMT=NC leaf with
# menvcfg.PBMTE = 0; at its store after the fifth fault a 64 KiB NAPOT page is in the TLB).
#
# Usage: sh tests/debugger/mmu_extensions.sh RV39 PRIV_ELF_DIR
set -u
RV39=${1:?usage: mmu_extensions.sh RV39 PRIV_ELF_DIR}
DIR=${2:?usage: mmu_extensions.sh RV39 PRIV_ELF_DIR}
failures=0
run() { # ELF COMMAND...: the debugger's output for these commands
    elf=$1
    shift
    printf '%s\n' "$@" quit | timeout -k 5 30 "$RV39" --debug -nographic --bios none \
        --kernel "$DIR/$elf" 2>&1
}
expect() { # TEXT WHAT
    printf '%s\n' "$out" | grep -qF -- "$1" || {
        echo "FAIL: $2: no '$1' in:"
        printf '%s\n' "$out"
        failures=$((failures + 1))
    }
}

f="continue until fault"
out=$(run sv48_sv57.elf "$f" "$f" "$f" "$f" "$f" "walk 0x2000000000008" "fault" "vmmap")
expect "MODE=10 (Sv57)" "satp is Sv57"
expect "Sv57 VPN[4]=2 VPN[3]=0 VPN[2]=0 VPN[1]=0 VPN[0]=0 offset=0x8" "five VPNs"
expect "  L4 pte@0x" "the walk starts at level 4"
expect "=> fault: misaligned superpage" "the rule that failed"
expect "last page fault: exception 13 (load page fault)" "fault: the last page fault"
expect "the walk that raised it (satp at the time: 0xa0" "fault: walked in Sv57"
expect "0x0001000000000000-0x0002000000000000  0x0000000000-0x1000000000000  256T" \
    "vmmap: the 256 TiB page"

out=$(run svpbmt_svnapot_strict.elf "$f" "walk 0x40000000")
expect "leaf PBMT=NC" "walk shows the PTE's memory type"
expect "=> fault: reserved PTE bits are set" "PBMT with PBMTE = 0 is reserved"
expect "with menvcfg.PBMTE = 0" "the rule names PBMTE"

out=$(run svpbmt_svnapot_strict.elf "$f" "$f" "$f" "$f" "$f" "$f" "walk 0x40020000")
expect "=> fault: reserved NAPOT encoding" "ppn[3:0] = 0000 with N is reserved"

out=$(run svpbmt_svnapot_strict.elf "$f" "$f" "$f" "$f" "$f" "break probe_sd" "continue" \
    "walk 0x40010008" "tlb" "vmmap" "info mem" "tlb 64k" "tlb 4k")
expect "leaf N" "walk shows N"
expect "=> pa=0x" "the NAPOT leaf translates"
expect "(64K page at 0x" "a 64 KiB page"
expect "  64K  rw---ad" "tlb holds the 64 KiB page as one entry"
expect "valid entries: 4K 0, 2M 0, 1G 1, 64K 1" "tlb counts it"
expect "shown: 1 of 2 entries" "tlb 64k shows the 64 KiB entry alone"
expect "shown: 0 of 2 entries" "tlb 4k does not take it for a 4 KiB page"
expect "0x0000000040010000-0x0000000040020000" "vmmap: one range for the 64 KiB page"
expect "0000000040010000 0000000080020000 0000000000010000 rw---ad" "info mem: the same"

if [ "$failures" -ne 0 ]; then
    echo "mmu_extensions: $failures failure(s)"
    exit 1
fi
echo "mmu_extensions: all checks passed"
