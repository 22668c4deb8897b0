/* What the multi-hart test guests share (tests/smp). */
#ifndef RV39_SMP_GUEST_H
#define RV39_SMP_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "rv39.h"

/* How many harts the board has, up to `max`: hart n exists when its msip holds a 1 (the
 * CLINT ignores writes to the others'). */
static inline unsigned smp_count_harts(unsigned max)
{
    volatile uint32_t *msip = (volatile uint32_t *)CLINT_MSIP;
    unsigned n = 1;
    while (n < max) {
        msip[n] = 1;
        bool there = msip[n] == 1;
        msip[n] = 0;
        if (!there) break;
        n++;
    }
    return n;
}

#endif
