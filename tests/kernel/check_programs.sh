#!/bin/sh
# check_programs.sh STATUS DISK_IMG COMMAND [ARG...]
# Runs the disk's programs one boot each, as a user would: COMMAND (@DISK@ standing for a
# fresh copy of the build's disk image every time) plus `-append "init=/bin/PROG ARGS"`, so
# PROG is the first process and the machine powers off when it ends, with its exit status.
# Each boot checks PROG's output, the status the kernel reports ("init exited with status
# N"), that no frame leaked and that the kernel did not panic; with STATUS = exact also the
# emulator's own exit status (rv39 passes init's on; QEMU with OpenSBI always exits 0: any).
#
# Programs with their own scripts are checked there (fstest: check_fs.sh; mmapsort, isolate:
# check_mmap.sh; tlbdemo, fragment: check_huge.sh; swapdemo: check_swap.sh; hostile:
# check_hostile.sh). Here: hello, cat, ps, vmstat (once and repeating), wild and scribble
# (killed with the kernel's report), spin, touch, diskwait (a busy process runs while
# another sleeps on the disk), init (its self-tests, from the disk) and sh (a session typed
# into stdin: ps, a wild program killed while the shell carries on, vmstat).
# Each broken rule prints one "FAIL:" line; any of them fails the test.
set -u
status_mode=$1
image=$2
shift 2
. "$(dirname "$0")/disk_boot.sh" # fail, has, $limit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
for arg in "$@"; do printf '%s\n' "$arg"; done >"$work/command"

# boot LABEL EXPECTED_STATUS "INIT" [STDIN]: one run on a fresh copy of the image; the output
# lands in $out for the checks that follow.
boot() {
    label=$1 expected=$2 init=$3 input=${4:-}
    disk=$work/disk.img
    out=$work/$label.out
    cp "$image" "$disk" || exit 1
    set --
    while IFS= read -r arg; do
        case "$arg" in
        *@DISK@*) arg=$(printf '%s' "$arg" | sed "s|@DISK@|$disk|g") ;;
        esac
        set -- "$@" "$arg"
    done <"$work/command"
    echo "=== $label: init=$init"
    # shellcheck disable=SC2059 # the input is a printf format on purpose (\n, \004)
    printf "$input" | timeout -k 5 "$limit" "$@" -append "init=$init" >"$work/raw" 2>&1
    status=$?
    tr -d '\r' <"$work/raw" | sed -n '/^kernel: starting/,$p' >"$out"
    cat "$out"
    [ "$status" -eq 124 ] && fail "$label: timed out after $limit s"
    if [ "$status_mode" = exact ] && [ "$status" -ne $((expected & 255)) ]; then
        fail "$label: exit status $status, $((expected & 255)) expected"
    fi
    grep -q "kernel panic" "$work/raw" && fail "$label: the kernel panicked"
    has "^kernel: starting $(printf '%s' "$init" | sed 's/[].[*^$]/\\&/g')\$" \
        "$label: init=$init starts it from the disk"
    has "^kernel: init exited with status $expected, powering off\$" "$label: exits with $expected"
    has '^kernel: all [0-9]+ frames free again, nothing leaked$' "$label: every frame is freed"
}

boot hello 0 /bin/hello
has '^hello: hello from pid 1$' "hello greets as pid 1"
has '^hello: write from a kernel address returns -1$' "a kernel pointer is refused"
has '^hello: slept [0-9]+ ticks \(asked for 3\)$' "hello sleeps"

boot cat 0 "/bin/cat /data/numbers.txt /README.txt"
seq 1 100 >"$work/numbers"
grep -E '^[0-9]+$' "$out" | cmp -s - "$work/numbers" ||
    fail "cat: /data/numbers.txt is not the numbers 1 to 100, one a line"
has '^rv39 disk image$' "cat prints the second file too"

boot ps 0 /bin/ps
has '^  PID  PPID STATE    NAME +RSS-KiB SWAP-KiB HEAP-KiB MAPS FAULTS  TICKS SWITCH  BLOCK$' \
    "ps prints its header"
has '^    1     0 running  ps +[1-9][0-9]* +0 +0 +0 +[0-9]+ +[0-9]+ +[1-9][0-9]* +[0-9]+$' \
    "ps lists itself: pid 1, no parent, running, resident pages, scheduled"
has '^ps: 1 processes$' "ps counts one process"

boot vmstat 0 /bin/vmstat
has '^uptime: +[0-9]+ ticks \([0-9]+\.[0-9]{2} s\), 1 processes, [1-9][0-9]* context switches$' \
    "vmstat's uptime line"
has '^memory: +[1-9][0-9]* frames of 4 KiB \([0-9]+ KiB\), [1-9][0-9]* free \([0-9]+ KiB\), [1-9][0-9]* used$' \
    "vmstat's memory line"
