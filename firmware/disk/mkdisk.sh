#!/bin/sh
# mkdisk.sh OUT.img ELF...
# Builds the guest's disk image with Debian tools only: a raw file with an MBR partition table
# (sfdisk), partition 1 an ext2 file system (mke2fs -d) holding the user programs in /bin and
# the data files, partition 2 swap space (type 82), left empty for the kernel's paging.
#
#   sector 0              MBR
#   1 MiB  .. 49 MiB      partition 1, type 83, ext2 with 1 KiB blocks
#   49 MiB .. 4 GiB       partition 2, type 82, swap (4047 MiB: swapdemo's 4x RAM up to 1 GiB)
#
# The file is sparse (the swap space is a hole until pages are written there), so it takes
# a few MiB on the host whatever its size.
#
# 1 KiB blocks make files of modest size reach the indirect blocks: 12 KiB direct, single
# indirect up to 268 KiB, so the 300 KiB /data/big.txt needs the double indirect block too.
set -eu
out=$1
shift
here=$(dirname "$0")
PATH=$PATH:/sbin:/usr/sbin

for tool in sfdisk mke2fs seq dd; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "mkdisk: $tool not found (Debian packages fdisk, e2fsprogs, coreutils:" \
            "tests/scripts/deps.sh installs them)" >&2
        exit 1
    }
done

MIB=1048576
DISK_MIB=4096
FS_START_MIB=1
FS_MIB=48

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
mkdir -p "$root/bin" "$root/data"
cp "$here/files/README.txt" "$root/README.txt"
seq 1 100 >"$root/data/numbers.txt"
seq -f 'line %06g' 0 25599 >"$root/data/big.txt"
# 8192 dots; fstest overwrites a stretch that crosses a block boundary.
i=0
: >"$root/data/scratch.txt"
while [ $i -lt 128 ]; do
    printf '%s' '................................................................' \
        >>"$root/data/scratch.txt"
    i=$((i + 1))
done
# 1024 pseudo-random 32-bit integers (4096 bytes) for mmapsort: the ZX81's generator
# x -> (75x + 74) mod 65537 keeps awk's arithmetic exact, so every build is the same.
# awk writes octal escapes and printf turns them into bytes (no locale is involved).
printf "$(awk 'BEGIN { x = 2024; for (i = 0; i < 4096; i++) { x = (75 * x + 74) % 65537; printf "\\%03o", x % 256 } }')" >"$root/input.bin"
for elf in "$@"; do
    name=$(basename "$elf" .elf)
    cp "$elf" "$root/bin/$name"
done

# The file system on its own first, then copied into place behind the partition table.
fs=$work/fs.img
mke2fs -q -F -U 72763339-0000-4000-8000-000000000001 -E hash_seed=72763339-0000-4000-8000-000000000002,root_owner=0:0 -t ext2 -b 1024 -L rv39 -d "$root" "$fs" $((FS_MIB * 1024)) >/dev/null

tmp=$out.tmp
rm -f "$tmp"
dd if=/dev/zero of="$tmp" bs=$MIB count=0 seek=$DISK_MIB status=none
sfdisk --quiet "$tmp" <<TABLE
label: dos
label-id: 0x72763339
unit: sectors
start=$((FS_START_MIB * 2048)), size=$((FS_MIB * 2048)), type=83
start=$(((FS_START_MIB + FS_MIB) * 2048)), type=82
TABLE
dd if="$fs" of="$tmp" bs=$MIB seek=$FS_START_MIB conv=notrunc status=none
mv "$tmp" "$out"
