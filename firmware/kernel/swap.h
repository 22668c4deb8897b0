/* Swap: when frames run out, user pages go to the disk's swap partition (MBR partition 2)
 * and come back on the next access (swap.c). */
#ifndef KERNEL_SWAP_H
#define KERNEL_SWAP_H

#include <stdbool.h>
#include <stdint.h>

/* What vmstat shows of swapping; counts since boot. */
struct swap_stats {
    uint64_t slots_total; /* 4 KiB pages the swap partition holds (0: no swap) */
    uint64_t slots_used;
    uint64_t swap_outs; /* pages written to swap */
    uint64_t swap_ins;  /* pages read back on a fault */
    uint64_t scanned;   /* PTEs the clock hand looked at */
};

void swap_init(void);
bool swap_enabled(void);
void swap_get_stats(struct swap_stats *out);

#endif
