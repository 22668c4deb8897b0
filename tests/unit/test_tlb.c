/* The model TLB (mmu/tlb.c): ASID and global matching (priv spec, the PTE's G bit and
 * "Address-translation cache"), the four forms of sfence.vma (priv spec "Supervisor
 * Memory-Management Fence Instruction"), round-robin replacement, and --tlb parsing. */
#include <criterion/criterion.h>
#include <string.h>

#include "mmu/walk.h"
#include "mmu/tlb.h"

#define KIB4 0x1000ull
#define MIB2 0x200000ull
#define GIB1 0x40000000ull

static struct tlb tlb;

/* Every entry on_drop reported, in order. */
static struct tlb_entry dropped[64];
static unsigned ndropped;

static void record_drop(void *opaque, const struct tlb_entry *e)
{
    cr_assert_eq(opaque, &tlb, "on_drop receives drop_opaque");
    cr_assert_lt(ndropped, 64u);
    dropped[ndropped++] = *e;
}

static void make(unsigned sets, unsigned ways, unsigned super)
{
    struct tlb_config cfg = {sets, ways, super};
    cr_assert(tlb_init(&tlb, &cfg), "tlb_init(%u,%u,%u)", sets, ways, super);
    tlb.on_drop = record_drop;
    tlb.drop_opaque = &tlb;
    ndropped = 0;
}

static void teardown(void)
{
    tlb_free(&tlb);
}

TestSuite(tlb, .fini = teardown);

static void insert(uint64_t vpage, uint64_t ppage, int level, uint16_t asid, bool global)
{
    struct tlb_entry e = {
        .valid = true,
        .level = (uint8_t)level,
        .asid = asid,
        .vpage = vpage,
        .ppage = ppage,
        .pte = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | (global ? PTE_G : 0),
        .pte_addr = 0x80001000,
    };
    tlb_insert(&tlb, &e);
}

static bool present(uint64_t va, uint16_t asid)
{
    return tlb_lookup(&tlb, va, asid) != NULL;
}

/* The physical page va translates to for asid; the lookup must hit. */
static uint64_t ppage_of(uint64_t va, uint16_t asid)
{
    struct tlb_entry *e = tlb_lookup(&tlb, va, asid);
    cr_assert_not_null(e, "expected a hit for %#lx in ASID %u", va, asid);
    return e->ppage;
}

static void count_entry(void *opaque, const struct tlb_entry *e)
{
    cr_assert(e->valid, "tlb_for_each visits valid entries only");
    (*(unsigned *)opaque)++;
}

static unsigned occupancy(void)
{
    unsigned n = 0;
    tlb_for_each(&tlb, count_entry, &n);
    return n;
}

/* ---- Lookup ---- */

Test(tlb, lookup_hits_inserted_page_and_counts)
{
    make(64, 4, 16);
    cr_assert_null(tlb_lookup(&tlb, 0x5000, 1), "an empty TLB misses");
    insert(0x5000, 0x80100000, 0, 1, false);
    struct tlb_entry *e = tlb_lookup(&tlb, 0x5abc, 1);
    cr_assert_not_null(e, "any offset inside the page hits");
    cr_assert_eq(e->ppage, 0x80100000);
    cr_assert_null(tlb_lookup(&tlb, 0x6000, 1), "the next page misses");
    cr_assert_eq(tlb.stats.hits, 1);
    cr_assert_eq(tlb.stats.misses, 2);
    cr_assert_eq(tlb.stats.fills, 1);
}

/* An entry serves only the ASID it was filled for. */
Test(tlb, asids_are_isolated)
{
    make(64, 4, 16);
    insert(0x5000, 0x80100000, 0, 1, false);
    cr_assert_null(tlb_lookup(&tlb, 0x5000, 2), "ASID 2 must not see ASID 1's entry");
    insert(0x5000, 0x80200000, 0, 2, false);
    cr_assert_eq(ppage_of(0x5000, 1), 0x80100000);
    cr_assert_eq(ppage_of(0x5000, 2), 0x80200000);
}

/* "Global mappings are those that exist in all address spaces." */
Test(tlb, global_entry_matches_every_asid)
{
    make(64, 4, 16);
    insert(0x5000, 0x80100000, 0, 1, true);
    cr_assert(present(0x5000, 1));
    cr_assert(present(0x5000, 7), "a global entry serves any ASID");
}

