/* Demand paging at work: grows the heap by 8 MiB with sbrk (no memory yet), writes one byte
 * in each of its 2048 pages (each first touch is a page fault the kernel serves with a fresh
 * zeroed page), checks the bytes, and reports the faults from the MMU counters. A deep
 * recursion then grows the stack the same way. */
#include "user.h"

#define HEAP_BYTES (8ul << 20)
#define PAGE 4096ul
#define FRAME_BYTES 1024
#define DEPTH 64

/* Each level keeps FRAME_BYTES on the stack: DEPTH levels need 16 fresh stack pages. */
static unsigned long deep(int depth)
{
    volatile char frame[FRAME_BYTES];
    frame[0] = (char)depth;
    frame[FRAME_BYTES - 1] = (char)depth;
    return depth == 0 ? 0 : deep(depth - 1) + (unsigned long)(frame[0] + frame[FRAME_BYTES - 1]);
}

int main(void)
{
    struct mmu_counters before, after;
    mmu_counters(&before);

    char *heap = sbrk((long)HEAP_BYTES);
    if (heap == (char *)-1) {
        printf("touch: FAIL: sbrk(%lu) refused\n", HEAP_BYTES);
        return 1;
    }
    unsigned long pages = HEAP_BYTES / PAGE;
    for (unsigned long i = 0; i < pages; i++)
        heap[i * PAGE] = (char)i;
    for (unsigned long i = 0; i < pages; i++)
        if (heap[i * PAGE] != (char)i || heap[i * PAGE + 1] != 0) {
            printf("touch: FAIL: page %lu does not hold what was written\n", i);
            return 1;
        }
    mmu_counters(&after);
    unsigned long served = after.demand_faults - before.demand_faults;
    printf("touch: touched %lu pages of an 8 MiB heap\n", pages);
    printf("touch: page faults served by the kernel: %lu\n", served);
    if (after.hw_available) {
        printf("touch: page faults counted by the MMU (hpmcounter6): %lu\n",
               after.page_faults - before.page_faults);
        /* The kernel set scounteren, so U-mode may read the counter itself as well. */
        uint64_t direct;
        __asm__ volatile("csrr %0, hpmcounter6" : "=r"(direct));
        printf("touch: hpmcounter6 is readable in U-mode too: %s\n",
               direct >= after.page_faults ? "yes" : "NO, it went backwards");
        /* More misses and walks than faults: a fault's page is walked again when the kernel
         * returns, and the kernel's own accesses miss too. */
        printf("touch: the MMU also counted %lu dTLB misses, %lu page walks, %lu sfence.vma\n",
               after.dtlb_misses - before.dtlb_misses, after.walks - before.walks,
               after.sfences - before.sfences);
    } else {
        printf("touch: MMU counters not readable on this machine\n");
    }

    unsigned long stack_faults = after.demand_faults;
    deep(DEPTH);
    mmu_counters(&after);
    stack_faults = after.demand_faults - stack_faults;
    printf("touch: the stack grew by %lu pages on demand\n", stack_faults);

    sbrk(-(long)HEAP_BYTES); /* hands the 2048 frames back */
    return served >= pages && stack_faults >= DEPTH * FRAME_BYTES / PAGE ? 0 : 1;
}
