/* RISC-V PLIC for up to PLIC_MAX_HARTS harts, laid out as on QEMU's virt board (riscv-plic-spec, "Memory Map"):
 *
 *   +0x000000 + 4*src          priority of source src (1..95), WARL, 3 bits: 0..7
 *   +0x001000 + 4*w            pending bits of sources 32w..32w+31, read-only
 *   +0x002000 + 0x80*ctx + 4*w enable bits of sources 32w..32w+31 for context ctx
 *   +0x200000 + 0x1000*ctx     priority threshold of context ctx, WARL, 3 bits
 *   +0x200004 + 0x1000*ctx     claim (read) / complete (write) for context ctx
 *
 * Context 2h is hart h in M-mode, context 2h+1 hart h in S-mode (QEMU virt's numbering, which
 * its device tree states in the PLIC's interrupts-extended). Registers are 32 bits wide and
 * accessed with LW/SW ("Memory Map"): other sizes and misaligned accesses are refused. Source 0
 * does not exist: its priority, pending and enable bits read 0 and ignore writes. Every other
 * offset in the range reads 0 and ignores writes (contexts of harts that do not exist).
 *
 * Gateways ("Interrupt Gateways"), as QEMU's virt board has them, because guests are written
 * against it. The spec's level-triggered gateway forwards a request while the line is high
 * and the source is not in service, and so re-pends a line still high at completion. QEMU's
 * sifive_plic (hw/intc/sifive_plic.c, sifive_plic_irq_request) instead sets the IP bit each
 * time a device *signals* its line high (qemu_set_irq(irq, 1), which devices call whenever
 * they re-evaluate their interrupt condition: QEMU's 16550 on an IER write, a THR write,
 * reading RBR, reading IIR that reports THRE, receiving a byte, ...), and completion only
 * ends service: it never samples the line. Guests depend on the difference: xv6-riscv
 * enables the 16550's THRE interrupt and never reads IIR, so its line stays high for good;
 * under the spec's gateway it takes that interrupt forever at the same sepc, on QEMU once.
 * So in rv39:
 *   - a device calls irq_set() when it re-evaluates its condition (devices/irq.h), at the
 *     points the QEMU model of that device does; every call with the line high is a request
 *     and sets the IP bit, also while the source is in service (claimed, not completed);
 *   - a source in service cannot be claimed again; its request waits for the completion;
 *   - completion reopens the gateway and samples nothing;
 *   - a forwarded request is not retracted when the line drops (the spec's rule; QEMU clears
 *     the IP bit then, which only changes what a guest reading the pending array sees): the
 *     handler finds nothing to do, as on hardware.
 * Linux, OpenSBI, U-Boot and our kernel handle interrupts the same way under both models.
 *
 * Notification ("Interrupt Notifications"): a context's EIP is set while some pending source
 * enabled for it has priority above its threshold ("Priority Thresholds": the PLIC masks
 * priorities less than or equal to the threshold). It is re-evaluated after every change of
 * state and driven on the context's irq_line.
 *
 * Claim ("Interrupt Claim Process") picks among the same sources: highest priority, ties to the
 * lowest id ("Interrupt Identifiers"). The spec says the claim itself ignores the threshold;
 * QEMU's sifive_plic applies it, and rv39 follows QEMU so a guest sees the same on both. With
 * threshold 0 (what Linux and OpenSBI use) the two agree. */
#include "plic.h"

#include <string.h>

#define PLIC_PRIORITY_BASE 0x000000ull
#define PLIC_PENDING_BASE 0x001000ull
#define PLIC_ENABLE_BASE 0x002000ull
#define PLIC_ENABLE_STRIDE 0x80ull
#define PLIC_CONTEXT_BASE 0x200000ull
#define PLIC_CONTEXT_STRIDE 0x1000ull
#define PLIC_THRESHOLD 0x0ull
#define PLIC_CLAIM_COMPLETE 0x4ull

/* QEMU virt's PLIC has 7 priority levels above 0; 3 writable bits hold them all, and every
 * combination of those bits is a valid level, as "Interrupt Priorities" requires of WARL. */
#define PLIC_PRIORITY_MASK 0x7u

static bool bit_is_set(const uint32_t *bits, unsigned source)
{
    return (bits[source / 32] >> (source % 32)) & 1;
}

static void set_bit(uint32_t *bits, unsigned source, bool value)
{
    uint32_t mask = 1u << (source % 32);
    if (value)
        bits[source / 32] |= mask;
    else
        bits[source / 32] &= ~mask;
}

static bool is_source(unsigned source)
{
    return source >= 1 && source < PLIC_SOURCES;
}

/* Bits of pending/enable word w that name existing sources: bit 0 of word 0 (source 0) is
 * hardwired to zero, and so is every bit past the last source. */
static uint32_t source_mask(unsigned w)
{
    uint32_t mask = UINT32_MAX;
    if (w == 0) mask &= ~1u;
    unsigned first = w * 32;
    if (first + 32 > PLIC_SOURCES)
        mask &= (PLIC_SOURCES > first) ? (1u << (PLIC_SOURCES - first)) - 1 : 0;
    return mask;
}

/* The source a claim by context ctx would return now, 0 if none: pending, not in service,
 * enabled for ctx, priority above ctx's threshold; highest priority first, lowest id on
 * ties. */