Test(tlb, megapage_hits_at_any_offset_inside)
{
    make(64, 4, 16);
    insert(0x40200000, 0x80200000, 1, 1, false);
    cr_assert(present(0x40200000, 1));
    cr_assert(present(0x403ff123, 1), "last 4 KiB of the megapage");
    cr_assert_not(present(0x40400000, 1), "the next megapage");
    cr_assert_not(present(0x401ff000, 1), "the page below");
}

Test(tlb, gigapage_hits_at_any_offset_inside)
{
    make(64, 4, 16);
    insert(0x40000000, 0x80000000, 2, 1, false);
    cr_assert(present(0x7fffffff, 1));
    cr_assert_not(present(0x80000000, 1));
}

Test(tlb, insert_aligns_superpage_addresses)
{
    make(64, 4, 16);
    insert(0x40234000, 0x80234000, 1, 1, false);
    struct tlb_entry *e = tlb_lookup(&tlb, 0x40200000, 1);
    cr_assert_not_null(e);
    cr_assert_eq(e->vpage, 0x40200000, "vpage is aligned to the page size");
    cr_assert_eq(e->ppage, 0x80200000, "ppage is aligned to the page size");
}

/* ---- Insert ---- */

Test(tlb, insert_replaces_same_page_and_asid)
{
    make(64, 4, 16);
    insert(0x5000, 0x80100000, 0, 1, false);
    insert(0x5000, 0x80300000, 0, 1, false);
    cr_assert_eq(occupancy(), 1, "no duplicate entry for the same page and ASID");
    cr_assert_eq(ppage_of(0x5000, 1), 0x80300000, "the newer translation wins");
    cr_assert_eq(ndropped, 1, "the replaced entry is reported to on_drop");
    cr_assert_eq(dropped[0].ppage, 0x80100000);
    cr_assert_eq(tlb.stats.evictions, 0, "a replacement is not a capacity eviction");
}

Test(tlb, global_insert_replaces_same_page_of_any_asid)
{
    make(64, 4, 16);
    insert(0x5000, 0x80100000, 0, 1, false);
    insert(0x5000, 0x80300000, 0, 2, true);
    cr_assert_eq(occupancy(), 1, "a global entry supersedes the per-ASID one");
    cr_assert_eq(ppage_of(0x5000, 1), 0x80300000);
}

Test(tlb, superpage_insert_replaces_same_superpage)
{
    make(64, 4, 16);
    insert(0x40200000, 0x80200000, 1, 1, false);
    insert(0x40200000, 0x80400000, 1, 1, false);
    cr_assert_eq(occupancy(), 1);
    cr_assert_eq(ppage_of(0x40200000, 1), 0x80400000);
}

/* ---- Replacement ---- */

/* Round-robin (FIFO): with a full set, the oldest fill goes first; on_drop hears about it. */
Test(tlb, full_set_evicts_round_robin)
{
    make(1, 2, 1);
    insert(0x1000, 0x80001000, 0, 1, false);
    insert(0x2000, 0x80002000, 0, 1, false);
    insert(0x3000, 0x80003000, 0, 1, false);
    cr_assert_eq(ndropped, 1);
    cr_assert_eq(dropped[0].vpage, 0x1000, "the first fill is evicted first");
    insert(0x4000, 0x80004000, 0, 1, false);
    cr_assert_eq(ndropped, 2);
    cr_assert_eq(dropped[1].vpage, 0x2000, "then the second");
    insert(0x5000, 0x80005000, 0, 1, false);
    cr_assert_eq(dropped[2].vpage, 0x3000, "and the pointer wraps around");
    cr_assert_eq(tlb.stats.evictions, 3);
    cr_assert(present(0x4000, 1) && present(0x5000, 1));
}

Test(tlb, superpage_array_evicts_round_robin)
{
    make(64, 4, 2);
    insert(0x00200000, 0x80200000, 1, 1, false);
    insert(0x00400000, 0x80400000, 1, 1, false);
    insert(0x40000000, 0x80000000, 2, 1, false);
    cr_assert_eq(ndropped, 1);
    cr_assert_eq(dropped[0].vpage, 0x00200000, "oldest superpage entry evicted");
}

