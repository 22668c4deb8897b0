/* The model TLB (see tlb.h): 4 KiB pages in a set-associative array indexed by the low VPN
 * bits, superpages in a small fully associative array, FIFO (round-robin) replacement, and the
 * four forms of sfence.vma from priv spec "Supervisor Memory-Management Fence Instruction". */
#include "tlb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walk.h"

#define TLB_MAX_SETS 4096u
#define TLB_MAX_WAYS 64u
#define TLB_MAX_SUPER 256u

/* Of an entry in the TLB (its shift is set). */
static uint64_t page_size(const struct tlb_entry *e)
{
    return 1ull << e->shift;
}

static bool is_global(const struct tlb_entry *e)
{
    return e->pte & PTE_G;
}

/* Does e's page contain va? (Superpage entries cover every offset inside them.) */
static bool covers(const struct tlb_entry *e, uint64_t va)
{
    return e->valid && e->vpage == (va & ~(page_size(e) - 1));
}

/* Translation caches may serve an entry to its own ASID, and global entries to every ASID
 * (priv spec, the PTE's G bit). */
static bool serves_asid(const struct tlb_entry *e, uint16_t asid)
{
    return is_global(e) || e->asid == asid;
}

static unsigned set_of(const struct tlb *t, uint64_t va)
{
    return (unsigned)(va >> PAGE_SHIFT) & (t->cfg.sets - 1);
}

static struct tlb_entry *set_base(struct tlb *t, unsigned set)
{
    return &t->small[(size_t)set * t->cfg.ways];
}

static void drop(struct tlb *t, struct tlb_entry *e)
{
    if (!e->valid) return;
    if (t->on_drop) t->on_drop(t->drop_opaque, e);
    e->valid = false;
}

/* Checks the shape; on failure says why in err (which may be NULL). */
static bool config_valid(const struct tlb_config *cfg, char *err, size_t errlen)
{
    if (cfg->sets < 1 || cfg->sets > TLB_MAX_SETS || (cfg->sets & (cfg->sets - 1))) {
        snprintf(err, err ? errlen : 0, "sets=%u: must be a power of two from 1 to %u", cfg->sets,
                 TLB_MAX_SETS);
        return false;
    }
    if (cfg->ways < 1 || cfg->ways > TLB_MAX_WAYS) {
        snprintf(err, err ? errlen : 0, "ways=%u: must be from 1 to %u", cfg->ways, TLB_MAX_WAYS);
        return false;
    }
    if (cfg->super < 1 || cfg->super > TLB_MAX_SUPER) {
        snprintf(err, err ? errlen : 0, "super=%u: must be from 1 to %u", cfg->super,
                 TLB_MAX_SUPER);
        return false;
    }
    return true;
}

bool tlb_init(struct tlb *t, const struct tlb_config *cfg)
{
    memset(t, 0, sizeof(*t));
    if (!config_valid(cfg, NULL, 0)) return false;
    t->cfg = *cfg;
    t->small = calloc((size_t)cfg->sets * cfg->ways, sizeof(*t->small));
    t->super = calloc(cfg->super, sizeof(*t->super));
    t->next_small = calloc(cfg->sets, sizeof(*t->next_small));
    if (!t->small || !t->super || !t->next_small) {
        tlb_free(t);
        return false;
    }
    return true;
}

void tlb_free(struct tlb *t)
{
    free(t->small);
    free(t->super);
    free(t->next_small);
    t->small = NULL;
    t->super = NULL;
    t->next_small = NULL;
}

bool tlb_parse_config(const char *spec, struct tlb_config *cfg, char *err, size_t errlen)
{
    struct tlb_config parsed = *cfg;
    const char *p = spec;
    while (*p) {
        const char *eq = strchr(p, '=');
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        if (!eq || eq > end) {
            snprintf(err, errlen, "expected name=value, got '%.*s'", (int)(end - p), p);
            return false;
        }
        size_t name_len = (size_t)(eq - p);
        unsigned *field = NULL;
        if (name_len == 4 && !strncmp(p, "sets", 4))
            field = &parsed.sets;
        else if (name_len == 4 && !strncmp(p, "ways", 4))
            field = &parsed.ways;
        else if (name_len == 5 && !strncmp(p, "super", 5))
            field = &parsed.super;
        if (!field) {
            snprintf(err, errlen, "unknown TLB parameter '%.*s' (expected sets, ways or super)",
                     (int)name_len, p);
            return false;
        }
        char *num_end;
        errno = 0;
        unsigned long value = strtoul(eq + 1, &num_end, 10);
        if (eq + 1 == end || num_end != end || errno || value > 1000000 || eq[1] == '-') {
            snprintf(err, errlen, "'%.*s' needs a decimal number", (int)name_len, p);
            return false;
        }
        *field = (unsigned)value;
        p = *end ? end + 1 : end;
    }
    if (!config_valid(&parsed, err, errlen)) return false;
    *cfg = parsed;
    return true;
}

