#!/bin/sh
# expect_status.sh STATUS COMMAND [ARG...]
# Runs COMMAND with no stdin under a time limit (RV39_TEST_TIMEOUT seconds, default 60) and
# passes when it exits with exactly STATUS; a hang fails rather than blocking ctest.
expected=$1
shift
timeout "${RV39_TEST_TIMEOUT:-60}" "$@" </dev/null
status=$?
if [ "$status" -eq 124 ]; then
    echo "FAIL: timed out after ${RV39_TEST_TIMEOUT:-60} s: $*" >&2
    exit 1
fi
if [ "$status" -ne "$expected" ]; then
    echo "FAIL: exit status $status, expected $expected: $*" >&2
    exit 1
fi
exit 0
