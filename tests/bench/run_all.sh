#!/bin/sh
# run_all.sh [BUILD_DIR] [RUNS]
# The benchmark suite behind `make bench`: every workload of tests/bench runs alternately on
# rv39 and on QEMU (TCG), RUNS times each (default 3), and one table compares them:
#
#   workload   what ran (the ELFs in BUILD_DIR/tests/bench, our kernel's boot)
#   rv39 s     median wall-clock seconds of the rv39 runs, start-up included
#   QEMU s     the same for qemu-system-riscv64 -M virt -bios none
#   ratio      rv39 / QEMU time: below 1 means rv39 was faster
#   MIPS       guest instructions (rv39 -stats "instret:") per wall-clock second on rv39
#   RSS        host peak resident set size of each emulator, MiB (/usr/bin/time %M, median)
#   touched    guest RAM the workload touches, MiB: the guest's "~ touched_bytes" line, else
#              the size of its image (ELF symbol _end), which it does not go beyond
#
# Alternating keeps slow drifts of the host from favouring one side. Every bare-metal run's
# output (its '~' lines aside) must be the same on both machines, checksums included, or the
# suite stops. The kernel boot is timed from start to the first line containing
# BENCH_BOOT_PATTERN (default "kernel shell": the shell's banner, printed with its first
# prompt), then the emulator is stopped; while
# BUILD_DIR/firmware/kernel.elf does not exist its row says so.
#
# Writes BUILD_DIR/bench/bench.md (markdown), bench.csv and bench.png (gnuplot bar chart), or
# into BENCH_OUT.
# Environment: QEMU (emulator to compare with), BENCH_MEM (RAM for both, default 256M),
# BENCH_TIMEOUT (seconds per run, default 600), BENCH_BOOT_PATTERN, BENCH_KERNEL,
# BENCH_SUFFIX=_small (the short CI builds of the same workloads: a quick try of this script),
# BENCH_ONLY="int linux ..." (only those workloads: int int-interp int-sv39 mem-4k mem-2m trap fp
# boot proc linux smp; int-interp is bench.elf on rv39 `--jit off`, the interpreter alone),
# BENCH_PROC_ROUNDS (rounds of the process-heavy row, default 300).
set -eu
here=$(dirname "$0")
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh" # now, median, guest_lines, guest_figure, seconds

build=${1:-build}
runs=${2:-${RUNS:-3}}
rv39=$build/rv39
qemu=${QEMU:-qemu-system-riscv64}
mem=${BENCH_MEM:-256M}
limit=${BENCH_TIMEOUT:-600}
boot_pattern=${BENCH_BOOT_PATTERN:-kernel shell}
kernel=${BENCH_KERNEL:-$build/firmware/kernel.elf}
elves=$build/tests/bench
suffix=${BENCH_SUFFIX:-}
out=${BENCH_OUT:-$build/bench}
nm=${GUEST_NM:-riscv64-unknown-elf-nm}
ram_base=2147483648 # 0x80000000, where the image's addresses start

for tool in "$rv39" "$qemu" /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool not found (make build; tests/scripts/deps.sh)" >&2
        exit 2
    }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$out"

# The table's rows, in order: one "name|label" line each, with the medians in $tmp/NAME.*.
: >"$tmp/rows"
: >"$tmp/figures"

fail() {
    echo "bench: $*" >&2
    exit 1
}

# record W SIDE I T0 T1: keep one run's wall time, peak RSS and (rv39) instruction count.
record() {
    w=$1 side=$2 i=$3 base=$tmp/$1.$2.$3
    echo $((($5 - $4) / 1000)) >>"$tmp/$w.$side.us"
    # GNU time puts "Command exited with non-zero status" or "... terminated by signal"
    # lines before the figure: the figure is the last line.
    tail -n 1 "$base.rss" >>"$tmp/$w.$side.rss"
    if [ "$side" = rv39 ]; then
        sed -n 's/^instret: //p' "$base.err" >>"$tmp/$w.$side.instret"
    fi
    printf '  %-8s %-4s run %d: %s s\n' "$w" "$side" "$i" "$(seconds $((($5 - $4) / 1000)))"
}

