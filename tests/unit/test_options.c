/* The command line (emu/options.c): QEMU's option names in one- and two-dash forms, -m sizes
 * as QEMU reads them, and one-line "rv39: ..." complaints for everything else. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/options.h"
#include "support/parse_options.h"

TestSuite(options, .fini = parsed_release);

static uint64_t ram_size_of(const char *text)
{
    uint64_t bytes = 0;
    const char *problem = NULL;
    cr_assert(options_parse_ram_size(text, &bytes, &problem), "'%s' should parse: %s", text,
              problem ? problem : "");
    return bytes;
}

static const char *ram_size_problem(const char *text)
{
    uint64_t bytes = 0xdead;
    const char *problem = NULL;
    cr_assert_not(options_parse_ram_size(text, &bytes, &problem), "'%s' should be rejected", text);
    cr_assert_eq(bytes, 0xdead, "a rejected size must not be stored");
    cr_assert_not_null(problem);
    return problem;
}

/* --- -m sizes (QEMU: a bare number is MiB; K, M, G, T suffixes) --------------------------- */

Test(options, ram_size_plain_number_is_mebibytes)
{
    cr_assert_eq(ram_size_of("128"), 128ull << 20);
}

Test(options, ram_size_suffixes_scale_by_powers_of_1024)
{
    cr_assert_eq(ram_size_of("2048K"), 2048ull << 10);
    cr_assert_eq(ram_size_of("64M"), 64ull << 20);
    cr_assert_eq(ram_size_of("1G"), 1ull << 30);
    cr_assert_eq(ram_size_of("4194304B"), 4ull << 20);
}

Test(options, ram_size_suffix_is_case_insensitive)
{
    cr_assert_eq(ram_size_of("1g"), 1ull << 30);
    cr_assert_eq(ram_size_of("512m"), 512ull << 20);
    cr_assert_eq(ram_size_of("4096k"), 4ull << 20);
}

Test(options, ram_size_accepts_qemu_size_equals_form)
{
    cr_assert_eq(ram_size_of("size=256M"), 256ull << 20);
}

Test(options, ram_size_bounds_are_inclusive)
{
    cr_assert_eq(ram_size_of("1M"), OPTIONS_MIN_RAM);
    cr_assert_eq(ram_size_of("16G"), OPTIONS_MAX_RAM);
}

Test(options, ram_size_below_minimum_is_rejected)
{
    cr_assert(strstr(ram_size_problem("512K"), "too small"));
    cr_assert(strstr(ram_size_problem("0"), "too small"));
}

Test(options, ram_size_above_maximum_is_rejected)
{
    cr_assert(strstr(ram_size_problem("17G"), "too large"));
    cr_assert(strstr(ram_size_problem("1T"), "too large"));
    cr_assert(strstr(ram_size_problem("99999999999999999999999"), "too large"));
    /* Large enough that number << shift would wrap if the check came after the shift. */
    cr_assert(strstr(ram_size_problem("17592186044416M"), "too large"));
}

Test(options, ram_size_must_be_whole_pages)
{
    cr_assert(strstr(ram_size_problem("1025K"), "multiple of 4K"));
    cr_assert(strstr(ram_size_problem("1048577B"), "multiple of 4K"));
}

Test(options, ram_size_rejects_garbage)
{
    ram_size_problem("");
    ram_size_problem("abc");
    ram_size_problem("-128");
    ram_size_problem("128X");
    ram_size_problem("128MM");
    ram_size_problem(" 128");
    cr_assert(strstr(ram_size_problem("1.5G"), "fractions"));
}

/* --- the option words ---------------------------------------------------------------------- */

Test(options, defaults_without_options)
{
    parse_words((const char *[]){"rv39", NULL});
    cr_assert_eq(parsed.outcome, OPTIONS_RUN);
    cr_assert_eq(parsed.opts.machine.ram_size, DEFAULT_RAM_SIZE);
    cr_assert_null(parsed.opts.machine.bios, "no -bios means none (no firmware yet)");
    cr_assert_null(parsed.opts.machine.kernel);
    cr_assert_null(parsed.opts.machine.append);
    cr_assert_not(parsed.opts.machine.stats);
    cr_assert_eq(parsed.opts.machine.console, stdout, "the console is the terminal");
    cr_assert_not(parsed.opts.tlb_given);
}

