#!/bin/sh
# -global virtio-mmio.force-legacy=true|false (emu/options.c): QEMU 7.2's property, default
# true (the legacy interface, version 1). Values rv39 cannot take end it with status 2 and one
# "rv39:" line on stderr before any guest runs; the value chosen is the version every slot
# shows: the legacy guest (tests/guest/virtio_blk_legacy.c) fails its version check (check 2,
# so exit status 2) on a modern device, and the modern rng guest finds no version-2 device
# (its check 1) on a legacy one.
#
# Usage: sh tests/cli/virtio_legacy.sh /path/to/rv39 /path/to/build
set -u
RV39=${1:?usage: virtio_legacy.sh RV39 BUILD_DIR}
BUILD=${2:?usage: virtio_legacy.sh RV39 BUILD_DIR}
LEGACY=$BUILD/tests/guest/virtio_blk_legacy.elf
MODERN=$BUILD/tests/guest/virtio_rng.elf
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-virtio-legacy.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

expect_error() { # WHAT TEXT ARGS...: exit 2, one line on stderr containing TEXT, no output
    what=$1
    must_say=$2
    shift 2
    timeout 30 "$RV39" -nographic "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
    status=$?
    [ "$status" -eq 2 ] || fail "$what: exit status $status, expected 2"
    [ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$WORK/err")"
    grep -q "^rv39: .*$must_say" "$WORK/err" || fail "$what: stderr '$(cat "$WORK/err")' lacks '$must_say'"
    [ ! -s "$WORK/out" ] || fail "$what: the guest ran: $(cat "$WORK/out")"
}

expect_error "a value that is not a boolean" "force-legacy=maybe: expected virtio-mmio.force-legacy=true" \
    -bios none -kernel "$MODERN" -global virtio-mmio.force-legacy=maybe
expect_error "an empty value" "force-legacy=: expected" \
    -bios none -kernel "$MODERN" -global virtio-mmio.force-legacy=
expect_error "no value at all" "force-legacy: expected" \
    -bios none -kernel "$MODERN" -global virtio-mmio.force-legacy
expect_error "another property" "virtio-mmio.ioeventfd=off: expected" \
    -bios none -kernel "$MODERN" -global virtio-mmio.ioeventfd=off
expect_error "a missing argument" "global" -bios none -kernel "$MODERN" -global

run() { # WANT_STATUS WHAT ARGS...
    want=$1
    what=$2
    shift 2
    truncate -s 32768 "$WORK/disk.img"
    timeout 30 "$RV39" -nographic -bios none "$@" >"$WORK/out" 2>&1 </dev/null
    status=$?
    [ "$status" -eq "$want" ] || fail "$what: exit status $status, expected $want: $(cat "$WORK/out")"
}
DISK="-drive file=$WORK/disk.img,if=none,format=raw,id=d0 -device virtio-blk-device,drive=d0"
# shellcheck disable=SC2086 # DISK is several words
{
    run 2 "legacy guest, force-legacy=false" -kernel "$LEGACY" $DISK -global virtio-mmio.force-legacy=false
    grep -q "reg(VERSION) = 2, expected 1" "$WORK/out" || fail "force-legacy=false: version is not 2"
    run 2 "legacy guest, force-legacy=off" -kernel "$LEGACY" $DISK -global virtio-mmio.force-legacy=off
    run 1 "modern guest, default options" -kernel "$MODERN" -device virtio-rng-device
    run 1 "modern guest, force-legacy=true" -kernel "$MODERN" -device virtio-rng-device -global virtio-mmio.force-legacy=true
    run 0 "modern guest, force-legacy=false" -kernel "$MODERN" -device virtio-rng-device -global virtio-mmio.force-legacy=false
    # The last -global wins, as in QEMU.
    run 0 "modern guest, true then false" -kernel "$MODERN" -device virtio-rng-device \
        -global virtio-mmio.force-legacy=true -global virtio-mmio.force-legacy=false
}

[ "$failures" -eq 0 ] || exit 1
echo "virtio_legacy.sh: all checks passed"
