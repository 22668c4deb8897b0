#!/bin/sh
# fb_text.elf draws text into the framebuffer it finds in the device tree; rv39 runs it
# headless and writes a screenshot, which fb_check compares with the console font. Twice: the
# default 800x600, and 640x480 from -fb (the guest must take the geometry from the tree).
#
# Usage: sh fb_text.sh RV39 FB_TEXT_ELF FB_CHECK
set -u
RV39=${1:?usage: fb_text.sh RV39 ELF FB_CHECK}
ELF=${2:?}
CHECK=${3:?}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-fb.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
failures=0

check_geometry() { # [WIDTH HEIGHT]
    fb=""
    [ $# -eq 2 ] && fb="-fb ${1}x${2}"
    # shellcheck disable=SC2086 # $fb is zero or two words
    timeout 60 "$RV39" -nographic $fb -bios none -kernel "$ELF" -screenshot "$WORK/out.png" \
        >"$WORK/out.txt" 2>&1
    status=$?
    if [ "$status" -ne 0 ]; then
        echo "FAIL: rv39 $fb exited $status (guest status 0 expected):"
        cat "$WORK/out.txt"
        failures=$((failures + 1))
        return
    fi
    if ! "$CHECK" text "$WORK/out.png" "$@"; then
        failures=$((failures + 1))
        return
    fi
    echo "ok: ${1:-800}x${2:-600}: $(grep -v '^~' "$WORK/out.txt" | tr '\n' ' ')"
}

check_geometry
check_geometry 640 480
[ "$failures" -eq 0 ] || exit 1