Test(options, qemu_single_dash_forms_are_accepted)
{
    PARSE("-bios", "none", "-kernel", "k.elf", "-append", "console=ttyS0", "-nographic", "-m",
          "256");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "stderr: %s", parsed.err);
    cr_assert_str_eq(parsed.opts.machine.bios, "none");
    cr_assert_str_eq(parsed.opts.machine.kernel, "k.elf");
    cr_assert_str_eq(parsed.opts.machine.append, "console=ttyS0");
    cr_assert(parsed.opts.machine.nographic);
    cr_assert_eq(parsed.opts.machine.ram_size, 256ull << 20);
}

Test(options, gnu_double_dash_forms_are_accepted)
{
    PARSE("--bios", "fw.bin", "--kernel=k.elf", "--memory=1G", "--stats", "--append", "x");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "stderr: %s", parsed.err);
    cr_assert_str_eq(parsed.opts.machine.bios, "fw.bin");
    cr_assert_str_eq(parsed.opts.machine.kernel, "k.elf");
    cr_assert_eq(parsed.opts.machine.ram_size, 1ull << 30);
    cr_assert(parsed.opts.machine.stats);
}

/* QEMU reads the word after the dash as the option's whole name: "-m512M" is no option. */
Test(options, m_takes_its_value_as_the_next_word)
{
    PARSE("-m", "64");
    cr_assert_eq(parsed.opts.machine.ram_size, 64ull << 20);
    parsed_release();
    PARSE("-m512M");
    cr_assert_eq(parsed.outcome, OPTIONS_ERROR);
    assert_one_line_error("-m512M: unknown option");
}

/* Options rv39 lacks are unknown, never read as a prefix or letter of another: "-monitor
 * stdio" used to be "-m onitor" (getopt_long_only) before rv39 had it, "-kern" an
 * abbreviation of -kernel; "-mem-prealloc" must not be -m either. */
Test(options, unknown_options_are_never_misparsed)
{
    static const char *words[][4] = {{"rv39", "-mem-prealloc", NULL, NULL},
                                     {"rv39", "-kern", "k.elf", NULL},
                                     {"rv39", "--mem-path=/dev/shm", NULL, NULL},
                                     {"rv39", "-no-reboot", NULL, NULL},
                                     {"rv39", "-ms", "64", NULL},
                                     {"rv39", "-Sx", NULL, NULL}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        parse_words(words[i]);
        cr_assert_eq(parsed.outcome, OPTIONS_ERROR, "%s must be refused", words[i][1]);
        cr_assert(strstr(parsed.err, "unknown option"), "%s: %s", words[i][1], parsed.err);
        cr_assert(strstr(parsed.err, words[i][1]), "the message names %s: %s", words[i][1],
                  parsed.err);
        parsed_release();
    }
}

/* What users paste from QEMU's documentation for Linux. */
Test(options, qemu_linux_command_line)
{
    PARSE("-M", "virt", "-m", "512M", "-nographic", "-kernel", "Image", "-initrd", "initrd.gz",
          "-append", "console=ttyS0", "-serial", "mon:stdio", "-dtb", "board.dtb", "-s");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "stderr: %s", parsed.err);
    cr_assert_str_eq(parsed.opts.machine.kernel, "Image");
    cr_assert_str_eq(parsed.opts.machine.initrd, "initrd.gz");
    cr_assert_str_eq(parsed.opts.machine.dtb, "board.dtb");
    cr_assert_eq(parsed.opts.gdb_port, 1234, "-s is -gdb tcp::1234");
    cr_assert_eq(parsed.opts.machine.ram_size, 512ull << 20);
    parsed_release();
    PARSE("-serial", "file:log.txt");
    cr_assert_eq(parsed.outcome, OPTIONS_ERROR);
    assert_one_line_error("-serial file:log.txt");
    parsed_release();
    PARSE("--stats=yes");
    cr_assert_eq(parsed.outcome, OPTIONS_ERROR);
    assert_one_line_error("takes no argument");
}

Test(options, later_option_overrides_earlier)
{
    PARSE("-kernel", "a.elf", "-kernel", "b.elf");
    cr_assert_str_eq(parsed.opts.machine.kernel, "b.elf");
}

Test(options, bad_memory_size_is_one_line_naming_the_value)
{
    PARSE("-m", "lots");
    assert_one_line_error("-m lots");
}

Test(options, unknown_long_option_is_one_line_naming_it)
{
    PARSE("-kernel", "k.elf", "--frobnicate");
    assert_one_line_error("--frobnicate");
    cr_assert(strstr(parsed.err, "unknown option"));
}

Test(options, unknown_short_option_is_one_line_naming_it)
{
    PARSE("-q");
    assert_one_line_error("-q");
}

