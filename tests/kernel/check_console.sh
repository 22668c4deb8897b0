#!/bin/sh
# check_console.sh PTY_RUN RV39 ARG...
# The monitor and the kernel's shell sharing one terminal (a pseudo-terminal, as a user
# has, tests/debugger/pty_run.py): C-a c at the shell's "$ " prompt stops the guest and the
# monitor's note starts on a line of its own; `trace mmu on va FRAMEBUFFER` then `continue`
# (C-a c) and touch typed at the shell: the kernel draws every character it prints on the
# framebuffer console, so the framebuffer's TLB misses and walks come while a line is open,
# and no trace line may land inside the line (they wait for its newline); C-a x quits.
set -u
pty_run=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
out=$work/out
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
has() {
    grep -Eq "$1" "$out" || fail "$2 (no line matching /$1/)"
}
python3 "$pty_run" "$work/transcript" "expect:$ " "send:\x01c" "expect:(rv39) " \
    "sleep:0.2" "send:trace mmu on va 0x28000000-0x28200000 kinds miss,walk\r" "expect:(rv39) " "send:\x01c" \
    "expect:the guest has the terminal" "send:touch\r" "expect:the stack grew by" \
    "expect:$ " "send:\x01x" -- "$@" -nographic
tr -d '\r' <"$work/transcript" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' >"$out"
grep -v '^mmu: ' "$out"
echo "... and $(grep -c '^mmu: ' "$out") trace lines"
has '^\$ $' "the shell's prompt line is ended before the monitor's note"
has '^rv39 monitor: the guest is stopped at 0x' "C-a c stops the guest at the monitor"
has '^mmu trace on \(filtered\)$' "trace mmu on at the prompt"
has '^touch: touched 2048 pages of an 8 MiB heap$' "touch's lines are whole"
has '^touch: page faults served by the kernel: 2048$' "touch's count line is whole"
has '^touch: the stack grew by [0-9]+ pages on demand$' "touch's last line is whole"
n=$(grep -c '^mmu: walk pc=0x[0-9a-f]* va=0x28[01][0-9a-f]\{5\} [a-z]*: ' "$out")
[ "$n" -ge 100 ] || fail "the framebuffer console's walks traced: $n lines, 100 expected at least"
cut=$(grep 'mmu: ' "$out" | grep -v '^mmu: ' | head -n 3)
[ -z "$cut" ] || fail "a trace line inside a guest line: $cut"
has '^rv39: terminated \(C-a x\)$' "C-a x quits"
has '^== exit 0$' "exit status 0"
has '^== terminal restored$' "the terminal is restored"
if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
