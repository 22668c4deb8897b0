#!/bin/sh
# check_swap.sh DISK_IMG MODE COMMAND [ARG...]
# Boots our kernel with a copy of the build's disk image and swapdemo as init (COMMAND must
# carry init=/bin/swapdemo [MiB [COPIES]] and a small -m, so that the frames run out); @DISK@
# in COMMAND stands for the copy's path. MODE is one (its size decides) or copies (several
# swapdemos side by side). Checks (each broken rule prints "FAIL:"):
#   - every page came back intact (swapdemo's own per-page words and checksums: "0 bad"),
#     pages went out to swap and came back in (counts above zero), PASS
#   - munmap and exit gave every swap slot back, every frame is free again (the kernel's
#     leak check at power-off counts swap slots too), exit status 0, no panic
#   - from the host: the swap partition (partition 2, after the ext2 one) of the image now
#     holds pages swapdemo wrote, and the ext2 file system is still clean (e2fsck -n)
set -u
image=$1
mode=$2
shift 2
. "$(dirname "$0")/disk_boot.sh"
disk_boot_setup "$image"
disk_boot "$@"
grep -q "FAIL" "$out" && fail "swapdemo reported a failure"
has '^swap: partition 2, [0-9]+ KiB \([0-9]+ pages\)' "the kernel finds the swap partition"
has '^swapdemo: RAM [0-9]+ MiB' "swapdemo starts"
has '^swapdemo: [0-9]+ pages checked, 0 bad;' "every page comes back with its words and checksum"
has ' [1-9][0-9]* swap-outs, [1-9][0-9]* swap-ins while it ran' "pages went to swap and came back"
[ "$mode" = one ] && has ' [1-9][0-9]* clean pages dropped without a write' "pages read back and not written are dropped, not rewritten"
has '^swapdemo: PASS$' "swapdemo passes"
# The slots still in use after munmap, explained (and freed at exit: "nothing leaked" below).
has '^swapdemo: swap slots in use [1-9][0-9]* before munmap, [0-9]+ after: munmap frees the slots of$' \
    "swapdemo reports the swap slots in use around munmap"
if grep -Eq '^swapdemo: swap slots in use [0-9]+ before munmap, 0 after' "$out"; then
    has '^  the pages it unmaps, and none is left$' "swapdemo says no slot is left"
else
    has '^  the [0-9]+ left hold pages still alive: ' "swapdemo explains the slots still in use"
    has "^  write\) or other processes' pages; exit frees them$" "and that exit frees them"
fi
if [ "$mode" = copies ]; then
    has '^swapdemo: [0-9]+ copies of [0-9]+ MiB side by side: PASS$' "every copy passes"
    [ "$(grep -c '^swapdemo: PASS$' "$out")" -ge 2 ] || fail "fewer than two copies passed"
fi
has '^kernel: all [0-9]+ frames free again, nothing leaked$' "frames and swap slots all freed"
. "$(dirname "$0")/frame_sums.sh"
frame_sums
has "^kernel: [0-9]+ frames kept for good: [0-9]+ the kernel's page tables, [1-9][0-9]* the swap map;\$" \
    "with swap on, the swap map's frames are counted among those kept"

# The host's view. swapdemo's words are never zero in a whole sector, so a written swap
# partition has non-zero sectors; the clean image has none there (a hole).
swap_start=$(sfdisk -d "$disk" 2>/dev/null | awk -F'[=,]' '/type=82/ { gsub(/ /, "", $2); print $2 }')
if [ -z "$swap_start" ]; then
    fail "the image has no swap partition (type 82)"
else
    nonzero=$(dd if="$disk" bs=512 skip="$swap_start" count=65536 status=none | tr -d '\0' | wc -c)
    echo "host: $nonzero non-zero bytes in the first 32 MiB of the swap partition"
    [ "$nonzero" -gt 1048576 ] || fail "the swap partition holds almost nothing: pages never reached it"
fi
fs_clean
verdict