Test(options, missing_argument_is_one_line_naming_the_option)
{
    PARSE("-kernel");
    assert_one_line_error("-kernel: missing argument");
}

Test(options, stray_argument_is_rejected)
{
    PARSE("k.elf");
    assert_one_line_error("k.elf: unexpected argument");
}

Test(options, version_prints_name_and_version_to_stdout)
{
    PARSE("--version");
    cr_assert_eq(parsed.outcome, OPTIONS_DONE);
    cr_assert_str_eq(parsed.out, "rv39 " RV39_VERSION "\n");
    cr_assert_str_empty(parsed.err);
}

Test(options, help_prints_usage_to_stdout)
{
    PARSE("-h");
    cr_assert_eq(parsed.outcome, OPTIONS_DONE);
    cr_assert(strstr(parsed.out, "Usage: rv39"), "help text: %s", parsed.out);
    cr_assert(strstr(parsed.out, "-kernel"), "help must list -kernel");
    cr_assert_str_empty(parsed.err);
}

/* Issue 16: --help agrees with the README: our firmware is the default -bios, and each
 * option is listed once. */
Test(options, help_agrees_with_the_readme)
{
    PARSE("-h");
    cr_assert(strstr(parsed.out, "default: rv39's own SBI firmware"), "%s", parsed.out);
    cr_assert_null(strstr(parsed.out, "'none' (the default)"), "-bios none is not the default");
    const char *first = strstr(parsed.out, "  -drive ");
    cr_assert(first && !strstr(first + 1, "  -drive "), "-drive is listed once: %s", parsed.out);
    cr_assert(strstr(parsed.out, "-monitor stdio"), "help lists -monitor stdio");
}

Test(options, parsing_twice_in_one_process_starts_afresh)
{
    /* getopt keeps global state; options_parse must reset it. */
    PARSE("-kernel", "a.elf");
    parsed_release();
    PARSE("-kernel", "b.elf", "-stats");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "stderr: %s", parsed.err);
    cr_assert_str_eq(parsed.opts.machine.kernel, "b.elf");
    cr_assert(parsed.opts.machine.stats);
}

Test(options, tlb_spec_is_parsed_and_kept)
{
    PARSE("-tlb", "sets=16,ways=2");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "stderr: %s", parsed.err);
    cr_assert(parsed.opts.tlb_given);
    cr_assert_str_eq(parsed.opts.tlb_spec, "sets=16,ways=2");
    cr_assert_eq(parsed.opts.tlb.sets, 16);
    cr_assert_eq(parsed.opts.tlb.ways, 2);
    cr_assert_eq(parsed.opts.tlb.super, TLB_DEFAULT_SUPER, "unnamed fields keep their default");
}

Test(options, bad_tlb_spec_is_one_line_error)
{
    PARSE("--tlb", "colour=blue");
    assert_one_line_error("-tlb colour=blue");
}

/* QEMU's own spellings, as guests' Makefiles use them (xv6: -machine virt -smp 3 -global
 * virtio-mmio.force-legacy=false -drive ...,if=none,id=x0 -device virtio-blk-device,...). */
Test(options, qemu_device_binds_a_drive_to_a_virtio_slot)
{
    PARSE("-machine", "virt", "-smp", "3", "-global", "virtio-mmio.force-legacy=false", "-drive",
          "file=fs.img,if=none,format=raw,id=x0", "-device",
          "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.3", "-kernel", "k");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "QEMU's xv6 command line must parse: %s", parsed.err);
    cr_assert_eq(parsed.opts.drive_count, 1);
    cr_assert_str_eq(parsed.opts.drives[0].id, "x0");
    cr_assert_eq(parsed.opts.drives[0].slot, 3, "bus=virtio-mmio-bus.3 means slot 3");
    cr_assert_not(parsed.opts.machine.virtio_legacy, "force-legacy=false: modern virtio-mmio");
    cr_assert_eq(parsed.opts.machine.harts, 3, "-smp 3: three harts");
}

/* -smp in QEMU's spellings; more harts than the board has is a one-line error. */
Test(options, smp_counts_harts)
{
    PARSE("-smp", "cpus=4", "-kernel", "k");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.machine.harts, 4);
    PARSE("-smp", "2,sockets=1,cores=2,threads=1,maxcpus=2", "-kernel", "k");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.machine.harts, 2);
    PARSE("-smp", "cores=8", "-kernel", "k");
    cr_assert_eq(parsed.opts.machine.harts, 8, "the topology alone gives the count");
    PARSE("-kernel", "k");
    cr_assert_eq(parsed.opts.machine.harts, 0, "no -smp: one hart (0 means 1)");
}

