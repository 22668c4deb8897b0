# Shared by the kernel's disk tests (check_fs.sh, check_mmap.sh, check_huge.sh): boot a
# command on a private copy of the build's disk image and collect its output, then check
# it with fail/has. Usage in a script:
#   . "$(dirname "$0")/disk_boot.sh"
#   disk_boot_setup IMAGE      # $work, $disk (the copy), $out; fail and has
#   disk_boot COMMAND [ARG...] # @DISK@ in the arguments stands for $disk; sets $status
#   fs_clean                   # e2fsck -fn of the copy's ext2 partition ($fs)
#   verdict                    # exits 1 after any failed check, else says all passed
# RV39_TEST_TIMEOUT (default 60) bounds the run.
limit=${RV39_TEST_TIMEOUT:-60}
PATH=$PATH:/sbin:/usr/sbin # debugfs and e2fsck live there

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
has() {
    grep -Eq "$1" "$out" || fail "$2 (no line matching /$1/)"
}

disk_boot_setup() {
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT INT TERM
    disk=$work/disk.img
    out=$work/out
    fs="$disk?offset=1048576" # partition 1 starts at 1 MiB (firmware/disk/mkdisk.sh)
    cp --sparse=always "$1" "$disk" || exit 1 # 4 GiB, nearly all of it a hole
}

# Runs the command (with @DISK@ replaced, argument by argument) and checks what every boot
# must get right: it ended by itself, with status 0, without a kernel panic.
disk_boot() {
    n=$#
    while [ "$n" -gt 0 ]; do
        arg=$1
        shift
        case "$arg" in
        *@DISK@*) arg=$(printf '%s' "$arg" | sed "s|@DISK@|$disk|g") ;;
        esac
        set -- "$@" "$arg"
        n=$((n - 1))
    done
    timeout -k 5 "$limit" "$@" </dev/null >"$work/raw" 2>&1
    status=$?
    tr -d '\r' <"$work/raw" >"$out"
    cat "$out"
    echo "--- exit status $status; checking"
    [ "$status" -eq 124 ] && fail "timed out after $limit s: $*"
    [ "$status" -eq 0 ] || fail "exit status $status, 0 expected"
    grep -q "kernel panic" "$out" && fail "the kernel panicked"
}

# The ext2 partition must still be consistent after the run.
fs_clean() {
    if e2fsck -fn "$fs" >"$work/fsck" 2>&1; then
        echo "host: e2fsck -fn finds the file system clean"
    else
        cat "$work/fsck"
        fail "e2fsck -fn finds problems after the run"
    fi
}

# The end of every check script: the number of failed checks decides.
verdict() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
