/* Sscofpmf (priv spec "Sscofpmf" chapter): a counter programmed near overflow wraps, sets its
 * mhpmevent's OF bit and raises the local counter-overflow interrupt (LCOFI, bit 13 of
 * mip/mie/sip/sie), taken in M or, delegated through mideleg, in S; scountovf shows the OF
 * bits (to S only where mcounteren allows); OF set means no further interrupt.
 *
 * The counter counts instructions retired: mhpmevent = 2, QEMU 7.2's and the SBI's number for
 * it (rv39: cpu/csr_counters.c). QEMU 7.2 (-cpu rv64,sscofpmf=on) times the overflow of such a
 * counter with a 1 GHz clock instead of counting, and in our runs its interrupt came in one
 * run of five (target/riscv/pmu.c's timer), so the interrupt part is checked against the
 * spec on rv39 only. `sscofpmf_csrs` (-DCSRS_ONLY) stops after the CSR fields and is diffed
 * with QEMU; `sscofpmf` also checks the interrupt in M and delegated to S, that it comes
 * within a few instructions of the wrap, that writes never overflow a counter, the xINH mode
 * filters, and M's reads of scountovf without mcounteren (QEMU 7.2 hides them, against the
 * spec: "In M-mode, scountovf bit X is always readable"). */
#include "priv.h"

#define IRQ_LCOF 13
#define MIP_LCOFIP (1ul << IRQ_LCOF)
#define MSTATUS_MIE (1ul << 3)
#define MHPMEVENT_OF (1ul << 63)
#define MHPMEVENT_SINH (1ul << 61)
#define MHPMEVENT_UINH (1ul << 60)
#define EVENT_INSTRUCTIONS 2ul

#define read_scountovf() csr_read(0xda0)

static volatile uint64_t lcofi_taken, lcofi_cause, lcofi_count_at;

/* Either mode: record the interrupt and clear LCOFIP (software's job, "Sscofpmf"). */
static int m_lcofi(struct pframe *f)
{
    if (f->cause != (INTR | IRQ_LCOF)) return 0;
    lcofi_taken++;
    lcofi_cause = f->cause;
    lcofi_count_at = csr_read(mhpmcounter3);
    csr_clear(mip, MIP_LCOFIP);
    return 1;
}
static int s_lcofi(struct pframe *f)
{
    if (f->cause != (INTR | IRQ_LCOF)) return 0;
    lcofi_taken++;
    lcofi_cause = f->cause;
    lcofi_count_at = csr_read(hpmcounter3);
    csr_clear(sip, MIP_LCOFIP);
    return 1;
}

#ifndef CSRS_ONLY
/* Spin until an LCOFI has come (at most `limit` rounds); returns the rounds left. */
static uint64_t wait_lcofi(uint64_t limit)
{
    while (!lcofi_taken && limit)
        limit--;
    return limit;
}

static uint64_t s_wait(uint64_t limit)
{
    csr_set(sstatus, MSTATUS_SIE);
    uint64_t left = wait_lcofi(limit);
    csr_clear(sstatus, MSTATUS_SIE);
    return left;
}

static uint64_t s_read_scountovf(uint64_t arg)
{
    (void)arg;
    return read_scountovf();
}

static uint64_t u_loop(uint64_t n)
{
    for (volatile uint64_t i = 0; i < n; i++)
        ;
    return 0;
}

/* Arm counter 3: counting instructions, OF clear, `before` increments from wrapping. */
static void arm(uint64_t before)
{
    csr_set(mcountinhibit, 1ul << 3);
    csr_write(mhpmevent3, EVENT_INSTRUCTIONS);
    csr_write(mhpmcounter3, -before);
    lcofi_taken = 0;
    csr_clear(mcountinhibit, 1ul << 3);
}

#endif

