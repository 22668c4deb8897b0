# Sourced by the kernel checks (needs $out, the run's output, and fail): the kernel's frame
# counts add up, as a learner reading them would add them (firmware/kernel/kmain.c
# report_ram, proc.c init_exited):
#   boot:  RAM's frames = below the kernel + the kernel image + the device tree
#                         + the huge-page pool + free
#          kept for good = the kernel's page tables + the swap map
#          free at boot  = kept for good + free for programs
#   exit:  free again    = free for programs, and the closing sum repeats the boot's numbers
# The kernel prints no '~' line (a marker only tests/scripts/qemu_diff.sh knows).
# frame_sums: checks those rules, each broken one through fail.
frame_sums() {
    # num REGEX: the first number captured by \(...\) in the first matching line.
    num() { sed -n "s/$1/\\1/p" "$out" | head -n 1; }
    total=$(num '^kernel: RAM 0x[0-9a-f]*\.\.0x[0-9a-f]*: \([0-9]*\) frames of 4 KiB, of which$')
    below=$(num '^kernel:   \([0-9]*\) below the kernel (the firmware.s), [0-9]* the kernel image.*')
    image=$(num '.* below the kernel (the firmware.s), \([0-9]*\) the kernel image, .*')
    dtb=$(num '.* the kernel image, \([0-9]*\) the device tree,$')
    huge=$(num '^kernel:   \([0-9]*\) the huge-page pool (.*')
    grep -q '^kernel:   no huge-page pool (too little RAM), ' "$out" && huge=0
    free=$(num '^kernel:   .*pool.*, \([0-9]*\) free$')
    kept=$(num '^kernel: \([0-9]*\) frames kept for good: .*')
    tables=$(num "^kernel: [0-9]* frames kept for good: \\([0-9]*\\) the kernel's page tables, .*")
    swapmap=$(num '^kernel: .* page tables, \([0-9]*\) the swap map;$')
    programs=$(num '^kernel:   \([0-9]*\) free for programs$')
    again=$(num '^kernel: all \([0-9]*\) frames free again, nothing leaked$')
    sum=$(grep '^kernel: [0-9]* free at boot = ' "$out" | head -n 1)
    for v in total below image dtb huge free kept tables swapmap programs again; do
        eval "value=\$$v"
        if [ -z "$value" ]; then
            fail "frame counts: no '$v' in the kernel's lines"
            return
        fi
    done
    [ $((below + image + dtb + huge + free)) -eq "$total" ] ||
        fail "frame counts at boot: $below + $image + $dtb + $huge + $free is not RAM's $total"
    [ $((tables + swapmap)) -eq "$kept" ] ||
        fail "frames kept: $tables page tables + $swapmap swap map is not $kept"
    [ $((kept + programs)) -eq "$free" ] ||
        fail "frames: $kept kept + $programs for programs is not the $free free at boot"
    [ "$again" -eq "$programs" ] || fail "frames free at exit $again, $programs when init started"
    [ "$sum" = "kernel: $free free at boot = $again free now + $kept kept for good ($tables page tables, $swapmap swap map)" ] ||
        fail "the closing sum does not repeat the boot's numbers: $sum"
    grep -q '^~' "$out" && fail "a '~' line (a test marker) in the kernel's output: $(grep '^~' "$out" | head -n 1)"
    echo "frames: $total = $below + $image + $dtb + $huge + $free; $free = $kept kept + $programs, all free again"
}
