#!/bin/sh
# check_hostile.sh DISK_IMG COMMAND [ARG...]
# Boots our kernel with a copy of the build's disk image and /bin/hostile as init (COMMAND
# carries init=/bin/hostile; @DISK@ stands for the copy). hostile makes system calls with bad
# arguments (each must fail with -1) and starts children that each do one wild thing (each
# must be killed alone, with the kernel's report). Checks: every bad call refused, every
# child killed with its report (cause and address), the kernel survives and leaks nothing.
set -u
image=$1
shift
. "$(dirname "$0")/disk_boot.sh"
disk_boot_setup "$image"
disk_boot "$@"
grep -q "FAIL" "$out" && fail "hostile reported a failure"
has '^hostile: [0-9]+ bad system calls made, 0 not refused$' "every bad system call is refused"
has '^pid [0-9]+ killed: load page fault at 0x0 ' "a NULL load is killed"
has '^pid [0-9]+ killed: store page fault at 0x80200000 ' "a store into the kernel is killed"
has '^pid [0-9]+ killed: instruction page fault at 0x80200000 ' "a jump into the kernel is killed"
has '^pid [0-9]+ killed: instruction page fault at 0x1000[0-9a-f]+ \(pc 0x1000' "executing the heap is killed"
[ "$(grep -c '^pid [0-9]* killed: illegal instruction' "$out")" -eq 4 ] ||
    fail "illegal, csrr sstatus, sret and sfence.vma in U-mode: four illegal-instruction kills expected"
has '^pid [0-9]+ killed: breakpoint ' "ebreak in a process is killed"
has '^pid [0-9]+ killed: store page fault at 0x3fff[0-9a-f]+ ' "a runaway stack is killed at its limit"
has '^pid [0-9]+ killed: load page fault at 0x8000000000000000 ' "a non-canonical address is killed"
# hostile names each act before its child commits it: the kernel's kill report follows.
has '^hostile: first, system calls with bad arguments' "hostile says what comes first"
[ "$(grep -Ec '^hostile: act [0-9]+/11 [a-z-]+: [a-z].{10,}$' "$out")" -eq 11 ] ||
    fail "hostile names and describes each of its 11 acts"
awk '/^hostile: act / { act = $0; next }
     act != "" { if ($0 !~ /^pid [0-9]+ killed: /) { print "after: " act; bad = 1 } act = "" }
     END { exit bad }' "$out" || fail "an act's line is not followed by the kernel's kill report"
has '^hostile: act 10/11 stack: ' "the acts are numbered in order"
has '^hostile: 11 of 11 wild children killed, the kernel is still here$' "hostile's summary"
has '^hostile: process table full after [0-9]+ children: spawn refused, [0-9]+ reaped$' \
    "a full process table makes spawn fail; every child is reaped"
has '^hostile: PASS$' "hostile passes"
has '^kernel: all [0-9]+ frames free again, nothing leaked$' "nothing leaked"
. "$(dirname "$0")/frame_sums.sh"
frame_sums
verdict
