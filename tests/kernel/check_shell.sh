#!/bin/sh
# check_shell.sh MODE COMMAND [ARG...]
# Boots our kernel without `autotest` on its command line, so init starts the shell, types a
# session into the console through stdin (as a terminal would), and checks the transcript:
# each command's echo behind the "$ " prompt, then its output; the line editor's backspace
# and Ctrl-U; an unknown command; a shell in the shell left with Ctrl-D (end of input); `exit`
# powering the machine off with status 0 and nothing leaked.
#   serial          the serial console (stdout) only
#   screen FB_CHECK also the framebuffer console: rv39 saves the screen (--screenshot), and
#                   fb_check (tests/fb) compares the glyph cells of some lines pixel for pixel
#                   with the font at the rows where fbcon must have put them, after scrolling
#   window FB_CHECK as screen, but in rv39's SDL window under Xvfb (xvfb_exec.sh, its own X
#                   server), the session typed into the window with xdotool: `make run`'s
#                   setting. COMMAND must open the window (--display sdl).
set -u
mode=$1
shift
fb_check=
case $mode in
screen | window)
    fb_check=$1
    shift
    ;;
esac
if [ "$mode" = window ] && [ "${CHECK_SHELL_INNER:-}" != 1 ]; then
    for tool in Xvfb xdotool; do
        command -v "$tool" >/dev/null 2>&1 ||
            { echo "FAIL: $tool not installed (apt-get install xvfb xdotool)" >&2 && exit 1; }
    done
    CHECK_SHELL_INNER=1 exec sh "$(dirname "$0")/../scripts/xvfb_exec.sh" sh "$0" "$mode" "$fb_check" "$@"
fi
limit=${RV39_TEST_TIMEOUT:-60}
work=$(mktemp -d "${TMPDIR:-/tmp}/rv39-shell.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
out=$work/out.txt

# The session (no disk: vmstat, a disk program, must say so), long enough to scroll the 37-line screen. After editing, "hellp" DEL "o" is
# "hello" and "xyz" Ctrl-U "touch" is "touch". "helo" fails; Up recalls it, Left and "l" make
# it "hello"; "ouch" Home "t" End is "touch" (ESC [ 1~ and 4~ on the serial line, the window's
# Home and End keys send ESC [ H and F). Ctrl-D on the empty line ends the inner sh.
input='help\nhellp\177o\ntouch\nnosuch thing\nxyz\025touch\nhello\nhelp\nhelo\n\033[A\033[Dl\n'
input=$input'ouch\033[1~t\033[4~\nvmstat\nsh\n\004exit\n'
# The same keys typed into the window: words, and key names between colons.
keys='help :Return: hellp :BackSpace: o :Return: touch :Return: nosuch thing :Return:
      xyz :ctrl+u: touch :Return: hello :Return: help :Return: helo :Return: :Up: :Left: l
      :Return: ouch :Home: t :End: :Return: vmstat :Return: sh :Return: :ctrl+d: exit :Return:'
shot=
[ "$mode" != serial ] && shot="--screenshot $work/out.png"
if [ "$mode" = window ]; then
    # CI sets SDL_VIDEODRIVER=dummy so that nothing opens a display by accident: here the
    # window is the point, on our own Xvfb.
    export SDL_VIDEODRIVER=x11
    # Under AddressSanitizer the X libraries SDL loads keep allocations LeakSanitizer cannot
    # attribute (tests/fb/fb_window.sh says more); the headless runs check rv39's own.
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    # shellcheck disable=SC2086 # $shot is two words
    timeout -k 5 "$limit" "$@" $shot </dev/null >"$work/raw" 2>"$work/err" &
    pid=$!
    # Find the window and focus it, looking again if the focus fails: the first window by
    # that name may go away before it is focused (SDL can replace its window while it sets
    # up the renderer: "BadWindow" from SetInputFocus, seen in CI under load).
    focused=
    for _ in $(seq 1 100); do
        win=$(xdotool search --name '^rv39' 2>/dev/null | head -n 1)
        if [ -n "$win" ] && xdotool windowfocus --sync "$win" 2>/dev/null; then
            focused=yes
            break
        fi
        sleep 0.1
    done
    if [ -n "$focused" ]; then
        # Word by word: set -f keeps the shell from globbing them.
        set -f
        pending=
        for word in $keys; do
            case $word in
            :*:)
                [ -n "$pending" ] && xdotool type --delay 20 "$pending"
                pending=
                key=${word#:}
                xdotool key "${key%:}"
                ;;
            *) pending=${pending:+$pending }$word ;;
            esac
        done
        set +f
    else
        echo "FAIL: no rv39 window to type into" >&2
        kill "$pid" 2>/dev/null
    fi
    wait "$pid"
    status=$?
