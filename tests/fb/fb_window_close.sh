#!/bin/sh
# Closing the SDL window powers the machine off cleanly: under Xvfb, rv39 runs fb_echo.elf
# (which waits for input forever) with a disk attached; the window gets WM_DELETE_WINDOW as
# from a window manager's close button (wm_close); rv39 must then stop the run, say so on
# stderr, write its -screenshot, release the disk and exit 0, within seconds.
#
# Usage: sh fb_window_close.sh RV39 FB_ECHO_ELF FB_CHECK WM_CLOSE
set -u
RV39=${1:?usage: fb_window_close.sh RV39 ELF FB_CHECK WM_CLOSE}
ELF=${2:?}
CHECK=${3:?}
WM_CLOSE=${4:?}
for tool in Xvfb xdotool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "fb_window_close.sh: FAIL: $tool not installed (apt-get install xvfb xdotool)"
        exit 1
    fi
done
if [ "${FB_WINDOW_INNER:-}" != 1 ]; then
    FB_WINDOW_INNER=1 exec sh "$(dirname "$0")/../scripts/xvfb_exec.sh" sh "$0" "$@"
fi

# CI exports SDL_VIDEODRIVER=dummy so nothing finds a display by accident; this test wants
# the real X11 driver on its own Xvfb.
export SDL_VIDEODRIVER=x11
# Under AddressSanitizer: the X and D-Bus libraries SDL loads with dlopen (and unloads in
# SDL_Quit) keep a few allocations LeakSanitizer cannot attribute or suppress by name; rv39's
# own allocations are leak-checked by the headless tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-fbclose.XXXXXX") || exit 1
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
fail() {
    echo "FAIL: $*"
    [ -f "$WORK/out.txt" ] && sed 's/^/  rv39: /' "$WORK/out.txt"
    exit 1
}

dd if=/dev/zero of="$WORK/disk.img" bs=512 count=64 2>/dev/null
timeout 60 "$RV39" -display sdl -bios none -kernel "$ELF" -drive file="$WORK/disk.img" \
    -screenshot "$WORK/out.png" </dev/null >"$WORK/out.txt" 2>&1 &
pid=$!
win=""
for _ in $(seq 1 100); do
    win=$(xdotool search --name '^rv39' 2>/dev/null | head -n 1)
    [ -n "$win" ] && break
    kill -0 "$pid" 2>/dev/null || fail "rv39 exited before opening its window"
    sleep 0.1
done
[ -n "$win" ] || fail "no rv39 window appeared within 10 s"
# The guest prints its title on the UART right after drawing it: close only once the screen
# is drawn (a loaded machine, or a sanitizer build, may take a while to get there).
for _ in $(seq 1 100); do
    grep -q 'rv39 echo: type a line' "$WORK/out.txt" 2>/dev/null && break
    sleep 0.1
done
grep -q 'rv39 echo: type a line' "$WORK/out.txt" || fail "the guest did not start within 10 s"
sleep 0.5 # the prompt is drawn just after the title is printed; the display refreshes at 60 Hz
kill -0 "$pid" 2>/dev/null || fail "rv39 stopped before the window was closed"

"$WM_CLOSE" "$win" || fail "could not send WM_DELETE_WINDOW"
# The run loop checks between slices: it must be gone well within 5 s.
for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "rv39 still runs 5 s after its window was closed"
wait "$pid"
status=$?
pid=""
[ "$status" -eq 0 ] || fail "rv39 exited $status after the window was closed (0 expected)"
grep -q 'window closed' "$WORK/out.txt" || fail "rv39 did not say why it stopped"
# The screenshot is still written, and shows the guest's screen as it was.
"$CHECK" echo "$WORK/out.png" '' || exit 1
echo "ok: closing the window powered the machine off with status 0"
