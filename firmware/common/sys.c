/* Power-off and the fallback trap handler. */
#include "rv39.h"

void exit(int code)
{
    volatile uint32_t *finisher = (volatile uint32_t *)FINISHER_BASE;
    /* sifive,test0: 0x5555 = pass; 0x3333 with the status in the upper half = fail. */
    *finisher = code == 0 ? 0x5555u : ((uint32_t)code << 16) | 0x3333u;
    /* The write powers the machine off; spin in case a board lacks the device. */
    for (;;)
        __asm__ volatile("wfi");
}

/* Weak, so a program that provokes traps replaces it by defining its own. */
__attribute__((weak)) void trap_handler(struct trap_frame *f)
{
    printf("unexpected trap: mcause=%lx mepc=%lx mtval=%lx\n", f->mcause, f->mepc, f->mtval);
    exit(TRAP_EXIT_CODE);
}
