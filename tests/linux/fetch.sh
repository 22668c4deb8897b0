#!/bin/sh
# fetch.sh CACHE: Debian's riscv64 kernel (linux-image-riscv64, with its modules) and a static
# busybox (busybox-static), from Debian trixie, unpacked into CACHE. Downloads once: a stamp
# file keeps later runs offline.
#
# The packages come through the ordinary Debian client, apt-get download, with a private
# configuration in CACHE/apt (the host's own apt state is not touched): the same mirror as
# the host's Debian sources, suite trixie (the first with an official riscv64 port), the
# architecture riscv64, checked against the Debian archive keyring.
#
# Result: CACHE/Image (the kernel as QEMU's -kernel takes it), CACHE/modules/ (its modules,
# kernel/... as in /usr/lib/modules/VERSION), CACHE/busybox, CACHE/version.
set -eu
CACHE=${1:?usage: fetch.sh CACHE_DIR}
SUITE=trixie
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
[ -f "$CACHE/stamp" ] && exit 0

# The host's Debian mirror, from its deb822 or one-line sources.
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    tr ' ' '\n' | grep -m1 '/debian/*$' || true)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\/debian\/*\)[[:space:]].*/\2/p' \
    /etc/apt/sources.list 2>/dev/null | head -n 1)
if [ -z "$mirror" ]; then
    echo "fetch.sh: FAIL: no Debian mirror in the host's apt sources" >&2
    exit 1
fi

APT="$CACHE/apt"
mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$CACHE/deb"
echo "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $SUITE main" \
    >"$APT/sources.list"
apt_opts="-q -o Dir::Etc::sourcelist=$APT/sources.list -o Dir::Etc::sourceparts=/dev/null
 -o Dir::State=$APT -o Dir::State::status=/dev/null -o Dir::Cache=$APT
 -o APT::Architecture=riscv64 -o APT::Architectures=riscv64 -o APT::Sandbox::User=root"
echo "fetch.sh: package lists for $SUITE/riscv64 ..."
# shellcheck disable=SC2086 # the options are words
apt-get $apt_opts update >"$APT/update.log" 2>&1 || {
    cat "$APT/update.log" >&2
    exit 1
}
# shellcheck disable=SC2086
kernel_pkg=$(apt-cache $apt_opts depends linux-image-riscv64 | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
if [ -z "$kernel_pkg" ]; then
    echo "fetch.sh: FAIL: cannot tell which kernel linux-image-riscv64 depends on" >&2
    exit 1
fi
echo "fetch.sh: downloading $kernel_pkg and busybox-static (riscv64) ..."
# shellcheck disable=SC2086
(cd "$CACHE/deb" && apt-get $apt_opts download "$kernel_pkg" busybox-static) >"$APT/download.log" 2>&1 || {
    cat "$APT/download.log" >&2
    exit 1
}
rm -rf "$CACHE/unpacked"
mkdir -p "$CACHE/unpacked"
for deb in "$CACHE"/deb/*.deb; do
    dpkg-deb -x "$deb" "$CACHE/unpacked"
done
version=${kernel_pkg#linux-image-}
cp "$CACHE/unpacked/boot/vmlinux-$version" "$CACHE/Image"
rm -rf "$CACHE/modules"
cp -a "$CACHE/unpacked/usr/lib/modules/$version" "$CACHE/modules"
cp "$CACHE/unpacked/usr/bin/busybox" "$CACHE/busybox"
echo "$version" >"$CACHE/version"
rm -rf "$CACHE/unpacked" "$CACHE/deb"
touch "$CACHE/stamp"
echo "fetch.sh: kernel $version in $CACHE"
