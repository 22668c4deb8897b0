#!/bin/sh
# uboot.sh EMULATOR DISK_IMG [ARG...]
# A third-party guest end to end: Debian's OpenSBI (fw_jump) starts Debian's U-Boot for QEMU
# virt in S-mode (package u-boot-qemu, qemu-riscv64_smode/u-boot.bin), with the build's
# disk image attached read-only. U-Boot must find the board through the device tree (UART,
# virtio-mmio), reach its prompt, see the virtio disk, read our MBR and list /bin of the
# ext2 partition, then power the machine off (sifive test finisher via syscon-poweroff):
# exit status 0. ARGs are the emulator's own (firmware, kernel, drive...); @DISK@ stands
# for DISK_IMG. Commands are typed only once U-Boot has printed its prompt.
set -u
emulator=$1
image=$2
shift 2
limit=${RV39_TEST_TIMEOUT:-60}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

n=$#
while [ "$n" -gt 0 ]; do
    arg=$1
    shift
    case "$arg" in *@DISK@*) arg=$(printf '%s' "$arg" | sed "s|@DISK@|$image|g") ;; esac
    set -- "$@" "$arg"
    n=$((n - 1))
done

mkfifo "$work/in"
timeout -k 5 "$limit" "$emulator" "$@" <"$work/in" >"$work/raw" 2>&1 &
pid=$!
exec 3>"$work/in" # the emulator's standard input, held open until the end

# Waits until the output holds COUNT prompts ("=> "), or the emulator ends.
prompts() { tr -d '\r' <"$work/raw" | grep -o '=> ' | wc -l; }
wait_prompts() {
    i=0
    while [ "$(prompts)" -lt "$1" ]; do
        kill -0 "$pid" 2>/dev/null || return 1
        i=$((i + 1))
        [ "$i" -gt $((limit * 10)) ] && return 1
        sleep 0.1
    done
}
count=1
for command in version "virtio info" "part list virtio 0" "ext2ls virtio 0:1 /bin" poweroff; do
    wait_prompts "$count" || {
        fail "no U-Boot prompt before '$command'"
        break
    }
    printf '%s\n' "$command" >&3
    count=$((count + 1))
done
wait "$pid"
status=$?
pid=""
exec 3>&-
tr -d '\r' <"$work/raw" >"$work/out"
cat "$work/out"
echo "--- exit status $status; checking"

has() { grep -Eq "$1" "$work/out" || fail "$2 (no line matching /$1/)"; }
has '^U-Boot 20[0-9][0-9]\.' "U-Boot starts"
has '^Model: riscv-virtio,qemu' "U-Boot reads the board model from the device tree"
has '^In: +serial@10000000' "U-Boot finds the NS16550A in the device tree"
has 'QEMU VirtIO Block Device' "U-Boot finds the virtio-blk device"
has 'Capacity: 4096\.0 MB' "U-Boot reads the disk's capacity"
has '^[[:space:]]+1[[:space:]]+2048[[:space:]]+98304[[:space:]]+72763339-01[[:space:]]+83' "U-Boot reads partition 1 (ext2) from the MBR"
has '^[[:space:]]+2[[:space:]]+100352[[:space:]]+[0-9]+[[:space:]]+72763339-02[[:space:]]+82' "U-Boot reads partition 2 (swap) from the MBR"
has '^ +[0-9]+ +swapdemo$' "U-Boot lists /bin of our ext2 file system"
has '^poweroff \.\.\.' "U-Boot powers off"
[ "$status" -eq 0 ] || fail "exit status $status, 0 expected (poweroff through the finisher)"
if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "uboot: all checks passed"
