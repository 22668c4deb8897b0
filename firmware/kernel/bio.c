/* A small cache of file-system blocks. ext2 asks for blocks by number within its partition;
 * the cache keeps the most recently used ones, so a file read in small pieces does not fetch
 * the same data and indirect blocks again each time. Writes go straight through to the disk
 * (and are flushed from the device's cache), so the image on the host is always current.
 *
 * A buffer handed out by bread stays put until brelse: only buffers nobody holds are
 * recycled, least recently used first. */
#include "fs.h"
#include "kernel.h"

#define NBUF 32
#define MAX_BLOCK_SIZE 4096u

static struct buf bufs[NBUF];
static uint8_t buf_data[NBUF][MAX_BLOCK_SIZE] __attribute__((aligned(16)));
static uint64_t partition_start; /* sector */
static uint32_t block_size;
static uint64_t use_clock;

void bio_init(uint64_t first_sector, uint32_t size)
{
    if (size > MAX_BLOCK_SIZE || size % SECTOR_SIZE) panic("bio: block size %u", size);
    partition_start = first_sector;
    block_size = size;
    for (int i = 0; i < NBUF; i++)
        bufs[i] = (struct buf){.data = buf_data[i]};
}

static uint64_t block_sector(uint32_t blockno)
{
    return partition_start + (uint64_t)blockno * (block_size / SECTOR_SIZE);
}

struct buf *bread(uint32_t blockno)
{
    struct buf *victim = NULL;
    for (int i = 0; i < NBUF; i++) {
        struct buf *b = &bufs[i];
        if (b->valid && b->blockno == blockno) {
            b->refs++;
            b->last_use = ++use_clock;
            return b;
        }
        if (b->refs == 0 &&
            (!victim || !b->valid || (victim->valid && b->last_use < victim->last_use)))
            victim = b;
    }
    if (!victim) panic("bio: every buffer is in use");
    victim->valid = false;
    if (virtio_disk_rw(block_sector(blockno), victim->data, block_size, false) < 0) return NULL;
    victim->blockno = blockno;
    victim->valid = true;
    victim->refs = 1;
    victim->last_use = ++use_clock;
    return victim;
}

int bwrite(struct buf *b)
{
    if (virtio_disk_rw(block_sector(b->blockno), b->data, block_size, true) < 0) {
        b->valid = false; /* what the disk holds is unknown now */
        return -1;
    }
    return virtio_disk_flush();
}

void brelse(struct buf *b)
{
    if (b->refs <= 0) panic("bio: brelse of a free buffer");
    b->refs--;
}
