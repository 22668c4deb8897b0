#!/bin/sh
# boot.sh NAME WORK EMULATOR [ARG...]: boot Debian's riscv64 kernel with a busybox initramfs
# (QEMU's command line: -M virt -m 512M -nographic -kernel Image -initrd initrd.gz -append
# "console=ttyS0", plus an ext4 disk on virtio-blk, given in ARGs) and use it as a person at
# the console would: wait for the shell, type commands, read the answers.
#   - the shell comes up (the kernel found the initramfs through /chosen);
#   - the ext4 disk mounts and a file on it reads back (virtio-mmio, virtio-blk, ext4 modules);
#   - date says this year (the Goldfish RTC set the clock);
#   - /proc/cpuinfo names the ISA and the MMU mode;
#   - poweroff -f ends the emulator with exit status 0 (SBI system reset).
# MMU (environment, optional): the mmu /proc/cpuinfo must name (sv57 for rv39's default hart,
# sv39 with -cpu rv64,mmu=sv39).
# PERFCOUNT=yes: run /bin/perfcount (tests/linux/perfcount.c); PMU=rv39: its counts must show
# a page fault per page touched and at least as many dTLB misses and walks (rv39's counters
# through the firmware's SBI PMU); PMU=any: it must only run (OpenSBI 1.1 maps no events to
# rv39's counters, as our device tree has no riscv,event-to-mhpmcounters: ENOENT there).
# Prints "NAME: shell after S s" for the caller to compare emulators. WORK holds disk.img (made
# by the caller, with /token.txt) and gets NAME.log.
set -u
# shellcheck source=tests/linux/console.sh
. "$(dirname "$0")/console.sh" # console_start, wait_for, console_wait
NAME=$1
WORK=$2
shift 2
LOG="$WORK/$NAME.log"
failures=0
fail() {
    echo "FAIL: $NAME: $*"
    failures=$((failures + 1))
}
now() { date +%s.%N; }

start=$(now)
console_start "$LOG" "$@"

if wait_for "initramfs: ready" 300 && wait_for "# " 30; then
    shell=$(echo "$(now) - $start" | bc)
    echo "$NAME: shell after $shell s"
    # Typed only once the shell reads them: the 8250 driver's start-up drops earlier input.
    token=$(cat "$WORK/token.txt")
    printf 'mount -t ext4 /dev/vda /mnt && cat /mnt/token.txt\n' >&3
    wait_for "$token" 60 || fail "the token on the ext4 disk did not read back"
    # Each answer is waited for by text the typed line itself (echoed back) does not contain.
    printf 'echo year=$(date +%%Y)\n' >&3
    wait_for "year=2" 30 || fail "date did not answer"
    printf 'grep -m1 "^isa" /proc/cpuinfo; grep -m1 "^mmu" /proc/cpuinfo; echo cpuinfo-$((1+1))\n' >&3
    wait_for "cpuinfo-2" 30 || fail "no /proc/cpuinfo"
    if [ "${PERFCOUNT:-}" = yes ]; then
        printf 'perfcount\n' >&3
        wait_for "perfcount: " 60 || fail "perfcount printed nothing"
    fi
    printf 'umount /mnt; poweroff -f\n' >&3
else
    fail "no shell (see $LOG)"
    kill "$console_pid" 2>/dev/null
fi

# The emulator must end by itself once the guest powers off.
console_wait 60
status=$?
[ -z "$console_killed" ] || fail "still running 60 s after poweroff"
[ "$status" -eq 0 ] || fail "exit status $status after poweroff -f, expected 0"
grep -qa "reboot: Power down" "$LOG" || fail "the kernel did not power down"
year=$(sed -n 's/^year=\([0-9]*\).*/\1/p' "$LOG" | tr -d '\r' | head -n 1)
[ -n "$year" ] && [ "$year" -ge "$(date +%Y)" ] || fail "date in the guest says year '$year', expected $(date +%Y)"
grep -qa "^isa.*rv64imafdc" "$LOG" || fail "/proc/cpuinfo has no rv64imafdc isa line"
grep -qa "^mmu.*${MMU:-sv}" "$LOG" || fail "/proc/cpuinfo has no ${MMU:-} mmu line"
if [ "${PERFCOUNT:-}" = yes ]; then
    line=$(grep -a "^perfcount: " "$LOG" | tr -d '\r' | head -n 1)
    echo "$NAME: $line"
    field() { echo "$line" | sed -n "s/.* $1 \(-\?[0-9]*\).*/\1/p"; }
    pages=$(field pages)
    if [ -z "$line" ]; then
        fail "perfcount did not run"
    elif [ "${PMU:-any}" = rv39 ]; then
        [ -n "$pages" ] || fail "perfcount did not count: $line"
        [ "$(field page_faults)" = "$pages" ] ||
            fail "perfcount: $(field page_faults) page faults for $pages new pages"
        for counter in dtlb_read_misses walks; do
            [ "$(field $counter)" -ge "$pages" ] 2>/dev/null ||
                fail "perfcount: $counter $(field $counter) < $pages pages"
        done
    fi
fi
if [ "$failures" -ne 0 ]; then
    echo "--- last lines of $LOG:"
    tail -n 30 "$LOG"
    exit 1
fi
