/* virtio-blk (virtio 1.x "Block Device", device ID 2) over the virtio-mmio transport, backed
 * by a raw image file. One request queue; reads and writes go with pread/pwrite straight
 * between the file and guest RAM; FLUSH returns after fdatasync. */
#ifndef RV39_VIRTIO_BLK_H
#define RV39_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "dma.h"
#include "irq.h"
#include "virtio_mmio.h"

#define VIRTIO_ID_BLOCK 2u
#define VIRTIO_BLK_SECTOR 512u /* the unit of `sector` and `capacity`, whatever blk_size says */
#define VIRTIO_BLK_ID_BYTES 20u

/* Feature bits ("Block Device" / "Feature bits"). */
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

/* Request types and status values ("Device Operation"). */
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_T_GET_ID 8u
#define VIRTIO_BLK_S_OK 0u
#define VIRTIO_BLK_S_IOERR 1u
#define VIRTIO_BLK_S_UNSUPP 2u

struct virtio_blk {
    bool opened; /* false in a zeroed struct: close is then a no-op */
    int fd;
    bool readonly;
    uint64_t capacity;                    /* in 512-byte sectors */
    char serial[VIRTIO_BLK_ID_BYTES + 1]; /* GET_ID answer, NUL-padded */
    /* The request being served, and its data segments as host pointers (too big for the
     * stack). */
    struct virtq_chain chain;
    struct blk_segment {
        uint8_t *host;
        uint64_t pa;
        uint32_t len;
    } seg[VIRTQ_MAX_CHAIN];
    /* Counters, for statistics and tests. */
    uint64_t requests, errors;
    /* Told before each write reaches the image, with the byte range it will overwrite (the
     * snapshots' disk journal keeps the old contents: emu/disk_journal.c). NULL: nobody. */
    void (*before_write)(void *opaque, struct virtio_blk *b, uint64_t offset, uint64_t len);
    void *before_write_opaque;
};

/* Open a raw image. Refuses a missing or unreadable file, an empty one, or one whose size is
 * not a multiple of 512 bytes ("disk.img: size 1000 is not a multiple of 512 bytes"), and one
 * another process holds locked; the message (no "rv39:" prefix, no newline) goes to err. */
bool virtio_blk_open(struct virtio_blk *b, const char *path, bool readonly, char *err,
                     size_t errlen);
/* fdatasync (unless read-only) and close. A no-op on a drive that failed to open or was
 * never opened (a zeroed struct). */
void virtio_blk_close(struct virtio_blk *b);

/* Put an opened drive into virtio slot `slot` (0..7): initialises transport `t` (which must
 * live as long as the bus), sets the GET_ID serial to "rv39-vdN" (N = slot) and
 * registers at 0x10001000 + slot * 0x1000. `irq` should be PLIC source 1 + slot. */
bool virtio_blk_attach(struct virtio_blk *b, struct virtio_mmio *t, unsigned slot,
                       const struct dma *dma, struct irq_line irq, struct bus *bus);

/* The device half, for tests that build the transport themselves. */
extern const struct virtio_device_ops virtio_blk_ops;
uint64_t virtio_blk_features(const struct virtio_blk *b);

#endif
