#!/bin/sh
# virtio_blk.sh rv39|qemu EMULATOR ELF: run the virtio-blk round-trip guest against a fresh
# 32 KiB image (sector 2 = "ABCD"*128), then check from the host that sector 5 holds what
# the guest wrote and flushed ("RV39"*128) and that nothing else changed.
set -eu
kind=$1 emu=$2 elf=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
img=$tmp/disk.img
repeat() { i=0; while [ $i -lt 128 ]; do printf '%s' "$1"; i=$((i + 1)); done; }
head -c 32768 /dev/zero >"$img"
repeat ABCD >"$tmp/abcd"
repeat RV39 >"$tmp/rv39"
dd if="$tmp/abcd" of="$img" bs=512 seek=2 conv=notrunc status=none
cp "$img" "$tmp/before.img"
case $kind in
rv39) timeout 30 "$emu" --bios none --kernel "$elf" -global virtio-mmio.force-legacy=false --drive file="$img" </dev/null >"$tmp/out" 2>&1 || status=$? ;;
qemu) timeout 30 "$emu" -M virt -bios none -nographic -kernel "$elf" -global virtio-mmio.force-legacy=false \
          -drive file="$img",if=none,format=raw,id=d0 \
          -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 </dev/null >"$tmp/out" 2>&1 || status=$? ;;
*) echo "virtio_blk.sh: unknown kind $kind" >&2; exit 2 ;;
esac
cat "$tmp/out"
[ "${status:-0}" -eq 0 ] || { echo "FAIL: guest exited with status ${status}"; exit 1; }
grep -q "virtio_blk: .* checks passed" "$tmp/out" || { echo "FAIL: no pass line"; exit 1; }
dd if="$img" bs=512 skip=5 count=1 status=none | cmp - "$tmp/rv39" ||
    { echo "FAIL: sector 5 does not hold what the guest wrote"; exit 1; }
# Everything but sector 5 is as before.
dd if="$tmp/rv39" of="$tmp/before.img" bs=512 seek=5 conv=notrunc status=none
cmp "$img" "$tmp/before.img" || { echo "FAIL: bytes outside sector 5 changed"; exit 1; }
echo "virtio_blk.sh: $kind: image checks passed"
