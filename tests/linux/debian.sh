#!/bin/sh
# debian.sh RV39 CACHE: a whole Debian trixie riscv64 system (tests/linux/rootfs.sh) on a
# virtio disk boots to systemd's login prompt on rv39 (its own firmware) and on QEMU, with the
# same files and QEMU's command line:
#   -M virt -m 1G -nographic -kernel Image -initrd initrd.gz
#   -append "console=ttyS0 root=/dev/vda rw" -drive file=debian.img,format=raw,id=hd0
#   -device virtio-blk-device,drive=hd0
# (the initramfs is tests/linux/initramfs.sh's: it loads the virtio and ext4 modules, which
# Debian builds as modules, and switches to the disk). On each emulator, as a person would:
#   - log in as root at "rv39 login:";
#   - apt --version, uname -a (riscv64), free (the 1 GiB), date (this year: the RTC);
#   - systemctl is-system-running: running or degraded, not starting/failed-to-boot;
#   - perf stat (Debian's linux-perf) counts dTLB and iTLB misses and page walks of a command;
#     on rv39 they are rv39's MMU counters through its firmware's SBI PMU, so they must count;
#   - perf record samples a command's instructions every 100000 (a programmable counter's
#     overflow interrupt, Sscofpmf): on rv39 perf report must count samples; QEMU runs with
#     -cpu rv64,sscofpmf=on so that it can sample too (its counts are shown, not checked);
#   - poweroff: systemd stops everything, the kernel powers down, the emulator exits 0;
#   - e2fsck on the host finds the disk clean.
# Ends with the times to the login prompt and rv39's ratio to QEMU (below 1: rv39 faster).
set -u
RV39=${1:?usage: debian.sh RV39 CACHE}
CACHE=${2:?usage: debian.sh RV39 CACHE}
HERE=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-riscv64}
# shellcheck source=tests/linux/console.sh
. "$HERE/console.sh"

sh "$HERE/rootfs.sh" "$CACHE" || exit 1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-debian.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
sh "$HERE/initramfs.sh" "$CACHE" "$WORK/initrd.gz" >/dev/null || exit 1

failures=0
fail() {
    echo "FAIL: $name: $*"
    failures=$((failures + 1))
}
now() { date +%s.%N; }

