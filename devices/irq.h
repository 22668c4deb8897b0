/* An interrupt wire from a device to whatever consumes it (the hart's mip bits now, the PLIC
 * later). Devices only ever see this struct, never the CPU. */
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
