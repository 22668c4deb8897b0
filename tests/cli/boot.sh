#!/bin/sh
# Boot flow and exit status, end to end, with tiny guests assembled here:
#   -kernel X.elf (no -bios = none): X starts at its ELF entry; HTIF tohost/fromhost works
#     (pass = 1, fail = (n << 1) | 1, SYS_write, SYS_exit, console putchar);
#   the sifive_test finisher's status becomes rv39's;
#   -bios FW.bin: a raw image at 0x80000000; with -kernel K.bin, K lands at 0x80200000;
#   --stats prints the counters on stderr.
# Needs Debian's riscv64-unknown-elf-gcc (make test installs it); without it the test fails.
#
# Usage: sh tests/cli/boot.sh /path/to/rv39 /path/to/build
set -u
RV39=${1:?usage: boot.sh RV39 BUILD_DIR}
# The checks run in a scratch directory: make a relative path to rv39 absolute first.
case $RV39 in
/*) ;;
*/*) RV39=$(pwd)/$RV39 ;;
esac
CC=riscv64-unknown-elf-gcc
OBJCOPY=riscv64-unknown-elf-objcopy
if ! command -v "$CC" >/dev/null 2>&1 || ! command -v "$OBJCOPY" >/dev/null 2>&1; then
    echo "boot.sh: FAIL: $CC not installed (apt-get install gcc-riscv64-unknown-elf)"
    exit 1
fi
GUEST_CFLAGS="-march=rv64imac -mabi=lp64 -mcmodel=medany -nostdlib -nostartfiles -static
    -Wl,--build-id=none -Wl,--no-warn-rwx-segments"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-boot.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# build NAME TEXT_ADDRESS [cpp defines...] < assembly
build() {
    name=$1
    text=$2
    shift 2
    cat >"$name.S"
    # Our own script: the default one maps the ELF headers into the page below .text, which
    # would put a segment below RAM.
    cat >"$name.ld" <<LINK
ENTRY(_start)
SECTIONS {
    . = $text;
    .text : { *(.text*) }
    .data : { *(.data*) }
    .tohost : { *(.tohost) }
    .bss : { *(.bss*) }
}
LINK
    if ! "$CC" $GUEST_CFLAGS -T "$name.ld" "$@" -o "$name.elf" "$name.S"; then
        fail "cannot assemble $name"
        return 1
    fi
    "$OBJCOPY" -O binary "$name.elf" "$name.bin"
}

# run WHAT EXPECTED_STATUS rv39-arguments...: output in stdout.txt / stderr.txt
run() {
    what=$1
    expected=$2
    shift 2
    timeout 20 "$RV39" "$@" >stdout.txt 2>stderr.txt </dev/null
    status=$?
    if [ "$status" -ne "$expected" ]; then
        fail "$what: exit status $status, expected $expected (rv39 $*)"
        sed 's/^/    stderr: /' stderr.txt | head -n 5
        return 1
    fi
    return 0
}

HTIF_WORDS='
    .section .tohost, "aw", @progbits
    .balign 64
    .globl tohost
tohost: .dword 0
    .balign 64
    .globl fromhost
fromhost: .dword 0
'

# riscv-tests' convention: tohost = (code << 1) | 1 powers off with status `code`.
build tohost_exit 0x80000000 -DCODE=0 <<EOF
    .text
    .globl _start
_start:
    la t0, tohost
    li t1, (CODE << 1) | 1
    sd t1, 0(t0)
1:  j 1b
$HTIF_WORDS
EOF
"$CC" $GUEST_CFLAGS -T tohost_exit.ld -DCODE=5 -o tohost_fail.elf tohost_exit.S ||
    fail "cannot assemble tohost_fail"

run "tohost = 1 passes" 0 -kernel tohost_exit.elf
run "tohost = (5 << 1) | 1 fails with 5" 5 -kernel tohost_fail.elf
run "QEMU's -bios none form" 0 -bios none -kernel tohost_exit.elf -nographic
run "GNU double-dash form" 0 --bios=none --kernel=tohost_exit.elf -m 64M
run "--stats" 0 --stats -kernel tohost_exit.elf &&
    { grep -q '^instret: [1-9]' stderr.txt || fail "--stats: no instret line: $(cat stderr.txt)"; }

# SYS_write through a magic_mem block, a console putchar, then SYS_exit(3).
build htif_syscalls 0x80000000 <<EOF
    .text
    .globl _start
_start:
    la sp, stack_top
    li a0, 64               # SYS_write(1, message, length)
    li a1, 1
    la a2, message
    la a3, message_end
    sub a3, a3, a2
    call syscall
    li t0, 1                # console (device 1), putchar (command 1), '!'
    slli t0, t0, 56
    li t1, 1
    slli t1, t1, 48
    or t0, t0, t1
    ori t0, t0, '!'
    la t1, tohost
    sd t0, 0(t1)
1:  ld t0, 0(t1)            # wait until the host took it
    bnez t0, 1b
    li a0, 93               # SYS_exit(3)
    li a1, 3
    call syscall
2:  j 2b

syscall:                    # a0 = number, a1..a3 = arguments
    la t0, magic_mem
    sd a0, 0(t0)
    sd a1, 8(t0)
    sd a2, 16(t0)
    sd a3, 24(t0)
    fence
    la t1, tohost
    sd t0, 0(t1)
    la t2, fromhost
3:  ld t3, 0(t2)
    beqz t3, 3b
    sd zero, 0(t2)
    ld a0, 0(t0)
    ret

    .data
message: .ascii "hello from htif\n"
message_end:
    .balign 64
magic_mem: .zero 64
    .balign 16
    .zero 256
stack_top:
$HTIF_WORDS
EOF
if run "HTIF syscalls" 3 -kernel htif_syscalls.elf; then
    printf 'hello from htif\n!' >expected.txt
    cmp -s stdout.txt expected.txt ||
        fail "HTIF syscalls: stdout was '$(cat stdout.txt)', expected '$(cat expected.txt)'"
fi

# The sifive_test finisher at 0x100000: 0x3333 | code << 16 fails with `code`.
FINISHER='
    .text
    .globl _start
_start:
    li t0, 0x100000
    li t1, (CODE << 16) | 0x3333
    sw t1, 0(t0)
1:  j 1b
'
echo "$FINISHER" | build finisher4 0x80000000 -DCODE=4
run "finisher status" 4 -kernel finisher4.elf

# -bios: a raw image at 0x80000000, where the hart starts.
run "raw firmware" 4 -bios finisher4.bin

# -bios with -kernel raw: the kernel lands at 0x80200000 for the firmware to jump to.
build jump 0x80000000 <<'EOF'
    .text
    .globl _start
_start:
    li t0, 0x80200000
    jr t0
EOF
echo "$FINISHER" | build finisher6 0x80200000 -DCODE=6
run "firmware jumps to a raw kernel at 0x80200000" 6 -bios jump.bin -kernel finisher6.bin
run "firmware jumps to an ELF kernel" 6 -bios jump.bin -kernel finisher6.elf

if [ "$failures" -ne 0 ]; then
    echo "boot.sh: $failures check(s) failed"
    exit 1
fi
echo "boot.sh: all checks passed"
