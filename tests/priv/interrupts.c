/* Interrupts: priority among pending ones (machine.adoc 3.1.9: MEI > MSI > MTI > SEI > SSI >
 * STI), delegation through mideleg, the global enables per mode, vectored mtvec/stvec, wfi
 * and Sstc's stimecmp. MEI is not exercised: it needs a PLIC, which rv39 does not model yet.
 *
 * QEMU 7.2 without AIA takes the lowest-numbered pending interrupt first (SSI before MSI),
 * against the spec's order, so this file builds twice: `interrupts` checks which interrupts
 * are taken (and runs against QEMU), `irq_priority` (-DEXACT_PRIORITY, rv39 only) also
 * checks the order. */
#include "priv.h"

#define CSR_STIMECMP "0x14d"
#define CSR_MENVCFG "0x30a"
#define MENVCFG_STCE (1ul << 63)

#define MIP_SSIP (1ul << IRQ_SSI)
#define MIP_MSIP (1ul << IRQ_MSI)
#define MIP_STIP (1ul << IRQ_STI)
#define MIP_MTIP (1ul << IRQ_MTI)
#define MIP_SEIP (1ul << IRQ_SEI)

static volatile uint32_t *const msip = (volatile uint32_t *)CLINT_MSIP;
static volatile uint64_t *const mtimecmp = (volatile uint64_t *)CLINT_MTIMECMP;
static volatile uint64_t *const mtime = (volatile uint64_t *)CLINT_MTIME;

static volatile uint64_t order[16];
static volatile unsigned norder;

static uint64_t read_stimecmp(void)
{
    uint64_t v;
    __asm__ volatile("csrr %0, " CSR_STIMECMP : "=r"(v));
    return v;
}
static void write_stimecmp(uint64_t v)
{
    __asm__ volatile("csrw " CSR_STIMECMP ", %0" ::"r"(v));
}
static uint64_t read_menvcfg(void)
{
    uint64_t v;
    __asm__ volatile("csrr %0, " CSR_MENVCFG : "=r"(v));
    return v;
}
static void write_menvcfg(uint64_t v)
{
    __asm__ volatile("csrw " CSR_MENVCFG ", %0" ::"r"(v));
}

/* M: record each interrupt and clear its source. */
static int m_irq_hook(struct pframe *f)
{
    if (!(f->cause >> 63)) return 0;
    uint64_t c = f->cause & 63;
    if (norder < 16) order[norder++] = c;
    switch (c) {
    case IRQ_MSI: *msip = 0; break;
    case IRQ_MTI: *mtimecmp = ~0ul; break;
    case IRQ_SSI: csr_clear(mip, MIP_SSIP); break;
    case IRQ_STI: csr_clear(mip, MIP_STIP); break;
    case IRQ_SEI: csr_clear(mip, MIP_SEIP); break;
    default: exit(240);
    }
    return 1;
}

/* S: record, then mask the interrupt in sie (S cannot clear STIP/SEIP itself); SSIP is
 * cleared through sip; the Sstc timer by moving stimecmp. */
static volatile int sstc_active;
static int s_irq_hook(struct pframe *f)
{
    if (!(f->cause >> 63)) return 0;
    uint64_t c = f->cause & 63;
    if (norder < 16) order[norder++] = c;
    if (c == IRQ_SSI) csr_clear(sip, MIP_SSIP);
    if (c == IRQ_STI && sstc_active)
        write_stimecmp(~0ul);
    else
        csr_clear(sie, 1ul << c);
    return 1;
}

static void spin(void)
{
    for (volatile int i = 0; i < 200; i++)
        ;
}
static uint64_t s_spin(uint64_t arg)
{
    (void)arg;
    spin();
    return 0;
}
static uint64_t s_enable_spin(uint64_t arg)
{
    (void)arg;
    csr_set(sstatus, MSTATUS_SIE);
    spin();
    csr_clear(sstatus, MSTATUS_SIE);
    return 0;
}
static uint64_t u_spin(uint64_t arg)
{
    (void)arg;
    spin();
    return 0;
}
/* Sstc from S: arm stimecmp `delta` ticks ahead, wait for the interrupt (at most a second
 * past the deadline); returns 1 if it came no earlier than the deadline. */
static uint64_t s_sstc(uint64_t delta)
{
    uint64_t t0 = csr_read(time), deadline = t0 + delta;
    unsigned n = norder;
    write_stimecmp(deadline);
    csr_set(sstatus, MSTATUS_SIE);
    while (norder == n && csr_read(time) < deadline + TIMEBASE_HZ)
        ;
    csr_clear(sstatus, MSTATUS_SIE);
    return norder != n && csr_read(time) >= deadline;
}
/* S: make SSI pending, then sret to the next instruction with SPIE = 1: the interrupt is
 * taken right there, sepc = the sret's target. Returns that target. */
