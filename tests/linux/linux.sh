#!/bin/sh
# linux.sh RV39 CACHE [PERFCOUNT]: Debian's riscv64 kernel with a busybox initramfs on rv39 with its own
# firmware, on rv39 with Debian's OpenSBI (fw_jump), and on QEMU, all with QEMU's command line
# (tests/linux/boot.sh says what each run must show). Ends with the boot-to-shell times and
# rv39's ratio to QEMU (below 1: rv39 faster). Downloads are cached in CACHE (fetch.sh).
# PERFCOUNT (tests/linux/perfcount.c, built by CMake) goes into the initramfs: on rv39 it must
# count, through Linux's perf and the firmware's SBI PMU, a page fault for each page it touches.
set -u
RV39=${1:?usage: linux.sh RV39 CACHE}
CACHE=${2:?usage: linux.sh RV39 CACHE [PERFCOUNT]}
PERFCOUNT=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-riscv64}
OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin

sh "$HERE/fetch.sh" "$CACHE" || exit 1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-linux.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
EXTRA_PROGRAMS=$PERFCOUNT sh "$HERE/initramfs.sh" "$CACHE" "$WORK/initrd.gz" || exit 1

# An ext4 disk with a token no earlier run could have left.
mkdir -p "$WORK/disk"
echo "rv39-token-$$-$(date +%s)" >"$WORK/token.txt"
cp "$WORK/token.txt" "$WORK/disk/token.txt"
truncate -s 32M "$WORK/disk.img"
mkfs.ext4 -q -F -d "$WORK/disk" "$WORK/disk.img" || exit 1

qemu_line() { # the same words for both emulators
    echo "-M virt -m 512M -nographic -kernel $CACHE/Image -initrd $WORK/initrd.gz"
}
failures=0
run() { # NAME MMU PMU EMULATOR [ARG...]
    name=$1
    mmu=$2
    pmu=$3
    shift 3
    cp "$WORK/disk.img" "$WORK/$name.img"
    # shellcheck disable=SC2046 # qemu_line's words
    MMU=$mmu PMU=$pmu PERFCOUNT=${PERFCOUNT:+yes} sh "$HERE/boot.sh" "$name" "$WORK" "$@" $(qemu_line) -append "console=ttyS0" \
        -drive "file=$WORK/$name.img,format=raw,id=hd0" -device virtio-blk-device,drive=hd0 \
        >"$WORK/$name.result" 2>&1
    status=$?
    cat "$WORK/$name.result"
    [ "$status" -eq 0 ] || failures=$((failures + 1))
    # e2fsck on the host: the guest's mount and unmount left a clean file system.
    e2fsck -fn "$WORK/$name.img" >"$WORK/$name.fsck" 2>&1 ||
        { echo "FAIL: $name: e2fsck finds the disk damaged"; failures=$((failures + 1)); }
}
# PMU: rv39 = the counts must be rv39's (its firmware's SBI PMU); any = perfcount must run.
# rv39's hart has every mode, so Linux takes Sv57 as on QEMU 7.2 (whose hart offers it too);
# -cpu rv64,mmu=sv39 keeps a learner's hart (and Linux) in Sv39.
run rv39 sv57 rv39 "$RV39"
run rv39-opensbi sv39 any "$RV39" -bios "$OPENSBI" -cpu rv64,mmu=sv39
run qemu sv57 any "$QEMU"

shell_time() { sed -n "s/^$1: shell after \([0-9.]*\) s$/\1/p" "$WORK/$1.result"; }
r=$(shell_time rv39)
q=$(shell_time qemu)
if [ -n "$r" ] && [ -n "$q" ]; then
    echo "Linux boot to a shell: rv39 $r s, QEMU $q s, ratio $(echo "scale=2; $r / $q" | bc)"
fi
if [ "$failures" -ne 0 ]; then
    echo "linux.sh: $failures failure(s)"
    exit 1
fi
echo "linux.sh: all checks passed"
