#!/bin/sh
# rv39's own errors: for each bad command line or bad guest file, rv39 exits with status 2,
# prints exactly one line on stderr starting "rv39:", prints nothing on stdout, and does not
# crash (no signal, no core file).
#
# Usage: sh tests/cli/bad_input.sh /path/to/rv39 /path/to/build
set -u
RV39=${1:?usage: bad_input.sh RV39 BUILD_DIR}
# The checks run in a scratch directory: make a relative path to rv39 absolute first.
case $RV39 in
/*) ;;
*/*) RV39=$(pwd)/$RV39 ;;
esac
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-bad-input.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect_error "what is being checked" "text stderr must contain" rv39-arguments...
expect_error() {
    what=$1
    must_say=$2
    shift 2
    "$RV39" "$@" >stdout.txt 2>stderr.txt </dev/null
    status=$?
    if [ "$status" -gt 128 ]; then
        fail "$what: rv39 died with signal $((status - 128)) (args: $*)"
        return
    fi
    if [ "$status" -ne 2 ]; then
        fail "$what: exit status $status, expected 2 (args: $*)"
    fi
    lines=$(wc -l <stderr.txt)
    if [ "$lines" -ne 1 ]; then
        fail "$what: $lines lines on stderr, expected exactly 1:"
        sed 's/^/    /' stderr.txt
    fi
    case $(head -n 1 stderr.txt) in
    rv39:*) ;;
    *) fail "$what: stderr does not start with 'rv39:': $(head -n 1 stderr.txt)" ;;
    esac
    if ! grep -qF -- "$must_say" stderr.txt; then
        fail "$what: stderr should say '$must_say': $(cat stderr.txt)"
    fi
    if [ -s stdout.txt ]; then
        fail "$what: unexpected stdout: $(head -c 200 stdout.txt)"
    fi
    if ls core* >/dev/null 2>&1; then
        fail "$what: left a core file"
        rm -f core*
    fi
}

expect_error "missing kernel file" "No such file or directory" -kernel "$WORK/no-such.elf"
expect_error "kernel is a directory" "not a regular file" --kernel "$WORK"
expect_error "kernel is not an ELF" "not an ELF file" -kernel /etc/passwd
expect_error "kernel is an x86-64 ELF" "not RISC-V" -kernel /bin/true
expect_error "bad -m value" "-m lots" -m lots -kernel /bin/true
expect_error "-m below the minimum" "too small" -m 512K -kernel /bin/true
expect_error "-m not whole pages" "multiple of 4K" -m 1025K -kernel /bin/true
expect_error "unknown long option" "--frobnicate" --frobnicate
expect_error "unknown single-dash option" "-frobnicate" -frobnicate
expect_error "option without its argument" "missing argument" -kernel
expect_error "stray argument" "unexpected argument" program.elf
# With neither -kernel nor -bios rv39 boots the kernel installed beside it (firmware/kernel.elf);
# a copy of rv39 with nothing beside it has nothing to run.
cp "$RV39" "$WORK/rv39-alone"
RV39_BUILD=$RV39
RV39=$WORK/rv39-alone
expect_error "nothing to run" "nothing to run" -m 64
RV39=$RV39_BUILD
expect_error "-append without -kernel" "-append" -append quiet -bios /etc/passwd
expect_error "missing firmware" "No such file or directory" -bios "$WORK/no-such.bin"
: >empty.bin
expect_error "empty firmware" "empty file" -bios empty.bin
# Options that make sense only with others, or that name nothing.
expect_error "-S without -gdb" "-S: only with -gdb" -S -kernel /bin/true
expect_error "-tlb with an empty spec" "-tlb '': empty field" -tlb '' -kernel /bin/true
expect_error "-tlb with an empty field" "empty field" -tlb 'sets=8,' -kernel /bin/true
# -display sdl insists on a window: without a display it is an error, before anything runs
# (SDL itself would fall back to its invisible "offscreen" driver).
printf '#!/bin/sh\nexec env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER "%s" "$@"\n' \
    "$RV39_BUILD" >no-display.sh
