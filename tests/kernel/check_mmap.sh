#!/bin/sh
# check_mmap.sh mmapsort|isolate DISK_IMG COMMAND [ARG...]
# Boots our kernel with a copy of the build's disk image, the program named first as init
# (COMMAND must carry init=/bin/PROGRAM), @DISK@ in COMMAND standing for the copy's path.
# Then checks the guest's output and, from the host with debugfs, the file it wrote through
# a MAP_SHARED mapping (firmware/kernel/mmap.c):
#   mmapsort  /input.bin in the image is sorted ascending and a permutation of the original
#   isolate   writer and reader talked through the shared page of /data/scratch.txt, wild
#             was killed for its store outside every mapping, both messages reached the file
# Both: exit status 0, no panic, every frame freed again. Each broken rule prints "FAIL:".
set -u
mode=$1
image=$2
shift 2
. "$(dirname "$0")/disk_boot.sh"
disk_boot_setup "$image"
disk_boot "$@"
grep -q "FAIL" "$out" && fail "the guest program reported a failure"
has "^kernel: starting /bin/$mode\$" "init=/bin/$mode starts $mode from the disk"
has '^kernel: all [0-9]+ frames free again, nothing leaked$' "every frame (page cache too) is freed again"
. "$(dirname "$0")/frame_sums.sh"
frame_sums

case "$mode" in
mmapsort)
    has '^mmapsort: sorted 1024 integers$' "mmapsort sorts the 1024 integers"
    debugfs -R "dump /input.bin $work/before" "$image?offset=1048576" 2>/dev/null
    debugfs -R "dump /input.bin $work/after" "$fs" 2>/dev/null
    od -An -v -tu4 -w4 "$work/before" | tr -d ' ' >"$work/before.txt"
    od -An -v -tu4 -w4 "$work/after" | tr -d ' ' >"$work/after.txt"
    [ "$(wc -l <"$work/after.txt")" -eq 1024 ] || fail "/input.bin in the image does not hold 1024 integers"
    if sort -n -c "$work/after.txt" 2>/dev/null; then
        echo "host: /input.bin is sorted ascending"
    else
        fail "/input.bin in the image is not sorted ascending (msync/munmap wrote nothing back?)"
    fi
    sort -n "$work/before.txt" >"$work/expected.txt"
    if cmp -s "$work/expected.txt" "$work/after.txt"; then
        echo "host: /input.bin is a permutation of the original"
    else
        fail "/input.bin in the image is not the original numbers, sorted"
    fi
    cmp -s "$work/before.txt" "$work/after.txt" && fail "/input.bin did not change"
    # The guest's before-and-after lines show the first numbers of the file as the host reads
    # them before the run, then sorted in the mapping, then read back after munmap.
    shown() { sed -n "s/^mmapsort: $1 *\([0-9 ]*\) \.\.\.\$/\1/p" "$out"; }
    first5() { head -n 5 "$1" | tr '\n' ' ' | sed 's/ $//'; }
    has '^mmapsort: 1024 integers in /input.bin, mapped MAP_SHARED' "mmapsort says what it does"
    [ "$(shown 'before (the file.s order):')" = "$(first5 "$work/before.txt")" ] ||
        fail "mmapsort's before line is not the start of the original file"
    [ "$(shown 'after sorting in the mapping:')" = "$(first5 "$work/after.txt")" ] ||
        fail "mmapsort's after line is not the start of the sorted file"
    [ "$(shown 'read back (a new private map):')" = "$(first5 "$work/after.txt")" ] ||
        fail "mmapsort's read-back line is not the start of the sorted file"
    ;;
isolate)
    has '^isolate reader: got "ping from the writer"$' "the reader sees the writer's message"
    has '^isolate writer: got "pong from the reader"$' "the writer sees the reader's answer"
    has '^pid [0-9]+ killed: store page fault at 0x[0-9a-f]+ ' "wild is killed for its store"
    has '^isolate: wild \(pid [0-9]+\) exited with status -1$' "wild's status is EXIT_KILLED"
    has '^isolate: reader \(pid [0-9]+\) exited with status 0$' "the reader completes"
    has '^isolate: writer \(pid [0-9]+\) exited with status 0$' "the writer completes"
    has '^isolate: writer and reader talked, wild was killed alone$' "isolate's summary"
    debugfs -R 'cat /data/scratch.txt' "$fs" >"$work/scratch" 2>/dev/null ||
        fail "debugfs cannot read /data/scratch.txt from the image"
    # Both processes' stores reached the file: the flag, the message at 16, the answer at 64.
    [ "$(head -c 1 "$work/scratch")" = A ] || fail "the flag byte 'A' is not in the file"
    [ "$(dd if="$work/scratch" bs=1 skip=16 count=20 status=none)" = "ping from the writer" ] ||
        fail "the writer's message is not at offset 16 of /data/scratch.txt"
    [ "$(dd if="$work/scratch" bs=1 skip=64 count=20 status=none)" = "pong from the reader" ] ||
        fail "the reader's answer is not at offset 64 of /data/scratch.txt"
    [ "$(wc -c <"$work/scratch")" -eq 8192 ] || fail "/data/scratch.txt changed size"
    ;;
*) fail "unknown mode $mode" ;;
esac
fs_clean

verdict
