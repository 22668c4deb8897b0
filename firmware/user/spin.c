/* Keeps the CPU busy for SPIN_TICKS timer ticks without ever giving it up: only the timer's
 * preemption lets the other processes run meanwhile (init starts hello after this one, and
 * hello's lines come out before spin's last). */
#include "user.h"

#define SPIN_TICKS 30

int main(void)
{
    printf("spin: pid %d busy for %d ticks\n", getpid(), SPIN_TICKS);
    unsigned long start = uptime(), spins = 0;
    while (uptime() - start < SPIN_TICKS)
        spins++;
    printf("spin: done after %d ticks\n", SPIN_TICKS);
    return spins ? 0 : 1;
}