struct tlb_entry *tlb_lookup(struct tlb *t, uint64_t va, uint16_t asid)
{
    /* The set-associative array holds 4 KiB entries only (tlb_insert; a snapshot restore
     * checks it), so a way covers va when it holds va's page: no per-entry size to apply. On
     * the 4 KiB miss path (every access of a workload larger than the TLB) this is most of
     * the lookup. */
    struct tlb_entry *set = set_base(t, set_of(t, va));
    uint64_t page = va & ~(PAGE_SIZE - 1);
    for (unsigned w = 0; w < t->cfg.ways; w++) {
        if (set[w].vpage == page && set[w].valid && serves_asid(&set[w], asid)) {
            t->stats.hits++;
            return &set[w];
        }
    }
    for (unsigned s = 0; s < t->super_top; s++) {
        if (covers(&t->super[s], va) && serves_asid(&t->super[s], asid)) {
            t->stats.hits++;
            return &t->super[s];
        }
    }
    t->stats.misses++;
    return NULL;
}

/* tlb_lookup_miss's body for sets of `ways` ways (a constant where it is inlined). */
static inline __attribute__((always_inline)) struct tlb_entry *
lookup_miss_ways(struct tlb *t, uint64_t va, uint16_t asid, struct tlb_miss *miss, unsigned ways)
{
    unsigned set_index = set_of(t, va);
    struct tlb_entry *set = &t->small[(size_t)set_index * ways];
    uint64_t page = va & ~(PAGE_SIZE - 1);
    bool held = false;
    int free_way = -1;
#pragma GCC unroll 4
    for (unsigned w = 0; w < ways; w++) {
        if (!set[w].valid) {
            if (free_way < 0) free_way = (int)w;
        } else if (set[w].vpage == page) {
            if (serves_asid(&set[w], asid)) {
                t->stats.hits++;
                return &set[w];
            }
            held = true;
        }
    }
    for (unsigned s = 0; s < t->super_top; s++) {
        if (covers(&t->super[s], va) && serves_asid(&t->super[s], asid)) {
            t->stats.hits++;
            return &t->super[s];
        }
    }
    t->stats.misses++;
    *miss =
        (struct tlb_miss){.page = page, .set = set_index, .page_held = held, .free_way = free_way};
    return NULL;
}

/* The default shape's 4 ways as a constant: the set's scan unrolls, with no loop counter and
 * no multiply for the set's base (every 4 KiB miss of a workload larger than the TLB). */
struct tlb_entry *tlb_lookup_miss(struct tlb *t, uint64_t va, uint16_t asid, struct tlb_miss *miss)
{
    if (t->cfg.ways == TLB_DEFAULT_WAYS)
        return lookup_miss_ways(t, va, asid, miss, TLB_DEFAULT_WAYS);
    return lookup_miss_ways(t, va, asid, miss, t->cfg.ways);
}

/* An existing entry the new one (`e`, with its page aligned to `shift`) supersedes: the same
 * page, and an ASID it would be served to (a global entry on either side overlaps every
 * ASID). */
static bool same_translation(const struct tlb_entry *old, const struct tlb_entry *e, uint64_t vpage,
                             unsigned shift)
{
    return old->vpage == vpage && old->valid && old->level == e->level && old->shift == shift &&
           (old->asid == e->asid || is_global(old) || is_global(e));
}

/* Write e into `target`, or, when NULL, over the round-robin victim among the n slots (copied
 * to t->victim when keep_victim: an 80-byte copy that only event observers read). */
static inline struct tlb_entry *place(struct tlb *t, struct tlb_entry *slots, unsigned n,
                                      unsigned *next, const struct tlb_entry *e, unsigned shift,
                                      struct tlb_entry *target, bool keep_victim)
{
    const uint64_t mask = ~((1ull << shift) - 1);
    if (!target) {
        target = &slots[*next];
        if (++*next == n) *next = 0; /* *next < n always (a restore checks it) */
        t->stats.evictions++;
        if (keep_victim) t->victim = *target;
        drop(t, target);
    }
    target->valid = true;
    target->level = e->level;
    target->shift = (uint8_t)shift;
    target->asid = e->asid;
    target->vpage = e->vpage & mask;
    target->ppage = e->ppage & mask;
    target->pte = e->pte;
    target->pte_addr = e->pte_addr;
    target->views = 0;
    if (shift != PAGE_SHIFT) memset(target->users, 0, sizeof(target->users));
    t->stats.fills++;
    return target;
}

/* Place e (its pages aligned to 1 << shift here) among n entries: over the entries it
 * supersedes (dropping extra copies), else in a free slot, else over the round-robin victim.
 * One pass finds both the superseded entries and the first free slot (a slot a drop here
 * empties is never the free one: a superseded entry is the target then). The entry is written
 * field by field, straight into its slot: this runs on every model-TLB miss. */
