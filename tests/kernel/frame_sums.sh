# Sourced by the kernel checks (needs $out, the run's output, and fail): the kernel's frame
# counts add up, as a learner reading them would add them (firmware/kernel/kmain.c
# report_ram, proc.c init_exited):
#   boot:  RAM's frames = below the kernel + the kernel image + the device tree
#                         + the huge-page pool + free
#          kept for good = the kernel's page tables + the swap map
#          free at boot  = kept for good + free for programs
#   exit:  free again    = free for programs, and the closing sum repeats the boot's numbers
# The kernel prints no '~' line (a marker only tests/scripts/qemu_diff.sh knows).
# frame_sums: checks those rules, each broken one through fail (its variables are fr_*, so
# the caller's $image and the like stay).
frame_sums() {
    # fr_num REGEX: the first number captured by \(...\) in the first matching line.
    fr_num() { sed -n "s/$1/\\1/p" "$out" | head -n 1; }
    fr_total=$(fr_num '^kernel: RAM 0x[0-9a-f]*\.\.0x[0-9a-f]*: \([0-9]*\) frames of 4 KiB, of which$')
    fr_below=$(fr_num '^kernel:   \([0-9]*\) below the kernel (the firmware.s), [0-9]* the kernel image.*')
    fr_image=$(fr_num '.* below the kernel (the firmware.s), \([0-9]*\) the kernel image, .*')
    fr_dtb=$(fr_num '.* the kernel image, \([0-9]*\) the device tree,$')
    fr_huge=$(fr_num '^kernel:   \([0-9]*\) the huge-page pool (.*')
    grep -q '^kernel:   no huge-page pool (too little RAM), ' "$out" && fr_huge=0
    fr_free=$(fr_num '^kernel:   .*pool.*, \([0-9]*\) free$')
    fr_kept=$(fr_num '^kernel: \([0-9]*\) frames kept for good: .*')
    fr_tables=$(fr_num "^kernel: [0-9]* frames kept for good: \\([0-9]*\\) the kernel's page tables, .*")
    fr_swapmap=$(fr_num '^kernel: .* page tables, \([0-9]*\) the swap map;$')
    fr_programs=$(fr_num '^kernel:   \([0-9]*\) free for programs$')
    fr_again=$(fr_num '^kernel: all \([0-9]*\) frames free again, nothing leaked$')
    fr_sum=$(grep '^kernel: [0-9]* free at boot = ' "$out" | head -n 1)
    for fr_v in total below image dtb huge free kept tables swapmap programs again; do
        eval "fr_value=\$fr_$fr_v"
        if [ -z "$fr_value" ]; then
            fail "frame counts: no '$fr_v' in the kernel's lines"
            return
        fi
    done
    [ $((fr_below + fr_image + fr_dtb + fr_huge + fr_free)) -eq "$fr_total" ] ||
        fail "frame counts at boot: $fr_below + $fr_image + $fr_dtb + $fr_huge + $fr_free is not RAM's $fr_total"
    [ $((fr_tables + fr_swapmap)) -eq "$fr_kept" ] ||
        fail "frames kept: $fr_tables page tables + $fr_swapmap swap map is not $fr_kept"
    [ $((fr_kept + fr_programs)) -eq "$fr_free" ] ||
        fail "frames: $fr_kept kept + $fr_programs for programs is not the $fr_free free at boot"
    [ "$fr_again" -eq "$fr_programs" ] || fail "frames free at exit $fr_again, $fr_programs when init started"
    [ "$fr_sum" = "kernel: $fr_free free at boot = $fr_again free now + $fr_kept kept for good ($fr_tables page tables, $fr_swapmap swap map)" ] ||
        fail "the closing sum does not repeat the boot's numbers: $fr_sum"
    grep -q '^~' "$out" && fail "a '~' line (a test marker) in the kernel's output: $(grep '^~' "$out" | head -n 1)"
    echo "frames: $fr_total = $fr_below + $fr_image + $fr_dtb + $fr_huge + $fr_free; $fr_free = $fr_kept kept + $fr_programs, all free again"
}
