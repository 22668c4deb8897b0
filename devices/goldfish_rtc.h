/* The Goldfish real-time clock ("google,goldfish-rtc") at 0x101000 on QEMU's virt board, irq
 * 11: nanoseconds since the Unix epoch, read from the host's wall clock, with one alarm.
 * Linux's rtc-goldfish driver sets the system time from it at boot, so `date` in a guest is
 * right. Registers are 32 bits wide and accessed with 32-bit loads and stores only (other
 * sizes fault, as on QEMU). */
#ifndef RV39_GOLDFISH_RTC_H
#define RV39_GOLDFISH_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define GOLDFISH_RTC_BASE 0x101000ull
#define GOLDFISH_RTC_SIZE 0x1000ull
#define GOLDFISH_RTC_IRQ 11 /* PLIC source on QEMU virt */

struct goldfish_rtc {
    uint64_t (*clock_ns)(void); /* host wall clock, ns since the epoch (a test may replace it) */
    int64_t offset_ns;          /* what guest writes to TIME_LOW/TIME_HIGH added to the clock */
    uint64_t alarm_ns;          /* ALARM_HIGH:ALARM_LOW */
    uint32_t time_high;         /* latched by a TIME_LOW read */
    bool alarm_running, irq_pending, irq_enabled;
    struct irq_line irq;
};

/* clock_ns NULL: the host's CLOCK_REALTIME. */
void goldfish_rtc_init(struct goldfish_rtc *r, struct irq_line irq, uint64_t (*clock_ns)(void));
bool goldfish_rtc_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bool goldfish_rtc_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);
/* Fire the alarm if its time has come; the machine calls this between slices. */
void goldfish_rtc_update(struct goldfish_rtc *r);

#endif
