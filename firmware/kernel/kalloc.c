/* Physical memory: a free list of 4 KiB frames threaded through the free frames themselves.
 * Every frame between the end of the kernel image and the end of RAM is on it at boot,
 * except those holding the device tree and those of the huge-page pool.
 *
 * The huge-page pool: up to HUGE_POOL_BLOCKS physically contiguous, 2 MiB-aligned blocks
 * carved from the top of RAM at boot, before the free list is built, for the megapages of
 * MAP_HUGE_2MB regions (mmap.c). Reserving them up front is simpler than searching the free
 * list for 512 contiguous free frames, which fragments quickly; the price is 16 MiB that
 * 4 KiB allocations cannot use. Small machines (under HUGE_POOL_MIN_RAM) get no pool, so
 * huge mappings there fall back to 4 KiB pages. */
#include "kernel.h"
#include "riscv.h"
#include "swap.h"

struct free_frame {
    struct free_frame *next;
};

#define HUGE_POOL_BLOCKS 8
#define HUGE_POOL_MIN_RAM (64ul << 20)

static struct {
    uint64_t block[HUGE_POOL_BLOCKS]; /* physical addresses, each HUGE_PAGE_SIZE-aligned */
    bool used[HUGE_POOL_BLOCKS];
    int count;
} huge_pool;

static bool in_huge_pool(uint64_t pa)
{
    for (int i = 0; i < huge_pool.count; i++)
        if (pa >= huge_pool.block[i] && pa < huge_pool.block[i] + HUGE_PAGE_SIZE) return true;
    return false;
}

/* Sets aside the 2 MiB-aligned blocks at the top of [start, end) that miss the hole. */
static void huge_pool_init(uint64_t start, uint64_t end, uint64_t hole_start, uint64_t hole_end)
{
    if (end - start < HUGE_POOL_MIN_RAM) return;
    for (uint64_t b = end & ~(HUGE_PAGE_SIZE - 1);
         b >= start + HUGE_PAGE_SIZE && huge_pool.count < HUGE_POOL_BLOCKS;) {
        b -= HUGE_PAGE_SIZE;
        if (b < hole_end && hole_start < b + HUGE_PAGE_SIZE) continue;
        huge_pool.block[huge_pool.count++] = b;
    }
}

static struct {
    struct free_frame *head;
    uint64_t start, end; /* the range frames come from, for kfree's sanity check */
    uint64_t free_count;
} frames;

/* Puts [start, end) on the free list, skipping the frames that overlap [hole_start,
 * hole_end) (the device tree, which kmain may still want to read). */
uint64_t kalloc_init(uint64_t start, uint64_t end, uint64_t hole_start, uint64_t hole_end)
{
    uint64_t in_hole = 0;
    frames.start = PAGE_ROUND_UP(start);
    frames.end = PAGE_ROUND_DOWN(end);
    hole_start = PAGE_ROUND_DOWN(hole_start);
    hole_end = PAGE_ROUND_UP(hole_end);
    huge_pool_init(frames.start, frames.end, hole_start, hole_end);
    /* Freed from the top down, so allocation hands out the lowest frames first. */
    for (uint64_t pa = frames.end; pa > frames.start;) {
        pa -= PAGE_SIZE;
        if (pa >= hole_start && pa < hole_end) {
            in_hole++;
            continue;
        }
        if (in_huge_pool(pa)) continue;
        kfree((void *)pa);
    }
    return in_hole;
}

/* A zeroed frame. When none is free a user page goes to swap to make one (swap.c); that may
 * sleep on the disk, and another process may take the frame meanwhile: hence the loop. */
void *kalloc(void)
{
    while (!frames.head)
        if (!swap_out_one()) return NULL;
    struct free_frame *f = frames.head;
    frames.head = f->next;
    frames.free_count--;
    memset(f, 0, PAGE_SIZE);
    return f;
}

void kfree(void *frame)
{
    uint64_t pa = (uint64_t)frame;
    if (pa % PAGE_SIZE || pa < frames.start || pa >= frames.end)
        panic("kfree: 0x%lx is not a frame of the allocator", pa);
    swap_forget(frame); /* no longer a user page the clock may pick */
    struct free_frame *f = frame;
    f->next = frames.head;
    frames.head = f;
    frames.free_count++;
}

void kalloc_range(uint64_t *start, uint64_t *end)
{
    *start = frames.start;
    *end = frames.end;
}

uint64_t kalloc_free_count(void)
{
    return frames.free_count;
}

/* A zeroed, physically contiguous, 2 MiB-aligned block from the pool, or NULL. */
void *kalloc_huge(void)
{
    for (int i = 0; i < huge_pool.count; i++) {
        if (huge_pool.used[i]) continue;
        huge_pool.used[i] = true;
        memset((void *)huge_pool.block[i], 0, HUGE_PAGE_SIZE);
        return (void *)huge_pool.block[i];
    }
    return NULL;
}

void kfree_huge(void *block)
{
    for (int i = 0; i < huge_pool.count; i++) {
        if (huge_pool.block[i] != (uint64_t)block) continue;
        if (!huge_pool.used[i]) panic("kfree_huge: 0x%lx is already free", (uint64_t)block);
        huge_pool.used[i] = false;
        return;
    }
    panic("kfree_huge: 0x%lx is not a block of the huge pool", (uint64_t)block);
}

/* Blocks of the pool in all, and how many are free now. */
int kalloc_huge_total(void)
{
    return huge_pool.count;
}

int kalloc_huge_free(void)
{
    int n = 0;
    for (int i = 0; i < huge_pool.count; i++)
        n += !huge_pool.used[i];
    return n;
}
