/* CLINT (SiFive core-local interruptor) for one hart, as on QEMU's virt board:
 * msip at +0x0, mtimecmp at +0x4000, mtime at +0xbff8 (10 MHz, devices/timebase.h). */
#ifndef RV39_CLINT_H
#define RV39_CLINT_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define CLINT_BASE 0x2000000ull
#define CLINT_SIZE 0x10000ull

struct clint {
    uint32_t msip;
    uint64_t mtimecmp;
    struct irq_line msip_irq, mtip_irq;
};

void clint_init(struct clint *c, struct irq_line msip_irq, struct irq_line mtip_irq);
bool clint_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bool clint_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);
/* Compare mtime with mtimecmp and drive MTIP; the machine calls this between slices. */
void clint_update(struct clint *c);

#endif
