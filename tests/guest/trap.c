/* Synchronous exceptions in M-mode and from U-mode: mcause, mepc and mtval as machine.adoc
 * specifies them, and that the handler's return (mret) resumes where it says. */
#include "check.h"

/* Not covered: instruction-address-misaligned. With the C extension every even address is
 * a valid target and jalr clears bit 0, so a misaligned fetch cannot be provoked here. */

/* Physical address with nothing behind it on QEMU virt (between the boot ROM, which ends at
 * 0x10000, and the test finisher at 0x100000) nor on rv39. */
#define UNMAPPED 0x80000ul

static volatile uint64_t traps, last_cause, last_epc, last_tval, last_mpp;
static volatile uint64_t user_resume; /* where a trap from U-mode continues, in M-mode */

void trap_handler(struct trap_frame *f)
{
    traps++;
    last_cause = f->mcause;
    last_epc = f->mepc;
    last_tval = f->mtval;
    last_mpp = (f->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;

    if (last_mpp == 0) { /* from U-mode: back to M at the resume point */
        f->mstatus |= MSTATUS_MPP;
        f->mepc = user_resume;
        return;
    }
    if (f->mcause == 1) { /* fetch fault: mepc is the bad target; return to the caller */
        f->mepc = f->x[1];
        return;
    }
    /* Skip the trapping instruction: its low two bits tell a 4-byte one from a 2-byte one. */
    uint16_t low = *(volatile uint16_t *)f->mepc;
    f->mepc += (low & 3) == 3 ? 4 : 2;
}

static void expect(uint64_t n, uint64_t cause, uint64_t epc, uint64_t tval)
{
    CHECK(traps, n);
    CHECK(last_cause, cause);
    CHECK(last_epc, epc);
    CHECK(last_tval, tval);
}

#define ALL_CALLER_SAVED                                                                           \
    "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"

static void m_mode(void)
{
    uint64_t pc, v;
    uint64_t n = traps;

    __asm__ volatile("lla %0, 1f\n1: ecall" : "=r"(pc)::"memory");
    expect(++n, 11, pc, 0); /* environment call from M-mode */

    /* The 4-byte form explicitly; mtval for a breakpoint may be 0 or the pc, so only the
     * cause and mepc are checked. */
    __asm__ volatile(".option push\n.option norvc\nlla %0, 1f\n1: ebreak\n.option pop"
                     : "=r"(pc)::"memory");
    CHECK(traps, ++n);
    CHECK(last_cause, 3);
    CHECK(last_epc, pc);
    __asm__ volatile("lla %0, 1f\n1: c.ebreak" : "=r"(pc)::"memory");
    CHECK(traps, ++n);
    CHECK(last_cause, 3);
    CHECK(last_epc, pc); /* and the handler's +2 skip got us here */

    /* Illegal instructions report their own bits in mtval. csrrw x0, cycle, x0 writes a
     * read-only CSR; 0x0000 is the defined-illegal 16-bit encoding. */
    __asm__ volatile("lla %0, 1f\n1: .word 0xc0001073" : "=r"(pc)::"memory");
    expect(++n, 2, pc, 0xc0001073);
    __asm__ volatile("lla %0, 1f\n1: .2byte 0" : "=r"(pc)::"memory");
    expect(++n, 2, pc, 0);
    __asm__ volatile("lla %0, 1f\n1: csrw mhartid, zero" : "=r"(pc)::"memory");
    expect(++n, 2, pc, 0xf1401073);

    /* Access faults: nothing answers at UNMAPPED. mtval is the faulting address. */
    __asm__ volatile("lla %0, 1f\n1: ld %1, 0(%2)"
                     : "=&r"(pc), "=r"(v)
                     : "r"(UNMAPPED + 8)
                     : "memory");
    expect(++n, 5, pc, UNMAPPED + 8);
    __asm__ volatile("lla %0, 1f\n1: sw zero, 4(%1)" : "=&r"(pc) : "r"(UNMAPPED) : "memory");
    expect(++n, 7, pc, UNMAPPED + 4);
    __asm__ volatile("jalr ra, 0(%0)" ::"r"(UNMAPPED) : ALL_CALLER_SAVED, "memory");
    expect(++n, 1, UNMAPPED, UNMAPPED); /* instruction access fault: mepc = the target */

    /* LR/SC and AMOs must be naturally aligned. A misaligned LR is a load address
     * misaligned exception (or an access fault; both machines here choose misaligned). */
    static uint64_t cell[2];
    uint8_t *odd = (uint8_t *)cell + 2;
    __asm__ volatile("lla %0, 1f\n1: lr.w %1, (%2)" : "=&r"(pc), "=r"(v) : "r"(odd) : "memory");
    expect(++n, 4, pc, (uint64_t)odd);
    /* A misaligned AMO is a store/AMO address misaligned exception (6). QEMU 7.2 reports a
     * load address misaligned one (4) instead, so the cause is checked loosely here and
     * exactly by rv39's own unit tests. */
    __asm__ volatile("lla %0, 1f\n1: amoadd.w %1, zero, (%2)"
                     : "=&r"(pc), "=r"(v)
                     : "r"(odd)
                     : "memory");
    CHECK(traps, ++n);
    CHECK(last_cause == 6 || last_cause == 4, 1);
    CHECK(last_epc, pc);
    CHECK(last_tval, (uint64_t)odd);
}

/* Snippets run in U-mode; each ends in a trap that brings us back to M. */
void user_ecall(void), user_csr(void), user_mret(void);
__asm__(".text\n"
        ".balign 4\n"
        "user_ecall: ecall\n j .\n"
        "user_csr: csrr a0, mstatus\n j .\n"
        "user_mret: mret\n j .\n");

static void run_in_user(void (*fn)(void))
{
    __asm__ volatile("lla t0, 1f\n\t"
                     "sd t0, 0(%1)\n\t"
                     "csrw mepc, %0\n\t"
                     "li t0, 0x1800\n\t" /* mstatus.MPP = U */
                     "csrc mstatus, t0\n\t"
                     "mret\n"
                     "1:"
                     :
                     : "r"(fn), "r"(&user_resume)
                     : ALL_CALLER_SAVED, "memory");
}

static void u_mode(void)
{
    /* With PMP implemented, U-mode may touch nothing until an entry allows it: one NAPOT
     * entry over the whole address space, RWX. (PMP is not enforced on M-mode.) */
    csr_write(pmpaddr0, ~0ul >> 10);
    csr_write(pmpcfg0, 0x1f);

    uint64_t n = traps;
    run_in_user(user_ecall);
    expect(++n, 8, (uint64_t)user_ecall, 0); /* environment call from U-mode */
    CHECK(last_mpp, 0);
    run_in_user(user_csr);
    expect(++n, 2, (uint64_t)user_csr, 0x30002573); /* csrr a0, mstatus */
    run_in_user(user_mret);
    expect(++n, 2, (uint64_t)user_mret, 0x30200073); /* mret */
    /* And we are back in M-mode: an M-only CSR is readable again. */
    csr_read(mstatus);
    CHECK(traps, n);
}

int main(void)
{
    m_mode();
    u_mode();
    return pass("trap");
}
