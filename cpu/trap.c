/* Trap entry and the order in which interrupts are taken: priv spec 3.1.6.1 (privilege
 * stack), 3.1.7 (mtvec modes), 3.1.8 (delegation), 3.1.9 (interrupt priority). */
#include "cpu.h"

void cpu_take_trap(struct cpu *c, bool interrupt, uint64_t cause, uint64_t tval)
{
    uint64_t deleg = interrupt ? c->mideleg : c->medeleg;
    uint64_t mcause = cause | (interrupt ? 1ull << 63 : 0);
    enum priv from = c->priv;
    c->stats.traps++;

    /* Traps never go to a lower privilege: delegation only applies below M (3.1.8). */
    if (from <= PRIV_S && ((deleg >> cause) & 1)) {
        c->scause = mcause;
        c->sepc = c->pc;
        c->stval = tval;
        uint64_t s = c->mstatus & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
        if (c->mstatus & MSTATUS_SIE) s |= MSTATUS_SPIE;
        if (from == PRIV_S) s |= MSTATUS_SPP;
        c->mstatus = s;
        c->priv = PRIV_S;
        uint64_t base = c->stvec & ~3ull;
        c->pc = base + ((interrupt && (c->stvec & 3) == 1) ? 4 * cause : 0);
    } else {
        c->mcause = mcause;
        c->mepc = c->pc;
        c->mtval = tval;
        uint64_t s = c->mstatus & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP);
        if (c->mstatus & MSTATUS_MIE) s |= MSTATUS_MPIE;
        s |= (uint64_t)from << MSTATUS_MPP_SHIFT;
        c->mstatus = s;
        c->priv = PRIV_M;
        uint64_t base = c->mtvec & ~3ull;
        c->pc = base + ((interrupt && (c->mtvec & 3) == 1) ? 4 * cause : 0);
    }
    if (!interrupt && (cause == EXC_INSN_PAGE_FAULT || cause == EXC_LOAD_PAGE_FAULT ||
                       cause == EXC_STORE_PAGE_FAULT))
        c->stats.page_faults++;
    cpu_priv_changed(c);
    cpu_sync_mmu(c);
    cpu_emit(c, &(struct cpu_event){.kind = EV_TRAP,
                                    .pc = c->priv == PRIV_M ? c->mepc : c->sepc,
                                    .cause = mcause,
                                    .tval = tval,
                                    .from = from,
                                    .to = c->priv});
    /* A trap (an ecall to the SBI asking for a remote fence.i among them) is one of the
     * points where this hart reports stale writers and takes what others posted
     * (mmu/coherence.h). */
    if (coherence_pending(c->mmu.co_box)) cpu_coherence_drain(c);
}

/* Decreasing priority within one target mode (priv spec 3.1.9). */
static const uint8_t irq_priority[] = {IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI,
                                       IRQ_SSI, IRQ_STI, IRQ_LCOF};

static int highest(uint64_t bits)
{
    for (unsigned i = 0; i < sizeof(irq_priority); i++)
        if ((bits >> irq_priority[i]) & 1) return irq_priority[i];
    return -1;
}

int cpu_pending_irq(const struct cpu *c)
{
    uint64_t pending = c->mip & c->mie;
    if (!pending) return -1;
    /* M-level interrupts are enabled below M always, in M when MIE; S-level (delegated)
     * ones below S always, in S when SIE, never in M. Higher target mode wins. */
    uint64_t m_level = pending & ~c->mideleg;
    bool m_enabled = c->priv < PRIV_M || (c->mstatus & MSTATUS_MIE);
    if (m_level && m_enabled) return highest(m_level);
    uint64_t s_level = pending & c->mideleg;
    bool s_enabled = c->priv < PRIV_S || (c->priv == PRIV_S && (c->mstatus & MSTATUS_SIE));
    if (s_level && s_enabled) return highest(s_level);
    return -1;
}

void cpu_set_irq(void *opaque, unsigned irq, bool level)
{
    struct cpu *c = opaque;
    if (irq == IRQ_SEI) {
        c->seip_line = level;
        level = level || c->seip_software;
    }
    cpu_mip_update(c, 1ull << irq, level ? 1ull << irq : 0);
}
