/* For time travel over a full-speed recording (timetravel_replay.sh): what a replay cut into
 * pieces (cpu_run_begin, emu/replay_seek.h) must do as the whole slice did. In M-mode with
 * interrupts on, each round of straight-line work stores msip = 1 now and then (the software
 * interrupt is pending at once, and a run takes it where it next looks: no CSR write here
 * makes it look, so at the next slice) and mixes mtime read through the CLINT (guest time as
 * the run counts it: at its syncs) into the sum; the handler adds mepc and mtime, and keeps
 * the timer firing a little ahead. The state hashes see all of it. */
#include "rv39.h"

static volatile uint64_t *const mtime = (volatile uint64_t *)CLINT_MTIME;
static volatile uint64_t *const mtimecmp = (volatile uint64_t *)CLINT_MTIMECMP;
static volatile uint32_t *const msip = (volatile uint32_t *)CLINT_MSIP;
static volatile uint64_t sum, irqs;

void trap_handler(struct trap_frame *f)
{
    if (!(f->mcause & MCAUSE_INTERRUPT)) {
        printf("unexpected exception %lx at %lx\n", f->mcause, f->mepc);
        exit(TRAP_EXIT_CODE);
    }
    irqs++;
    sum = sum * 31 + f->mepc + *mtime;
    if ((f->mcause & 0xff) == 7)
        *mtimecmp = *mtime + 37 + (sum & 63);
    else
        *msip = 0;
}

int main(void)
{
    *mtimecmp = ~0ull;
    csr_set(mie, MIE_MSIE | MIE_MTIE);
    csr_set(mstatus, MSTATUS_MIE);
    *mtimecmp = *mtime + 50;
    for (uint64_t i = 0; i < 25000; i++) {
        if ((i & 7) == 0) *msip = 1;
        uint64_t x = i;
        for (int k = 0; k < 48; k++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            if (k % 16 == 0) x ^= *mtime;
        }
        sum += x;
    }
    printf("tt_irq: %s\n", irqs > 100 ? "interrupted" : "too few interrupts");
    return 0;
}
