#!/bin/sh
# The device tree, end to end:
#   --dumpdtb FILE writes a DTB and exits 0 without running anything (QEMU's dumpdtb=FILE);
#   dtc decompiles it without errors or warnings, and it has the board's nodes, -append's
#   bootargs and -m's RAM size;
#   every node in it also exists in QEMU 7.2 virt's tree (when QEMU is installed);
#   with -smp 4 the harts' nodes, cpu-map and PLIC/CLINT contexts are QEMU's, line for line;
#   the guest gets the DTB's address in a1, where QEMU puts it (firmware/hello.elf prints it);
#   a boot image overlapping the DTB is refused with exit status 2.
# Needs Debian's device-tree-compiler (dtc); without it the test fails.
#
# Usage: sh tests/cli/dumpdtb.sh /path/to/rv39 /path/to/build
set -u
RV39=${1:?usage: dumpdtb.sh RV39 BUILD_DIR}
BUILD=${2:?usage: dumpdtb.sh RV39 BUILD_DIR}
case $RV39 in
/*) ;;
*/*) RV39=$(pwd)/$RV39 ;;
esac
case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac
HELLO=$BUILD/firmware/hello.elf
if ! command -v dtc >/dev/null 2>&1; then
    echo "dumpdtb.sh: FAIL: dtc not installed (apt-get install device-tree-compiler)"
    exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-dumpdtb.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# dump NAME rv39-arguments...: NAME.dtb and NAME.dts; false (with a FAIL) when a step fails.
dump() {
    name=$1
    shift
    timeout 20 "$RV39" --dumpdtb "$name.dtb" "$@" >"$name.out" 2>"$name.err" </dev/null
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name: rv39 --dumpdtb $*: exit status $status: $(cat "$name.err")"
        return 1
    fi
    [ -s "$name.out" ] && fail "$name: --dumpdtb printed on stdout: $(head -n 3 "$name.out")"
    if ! [ -s "$name.dtb" ]; then
        fail "$name: no DTB written"
        return 1
    fi
    if ! dtc -I dtb -O dts -o "$name.dts" "$name.dtb" 2>"$name.dtc"; then
        fail "$name: dtc cannot read the DTB: $(cat "$name.dtc")"
        return 1
    fi
    [ -s "$name.dtc" ] && fail "$name: dtc complains: $(cat "$name.dtc")"
    return 0
}

# has NAME TEXT: the decompiled tree contains the line TEXT (leading tabs ignored).
has() {
    sed 's/^[[:space:]]*//' "$1.dts" | grep -qxF "$2" || fail "$1: no line '$2' in the tree"
}

if dump default; then
    for line in 'compatible = "riscv-virtio";' 'model = "riscv-virtio,qemu";' \
        'chosen {' 'stdout-path = "/soc/serial@10000000";' \
        'memory@80000000 {' 'reg = <0x00 0x80000000 0x00 0x8000000>;' \
        'cpu@0 {' \
        'riscv,isa = "rv64imafdc_zic64b_zicbom_zicbop_zicboz_ziccamoa_ziccif_zicclsm_ziccrse_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zihpm_za64rs_zfa_zfh_zfhmin_zba_zbb_zbc_zbs_zkt_ssccptr_sscofpmf_sscounterenw_sstc_sstvala_sstvecd_svadu_svbare_svinval_svnapot_svpbmt";' \
        'riscv,cbom-block-size = <0x40>;' 'riscv,cboz-block-size = <0x40>;' 'mmu-type = "riscv,sv57";' \
        'timebase-frequency = <0x989680>;' 'compatible = "riscv,cpu-intc";' \
        'soc {' 'clint@2000000 {' 'plic@c000000 {' 'riscv,ndev = <0x5f>;' \
        'serial@10000000 {' 'compatible = "ns16550a";' 'test@100000 {' \
        'poweroff {' 'value = <0x5555>;' 'reboot {' 'value = <0x7777>;' \
        'rtc@101000 {' 'compatible = "google,goldfish-rtc";' 'interrupts = <0x0b>;'; do
        has default "$line"
    done
    for n in 1 2 3 4 5 6 7 8; do
        has default "virtio_mmio@1000${n}000 {"
        has default "interrupts = <0x0${n}>;"
    done
    grep -q bootargs default.dts && fail "default: bootargs without -append"
    for absent in pci flash fw-cfg; do
        grep -q "^[[:space:]]*$absent@" default.dts && fail "default: describes $absent, which rv39 lacks"
    done

    # The same node names as QEMU's virt board, where rv39 has the device.
    if command -v qemu-system-riscv64 >/dev/null 2>&1; then
        if timeout 20 qemu-system-riscv64 -M virt,dumpdtb=qemu.dtb -m 128M -nographic \
            >/dev/null 2>&1 </dev/null && dtc -I dtb -O dts -o qemu.dts qemu.dtb 2>/dev/null; then
            nodes() { sed -n 's/^[[:space:]]*\([^[:space:]]*\) {$/\1/p' "$1" | sort -u; }
            nodes default.dts >ours.txt
            nodes qemu.dts >qemu.txt
            # rv39's own addition: the simple-framebuffer (devices/framebuffer.h).
            extra=$(comm -23 ours.txt qemu.txt | grep -v '^framebuffer@' | tr '\n' ' ')
            [ -n "$extra" ] && fail "nodes QEMU's virt does not have: $extra"
        else
            fail "qemu-system-riscv64 could not dump its device tree"
        fi
    else
        fail "qemu-system-riscv64 not installed (make test installs it): cannot compare with QEMU's nodes"
    fi
