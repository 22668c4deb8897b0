#!/bin/sh
# check_huge.sh tlbdemo|fragment hw|nohw DISK_IMG COMMAND [ARG...]
# Boots our kernel with a copy of the build's disk image and the program named first as init
# (COMMAND must carry init=/bin/PROGRAM), @DISK@ in COMMAND standing for the copy's path, and
# checks the guest's output (firmware/kernel/mmap.c MAP_HUGE_2MB, firmware/user/tlbdemo.c and
# fragment.c). hw: the machine has rv39's MMU counters; nohw: they read 0 (QEMU).
#   tlbdemo   hw: megapages cut the dTLB misses of the same walk by at least MIN_FACTOR;
#             nohw: it says there are no counters; both: the megapage is 2 MiB-aligned
#   fragment  C's map is printed and its summary says how many physical runs (2 or more:
#             A's freed hole does not hold all of C's 2 MiB)
# Always: exit status 0, no panic, every frame and huge block freed again. Each broken rule
# prints "FAIL:".
set -u
mode=$1
counters=$2
image=$3
shift 3
MIN_FACTOR=10
. "$(dirname "$0")/disk_boot.sh"
disk_boot_setup "$image"
disk_boot "$@"
grep -q "FAIL" "$out" && fail "the guest program reported a failure"
grep -q "LEAK" "$out" && fail "the kernel reports a leak (frames or huge blocks)"
has "^kernel: starting /bin/$mode\$" "init=/bin/$mode starts $mode from the disk"
has '^kernel: all [0-9]+ frames free again, nothing leaked$' "every frame is freed again"
. "$(dirname "$0")/frame_sums.sh"
frame_sums

# The count of the first line matching $1 whose field $2 is a number.
count() {
    sed -n "s/$1/\\1/p" "$out" | head -n 1
}

case "$mode" in
tlbdemo)
    has '^tlbdemo: huge region at 0x[0-9a-f]+, first megapage at physical 0x[0-9a-f]+00000$' \
        "the megapage's physical address is printed"
    pa=$(sed -n 's/^tlbdemo: huge region at .* physical 0x\([0-9a-f]*\)$/\1/p' "$out")
    [ -n "$pa" ] && [ $((0x$pa % 2097152)) -eq 0 ] ||
        fail "the megapage at 0x$pa is not 2 MiB-aligned physically"
    grep -q "no free 2 MiB block" "$out" && fail "MAP_HUGE_2MB fell back to 4 KiB pages"
    if [ "$counters" = hw ]; then
        small=$(count '^tlbdemo: 4 KiB pages: \([0-9]*\) dTLB misses.*' 1)
        huge=$(count '^tlbdemo: 2 MiB pages: \([0-9]*\) dTLB misses.*' 1)
        if [ -z "$small" ] || [ -z "$huge" ]; then
            fail "tlbdemo does not print both dTLB miss counts"
        else
            echo "host: dTLB misses: $small with 4 KiB pages, $huge with 2 MiB pages"
            [ "$small" -ge 4096 ] || fail "4 KiB pages missed only $small times over 4096 pages"
            [ $((huge * MIN_FACTOR)) -le "$small" ] ||
                fail "megapages cut dTLB misses by less than ${MIN_FACTOR}x ($small vs $huge)"
        fi
        has '^tlbdemo: huge pages reduced dTLB misses$' "tlbdemo's verdict"
    else
        has '^tlbdemo: no MMU counters on this machine$' "tlbdemo notices the counters read 0"
    fi
    ;;
fragment)
    has '^fragment A: exits, its 1 MiB goes back to the free list$' "A exits before C runs"
    has '^  pages +[0-9]+\.\. *[0-9]+ \( *[0-9]+\) -> frames 0x[0-9a-f]+\.\.0x[0-9a-f]+' \
        "C's map is printed as runs"
    runs=$(count "^fragment: C's 2 MiB are virtually contiguous over \([0-9]*\) physical runs$" 1)
    if [ -z "$runs" ]; then
        fail "fragment's summary line is missing"
    else
        [ "$runs" -ge 2 ] || fail "C's 2 MiB sit in $runs physical run(s), 2 or more expected"
    fi
    has '^fragment: A, B and C completed$' "fragment completes"
    ;;
*) fail "unknown mode $mode" ;;
esac

verdict
