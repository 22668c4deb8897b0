#!/bin/sh
# gpu.sh RV39 CACHE: Debian's riscv64 kernel on rv39 with virtio-gpu (-device
# virtio-gpu-device; as on QEMU, with -global virtio-mmio.force-legacy=false: Linux's
# virtio_gpu refuses a legacy device), headless, and the busybox initramfs with Debian's virtio_gpu module
# (and the DRM modules it depends on). Linux puts its framebuffer console on the GPU's
# scanout; the test writes a line to /dev/tty0 and powers off, and then:
#   - the kernel found the device (fb0: virtio_gpudrmfb) and moved its console onto it;
#   - rv39's --screenshot (the scanout, as the window would show it) holds text: light
#     pixels on the dark console background, in the screen's top half where the kernel's
#     messages are (nothing reads the glyphs: the kernel's font is not ours).
set -u
RV39=${1:?usage: gpu.sh RV39 CACHE}
CACHE=${2:?usage: gpu.sh RV39 CACHE}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/linux/console.sh
. "$HERE/console.sh" # console_start, wait_for, console_wait

sh "$HERE/fetch.sh" "$CACHE" || exit 1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-gpu.XXXXXX") || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
sh "$HERE/initramfs.sh" "$CACHE" "$WORK/initrd.gz" virtio_mmio virtio_gpu || exit 1

LOG="$WORK/gpu.log"
failures=0
fail() {
    echo "FAIL: gpu: $*"
    failures=$((failures + 1))
}
console_start "$LOG" "$RV39" -M virt -m 512M -nographic -kernel "$CACHE/Image" -initrd "$WORK/initrd.gz" \
    -append "console=tty0 console=ttyS0" -device virtio-gpu-device \
    -global virtio-mmio.force-legacy=false -screenshot "$WORK/screen.png"
pid=$console_pid
if wait_for "initramfs: ready" 300 && wait_for "# " 30; then
    printf 'echo RV39-ON-VIRTIO-GPU > /dev/tty0; cat /proc/fb; sleep 1; echo shown-$((1+1))\n' >&3
    wait_for "shown-2" 60 || fail "the shell did not answer"
    printf 'poweroff -f\n' >&3
else
    fail "no shell"
fi
console_wait 60
status=$?
[ -z "$console_killed" ] || fail "still running after poweroff"
pid=
[ "$status" -eq 0 ] || fail "exit status $status after poweroff -f, expected 0"
grep -qa "fb0: virtio_gpudrmfb" "$LOG" || fail "no virtio-gpu framebuffer (fb0) in the kernel log"
grep -qa "^0 virtio_gpudrmfb" "$LOG" || fail "/proc/fb does not list virtio_gpudrmfb"
grep -qa "Console: switching to colour frame buffer device" "$LOG" ||
    fail "the kernel's console did not move onto the GPU"
# The screenshot: decode the PNG (8-bit RGB/RGBA, as rv39 writes it) and count pixels.
python3 - "$WORK/screen.png" >"$WORK/pixels" 2>&1 <<'PY' || fail "screenshot: $(cat "$WORK/pixels")"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, hdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR": hdr = struct.unpack(">IIBBBBB", body)
    if kind == b"IDAT": idat += body
    pos += 12 + n
w, h, depth, ctype = hdr[:4]
assert depth == 8 and ctype in (2, 6), "unexpected PNG type %d/%d" % (depth, ctype)
bpp = 3 if ctype == 2 else 4
raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pred = [0, a, b, (a + b) // 2, a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else (b if abs(p - b) <= abs(p - c) else c)][f]
        line[i] = (line[i] + pred) & 0xFF
    rows.append(line)
    prev = line
light = [sum(1 for x in range(w) if sum(r[x * bpp:x * bpp + 3]) > 300) for r in rows]
top = sum(light[:h // 2])
print("light pixels: %d in the top half, %d in all, of %d" % (top, sum(light), w * h))
assert top > w * h // 200, "no text in the top half"
assert sum(light) < w * h // 2, "mostly light: not a console"
PY
cat "$WORK/pixels"
if [ "$failures" -ne 0 ]; then
    echo "--- last lines of the console:"
    tail -n 30 "$LOG"
    exit 1
fi
echo "gpu.sh: all checks passed"
