# Shared by the debugger test scripts: arguments, a scratch directory, and checks that say
# which rule broke. Usage in a script: . "$(dirname "$0")/lib.sh" "$@"
set -u
RV39=${1:?usage: SCRIPT RV39 GUEST_DIR}
GUEST_DIR=${2:?usage: SCRIPT RV39 GUEST_DIR}
ELF=$GUEST_DIR/dbg_mmu.elf
SPIN_ELF=$GUEST_DIR/dbg_spin.elf
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-dbg.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
failures=0
checks=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# session FILE CMD...: run the debugger on the guest with these commands on stdin.
session() {
    out=$1
    shift
    printf '%s\n' "$@" | timeout -k 5 30 "$RV39" --debug --bios none --kernel "$ELF" >"$out" 2>&1
}

# expect FILE TEXT WHAT: FILE must contain TEXT (fixed string).
expect() {
    checks=$((checks + 1))
    grep -qF -- "$2" "$1" || fail "$3: no '$2' in:
$(cat "$1")"
}

# expect_not FILE TEXT WHAT
expect_not() {
    checks=$((checks + 1))
    if grep -qF -- "$2" "$1"; then fail "$3: unexpected '$2' in:
$(cat "$1")"; fi
}

# start_gdb_rv39 LIMIT ELF ARGS...: rv39 serving GDB on a free port (--gdb PORT ARGS, at most
# LIMIT seconds; the ELF with --bios $GDB_BIOS, none unless set); waits for its "waiting for gdb" line and sets PORT and RV39_PID (the pid of
# `timeout`, which passes SIGINT and SIGTERM on to rv39). Its output is in $WORK/rv39.out and
# $WORK/rv39.err.
start_gdb_rv39() {
    limit=$1
    elf=$2
    shift 2
    for try in 1 2 3 4 5; do
        PORT=$((20000 + ($$ * 11 + try * 173) % 30000))
        # The redirection below happens in the background job, later: without this the wait
        # could find the previous run's "waiting for gdb" line and signal a process that had
        # not yet installed its handlers (a background job starts with SIGINT ignored).
        rm -f "$WORK/rv39.out" "$WORK/rv39.err"
        timeout -k 5 "$limit" "$RV39" --gdb "$PORT" "$@" --bios "${GDB_BIOS:-none}" --kernel "$elf" \
            >"$WORK/rv39.out" 2>"$WORK/rv39.err" </dev/null &
        RV39_PID=$!
        for i in $(seq 50); do
            grep -q "waiting for gdb" "$WORK/rv39.err" 2>/dev/null && return 0
            kill -0 "$RV39_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$RV39_PID" 2>/dev/null
        wait "$RV39_PID" 2>/dev/null
    done
    echo "$(basename "$0"): FAIL: rv39 --gdb did not start: $(cat "$WORK/rv39.err")"
    exit 1
}

finish() {
    echo "$((checks - failures)) passed, $failures failed"
    [ "$failures" -eq 0 ]
}