else
    # shellcheck disable=SC2086 # $shot is two words or none
    printf "$input" | timeout -k 5 "$limit" "$@" $shot >"$work/raw" 2>"$work/err"
    status=$?
fi
tr -d '\r' <"$work/raw" >"$out"
cat "$out"
cat "$work/err" >&2
echo "--- exit status $status; checking the shell ($mode)"

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
has() {
    grep -Eq "$1" "$out" || fail "$2 (no line matching /$1/)"
}
# line_of REGEX [NTH]: number of the NTH (default first) line matching, or 999999.
line_of() {
    grep -En "$1" "$out" | sed -n "${2:-1}p" | cut -d: -f1 | grep . || echo 999999
}
before() { # before REGEX1 REGEX2 WHY: the first match of REGEX1 precedes that of REGEX2
    [ "$(line_of "$1")" -lt "$(line_of "$2")" ] || fail "$3"
}

[ "$status" -eq 124 ] && fail "timed out after $limit s: $*"
[ "$status" -eq 0 ] || fail "exit status $status, 0 expected (exit powers off cleanly)"
grep -q "kernel panic" "$out" && fail "the kernel panicked"
grep -q "^init: summary" "$out" && fail "init ran the self-tests without autotest on the command line"
has '^rv39 kernel shell: type help' "init starts the shell"
has '^\$ help$' "the shell prompts and the console echoes the command"
before '^\$ help$' '^built-ins: help, exit$' "help lists the built-ins after its command line"
# help: every program the build makes (firmware/kernel/CMakeLists.txt), under its heading,
# with a one-line description; init is started by the kernel, not by the shell.
cmake_list=$(dirname "$0")/../../firmware/kernel/CMakeLists.txt
programs_in() { # programs_in VARIABLE: the names set() gives it, over continuation lines
    awk -v v="set($1" '$1 == v { on = 1 } on { print } on && /\)/ { exit }' "$cmake_list" |
        tr -d '()' | tr ' ' '\n' | grep -v -e "^set$1\$" -e '^init$' -e '^$'
}
kernel_head=$(line_of '^programs in the kernel:$')
disk_head=$(line_of '^programs on the disk')
help_end=$(awk -v s="$disk_head" 'NR > s && /^\$ / { print NR; exit }' "$out") # next prompt
[ "$(programs_in DISK_USER_PROGRAMS | wc -l)" -gt 5 ] || fail "no disk programs read from $cmake_list"
for prog in $(programs_in KERNEL_USER_PROGRAMS); do
    at=$(line_of "^  $prog +[a-z].{10,}$")
    { [ "$at" -gt "$kernel_head" ] && [ "$at" -lt "$disk_head" ]; } ||
        fail "help does not describe the kernel's $prog under its heading"
done
for prog in $(programs_in DISK_USER_PROGRAMS); do
    at=$(line_of "^  $prog +[a-z].{10,}$")
    { [ "$at" -gt "$disk_head" ] && [ "$at" -lt "$help_end" ]; } ||
        fail "help does not describe the disk's $prog under its heading"
done
before '^\$ vmstat$' '^vmstat: needs the disk, and /bin/vmstat is not on one here' \
    "a disk program without a disk says so"
