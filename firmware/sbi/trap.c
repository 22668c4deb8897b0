/* M-mode trap dispatch. Everything S may legitimately cause lands in one of three places: an
 * SBI call (ecall from S), the machine timer (when set_timer runs on the CLINT), or a guarded
 * access the firmware itself expected to fault. Anything else is a bug in S or in here, and
 * the firmware reports it and powers off with a failure status. */
#include "sbi.h"

/* Per hart: each arms its own guard. In .bss: only harts started after boot use it. */
static volatile bool guard_armed[SBI_MAX_HARTS], guard_tripped[SBI_MAX_HARTS];

void trap_guard_arm(void)
{
    guard_tripped[smp_hart()] = false;
    guard_armed[smp_hart()] = true;
}

bool trap_guard_tripped(void)
{
    guard_armed[smp_hart()] = false;
    return guard_tripped[smp_hart()];
}

/* Length of the instruction at pc: 2 for compressed encodings (low bits != 11), else 4.
 * Reads only the first halfword, which suffices and cannot cross into a missing page. */
static uint64_t instruction_length(uint64_t pc)
{
    uint16_t low = *(volatile uint16_t *)pc;
    return (low & 3) == 3 ? 4 : 2;
}

static const char *mode_name(uint64_t mpp)
{
    switch (mpp) {
    case 0: return "U";
    case 1: return "S";
    case 3: return "M";
    default: return "?";
    }
}

__attribute__((noreturn)) static void fatal_trap(struct sbi_trap_frame *f, uint64_t mcause,
                                                 uint64_t mtval)
{
    uint64_t mpp = (f->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    printf("\nrv39 SBI: unexpected trap from %s-mode: mcause=0x%lx mepc=0x%lx mtval=0x%lx\n",
           mode_name(mpp), mcause, f->mepc, mtval);
    power_off(true);
}

void sbi_trap(struct sbi_trap_frame *f)
{
    /* Read first: a guarded access later in this handler would overwrite them. */
    uint64_t mcause = csr_read(mcause);
    uint64_t mtval = csr_read(mtval);

    if (mcause & MCAUSE_INTERRUPT) {
        if ((mcause & ~MCAUSE_INTERRUPT) == IRQ_M_TIMER) {
            timer_on_machine_interrupt();
            return;
        }
        if ((mcause & ~MCAUSE_INTERRUPT) == IRQ_M_SOFT) { /* another hart's request */
            smp_on_software_interrupt();
            return;
        }
        fatal_trap(f, mcause, mtval);
    }

    uint64_t mpp = (f->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    if (mcause == CAUSE_SUPERVISOR_ECALL) {
        if (sbi_ecall(f)) f->mepc += 4; /* ecall has no compressed form */
        return;
    }
    if (mpp == 3 && guard_armed[smp_hart()]) {
        guard_tripped[smp_hart()] = true;
        f->mepc += instruction_length(f->mepc);
        return;
    }
    fatal_trap(f, mcause, mtval);
}
