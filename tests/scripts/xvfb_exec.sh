#!/bin/sh
# xvfb_exec.sh CMD [ARG...]
# Runs CMD with DISPLAY on an X server of its own (Xvfb, 1024x768x24), then stops the server
# and exits with CMD's status. Xvfb chooses a free display number itself and reports it on a
# pipe (-displayfd), so tests running at the same time (ctest -j, or two build trees on one
# machine) never share a server: `xvfb-run -a` picks the number before starting the server,
# and two runs picked the same one (one test's SDL then found "x11 not available", another's
# window vanished under it).
set -u
[ $# -ge 1 ] || { echo "usage: xvfb_exec.sh CMD [ARG...]" >&2; exit 2; }
command -v Xvfb >/dev/null 2>&1 || {
    echo "xvfb_exec.sh: FAIL: Xvfb not installed (apt-get install xvfb)" >&2
    exit 1
}
dir=$(mktemp -d "${TMPDIR:-/tmp}/rv39-xvfb.XXXXXX") || exit 1
mkfifo "$dir/display" || exit 1
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$dir/display" >"$dir/log" 2>&1 &
server=$!
# The read ends when Xvfb writes the number, or with nothing when Xvfb exits first.
read -r number <"$dir/display" || number=
if [ -z "$number" ]; then
    echo "xvfb_exec.sh: FAIL: Xvfb did not start:" >&2
    sed 's/^/  Xvfb: /' "$dir/log" >&2
    rm -rf "$dir"
    exit 1
fi
DISPLAY=:$number "$@"
status=$?
kill "$server" 2>/dev/null
wait "$server" 2>/dev/null
rm -rf "$dir"
exit "$status"
