#!/bin/sh
# -cpu rv64[,EXT=on|off...][,mmu=sv39|sv48|sv57] (emu/cpu_option.c over cpu/ext.c's table):
# every extension by default; one turned off leaves the device tree (riscv,isa,
# riscv,isa-extensions, the CMO block sizes) and the decoder (its instructions raise illegal
# instruction, JIT on and off); the widest translation mode is the device tree's mmu-type
# (QEMU 8's sv39/sv48/sv57=on|off too); bad values are one-line errors with exit status 2.
#
# Usage: sh tests/cli/cpu_option.sh /path/to/rv39 /path/to/build
set -u
RV39=${1:?usage: cpu_option.sh RV39 BUILD_DIR}
BUILD=${2:?usage: cpu_option.sh RV39 BUILD_DIR}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-cpu-option.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# isa ARGS...: the riscv,isa string of the device tree rv39 makes with ARGS
isa() {
    "$RV39" "$@" --dumpdtb "$WORK/t.dtb" >/dev/null 2>&1 || { echo "(dumpdtb failed)"; return; }
    dtc -I dtb -O dts "$WORK/t.dtb" 2>/dev/null | sed -n 's/^[[:space:]]*riscv,isa = "\(.*\)";/\1/p'
}

all=rv64imafdc_zic64b_zicbom_zicbop_zicboz_ziccamoa_ziccif_zicclsm_ziccrse_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zihpm_za64rs_zfa_zfh_zfhmin_zba_zbb_zbc_zbs_zkt_ssccptr_sscofpmf_sscounterenw_sstc_sstvala_sstvecd_svadu_svbare_svinval_svnapot_svpbmt
got=$(isa)
[ "$got" = "$all" ] || fail "default riscv,isa is '$got', want '$all'"
got=$(isa -cpu rv64)
[ "$got" = "$all" ] || fail "-cpu rv64: riscv,isa is '$got', want every extension"
got=$(isa -cpu rv64,zba=off,zbc=false,Zicond=no,mmu=sv39)
want=rv64imafdc_zic64b_zicbom_zicbop_zicboz_ziccamoa_ziccif_zicclsm_ziccrse_zicntr_zicsr_zifencei_zihintntl_zihintpause_zihpm_za64rs_zfa_zfh_zfhmin_zbb_zbs_zkt_ssccptr_sscofpmf_sscounterenw_sstc_sstvala_sstvecd_svadu_svbare_svinval_svnapot_svpbmt
[ "$got" = "$want" ] || fail "-cpu rv64,zba=off,zbc=false,Zicond=no: riscv,isa is '$got', want '$want'"
got=$(isa -cpu rv64,sv39=on,sv48=off,sv57=off)
[ "$got" = "$all" ] || fail "-cpu rv64,sv39=on,sv48=off,sv57=off: riscv,isa is '$got'"
got=$(isa -cpu rv64,zba=off,zba=on)
[ "$got" = "$all" ] || fail "the last zba= wins: riscv,isa is '$got'"
# Without Svadu the hart is Svade (A/D by page fault), and the device tree names it so.
got=$(isa -cpu rv64,svadu=off)
[ "$got" = "$(echo "$all" | sed 's/_svadu_/_svade_/')" ] || fail "svadu=off: riscv,isa is '$got', want svade in svadu's place"
got=$(isa --svade)
[ "$got" = "$(echo "$all" | sed 's/_svadu_/_svade_/')" ] || fail "--svade: riscv,isa is '$got', want svade in svadu's place"

"$RV39" -cpu rv64,zicbom=off,zicboz=off --dumpdtb "$WORK/c.dtb" >/dev/null 2>&1
dtc -I dtb -O dts "$WORK/c.dtb" 2>/dev/null >"$WORK/c.dts"
grep -q 'cbom-block-size' "$WORK/c.dts" && fail "zicbom=off: riscv,cbom-block-size still there"
grep -q 'cboz-block-size' "$WORK/c.dts" && fail "zicboz=off: riscv,cboz-block-size still there"
grep -q 'zicbom' "$WORK/c.dts" && fail "zicbom=off: still in riscv,isa-extensions"

