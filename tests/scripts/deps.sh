#!/bin/sh
# deps.sh: make sure the Debian packages rv39 builds and tests with are installed.
# As root, installs what is missing; otherwise prints the command to run and fails.
set -eu

PACKAGES="libsdl2-dev libelf-dev libcriterion-dev libfdt-dev gcc-riscv64-unknown-elf
e2fsprogs fdisk qemu-system-misc gdb-multiarch cmake pkg-config device-tree-compiler libedit-dev
opensbi u-boot-qemu libpng-dev console-setup-linux xvfb xauth xdotool time gnuplot-nox
clang libclang-rt-14-dev cpio bc python3 xz-utils mmdebstrap arch-test qemu-user-static kmod
libslirp-dev"

missing=""
for p in $PACKAGES; do
    # "install ok installed" only when fully installed; absent packages make dpkg-query fail.
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *"ok installed") ;;
    *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing:$missing"
    apt-get update
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
else
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
