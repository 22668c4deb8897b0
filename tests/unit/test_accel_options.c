/* -accel tcg[,thread=multi|single] (emu/options.c): QEMU's spelling of the choice between
 * harts on host threads and harts in turn on one (emu/machine_threads.h). */
#include <criterion/criterion.h>

#include "emu/options.h"
#include "support/parse_options.h"

TestSuite(accel, .fini = parsed_release);

Test(accel, default_leaves_the_choice_to_smp)
{
    PARSE("-kernel", "k.elf");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN);
    cr_assert_eq(parsed.opts.accel_thread, ACCEL_THREAD_DEFAULT);
    parsed_release();
    PARSE("-accel", "tcg");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.accel_thread, ACCEL_THREAD_DEFAULT);
}

Test(accel, thread_multi_and_single)
{
    PARSE("-accel", "tcg,thread=multi");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.accel_thread, ACCEL_THREAD_MULTI);
    parsed_release();
    PARSE("--accel=tcg,thread=single");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.accel_thread, ACCEL_THREAD_SINGLE);
}

Test(accel, other_accelerators_and_properties_are_refused)
{
    PARSE("-accel", "kvm");
    cr_assert_eq(parsed.outcome, OPTIONS_ERROR);
    assert_one_line_error("-accel kvm");
    parsed_release();
    PARSE("-accel", "tcg,thread=many");
    cr_assert_eq(parsed.outcome, OPTIONS_ERROR);
    assert_one_line_error("thread=multi|single");
}
