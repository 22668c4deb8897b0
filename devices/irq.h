/* An interrupt wire from a device to whatever consumes it (the hart's mip bits, the PLIC).
 * Devices only ever see this struct, never the CPU.
 *
 * A device calls irq_set() whenever it re-evaluates its interrupt condition, with the level
 * that condition gives, not only when the level changes: as QEMU's devices call
 * qemu_set_irq(). For the hart's mip bits only the level counts; for the PLIC each call with
 * the level high is a new request (devices/plic.c, "Gateways"), so a device calls it at the
 * points where the QEMU model of that device does, no more often. */
#ifndef RV39_IRQ_H
#define RV39_IRQ_H

#include <stdbool.h>

struct irq_line {
    void (*set)(void *opaque, unsigned num, bool level);
    void *opaque;
    unsigned num;
};

static inline void irq_set(const struct irq_line *line, bool level)
{
    if (line->set) line->set(line->opaque, line->num, level);
}

#endif