int main(void)
{
    priv_init();
    m_hook = m_lcofi;
    s_hook = s_lcofi;

    /* --- the CSRs exist and have the fields --- */
    /* QEMU 7.2 applies mcounteren to M's reads of scountovf too: the shared checks set
     * counter 3's bit. */
    csr_write(mcounteren, 1ul << 3);
    csr_set(mie, MIP_LCOFIP);
    CHECK("mie.LCOFIE writable", csr_read(mie) & MIP_LCOFIP, MIP_LCOFIP);
    csr_clear(mie, MIP_LCOFIP);
    csr_write(mhpmevent3, EVENT_INSTRUCTIONS | MHPMEVENT_OF);
    CHECK("mhpmevent3 holds the event and OF", csr_read(mhpmevent3),
          EVENT_INSTRUCTIONS | MHPMEVENT_OF);
    CHECK("scountovf bit 3 mirrors OF", read_scountovf() & 0xfffffff8ul, 1ul << 3);
    csr_write(mideleg, MIP_LCOFIP);
    CHECK("mideleg delegates LCOFI", csr_read(mideleg) & MIP_LCOFIP, MIP_LCOFIP);
    csr_write(mideleg, 0);
#ifdef CSRS_ONLY
    return done("sscofpmf_csrs");
#else
    csr_write(mcounteren, 0);
    CHECK("M reads scountovf whatever mcounteren", read_scountovf() & 0xfffffff8ul, 1ul << 3);
    csr_write(mcounteren, 1ul << 3);
    csr_write(mhpmevent3, EVENT_INSTRUCTIONS);
    CHECK("OF cleared by software", read_scountovf() & (1ul << 3), 0);

    /* --- overflow in M: OF set, LCOFI taken in M --- */
    csr_set(mie, MIP_LCOFIP);
    arm(2000);
    csr_set(mstatus, MSTATUS_MIE);
    uint64_t left = wait_lcofi(10000000);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK("LCOFI taken in M", lcofi_taken, 1);
    CHECK("mcause = interrupt 13", lcofi_cause, INTR | IRQ_LCOF);
    CHECK("it came before the wait gave up", left != 0, 1);
    CHECK("OF set by the overflow", csr_read(mhpmevent3) >> 63, 1);
    CHECK("scountovf shows counter 3", (read_scountovf() >> 3) & 1, 1);
    CHECK("LCOFIP cleared by the handler", csr_read(mip) & MIP_LCOFIP, 0);
    printf("~ counter read %lu after the wrap in the handler\n", lcofi_count_at);
    CHECK("the interrupt came within 200 instructions of the wrap", lcofi_count_at < 200, 1);

    /* --- OF set: the counter wraps again without another interrupt --- */
    csr_write(mhpmcounter3, -500ul);
    lcofi_taken = 0;
    csr_set(mstatus, MSTATUS_MIE);
    wait_lcofi(200000);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK("no interrupt while OF is set", lcofi_taken, 0);
    CHECK("no LCOFIP either", csr_read(mip) & MIP_LCOFIP, 0);
    csr_clear(mie, MIP_LCOFIP);

    /* --- delegated: taken in S, which sees scountovf and clears LCOFIP through sip --- */
    csr_write(mideleg, MIP_LCOFIP);
    csr_write(mcounteren, 0);
    CHECK("S sees no OF bit mcounteren hides", RUN_S(s_read_scountovf, 0), 0);
    csr_write(mcounteren, 1ul << 3);
    csr_write(mie, MIP_LCOFIP);
    arm(3000);
    left = RUN_S(s_wait, 10000000);
    CHECK("LCOFI taken in S", lcofi_taken, 1);
    CHECK("scause = interrupt 13", lcofi_cause, INTR | IRQ_LCOF);
    CHECK("S: it came before the wait gave up", left != 0, 1);
    CHECK("S reads counter 3's OF in scountovf", RUN_S(s_read_scountovf, 0), 1ul << 3);
    CHECK("sip.LCOFIP cleared by S", csr_read(mip) & MIP_LCOFIP, 0);
    csr_write(mie, 0);
    csr_write(mideleg, 0);

    /* --- a write is never an overflow --- */
    csr_write(mhpmevent3, EVENT_INSTRUCTIONS);
    csr_write(mhpmcounter3, -1ul);
    csr_write(mhpmcounter3, 5);
    CHECK("writing past the wrap sets no OF", csr_read(mhpmevent3) >> 63, 0);
    CHECK("and raises no LCOFIP", csr_read(mip) & MIP_LCOFIP, 0);

    /* --- mode filters: UINH stops counting in U, SINH in S --- */
    csr_write(mhpmevent3, EVENT_INSTRUCTIONS | MHPMEVENT_OF | MHPMEVENT_UINH);
    uint64_t a = csr_read(mhpmcounter3);
    RUN_U(u_loop, 10000);
    uint64_t b = csr_read(mhpmcounter3);
    printf("~ UINH: %lu counted around 10000 iterations in U\n", b - a);
    CHECK("UINH: U's loop not counted (only M's trap path)", b - a < 1000, 1);
    csr_write(mhpmevent3, EVENT_INSTRUCTIONS | MHPMEVENT_OF | MHPMEVENT_SINH);
    a = csr_read(mhpmcounter3);
    RUN_U(u_loop, 10000);
    b = csr_read(mhpmcounter3);
    CHECK("SINH: U's loop counted", b - a >= 30000, 1);
    a = csr_read(mhpmcounter3);
    RUN_S(u_loop, 10000);
    b = csr_read(mhpmcounter3);
    CHECK("SINH: S's loop not counted", b - a < 1000, 1);
    csr_write(mhpmevent3, 0x20001); /* back to its reset event */
    return done("sscofpmf");
#endif
}