# run_to_end W SIDE I CMD...: one run of a bare-metal workload, which powers off by itself.
run_to_end() {
    w=$1 side=$2 i=$3
    shift 3
    base=$tmp/$w.$side.$i
    t0=$(now)
    if ! timeout "$limit" /usr/bin/time -f %M -o "$base.rss" "$@" </dev/null \
        >"$base.raw" 2>"$base.err"; then
        cat "$base.raw" "$base.err" >&2
        fail "$w: $side run $i failed: $*"
    fi
    t1=$(now)
    guest_lines "$base.raw" "$base.out"
    record "$w" "$side" "$i" "$t0" "$t1"
}

# run_to_pattern W SIDE I CMD...: run until the first output line containing
# $boot_pattern, then stop the emulator (SIGTERM: rv39 still prints its -stats).
# The output is read through a FIFO line by line, so the time is taken as the line arrives.
run_to_pattern() {
    w=$1 side=$2 i=$3
    shift 3
    base=$tmp/$w.$side.$i
    mkfifo "$base.fifo"
    t0=$(now)
    # sh -c notes its pid, then becomes the emulator: that pid is the one to stop, and
    # /usr/bin/time still measures the emulator as its child.
    # shellcheck disable=SC2016 # $$, $0 and $@ belong to the inner sh
    timeout "$limit" /usr/bin/time -f %M -o "$base.rss" \
        sh -c 'echo $$ >"$0"; exec "$@"' "$base.pid" "$@" </dev/null >"$base.fifo" \
        2>"$base.err" &
    job=$!
    exec 3<"$base.fifo"
    t1=
    while IFS= read -r line <&3; do
        printf '%s\n' "$line" >>"$base.raw"
        case $line in *"$boot_pattern"*)
            t1=$(now)
            break
            ;;
        esac
    done
    if [ -n "$t1" ]; then
        kill -TERM "$(cat "$base.pid")" 2>/dev/null || true # it may have ended by itself
    fi
    cat <&3 >>"$base.raw" # drain until the emulator is gone
    exec 3<&-
    wait "$job" || true
    [ -n "$t1" ] || {
        cat "$base.raw" "$base.err" >&2
        fail "$w: $side run $i ended without printing a line containing '$boot_pattern': $*"
    }
    record "$w" "$side" "$i" "$t0" "$t1"
}

# touched_estimate W ELF: the guest's own figure, else its image size from the symbol _end.
touched_estimate() {
    t=$(guest_figure "$tmp/$1.rv39.1.raw" touched_bytes)
    if [ -z "$t" ]; then
        end=$("$nm" "$2" 2>/dev/null | awk '$3 == "_end" { print $1 }')
        [ -n "$end" ] && t=$(printf '%d' "0x$end") && t=$((t - ram_base))
    fi
    echo "${t:-}"
}

# bare_metal W LABEL ELF [IW ILABEL]: RUNS alternating runs of a bare-metal workload on both
# machines. With IW, every round also runs rv39 with `--jit off` (the interpreter alone) as
# workload IW, checked and timed against the same QEMU run: IW's QEMU medians are W's, which
# saves a third set of QEMU runs. W's own row (and its rv39 runs) only when W is wanted.
# (bw, not w: run_to_end and record set w, and sh has no locals.)
bare_metal() {
    bw=$1 label=$2 elf=$3 iw=${4:-} ilabel=${5:-}
    [ -e "$elf" ] || fail "$elf not found; build first (make build)"
    echo "== $label ($elf)"
    rv39_sides=
    want "$bw" && rv39_sides=$bw
    [ -n "$iw" ] && rv39_sides="$rv39_sides $iw"
    i=1
    while [ "$i" -le "$runs" ]; do
        if want "$bw"; then
            run_to_end "$bw" rv39 "$i" "$rv39" -nographic -stats -m "$mem" -bios none -kernel "$elf"
        fi
        run_to_end "$bw" qemu "$i" "$qemu" -M virt -m "$mem" -bios none -nographic -kernel "$elf"
        if [ -n "$iw" ]; then
            run_to_end "$iw" rv39 "$i" "$rv39" --jit off -nographic -stats -m "$mem" -bios none \
                -kernel "$elf"
        fi
        for v in $rv39_sides; do
            if ! cmp -s "$tmp/$v.rv39.$i.out" "$tmp/$bw.qemu.$i.out"; then
                diff -u "$tmp/$bw.qemu.$i.out" "$tmp/$v.rv39.$i.out" >&2 || true
                fail "$v: rv39 and QEMU printed different results (--- QEMU, +++ rv39)"
            fi
        done
        i=$((i + 1))
    done
    # The guest's own figures (per-phase times, accesses or traps per second), first run;
    # QEMU's once, under the first row.
    sides="rv39 qemu"
    for v in $rv39_sides; do
        vlabel=$label
        [ "$v" = "$bw" ] || vlabel=$ilabel
        echo "$vlabel:" >>"$tmp/figures"
        for side in $sides; do
            src=$tmp/$v.$side.1.raw
            [ -e "$src" ] || src=$tmp/$bw.$side.1.raw # IW's QEMU run is W's
            tr -d '\r' <"$src" | grep '^~' | grep -v -e instret -e touched_bytes |
                sed "s/^~/  $side:/" | tee -a "$tmp/figures"
        done
        sides=rv39
        if [ "$v" = "$bw" ]; then
            touched_estimate "$bw" "$elf" >"$tmp/$bw.touched"
            echo "$bw|$label" >>"$tmp/rows"
        else
            cp "$tmp/$bw.qemu.us" "$tmp/$iw.qemu.us"
            cp "$tmp/$bw.qemu.rss" "$tmp/$iw.qemu.rss"
            touched_estimate "$iw" "$elf" >"$tmp/$iw.touched"
            echo "$iw|$ilabel" >>"$tmp/rows"
        fi
    done
}

