#!/bin/sh
# smp.sh RV39 CACHE: Debian's riscv64 kernel with the busybox initramfs (the one linux.sh
# boots, from the same cache) on 4 harts, QEMU's command line plus -smp 4: on rv39 with its own
# firmware (HSM brings up the other harts; harts on host threads, and in turn on one with
# -accel tcg,thread=single), on rv39 with Debian's OpenSBI (fw_jump) and on QEMU. Each must
# reach the shell with nproc saying 4 and all four harts in /proc/cpuinfo, then power off
# with exit status 0. Ends with the boot-to-shell times.
set -u
RV39=${1:?usage: smp.sh RV39 CACHE}
CACHE=${2:?usage: smp.sh RV39 CACHE}
HERE=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-riscv64}
OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
# shellcheck source=tests/linux/console.sh
. "$HERE/console.sh"

sh "$HERE/fetch.sh" "$CACHE" || exit 1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-smp.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
sh "$HERE/initramfs.sh" "$CACHE" "$WORK/initrd.gz" || exit 1

failures=0
fail() {
    echo "FAIL: $name: $*"
    failures=$((failures + 1))
}
now() { date +%s.%N; }
run() { # NAME EMULATOR [ARG...]
    name=$1
    shift
    log="$WORK/$name.log"
    start=$(now)
    console_start "$log" "$@" -M virt -m 512M -smp 4 -nographic -kernel "$CACHE/Image" \
        -initrd "$WORK/initrd.gz" -append console=ttyS0
    if wait_for "initramfs: ready" 300 && wait_for "# " 30; then
        echo "$name: shell after $(echo "$(now) - $start" | bc) s"
        printf 'echo nproc=$(nproc) harts=$(grep -c ^processor /proc/cpuinfo)-done\n' >&3
        wait_for "-done" 30 || fail "nproc did not answer"
        printf 'poweroff -f\n' >&3
    else
        fail "no shell"
        kill "$console_pid" 2>/dev/null
    fi
    console_wait 60
    status=$?
    [ -z "$console_killed" ] || fail "still running 60 s after poweroff"
    [ "$status" -eq 0 ] || fail "exit status $status after poweroff -f, expected 0"
    answer=$(grep -a "^nproc=" "$log" | tr -d '\r' | head -n 1)
    echo "$name: $answer"
    [ "$answer" = "nproc=4 harts=4-done" ] || fail "expected nproc=4 harts=4, got '$answer'"
    [ "$failures" -eq 0 ] || tail -n 40 "$log"
}
run rv39 "$RV39"
run rv39-single "$RV39" -accel tcg,thread=single
run rv39-opensbi "$RV39" -bios "$OPENSBI"
run qemu "$QEMU"
if [ "$failures" -ne 0 ]; then
    echo "smp.sh: $failures failure(s)"
    exit 1
fi
echo "smp.sh: all checks passed"
