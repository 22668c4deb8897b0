#!/bin/sh
# virtio_blk_legacy.sh rv39|diff RV39 [QEMU] ELF: the legacy virtio-blk guest
# (tests/guest/virtio_blk_legacy.c) with each machine's DEFAULT options, no -global: rv39 and
# QEMU 7.2 both present the legacy virtio-mmio interface then. Each run gets a fresh 32 KiB
# image (sector 2 = "ABCD"*128); afterwards sector 5 must hold "RV39"*128, written by the
# guest, and nothing else may have changed. `diff` runs both machines and also requires the
# same guest output from both.
set -u
kind=$1
rv39=$2
if [ "$kind" = diff ]; then qemu=$3 elf=$4; else qemu='' elf=$3; fi
limit=${RV39_TEST_TIMEOUT:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
repeat() { i=0; while [ $i -lt 128 ]; do printf '%s' "$1"; i=$((i + 1)); done; }
repeat ABCD >"$tmp/abcd"
repeat RV39 >"$tmp/rv39"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

run() { # NAME COMMAND...: run on a fresh image, check the guest and the image
    name=$1
    shift
    img=$tmp/$name.img
    head -c 32768 /dev/zero >"$img"
    dd if="$tmp/abcd" of="$img" bs=512 seek=2 conv=notrunc status=none
    cp "$img" "$tmp/$name.before"
    status=0
    timeout "$limit" "$@" </dev/null >"$tmp/$name.raw" 2>&1 || status=$?
    tr -d '\r' <"$tmp/$name.raw" >"$tmp/$name.out"
    cat "$tmp/$name.out"
    [ "$status" -eq 0 ] || fail "$name: the guest exited with status $status"
    grep -q "^virtio_blk_legacy: [0-9]* checks passed$" "$tmp/$name.out" ||
        fail "$name: no pass line"
    dd if="$img" bs=512 skip=5 count=1 status=none | cmp -s - "$tmp/rv39" ||
        fail "$name: sector 5 does not hold what the guest wrote"
    dd if="$tmp/rv39" of="$tmp/$name.before" bs=512 seek=5 conv=notrunc status=none
    cmp -s "$img" "$tmp/$name.before" || fail "$name: bytes outside sector 5 changed"
}

run rv39 "$rv39" -bios none -nographic -kernel "$elf" \
    -drive "file=$tmp/rv39.img,if=none,format=raw,id=d0" \
    -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0
if [ "$kind" = diff ]; then
    run qemu "$qemu" -M virt -bios none -nographic -kernel "$elf" \
        -drive "file=$tmp/qemu.img,if=none,format=raw,id=d0" \
        -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0
    cmp -s "$tmp/rv39.out" "$tmp/qemu.out" || {
        fail "rv39 and QEMU printed different things"
        diff "$tmp/rv39.out" "$tmp/qemu.out"
    }
fi
[ "$failures" -eq 0 ] || exit 1
echo "virtio_blk_legacy.sh: $kind: all checks passed"
