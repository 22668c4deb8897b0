/* What a snapshot keeps of a disk: the old contents of every 4 KiB block the guest (or a
 * restore) overwrote since the snapshot was taken (copy before write). The image file always
 * gets every write at once, so nothing the guest was told is written can be lost; putting the
 * journal's blocks back makes the image what it was at the snapshot.
 *
 * Blocks are shared: one write copies the old bytes once, for every snapshot that did not yet
 * have that block. */
#ifndef RV39_DISK_JOURNAL_H
#define RV39_DISK_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISK_BLOCK 4096u

struct disk_block {
    uint64_t refs;
    uint32_t len; /* bytes of the image in this block (less than DISK_BLOCK only at its end) */
    uint8_t data[DISK_BLOCK];
};

/* block number -> old contents; an open-addressing hash table. */
struct disk_journal {
    uint64_t *keys;
    struct disk_block **blocks; /* NULL: a free slot */
    size_t cap, count;
};

bool disk_journal_has(const struct disk_journal *j, uint64_t block);
/* Add `block`'s old contents (the journal takes a reference). False: out of memory. */
bool disk_journal_put(struct disk_journal *j, uint64_t block, struct disk_block *b);
/* Visit every block (in no particular order); stops early when fn returns false. */
bool disk_journal_each(const struct disk_journal *j,
                       bool (*fn)(void *opaque, uint64_t block, const struct disk_block *b),
                       void *opaque);
/* Empty it (the blocks' references dropped). */
void disk_journal_clear(struct disk_journal *j);

void disk_block_unref(struct disk_block *b);

#endif
