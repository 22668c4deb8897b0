#!/bin/sh
# rootfs.sh CACHE: a Debian trixie riscv64 root file system on an ext4 disk image,
# CACHE/debian.img, that boots to systemd's login prompt with the kernel fetch.sh left in
# CACHE (tests/linux/debian.sh boots it; the README's "Booting Linux" shows the commands).
#
# Made by mmdebstrap, Debian's own bootstrapper, with Debian's packages only: the "minbase"
# variant plus systemd (as init), udev, procps, iproute2, less and linux-perf (perf stat
# reads rv39's MMU counters through the SBI PMU). The packages' maintainer scripts are riscv64
# programs: they run on this host under qemu-user-static through binfmt_misc (registered
# here from the package's own /usr/lib/binfmt.d entry when the host has not done so). Then:
#   - the kernel's modules go to /usr/lib/modules/VERSION (udev loads what the board needs);
#   - root logs in without a password on the console (a test image, not a server);
#   - /etc/fstab mounts /dev/vda as /, the host name is rv39.
# The image is made once: CACHE/debian.stamp keeps later runs offline.
set -eu
CACHE=${1:?usage: rootfs.sh CACHE_DIR}
SUITE=trixie
SIZE=${ROOTFS_SIZE:-2G}
HERE=$(cd "$(dirname "$0")" && pwd)
PATH=$PATH:/usr/sbin:/sbin # depmod, mkfs.ext4
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
[ -f "$CACHE/debian.stamp" ] && exit 0
sh "$HERE/fetch.sh" "$CACHE"
version=$(cat "$CACHE/version")

for tool in mmdebstrap arch-test mkfs.ext4 depmod /usr/libexec/qemu-binfmt/riscv64-binfmt-P; do
    command -v "$tool" >/dev/null || {
        echo "rootfs.sh: FAIL: $tool is not installed (tests/scripts/deps.sh installs it)" >&2
        exit 1
    }
done
if ! arch-test riscv64 >/dev/null 2>&1; then
    # binfmt_misc: mounted by systemd on a booted host, perhaps not in a container.
    [ -e /proc/sys/fs/binfmt_misc/register ] ||
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
    if [ -w /proc/sys/fs/binfmt_misc/register ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-riscv64 ]; then
        cat /usr/lib/binfmt.d/qemu-riscv64.conf >/proc/sys/fs/binfmt_misc/register || true
    fi
    arch-test riscv64 >/dev/null 2>&1 || {
        echo "rootfs.sh: FAIL: this host cannot run riscv64 programs through binfmt_misc + qemu-user-static (needed for the packages' maintainer scripts)" >&2
        exit 1
    }
fi

# The same mirror as fetch.sh (the host's own Debian mirror).
mirror=$(sed -n 's/^deb \[[^]]*\] \([^ ]*\) .*/\1/p' "$CACHE/apt/sources.list")
ROOT="$CACHE/debian-root"
rm -rf "$ROOT" "$CACHE/debian.img"
echo "rootfs.sh: mmdebstrap $SUITE/riscv64 into $ROOT (a few minutes: maintainer scripts run under qemu-user) ..."
mmdebstrap --arch=riscv64 --variant=minbase \
    --include=systemd-sysv,udev,procps,iproute2,less,linux-perf \
    --customize-hook='echo rv39 >"$1/etc/hostname"' \
    --customize-hook='printf "127.0.0.1 localhost\n127.0.1.1 rv39\n" >"$1/etc/hosts"' \
    --customize-hook='printf "/dev/vda / ext4 rw,errors=remount-ro 0 1\n" >"$1/etc/fstab"' \
    --customize-hook='sed -i "s/^root:[^:]*:/root::/" "$1/etc/shadow"' \
    --customize-hook='rm -f "$1"/etc/machine-id; : >"$1"/etc/machine-id' \
    "$SUITE" "$ROOT" \
    "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $SUITE main" \
    >"$CACHE/mmdebstrap.log" 2>&1 || {
    tail -n 40 "$CACHE/mmdebstrap.log" >&2
    echo "rootfs.sh: FAIL: mmdebstrap (log: $CACHE/mmdebstrap.log)" >&2
    exit 1
}
mkdir -p "$ROOT/usr/lib/modules"
cp -a "$CACHE/modules" "$ROOT/usr/lib/modules/$version"
depmod -b "$ROOT" "$version"
truncate -s "$SIZE" "$CACHE/debian.img"
mkfs.ext4 -q -F -L debian -d "$ROOT" "$CACHE/debian.img"
rm -rf "$ROOT"
touch "$CACHE/debian.stamp"
echo "rootfs.sh: $CACHE/debian.img (Debian $SUITE riscv64, kernel modules $version)"