static struct tlb_entry *fill(struct tlb *t, struct tlb_entry *slots, unsigned n, unsigned *next,
                              const struct tlb_entry *e, unsigned shift)
{
    const uint64_t vpage = e->vpage & ~((1ull << shift) - 1);
    struct tlb_entry *target = NULL, *free_slot = NULL;
    for (unsigned i = 0; i < n; i++) {
        struct tlb_entry *s = &slots[i];
        if (!s->valid) {
            if (!free_slot) free_slot = s;
        } else if (same_translation(s, e, vpage, shift)) {
            drop(t, s);
            if (!target) target = s;
        }
    }
    if (!target) target = free_slot;
    return place(t, slots, n, next, e, shift, target, true);
}

struct tlb_entry *tlb_insert(struct tlb *t, const struct tlb_entry *e)
{
    unsigned shift = pte_page_shift(e->pte, e->level);
    t->victim.valid = false;
    /* A 64 KiB NAPOT entry spans 16 sets of the 4 KiB array: it lives with the superpages,
     * whole, so one entry answers for the whole range and one fence drops all of it. */
    if (e->level == 0 && !(e->pte & PTE_N)) {
        unsigned set = set_of(t, e->vpage);
        return fill(t, set_base(t, set), t->cfg.ways, &t->next_small[set], e, shift);
    }
    struct tlb_entry *placed = fill(t, t->super, t->cfg.super, &t->next_super, e, shift);
    unsigned slot = (unsigned)(placed - t->super);
    if (slot >= t->super_top) t->super_top = slot + 1;
    return placed;
}

/* The lookup's pass over the set already showed what fill's would: no way held the page (so
 * nothing to supersede), and which way is free. A global entry, a NAPOT one or a lookup that
 * saw the page held (another ASID's copy, which a global entry would supersede) take
 * tlb_insert. On the 4 KiB miss path this saves fill's second pass over the set. */
struct tlb_entry *tlb_insert_after_miss(struct tlb *t, const struct tlb_entry *e,
                                        const struct tlb_miss *miss)
{
    if (e->level != 0 || (e->pte & PTE_N) || miss->page_held ||
        (e->vpage & ~(PAGE_SIZE - 1)) != miss->page)
        return tlb_insert(t, e);
    t->victim.valid = false;
    struct tlb_entry *set = set_base(t, miss->set);
    return place(t, set, t->cfg.ways, &t->next_small[miss->set], e, PAGE_SHIFT,
                 miss->free_way < 0 ? NULL : &set[miss->free_way], false);
}

/* Whether sfence.vma with these operands invalidates e (priv spec "Supervisor
 * Memory-Management Fence Instruction"):
 *   rs1 = x0, rs2 = x0: every entry, global ones included;
 *   rs1 = x0, rs2 = asid: every non-global entry of that ASID;
 *   rs1 = va, rs2 = x0: every entry translating va, in any ASID, global ones included;
 *   rs1 = va, rs2 = asid: the non-global entries translating va in that ASID. */
static bool fence_hits(const struct tlb_entry *e, bool all_va, uint64_t va, bool all_asid,
                       uint16_t asid)
{
    if (!e->valid) return false;
    if (!all_va && !covers(e, va)) return false;
    if (!all_asid && (is_global(e) || e->asid != asid)) return false;
    return true;
}

void tlb_flush(struct tlb *t, bool all_va, uint64_t va, bool all_asid, uint16_t asid)
{
    t->stats.flushes++;
    size_t nsmall = (size_t)t->cfg.sets * t->cfg.ways;
    struct tlb_entry *first = t->small;
    if (!all_va) {
        /* Only va's set can hold a 4 KiB entry for it. */
        first = set_base(t, set_of(t, va));
        nsmall = t->cfg.ways;
    }
    for (size_t i = 0; i < nsmall; i++) {
        if (fence_hits(&first[i], all_va, va, all_asid, asid)) drop(t, &first[i]);
    }
    for (unsigned s = 0; s < t->super_top; s++) {
        if (fence_hits(&t->super[s], all_va, va, all_asid, asid)) drop(t, &t->super[s]);
    }
}

void tlb_for_each(const struct tlb *t, void (*fn)(void *opaque, const struct tlb_entry *e),
                  void *opaque)
{
    size_t nsmall = (size_t)t->cfg.sets * t->cfg.ways;
    for (size_t i = 0; i < nsmall; i++) {
        if (t->small[i].valid) fn(opaque, &t->small[i]);
    }
    for (unsigned s = 0; s < t->cfg.super; s++) {
        if (t->super[s].valid) fn(opaque, &t->super[s]);
    }
}
