/* The Goldfish RTC as Linux's rtc-goldfish driver uses it: the time (ns since the epoch, read
 * TIME_LOW first: it latches TIME_HIGH) is the host's wall-clock time and runs; an alarm
 * raises PLIC source 11, which the handler clears with CLEAR_INTERRUPT. Runs on rv39 and on
 * QEMU (qemu-diff/priv/rtc). */
#include "priv.h"

#define RTC 0x101000ul
#define REG(off) (*(volatile uint32_t *)(RTC + (off)))
#define TIME_LOW 0x00
#define TIME_HIGH 0x04
#define ALARM_LOW 0x08
#define ALARM_HIGH 0x0c
#define IRQ_ENABLED 0x10
#define ALARM_STATUS 0x18
#define CLEAR_INTERRUPT 0x1c
#define RTC_IRQ 11

#define PLIC 0x0c000000ul
#define PLIC_PRIORITY(src) ((volatile uint32_t *)(PLIC + 4 * (src)))
#define PLIC_MENABLE ((volatile uint32_t *)(PLIC + 0x2000)) /* context 0: hart 0 M */
#define PLIC_MTHRESHOLD ((volatile uint32_t *)(PLIC + 0x200000))
#define PLIC_MCLAIM ((volatile uint32_t *)(PLIC + 0x200004))
#define MIE_MEIE (1ul << 11)

#define SECOND 1000000000ul
#define Y2020 (1577836800ul * SECOND)
#define Y2100 (4102444800ul * SECOND)

static uint64_t rtc_time(void)
{
    uint64_t lo = REG(TIME_LOW);
    return lo | (uint64_t)REG(TIME_HIGH) << 32;
}

static volatile uint64_t alarms, fired_at;

static int m_irq_hook(struct pframe *f)
{
    if (!(f->cause >> 63)) return 0;
    if ((f->cause & 63) != IRQ_MEI) exit(250);
    uint32_t irq = *PLIC_MCLAIM;
    if (irq == RTC_IRQ) {
        fired_at = rtc_time();
        alarms++;
        REG(CLEAR_INTERRUPT) = 1;
    }
    if (irq) *PLIC_MCLAIM = irq;
    return 1;
}

int main(void)
{
    priv_init();
    m_hook = m_irq_hook;
    uint64_t t0 = rtc_time();
    printf("~ rtc: %lu s since the epoch\n", t0 / SECOND);
    CHECK("the time is the host's: after 2020", t0 > Y2020, 1);
    CHECK("and before 2100", t0 < Y2100, 1);
    uint64_t t1;
    for (unsigned i = 0; (t1 = rtc_time()) == t0 && i < 10000000; i++)
        ;
    CHECK("the clock runs", t1 > t0, 1);

    *PLIC_PRIORITY(RTC_IRQ) = 1;
    *PLIC_MENABLE = 1u << RTC_IRQ;
    *PLIC_MTHRESHOLD = 0;
    REG(IRQ_ENABLED) = 1;
    uint64_t at = rtc_time() + SECOND / 50; /* 20 ms from now */
    REG(ALARM_HIGH) = (uint32_t)(at >> 32);
    REG(ALARM_LOW) = (uint32_t)at;
    CHECK("the alarm is armed", REG(ALARM_STATUS), 1);
    csr_set(mie, MIE_MEIE);
    csr_set(mstatus, MSTATUS_MIE);
    while (!alarms && rtc_time() < at + 2 * SECOND)
        ;
    csr_clear(mstatus, MSTATUS_MIE);
    csr_clear(mie, MIE_MEIE);
    CHECK("the alarm interrupt came once", alarms, 1);
    CHECK("not before its time", fired_at >= at, 1);
    CHECK("and it is no longer armed", REG(ALARM_STATUS), 0);
    return done("rtc");
}
