#!/bin/sh
# check_record.sh DISK_IMG RV39
# Record and replay (-record/-replay, emu/record.h): our kernel's shell gets a session typed
# with pauses (so where the keys land depends on the host's timing), runs the swap demo (swap
# traffic through virtio-blk, timer interrupts) and exits. The recorded run and its replay
# (terminal input ignored: stdin is /dev/null) must print the same "state-hash INSTRET HASH"
# lines (registers, CSRs, mtime, RAM, devices; one per million instructions: 40 or more), the same console output, and
# leave the same disk image; for --jit on and for --jit off. A replay with the other -jit is
# refused (slices end where the translator's blocks do), and so are a truncated, an altered
# and a foreign log, a network and a host thread per hart: one line, exit status 2.
set -u
image=$1
rv39=$2
limit=${RV39_TEST_TIMEOUT:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# typed: the session, a line at a time with pauses, as a person types it.
typed() {
    sleep 0.4
    printf 'help\n'
    sleep 0.3
    printf 'swapdemo 8\n'
    sleep 1
    printf 'exit\n'
}

# run NAME STDIN-COMMAND rv39-option...: one boot with a fresh disk copy; its hash lines in
# $work/NAME.hash, its console in $work/NAME.out.
run() {
    name=$1 feed=$2
    shift 2
    cp --sparse=always "$image" "$work/$name.img" || exit 1
    $feed | timeout -k 5 "$limit" "$rv39" -nographic -m 16M -state-hash-every 1000000 "$@" \
        --drive "file=$work/$name.img" >"$work/$name.out" 2>"$work/$name.err"
    status=$?
    grep '^state-hash ' "$work/$name.err" >"$work/$name.hash"
    echo "$name ($*): exit status $status, $(wc -l <"$work/$name.hash") state-hash lines;" \
        "$(grep -v '^state-hash ' "$work/$name.err" | tail -n 1)"
    [ "$status" -eq 0 ] || { cat "$work/$name.err"; fail "$name: exit status $status, 0 expected"; }
}
nothing() { cat /dev/null; }

for jit in on off; do
    run "record-$jit" typed -jit "$jit" -record "$work/$jit.log"
    tr -d '\r' <"$work/record-$jit.out" | grep -q '^swapdemo: PASS$' ||
        fail "jit $jit: the typed swapdemo did not pass while recording"
    [ "$(wc -l <"$work/record-$jit.hash")" -ge 20 ] || fail "jit $jit: fewer than 20 state hashes"
    grep -Eq '^rv39: -record .*: [1-9][0-9]* inputs recorded' "$work/record-$jit.err" ||
        fail "jit $jit: -record did not report the inputs it logged"
    run "replay-$jit" nothing -jit "$jit" -replay "$work/$jit.log"
    if cmp -s "$work/record-$jit.hash" "$work/replay-$jit.hash"; then
        echo "jit $jit: the replay's $(wc -l <"$work/replay-$jit.hash") state hashes equal the record's"
    else
        diff "$work/record-$jit.hash" "$work/replay-$jit.hash" | head -n 6
        fail "jit $jit: the replay's state hashes differ from the record's"
    fi
    cmp -s "$work/record-$jit.out" "$work/replay-$jit.out" ||
        fail "jit $jit: the replay's console output differs from the record's"
    grep -q 'the final state matches the record' "$work/replay-$jit.err" ||
        fail "jit $jit: the replay did not confirm its final state"
    cmp -n 268435456 "$work/record-$jit.img" "$work/replay-$jit.img" ||
        fail "jit $jit: the disk images differ after record and replay"
done

# Refusals: one line on stderr, nothing on stdout, exit status 2, before the guest runs.
refused() {
    what=$1 pattern=$2
    shift 2
    timeout -k 5 "$limit" "$rv39" -nographic -m 16M "$@" --drive "file=$work/record-on.img" \
        </dev/null >"$work/refused.out" 2>"$work/refused.err"
    status=$?
    if [ "$status" -ne 2 ] || [ -s "$work/refused.out" ] || [ "$(wc -l <"$work/refused.err")" -ne 1 ] ||
        ! grep -q "$pattern" "$work/refused.err"; then
        fail "$what: expected one line matching '$pattern' and exit status 2, got $status: $(head -c 300 "$work/refused.err")"
    else
        echo "$what: $(cat "$work/refused.err")"
    fi
}
size=$(wc -c <"$work/on.log")
head -c $((size - 7)) "$work/on.log" >"$work/truncated.log"
refused "truncated log" "truncated record" -replay "$work/truncated.log"
cp "$work/on.log" "$work/altered.log"
byte=$(od -An -tu1 -j $((size / 2)) -N 1 "$work/on.log" | tr -d ' ')
printf "\\$(printf '%o' $((255 - byte)))" |
    dd of="$work/altered.log" bs=1 seek=$((size / 2)) conv=notrunc status=none
cmp -s "$work/on.log" "$work/altered.log" && fail "the altered log is not altered"
refused "altered log" "corrupt record" -replay "$work/altered.log"
head -c 4096 "$rv39" >"$work/foreign.log"
refused "not a log" "not an rv39 record" -replay "$work/foreign.log"
refused "other -jit" "recorded with -jit on, replayed with -jit off" -jit off -replay "$work/on.log"
refused "other -m" "recorded with -m 16M" -m 32M -replay "$work/on.log"
refused "record with a network" "not with a network" -record "$work/x.log" -nic user
refused "record with a host thread per hart" "thread=multi: not with -record" -smp 2 \
    -accel tcg,thread=multi -record "$work/x.log"

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
