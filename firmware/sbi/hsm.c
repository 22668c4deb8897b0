/* Hart State Management (SBI spec, "Hart State Management Extension", EID "HSM"). The other
 * harts wait STOPPED from boot (smp.c); hart_start wakes one at start_addr in S-mode with
 * a0 = hartid, a1 = opaque; hart_stop sends the calling hart back to waiting; get_status
 * reads any hart's state. Suspending waits in wfi until an interrupt the hart has enabled is
 * pending ("the hart resumes on an interrupt"), serving other harts' requests meanwhile, then
 * either returns (retentive) or enters S-mode at resume_addr with a0 = hartid, a1 = opaque,
 * satp = 0 and sstatus.SIE = 0, as the spec's non-retentive resume requires. */
#include "sbi.h"

#define ARG(f, n) ((f)->x[10 + (n)])
#define FID(f) ((f)->x[16])

static struct sbiret result(long error, long value)
{
    return (struct sbiret){error, value};
}

/* Wait for an interrupt that is pending and enabled in mie (wfi wakes on those whatever the
 * global enables and delegation say: privileged spec, "Wait for Interrupt"). M-mode keeps its
 * own interrupts off meanwhile; the M timer and software interrupts are the firmware's, so
 * they are served here (the software one may leave an IPI pending for S: that ends the wait). */
static void wait_for_enabled_interrupt(void)
{
    for (;;) {
        uint64_t pending = csr_read(mip) & csr_read(mie);
        if (pending & MIE_MSIE) {
            smp_on_software_interrupt();
            continue;
        }
        if (pending == MIP_MTIP) {
            timer_on_machine_interrupt();
            return;
        }
        if (pending) return;
        __asm__ volatile("wfi");
    }
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
    smp_set_state(SBI_HSM_STATE_SUSPENDED);
    wait_for_enabled_interrupt();
    smp_set_state(SBI_HSM_STATE_STARTED);
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
    case SBI_HSM_HART_START: return result(smp_hart_start(ARG(f, 0), ARG(f, 1), ARG(f, 2)), 0);
    case SBI_HSM_HART_STOP: smp_hart_stop();
    case SBI_HSM_HART_GET_STATUS: {
        long state = smp_hart_status(ARG(f, 0));
        return state < 0 ? result(state, 0) : result(SBI_SUCCESS, state);
    }
    case SBI_HSM_HART_SUSPEND: return suspend(f, ARG(f, 0), ARG(f, 1), ARG(f, 2), redirected);
    default: return result(SBI_ERR_NOT_SUPPORTED, 0);
    }
}
