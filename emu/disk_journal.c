/* A snapshot's disk journal (emu/disk_journal.h): a hash table, linear probing. */
#include "disk_journal.h"

#include <stdlib.h>

static size_t slot_of(const struct disk_journal *j, uint64_t block)
{
    return (size_t)((block * 0x9e3779b97f4a7c15ull) >> 20) & (j->cap - 1);
}

bool disk_journal_has(const struct disk_journal *j, uint64_t block)
{
    if (!j->count) return false;
    for (size_t i = slot_of(j, block);; i = (i + 1) & (j->cap - 1)) {
        if (!j->blocks[i]) return false;
        if (j->keys[i] == block) return true;
    }
}

static bool grow(struct disk_journal *j)
{
    size_t cap = j->cap ? j->cap * 2 : 64;
    struct disk_journal n = {calloc(cap, sizeof *n.keys), calloc(cap, sizeof *n.blocks), cap, 0};
    if (!n.keys || !n.blocks) {
        free(n.keys);
        free(n.blocks);
        return false;
    }
    for (size_t i = 0; i < j->cap; i++) {
        if (!j->blocks[i]) continue;
        size_t k = slot_of(&n, j->keys[i]);
        while (n.blocks[k])
            k = (k + 1) & (cap - 1);
        n.keys[k] = j->keys[i];
        n.blocks[k] = j->blocks[i];
        n.count++;
    }
    free(j->keys);
    free(j->blocks);
    *j = n;
    return true;
}

bool disk_journal_put(struct disk_journal *j, uint64_t block, struct disk_block *b)
{
    if ((j->count + 1) * 4 > j->cap * 3 && !grow(j)) return false; /* at most 3/4 full */
    size_t i = slot_of(j, block);
    while (j->blocks[i]) {
        if (j->keys[i] == block) return true; /* the older contents stay */
        i = (i + 1) & (j->cap - 1);
    }
    j->keys[i] = block;
    j->blocks[i] = b;
    b->refs++;
    j->count++;
    return true;
}

bool disk_journal_each(const struct disk_journal *j,
                       bool (*fn)(void *opaque, uint64_t block, const struct disk_block *b),
                       void *opaque)
{
    for (size_t i = 0; i < j->cap; i++)
        if (j->blocks[i] && !fn(opaque, j->keys[i], j->blocks[i])) return false;
    return true;
}

void disk_journal_clear(struct disk_journal *j)
{
    for (size_t i = 0; i < j->cap; i++)
        disk_block_unref(j->blocks[i]);
    free(j->keys);
    free(j->blocks);
    *j = (struct disk_journal){0};
}

void disk_block_unref(struct disk_block *b)
{
    if (b && --b->refs == 0) free(b);
}