/* The set index is taken from the VPN: pages in different sets do not compete. */
Test(tlb, pages_in_different_sets_do_not_evict_each_other)
{
    make(2, 1, 1);
    insert(0x1000, 0x80001000, 0, 1, false); /* set 1 */
    insert(0x2000, 0x80002000, 0, 1, false); /* set 0 */
    cr_assert_eq(ndropped, 0);
    insert(0x3000, 0x80003000, 0, 1, false); /* set 1 again */
    cr_assert_eq(ndropped, 1);
    cr_assert_eq(dropped[0].vpage, 0x1000);
    cr_assert(present(0x2000, 1));
}

Test(tlb, free_way_is_used_before_evicting)
{
    make(1, 2, 1);
    insert(0x1000, 0x80001000, 0, 1, false);
    insert(0x2000, 0x80002000, 0, 1, false);
    tlb_flush(&tlb, false, 0x1000, true, 0);
    ndropped = 0;
    insert(0x3000, 0x80003000, 0, 1, false);
    cr_assert_eq(ndropped, 0, "a flushed way is refilled without evicting a live entry");
    cr_assert(present(0x2000, 1));
}

/* ---- sfence.vma ---- */

static void fill_mixed(void)
{
    make(64, 4, 16);
    insert(0x5000, 0x80105000, 0, 1, false);
    insert(0x5000, 0x80205000, 0, 2, false);
    insert(0x6000, 0x80106000, 0, 1, false);
    insert(0x7000, 0x80307000, 0, 9, true);
    insert(0x40200000, 0x80200000, 1, 1, false);
    ndropped = 0;
}

/* rs1 = x0, rs2 = x0: "orders all reads and writes ... and invalidates all address-translation
 * cache entries, for all address spaces" (global ones included). */
Test(tlb, sfence_all_flushes_everything)
{
    fill_mixed();
    tlb_flush(&tlb, true, 0, true, 0);
    cr_assert_eq(occupancy(), 0);
    cr_assert_eq(ndropped, 5, "on_drop hears of every flushed entry");
    cr_assert_eq(tlb.stats.flushes, 1);
}

/* rs1 = x0, rs2 = asid: all entries of that ASID "except for entries containing global
 * mappings". */
Test(tlb, sfence_asid_keeps_global_and_other_asids)
{
    fill_mixed();
    tlb_flush(&tlb, true, 0, false, 1);
    cr_assert_not(present(0x5000, 1), "ASID 1 page dropped");
    cr_assert_not(present(0x6000, 1), "ASID 1 page dropped");
    cr_assert_not(present(0x40200000, 1), "ASID 1 superpage dropped");
    cr_assert(present(0x5000, 2), "ASID 2 kept");
    cr_assert(present(0x7000, 1), "global entry kept");
    cr_assert_eq(ndropped, 3);
}

/* rs1 = va, rs2 = x0: entries for that address in every address space, global included. */
Test(tlb, sfence_va_flushes_all_asids_and_global)
{
    fill_mixed();
    tlb_flush(&tlb, false, 0x5010, true, 0);
    cr_assert_not(present(0x5000, 1));
    cr_assert_not(present(0x5000, 2));
    cr_assert(present(0x6000, 1), "other pages kept");
    tlb_flush(&tlb, false, 0x7fff, true, 0);
    cr_assert_not(present(0x7000, 3), "a global entry is flushed by address");
}

Test(tlb, sfence_va_inside_superpage_flushes_it)
{
    fill_mixed();
    tlb_flush(&tlb, false, 0x40345678, true, 0);
    cr_assert_not(present(0x40200000, 1), "any address inside a superpage flushes it");
    cr_assert_eq(ndropped, 1);
}

/* rs1 = va, rs2 = asid: that address in that ASID only, global entries kept. */
Test(tlb, sfence_va_asid_flushes_only_that_pair)
{
    fill_mixed();
    tlb_flush(&tlb, false, 0x5000, false, 1);
    cr_assert_not(present(0x5000, 1));
    cr_assert(present(0x5000, 2), "same page, other ASID kept");
    cr_assert(present(0x6000, 1), "same ASID, other page kept");
    tlb_flush(&tlb, false, 0x7000, false, 9);
    cr_assert(present(0x7000, 9), "a global entry survives an ASID-specific flush");
}

