/* The fast TLB's empty entries (mmu/mmu.h): no address, of any access size or alignment, can
 * produce the tag of an empty entry, and emptying an entry leaves no host pointer behind.
 * (Issue 12: the empty tag used to be 1, which a 2-byte access at 0x1 produced, and the host
 * then dereferenced the empty entry's stale addend.) */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "mmu/mmu.h"

static const unsigned sizes[] = {1, 2, 4, 8};

/* Every size at every offset of a page, under many page numbers (low, high, non-canonical,
 * all ones). */
Test(ftlb, no_address_produces_the_empty_tag)
{
    static const uint64_t pages[] = {0,
                                     0x1000,
                                     0x40000000,
                                     0x80000000,
                                     1ull << 38,
                                     0x7ffffff000ull,
                                     0xfffffffffffff000ull,
                                     0x8000000000000000ull,
                                     0x0000004000000000ull};
    for (unsigned p = 0; p < sizeof pages / sizeof pages[0]; p++)
        for (unsigned s = 0; s < 4; s++)
            for (uint64_t off = 0; off < PAGE_SIZE; off++) {
                uint64_t va = pages[p] + off;
                cr_assert_neq(ftlb_tag(va, sizes[s]), FTLB_INVALID,
                              "a %u-byte access at %#llx produces the empty tag", sizes[s],
                              (unsigned long long)va);
            }
    srand(39);
    for (unsigned i = 0; i < 1000000; i++) {
        uint64_t va = ((uint64_t)rand() << 62) ^ ((uint64_t)rand() << 31) ^ (uint64_t)rand();
        for (unsigned s = 0; s < 4; s++)
            cr_assert_neq(ftlb_tag(va, sizes[s]), FTLB_INVALID, "va %#llx size %u",
                          (unsigned long long)va, sizes[s]);
    }
}

/* An empty table: no lookup of any size or alignment hits, in either direction. */
Test(ftlb, empty_entries_never_hit)
{
    static struct mmu m;
    mmu_init(&m);
    for (unsigned view = 0; view < VIEW_COUNT; view++) {
        m.data = &m.data_view[view];
        for (unsigned s = 0; s < 4; s++)
            for (uint64_t va = 0; va < 2 * FTLB_SIZE * PAGE_SIZE; va += 1 + (va & 0x7ff)) {
                cr_assert_null(mmu_fast_read(&m, va, sizes[s]), "read hit at %#llx",
                               (unsigned long long)va);
                cr_assert_null(mmu_fast_write(&m, va, sizes[s]), "write hit at %#llx",
                               (unsigned long long)va);
            }
    }
}

/* A filled entry serves aligned accesses in its page and nothing else; clearing it drops
 * the host pointer too. */
Test(ftlb, filled_entries_serve_aligned_accesses_only)
{
    static struct mmu m;
    static uint8_t page[PAGE_SIZE];
    mmu_init(&m);
    m.data = &m.data_view[VIEW_S];
    uint64_t vpage = 0x40000000;
    struct ftlb_entry *e = &m.data->read[ftlb_index(vpage)];
    e->tag = ftlb_page_tag(vpage);
    e->addend = (uintptr_t)page - (uintptr_t)vpage;
    for (unsigned s = 0; s < 4; s++)
        for (uint64_t off = 0; off + sizes[s] <= PAGE_SIZE; off++) {
            void *h = mmu_fast_read(&m, vpage + off, sizes[s]);
            if (off % sizes[s] == 0)
                cr_assert_eq(h, page + off, "aligned %u-byte read at +%#llx", sizes[s],
                             (unsigned long long)off);
            else
                cr_assert_null(h, "misaligned %u-byte read at +%#llx hits", sizes[s],
                               (unsigned long long)off);
        }
    cr_assert_null(mmu_fast_read(&m, vpage + PAGE_SIZE * FTLB_SIZE, 8), "another page, same slot");
    ftlb_clear(e);
    cr_assert_eq(e->addend, 0, "a cleared entry keeps no addend");
    for (unsigned s = 0; s < 4; s++)
        for (uint64_t off = 0; off < PAGE_SIZE; off++)
            cr_assert_null(mmu_fast_read(&m, vpage + off, sizes[s]));
}
