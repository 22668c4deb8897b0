#!/bin/sh
# fb_echo.elf echoes the UART onto the framebuffer; here the bytes come from stdin (the
# -nographic console), as a terminal sends them (Enter = CR). The screenshot must show the
# lines behind the prompt, and the UART must have echoed them back.
#
# Usage: sh fb_echo_stdin.sh RV39 FB_ECHO_ELF FB_CHECK
set -u
RV39=${1:?usage: fb_echo_stdin.sh RV39 ELF FB_CHECK}
ELF=${2:?}
CHECK=${3:?}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-fb.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

printf 'hello fb\rtypo\177\177\177\177ls -l /\rpoweroff\r' |
    timeout 60 "$RV39" -nographic -bios none -kernel "$ELF" -screenshot "$WORK/out.png" \
        >"$WORK/out.txt" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
    echo "FAIL: rv39 exited $status (guest status 0 expected):"
    cat "$WORK/out.txt"
    exit 1
fi
if ! grep -q 'hello fb' "$WORK/out.txt"; then
    echo "FAIL: the guest did not echo 'hello fb' on the UART:"
    cat "$WORK/out.txt"
    exit 1
fi
"$CHECK" echo "$WORK/out.png" 'hello fb' 'ls -l /' 'poweroff'
