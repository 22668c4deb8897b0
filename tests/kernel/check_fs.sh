#!/bin/sh
# check_fs.sh DISK_IMG COMMAND [ARG...]
# Boots our kernel with a copy of the build's disk image (firmware/disk, build/firmware/
# disk.img) and init=/bin/fstest on its command line, so the first process is the file
# system test from the disk. In COMMAND's arguments @DISK@ stands for the copy's path.
# Then checks, from the guest's output and from the host (e2fsprogs on the copy):
#   - the kernel found the disk, partition 1's ext2 and partition 2's swap
#   - fstest ran from the disk, every one of its checks passed, it exited 0 and no frame
#     leaked; the programs it loaded from the disk ran (hello, cat /README.txt)
#   - the bytes fstest wrote into /data/scratch.txt are in the image, the rest of the file
#     is untouched, and the file system is still consistent (e2fsck -fn)
# Each broken rule prints one "FAIL:" line; any of them fails the test.
set -u
image=$1
shift
. "$(dirname "$0")/disk_boot.sh"
disk_boot_setup "$image"
disk_boot "$@"
has '^disk: virtio-blk at 0x10001000 \((legacy|modern)\), 8388608 sectors \(4096 MiB\)$' "the disk is found in slot 0"
has '^fs: partition 1: type 0x83, sectors 2048\.\.100351$' "the MBR's partition 1"
has '^ext2: 49152 blocks of 1024 bytes' "partition 1 mounts as ext2"
has '^swap: partition 2, 4144128 KiB \(1036032 pages\), sectors 100352..8388607$' "partition 2 is swap, all of it"
has '^kernel: starting /bin/fstest$' "init=/bin/fstest starts fstest from the disk"
has '^fstest: numbers.txt: 100 lines, sum 5050$' "fstest reads numbers.txt"
has '^fstest: big.txt: 307200 bytes, 0 wrong' "fstest reads big.txt through its indirect blocks"
has '^hello: hello from pid [0-9]+$' "hello runs from /bin/hello"
has '^fstest: ran "/bin/hello": pid [0-9]+, status 0$' "spawn by path"
has '^Partition 2 is swap space, empty for now\.$' "cat prints /README.txt"
has '^fstest: ran "cat /README.txt": pid [0-9]+, status 0$' "spawn of a disk-only program with arguments"
has '^fstest: all [0-9]+ checks passed$' "every fstest check passes"
has '^kernel: all [0-9]+ frames free again, nothing leaked$' "every frame is freed again"
. "$(dirname "$0")/frame_sums.sh"
frame_sums
grep -q "fstest: FAIL" "$out" && fail "fstest reported failures"

# From the host: the write reached the image, and only where fstest put it.
debugfs -R 'cat /data/scratch.txt' "$fs" >"$work/scratch" 2>/dev/null ||
    fail "debugfs cannot read /data/scratch.txt from the image"
message="written by fstest across a block boundary"
{
    head -c 1000 /dev/zero | tr '\0' '.'
    printf '%s' "$message"
    head -c $((8192 - 1000 - ${#message})) /dev/zero | tr '\0' '.'
} >"$work/expected"
if cmp -s "$work/scratch" "$work/expected"; then
    echo "host: /data/scratch.txt holds fstest's write at offset 1000 and dots elsewhere"
else
    fail "/data/scratch.txt in the image is not 1000 dots, fstest's message, dots to 8192 bytes"
    head -c 1100 "$work/scratch" | tail -c 140
    echo
fi
fs_clean

verdict
