/* A model of a real TLB: ASID-tagged, set-associative for 4 KiB pages plus a small fully
 * associative array for superpages (2 MiB, 1 GiB, and Sv48's/Sv57's 512 GiB and 256 TiB; many
 * real cores split them so) and Svnapot's 64 KiB pages (held whole, as one entry, not split
 * into 4 KiB ones: a NAPOT PTE is a promise that the range is one translation, which is what
 * lets a TLB hold it once), fixed size, round-robin (FIFO) replacement per set. Its shape is
 * set on the command line (--tlb sets=S,ways=W,super=N) so its effect on a workload can be
 * studied.
 *
 * Why round-robin: the interpreter's fast TLB (mmu.h) serves most hits without visiting this
 * model, so a policy that needs every hit (true LRU) could not be modelled faithfully; FIFO
 * needs only fills. Semantics of sfence.vma: priv spec 12.2.1. */
#ifndef RV39_TLB_H
#define RV39_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tlb_entry {
    bool valid;
    uint8_t level; /* 0 = 4 KiB (64 KiB with the PTE's N bit), 1 = 2 MiB, 2 = 1 GiB,
                    * 3 = 512 GiB, 4 = 256 TiB */
    uint8_t shift; /* log2 of the page size (12 + 9 * level, 16 for NAPOT): tlb_insert sets it */
    /* A 4 KiB entry backs one slot of each view of the fast TLB (mmu.h): the views (bit v for
     * view v) it filled that slot in, so evicting it visits only those. Zeroed when the entry
     * is inserted; larger pages use `users` instead. */
    uint8_t views;
    uint16_t asid;
    uint64_t vpage;    /* virtual address of the page (aligned to its size) */
    uint64_t ppage;    /* physical address of the page (aligned to its size) */
    uint64_t pte;      /* leaf PTE as cached (permissions, G, A, D) */
    uint64_t pte_addr; /* where the leaf PTE lives (for a later D update) */
    /* A 256-bit set for the cache layered on top (mmu.h's fast TLB records which groups of
     * its slots it filled from this entry: TLB_USER_GROUPS groups of consecutive slots), so
     * dropping a superpage visits only those. Zeroed when a page larger than 4 KiB is
     * inserted (a 4 KiB entry's is never read: it has `views`). */
    uint64_t users[4];
};

struct tlb_config {
    unsigned sets; /* power of two */
    unsigned ways;
    unsigned super; /* entries for superpages */
};

#define TLB_USER_GROUPS 256

/* The default shape: 2048 entries for 4 KiB pages (512 sets of 4 ways) and 64 for larger
 * pages, the size of the second-level TLB of a current application core (AMD's Zen 4 has
 * 3072 entries, Intel's Golden Cove 2048); a workload of a few MiB then walks only on its
 * first touch of a page. --tlb sets=64,ways=4,super=16 is the earlier, smaller default. */
#define TLB_DEFAULT_SETS 512
#define TLB_DEFAULT_WAYS 4
#define TLB_DEFAULT_SUPER 64

/* hits/misses: tlb_lookup results; fills: tlb_insert calls; evictions: live entries pushed
 * out for lack of room (not replacements of the same page, not flushes); flushes: tlb_flush
 * calls. */
struct tlb_stats {
    uint64_t hits, misses, fills, evictions, flushes;
};

struct tlb {
    struct tlb_config cfg;
    struct tlb_entry *small; /* sets * ways */
    struct tlb_entry *super; /* cfg.super */
    unsigned *next_small;    /* per set: the way the next fill replaces */
    unsigned next_super;
    /* Superpage slots at or above this one are empty (fills take the lowest free slot): a
     * lookup that misses the 4 KiB sets scans only the superpage slots in use, not all 64. */
    unsigned super_top;
    struct tlb_stats stats;
    /* The live entry the last tlb_insert evicted for lack of room (valid: it did), for the
     * hart's fill/evict events; not a replacement of the same page, not a flush.
     * tlb_insert_after_miss does not record it (invalid after it): its only caller, the quick
     * miss path, runs only when nobody observes MMU events. */
    struct tlb_entry victim;
    /* Called for every entry removed (evicted or flushed), so caches layered on top
     * (the fast TLB) drop what depended on it. */
    void (*on_drop)(void *opaque, const struct tlb_entry *e);
    void *drop_opaque;
};

/* Clears *t (stats, on_drop included: set on_drop afterwards); false on an invalid shape or
 * no memory. tlb_free leaves *t safe to free or init again. */
bool tlb_init(struct tlb *t, const struct tlb_config *cfg);
void tlb_free(struct tlb *t);
/* Parse "sets=64,ways=4,super=16" (any subset, in any order) over the defaults. Returns
 * false with a one-line reason in err. */
bool tlb_parse_config(const char *spec, struct tlb_config *cfg, char *err, size_t errlen);
/* Find the entry translating va for this ASID (global entries match every ASID). Counts a
 * hit or a miss. */
struct tlb_entry *tlb_lookup(struct tlb *t, uint64_t va, uint16_t asid);
/* What a lookup that missed learned about va's 4 KiB set, for the insert of the walk's result
 * (tlb_insert_after_miss): valid only while nothing else changes the TLB in between. */
struct tlb_miss {
    uint64_t page;  /* va's 4 KiB page */
    unsigned set;   /* its set */
    bool page_held; /* a valid way holds that page (for another ASID) */
    int free_way;   /* the first invalid way of the set, -1: none */
};
/* tlb_lookup that also fills *miss when it misses. */
struct tlb_entry *tlb_lookup_miss(struct tlb *t, uint64_t va, uint16_t asid, struct tlb_miss *miss);
/* tlb_insert of e right after the lookup that filled *miss, with no other change to the TLB
 * since: a 4 KiB entry whose page no way held goes straight to the free way (or the
 * round-robin victim) without searching the set again. Same result as tlb_insert, except that
 * t->victim is left invalid rather than a copy of the evicted entry (see victim). */
struct tlb_entry *tlb_insert_after_miss(struct tlb *t, const struct tlb_entry *e,
                                        const struct tlb_miss *miss);
/* Insert a translation (replacing any entry for the same page and ASID, or for the same page
 * when either is global; the replaced entry goes to on_drop). vpage/ppage are aligned to the
 * page size here. Returns where the entry now lives (valid until the next insert or flush). */
struct tlb_entry *tlb_insert(struct tlb *t, const struct tlb_entry *e);
/* sfence.vma, priv spec 12.2.1: all_va (rs1 = x0) / va, all_asid (rs2 = x0) / asid.
 * When an ASID is given, global entries are kept. */
void tlb_flush(struct tlb *t, bool all_va, uint64_t va, bool all_asid, uint16_t asid);
/* The size of the page an entry maps (4 KiB << 9 * level, or 64 KiB for NAPOT). Inline: every
 * translation through the model TLB asks it. */
static inline uint64_t tlb_entry_size(const struct tlb_entry *e)
{
    return 1ull << e->shift;
}
/* Visit every valid entry (debugger `tlb` command, --stats occupancy). */
void tlb_for_each(const struct tlb *t, void (*fn)(void *opaque, const struct tlb_entry *e),
                  void *opaque);

#endif