uint64_t s_sret_into_irq(uint64_t arg);
__asm__(".text\n.balign 4\n.globl s_sret_into_irq\n"
        "s_sret_into_irq:\n"
        "  li t0, 2\n"
        "  csrs sip, t0\n"
        "  lla a0, 1f\n"
        "  csrw sepc, a0\n"
        "  li t0, 0x120\n" /* SPP = S, SPIE = 1 */
        "  csrs sstatus, t0\n"
        "  sret\n"
        "1: li t0, 2\n"
        "  csrc sstatus, t0\n"
        "  ret\n");
/* S: SSI pending, then set SIE: taken at the instruction after the csrs. */
uint64_t s_sie_into_irq(uint64_t arg);
__asm__(".text\n.balign 4\n.globl s_sie_into_irq\n"
        "s_sie_into_irq:\n"
        "  li t0, 2\n"
        "  csrs sip, t0\n"
        "  lla a0, 1f\n"
        "  csrs sstatus, t0\n"
        "1: csrc sstatus, t0\n"
        "  ret\n");

static uint64_t s_write_sie(uint64_t v)
{
    csr_write(sie, v);
    return 0;
}
static uint64_t s_write_sip(uint64_t v)
{
    csr_write(sip, v);
    return 0;
}
static uint64_t s_read_sip(uint64_t v)
{
    (void)v;
    return csr_read(sip);
}
PROBE(p_rd_stimecmp, "csrr a0, " CSR_STIMECMP);

static uint64_t order_word(void) /* taken causes, one hex digit each, first in the top */
{
    uint64_t w = 0;
    for (unsigned i = 0; i < norder; i++)
        w = (w << 4) | order[i];
    return w;
}

static uint64_t taken_mask(void)
{
    uint64_t m = 0;
    for (unsigned i = 0; i < norder; i++)
        m |= 1ul << order[i];
    return m;
}

/* Several interrupts pending at once: the set taken always, the order only when exact. */
static void check_taken(const char *what, uint64_t want_order)
{
    uint64_t want_mask = 0;
    unsigned n = 0;
    for (uint64_t w = want_order; w; w >>= 4, n++)
        want_mask |= 1ul << (w & 15);
    check_ctx = what;
    CHECK("how many taken", norder, n);
    CHECK("which taken", taken_mask(), want_mask);
#ifdef EXACT_PRIORITY
    CHECK("priority order", order_word(), want_order);
#else
    (void)order_word;
#endif
    check_ctx = 0;
}

static void reset_order(void)
{
    norder = 0;
    for (int i = 0; i < 16; i++)
        order[i] = 0;
}

