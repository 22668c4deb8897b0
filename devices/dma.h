/* How a bus-master device (virtio) reaches guest RAM: by physical address, with bounds
 * checks, and telling the hart which bytes it wrote so decoded instructions stay coherent
 * (the hart's write-side invalidation cannot see DMA). Devices get this struct, never the
 * CPU. */
#ifndef RV39_DMA_H
#define RV39_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../mmu/ram.h"

struct dma {
    struct guest_ram ram;
    void (*written)(void *opaque, uint64_t pa, uint64_t len); /* may be NULL */
    void *opaque;
};

/* Host pointer to guest-physical [pa, pa + len), or NULL if any of it is not RAM. The span
 * counts as written for snapshots (mmu/ram.h) whether the device writes it or only reads it:
 * marking here, on the one path, cannot miss a device's write. */
static inline uint8_t *dma_ptr(const struct dma *d, uint64_t pa, uint64_t len)
{
    uint8_t *p = ram_span(&d->ram, pa, len);
    if (p) ram_note_write(&d->ram, pa, len);
    return p;
}

static inline bool dma_read(const struct dma *d, uint64_t pa, void *buf, size_t len)
{
    const uint8_t *p = dma_ptr(d, pa, len);
    if (!p) return false;
    memcpy(buf, p, len);
    return true;
}

/* Call after writing guest RAM through dma_ptr. */
static inline void dma_wrote(const struct dma *d, uint64_t pa, uint64_t len)
{
    if (d->written) d->written(d->opaque, pa, len);
}

static inline bool dma_write(const struct dma *d, uint64_t pa, const void *buf, size_t len)
{
    uint8_t *p = dma_ptr(d, pa, len);
    if (!p) return false;
    memcpy(p, buf, len);
    dma_wrote(d, pa, len);
    return true;
}

#endif
