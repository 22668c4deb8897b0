#!/bin/sh
# check_boot.sh EXPECTATION COMMAND [ARG...]
# Boots our kernel (firmware/kernel) with COMMAND, an emulator plus firmware plus kernel.elf,
# headless and under a time limit (RV39_TEST_TIMEOUT, default 60 s), then checks what the
# run printed and its exit status. Each broken rule prints one "FAIL:" line; any of them
# fails the test. EXPECTATION:
#   normal      a full, healthy run: hello, wild killed for its load at 0xdead0000, scribble
#               killed for its store to its code, bad pointers refused, touch's
#               2048 demand faults and 16 stack pages, preemption, init's summary, no leaked
#               frame, exit status 0
#   normal-hw   the same, and the MMU's own page-fault counter (hpmcounter6) saw the 2048
#               faults too (rv39 counts MMU events; QEMU's hpmcounters stay 0)
#   oom         RAM too small for touch's 8 MiB: touch is killed for want of memory, the
#               others still finish, nothing leaks, init reports it and the run exits 1
set -u
expectation=$1
shift
limit=${RV39_TEST_TIMEOUT:-60}
raw=$(mktemp)
out=$(mktemp)
trap 'rm -f "$raw" "$out"' EXIT INT TERM

timeout -k 5 "$limit" "$@" </dev/null >"$raw" 2>&1
status=$?
tr -d '\r' <"$raw" >"$out"
cat "$out"
echo "--- exit status $status; checking ($expectation)"

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
# has REGEX WHY: some line matches the extended regular expression (anchored by the caller).
has() {
    grep -Eq "$1" "$out" || fail "$2 (no line matching /$1/)"
}
# number_at_least PREFIX MIN WHY: the line "PREFIX<number>" exists with number >= MIN.
number_at_least() {
    n=$(sed -n "s/^$1\([0-9][0-9]*\).*/\1/p" "$out" | head -n 1)
    if [ -z "$n" ]; then
        fail "$3 (no line '$1N')"
    elif [ "$n" -lt "$2" ]; then
        fail "$3 ($1$n, at least $2 expected)"
    fi
}
# line_of REGEX: number of the first line matching, or a huge number when none does.
line_of() {
    grep -En "$1" "$out" | head -n 1 | cut -d: -f1 | grep . || echo 999999
}

[ "$status" -eq 124 ] && fail "timed out after $limit s: $*"
grep -q "kernel panic" "$out" && fail "the kernel panicked"
has '^kernel: Sv39 paging on$' "the kernel turns paging on"
has '^kernel: command line "autotest"$' "-append reaches the kernel (device tree /chosen bootargs)"
has '^hello: hello from pid [0-9]+$' "hello runs and prints"
has '^pid [0-9]+ killed: load page fault at 0xdead0000 \(pc 0x[0-9a-f]+\)$' \
    "a wild load kills the process with cause, address and pc"
has '^init: wild \(pid [0-9]+\) exited with status -1$' "init sees wild's kill as status -1"
has '^hello: slept [0-9]+ ticks' "sleep returns"
has '^hello: write from a kernel address returns -1$' "system calls refuse kernel addresses"
# scribble's store into its own (present, read-only) code page: killed at that very address.
code=$(sed -n 's/^scribble: writing over my own code at \(0x[0-9a-f]*\)$/\1/p' "$out")
if [ -z "$code" ] && [ "$expectation" = oom ]; then
    # With 8 MiB, whether scribble or touch takes the last frames depends on where the timer
    # preempts: scribble may be killed for want of memory before it reaches its store.
    has '^init: scribble \(pid [0-9]+\) exited with status -1$' "scribble is killed either way"
elif [ -z "$code" ]; then
    fail "scribble did not run"
else
    has "^pid [0-9]+ killed: store page fault at $code \\(pc 0x[0-9a-f]+\\)$" \
        "a store to a read-only page kills the process with its address"
fi
has '^kernel: all [0-9]+ frames free again, nothing leaked$' "every frame is freed again"
grep -q "LEAK" "$out" && fail "frames leaked"
. "$(dirname "$0")/frame_sums.sh"
frame_sums

case "$expectation" in
normal | normal-hw)
    [ "$status" -eq 0 ] || fail "exit status $status, 0 expected"
    has '^touch: touched 2048 pages of an 8 MiB heap$' "touch writes its whole heap"
    number_at_least 'touch: page faults served by the kernel: ' 2048 \
        "each first touch of a heap page is a demand fault"
    number_at_least 'touch: the stack grew by ' 16 "the stack grows on demand"
    if [ "$expectation" = normal-hw ]; then
        number_at_least 'touch: page faults counted by the MMU (hpmcounter6): ' 2048 \
            "the MMU's page-fault counter counts the demand faults"
        has '^touch: the MMU also counted [0-9]+ dTLB misses, [0-9]+ page walks, [0-9]+ sfence.vma$' \
            "touch reports the MMU's other counters in words"
        has '^touch: hpmcounter6 is readable in U-mode too: yes$' \
            "scounteren lets U-mode read the MMU counters"
    fi
    has '^init: summary: 5 programs, 3 exited with 0, 2 killed, 0 unexpected$' "init's summary"
    has '^kernel: init exited with status 0, powering off$' "init exits 0 and the kernel powers off"
    # Preemption: spin starts first and never yields, yet hello (started after it) finishes
    # first, so the timer must have taken the CPU away from spin.
    [ "$(line_of '^hello: slept')" -lt "$(line_of '^spin: done')" ] ||
        fail "hello did not finish while spin was busy: no preemption"
    ;;
oom)
    [ "$status" -eq 1 ] || fail "exit status $status, 1 expected (init reports the OOM kill)"
    # The page the kernel could not find a frame for is the one the kill names.
    page=$(sed -n 's/^pid [0-9]*: out of memory for a page at \(0x[0-9a-f]*\)$/\1/p' "$out")
    if [ -z "$page" ]; then
        fail "running out of memory is not reported"
    else
        has "^pid [0-9]+ killed: store page fault at $page \\(pc 0x[0-9a-f]+\\)$" \
            "touch is killed when no frame is left"
    fi
    has '^init: touch \(pid [0-9]+\) exited with status -1 - UNEXPECTED$' "init sees touch killed"
    has '^spin: done after' "spin still finishes"
    has '^init: summary: 5 programs, 2 exited with 0, 3 killed, 1 unexpected$' "init's summary"
    ;;
*)
    fail "unknown expectation '$expectation'"
    ;;
esac

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed: $*" >&2
    exit 1
fi
echo "all checks passed"
exit 0