boot() { # NAME EMULATOR [ARG...]
    name=$1
    shift
    failures_before=$failures
    log="$WORK/$name.log"
    cp --sparse=always "$CACHE/debian.img" "$WORK/$name.img"
    start=$(now)
    console_start "$log" "$@" -M virt -m 1G -nographic -kernel "$CACHE/Image" \
        -initrd "$WORK/initrd.gz" -append "console=ttyS0 root=/dev/vda rw" \
        -drive "file=$WORK/$name.img,format=raw,id=hd0" -device virtio-blk-device,drive=hd0
    if wait_for "rv39 login:" 600; then
        login=$(echo "$(now) - $start" | bc)
        echo "$name: login prompt after $login s"
        echo "$name $login" >>"$WORK/times"
        type_line root
        wait_for "root@rv39" 120 || fail "no shell prompt after logging in as root"
        type_line 'apt --version; uname -a; free -m; echo year=$(date +%Y)'
        wait_for "year=2" 60 || fail "the commands did not answer"
        type_line 'echo state=$(systemctl is-system-running); systemctl --failed --no-legend --plain | sed "s/^/failed-unit:/"'
        wait_for "state=" 60 || fail "systemctl did not answer"
        # -x, gives "count,unit,event,..." lines; dd touches fresh pages of a 16 MiB buffer.
        type_line 'perf stat -x, -e dTLB-load-misses,iTLB-load-misses,r3,page-faults dd if=/dev/zero of=/dev/null bs=16M count=4 2>&1 | sed -n "s/^/perf:/p"; echo perf-$((6*7))'
        wait_for "perf-42" 120 || fail "perf stat did not finish"
        # Sampling: every 100000 instructions the counter overflows (Sscofpmf's LCOFI through
        # the SBI PMU) and perf takes a sample; the report counts them.
        type_line 'perf record -q -e instructions -c 100000 -o /tmp/perf.data dd if=/dev/zero of=/dev/null bs=1M count=16 2>/dev/null; perf report -i /tmp/perf.data --stdio 2>&1 | sed -n "s/^# Samples: /samples:/p; s/^ *\([0-9.]*%\) .*/top:&/p" | head -n 4; echo record-$((6*7))'
        wait_for "record-42" 180 || fail "perf record did not finish"
        type_line poweroff
    else
        fail "no login prompt (see the log below)"
        kill "$console_pid" 2>/dev/null
    fi
    console_wait 180
    status=$?
    # The console's text without terminal control sequences (bash's bracketed-paste mode
    # wraps each prompt in them) and carriage returns: the lines to check.
    sed 's/\x1b\[[?0-9;]*[a-zA-Z]//g; s/\r//g' "$log" >"$log.text"
    log="$log.text"
    [ "$status" -eq 0 ] || fail "exit status $status after poweroff, expected 0"
    grep -qa "reboot: Power down" "$log" || fail "the kernel did not power down"
    grep -qa "^apt [0-9]" "$log" || fail "apt --version printed no version"
    grep -qa "riscv64 GNU/Linux" "$log" || fail "uname -a does not say riscv64 GNU/Linux"
    mem=$(sed -n 's/^Mem: *\([0-9]*\) .*/\1/p' "$log" | head -n 1)
    [ -n "$mem" ] && [ "$mem" -gt 800 ] && [ "$mem" -le 1024 ] ||
        fail "free says ${mem:-nothing} MiB of memory, expected most of 1024"
    year=$(sed -n 's/^year=\([0-9]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$year" ] && [ "$year" -ge "$(date +%Y)" ] || fail "date in the guest says year '$year'"
    state=$(sed -n 's/^state=\([a-z-]*\).*/\1/p' "$log" | head -n 1)
    case $state in
    running | degraded) echo "$name: systemd is $state$(sed -n 's/^failed-unit:\([^ ]*\).*/ \1/p' "$log" | tr -d '\n')" ;;
    *) fail "systemctl is-system-running says '$state'" ;;
    esac
    grep -a "^perf:[0-9]" "$log" | sed "s/^/$name: /"
    grep -a "^samples:\|^top:" "$log" | sed "s/^/$name: perf record: /"
    if [ "$name" = rv39 ]; then # the counts are rv39's own: each must be counting
        grep -qa "^samples:[1-9]" "$log" || fail "perf record took no samples of instructions"
        for event in dTLB-load-misses iTLB-load-misses r3 page-faults; do
            count=$(grep -a "^perf:[0-9]*,[^,]*,$event," "$log" | head -n 1 | sed 's/^perf:\([0-9]*\),.*/\1/')
            [ -n "$count" ] && [ "$count" -gt 0 ] || fail "perf stat counted no $event"
        done
    fi
    e2fsck -fn "$WORK/$name.img" >"$WORK/$name.fsck" 2>&1 || fail "e2fsck finds the disk damaged"
    if [ "$failures" -ne "$failures_before" ]; then
        echo "--- last lines of $log:"
        tail -n 40 "$log"
    fi
}

boot rv39 "$RV39"
boot qemu "$QEMU" -cpu rv64,sscofpmf=on

r=$(sed -n 's/^rv39 //p' "$WORK/times" 2>/dev/null)
q=$(sed -n 's/^qemu //p' "$WORK/times" 2>/dev/null)
if [ -n "$r" ] && [ -n "$q" ]; then
    echo "Debian boot to the login prompt: rv39 $r s, QEMU $q s, ratio $(echo "scale=2; $r / $q" | bc)"
fi
if [ "$failures" -ne 0 ]; then
    echo "debian.sh: $failures failure(s)"
    exit 1
fi
echo "debian.sh: all checks passed"