# kernel_boot: our kernel (firmware/kernel) with rv39's SBI firmware and with QEMU's OpenSBI.
kernel_boot() {
    w=boot label="kernel boot to the shell"
    [ "$boot_pattern" = "kernel shell" ] || label="kernel boot to '$boot_pattern'"
    if [ ! -e "$kernel" ]; then
        echo "== kernel boot: not available yet ($kernel does not exist)"
        echo "boot|kernel boot: not available yet" >>"$tmp/rows"
        return
    fi
    echo "== $label ($kernel)"
    i=1
    while [ "$i" -le "$runs" ]; do
        run_to_pattern "$w" rv39 "$i" "$rv39" -nographic -stats -m "$mem" -kernel "$kernel"
        run_to_pattern "$w" qemu "$i" "$qemu" -M virt -m "$mem" -nographic -bios default \
            -kernel "$kernel"
        i=$((i + 1))
    done
    : >"$tmp/$w.touched" # the kernel's allocations are its own business: no estimate
    echo "$w|$label" >>"$tmp/rows"
}

# kernel_processes: our kernel runs /bin/procbench (firmware/user/procbench.c) as init, from
# the disk: rounds of six processes spawned from ext2, faulting their heaps in, preempted
# among themselves, exiting and being waited for; the kernel powers off when it is done.
# Timed start to end (boot included: ~0.3 s of rv39's run). Both machines must print the
# same "procbench:" line (its status sum depends only on the work done).
kernel_processes() {
    w=proc label="process-heavy: spawn/exit/wait in our kernel"
    rounds=${BENCH_PROC_ROUNDS:-300}
    disk=$build/firmware/disk.img
    [ -e "$kernel" ] && [ -e "$disk" ] || fail "$kernel or $disk not found; build first"
    echo "== $label ($rounds rounds)"
    cp --sparse=always "$disk" "$tmp/proc.img" # the runs share one scratch copy
    i=1
    while [ "$i" -le "$runs" ]; do
        run_to_end "$w" rv39 "$i" "$rv39" -nographic -stats -m "$mem" -kernel "$kernel" \
            -drive "file=$tmp/proc.img,format=raw" -append "init=/bin/procbench $rounds"
        run_to_end "$w" qemu "$i" "$qemu" -M virt -m "$mem" -nographic -bios default \
            -kernel "$kernel" -global virtio-mmio.force-legacy=false \
            -drive "file=$tmp/proc.img,if=none,format=raw,id=d0" \
            -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 \
            -append "init=/bin/procbench $rounds"
        for side in rv39 qemu; do
            grep '^procbench:' "$tmp/$w.$side.$i.out" >"$tmp/$w.$side.result" || true
        done
        [ -s "$tmp/$w.rv39.result" ] || fail "$w: rv39 printed no 'procbench:' line"
        cmp -s "$tmp/$w.rv39.result" "$tmp/$w.qemu.result" || {
            diff -u "$tmp/$w.qemu.result" "$tmp/$w.rv39.result" >&2 || true
            fail "$w: rv39 and QEMU printed different results (--- QEMU, +++ rv39)"
        }
        i=$((i + 1))
    done
    : >"$tmp/$w.touched"
    echo "$w|$label" >>"$tmp/rows"
}

