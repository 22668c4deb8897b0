#!/bin/sh
# check_quit.sh DISK_IMG PTY_RUN RV39 ARG...
# C-a x flushes the disks (issue 16, QEMU's "exit emulator (disks are flushed)"): our kernel's
# shell on a pseudo-terminal (tests/debugger/pty_run.py) with a copy of the demo disk runs
# fstest, which writes its message into /data/scratch.txt; then C-a x, typed as a user would,
# ends rv39 (status 0, terminal restored); from the host, debugfs finds the message in the
# image.
set -u
image=$1
pty_run=$2
shift 2
. "$(dirname "$0")/disk_boot.sh"
disk_boot_setup "$image"
transcript=$work/transcript
python3 "$pty_run" "$transcript" "expect:$ " "send:fstest\r" "expect:fstest: all " \
    "expect:$ " "send:\x01x" -- "$@" -nographic --drive "file=$disk"
tr -d '\r' <"$transcript" >"$out"
cat "$out"
has '^fstest: all [0-9]+ checks passed$' "fstest ran and wrote"
has '^rv39: terminated \(C-a x\)$' "C-a x ends rv39 and says so"
has '^== exit 0$' "C-a x exits with status 0"
has '^== terminal restored$' "the terminal is restored"
debugfs -R 'cat /data/scratch.txt' "$fs" >"$work/scratch" 2>/dev/null ||
    fail "debugfs cannot read /data/scratch.txt from the image"
if grep -q "written by fstest across a block boundary" "$work/scratch"; then
    echo "host: the image holds fstest's write after C-a x"
else
    fail "fstest's write is not in the image after C-a x"
fi
fs_clean
verdict
