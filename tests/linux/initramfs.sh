#!/bin/sh
# initramfs.sh CACHE OUT.gz [MODULE...]: a gzip'd cpio (newc) initramfs for the kernel that
# fetch.sh left in CACHE: Debian's static busybox, the named modules with everything they
# depend on (read from each module's own "depends=" field, modinfo's source; Debian builds
# virtio-mmio, virtio-blk and ext4 as modules, so a root on a virtio disk needs them), and an
# /init that mounts /proc, /sys and /dev, loads the modules in dependency order, says
# "initramfs: ready" and runs a shell on the console, or, given root=DEV on the kernel command
# line, mounts DEV and runs its init (a Debian root file system: tests/linux/rootfs.sh).
# EXTRA_PROGRAMS (environment): more programs to put in /bin (e.g. perfcount).
# Default modules: virtio_mmio virtio_blk crc32c_generic ext4 (ext4 asks the crypto API for
# crc32c when it mounts, which no "depends=" names).
set -eu
CACHE=${1:?usage: initramfs.sh CACHE OUT.gz [MODULE...]}
OUT=${2:?usage: initramfs.sh CACHE OUT.gz [MODULE...]}
shift 2
[ $# -gt 0 ] || set -- virtio_mmio virtio_blk crc32c_generic ext4
for tool in cpio xz gzip; do
    command -v "$tool" >/dev/null || {
        echo "initramfs.sh: FAIL: $tool is not installed (make test installs it)" >&2
        exit 1
    }
done

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/rv39-initramfs.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/bin" "$ROOT/dev" "$ROOT/proc" "$ROOT/sys" "$ROOT/mnt" "$ROOT/lib/modules" "$ROOT/tmp"
cp "$CACHE/busybox" "$ROOT/bin/busybox"
for program in ${EXTRA_PROGRAMS:-}; do
    cp "$program" "$ROOT/bin/"
done

module_file() { # NAME -> path of its .ko(.xz) under CACHE/modules ("_" and "-" are one)
    alt=$(echo "$1" | tr _ -)
    find "$CACHE/modules" \( -name "$1.ko*" -o -name "$alt.ko*" \) | head -n 1
}
module_bytes() { # FILE -> the ELF, uncompressed
    case $1 in
    *.xz) xz -dc "$1" ;;
    *) cat "$1" ;;
    esac
}
order=""
add_module() { # NAME: its dependencies first, then itself, each once
    case " $order " in *" $1 "*) return 0 ;; esac
    file=$(module_file "$1")
    if [ -z "$file" ]; then
        echo "initramfs.sh: FAIL: module $1 is not in $CACHE/modules" >&2
        exit 1
    fi
    deps=$(module_bytes "$file" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1 | tr , ' ')
    for dep in $deps; do
        add_module "$dep"
    done
    case " $order " in *" $1 "*) return 0 ;; esac
    module_bytes "$(module_file "$1")" >"$ROOT/lib/modules/$1.ko"
    order="$order $1"
}
for m in "$@"; do
    add_module "$m"
done

cat >"$ROOT/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in$order; do
    insmod /lib/modules/\$m.ko || echo "initramfs: insmod \$m failed"
done
echo "initramfs: ready"
# root=DEV on the kernel command line (as Debian's own initramfs reads it): mount DEV (ext4;
# read-only unless "rw" is given, as the kernel's own default) and hand over to its init
# (init=PATH, else /sbin/init) as PID 1. Without root= the shell runs here.
root=; mode=ro; init=/sbin/init
for word in \$(cat /proc/cmdline); do
    case \$word in
    root=*) root=\${word#root=} ;;
    rw) mode=rw ;;
    init=*) init=\${word#init=} ;;
    esac
done
if [ -n "\$root" ]; then
    if mount -t ext4 -o "\$mode" "\$root" /mnt; then
        for fs in dev proc sys; do mount --move /\$fs /mnt/\$fs; done
        echo "initramfs: switching to \$root (\$mode), \$init"
        exec switch_root /mnt "\$init"
    fi
    echo "initramfs: cannot mount root=\$root; a shell instead"
fi
exec sh
INIT
chmod +x "$ROOT/init"
(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --owner 0:0 --quiet) | gzip -9 >"$OUT"
echo "initramfs.sh: $OUT (modules:$order)"
