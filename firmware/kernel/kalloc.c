/* Physical memory: a free list of 4 KiB frames threaded through the free frames themselves.
 * Every frame between the end of the kernel image and the end of RAM is on it at boot,
 * except those holding the device tree. */
#include "kernel.h"
#include "riscv.h"

struct free_frame {
    struct free_frame *next;
};

static struct {
    struct free_frame *head;
    uint64_t start, end; /* the range frames come from, for kfree's sanity check */
    uint64_t free_count;
} frames;

/* Puts [start, end) on the free list, skipping the frames that overlap [hole_start,
 * hole_end) (the device tree, which kmain may still want to read). */
void kalloc_init(uint64_t start, uint64_t end, uint64_t hole_start, uint64_t hole_end)
{
    frames.start = PAGE_ROUND_UP(start);
    frames.end = PAGE_ROUND_DOWN(end);
    hole_start = PAGE_ROUND_DOWN(hole_start);
    hole_end = PAGE_ROUND_UP(hole_end);
    /* Freed from the top down, so allocation hands out the lowest frames first. */
    for (uint64_t pa = frames.end; pa > frames.start;) {
        pa -= PAGE_SIZE;
        if (pa >= hole_start && pa < hole_end) continue;
        kfree((void *)pa);
    }
}

void *kalloc(void)
{
    struct free_frame *f = frames.head;
    if (!f) return NULL;
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
    struct free_frame *f = frame;
    f->next = frames.head;
    frames.head = f;
    frames.free_count++;
}

uint64_t kalloc_free_count(void)
{
    return frames.free_count;
}