Test(options, smp_over_eight_is_one_line_error)
{
    PARSE("-smp", "9", "-kernel", "k");
    assert_one_line_error("-smp 9");
    cr_assert(strstr(parsed.err, "at most 8"), "%s", parsed.err);
}

Test(options, smp_bad_spellings_are_one_line_errors)
{
    PARSE("-smp", "0", "-kernel", "k");
    assert_one_line_error("-smp 0");
    PARSE("-smp", "2,maxcpus=4", "-kernel", "k");
    assert_one_line_error("-smp 2,maxcpus=4");
    PARSE("-smp", "4,cores=2", "-kernel", "k");
    assert_one_line_error("-smp 4,cores=2");
    PARSE("-smp", "two", "-kernel", "k");
    assert_one_line_error("-smp two");
}

Test(options, drive_without_device_takes_the_next_free_slot)
{
    PARSE("-drive", "file=a.img", "-kernel", "k");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN);
    cr_assert_eq(parsed.opts.drives[0].slot, -1, "no -device: slot chosen at attach time");
}

Test(options, device_naming_an_unknown_drive_is_an_error)
{
    PARSE("-device", "virtio-blk-device,drive=nope", "-kernel", "k");
    assert_one_line_error("no -drive with id=nope");
}

Test(options, device_of_another_kind_is_an_error)
{
    PARSE("-device", "e1000,netdev=n0", "-kernel", "k");
    assert_one_line_error("only virtio-blk-device");
}

Test(options, two_drives_cannot_share_a_bus)
{
    PARSE("-drive", "file=a,if=none,id=a", "-drive", "file=b,if=none,id=b", "-device",
          "virtio-blk-device,drive=a,bus=virtio-mmio-bus.0", "-device",
          "virtio-blk-device,drive=b,bus=virtio-mmio-bus.0", "-kernel", "k");
    assert_one_line_error("already in use");
}

/* QEMU 7.2's virtio-mmio property "force-legacy" defaults to true: legacy (version 1) unless
 * the command line says false; its booleans are on/yes/true/y and off/no/false/n. */
Test(options, virtio_mmio_is_legacy_unless_force_legacy_is_false)
{
    PARSE("-kernel", "k");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN);
    cr_assert(parsed.opts.machine.virtio_legacy, "QEMU's default is the legacy interface");
    static const char *const spellings[][2] = {
        {"virtio-mmio.force-legacy=true", "1"}, {"virtio-mmio.force-legacy=on", "1"},
        {"virtio-mmio.force-legacy=y", "1"},    {"virtio-mmio.force-legacy=false", ""},
        {"virtio-mmio.force-legacy=off", ""},   {"virtio-mmio.force-legacy=no", ""},
    };
    for (unsigned i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        parsed_release();
        PARSE("-global", spellings[i][0], "-kernel", "k");
        cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s must parse: %s", spellings[i][0], parsed.err);
        cr_assert_eq(parsed.opts.machine.virtio_legacy, spellings[i][1][0] != 0, "%s",
                     spellings[i][0]);
    }
    /* The last one on the line wins, as with QEMU's -global. */
    parsed_release();
    PARSE("-global", "virtio-mmio.force-legacy=false", "-global", "virtio-mmio.force-legacy=true",
          "-kernel", "k");
    cr_assert(parsed.opts.machine.virtio_legacy, "the later -global wins");
}

Test(options, unknown_globals_and_other_machines_are_refused)
{
    PARSE("-global", "virtio-mmio.force-legacy=maybe", "-kernel", "k");
    assert_one_line_error("force-legacy=true or");
    parsed_release();
    PARSE("-global", "virtio-pci.disable-legacy=on", "-kernel", "k");
    assert_one_line_error("virtio-pci.disable-legacy=on");
    parsed_release();
    PARSE("-machine", "sifive_u", "-kernel", "k");
    assert_one_line_error("virt board only");
}

Test(options, bios_default_means_rv39s_own_firmware)
{
    PARSE("-bios", "default", "-kernel", "k");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN);
    cr_assert_null(parsed.opts.machine.bios, "-bios default is the built-in firmware (NULL)");
}

/* --- options that need another, or name nothing --------------------------------------------- */

Test(options, start_halted_without_gdb_is_refused)
{
    /* QEMU's -S alone waits for a monitor command; rv39 has no monitor. */
    PARSE("-S", "-kernel", "x.elf");
    assert_one_line_error("-S: only with -gdb");
}

