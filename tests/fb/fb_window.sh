#!/bin/sh
# The SDL window for real: under an Xvfb of its own (tests/scripts/xvfb_exec.sh), rv39 opens
# its window on fb_echo.elf; the test types two lines into the window with xdotool (synthetic
# X key events), the guest echoes what reaches its UART onto the framebuffer, powers off on
# "poweroff", and the screenshot rv39 writes at exit must show both lines in the console font.
# The window title must say the machine is running while it runs.
#
# Usage: sh fb_window.sh RV39 FB_ECHO_ELF FB_CHECK
# Needs Debian's xvfb and xdotool (tests/scripts/deps.sh installs them); fails without them.
set -u
RV39=${1:?usage: fb_window.sh RV39 ELF FB_CHECK}
ELF=${2:?}
CHECK=${3:?}
for tool in Xvfb xdotool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "fb_window.sh: FAIL: $tool not installed (apt-get install xvfb xdotool)"
        exit 1
    fi
done

if [ "${FB_WINDOW_INNER:-}" != 1 ]; then
    # Our own X server (-a: a free display number), so the test never touches a desktop.
    FB_WINDOW_INNER=1 exec sh "$(dirname "$0")/../scripts/xvfb_exec.sh" sh "$0" "$@"
fi

# CI exports SDL_VIDEODRIVER=dummy so nothing finds a display by accident; this test wants
# the real X11 driver on its own Xvfb.
export SDL_VIDEODRIVER=x11
# Under AddressSanitizer: the X and D-Bus libraries SDL loads with dlopen (and unloads in
# SDL_Quit) keep a few allocations LeakSanitizer cannot attribute or suppress by name; rv39's
# own allocations are leak-checked by the headless tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-fbwin.XXXXXX") || exit 1
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
fail() {
    echo "FAIL: $*"
    [ -f "$WORK/out.txt" ] && sed 's/^/  rv39: /' "$WORK/out.txt"
    exit 1
}

# -display sdl: a window or an error, never a silent fall-back to headless.
timeout 60 "$RV39" -display sdl -bios none -kernel "$ELF" -screenshot "$WORK/out.png" \
    </dev/null >"$WORK/out.txt" 2>&1 &
pid=$!

# Wait for the window (its title starts with "rv39").
win=""
for _ in $(seq 1 100); do
    win=$(xdotool search --name '^rv39' 2>/dev/null | head -n 1)
    [ -n "$win" ] && break
    kill -0 "$pid" 2>/dev/null || fail "rv39 exited before opening its window"
    sleep 0.1
done
[ -n "$win" ] || fail "no rv39 window appeared within 10 s"
# The guest draws its title as soon as it starts; give the first frame a moment.
sleep 0.5
title=$(xdotool getwindowname "$win")
case $title in
*running*) echo "ok: window title '$title'" ;;
*) fail "window title '$title' does not say the machine is running" ;;
esac

# No window manager under Xvfb: give the window the keyboard focus ourselves, then type.
xdotool windowfocus --sync "$win" || fail "cannot focus the rv39 window"
xdotool type --delay 30 'hello fb'
xdotool key Return
xdotool type --delay 30 'poweroff'
xdotool key Return

wait "$pid"
status=$?
pid=""
[ "$status" -eq 0 ] || fail "rv39 exited $status (the guest powers off with 0 on 'poweroff')"
grep -q 'hello fb' "$WORK/out.txt" || fail "the typed line did not reach the guest's UART"
"$CHECK" echo "$WORK/out.png" 'hello fb' 'poweroff' || exit 1
echo "ok: keys typed into the window reached the guest and its framebuffer"
