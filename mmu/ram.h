/* Guest RAM: one contiguous range of guest-physical addresses [base, base + size) backed by
 * host memory at `host`. Everything that turns a guest-physical address into a host pointer
 * (the MMU, the page walker, DMA by devices, the loader and the machine) goes through
 * ram_span, the one checked path: a guest-controlled address or length can never make it
 * return a pointer outside [host, host + size]. */
#ifndef RV39_RAM_H
#define RV39_RAM_H

#include <stdbool.h>
#include <stdint.h>

struct guest_ram {
    uint8_t *host;
    uint64_t base, size;
    /* Snapshots (emu/snapshot.c): one byte per 4 KiB page, set by every write to the page
     * since the last capture or restore, or NULL while nobody takes snapshots. Whoever writes
     * RAM marks it (ram_note_write); setting more bytes than were written is always safe. */
    uint8_t *written;
};

/* The host bytes behind guest-physical [gpa, gpa + len), or NULL when any of them is not RAM.
 * Overflow-safe for every gpa and len: `off` wraps for gpa < base, so that case is tested
 * on its own; `len > size - off` cannot overflow once off <= size. A zero-length span at the
 * end of RAM is allowed (it points one past the last byte and must not be dereferenced). */
static inline uint8_t *ram_span(const struct guest_ram *r, uint64_t gpa, uint64_t len)
{
    uint64_t off = gpa - r->base;
    if (gpa < r->base || off > r->size || len > r->size - off) return (uint8_t *)0;
    return r->host + off;
}

/* Whether guest-physical `gpa` is a byte of RAM. */
static inline bool ram_contains(const struct guest_ram *r, uint64_t gpa)
{
    return ram_span(r, gpa, 1) != (uint8_t *)0;
}

/* The index of the 4 KiB RAM page holding `gpa`; only for addresses ram_contains accepts. */
static inline uint64_t ram_page_index(const struct guest_ram *r, uint64_t gpa)
{
    return (gpa - r->base) >> 12;
}

/* [gpa, gpa + len), already checked by ram_span, was (or may be) written. */
static inline void ram_note_write(const struct guest_ram *r, uint64_t gpa, uint64_t len)
{
    if (!r->written || len == 0) return;
    for (uint64_t p = (gpa - r->base) >> 12; p <= (gpa - r->base + len - 1) >> 12; p++)
        r->written[p] = 1;
}

#endif