Test(options, start_halted_with_the_builtin_debugger_is_refused)
{
    PARSE("-debug", "-S", "-kernel", "x.elf");
    assert_one_line_error("-debug starts halted already");
}

Test(options, monitor_stdio_is_the_prompt)
{
    PARSE("-monitor", "stdio", "-S", "-kernel", "x.elf");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "QEMU's -S -monitor stdio: %s", parsed.err);
    cr_assert(parsed.opts.debug && parsed.opts.monitor, "the prompt at start, guest stopped");
    parsed_release();
    PARSE("-monitor", "vc", "-kernel", "x.elf");
    assert_one_line_error("-monitor vc: only stdio is supported");
}

Test(options, start_halted_with_gdb_is_accepted)
{
    PARSE("-gdb", "1234", "-S", "-kernel", "x.elf");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert(parsed.opts.start_halted);
}

Test(options, empty_tlb_spec_is_refused)
{
    PARSE("--tlb", "", "-kernel", "x.elf");
    assert_one_line_error("-tlb '': empty field");
}

Test(options, tlb_spec_with_an_empty_field_is_refused)
{
    static const char *const specs[] = {",", "sets=16,", ",ways=2", "sets=16,,ways=2"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        parsed_release();
        PARSE("-tlb", specs[i]);
        assert_one_line_error("empty field");
    }
}

/* --- -display sdl: a window or an error (README) ---------------------------------------------- */

static void no_display(void)
{
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    unsetenv("SDL_VIDEODRIVER");
}

Test(options, display_sdl_without_a_display_is_refused)
{
    no_display();
    PARSE("-display", "sdl", "-kernel", "x.elf");
    assert_one_line_error("-display sdl: no display");
}

Test(options, display_sdl_with_sdls_headless_drivers_is_refused)
{
    static const char *const drivers[] = {"dummy", "offscreen"};
    for (size_t i = 0; i < 2; i++) {
        parsed_release();
        setenv("DISPLAY", ":0", 1);
        setenv("SDL_VIDEODRIVER", drivers[i], 1);
        PARSE("-display", "sdl", "-kernel", "x.elf");
        assert_one_line_error("shows no window");
    }
}

Test(options, display_sdl_with_a_display_is_accepted)
{
    no_display();
    setenv("WAYLAND_DISPLAY", "wayland-0", 1);
    PARSE("-display", "sdl", "-kernel", "x.elf");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.display, DISPLAY_SDL);
}

Test(options, nographic_needs_no_display_even_after_display_sdl)
{
    no_display();
    PARSE("-display", "sdl", "-nographic", "-kernel", "x.elf");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.display, DISPLAY_NONE);
}

/* --- -screenshot: checked before the run, written after it --------------------------------- */

Test(options, screenshot_into_a_missing_directory_is_refused_at_start)
{
    PARSE("-nographic", "-screenshot", "/nonexistent-rv39-dir/shot.png", "-kernel", "x.elf");
    assert_one_line_error("-screenshot /nonexistent-rv39-dir/shot.png: cannot create it in "
                          "/nonexistent-rv39-dir: No such file or directory");
}

Test(options, screenshot_onto_a_directory_is_refused_at_start)
{
    PARSE("-screenshot", "/tmp", "-kernel", "x.elf");
    assert_one_line_error("is a directory");
}

Test(options, screenshot_to_a_new_file_is_accepted_and_not_created_yet)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/rv39-options-shot-%d.png", (int)getpid());
    unlink(path);
    PARSE("-screenshot", path, "-kernel", "x.elf");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_str_eq(parsed.opts.screenshot, path);
    cr_assert_neq(access(path, F_OK), 0, "the check must not create the file");
}

/* --- -loadvm: start from a snapshot file (emu/snapshot_file.h) ------------------------------ */

Test(options, loadvm_takes_a_file)
{
    PARSE("-loadvm", "snap.rv39", "-kernel", "x.elf");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_str_eq(parsed.opts.loadvm_file, "snap.rv39");
    parsed_release();
    PARSE("--loadvm=snap.rv39");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_str_eq(parsed.opts.loadvm_file, "snap.rv39");
}

Test(options, loadvm_without_a_file_is_refused)
{
    PARSE("-loadvm", "");
    assert_one_line_error("-loadvm: expected a file name");
}

Test(options, loadvm_with_record_or_replay_is_refused)
{
    PARSE("-loadvm", "snap.rv39", "-record", "run.log");
    assert_one_line_error("-loadvm and -record: not together");
    parsed_release();
    PARSE("-loadvm", "snap.rv39", "-replay", "run.log");
    assert_one_line_error("-loadvm and -replay: not together");
}
