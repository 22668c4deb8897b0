/* Hart State Management (SBI spec, "Hart State Management Extension", EID "HSM") for the one
 * hart this firmware serves. It is always STARTED while S-mode can call; it cannot start
 * itself again (ALREADY_AVAILABLE), and no other hart exists (INVALID_PARAM). Stopping it
 * parks it for good: nothing is left to restart it. Suspending waits in wfi until an
 * interrupt the hart has enabled is pending ("the hart resumes on an interrupt"), then either
 * returns (retentive) or enters S-mode at resume_addr with a0 = hartid, a1 = opaque, satp = 0
 * and sstatus.SIE = 0, as the spec's non-retentive resume requires. */
#include "sbi.h"

#define ARG(f, n) ((f)->x[10 + (n)])
#define FID(f) ((f)->x[16])

static struct sbiret result(long error, long value)
{
    return (struct sbiret){error, value};
}

static bool is_this_hart(uint64_t hartid)
{
    return hartid == csr_read(mhartid);
}

/* Wait for an interrupt that is pending and enabled in mie (wfi wakes on those whatever the
 * global enables and delegation say: privileged spec, "Wait for Interrupt"). M-mode keeps its
 * own interrupts off meanwhile; an M timer interrupt is the firmware's, so it is served here. */
static void wait_for_enabled_interrupt(void)
{
    while (!(csr_read(mip) & csr_read(mie))) {
        __asm__ volatile("wfi");
    }
    if ((csr_read(mip) & csr_read(mie)) == MIP_MTIP) timer_on_machine_interrupt();
}

__attribute__((noreturn)) static void park(void)
{
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, 0);
    for (;;)
        __asm__ volatile("wfi");
}

/* Suspend types (spec table "HSM Hart Suspend Types"). */
#define SUSPEND_DEFAULT_RETENTIVE 0x00000000ul
#define SUSPEND_DEFAULT_NON_RETENTIVE 0x80000000ul
#define SUSPEND_PLATFORM_RETENTIVE_FIRST 0x10000000ul
#define SUSPEND_PLATFORM_NON_RETENTIVE_FIRST 0x90000000ul

static struct sbiret suspend(struct sbi_trap_frame *f, uint64_t type, uint64_t resume_addr,
                             uint64_t opaque, bool *redirected)
{
    type = (uint32_t)type;
    if (type != SUSPEND_DEFAULT_RETENTIVE && type != SUSPEND_DEFAULT_NON_RETENTIVE) {
        /* Platform-specific types are not reserved, but this platform has none. */
        bool platform = (type >= SUSPEND_PLATFORM_RETENTIVE_FIRST && type < 0x80000000ul) ||
                        type >= SUSPEND_PLATFORM_NON_RETENTIVE_FIRST;
        return result(platform ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM, 0);
    }
    bool retentive = type == SUSPEND_DEFAULT_RETENTIVE;
    /* The firmware's own region is not S's to execute. */
    if (!retentive && resume_addr >= FW_BASE && resume_addr < FW_BASE + FW_REGION_SIZE)
        return result(SBI_ERR_INVALID_ADDRESS, 0);
    wait_for_enabled_interrupt();
    if (retentive) return result(SBI_SUCCESS, 0);
    /* Non-retentive: S starts over at resume_addr ("Hart Suspend", resume state). */
    csr_write(satp, 0);
    __asm__ volatile("sfence.vma" ::: "memory");
    f->mstatus = (f->mstatus & ~(MSTATUS_MPP | MSTATUS_SIE)) | MSTATUS_MPP_S;
    f->mepc = resume_addr;
    ARG(f, 0) = csr_read(mhartid);
    ARG(f, 1) = opaque;
    *redirected = true;
    return result(SBI_SUCCESS, 0);
}

struct sbiret hsm_call(struct sbi_trap_frame *f, bool *redirected)
{
    *redirected = false;
    switch (FID(f)) {
    case SBI_HSM_HART_START:
        return result(is_this_hart(ARG(f, 0)) ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM,
                      0);
    case SBI_HSM_HART_STOP: park();
    case SBI_HSM_HART_GET_STATUS:
        return is_this_hart(ARG(f, 0)) ? result(SBI_SUCCESS, SBI_HSM_STATE_STARTED)
                                       : result(SBI_ERR_INVALID_PARAM, 0);
    case SBI_HSM_HART_SUSPEND: return suspend(f, ARG(f, 0), ARG(f, 1), ARG(f, 2), redirected);
    default: return result(SBI_ERR_NOT_SUPPORTED, 0);
    }
}
