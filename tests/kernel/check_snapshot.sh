#!/bin/sh
# check_snapshot.sh DISK_IMG RV39
# Snapshot files (savevm / loadvm / -loadvm) with our kernel's swap demo under -icount, driven
# through the debugger's prompt (-debug, commands on stdin):
#  - reference: step 20M instructions (the demo is swapping), savevm, and from that file a
#    run to the end (-loadvm, -jit off) gives the reference's state hashes and disk image;
#  - save: another process, the same 20M steps, `savevm FILE`, then 10M more steps (the disk
#    moves on);
#  - -loadvm FILE (-jit off, and -jit on) on that disk: the disk goes back to what the
#    snapshot pinned, the run ends with the reference's disk image, and with -jit off with
#    the reference's state hashes at every 5M instructions after the snapshot; -jit on ends
#    slices at block ends, so its interrupts land at other instructions than the
#    interpreter's (each mode is deterministic, not identical to the other: README,
#    "Record and replay"): two -loadvm -jit on runs give the same state hashes;
#  - the monitor: savevm, 12M steps, loadvm, the same 12M steps: the same state hashes;
#  - refused with exit status 2 and one line naming the file: a snapshot from another build
#    (its build id patched), a truncated one, one with a byte changed, one of a machine with
#    other RAM; the guest never starts.
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
args="-nographic -m 16M -icount shift=3 -state-hash-every 5000000 --append init=/bin/swapdemo"
steps=20000000

fresh() { cp --sparse=always "$image" "$work/$1.img" || exit 1; }
# The first 256 MiB: the file system and more swap than the demo fills.
same_disk() { cmp -n 268435456 "$work/$1.img" "$work/$2.img" >/dev/null; }
hashes() { grep '^state-hash ' "$work/$1.err"; }
# debug NAME COMMANDS...: a -debug run on NAME.img with these prompt commands.
debug() {
    name=$1
    shift
    printf '%s\n' "$@" quit | timeout -k 5 "$limit" "$rv39" $args -debug \
        --drive "file=$work/$name.img" >"$work/$name.out" 2>"$work/$name.err"
    status=$?
    [ "$status" -eq 0 ] || { cat "$work/$name.err"; fail "$name: exit status $status"; }
}
passed() { tr -d '\r' <"$work/$1.out" | grep -c '^swapdemo: PASS$'; }

fresh ref
debug ref "step $steps" "savevm $work/ref.rv39"
timeout -k 5 "$limit" "$rv39" $args -jit off -loadvm "$work/ref.rv39" --drive "file=$work/ref.img" \
    </dev/null >"$work/ref.out" 2>"$work/ref.err" || fail "reference: exit status $?"
[ "$(passed ref)" -eq 1 ] || fail "reference: the swap demo did not pass"
after=$(hashes ref | awk -v n=$steps '$2 > n' | wc -l)
echo "reference: $after state hashes after the snapshot point"
[ "$after" -ge 20 ] || fail "reference: too few state hashes after the snapshot point"

fresh save
debug save "step $steps" "savevm $work/mid.rv39" "step 10000000"
grep -q "^machine saved to $work/mid.rv39 at instret" "$work/save.out" || fail "savevm said nothing"
[ -s "$work/mid.rv39" ] || fail "savevm wrote no file"
echo "snapshot: $(wc -c <"$work/mid.rv39") bytes"
same_disk save ref && fail "the disk did not move on after the snapshot: pinning is not tested"

