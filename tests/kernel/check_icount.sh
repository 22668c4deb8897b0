#!/bin/sh
# check_icount.sh DISK_IMG RV39 [ARG...]
# Deterministic execution (-icount): our kernel runs the swap demo (a disk copy each run,
# swap traffic through virtio-blk, timer interrupts for its clock) with --state-hash-every,
# which prints "state-hash INSTRET HASH" lines (registers, CSRs, mtime, RAM, devices) about
# every 5M instructions and at exit. For --jit on and for --jit off, two runs under -icount,
# one of them beside busy loops loading the host, must print identical lines (many of them)
# and leave identical disk images. Then two runs without -icount, one loaded, must differ:
# the comparison can fail, so the agreement above is evidence. @DISK@ in the arguments
# stands for the run's disk copy.
set -u
image=$1
rv39=$2
shift 2
limit=${RV39_TEST_TIMEOUT:-60}
work=$(mktemp -d)
busy=""
cleanup() {
    for p in $busy; do kill "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run NAME loaded|idle [rv39 option...]: one boot; its hash lines in $work/NAME.hash.
run() {
    name=$1 load=$2
    shift 2
    cp --sparse=always "$image" "$work/$name.img" || exit 1
    if [ "$load" = loaded ]; then # one busy loop per core: rv39 competes for the CPU
        for _ in 1 2; do
            sh -c 'while :; do :; done' &
            busy="$busy $!"
        done
    fi
    start=$(date +%s)
    timeout -k 5 "$limit" "$rv39" -nographic -m 16M -state-hash-every 5000000 "$@" \
        --drive "file=$work/$name.img" --append init=/bin/swapdemo \
        </dev/null >"$work/$name.out" 2>"$work/$name.err"
    status=$?
    seconds=$(($(date +%s) - start))
    for p in $busy; do kill "$p" 2>/dev/null; done
    busy=""
    grep '^state-hash ' "$work/$name.err" >"$work/$name.hash"
    lines=$(wc -l <"$work/$name.hash")
    echo "$name ($load, $*): exit status $status in ${seconds}s, $lines state-hash lines, last: $(tail -n 1 "$work/$name.hash")"
    [ "$status" -eq 0 ] || { cat "$work/$name.err"; fail "$name: exit status $status, 0 expected"; }
    tr -d '\r' <"$work/$name.out" | grep -q '^swapdemo: PASS$' || fail "$name: swapdemo did not pass"
    [ "$lines" -ge 20 ] || fail "$name: only $lines state-hash lines (20 or more expected)"
}

for jit in on off; do
    run "icount-$jit-idle" idle -icount shift=3 -jit "$jit"
    run "icount-$jit-loaded" loaded -icount shift=3 -jit "$jit"
    if cmp -s "$work/icount-$jit-idle.hash" "$work/icount-$jit-loaded.hash"; then
        echo "jit $jit: the $(wc -l <"$work/icount-$jit-idle.hash") state hashes agree, idle and loaded"
    else
        diff "$work/icount-$jit-idle.hash" "$work/icount-$jit-loaded.hash" | head -n 6
        fail "jit $jit: under -icount the state hashes differ between an idle and a loaded host"
    fi
    # The first 256 MiB: the ext2 partition and more swap than the demo fills (the rest of the
    # 4 GiB image is a hole that cmp would read as zeros for long).
    cmp -n 268435456 "$work/icount-$jit-idle.img" "$work/icount-$jit-loaded.img" ||
        fail "jit $jit: under -icount the disk images differ after the two runs"
done

# Without -icount guest time is the host's: the same comparison must see differences.
run host-idle idle
run host-loaded loaded
if cmp -s "$work/host-idle.hash" "$work/host-loaded.hash"; then
    fail "without -icount two runs gave the same state hashes: the check above proves nothing"
else
    echo "without -icount: $(diff "$work/host-idle.hash" "$work/host-loaded.hash" | grep -c '^<') of" \
        "$(wc -l <"$work/host-idle.hash") state hashes differ (as they must: timer interrupts" \
        "land at host-dependent instret)"
fi

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