/* ---- Configuration ---- */

Test(tlb, config_parses_named_fields_over_defaults)
{
    struct tlb_config cfg = {TLB_DEFAULT_SETS, TLB_DEFAULT_WAYS, TLB_DEFAULT_SUPER};
    char err[128] = "";
    cr_assert(tlb_parse_config("super=8,sets=16", &cfg, err, sizeof(err)), "%s", err);
    cr_assert_eq(cfg.sets, 16);
    cr_assert_eq(cfg.ways, TLB_DEFAULT_WAYS, "an unnamed field keeps its value");
    cr_assert_eq(cfg.super, 8);
    cr_assert(tlb_parse_config("sets=4096,ways=64,super=256", &cfg, err, sizeof(err)), "%s", err);
    cr_assert(tlb_parse_config("sets=1,ways=1,super=1", &cfg, err, sizeof(err)), "%s", err);
}

static void assert_rejected(const char *spec, const char *mention)
{
    struct tlb_config cfg = {TLB_DEFAULT_SETS, TLB_DEFAULT_WAYS, TLB_DEFAULT_SUPER};
    char err[128] = "";
    cr_assert_not(tlb_parse_config(spec, &cfg, err, sizeof(err)), "'%s' must be rejected", spec);
    cr_assert_neq(err[0], '\0', "'%s': a reason is given", spec);
    cr_assert_null(strchr(err, '\n'), "'%s': the reason is one line", spec);
    cr_assert_not_null(strstr(err, mention), "'%s': reason '%s' should mention '%s'", spec, err,
                       mention);
    cr_assert_eq(cfg.sets, TLB_DEFAULT_SETS, "'%s': a rejected spec leaves cfg alone", spec);
}

Test(tlb, config_rejects_bad_specs_with_reason)
{
    assert_rejected("colour=blue", "colour");
    assert_rejected("sets=48", "power of two");
    assert_rejected("sets=0", "sets");
    assert_rejected("sets=8192", "4096");
    assert_rejected("ways=0", "ways");
    assert_rejected("ways=65", "64");
    assert_rejected("super=0", "super");
    assert_rejected("super=257", "256");
    assert_rejected("sets", "name=value");
    assert_rejected("sets=", "number");
    assert_rejected("sets=abc", "number");
    assert_rejected("sets=-4", "number");
    assert_rejected("sets=16,ways=2x", "number");
}

Test(tlb, init_rejects_invalid_shape)
{
    struct tlb_config cfg = {3, 4, 16};
    cr_assert_not(tlb_init(&tlb, &cfg), "sets must be a power of two");
}

Test(tlb, free_is_safe_twice)
{
    make(4, 2, 2);
    tlb_free(&tlb);
    tlb_free(&tlb);
    cr_assert_null(tlb.small);
}

/* tlb_lookup_miss + tlb_insert_after_miss (the MMU's miss path) against tlb_lookup +
 * tlb_insert on random traffic: 4 KiB, NAPOT and 2 MiB pages, global or not, three ASIDs,
 * fences, tiny sets that fill and evict. Every lookup, drop, entry, round-robin pointer
 * and count must be the same (and a victim where b records one). */
static unsigned drops_a, drops_b;
static uint64_t drop_sum_a, drop_sum_b;
static void drop_a(void *o, const struct tlb_entry *e)
{
    (void)o;
    drops_a++;
    drop_sum_a = drop_sum_a * 31 + e->vpage + e->asid;
}
static void drop_b(void *o, const struct tlb_entry *e)
{
    (void)o;
    drops_b++;
    drop_sum_b = drop_sum_b * 31 + e->vpage + e->asid;
}

static bool entry_eq(const struct tlb_entry *x, const struct tlb_entry *y)
{
    return x->valid == y->valid &&
           (!x->valid || (x->level == y->level && x->shift == y->shift && x->asid == y->asid &&
                          x->vpage == y->vpage && x->ppage == y->ppage && x->pte == y->pte &&
                          x->pte_addr == y->pte_addr));
}

