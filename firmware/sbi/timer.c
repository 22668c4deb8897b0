/* SBI set_timer on one of two timers, chosen once at boot:
 *  - Sstc: S's timer is its own comparator, stimecmp; STIP follows (time >= stimecmp) in
 *    hardware, so writing a future value also clears the pending interrupt.
 *  - CLINT: only M has a comparator (mtimecmp). When it fires (MTIP), the firmware passes the
 *    interrupt on to S by setting mip.STIP and masks MTIE until S asks for the next one.
 * Privileged spec: "Machine Timer Registers", "Supervisor Timer Register (stimecmp)" and
 * "Machine Environment Configuration Register" (STCE). */
#include "sbi.h"

static bool use_sstc;

/* This hart's comparator (QEMU virt's CLINT: hart h's at +0x4000 + 8*h). */
static volatile uint64_t *mtimecmp(void)
{
    return (volatile uint64_t *)(CLINT_MTIMECMP + 8 * smp_hart());
}

/* Sstc is there when menvcfg.STCE sticks. A hart without menvcfg (privileged spec before
 * 1.12) raises an illegal instruction, which the guard absorbs. */
static bool probe_sstc(void)
{
#ifdef SBI_FORCE_CLINT_TIMER
    return false; /* a build that exercises the CLINT path on Sstc-capable harts */
#else
    uint64_t readback = 0;
    trap_guard_arm();
    __asm__ volatile("csrs %1, %2\n\tcsrr %0, %1"
                     : "+r"(readback)
                     : "i"(CSR_MENVCFG), "r"(MENVCFG_STCE));
    if (trap_guard_tripped()) return false;
    return (readback & MENVCFG_STCE) != 0;
#endif
}

bool timer_init(void)
{
    use_sstc = probe_sstc();
    /* Reset values of the comparators are unspecified; park them in the far future so no
     * timer interrupt is pending before S asks for one. */
    if (use_sstc)
        __asm__ volatile("csrw %0, %1" ::"i"(CSR_STIMECMP), "r"(~0ul));
    else
        *mtimecmp() = ~0ul;
    return use_sstc;
}

bool timer_uses_sstc(void)
{
    return use_sstc;
}

void timer_set(uint64_t when)
{
    if (use_sstc) {
        __asm__ volatile("csrw %0, %1" ::"i"(CSR_STIMECMP), "r"(when));
        return;
    }
    *mtimecmp() = when;
    /* The spec of set_timer: the pending timer interrupt is cleared whatever the new time.
     * If `when` is already past, MTIP is pending now and re-raises STIP at once. */
    csr_clear(mip, MIP_STIP);
    csr_set(mie, MIE_MTIE);
}

void timer_on_machine_interrupt(void)
{
    csr_set(mip, MIP_STIP);
    csr_clear(mie, MIE_MTIE); /* MTIP stays high until mtimecmp moves: stop taking it */
}
