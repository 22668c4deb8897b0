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

finish() {
    echo "$((checks - failures)) passed, $failures failed"
    [ "$failures" -eq 0 ]
}