# linux_boot: Debian's riscv64 kernel with the busybox initramfs of tests/linux (downloaded
# once into BUILD_DIR/linux-cache) from start to its /init's first line in user space, with
# QEMU's command line on both machines (rv39's firmware, QEMU's OpenSBI).
linux_boot() {
    w=linux label="Linux boot to userspace"
    cache=$build/linux-cache
    echo "== $label (Debian's kernel, $cache)"
    if ! sh "$here/../linux/fetch.sh" "$cache" >"$tmp/linux.fetch" 2>&1 ||
        ! sh "$here/../linux/initramfs.sh" "$cache" "$tmp/initrd.gz" >>"$tmp/linux.fetch" 2>&1; then
        cat "$tmp/linux.fetch" >&2
        fail "linux: could not fetch Debian's kernel or build the initramfs"
    fi
    saved_pattern=$boot_pattern
    boot_pattern="initramfs: ready"
    i=1
    while [ "$i" -le "$runs" ]; do
        run_to_pattern "$w" rv39 "$i" "$rv39" -stats -M virt -m 512M -nographic \
            -kernel "$cache/Image" -initrd "$tmp/initrd.gz" -append console=ttyS0
        run_to_pattern "$w" qemu "$i" "$qemu" -M virt -m 512M -nographic \
            -kernel "$cache/Image" -initrd "$tmp/initrd.gz" -append console=ttyS0
        i=$((i + 1))
    done
    boot_pattern=$saved_pattern
    : >"$tmp/$w.touched"
    echo "$w|$label" >>"$tmp/rows"
}

# want W: whether workload W runs (BENCH_ONLY="W ...", default every workload).
want() {
    [ -z "${BENCH_ONLY:-}" ] && return 0
    case " $BENCH_ONLY " in *" $1 "*) return 0 ;; esac
    return 1
}
# int-interp: the same ELF and QEMU runs as int, rv39 with `--jit off` (hosts without a JIT).
interp=
want int-interp && interp=int-interp
if want int || [ -n "$interp" ]; then
    bare_metal int "integer kernels, M-mode" "$elves/bench$suffix.elf" "$interp" \
        "integer kernels, M-mode, \`--jit off\` (interpreter)"
fi
want int-sv39 && bare_metal int-sv39 "integer kernels, S-mode Sv39 4 KiB" "$elves/bench_sv39$suffix.elf"
want mem-4k && bare_metal mem-4k "memory 64 MiB, Sv39 4 KiB pages" "$elves/bench_mem4k$suffix.elf"
want mem-2m && bare_metal mem-2m "memory 64 MiB, Sv39 2 MiB pages" "$elves/bench_mem2m$suffix.elf"
want trap && bare_metal trap "traps: U ecalls + page faults" "$elves/bench_trap$suffix.elf"
want fp && bare_metal fp "FP (double kernels: dot product, matrix multiply, FFT-like)" "$elves/bench_fp$suffix.elf"
want boot && kernel_boot
want proc && kernel_processes
want linux && linux_boot

# One line per workload: name;label;rv39 us;qemu us;instret;rv39 KiB;qemu KiB;touched bytes
# (empty fields where a figure does not exist), then the same in the three output formats.
: >"$tmp/table"
while IFS='|' read -r w label; do
    if [ -e "$tmp/$w.rv39.us" ]; then
        echo "$w;$label;$(median "$tmp/$w.rv39.us");$(median "$tmp/$w.qemu.us");$(median \
            "$tmp/$w.rv39.instret");$(median "$tmp/$w.rv39.rss");$(median \
            "$tmp/$w.qemu.rss");$(cat "$tmp/$w.touched")" >>"$tmp/table"
    else
        echo "$w;$label;;;;;;" >>"$tmp/table"
    fi
done <"$tmp/rows"

host=$(uname -m)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
qemu_version=$("$qemu" --version | head -n 1)
awk -F';' -v runs="$runs" -v mem="$mem" -v host="$host ${cpu:-}" -v qv="$qemu_version" \
    -v csv="$out/bench.csv" -v md="$out/bench.md" -v dat="$tmp/bench.dat" '
