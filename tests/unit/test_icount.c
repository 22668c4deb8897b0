/* Deterministic execution (-icount): the options (emu/options_time.c) and the timebase's
 * instruction-count mode (devices/timebase.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cmo.h" /* ENVCFG_STCE */
#include "cpu/csr_numbers.h"
#include "devices/timebase.h"
#include "emu/options.h"
#include "support/harness.h"
#include "support/parse_options.h"

static void release(void)
{
    parsed_release();
    timebase_init(); /* back to host time */
}

TestSuite(icount, .fini = release);

/* --- the options ------------------------------------------------------------------------ */

Test(icount, off_by_default)
{
    PARSE("-kernel", "k.elf");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN);
    cr_assert_not(parsed.opts.machine.icount);
    cr_assert_eq(parsed.opts.machine.state_hash_every, 0);
}

Test(icount, shift_in_qemu_spellings)
{
    PARSE("-icount", "shift=7");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert(parsed.opts.machine.icount);
    cr_assert_eq(parsed.opts.machine.icount_shift, 7);
    release();
    PARSE("--icount=0");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.machine.icount_shift, 0);
    release();
    PARSE("-icount", "shift=10,sleep=off");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.machine.icount_shift, 10);
}

Test(icount, shift_auto_is_refused_with_the_reason)
{
    PARSE("-icount", "shift=auto");
    assert_one_line_error("shift=auto is not supported");
    release();
    PARSE("-icount", "auto");
    assert_one_line_error("shift=auto is not supported");
}

Test(icount, sleep_on_is_refused)
{
    PARSE("-icount", "shift=3,sleep=on");
    assert_one_line_error("sleep=on is not supported");
}

Test(icount, bad_shifts_are_refused)
{
    const char *bad[] = {"11",       "shift=-1", "shift=",    "x",
                         "shift=3x", "",         "sleep=off", "shift=3,align=on"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        PARSE("-icount", bad[i]);
        assert_one_line_error("-icount");
        release();
    }
}

/* Without -rtc the RTC under -icount starts at a fixed date, so `date` in the guest is
 * deterministic too. */
Test(icount, rtc_base_defaults_to_a_fixed_date)
{
    PARSE("-icount", "1");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN);
    cr_assert_eq(parsed.opts.machine.rtc_base_ns, 946684800ull * 1000000000ull);
}

Test(icount, rtc_base_date_is_utc)
{
    PARSE("-icount", "1", "-rtc", "base=2024-02-29T12:34:56,clock=vm");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.machine.rtc_base_ns, 1709210096ull * 1000000000ull);
    release();
    PARSE("-icount", "1", "-rtc", "base=1970-01-02");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.machine.rtc_base_ns, 86400ull * 1000000000ull);
}

Test(icount, rtc_problems_are_one_line_errors)
{
    PARSE("-rtc", "base=2024-01-01");
    assert_one_line_error("only with -icount");
    release();
    PARSE("-icount", "1", "-rtc", "clock=host");
    assert_one_line_error("clock=host");
    release();
    PARSE("-icount", "1", "-rtc", "base=2024-13-01");
    assert_one_line_error("base=2024-13-01");
    release();
    PARSE("-icount", "1", "-rtc", "driftfix=slew");
    assert_one_line_error("unknown item");
}

Test(icount, state_hash_every_needs_a_positive_count)
{
    PARSE("-state-hash-every", "1000");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN);
    cr_assert_eq(parsed.opts.machine.state_hash_every, 1000);
    release();
    PARSE("-state-hash-every", "0");
    assert_one_line_error("-state-hash-every");
    release();
    PARSE("-state-hash-every", "-5");
    assert_one_line_error("-state-hash-every");
}

/* --- the timebase ------------------------------------------------------------------------ */

/* 2^shift ns per instruction, mtime at 10 MHz: 100 ns per tick. */
Test(icount, mtime_follows_retired_instructions)
{
    uint64_t retired = 1000;
    timebase_init();
    timebase_icount(3, &retired); /* mtime 0 at the switch */
    cr_assert(timebase_is_icount());
    cr_assert_eq(timebase_now(), 0);
    retired += 100; /* 800 ns */
    cr_assert_eq(timebase_now(), 8);
    retired += 1000000; /* +8 ms */
    cr_assert_eq(timebase_now(), 80008);
    cr_assert_eq(timebase_guest_ns(), 1001100ull * 8);
}

Test(icount, mtime_writes_and_idle_skips)
{
    uint64_t retired = 0;
    timebase_init();
    timebase_icount(0, &retired);
    timebase_set(5000);
    cr_assert_eq(timebase_now(), 5000);
    retired += 250; /* 2.5 ticks */
    cr_assert_eq(timebase_now(), 5002);
    timebase_skip_to(9000); /* the hart idles until a deadline: time goes there at once */
    cr_assert_eq(timebase_now(), 9000);
    timebase_skip_to(100); /* a past deadline changes nothing */
    cr_assert_eq(timebase_now(), 9000);
    retired += 50; /* the half tick left over from before completes */
    cr_assert_eq(timebase_now(), 9001);
    cr_assert_eq(timebase_guest_ns(), 300 + 3998 * 100);
}

Test(icount, host_time_mode_ignores_skips)
{
    timebase_init();
    cr_assert_not(timebase_is_icount());
    uint64_t before = timebase_now();
    timebase_skip_to(before + 1000000000ull);
    cr_assert_lt(timebase_now(), before + 1000000000ull);
}

/* --- the hart under -icount: the time CSR and Sstc's STIP ------------------------------- */

static void hart_fini(void)
{
    harness_fini();
    timebase_init();
}

TestSuite(icount_hart, .init = harness_init, .fini = hart_fini);

/* 1000 instructions then `csrr x5, time` then a jump to itself (where a run stops). */
static void count_then_read_time(void)
{
    for (int i = 0; i < 1000; i++)
        put32(i_addi(0, 0, 0));
    put32(i_csrrs(5, CSR_TIME, 0));
    put32(enc_j(0, 0, OPC_JAL));
}

/* Zicntr: time counts mtime; here 128 ns per instruction, so 1000 retired before the read
 * are 128000 ns, 1280 ticks of 100 ns, exactly: counters are synchronised before a CSR
 * instruction, whatever the run's budget. */
Test(icount_hart, time_csr_reads_the_exact_instruction_count)
{
    timebase_icount(7, &hart.stats.retired);
    count_then_read_time();
    cpu_run(&hart, 100000);
    cr_assert_eq(hart.x[5], 1280, "time = %llu, 1280 expected", (unsigned long long)hart.x[5]);
}

/* Sstc: STIP is time >= stimecmp, looked at when a run starts: an instruction count. */
Test(icount_hart, sstc_stip_rises_at_an_instruction_count)
{
    timebase_icount(7, &hart.stats.retired);
    hart.menvcfg |= ENVCFG_STCE;
    hart.stimecmp = 1281;
    count_then_read_time();
    cpu_run(&hart, 1001); /* stops at the jump: 1002 retired, 1282.56 ticks */
    cr_assert_not(hart.mip & MIP_STIP, "STIP is only looked at when a run starts");
    cpu_run(&hart, 1);
    cr_assert(hart.mip & MIP_STIP, "time 1282 >= stimecmp 1281: STIP set");
}