fi

# -smp 4 as QEMU 7.2's virt describes it: the harts, their interrupt controllers, the cpu-map
# and every hart's PLIC and CLINT contexts, phandles included (the lines that say how the
# harts are wired are the same lines, in the same order).
if dump smp4 -smp 4 && command -v qemu-system-riscv64 >/dev/null 2>&1; then
    if timeout 20 qemu-system-riscv64 -M virt,dumpdtb=qemu4.dtb -smp 4 -m 128M -nographic \
        >/dev/null 2>&1 </dev/null && dtc -I dtb -O dts -o qemu4.dts qemu4.dtb 2>/dev/null; then
        wiring() {
            grep -E 'cpu@|core[0-9]|cluster|cpu = |interrupts-extended|phandle|reg = <0x0[0-7]>;' "$1"
        }
        wiring smp4.dts >smp4.wiring
        wiring qemu4.dts >qemu4.wiring
        [ "$(grep -c 'cpu@' smp4.wiring)" -eq 4 ] || fail "smp4: not four cpu@ nodes"
        diff qemu4.wiring smp4.wiring >smp4.diff ||
            fail "-smp 4: the harts' wiring differs from QEMU's: $(head -n 20 smp4.diff)"
    else
        fail "qemu-system-riscv64 -smp 4 could not dump its device tree"
    fi
fi

if dump args -m 256M -append "console=ttyS0 earlycon"; then
    has args 'bootargs = "console=ttyS0 earlycon";'
    has args 'reg = <0x00 0x80000000 0x00 0x10000000>;'
fi

# A command line longer than the 64 KiB the rest of the tree is built in: the tree grows to
# hold it (it used to fail with FDT_ERR_NOSPACE), and the guest still boots with it.
long=$(head -c 100000 /dev/zero | tr '\0' x)
if dump long -append "$long"; then
    grep -qF "bootargs = \"$long\";" long.dts || fail "long: the 100000-byte bootargs is not in the tree"
fi
if [ -f "$HELLO" ]; then
    timeout 60 "$RV39" -kernel "$HELLO" -append "$long" >long.out 2>long.err </dev/null ||
        fail "hello.elf with a 100000-byte -append: exit status $?: $(cat long.err)"
fi

# -dtb FILE: that tree instead of rv39's, with /chosen/bootargs set from -append (as QEMU).
if [ -s default.dtb ]; then
    sed 's/model = "riscv-virtio,qemu";/model = "given";/' default.dts >given.dts
    if dtc -I dts -O dtb -o given.dtb given.dts 2>/dev/null && dump adopted -dtb given.dtb -append "from -append"; then
        has adopted 'model = "given";'
        has adopted 'bootargs = "from -append";'
    else
        fail "-dtb given.dtb: not adopted"
    fi
    printf 'this is no device tree, only text long enough to have a header' >notdtb.bin
    timeout 20 "$RV39" -dtb notdtb.bin -kernel "$HELLO" >bad.out 2>bad.err </dev/null
    status=$?
    [ "$status" -eq 2 ] || fail "-dtb of a non-DTB file: exit status $status, expected 2"
    grep -q "not a device tree" bad.err || fail "-dtb of a non-DTB file: message was '$(cat bad.err)'"
    if [ -f "$HELLO" ]; then
        timeout 60 "$RV39" -dtb given.dtb -kernel "$HELLO" >hello-dtb.out 2>hello-dtb.err </dev/null ||
            fail "hello.elf with -dtb: exit status $?: $(cat hello-dtb.err)"
    fi
fi

timeout 20 "$RV39" --dumpdtb "$WORK/no/such/dir/x.dtb" >/dev/null 2>err.txt </dev/null
status=$?
[ "$status" -eq 2 ] || fail "unwritable --dumpdtb file: exit status $status, expected 2"
grep -q "dumpdtb" err.txt || fail "unwritable --dumpdtb file: message was '$(cat err.txt)'"

# a1 at boot: the guest prints it. QEMU puts the tree at 0x87e00000 with 128 MiB, 0x8fe00000
# with 256 MiB.
if [ -f "$HELLO" ]; then
    for case in 128M:0x87e00000 256M:0x8fe00000; do
        ram=${case%:*}
        dtb=${case#*:}
        timeout 60 "$RV39" -m "$ram" -kernel "$HELLO" >hello.out 2>hello.err </dev/null ||
            fail "hello.elf -m $ram: exit status $?: $(cat hello.err)"
        tr -d '\r' <hello.out | grep -q "^~ device tree at $dtb\$" ||
            fail "hello.elf -m $ram: expected a1 = $dtb, got: $(grep 'device tree' hello.out)"
    done
    # With 2 MiB of RAM the tree would sit at 0x80000000, on top of the program.
    timeout 20 "$RV39" -m 2M -kernel "$HELLO" >overlap.out 2>overlap.err </dev/null
    status=$?
    [ "$status" -eq 2 ] || fail "image over the device tree: exit status $status, expected 2"
    grep -q "overlaps the device tree" overlap.err ||
        fail "image over the device tree: message was '$(cat overlap.err)'"
else
    fail "$HELLO not built"
fi

if [ "$failures" -ne 0 ]; then
    echo "dumpdtb.sh: $failures check(s) failed"
    exit 1
fi
echo "dumpdtb.sh: all checks passed"
