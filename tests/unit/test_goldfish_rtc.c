/* The Goldfish RTC (devices/goldfish_rtc.c) against a clock the test controls: time reads
 * latch the high half, time writes move the guest's clock and keep it running, the alarm
 * fires once its time has come (at once if already past), interrupts follow IRQ_ENABLED and
 * CLEAR_INTERRUPT, and only 32-bit accesses are accepted (as QEMU's model). */
#include <criterion/criterion.h>

#include "devices/goldfish_rtc.h"

enum {
    TIME_LOW = 0,
    TIME_HIGH = 4,
    ALARM_LOW = 8,
    ALARM_HIGH = 0xc,
    IRQ_ENABLED = 0x10,
    CLEAR_ALARM = 0x14,
    ALARM_STATUS = 0x18,
    CLEAR_INTERRUPT = 0x1c
};

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
    return fake_now;
}

struct wire {
    bool level;
    unsigned requests;
};
static struct wire wire;
static void wire_set(void *opaque, unsigned num, bool level)
{
    struct wire *w = opaque;
    cr_assert_eq(num, GOLDFISH_RTC_IRQ);
    w->level = level;
    w->requests += level;
}

static struct goldfish_rtc rtc;
static void setup(void)
{
    fake_now = 0x123456789abcdef0ull;
    wire = (struct wire){0};
    goldfish_rtc_init(&rtc, (struct irq_line){wire_set, &wire, GOLDFISH_RTC_IRQ}, fake_clock);
}

static uint32_t rd(uint64_t off)
{
    uint64_t v = ~0ull;
    cr_assert(goldfish_rtc_read(&rtc, off, 4, &v), "32-bit read at %#llx", (unsigned long long)off);
    cr_assert_leq(v, 0xffffffffull);
    return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
    cr_assert(goldfish_rtc_write(&rtc, off, 4, v), "32-bit write at %#llx",
              (unsigned long long)off);
}

static uint64_t read_time(void)
{
    uint64_t lo = rd(TIME_LOW);
    return lo | (uint64_t)rd(TIME_HIGH) << 32;
}

TestSuite(goldfish_rtc, .init = setup);

Test(goldfish_rtc, time_is_the_clock_and_time_low_latches_high)
{
    cr_assert_eq(read_time(), 0x123456789abcdef0ull);
    uint32_t lo = rd(TIME_LOW);
    fake_now += 1ull << 32; /* the high half moves between the two reads */
    cr_assert_eq(rd(TIME_HIGH), 0x12345678u, "TIME_HIGH is the half latched by TIME_LOW");
    cr_assert_eq(lo, 0x9abcdef0u);
}

Test(goldfish_rtc, host_clock_is_wall_time)
{
    struct goldfish_rtc real;
    goldfish_rtc_init(&real, (struct irq_line){0}, NULL);
    uint64_t lo, hi;
    cr_assert(goldfish_rtc_read(&real, TIME_LOW, 4, &lo));
    cr_assert(goldfish_rtc_read(&real, TIME_HIGH, 4, &hi));
    uint64_t t = lo | hi << 32;
    cr_assert_gt(t, 1577836800ull * 1000000000ull, "after 2020-01-01: the host's wall clock");
}

Test(goldfish_rtc, writing_the_time_sets_the_guest_clock_which_keeps_running)
{
    wr(TIME_HIGH, 0x1);
    wr(TIME_LOW, 0x2);
    cr_assert_eq(read_time(), 0x100000002ull);
    fake_now += 1000;
    cr_assert_eq(read_time(), 0x100000002ull + 1000, "the clock runs on from the set time");
}

Test(goldfish_rtc, alarm_fires_when_its_time_comes)
{
    wr(IRQ_ENABLED, 1);
    cr_assert_eq(rd(IRQ_ENABLED), 1);
    uint64_t at = fake_now + 5000;
    wr(ALARM_HIGH, (uint32_t)(at >> 32));
    wr(ALARM_LOW, (uint32_t)at);
    cr_assert_eq(rd(ALARM_STATUS), 1, "armed");
    cr_assert_eq(rd(ALARM_LOW) | (uint64_t)rd(ALARM_HIGH) << 32, at);
    fake_now += 4999;
    goldfish_rtc_update(&rtc);
    cr_assert_not(wire.level, "not yet");
    fake_now += 1;
    goldfish_rtc_update(&rtc);
    cr_assert(wire.level, "the alarm's time: the interrupt rises");
    cr_assert_eq(wire.requests, 1);
    cr_assert_eq(rd(ALARM_STATUS), 0, "a fired alarm is no longer armed");
    goldfish_rtc_update(&rtc);
    cr_assert_eq(wire.requests, 1, "it fires once");
    wr(CLEAR_INTERRUPT, 1);
    cr_assert_not(wire.level, "CLEAR_INTERRUPT drops the line");
}

Test(goldfish_rtc, alarm_in_the_past_fires_at_once_and_clear_alarm_disarms)
{
    wr(IRQ_ENABLED, 1);
    wr(ALARM_HIGH, 0);
    wr(ALARM_LOW, 5);
    cr_assert(wire.level, "an alarm already past fires at the ALARM_LOW write");
    wr(CLEAR_INTERRUPT, 1);
    uint64_t at = fake_now + 10;
    wr(ALARM_HIGH, (uint32_t)(at >> 32));
    wr(ALARM_LOW, (uint32_t)at);
    wr(CLEAR_ALARM, 1);
    cr_assert_eq(rd(ALARM_STATUS), 0);
    fake_now += 100;
    goldfish_rtc_update(&rtc);
    cr_assert_not(wire.level, "a cleared alarm does not fire");
}

Test(goldfish_rtc, interrupt_waits_for_irq_enabled)
{
    wr(ALARM_HIGH, 0);
    wr(ALARM_LOW, 5);
    cr_assert_not(wire.level, "pending but not enabled");
    wr(IRQ_ENABLED, 1);
    cr_assert(wire.level, "enabling delivers the pending interrupt");
}

Test(goldfish_rtc, only_aligned_32_bit_accesses)
{
    uint64_t v;
    cr_assert_not(goldfish_rtc_read(&rtc, TIME_LOW, 8, &v), "8-byte read refused");
    cr_assert_not(goldfish_rtc_read(&rtc, TIME_LOW, 1, &v), "1-byte read refused");
    cr_assert_not(goldfish_rtc_write(&rtc, TIME_LOW, 2, 0), "2-byte write refused");
    cr_assert_not(goldfish_rtc_read(&rtc, 2, 4, &v), "misaligned read refused");
    cr_assert_eq(rd(0x20), 0, "an unimplemented offset reads 0");
}
