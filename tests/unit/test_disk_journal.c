/* The snapshots' disk journal (emu/disk_journal.c): block number -> the block's old contents,
 * shared between journals by reference count. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "emu/disk_journal.h"

static struct disk_block *block(uint8_t fill)
{
    struct disk_block *b = calloc(1, sizeof *b);
    cr_assert(b);
    b->refs = 1; /* the caller's */
    b->len = DISK_BLOCK;
    b->data[0] = fill;
    return b;
}

static bool sum_fills(void *opaque, uint64_t index, const struct disk_block *b)
{
    *(uint64_t *)opaque += index * 1000 + b->data[0];
    return true;
}

Test(disk_journal, keeps_the_first_contents_of_each_block)
{
    struct disk_journal j = {0};
    struct disk_block *a = block(1), *b = block(2);
    cr_assert_not(disk_journal_has(&j, 7));
    cr_assert(disk_journal_put(&j, 7, a));
    cr_assert(disk_journal_put(&j, 7, b)); /* later contents of the same block: ignored */
    cr_assert(disk_journal_has(&j, 7));
    cr_assert_eq(a->refs, 2, "the journal holds a reference");
    cr_assert_eq(b->refs, 1, "a second put of the block takes none");
    uint64_t sum = 0;
    disk_journal_each(&j, sum_fills, &sum);
    cr_assert_eq(sum, 7001, "block 7 keeps its first contents");
    disk_journal_clear(&j);
    cr_assert_eq(a->refs, 1);
    cr_assert_not(disk_journal_has(&j, 7));
    disk_block_unref(a);
    disk_block_unref(b);
}

Test(disk_journal, grows_and_finds_every_block)
{
    struct disk_journal j = {0}, k = {0};
    struct disk_block *shared = block(5);
    uint64_t want = 0;
    for (uint64_t i = 0; i < 5000; i++) {
        cr_assert(disk_journal_put(&j, i * 977, shared));
        want += i * 977 * 1000 + 5;
    }
    cr_assert(disk_journal_put(&k, 3, shared)); /* one copy, two journals */
    cr_assert_eq(shared->refs, 5002);
    for (uint64_t i = 0; i < 5000; i++)
        cr_assert(disk_journal_has(&j, i * 977), "block %llu lost", (unsigned long long)i * 977);
    cr_assert_not(disk_journal_has(&j, 978));
    uint64_t sum = 0;
    disk_journal_each(&j, sum_fills, &sum);
    cr_assert_eq(sum, want);
    disk_journal_clear(&j);
    disk_journal_clear(&k);
    cr_assert_eq(shared->refs, 1);
    disk_block_unref(shared);
}