int main(void)
{
    priv_init();
    m_hook = m_irq_hook;
    s_hook = s_irq_hook;
    *mtimecmp = ~0ul;
    *msip = 0;

    /* --- priority, all at M --- */
    const uint64_t all5 = MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP;
    csr_write(mie, all5);
    CHECK("mie holds the five enables", csr_read(mie), all5);
    csr_set(mip, MIP_SSIP | MIP_STIP | MIP_SEIP);
    *msip = 1;
    *mtimecmp = 0;
    CHECK("five pending in mip", csr_read(mip) & all5, all5);
    CHECK("none taken with MIE=0", norder, 0);
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    check_taken("M: MSI MTI SEI SSI STI", 0x37915);
    CHECK("nothing left pending", csr_read(mip) & all5, 0);
    CHECK("all traps in M", mtrap.count, 5);

    /* --- delegated interrupts are never taken in M --- */
    reset_order();
    csr_write(mideleg, MIP_SSIP | MIP_STIP | MIP_SEIP);
    CHECK("mideleg (S-level bits)", csr_read(mideleg) & 0xaaa, MIP_SSIP | MIP_STIP | MIP_SEIP);
    csr_write(mie, MIP_SSIP | MIP_STIP | MIP_SEIP);
    CHECK("sie shows the delegated enables", csr_read(sie) & 0xaaa, MIP_SSIP | MIP_STIP | MIP_SEIP);
    csr_set(mip, MIP_SSIP | MIP_STIP | MIP_SEIP);
    CHECK("sip shows the delegated pending bits", csr_read(sip) & 0xaaa,
          MIP_SSIP | MIP_STIP | MIP_SEIP);
    csr_set(mstatus, MSTATUS_MIE);
    spin();
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK("delegated: none taken in M", norder, 0);
    RUN_S(s_spin, 0);
    CHECK("delegated: none taken in S with SIE=0", norder, 0);
    uint64_t m0 = mtrap.count;
    RUN_S(s_enable_spin, 0);
    check_taken("delegated, in S: SEI SSI STI", 0x915);
    CHECK("delegated: SPP = S", strap.status & MSTATUS_SPP, MSTATUS_SPP);
    CHECK("delegated: SPIE = 1 (SIE was set)", strap.status & MSTATUS_SPIE, MSTATUS_SPIE);
    CHECK("delegated: no M trap", mtrap.count, m0);
    csr_clear(mip, MIP_STIP | MIP_SEIP);

    /* In U, delegated interrupts are taken whatever SIE says. */
    reset_order();
    csr_write(mie, MIP_SSIP);
    csr_clear(mstatus, MSTATUS_SIE);
    csr_set(mip, MIP_SSIP);
    RUN_U(u_spin, 0);
    CHECK("U: delegated SSI taken in S", order_word(), 0x1);
    CHECK("U: scause", strap.cause, INTR | IRQ_SSI);
    CHECK("U: SPP = U", strap.status & MSTATUS_SPP, 0);
    CHECK("U: SSIP cleared by S through sip", csr_read(mip) & MIP_SSIP, 0);

    /* Not delegated: taken in M from S and U even with mstatus.MIE = 0. */
    reset_order();
    csr_write(mideleg, 0);
    csr_write(mie, MIP_SSIP | MIP_MSIP);
    csr_set(mip, MIP_SSIP);
    m0 = mtrap.count;
    RUN_S(s_spin, 0);
    CHECK("S, SSI not delegated: taken in M", order_word(), 0x1);
    CHECK("S, SSI not delegated: mcause", mtrap.cause, INTR | IRQ_SSI);
    CHECK("S, SSI not delegated: MPP = S", (mtrap.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 1);
    reset_order();
    *msip = 1;
    RUN_U(u_spin, 0);
    CHECK("U, MSI: taken in M", order_word(), 0x3);
    CHECK("U, MSI: MPP = U", (mtrap.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 0);
    CHECK("two M traps", mtrap.count, m0 + 2);

    /* --- sie/sip from S reach only delegated bits; S can write SSIP only --- */
    csr_write(mideleg, MIP_SSIP | MIP_STIP);
    csr_write(mie, 0);
    RUN_S(s_write_sie, ~0ul);
    CHECK("S writes sie=~0: only delegated enables set", csr_read(mie), MIP_SSIP | MIP_STIP);
    csr_write(mie, 0);
    RUN_S(s_write_sip, MIP_SSIP | MIP_STIP | MIP_SEIP);
    CHECK("S writes sip: SSIP only", csr_read(mip) & 0xaaa, MIP_SSIP);
    csr_clear(mip, MIP_SSIP);
    csr_write(mideleg, 0);
    RUN_S(s_write_sip, MIP_SSIP);
    CHECK("S writes sip.SSIP, not delegated: ignored", csr_read(mip) & 0xaaa, 0);
    csr_set(mip, MIP_SSIP);
    CHECK("S reads sip, nothing delegated: 0", RUN_S(s_read_sip, 0) & 0xaaa, 0);
    csr_clear(mip, MIP_SSIP);

    /* --- an xRET or CSR write that enables a pending interrupt: taken at once --- */
    reset_order();
    csr_write(mideleg, MIP_SSIP);
    csr_write(mie, MIP_SSIP);
    uint64_t target = RUN_S(s_sret_into_irq, 0);
    CHECK("sret enabling SIE: SSI taken", order_word(), 0x1);
    CHECK("  sepc = the sret's target", strap.epc, target);
    csr_write(mie, MIP_SSIP);
    target = RUN_S(s_sie_into_irq, 0);
    CHECK("csrs sstatus.SIE: SSI taken", order_word(), 0x11);
    CHECK("  sepc = the next instruction", strap.epc, target);
    csr_write(mideleg, 0);
    csr_write(mie, MIP_MSIP);
    *msip = 1;
    __asm__ volatile("lla %0, 1f\n"
                     "li t0, 0x1880\n csrs mstatus, t0\n" /* MPP = M, MPIE = 1 */
                     "csrw mepc, %0\n"
                     "mret\n"
                     "1: csrc mstatus, 8"
                     : "=&r"(target)::"t0", "memory");
    CHECK("mret enabling MIE: MSI taken", order_word(), 0x113);
    CHECK("  mepc = the mret's target", mtrap.epc, target);
    csr_write(mie, 0);

    /* --- vectored mode --- */
    csr_write(mtvec, (uint64_t)m_vector_table | 1);
    CHECK("mtvec vectored reads back", csr_read(mtvec), (uint64_t)m_vector_table | 1);
    reset_order();
    csr_write(mie, MIP_MSIP | MIP_MTIP);
    *msip = 1;
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK("vectored MSI: slot 3", mtrap.vec, 3);
    *mtimecmp = 0;
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK("vectored MTI: slot 7", mtrap.vec, 7);
    CHECK("vectored MTI: mcause", mtrap.cause, INTR | IRQ_MTI);
    __asm__ volatile("li a7, 0\necall" ::: "a7", "memory");
    CHECK("vectored, exception: base", mtrap.vec, -1);
    CHECK("vectored, exception: mcause 11", mtrap.cause, 11);
    csr_write(mtvec, (uint64_t)m_trap_entry);

    csr_write(stvec, (uint64_t)s_vector_table | 1);
    CHECK("stvec vectored reads back", csr_read(stvec), (uint64_t)s_vector_table | 1);
    csr_write(mideleg, MIP_SSIP | MIP_STIP);
    csr_write(mie, MIP_SSIP);
    csr_set(mip, MIP_SSIP);
    RUN_S(s_enable_spin, 0);
    CHECK("vectored SSI in S: slot 1", strap.vec, 1);
    csr_write(mie, MIP_STIP);
    csr_set(mip, MIP_STIP);
    RUN_S(s_enable_spin, 0);
    CHECK("vectored STI in S: slot 5", strap.vec, 5);
    CHECK("vectored STI in S: scause", strap.cause, INTR | IRQ_STI);
    csr_clear(mip, MIP_STIP);
    csr_write(stvec, (uint64_t)s_trap_entry);
    csr_write(mideleg, 0);

    /* --- wfi --- */
    reset_order();
    csr_write(mie, MIP_MTIP);
    uint64_t cmp = *mtime + TIMEBASE_HZ / 500; /* 2 ms */
    *mtimecmp = cmp;
    __asm__ volatile("wfi" ::: "memory");
    CHECK("wfi with MIE=0: woke after the deadline", *mtime >= cmp, 1);
    CHECK("wfi with MIE=0: MTIP pending", (csr_read(mip) & MIP_MTIP) != 0, 1);
    CHECK("wfi with MIE=0: no trap", norder, 0);
    uint64_t after;
    cmp = *mtime + TIMEBASE_HZ / 500;
    *mtimecmp = cmp;
    __asm__ volatile("csrs mstatus, 8\n"
                     "lla %0, 1f\n"
                     "wfi\n"
                     "1: csrc mstatus, 8"
                     : "=&r"(after)::"memory");
    CHECK("wfi with MIE=1: MTI taken", order_word(), 0x7);
    CHECK("wfi with MIE=1: mepc after the wfi", mtrap.epc, after);
    CHECK("wfi with MIE=1: taken after the deadline", *mtime >= cmp, 1);
    csr_write(mie, 0);

    /* --- Sstc --- */
    write_menvcfg(0);
    CHECK("menvcfg.STCE clear", read_menvcfg() >> 63, 0);
    m0 = mtrap.count;
    uint64_t old = read_stimecmp();
    write_stimecmp(old);
    CHECK("M accesses stimecmp with STCE=0 (only S/U trap)", mtrap.count, m0);
    csr_write(mcounteren, 2);
    RUN_S(p_rd_stimecmp, 0);
    CHECK("S reads stimecmp with STCE=0: illegal", mtrap.count, m0 + 1);
    CHECK("S reads stimecmp with STCE=0: mcause", mtrap.cause, 2);
    write_menvcfg(MENVCFG_STCE);
    CHECK("menvcfg.STCE writable", read_menvcfg() >> 63, 1);
    write_stimecmp(0);
    CHECK("stimecmp=0: STIP", (csr_read(mip) & MIP_STIP) != 0, 1);
    write_stimecmp(~0ul);
    CHECK("stimecmp=max: no STIP", csr_read(mip) & MIP_STIP, 0);
    csr_set(mip, MIP_STIP);
    CHECK("with STCE, M cannot set mip.STIP", csr_read(mip) & MIP_STIP, 0);
    csr_write(mcounteren, 0);
    m0 = mtrap.count;
    RUN_S(p_rd_stimecmp, 0);
    CHECK("S reads stimecmp with TM=0: illegal", mtrap.count, m0 + 1);
    csr_write(mcounteren, 2);
    RUN_S(p_rd_stimecmp, 0);
    CHECK("S reads stimecmp with STCE and TM: ok", mtrap.count, m0 + 1);
    reset_order();
    csr_write(mideleg, MIP_STIP);
    csr_write(mie, MIP_STIP);
    sstc_active = 1;
    CHECK("S timer via stimecmp: fired, not early", RUN_S(s_sstc, TIMEBASE_HZ / 500), 1);
    CHECK("S timer via stimecmp: STI in S", order_word(), 0x5);
    CHECK("S timer via stimecmp: scause", strap.cause, INTR | IRQ_STI);
    CHECK("S timer via stimecmp: STIP clear again", csr_read(mip) & MIP_STIP, 0);
    sstc_active = 0;
    write_menvcfg(0);
    csr_write(mcounteren, 0);
    csr_write(mie, 0);
    csr_write(mideleg, 0);

    return done("interrupts");
}