printf '#!/bin/sh\nexec env SDL_VIDEODRIVER=dummy "%s" "$@"\n' "$RV39_BUILD" >dummy-display.sh
chmod +x no-display.sh dummy-display.sh
RV39=$WORK/no-display.sh
expect_error "-display sdl without a display" "-display sdl: no display" -display sdl -kernel /bin/true
RV39=$WORK/dummy-display.sh
expect_error "-display sdl with SDL's dummy driver" "shows no window" -display sdl -kernel /bin/true
RV39=$RV39_BUILD
# -screenshot is written at exit: a path that cannot be written is refused at the start, before
# the guest runs (the kernel here would run and print if it got that far).
BUILD=${2:-.}
case $BUILD in
/*) ;;
*) BUILD=$OLDPWD/$BUILD ;;
esac
HELLO=$BUILD/firmware/hello.elf
expect_error "-screenshot into a missing directory" "-screenshot $WORK/no/such/dir/x.png" \
    -nographic -screenshot "$WORK/no/such/dir/x.png" -bios none -kernel "$HELLO"
expect_error "-screenshot onto a directory" "is a directory" \
    -nographic -screenshot "$WORK" -bios none -kernel "$HELLO"
# Snapshot files and record logs are user input too (tests/fuzz: fuzz_snapshot, fuzz_record):
# a missing, empty or foreign file is refused before the guest runs.
: >empty.rv39
printf 'RV39SNAP\001\000\000\000\000\000\000\000' >header-only.rv39
expect_error "-loadvm of a missing file" "no-such.rv39: cannot open it" \
    -nographic -bios none -kernel "$HELLO" -loadvm no-such.rv39
expect_error "-loadvm of an empty file" "empty.rv39: not an rv39 snapshot" \
    -nographic -bios none -kernel "$HELLO" -loadvm empty.rv39
expect_error "-loadvm of a text file" "not an rv39 snapshot" \
    -nographic -bios none -kernel "$HELLO" -loadvm /etc/passwd
expect_error "-loadvm of a header only" "made by another build of rv39" \
    -nographic -bios none -kernel "$HELLO" -loadvm header-only.rv39
: >empty.log
printf 'RV39REC\n\001\000\000\000' >header-cut.log
expect_error "-replay of a missing file" "-replay no-such.log: No such file or directory" \
    -nographic -bios none -kernel "$HELLO" -replay no-such.log
expect_error "-replay of an empty file" "-replay empty.log: not an rv39 record" \
    -nographic -bios none -kernel "$HELLO" -replay empty.log
expect_error "-replay of a text file" "not an rv39 record" \
    -nographic -bios none -kernel "$HELLO" -replay /etc/passwd
expect_error "-replay of a cut header" "not an rv39 record" \
    -nographic -bios none -kernel "$HELLO" -replay header-cut.log
# 2 MiB of firmware into 1 MiB of RAM.
dd if=/dev/zero of=big.bin bs=1024 count=2048 2>/dev/null
expect_error "firmware larger than RAM" "outside RAM" -m 1M -bios big.bin

# The good paths that need no guest: --version and --help.
out=$("$RV39" --version 2>&1)
status=$?
[ "$status" -eq 0 ] || fail "--version: exit status $status"
case $out in
"rv39 "[0-9]*) ;;
*) fail "--version printed '$out', expected 'rv39 VERSION'" ;;
esac
"$RV39" -help >stdout.txt 2>stderr.txt
status=$?
[ "$status" -eq 0 ] || fail "-help: exit status $status"
grep -q -- "-kernel" stdout.txt || fail "-help does not mention -kernel"
[ -s stderr.txt ] && fail "-help wrote to stderr: $(cat stderr.txt)"

if [ "$failures" -ne 0 ]; then
    echo "bad_input.sh: $failures check(s) failed"
    exit 1
fi
echo "bad_input.sh: all checks passed"