function mib(kib) { return kib == "" ? "-" : sprintf("%.0f", kib / 1024) }
function sec(us) { return us == "" ? "-" : sprintf("%.3f", us / 1e6) }
BEGIN {
    print "workload,rv39_s,qemu_s,ratio,rv39_mips,rv39_rss_mib,qemu_rss_mib,touched_mib" >csv
    print "Median of " runs " alternating runs each, `-m " mem "`, on " host "; " qv "." >md
    print "" >md
    print "| workload | rv39 s | QEMU s | rv39/QEMU | rv39 MIPS | rv39 RSS MiB | QEMU RSS MiB | touched MiB |" >md
    print "|---|---:|---:|---:|---:|---:|---:|---:|" >md
    printf "%-38s %8s %8s %9s %9s %9s %9s %8s\n", "workload", "rv39 s", "QEMU s", "rv39/QEMU",
        "rv39 MIPS", "rv39 RSS", "QEMU RSS", "touched"
}
{
    ratio = ($3 != "" && $4 > 0) ? sprintf("%.2f", $3 / $4) : "-"
    mips = ($5 != "" && $3 > 0) ? sprintf("%.0f", $5 / $3) : "-"
    touched = $8 == "" ? "-" : sprintf("%.1f", $8 / 1048576)
    printf "%-38s %8s %8s %9s %9s %9s %9s %8s\n", $2, sec($3), sec($4), ratio, mips,
        mib($6), mib($7), touched
    printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, sec($3), sec($4), ratio, mips,
        mib($6), mib($7), touched >md
    printf "\"%s\",%s,%s,%s,%s,%s,%s,%s\n", $2, sec($3), sec($4), ratio, mips, mib($6), mib($7),
        touched >csv
    if ($3 != "") printf "%s %s %s %s\n", $1, $3 / 1e6, $4 / 1e6, ratio >dat
}
END { print "RSS and touched RAM in MiB; MIPS = rv39 -stats instret / rv39 wall time." }
' "$tmp/table"

{
    echo
    echo "The guests' own figures (first run; QEMU's instruction counts are host ticks):"
    echo
    echo '```'
    cat "$tmp/figures"
    echo '```'
} >>"$out/bench.md"

if command -v gnuplot >/dev/null && [ -s "$tmp/bench.dat" ]; then
    # Left: the times, on a log scale (workloads differ by a factor of 100); right: the ratio.
    gnuplot <<EOF
set terminal pngcairo size 1100,480 font "sans,10"
set output "$out/bench.png"
set multiplot layout 1,2 title "rv39 vs QEMU TCG (qemu-system-riscv64), median of $runs alternating runs"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set xtics rotate by -30
set title "wall-clock seconds (log scale)"
set logscale y
set yrange [0.01:*]
set key top left
plot "$tmp/bench.dat" using 2:xtic(1) title "rv39" linecolor rgb "#3465a4", \
     "" using 3 title "QEMU" linecolor rgb "#cc7a00"
unset logscale y
set title "time ratio rv39 / QEMU (below 1: rv39 faster)"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set style histogram rowstacked
set boxwidth 0.6
plot "$tmp/bench.dat" using 4:xtic(1) notitle linecolor rgb "#3465a4", \
     "" using 0:4:4 with labels offset 0,0.7 notitle, \
     1 with lines dashtype 2 linecolor rgb "black" notitle
unset multiplot
EOF
    echo "bench: wrote $out/bench.md, $out/bench.csv, $out/bench.png"
else
    echo "bench: wrote $out/bench.md, $out/bench.csv (no chart: gnuplot not installed)"
fi

# Several harts: the same total work (tests/smp/smp_bench.c) on -smp 1 and -smp 2 with the
# harts on host threads, alternating RUNS times; one line with the medians and the speedup
# (a separate line: QEMU runs no such row), also in $out/smp.txt. Only the harts' running at
# the same time is asserted (speedup.sh), not the ratio, which the host's other load decides.
if want smp; then
    smp_elf=$build/tests/smp/smp_bench.elf
    if [ -e "$smp_elf" ]; then
        sh "$here/../smp/speedup.sh" "$rv39" "$smp_elf" 1 "$runs" | tee "$out/smp.txt"
    else
        echo "bench: $smp_elf not built: no smp line" | tee "$out/smp.txt"
    fi
fi