has '^huge: +[0-9]+ blocks of 2 MiB, [0-9]+ free$' "vmstat's huge-page pool line"
has '^cache: +0 shared file pages mapped$' "vmstat's page-cache line"
has '^swap: +1036032 slots, 0 used; 0 pages out, 0 in, 0 clean dropped, 0 scanned$' "vmstat's swap line: partition 2, unused"
has '^disk: +[1-9][0-9]* requests, [0-9]+ interrupts, [0-9]+ slept, [1-9][0-9]* polled$' \
    "vmstat's disk line (boot's requests are polled)"
has '^mmu: ' "vmstat's MMU line"

boot vmstat-repeat 0 "/bin/vmstat 3 4"
has '^  ticks  free-KiB cache-KiB swap-KiB     si     so   disk   intr     cs faults dTLB-miss$' \
    "vmstat N prints a table header"
grep -E '^ +[0-9]+( +[0-9]+){10}$' "$out" | awk '{print $1}' >"$work/ticks"
[ "$(wc -l <"$work/ticks")" -eq 4 ] || fail "vmstat 3 4: four sample lines expected"
awk 'NR > 1 && $1 < prev + 3 { bad = 1 } { prev = $1 } END { exit bad }' "$work/ticks" ||
    fail "vmstat 3 4: samples are not at least 3 ticks apart"

boot wild -1 /bin/wild
has '^pid 1 killed: load page fault at 0xdead0000 \(pc 0x1[0-9a-f]{8}\)$' \
    "wild is killed with the report: cause, address, pc"
grep -q "wild: FAIL" "$out" && fail "wild survived its wild read"

boot scribble -1 /bin/scribble
addr=$(sed -n 's/^scribble: writing over my own code at \(0x[0-9a-f]*\)$/\1/p' "$out")
has "^pid 1 killed: store page fault at ${addr:-none} \\(pc 0x1[0-9a-f]{8}\\)\$" \
    "scribble is killed for the store into its code, at that address"

boot spin 0 /bin/spin
has '^spin: pid 1 busy for 30 ticks$' "spin starts"
has '^spin: done after 30 ticks$' "spin finishes"

boot touch 0 /bin/touch
has '^touch: touched 2048 pages of an 8 MiB heap$' "touch demand-pages its heap"
has '^touch: page faults served by the kernel: 20[0-9]{2}$' "the kernel served about 2048 faults"
has '^touch: the stack grew by [1-9][0-9]* pages on demand$' "the stack grows on demand"

boot diskwait 0 /bin/diskwait
[ "$(grep -Ec '^diskwait: reader pid [23]: /data/big.txt: 307200 bytes, FNV-1a 0x7e7aa025, [0-9]+ ticks$' "$out")" -eq 2 ] ||
    fail "both readers read big.txt whole and right"
[ "$(grep -Ec '^diskwait: reader pid [23] exited with status 0 after blocking [1-9][0-9]* times$' "$out")" -eq 2 ] ||
    fail "both readers blocked (on the disk, or waiting their turn for it) and exited with 0"
has '^diskwait: meanwhile the busy parent ran [1-9][0-9]* loops and was switched to [1-9][0-9]{2,} times$' \
    "the busy parent got the CPU again and again while the readers read"
has '^diskwait: disk: [1-9][0-9]{2,} requests \([1-9][0-9]{2,} slept, 0 polled\), [1-9][0-9]{2,} interrupts; ' \
    "every request slept until the disk's interrupt"
has '^diskwait: the CPU stayed busy while the readers waited for the disk$' "diskwait's verdict"
grep -q "diskwait: FAIL" "$out" && fail "diskwait reported a failure"

boot init 0 "/bin/init autotest"
has '^init: summary: 5 programs, 3 exited with 0, 2 killed, 0 unexpected$' \
    "init from the disk runs its self-tests"

# The empty lines first: QEMU's UART may drop what arrives before the kernel enabled it.
boot sh 0 /bin/sh '\n\nps\nwild\nhello\nvmstat\nexit\n'
has '^    1     0 waiting  sh ' "ps under the shell: sh waits for it"
has '^    2     1 running  ps ' "ps under the shell: ps, child of sh, runs"
has '^ps: 2 processes$' "ps counts the shell and itself"
has '^pid 3 killed: load page fault at 0xdead0000 \(pc 0x1[0-9a-f]{8}\)$' "wild is killed"
has '^sh: wild \(pid 3\) exited with status -1$' "the shell reports wild's end"
has '^hello: hello from pid 4$' "the system carries on: hello runs after wild"
has '^uptime: .* 2 processes' "vmstat from the shell"

verdict
