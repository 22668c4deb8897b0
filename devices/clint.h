/* CLINT (SiFive core-local interruptor, RISC-V ACLINT's MSWI + MTIMER) for up to
 * CLINT_MAX_HARTS harts, as on QEMU's virt board: hart h's msip at +0x4*h, its mtimecmp at
 * +0x4000 + 0x8*h, the shared mtime at +0xbff8 (10 MHz, devices/timebase.h). */
#ifndef RV39_CLINT_H
#define RV39_CLINT_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define CLINT_BASE 0x2000000ull
#define CLINT_SIZE 0x10000ull
#define CLINT_MAX_HARTS 8

struct clint {
    unsigned nharts;
    uint32_t msip[CLINT_MAX_HARTS];
    uint64_t mtimecmp[CLINT_MAX_HARTS];
    struct irq_line msip_irq[CLINT_MAX_HARTS], mtip_irq[CLINT_MAX_HARTS];
};

/* nharts (1..CLINT_MAX_HARTS) harts; hart h's MSIP and MTIP wires are msip_irq[h], mtip_irq[h]. */
void clint_init(struct clint *c, unsigned nharts, const struct irq_line msip_irq[],
                const struct irq_line mtip_irq[]);
bool clint_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bool clint_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);
/* Compare mtime with each mtimecmp and drive MTIP; the machine calls this between slices. */
void clint_update(struct clint *c);

#endif
