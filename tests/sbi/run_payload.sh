#!/bin/sh
# run_payload.sh COMMAND [ARG...]
# Boots the SBI test payload with COMMAND (an emulator with a firmware and the payload) and
# passes when it exits 0 AND printed "payload: all SBI checks passed": some firmwares
# (OpenSBI) power off with status 0 even when the payload reports a failure, so the line is
# the proof. RV39_TEST_TIMEOUT (default 60) bounds the run.
set -u
limit=${RV39_TEST_TIMEOUT:-60}
out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM

timeout -k 5 "$limit" "$@" </dev/null >"$out" 2>&1
status=$?
tr -d '\r' <"$out"
if [ "$status" -ne 0 ]; then
    echo "FAIL: exit status $status (124 = timed out after $limit s): $*" >&2
    exit 1
fi
if ! tr -d '\r' <"$out" | grep -qx 'payload: all SBI checks passed'; then
    echo "FAIL: no 'payload: all SBI checks passed' line: $*" >&2
    exit 1
fi
exit 0
