#!/bin/sh
# check_asid.sh RV39 DISK_IMG
# The kernel's ASIDs at work: the same three swapdemo copies side by side (many context
# switches, in 64 MiB) run twice on rv39 with --stats: with ASIDs (the default: each process
# slot tags its TLB entries, satp switches without a flush) and with `noasid` on the command
# line (the TLB flushed on every switch), both under -icount so the timer (and so every
# switch) depends only on the guest. Both must pass; with ASIDs the hart must walk the page
# tables clearly less often (rv39's --stats "walks:", hpmcounter5).
set -u
rv39=$1
image=$2
. "$(dirname "$0")/disk_boot.sh"
disk_boot_setup "$image"

# Boots the copies with ARGS before init= (a fresh disk each time); sets $walks.
run() {
    cp --sparse=always "$image" "$disk" || exit 1
    disk_boot "$rv39" -nographic -stats -m 64M -icount shift=3 --drive file=@DISK@ \
        --append "$1init=/bin/swapdemo 24 3"
    has '^swapdemo: 3 copies of 24 MiB side by side: PASS$' "swapdemo copies pass ($2)"
    has '^kernel: all [0-9]+ frames free again, nothing leaked$' "nothing leaked ($2)"
    walks=$(sed -n 's/^walks: \([0-9][0-9]*\)$/\1/p' "$out")
}
run "" "ASIDs"
with=$walks
has '^kernel: 16-bit ASIDs: each process slot has its own' "the kernel finds rv39's 16 ASID bits"
run "noasid " "noasid"
without=$walks
has '^kernel: ASIDs off \(noasid\): the TLB is flushed on every switch$' "noasid turns them off"
echo "page-table walks: $with with ASIDs, $without without"
if [ -z "$with" ] || [ -z "$without" ]; then
    fail "no 'walks:' line from --stats"
elif [ $((with * 5 / 4)) -ge "$without" ]; then
    # Under -icount the timer runs on retired instructions, so both runs switch at the same
    # points whatever the host's speed (on host time a slow sanitizer build once ran the
    # noasid copies nearly one after another and walked less); the saving is ~6.7x here,
    # identical in the release and sanitizer builds; without ASIDs working it is none.
    fail "ASIDs should save at least a fifth of the walks ($with vs $without)"
fi
verdict
