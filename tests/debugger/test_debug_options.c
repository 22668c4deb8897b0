/* The debugger's command-line options (emu/options.c): --debug, --gdb PORT in QEMU's
 * spellings (PORT, :PORT, tcp::PORT), -S, and what they refuse. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "emu/options.h"

static enum options_outcome parse(struct options *o, int argc, char **argv)
{
    FILE *sink = fopen("/dev/null", "w");
    enum options_outcome r = options_parse(argc, argv, o, sink, sink);
    fclose(sink);
    return r;
}

Test(debug_options, debug_flag_starts_the_debugger)
{
    struct options o;
    char *argv[] = {"rv39", "--debug", "-kernel", "x.elf", NULL};
    cr_assert_eq(parse(&o, 4, argv), OPTIONS_RUN);
    cr_assert(o.debug, "--debug must set debug");
    cr_assert_eq(o.gdb_port, 0, "no --gdb: no port");
}

Test(debug_options, gdb_port_accepts_qemu_spellings)
{
    const char *forms[] = {"1234", ":1234", "tcp::1234"};
    for (unsigned i = 0; i < 3; i++) {
        struct options o;
        char *argv[] = {"rv39", "-gdb", (char *)forms[i], "-S", "-kernel", "x.elf", NULL};
        cr_assert_eq(parse(&o, 6, argv), OPTIONS_RUN, "-gdb %s must parse", forms[i]);
        cr_assert_eq(o.gdb_port, 1234, "-gdb %s is port 1234", forms[i]);
        cr_assert(o.start_halted, "-S must set start_halted");
    }
}

Test(debug_options, gdb_port_out_of_range_is_an_error)
{
    const char *bad[] = {"0", "65536", "tcp::", "port"};
    for (unsigned i = 0; i < 4; i++) {
        struct options o;
        char *argv[] = {"rv39", "--gdb", (char *)bad[i], "-kernel", "x.elf", NULL};
        cr_assert_eq(parse(&o, 5, argv), OPTIONS_ERROR, "--gdb %s must be refused", bad[i]);
    }
}

Test(debug_options, debug_and_gdb_together_are_refused)
{
    struct options o;
    char *argv[] = {"rv39", "--debug", "--gdb", "1234", "-kernel", "x.elf", NULL};
    cr_assert_eq(parse(&o, 6, argv), OPTIONS_ERROR, "one debugger at a time");
}
