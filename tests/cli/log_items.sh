#!/bin/sh
# -d ITEM[,ITEM...] and -D FILE (emu/trace_log.c): -d help lists the items; an unknown item is
# one line and exit status 2; -d int logs every trap of tests/debugger/mmu_guest.c (its page
# fault, its ecall) and -d mmu its walks and the fault, to stderr or to -D FILE, in whole lines
# that never cut a guest's output line (held back until the guest's newline).
#
# Usage: sh tests/cli/log_items.sh /path/to/rv39 /path/to/build
set -u
RV39=${1:?usage: log_items.sh RV39 BUILD_DIR}
BUILD=${2:?usage: log_items.sh RV39 BUILD_DIR}
GUEST=$BUILD/tests/debugger/dbg_mmu.elf
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-log-items.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

out=$("$RV39" -d help 2>&1)
[ $? -eq 0 ] || fail "-d help: exit status not 0"
for item in int cpu exec in_asm mmu; do
    echo "$out" | grep -q "^  $item " || fail "-d help does not list $item: $out"
done

"$RV39" -d int,bogus --bios none --kernel "$GUEST" >"$WORK/out" 2>"$WORK/err"
[ $? -eq 2 ] || fail "-d int,bogus: exit status not 2"
[ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "-d int,bogus: not one line: $(cat "$WORK/err")"
grep -q "rv39: -d bogus: unknown log item" "$WORK/err" || fail "-d bogus: $(cat "$WORK/err")"

"$RV39" -d int --bios none --kernel "$GUEST" -nographic >"$WORK/out" 2>"$WORK/err"
grep -q '^int: pc=0x[0-9a-f]* cause=13 (load page fault) tval=0x40002018 epc=0x[0-9a-f]* S->M$' \
    "$WORK/err" || fail "-d int: no load page fault line: $(cat "$WORK/err")"
grep -q '^int: .*cause=9 (environment call from S-mode)' "$WORK/err" ||
    fail "-d int: no ecall line"
grep -q '^mmu:' "$WORK/err" && fail "-d int: mmu lines too"

"$RV39" -d mmu,int -D "$WORK/log" --bios none --kernel "$GUEST" -nographic >"$WORK/out" \
    2>"$WORK/err"
[ -s "$WORK/err" ] && fail "-D: lines on stderr: $(cat "$WORK/err")"
grep -q '^mmu: tlb miss ' "$WORK/log" || fail "-d mmu: no tlb miss line"
grep -q '^mmu: page fault .*tval=0x40002018' "$WORK/log" || fail "-d mmu: no page fault line"
grep -q '^int: ' "$WORK/log" || fail "-d mmu,int: no int line"
grep -v -q '^\(mmu\|int\): ' "$WORK/log" && fail "-D: a line that is not a log line: $(grep -v '^\(mmu\|int\): ' "$WORK/log" | head -1)"

"$RV39" -d cpu --bios none --kernel "$GUEST" -nographic >"$WORK/out" 2>"$WORK/err"
[ "$(grep -c '^cpu: pc=0x[0-9a-f]\{16\} priv=S$' "$WORK/err")" -eq 2 ] ||
    fail "-d cpu: not one header per trap (fault, ecall): $(cat "$WORK/err")"
[ "$(grep -c '^cpu: ' "$WORK/err")" -eq 18 ] || fail "-d cpu: not 9 lines per trap"
grep -q '^cpu: ra=0x[0-9a-f]\{16\} sp=0x[0-9a-f]\{16\} gp=0x[0-9a-f]\{16\} tp=0x[0-9a-f]\{16\}$' \
    "$WORK/err" || fail "-d cpu: no ra/sp/gp/tp line"
grep -q 't6=0x[0-9a-f]\{16\}$' "$WORK/err" || fail "-d cpu: no t6"

# -d exec: one line per instruction, retired or trapping: instret plus the traps.
"$RV39" -d exec,int -stats --bios none --kernel "$GUEST" -nographic >"$WORK/out" 2>"$WORK/err"
[ $? -eq 0 ] || fail "-d exec: the guest did not finish"
execs=$(grep -c '^exec: pc=0x[0-9a-f]\{16\} [MSU]$' "$WORK/err")
traps=$(grep -c '^int: ' "$WORK/err")
instret=$(sed -n 's/^instret: //p' "$WORK/err")
[ "$execs" -eq $((instret + traps)) ] ||
    fail "-d exec: $execs lines for $instret instructions retired and $traps traps"
grep -q '^exec: pc=0x0000000080000000 M$' "$WORK/err" || fail "-d exec: no first instruction"

# -d in_asm: each instruction once per address space, disassembled; the same pcs as exec's.
"$RV39" -d in_asm,exec --bios none --kernel "$GUEST" -nographic >"$WORK/out" 2>"$WORK/err"
grep -q '^in_asm: 0x0000000080000000 M  auipc gp, 0x2$' "$WORK/err" || fail "-d in_asm: no first line"
grep -q '^in_asm: 0x[0-9a-f]\{16\} S  ld a5, 24(a5)$' "$WORK/err" || fail "-d in_asm: no faulting ld"
asm_pcs=$(sed -n 's/^in_asm: \(0x[0-9a-f]*\) .*/\1/p' "$WORK/err" | sort -u | wc -l)
exec_pcs=$(sed -n 's/^exec: pc=\(0x[0-9a-f]*\) .*/\1/p' "$WORK/err" | sort -u | wc -l)
[ "$asm_pcs" -gt 100 ] && [ "$asm_pcs" -eq "$exec_pcs" ] ||
    fail "-d in_asm: $asm_pcs pcs, exec ran $exec_pcs"
[ "$(grep -c '^in_asm: ' "$WORK/err")" -lt "$(grep -c '^exec: ' "$WORK/err")" ] ||
    fail "-d in_asm: a line per execution, not per new instruction"

# A guest line open when its page fault is logged (mmu_guest.c with DBG_PRINT): the log lines
# wait for the guest's newline; stdout and stderr into one pipe show them after it.
PRINT=$BUILD/tests/debugger/dbg_print.elf
"$RV39" -d int,mmu --bios none --kernel "$PRINT" -nographic >"$WORK/both" 2>&1
tr -d '\r' <"$WORK/both" >"$WORK/both.txt"
guest=$(grep -n -x 'faulting on demand ... done' "$WORK/both.txt" | cut -d: -f1)
[ -n "$guest" ] || fail "guest line cut by the log: $(grep -v '^\(mmu\|int\): ' "$WORK/both.txt")"
fault=$(grep -n '^int: .*cause=13' "$WORK/both.txt" | cut -d: -f1)
[ -n "$fault" ] && [ -n "$guest" ] && [ "$fault" -gt "$guest" ] ||
    fail "the fault's log line is not after the guest's line"
[ "$(grep -c '^\(mmu\|int\): ' "$WORK/both")" -eq "$(($(wc -l <"$WORK/both") - 1))" ] ||
    fail "a line that is neither the guest's nor the log's: $(cat "$WORK/both")"
"$RV39" -d int -D "$WORK/log2" --bios none --kernel "$PRINT" -nographic >"$WORK/out" 2>&1
[ "$(tr -d '\r' <"$WORK/out")" = "faulting on demand ... done" ] ||
    fail "-D: guest output is '$(cat "$WORK/out")'"
grep -q '^int: .*cause=13' "$WORK/log2" || fail "-D: no fault line"

# The guest's output reaches stdout as it is written, not at exit: a guest waiting for input
# (console_guest.c) has its "ready" line out while it runs.
sleep 5 | "$RV39" -d int --bios none --kernel "$BUILD/tests/debugger/dbg_console.elf" \
    -nographic >"$WORK/ready" 2>/dev/null &
pid=$!
sleep 1.5
grep -q "console guest ready" "$WORK/ready" || fail "-d: guest output held back while running"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

"$RV39" -d mmu -D "$WORK/nodir/log" --bios none --kernel "$GUEST" >/dev/null 2>"$WORK/err"
[ $? -eq 2 ] || fail "-D into a missing directory: exit status not 2"
[ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "-D nodir: not one line: $(cat "$WORK/err")"

[ "$failures" -eq 0 ] && echo "log_items: all passed"
[ "$failures" -eq 0 ]