/* Where e lives in t: a 4 KiB way, 1000 + a superpage slot, or -1 for none. */
static long where(const struct tlb *t, const struct tlb_entry *e)
{
    if (!e) return -1;
    for (unsigned i = 0; i < t->cfg.sets * t->cfg.ways; i++)
        if (e == &t->small[i]) return i;
    for (unsigned i = 0; i < t->cfg.super; i++)
        if (e == &t->super[i]) return 1000 + i;
    return -2;
}

static void check_insert_after_miss(struct tlb_config cfg)
{
    struct tlb a, b;
    drops_a = drops_b = 0;
    drop_sum_a = drop_sum_b = 0;
    cr_assert(tlb_init(&a, &cfg) && tlb_init(&b, &cfg));
    a.on_drop = drop_a;
    b.on_drop = drop_b;
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    for (unsigned step = 0; step < 200000; step++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        uint64_t va = ((rng >> 8) % 40) * KIB4 + (rng >> 20) % KIB4;
        uint16_t asid = (uint16_t)((rng >> 32) % 3);
        if ((rng >> 40) % 64 == 0) {
            bool all_va = (rng >> 46) & 1, all_asid = (rng >> 47) & 1;
            tlb_flush(&a, all_va, va, all_asid, asid);
            tlb_flush(&b, all_va, va, all_asid, asid);
            continue;
        }
        struct tlb_miss miss;
        struct tlb_entry *ea = tlb_lookup(&a, va, asid);
        struct tlb_entry *eb = tlb_lookup_miss(&b, va, asid, &miss);
        cr_assert_eq(where(&a, ea), where(&b, eb), "step %u: lookup", step);
        if (ea) continue;
        unsigned kind = (rng >> 50) % 16; /* mostly 4 KiB pages, some NAPOT and 2 MiB */
        int level = kind == 0 ? 1 : 0;
        uint64_t pte = PTE_V | PTE_R | PTE_A | ((rng >> 54) % 8 == 0 ? PTE_G : 0);
        if (kind == 1) pte |= PTE_N;
        uint64_t size = level ? MIB2 : kind == 1 ? 0x10000ull : KIB4;
        struct tlb_entry e = {.valid = true,
                              .level = (uint8_t)level,
                              .asid = asid,
                              .vpage = va & ~(size - 1),
                              .ppage = (rng >> 12) & ~(size - 1),
                              .pte = pte,
                              .pte_addr = rng & ~7ull};
        ea = tlb_insert(&a, &e);
        eb = tlb_insert_after_miss(&b, &e, &miss);
        cr_assert(entry_eq(ea, eb) && where(&a, ea) == where(&b, eb), "step %u: inserted", step);
        /* b records a victim only where it took tlb_insert (the drops below compare what
         * was evicted on every path). */
        cr_assert(!b.victim.valid || entry_eq(&a.victim, &b.victim), "step %u: victim", step);
        for (unsigned i = 0; i < cfg.sets * cfg.ways; i++)
            cr_assert(entry_eq(&a.small[i], &b.small[i]), "step %u: way %u", step, i);
        for (unsigned i = 0; i < cfg.super; i++)
            cr_assert(entry_eq(&a.super[i], &b.super[i]), "step %u: super %u", step, i);
        for (unsigned i = 0; i < cfg.sets; i++)
            cr_assert_eq(a.next_small[i], b.next_small[i], "step %u: next way", step);
        cr_assert_eq(a.next_super, b.next_super);
        cr_assert_eq(a.super_top, b.super_top);
        cr_assert_eq(drops_a, drops_b, "step %u: drops", step);
        cr_assert_eq(drop_sum_a, drop_sum_b, "step %u: what was dropped", step);
    }
    cr_assert(!memcmp(&a.stats, &b.stats, sizeof a.stats), "the same counts");
    cr_assert_gt(a.stats.evictions, 1000u, "the sets filled and evicted");
    tlb_free(&a);
    tlb_free(&b);
}

/* 3 ways: tlb_lookup_miss's loop; 4 (the default): its unrolled copy. */
Test(tlb, insert_after_miss_matches_insert)
{
    check_insert_after_miss((struct tlb_config){4, 3, 4});
    check_insert_after_miss((struct tlb_config){4, TLB_DEFAULT_WAYS, 4});
}
