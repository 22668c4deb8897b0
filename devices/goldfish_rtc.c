/* Goldfish RTC, as QEMU models it (hw/rtc/goldfish_rtc.c) and Linux drives it
 * (drivers/rtc/rtc-goldfish.c). Register map, 32-bit registers:
 *
 *   +0x00 TIME_LOW         read: low 32 bits of the time in ns, latching the high 32 bits;
 *                          write: replace the low 32 bits of the time
 *   +0x04 TIME_HIGH        read: the latched high bits; write: replace the high 32 bits
 *   +0x08 ALARM_LOW        write: low bits of the alarm time, and arm it (fires at once if
 *                          the time has passed); read: back
 *   +0x0c ALARM_HIGH       write/read: high bits of the alarm time (write it first)
 *   +0x10 IRQ_ENABLED      bit 0: the alarm interrupt reaches the PLIC
 *   +0x14 CLEAR_ALARM      write: disarm
 *   +0x18 ALARM_STATUS     read: 1 while armed
 *   +0x1c CLEAR_INTERRUPT  write: drop the pending alarm interrupt
 *
 * Guest time is the host's wall clock plus an offset the guest sets by writing the time; it
 * keeps running while the guest does, as QEMU's default rtc_clock (host) does. */
#include "goldfish_rtc.h"

#include <time.h>

enum {
    RTC_TIME_LOW = 0x00,
    RTC_TIME_HIGH = 0x04,
    RTC_ALARM_LOW = 0x08,
    RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10,
    RTC_CLEAR_ALARM = 0x14,
    RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

static uint64_t host_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void goldfish_rtc_init(struct goldfish_rtc *r, struct irq_line irq, uint64_t (*clock_ns)(void))
{
    *r = (struct goldfish_rtc){.clock_ns = clock_ns ? clock_ns : host_realtime_ns, .irq = irq};
}

static uint64_t now(const struct goldfish_rtc *r)
{
    return r->clock_ns() + (uint64_t)r->offset_ns;
}

/* Signal the line (devices/irq.h): where QEMU's goldfish_rtc_update is called. */
static void update_irq(struct goldfish_rtc *r)
{
    irq_set(&r->irq, r->irq_pending && r->irq_enabled);
}

static void fire(struct goldfish_rtc *r)
{
    r->alarm_running = false;
    r->irq_pending = true;
    update_irq(r);
}

void goldfish_rtc_update(struct goldfish_rtc *r)
{
    if (r->alarm_running && now(r) >= r->alarm_ns) fire(r);
}

/* Replace `bits` bits of the time at `shift` with `value`, keeping the clock running. */
static void set_time_bits(struct goldfish_rtc *r, unsigned shift, uint32_t value)
{
    uint64_t current = now(r);
    uint64_t mask = 0xffffffffull << shift;
    uint64_t wanted = (current & ~mask) | ((uint64_t)value << shift);
    r->offset_ns += (int64_t)(wanted - current);
}

bool goldfish_rtc_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct goldfish_rtc *r = opaque;
    if (size != 4 || (offset & 3)) return false;
    switch (offset) {
    case RTC_TIME_LOW: {
        uint64_t t = now(r);
        r->time_high = (uint32_t)(t >> 32);
        *value = (uint32_t)t;
        break;
    }
    case RTC_TIME_HIGH: *value = r->time_high; break;
    case RTC_ALARM_LOW: *value = (uint32_t)r->alarm_ns; break;
    case RTC_ALARM_HIGH: *value = (uint32_t)(r->alarm_ns >> 32); break;
    case RTC_IRQ_ENABLED: *value = r->irq_enabled; break;
    case RTC_ALARM_STATUS: *value = r->alarm_running; break;
    default: *value = 0; break; /* QEMU: unimplemented offsets read 0 */
    }
    return true;
}

bool goldfish_rtc_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct goldfish_rtc *r = opaque;
    if (size != 4 || (offset & 3)) return false;
    uint32_t v = (uint32_t)value;
    switch (offset) {
    case RTC_TIME_LOW: set_time_bits(r, 0, v); break;
    case RTC_TIME_HIGH: set_time_bits(r, 32, v); break;
    case RTC_ALARM_LOW:
        r->alarm_ns = (r->alarm_ns & ~0xffffffffull) | v;
        r->alarm_running = true;
        goldfish_rtc_update(r); /* an alarm in the past fires at once */
        break;
    case RTC_ALARM_HIGH: r->alarm_ns = (r->alarm_ns & 0xffffffffull) | ((uint64_t)v << 32); break;
    case RTC_IRQ_ENABLED:
        r->irq_enabled = v & 1;
        update_irq(r);
        break;
    case RTC_CLEAR_ALARM: r->alarm_running = false; break;
    case RTC_CLEAR_INTERRUPT:
        r->irq_pending = false;
        update_irq(r);
        break;
    default: break; /* QEMU: unimplemented offsets ignore writes */
    }
    return true;
}