for jit in off on; do
    cp --sparse=always "$work/save.img" "$work/load-$jit.img" # the disk as it ended
    timeout -k 5 "$limit" "$rv39" $args -jit "$jit" -loadvm "$work/mid.rv39" \
        --drive "file=$work/load-$jit.img" </dev/null >"$work/load-$jit.out" 2>"$work/load-$jit.err"
    status=$?
    [ "$status" -eq 0 ] || { cat "$work/load-$jit.err"; fail "-loadvm, -jit $jit: exit status $status"; }
    [ "$(passed "load-$jit")" -eq 1 ] || fail "-loadvm, -jit $jit: the swap demo did not pass"
    same_disk "load-$jit" ref || fail "-loadvm, -jit $jit: the final disk image differs"
    if [ "$jit" = off ]; then
        hashes ref | awk -v n=$steps '$2 > n' >"$work/ref.after"
        if hashes load-off | cmp -s - "$work/ref.after"; then
            echo "-loadvm, -jit off: the $after state hashes after the snapshot are the reference's"
        else
            hashes load-off | diff - "$work/ref.after" | head -n 6
            fail "-loadvm, -jit off: the state hashes differ from the reference's"
        fi
    else
        cp --sparse=always "$work/save.img" "$work/again-on.img"
        timeout -k 5 "$limit" "$rv39" $args -jit on -loadvm "$work/mid.rv39" \
            --drive "file=$work/again-on.img" </dev/null >"$work/again-on.out" 2>"$work/again-on.err"
        status=$?
        [ "$status" -eq 0 ] || { cat "$work/again-on.err"; fail "-loadvm again, -jit on: exit status $status"; }
        on_count=$(hashes load-on | wc -l)
        [ "$on_count" -ge 20 ] || fail "-loadvm, -jit on: too few state hashes ($on_count)"
        hashes again-on >"$work/again-on.hashes"
        if hashes load-on | cmp -s - "$work/again-on.hashes"; then
            echo "-loadvm, -jit on: the reference's final disk image; twice the same $on_count state hashes"
        else
            hashes load-on | diff - "$work/again-on.hashes" | head -n 6
            fail "-loadvm, -jit on: two runs from the snapshot differ"
        fi
        same_disk again-on ref || fail "-loadvm again, -jit on: the final disk image differs"
    fi
done

# The monitor, in one process: loadvm goes back, the same steps give the same hashes.
fresh mon
debug mon "step $steps" "savevm $work/mon.rv39" "step 12000000" "loadvm $work/mon.rv39" \
    "step 12000000"
grep -q "^machine loaded from $work/mon.rv39: instret" "$work/mon.out" || fail "loadvm said nothing"
hashes mon | awk -v n=$steps '$2 > n' | sed '$d' >"$work/mon.all"
half=$(($(wc -l <"$work/mon.all") / 2))
head -n "$half" "$work/mon.all" >"$work/mon.first"
tail -n "$half" "$work/mon.all" >"$work/mon.second"
if [ "$half" -ge 1 ] && cmp -s "$work/mon.first" "$work/mon.second"; then
    echo "monitor: savevm, 12M steps, loadvm, 12M steps: the same $half state hashes twice"
else
    cat "$work/mon.all"
    fail "monitor: the steps after loadvm differ from the ones before"
fi

# refused FILE EXPECTED [rv39 option...]: exit status 2, one line on stderr with the file's
# name and EXPECTED, and the guest never ran.
refused() {
    file=$1 expected=$2
    shift 2
    fresh refused
    timeout -k 5 "$limit" "$rv39" -nographic -m 16M -icount shift=3 "$@" -loadvm "$file" \
        --drive "file=$work/refused.img" </dev/null >"$work/refused.out" 2>"$work/refused.err"
    status=$?
    lines=$(wc -l <"$work/refused.err")
    if [ "$status" -ne 2 ] || [ "$lines" -ne 1 ] ||
        ! grep -q "^rv39: $file: .*$expected" "$work/refused.err" || [ -s "$work/refused.out" ]; then
        cat "$work/refused.err"
        fail "$file: expected exit status 2 and one line '...$expected', got $status, $lines lines"
    else
        echo "refused: $(cat "$work/refused.err")"
    fi
}
python3 - "$work/mid.rv39" "$work/other-build.rv39" "$work/truncated.rv39" "$work/flipped.rv39" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
other = bytearray(data)
other[16] ^= 0x5a  # the build id (header: magic 8, version 4, 0 4, build id 8)
open(sys.argv[2], 'wb').write(other)
open(sys.argv[3], 'wb').write(data[: len(data) // 2])
flipped = bytearray(data)
flipped[len(data) // 3] ^= 1
open(sys.argv[4], 'wb').write(flipped)
EOF
refused "$work/other-build.rv39" "made by another build of rv39 (build [0-9a-f]*, this is [0-9a-f]*); cannot load"
refused "$work/truncated.rv39" "truncated or corrupt"
refused "$work/flipped.rv39" "corrupt (checksum mismatch)"
refused "$work/mid.rv39" "the snapshot's RAM size is 16777216, this machine's 33554432" -m 32M
refused "$work/nothing.rv39" "cannot open it"

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