has '^  build/rv39 --drive file=build/disk.img \(make run does\)$' "and says how to boot with the disk"
grep -q '^vmstat: unknown command' "$out" && fail "a disk program is called unknown"
# DEL erased the p: the echo shows it being rubbed out, the shell saw "hello".
has '^\$ hellp.* .o$' "backspace echoes as back-space-back"
before '^\$ hellp' '^hello: hello from pid [0-9]+$' "the edited line runs hello"
before '^\$ touch$' '^touch: touched 2048 pages of an 8 MiB heap$' "touch runs from the shell"
has '^nosuch: unknown command \(try help\)$' "an unknown command is reported"
[ "$(grep -c '^hello: slept' "$out")" -eq 3 ] || fail "hello ran three times (once recalled)"
[ "$(grep -c '^touch: the stack grew' "$out")" -eq 3 ] || fail "touch ran three times"
# History and cursor keys: the recalled, edited line runs; no escape sequence is echoed.
has '^helo: unknown command \(try help\)$' "the misspelt line runs first"
[ "$(line_of '^hello: hello from pid' 3)" -gt "$(line_of '^helo: unknown')" ] ||
    fail "Up, Left and l do not turn the recalled helo into hello"
[ "$(line_of '^touch: touched 2048' 3)" -gt "$(line_of '^\$ ouch')" ] ||
    fail "Home t End does not turn ouch into touch"
grep -q "$(printf '\033')" "$out" && fail "an escape sequence was echoed (^[[A)"
# The inner shell's prompt, then the newline it prints at end of input.
[ "$(line_of '^\$ $')" -eq $(($(line_of '^\$ sh$') + 1)) ] ||
    fail "Ctrl-D on an empty line does not end the inner shell's input"
has '^\$ xyz.*touch$' "Ctrl-U echoes the line being erased"
before '^\$ exit$' '^kernel: init exited with status 0, powering off$' "exit ends the shell, then init"
has '^kernel: all [0-9]+ frames free again, nothing leaked$' "every frame is freed again"
. "$(dirname "$0")/frame_sums.sh"
frame_sums

if [ "$mode" != serial ]; then
    # fbcon's colours and geometry (firmware/kernel/fbcon.c): cells from the top-left corner.
    fg=00c0c0c0 bg=00000000
    size=$(sed -n 's/^kernel: framebuffer console, \([0-9]*x[0-9]*\) characters.*/\1/p' "$out")
    if [ -z "$size" ]; then
        fail "the kernel did not find the framebuffer"
    else
        columns=${size%x*} rows=${size#*x}
        # The screen shows the kernel's output from its first character, the blank line
        # before "rv39 kernel: ...", which is therefore screen line 0 before any scrolling.
        first=$(($(line_of '^rv39 kernel: S-mode') - 1))
        last=$(wc -l <"$out") # the final newline leaves the cursor on line last + 1
        awk -v c="$columns" 'length($0) > c { exit 1 }' "$out" ||
            fail "a line is wider than the $columns-column screen (wrapping is not modelled here)"
        scrolled=$((last + 1 - first - (rows - 1)))
        [ "$scrolled" -gt 0 ] || fail "the session should have scrolled the screen"
        [ "$scrolled" -gt 0 ] || scrolled=0
        row_of() { echo $(($1 - first - scrolled)); }
        # Lines from the end of the session (its start has scrolled away): the screen shows
        # the edited lines as they ended up, the raw transcript each keystroke's echo.
        hello_row=$(row_of "$(line_of '^\$ helo' 2)") # helo recalled, Left, l
        unknown_row=$(row_of "$(line_of '^helo: unknown')")
        touch_row=$(row_of "$(line_of '^\$ ouch')") # ouch, Home, t, End
        off_row=$(row_of "$(line_of '^kernel: init exited')")
        echo "screen: ${columns}x$rows, scrolled by $scrolled lines; checking rows" \
            "$hello_row $unknown_row $touch_row $off_row"
        "$fb_check" cells "$work/out.png" 0 0 "$fg" "$bg" \
            "$hello_row" '$ hello ' \
            "$unknown_row" 'helo: unknown command (try help)' \
            "$touch_row" '$ touch ' \
            "$off_row" 'kernel: init exited with status 0, powering off' ||
            fail "the framebuffer does not show the console's lines where they belong"
        # The cursor waits at the start of the line after the last one: a block, the cell
        # inverted. A blank cell with the colours swapped is exactly that (the empty TEXT
        # makes fb_check look at the one cell after it).
        "$fb_check" cells "$work/out.png" 0 0 "$bg" "$fg" "$(row_of $((last + 1)))" '' ||
            fail "no block cursor where the next character goes"
    fi
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed: $*" >&2
    exit 1
fi
echo "all checks passed"
exit 0
