/* The fast TLB must never hold a translation the model TLB no longer holds (mmu/mmu.h): every
 * fast entry is made from a model entry, and the model entry's eviction drops it. A 4 KiB
 * model entry names the views that filled its slot (tlb_entry.views), and its eviction visits
 * only those, so a fill that forgot to name its view would leave a stale fast entry behind.
 * Here a tiny model TLB (4 entries) evicts on almost every miss while loads, stores and fetches
 * from the U, S and S+SUM views fill read, write and fetch slots of 24 pages; after every access
 * each fast entry of those pages must have a model entry with the same physical page. */
#include <criterion/criterion.h>

#include "cpu/cpu.h"
#include "mmu/walk.h"
#include "support/harness.h"

TestSuite(ftlb_evict, .init = harness_init, .fini = harness_fini);

#define PAGES 24u
#define VA_BASE 0x40000000ull         /* VPN[2] = 1 */
#define PA_PAGES (RAM_BASE + 0x40000) /* page i maps here + i * 4 KiB */
#define ROOT (RAM_BASE + 0x80000)
#define L1 (ROOT + 0x1000)
#define L0 (ROOT + 0x2000)

static uint64_t pte_to(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << PTE_PPN_SHIFT) | flags;
}

/* Page i: even ones are user pages, odd ones supervisor pages; all R, W, X, A, D. */
static void map_pages(void)
{
    poke64(ROOT + 8 * ((VA_BASE >> 30) & 0x1ff), pte_to(L1, PTE_V));
    poke64(L1 + 8 * ((VA_BASE >> 21) & 0x1ff), pte_to(L0, PTE_V));
    for (unsigned i = 0; i < PAGES; i++) {
        uint64_t flags = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | (i % 2 ? 0 : PTE_U);
        poke64(L0 + 8 * i, pte_to(PA_PAGES + i * PAGE_SIZE, flags));
    }
}

/* The physical page the model TLB holds for va's page (4 KiB entries, ASID 0), or 0. */
static uint64_t model_ppage(uint64_t va)
{
    const struct tlb *t = &hart.mmu.tlb;
    for (unsigned i = 0; i < t->cfg.sets * t->cfg.ways; i++)
        if (t->small[i].valid && t->small[i].vpage == va && t->small[i].asid == 0)
            return t->small[i].ppage;
    return 0;
}

static void check_no_stale_entry(unsigned step)
{
    for (unsigned v = 0; v < VIEW_M; v++) {
        for (unsigned i = 0; i < PAGES; i++) {
            uint64_t va = VA_BASE + i * PAGE_SIZE;
            unsigned slot = ftlb_index(va);
            const struct ftlb_entry *data[2] = {&hart.mmu.data_view[v].read[slot],
                                                &hart.mmu.data_view[v].write[slot]};
            for (unsigned k = 0; k < 2; k++) {
                if (data[k]->tag != va) continue;
                uint64_t pa = (uint64_t)((uint8_t *)(data[k]->addend + va) - hram) + RAM_BASE;
                cr_assert_eq(model_ppage(va), pa,
                             "step %u: view %u %s entry of page %u outlived its model entry", step,
                             v, k ? "write" : "read", i);
            }
            const struct itlb_entry *f = &hart.mmu.fetch_view[v][slot];
            if (f->tag == va)
                cr_assert_eq(model_ppage(va), f->paddr,
                             "step %u: view %u fetch entry of page %u outlived its model entry",
                             step, v, i);
        }
    }
}

Test(ftlb_evict, an_eviction_leaves_no_fast_entry_of_its_page_in_any_view)
{
    struct tlb_config tiny = {.sets = 2, .ways = 2, .super = 2};
    cr_assert(cpu_configure_tlb(&hart, &tiny));
    map_pages();
    uint64_t satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (ROOT >> 12);
    uint64_t rng = 0x2545f4914f6cdd1dull;
    unsigned fills_seen = 0;
    for (unsigned step = 0; step < 20000; step++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        /* A view (U, S, S with SUM) and a page it may use without a fault: U only user pages,
         * S only supervisor ones (and only those for fetches, whatever SUM says). */
        unsigned view = (unsigned)(rng % 3), op = (unsigned)((rng >> 8) % 3);
        unsigned page = (unsigned)((rng >> 16) % PAGES);
        bool user_page = page % 2 == 0;
        if ((view == VIEW_U && !user_page) || (view == VIEW_S && user_page) ||
            (op == 2 && view != VIEW_U && user_page))
            page ^= 1;
        unsigned priv = view == VIEW_U ? PRIV_U : PRIV_S;
        mmu_set_state(&hart.mmu, &(struct mmu_state){.satp = satp,
                                                     .priv = priv,
                                                     .data_priv = priv,
                                                     .sum = view == VIEW_S_SUM,
                                                     .adue = true});
        uint64_t va = VA_BASE + page * PAGE_SIZE + ((rng >> 24) % (PAGE_SIZE / 8)) * 8;
        uint64_t value = 0;
        if (op == 0)
            cr_assert(mmu_load(&hart.mmu, va, 8, &value), "step %u: load", step);
        else if (op == 1)
            cr_assert(mmu_store(&hart.mmu, va, 8, rng), "step %u: store", step);
        else
            cr_assert_not_null(mmu_fetch(&hart.mmu, va), "step %u: fetch", step);
        check_no_stale_entry(step);
        fills_seen +=
            hart.mmu.data_view[VIEW_S_SUM].read[ftlb_index(va)].tag == (va & ~(PAGE_SIZE - 1));
    }
    cr_assert_gt(hart.mmu.tlb.stats.evictions, 10000u, "the tiny TLB must evict constantly");
    cr_assert_gt(fills_seen, 100u, "the S+SUM view must have been filled too");
}
