/* RISC-V PLIC (platform-level interrupt controller) as QEMU's virt board presents it for up
 * to PLIC_MAX_HARTS harts: sources 1..95, context 2h = hart h M-mode (drives its MEIP),
 * context 2h+1 = hart h S-mode (drives its SEIP). Register map and behaviour in
 * devices/plic.c. */
#ifndef RV39_PLIC_H
#define RV39_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define PLIC_BASE 0x0c000000ull
#define PLIC_SIZE 0x600000ull
#define PLIC_SOURCES 96 /* ids 0..95; id 0 means "no interrupt" and is not a source */
#define PLIC_MAX_HARTS 8
#define PLIC_MAX_CONTEXTS (2 * PLIC_MAX_HARTS)
#define PLIC_WORDS ((PLIC_SOURCES + 31) / 32) /* 32-bit words in a pending or enable array */

struct plic {
    uint32_t priority[PLIC_SOURCES];
    uint32_t level[PLIC_WORDS];      /* input lines as the devices last signalled them */
    uint32_t pending[PLIC_WORDS];    /* IP bits of the PLIC core */
    uint32_t in_service[PLIC_WORDS]; /* claimed and not yet completed: the gateway is closed */
    unsigned contexts; /* 2 per hart */
    uint32_t enable[PLIC_MAX_CONTEXTS][PLIC_WORDS];
    uint32_t threshold[PLIC_MAX_CONTEXTS];
    struct irq_line notify[PLIC_MAX_CONTEXTS]; /* per-context EIP: MEIP, SEIP, MEIP, ... */
};

/* nharts (1..PLIC_MAX_HARTS) harts; hart h's MEIP and SEIP wires are m_external[h] and
 * s_external[h]. */
void plic_init(struct plic *p, unsigned nharts, const struct irq_line m_external[],
               const struct irq_line s_external[]);
/* 32-bit aligned accesses only; anything else returns false (access fault). A read of a
 * claim/complete register claims an interrupt: it has side effects. */
bool plic_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bool plic_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);
/* Device side: interrupt source `source` (1..PLIC_SOURCES-1; others ignored) signals its
 * line; high is a request (plic.c, "Gateways"). Usable as irq_line.set with opaque = the
 * plic and num = the source id. */
void plic_set_irq(void *opaque, unsigned source, bool level);

#endif