# The decoder: with an extension off its instructions are illegal (the test runtime skips
# them), so the first check that uses one fails: tests/priv/bitmanip's check 35 is clmul (Zbc;
# Zba/Zbb/Zbs are left on, the compiler uses them in the runtime too), tests/priv/zicond's
# check 1 is czero.eqz.
# run_status EXPECTED WHAT ARGS...
run_status() {
    want=$1
    what=$2
    shift 2
    timeout 60 "$RV39" "$@" >/dev/null 2>&1 </dev/null
    s=$?
    [ "$s" -eq "$want" ] || fail "$what: status $s, want $want"
}
for jit in on off; do
    for prog in bitmanip zicond; do
        elf=$BUILD/tests/priv/$prog.elf
        [ -f "$elf" ] || fail "$elf is missing"
        run_status 0 "$prog, jit $jit, every extension" --jit $jit --bios none --kernel "$elf"
    done
    run_status 35 "bitmanip, jit $jit, zbc=off (clmul illegal)" --jit $jit -cpu rv64,zbc=off \
        --bios none --kernel "$BUILD/tests/priv/bitmanip.elf"
    run_status 1 "zicond, jit $jit, zicond=off (czero.eqz illegal)" --jit $jit \
        -cpu rv64,zicond=off --bios none --kernel "$BUILD/tests/priv/zicond.elf"
done

# expect_error WHAT ARGS...: exit 2, one line on stderr naming -cpu
expect_error() {
    what=$1
    shift
    "$RV39" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
    s=$?
    [ "$s" -eq 2 ] || fail "$what: status $s, want 2"
    [ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$WORK/err")"
    grep -q '^rv39: -cpu' "$WORK/err" || fail "$what: stderr does not start 'rv39: -cpu': $(cat "$WORK/err")"
    [ -s "$WORK/out" ] && fail "$what: printed on stdout"
}
expect_error "unknown model" -cpu rv32
expect_error "unknown extension" -cpu rv64,zfoo=on
expect_error "not a boolean" -cpu rv64,zba=maybe
expect_error "no value" -cpu rv64,zba
expect_error "base extension off" -cpu rv64,c=off
expect_error "no such MMU mode" -cpu rv64,mmu=sv64
expect_error "mmu off" -cpu rv64,mmu=off
expect_error "Sv48 not a boolean" -cpu rv64,sv48=maybe
expect_error "Sv39 off" -cpu rv64,sv39=off

# mmutype ARGS...: the mmu-type of the device tree rv39 makes with ARGS (the widest mode)
mmutype() {
    "$RV39" "$@" --dumpdtb "$WORK/m.dtb" >/dev/null 2>&1 || { echo "(dumpdtb failed)"; return; }
    dtc -I dtb -O dts "$WORK/m.dtb" 2>/dev/null | sed -n 's/^[[:space:]]*mmu-type = "\(.*\)";/\1/p'
}
# expect_mmu WANT ARGS...
expect_mmu() {
    want=$1
    shift
    got=$(mmutype "$@")
    [ "$got" = "$want" ] || fail "$*: mmu-type is '$got', want '$want'"
}
expect_mmu riscv,sv57 -cpu rv64
expect_mmu riscv,sv57
expect_mmu riscv,sv39 -cpu rv64,mmu=sv39
expect_mmu riscv,sv48 -cpu rv64,mmu=sv48
expect_mmu riscv,sv57 -cpu rv64,mmu=sv57
expect_mmu riscv,sv57 -cpu rv64,sv57=on
expect_mmu riscv,sv48 -cpu rv64,mmu=sv57,sv57=off
expect_mmu riscv,sv39 -cpu rv64,mmu=sv57,sv48=off
expect_mmu riscv,sv48 -cpu rv64,mmu=sv39,sv48=on
expect_mmu riscv,sv57 -cpu rv64,sv48=on
expect_mmu riscv,sv39 -cpu rv64,sv39=on,sv48=off,sv57=off
expect_error "missing argument" -cpu

if [ "$failures" -ne 0 ]; then
    echo "cpu_option: $failures failure(s)"
    exit 1
fi
echo "cpu_option: all checks passed"
