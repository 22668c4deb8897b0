/* Interrupts from the CLINT (machine.adoc "Machine Interrupt Registers", QEMU virt's CLINT):
 * the timer fires when mtime >= mtimecmp with mie.MTIE and mstatus.MIE set, wfi wakes on it,
 * mip shows it pending while disabled, msip raises a software interrupt, and a vectored
 * mtvec sends interrupt n to BASE + 4n. */
#include "check.h"

static volatile uint64_t *const mtime = (volatile uint64_t *)CLINT_MTIME;
static volatile uint64_t *const mtimecmp = (volatile uint64_t *)CLINT_MTIMECMP;
static volatile uint32_t *const msip = (volatile uint32_t *)CLINT_MSIP;

#define MIP_MSIP (1ul << 3)
#define MIP_MTIP (1ul << 7)

static volatile uint64_t irqs, last_cause, last_epc;

void trap_handler(struct trap_frame *f)
{
    if (!(f->mcause & MCAUSE_INTERRUPT)) {
        printf("unexpected exception %lx at %lx\n", f->mcause, f->mepc);
        exit(TRAP_EXIT_CODE);
    }
    irqs++;
    last_cause = f->mcause;
    last_epc = f->mepc;
    /* Quieten the source, or mret would take the interrupt again at once. */
    if ((f->mcause & 0xff) == 7)
        *mtimecmp = ~0ull;
    else
        *msip = 0;
}

static void timer(void)
{
    *mtimecmp = ~0ull;
    csr_clear(mstatus, MSTATUS_MIE);
    csr_set(mie, MIE_MTIE);

    /* time (CSR) and mtime (MMIO) are the same clock. */
    uint64_t a = *mtime, t = read_time(), b = *mtime;
    CHECK(a <= t && t <= b, 1);

    /* Pending but globally disabled: visible in mip, not taken. */
    *mtimecmp = *mtime;
    while (!(csr_read(mip) & MIP_MTIP))
        ;
    CHECK(irqs, 0);
    /* Enabling takes it. The bounded spin (instead of an immediate check) leaves room for
     * an emulator that looks at device interrupts between instruction slices. */
    csr_set(mstatus, MSTATUS_MIE);
    for (int i = 0; i < 1000000 && !irqs; i++)
        ;
    CHECK(irqs, 1);
    CHECK(last_cause, MCAUSE_INTERRUPT | 7);
    CHECK(csr_read(mip) & MIP_MTIP, 0); /* cleared by raising mtimecmp */

    /* wfi sleeps until the timer fires ~1 ms later; mepc is after the wfi (it retired). */
    uint64_t start = *mtime;
    *mtimecmp = start + TIMEBASE_HZ / 1000;
    while (irqs == 1)
        __asm__ volatile("wfi");
    CHECK(irqs, 2);
    CHECK(last_cause, MCAUSE_INTERRUPT | 7);
    CHECK(*mtime >= start + TIMEBASE_HZ / 1000, 1);

    /* wfi also wakes with MIE clear (the interrupt stays pending, not taken). */
    csr_clear(mstatus, MSTATUS_MIE);
    *mtimecmp = *mtime + TIMEBASE_HZ / 1000;
    while (!(csr_read(mip) & MIP_MTIP))
        __asm__ volatile("wfi");
    CHECK(irqs, 2);
    /* Setting MIE with an interrupt already pending takes it before the next instruction,
     * as QEMU does (it ends the translation block after the CSR write). */
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(irqs, 3);
    csr_clear(mie, MIE_MTIE);
}

static void software(void)
{
    csr_set(mie, MIE_MSIE);
    *msip = 1;
    for (int i = 0; i < 1000000 && irqs == 3; i++)
        ;
    CHECK(irqs, 4);
    CHECK(last_cause, MCAUSE_INTERRUPT | 3);
    CHECK(csr_read(mip) & MIP_MSIP, 0);
    csr_clear(mie, MIE_MSIE);
    csr_clear(mstatus, MSTATUS_MIE);
}

/* Vectored mtvec (MODE = 1): exceptions go to BASE, interrupt n to BASE + 4n. Each slot
 * jumps to a stub that leaves its number in mscratch on the way to the common entry. */
void vector_table(void);
__asm__(".text\n"
        ".option push\n"
        ".option norvc\n" /* slots are exactly 4 bytes apart */
        ".balign 256\n"
        "vector_table:\n"
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11\n"
        "  j vector_slot_\\n\n"
        ".endr\n"
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11\n"
        "vector_slot_\\n: csrwi mscratch, \\n\n"
        "  j trap_entry\n"
        ".endr\n"
        ".option pop\n");

static void vectored(void)
{
    extern void trap_entry(void);
    csr_write(mtvec, (uint64_t)vector_table | 1);
    CHECK(csr_read(mtvec), (uint64_t)vector_table | 1);

    csr_write(mscratch, 99);
    csr_set(mie, MIE_MTIE);
    csr_set(mstatus, MSTATUS_MIE);
    *mtimecmp = *mtime;
    for (int i = 0; i < 1000000 && irqs == 4; i++)
        ;
    CHECK(irqs, 5);
    CHECK(last_cause, MCAUSE_INTERRUPT | 7);
    CHECK(csr_read(mscratch), 7); /* came through slot 7 */

    csr_set(mie, MIE_MSIE);
    *msip = 1;
    for (int i = 0; i < 1000000 && irqs == 5; i++)
        ;
    CHECK(irqs, 6);
    CHECK(csr_read(mscratch), 3); /* software interrupt: slot 3 */
    csr_clear(mie, MIE_MSIE | MIE_MTIE);
    csr_clear(mstatus, MSTATUS_MIE);

    csr_write(mtvec, (uint64_t)trap_entry);
}

int main(void)
{
    timer();
    software();
    vectored();
    return pass("timer");
}
