/* Swap: when frames run out, user pages go to the disk's swap partition (MBR partition 2)
 * and come back on the next access (swap.c). */
#ifndef KERNEL_SWAP_H
#define KERNEL_SWAP_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

struct proc;

/* What vmstat shows of swapping; counts since boot. */
struct swap_stats {
    uint64_t slots_total; /* 4 KiB pages the swap partition holds (0: no swap) */
    uint64_t slots_used;
    uint64_t swap_outs;   /* pages written to swap */
    uint64_t clean_drops; /* pages evicted without a write: their swap copy was current */
    uint64_t swap_ins;    /* pages read back on a fault */
    uint64_t scanned;     /* PTEs the clock hand looked at */
};

/* The swap partition from the MBR, and a coremap for the frames in [ram_start, ram_end). */
void swap_init(uint64_t ram_start, uint64_t ram_end);
bool swap_enabled(void);
void swap_get_stats(struct swap_stats *out);

/* A private user page now lives in frame at va of the address space with that root: the
 * clock may evict it. kfree forgets the frame. */
void swap_track(pagetable_t root, uint64_t va, void *frame);
void swap_forget(void *frame);
/* Evicts one page chosen by the clock; false when there is nothing to evict or no room. */
bool swap_out_one(void);
/* Brings p's swapped-out page at va back: 0, or -1 when memory and swap are both full. */
int swap_in(struct proc *p, uint64_t va);
/* An invalid PTE that stands for a page in swap, and giving its slot back (unmap, exit). */
bool pte_is_swapped(pte_t pte);
void swap_release(pte_t pte);

#endif
