#!/bin/sh
# check_icount.sh RV39 ELF N: the round-robin mode under -icount is deterministic with N harts:
# two runs of the multi-hart guest (its harts race for a spinlock, an AMO and LR/SC, and take
# timer interrupts at guest times) print the same state-hash lines, idle and beside two busy
# loops; and the run without -icount must differ in them (so the comparison can fail).
set -u
rv39=$1
elf=$2
n=$3
limit=${RV39_TEST_TIMEOUT:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
fail() {
    echo "FAIL: $*"
    exit 1
}
run() { # NAME [OPTION...]
    name=$1
    shift
    timeout "$limit" "$rv39" -smp "$n" --bios none --kernel "$elf" --state-hash-every 20000 "$@" \
        </dev/null >"$work/$name.out" 2>"$work/$name.err"
    status=$?
    [ "$status" -eq 0 ] || { cat "$work/$name.out" "$work/$name.err"; fail "$name: exit status $status"; }
    grep '^state-hash ' "$work/$name.err" >"$work/$name.hash"
    echo "$name: $(wc -l <"$work/$name.hash") state-hash lines, last $(tail -n 1 "$work/$name.hash")"
}
run first -icount shift=3
busy=""
for _ in 1 2; do
    sh -c 'while :; do :; done' &
    busy="$busy $!"
done
run loaded -icount shift=3
for p in $busy; do kill "$p"; done
[ "$(wc -l <"$work/first.hash")" -ge 5 ] || fail "too few state-hash lines"
cmp -s "$work/first.hash" "$work/loaded.hash" || fail "-icount: the two runs differ ($(diff "$work/first.hash" "$work/loaded.hash" | head -n 4))"
cmp -s "$work/first.out" "$work/loaded.out" || fail "-icount: the guest's output differs"
run host-time
cmp -s "$work/first.hash" "$work/host-time.hash" && fail "without -icount the hashes did not change: the check cannot fail"
echo "-smp $n -icount: identical state hashes idle and loaded"