static unsigned best_source(const struct plic *p, unsigned ctx)
{
    unsigned best = 0;
    uint32_t best_priority = p->threshold[ctx];
    for (unsigned w = 0; w < PLIC_WORDS; w++) {
        uint32_t candidates = p->pending[w] & ~p->in_service[w] & p->enable[ctx][w];
        while (candidates) {
            unsigned source = w * 32 + (unsigned)__builtin_ctz(candidates);
            candidates &= candidates - 1;
            /* Strictly greater: ascending ids mean an equal priority keeps the lower id. */
            if (p->priority[source] > best_priority) {
                best = source;
                best_priority = p->priority[source];
            }
        }
    }
    return best;
}

static void update_notifications(struct plic *p)
{
    for (unsigned ctx = 0; ctx < p->contexts; ctx++)
        irq_set(&p->notify[ctx], best_source(p, ctx) != 0);
}

void plic_init(struct plic *p, unsigned nharts, const struct irq_line m_external[],
               const struct irq_line s_external[])
{
    memset(p, 0, sizeof(*p));
    if (nharts > PLIC_MAX_HARTS) nharts = PLIC_MAX_HARTS;
    p->contexts = 2 * nharts;
    for (unsigned h = 0; h < nharts; h++) {
        p->notify[2 * h] = m_external[h];
        p->notify[2 * h + 1] = s_external[h];
    }
    /* Both notifications start low; nothing is driven here because the consumer (the hart)
     * may not be initialised yet. */
}

void plic_set_irq(void *opaque, unsigned source, bool level)
{
    struct plic *p = opaque;
    if (!is_source(source)) return;
    set_bit(p->level, source, level);
    if (level) set_bit(p->pending, source, true); /* a request; see "Gateways" above */
    update_notifications(p);
}

static uint32_t claim(struct plic *p, unsigned ctx)
{
    unsigned source = best_source(p, ctx);
    if (source) {
        set_bit(p->pending, source, false);
        set_bit(p->in_service, source, true);
        update_notifications(p);
    }
    return source;
}

static void complete(struct plic *p, unsigned ctx, uint32_t source)
{
    /* "Interrupt Completion": an id not enabled for this context is silently ignored. The
     * PLIC does not check that it matches the last claim. */
    if (!is_source(source) || !bit_is_set(p->enable[ctx], source)) return;
    set_bit(p->in_service, source, false); /* the line is not sampled: "Gateways" above */
    update_notifications(p);
}

/* Decoded 32-bit register: which block, and the index inside it. */
enum plic_reg { REG_NONE, REG_PRIORITY, REG_PENDING, REG_ENABLE, REG_THRESHOLD, REG_CLAIM };

struct plic_decoded {
    enum plic_reg reg;
    unsigned ctx;   /* REG_ENABLE, REG_THRESHOLD, REG_CLAIM */
    unsigned index; /* source for REG_PRIORITY, word for REG_PENDING and REG_ENABLE */
};

static struct plic_decoded decode(const struct plic *p, uint64_t offset)
{
    struct plic_decoded d = {REG_NONE, 0, 0};
    if (offset < PLIC_PENDING_BASE) {
        unsigned source = (unsigned)(offset / 4);
        if (is_source(source)) d = (struct plic_decoded){REG_PRIORITY, 0, source};
    } else if (offset < PLIC_ENABLE_BASE) {
        unsigned w = (unsigned)((offset - PLIC_PENDING_BASE) / 4);
        if (w < PLIC_WORDS) d = (struct plic_decoded){REG_PENDING, 0, w};
    } else if (offset < PLIC_CONTEXT_BASE) {
        uint64_t ctx = (offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        unsigned w = (unsigned)((offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4);
        if (ctx < p->contexts && w < PLIC_WORDS)
            d = (struct plic_decoded){REG_ENABLE, (unsigned)ctx, w};
    } else {
        uint64_t ctx = (offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
        uint64_t reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
        if (ctx < p->contexts && reg == PLIC_THRESHOLD)
            d = (struct plic_decoded){REG_THRESHOLD, (unsigned)ctx, 0};
        else if (ctx < p->contexts && reg == PLIC_CLAIM_COMPLETE)
            d = (struct plic_decoded){REG_CLAIM, (unsigned)ctx, 0};
    }
    return d;
}

static bool is_register_access(uint64_t offset, unsigned size)
{
    return size == 4 && (offset & 3) == 0;
}

bool plic_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct plic *p = opaque;
    if (!is_register_access(offset, size)) return false;
    struct plic_decoded d = decode(p, offset);
    switch (d.reg) {
    case REG_PRIORITY: *value = p->priority[d.index]; break;
    case REG_PENDING: *value = p->pending[d.index]; break;
    case REG_ENABLE: *value = p->enable[d.ctx][d.index]; break;
    case REG_THRESHOLD: *value = p->threshold[d.ctx]; break;
    case REG_CLAIM: *value = claim(p, d.ctx); break;
    case REG_NONE: *value = 0; break;
    }
    return true;
}

bool plic_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct plic *p = opaque;
    if (!is_register_access(offset, size)) return false;
    uint32_t word = (uint32_t)value;
    struct plic_decoded d = decode(p, offset);
    switch (d.reg) {
    case REG_PRIORITY: p->priority[d.index] = word & PLIC_PRIORITY_MASK; break;
    case REG_ENABLE: p->enable[d.ctx][d.index] = word & source_mask(d.index); break;
    case REG_THRESHOLD: p->threshold[d.ctx] = word & PLIC_PRIORITY_MASK; break;
    case REG_CLAIM: complete(p, d.ctx, word); return true; /* complete() updates */
    case REG_PENDING: /* read-only: the IP bits change only through gateways and claims */
    case REG_NONE: return true;
    }
    update_notifications(p);
    return true;
}
