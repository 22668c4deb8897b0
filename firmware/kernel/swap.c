/* Swap (being written): see swap.h. */
#include "swap.h"

#include "kernel.h"

static struct swap_stats stats;

void swap_init(void) {}

bool swap_enabled(void)
{
    return stats.slots_total != 0;
}

void swap_get_stats(struct swap_stats *out)
{
    *out = stats;
}
