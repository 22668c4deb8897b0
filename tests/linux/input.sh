#!/bin/sh
# input.sh RV39 CACHE: Debian's riscv64 kernel on rv39 with a window (under Xvfb), a virtio
# keyboard, a virtio tablet and virtio-gpu (-device virtio-keyboard-device -device
# virtio-tablet-device -device virtio-gpu-device; -global virtio-mmio.force-legacy=false as on
# QEMU: Linux's virtio_input and virtio_gpu refuse a legacy device), and the busybox initramfs
# with Debian's virtio_input, evdev and virtio_gpu modules. The test drives the window with
# xdotool (keys typed into it go to the virtio keyboard only, not to the serial line) and the
# serial console with a pipe:
#   - Linux names the devices "rv39 virtio keyboard" and "rv39 virtio tablet";
#   - reading the two /dev/input/event devices while F5 is pressed and the window clicked:
#     the keyboard delivers EV_KEY KEY_F5 pressed (1) and released (0), the tablet EV_ABS
#     ABS_X / ABS_Y and EV_KEY BTN_LEFT pressed;
#   - a shell on the Linux console tty1 (shown through virtio-gpu) runs a command line typed
#     into the window: `echo $((6*7))-typed > /tmp/typed` (shifted keys included) leaves
#     "42-typed" in the file.
# Needs xvfb and xdotool (tests/scripts/deps.sh).
set -u
RV39=${1:?usage: input.sh RV39 CACHE}
CACHE=${2:?usage: input.sh RV39 CACHE}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/linux/console.sh
. "$HERE/console.sh" # console_start, wait_for, console_wait
for tool in Xvfb xdotool; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "input.sh: FAIL: $tool not installed (apt-get install xvfb xdotool)"
        exit 1
    }
done
if [ "${INPUT_INNER:-}" != 1 ]; then
    sh "$HERE/fetch.sh" "$CACHE" || exit 1
    INPUT_INNER=1 exec sh "$(dirname "$0")/../scripts/xvfb_exec.sh" sh "$0" "$@"
fi
export SDL_VIDEODRIVER=x11
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # as tests/fb/fb_window.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-input.XXXXXX") || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
sh "$HERE/initramfs.sh" "$CACHE" "$WORK/initrd.gz" virtio_mmio virtio_input evdev virtio_gpu ||
    exit 1

LOG="$WORK/input.log"
failures=0
fail() {
    echo "FAIL: input: $*"
    failures=$((failures + 1))
}
console_start "$LOG" "$RV39" -M virt -m 512M -display sdl -kernel "$CACHE/Image" -initrd "$WORK/initrd.gz" \
    -append "console=tty0 console=ttyS0" -device virtio-keyboard-device \
    -device virtio-tablet-device -device virtio-gpu-device -global virtio-mmio.force-legacy=false
pid=$console_pid

win=
for _ in $(seq 1 100); do
    win=$(xdotool search --name '^rv39' 2>/dev/null | head -n 1)
    [ -n "$win" ] && break
    sleep 0.1
done
[ -n "$win" ] || fail "no rv39 window"

if [ -n "$win" ] && wait_for "initramfs: ready" 300 && wait_for "# " 30; then
    # Which event device is which, then both read in the background into files.
    printf 'for e in /sys/class/input/event*; do echo "dev ${e##*/} $(cat $e/device/name)"; done; echo list-$((1+1))\n' >&3
    wait_for "list-2" 30 || fail "no input devices listed"
    kbd=$(sed -n 's/^dev \(event[0-9]*\) rv39 virtio keyboard.*/\1/p' "$LOG" | tr -d '\r' | head -n 1)
    tab=$(sed -n 's/^dev \(event[0-9]*\) rv39 virtio tablet.*/\1/p' "$LOG" | tr -d '\r' | head -n 1)
    [ -n "$kbd" ] || fail "no event device named 'rv39 virtio keyboard'"
    [ -n "$tab" ] || fail "no event device named 'rv39 virtio tablet'"
    if [ -n "$kbd" ] && [ -n "$tab" ]; then
        # cat, not od: od's buffered output would die unwritten with it.
        printf 'cat /dev/input/%s > /tmp/kbd & k=$!; cat /dev/input/%s > /tmp/tab & t=$!; sleep 1; echo reading-$((2+1))\n' \
            "$kbd" "$tab" >&3
        wait_for "reading-3" 30 || fail "the readers did not start"
        xdotool windowfocus --sync "$win" || fail "cannot focus the rv39 window"
        xdotool key F5
        xdotool mousemove --window "$win" 200 150 click 1
        sleep 2
        printf 'kill $k $t; od -An -tx1 -w24 -v /tmp/kbd | sed "s/^/kbd:/"; od -An -tx1 -w24 -v /tmp/tab | sed "s/^/tab:/"; echo events-$((3+1))\n' >&3
        wait_for "events-4" 30 || fail "the events were not printed"
    fi
    # A shell on tty1, the console the virtio keyboard types into.
    printf 'setsid sh -c "exec sh <>/dev/tty1 >&0 2>&1" & sleep 2; echo tty-$((4+1))\n' >&3
    wait_for "tty-5" 30 || fail "no shell on tty1"
    xdotool windowfocus --sync "$win" || fail "cannot focus the rv39 window"
    xdotool type --delay 60 'echo $((6*7))-typed > /tmp/typed'
    xdotool key Return
    sleep 2
    printf 'cat /tmp/typed; echo typed-$((5+1))\n' >&3
    wait_for "typed-6" 30 || fail "the serial shell did not answer"
    printf 'poweroff -f\n' >&3
else
    fail "no shell"
fi

console_wait 60
status=$?
[ -z "$console_killed" ] || fail "still running after poweroff"
pid=
[ "$status" -eq 0 ] || fail "exit status $status after poweroff -f, expected 0"
# struct input_event on riscv64: 16 bytes of time, le16 type, le16 code, le32 value.
ev() { grep -a "^$1:" "$LOG" | tr -d '\r' | grep -q " $2\$"; }
ev kbd "01 00 3f 00 01 00 00 00" || fail "no KEY_F5 press from the keyboard"
ev kbd "01 00 3f 00 00 00 00 00" || fail "no KEY_F5 release from the keyboard"
ev tab "01 00 10 01 01 00 00 00" || fail "no BTN_LEFT press from the tablet"
grep -a "^tab:" "$LOG" | tr -d '\r' | grep -q " 03 00 00 00 .. .. 00 00\$" || fail "no ABS_X from the tablet"
grep -a "^tab:" "$LOG" | tr -d '\r' | grep -q " 03 00 01 00 .. .. 00 00\$" || fail "no ABS_Y from the tablet"
grep -qa "^42-typed" "$LOG" || fail "the line typed into the window did not run in tty1's shell"
if [ "$failures" -ne 0 ]; then
    echo "--- last lines of the console:"
    tail -n 40 "$LOG"
    exit 1
fi
echo "input.sh: all checks passed"
