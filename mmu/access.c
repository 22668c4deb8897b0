/* The MMU slow path: translation (bare, or Sv39/Sv48/Sv57 through the model TLB), RAM or bus
 * access, fast-TLB refill, misaligned accesses, and the fault that each failure raises. */
#include "mmu.h"

#include <string.h>

#include "walk.h"
#include "tlb.h"

/* Privilege levels as mmu_state encodes them (priv spec 1.2, "Privilege Levels"). */
enum { PRIV_LEVEL_U = 0, PRIV_LEVEL_S = 1, PRIV_LEVEL_M = 3 };
/* Exception codes, priv spec table "Supervisor cause register (scause) values". */
enum { FETCH_ACCESS_FAULT = 1, LOAD_ACCESS_FAULT = 5, STORE_ACCESS_FAULT = 7 };

static bool fault(struct mmu *m, unsigned cause, uint64_t tval)
{
    m->hooks.fault(m->hooks.opaque, cause, tval);
    return false;
}

static void emit(struct mmu *m, enum mmu_event_kind kind, uint64_t va, enum access access,
                 const struct walk_result *walk)
{
    if (__builtin_expect(m->hooks.event != NULL, 0))
        m->hooks.event(m->hooks.opaque,
                       &(struct mmu_event){.kind = kind, .va = va, .access = access, .walk = walk});
}

static void invalidate_set(struct ftlb_entry *e, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        ftlb_clear(&e[i]);
}

/* A fast write entry goes: where other harts have code in its page, stores through it may
 * have gone unseen by them since (mmu/coherence.h, rule 3). Every write entry is dropped here. */
static __attribute__((noinline, cold)) void writer_gone(struct mmu *m, const struct ftlb_entry *e)
{
    uintptr_t host = e->addend + e->tag;
    coherence_writer_gone(m->co, m->co_self, (host - (uintptr_t)m->ram.host) >> PAGE_SHIFT);
}

/* Inline and lean: every model-TLB eviction comes through here (drop_slot), and only harts
 * that share RAM have anyone to tell. */
static inline void drop_writer(struct mmu *m, struct ftlb_entry *e)
{
    if (__builtin_expect(m->co && coherence_shared(m->co), 0) && e->tag != FTLB_INVALID)
        writer_gone(m, e);
    ftlb_clear(e);
}

static void invalidate_view(struct mmu *m, unsigned view)
{
    invalidate_set(m->data_view[view].read, FTLB_SIZE);
    for (unsigned i = 0; i < FTLB_SIZE; i++)
        drop_writer(m, &m->data_view[view].write[i]);
    for (unsigned i = 0; i < FTLB_SIZE; i++)
        itlb_clear(&m->fetch_view[view][i]);
    memset(m->filled[view], 0, sizeof m->filled[view]);
}

/* Empty the slots of `view` filled since its last flush. */
static void invalidate_filled(struct mmu *m, unsigned view)
{
    for (unsigned word = 0; word < FTLB_FILLED_WORDS; word++) {
        for (uint64_t bits = m->filled[view][word]; bits; bits &= bits - 1) {
            unsigned i = word * 64 + (unsigned)__builtin_ctzll(bits);
            ftlb_clear(&m->data_view[view].read[i]);
            drop_writer(m, &m->data_view[view].write[i]);
            itlb_clear(&m->fetch_view[view][i]);
        }
        m->filled[view][word] = 0;
    }
}

/* The views loads/stores and fetches use now. */
static unsigned data_view_index(const struct mmu *m)
{
    return (unsigned)(m->data - m->data_view);
}

static unsigned fetch_view_index(const struct mmu *m)
{
    return (unsigned)((m->fetch - m->fetch_view[0]) / FTLB_SIZE);
}

/* Mark a slot of a view as filled. */
static void note_filled(struct mmu *m, unsigned view, unsigned slot)
{
    m->filled[view][slot / 64] |= 1ull << (slot % 64);
}

void mmu_init(struct mmu *m)
{
    for (unsigned v = 0; v < VIEW_COUNT; v++)
        invalidate_view(m, v);
    m->data = &m->data_view[VIEW_M];
    m->fetch = m->fetch_view[VIEW_M];
    m->state = (struct mmu_state){.priv = PRIV_LEVEL_M, .data_priv = PRIV_LEVEL_M};
}

/* The M view is never flushed: M-mode does not translate, its entries are identity maps. */
void mmu_flush_all(struct mmu *m)
{
    for (unsigned v = 0; v < VIEW_M; v++)
        invalidate_filled(m, v);
}

static bool in_range(uint64_t tag, uint64_t va, uint64_t len)
{
    return tag - va < len;
}

/* Drop slot i of view v where its entries lie in [vpage, vpage + len). */
static inline void drop_view_slot(struct mmu *m, unsigned v, unsigned i, uint64_t vpage,
                                  uint64_t len)
{
    struct ftlb_set *s = &m->data_view[v];
    if (in_range(s->read[i].tag, vpage, len)) ftlb_clear(&s->read[i]);
    if (in_range(s->write[i].tag, vpage, len)) drop_writer(m, &s->write[i]);
    if (in_range(m->fetch_view[v][i].tag, vpage, len)) itlb_clear(&m->fetch_view[v][i]);
}

/* Drop slot i of every translated view where its entry lies in [vpage, vpage + len). A view
 * whose `filled` bit for the slot is clear holds nothing there (every fill sets it, only a
 * flush that empties the slot clears it). */
static inline void drop_slot(struct mmu *m, unsigned i, uint64_t vpage, uint64_t len)
{
    const uint64_t bit = 1ull << (i % 64);
    for (unsigned v = 0; v < VIEW_M; v++) {
        if (m->filled[v][i / 64] & bit) drop_view_slot(m, v, i, vpage, len);
    }
}

#define SLOTS_PER_GROUP (FTLB_SIZE / TLB_USER_GROUPS)
_Static_assert(FTLB_SIZE % TLB_USER_GROUPS == 0, "user groups are whole runs of slots");

/* A larger page: the groups of slots its users set names. Out of line, so that the 4 KiB
 * case (every eviction of a workload larger than the TLB) pays for no registers it needs. */
static __attribute__((noinline)) void drop_large(struct mmu *m, const struct tlb_entry *e,
                                                 uint64_t len)
{
    for (unsigned word = 0; word < TLB_USER_GROUPS / 64; word++) {
        for (uint64_t bits = e->users[word]; bits; bits &= bits - 1) {
            unsigned group = word * 64 + (unsigned)__builtin_ctzll(bits);
            for (unsigned i = group * SLOTS_PER_GROUP; i < (group + 1) * SLOTS_PER_GROUP; i++)
                drop_slot(m, i, e->vpage, len);
        }
    }
}

/* A 4 KiB page's views (see mmu_drop_translation) on a hart sharing its RAM: a write entry's
 * end may have others to tell (drop_writer). Out of line, so the usual case calls nothing. */
static __attribute__((noinline)) void drop_small_shared(struct mmu *m, unsigned views, unsigned i,
                                                        uint64_t vpage)
{
    for (; views; views &= views - 1)
        drop_view_slot(m, (unsigned)__builtin_ctz(views), i, vpage, PAGE_SIZE);
}

void mmu_drop_translation(struct mmu *m, const struct tlb_entry *e)
{
    uint64_t len = tlb_entry_size(e);
    if (len != PAGE_SIZE) {
        drop_large(m, e, len);
        return;
    }
    /* A 4 KiB page has one slot, and its entry names the views that filled it (note_user):
     * only those can hold a fast entry made from it. Most evictions visit one view, and one
     * whose slot was never filled from it (or was emptied since) none. */
    const uint64_t vpage = e->vpage;
    const unsigned i = ftlb_index(vpage);
    unsigned views = e->views;
    if (__builtin_expect(m->co && coherence_shared(m->co), 0)) {
        drop_small_shared(m, views, i, vpage);
        return;
    }
    /* A hart alone on its RAM has no one to tell of a write entry's end (drop_writer comes
     * down to ftlb_clear): with no call left in the loop, every eviction of a workload larger
     * than the model TLB runs it without saving registers. */
    for (; views; views &= views - 1) {
        unsigned v = (unsigned)__builtin_ctz(views);
        struct ftlb_set *s = &m->data_view[v];
        if (in_range(s->read[i].tag, vpage, len)) ftlb_clear(&s->read[i]);
        if (in_range(s->write[i].tag, vpage, len)) ftlb_clear(&s->write[i]);
        if (in_range(m->fetch_view[v][i].tag, vpage, len)) itlb_clear(&m->fetch_view[v][i]);
    }
}

void mmu_tlb_dropped(void *mmu, const struct tlb_entry *e)
{
    mmu_drop_translation(mmu, e);
}

/* Only slots filled since their view's last flush can hold an entry (the M view is never
 * flushed, so its bitmap keeps every slot it ever filled). */
unsigned mmu_drop_writers(struct mmu *m, const uint8_t *host_page)
{
    unsigned dropped = 0;
    for (unsigned v = 0; v < VIEW_COUNT; v++) {
        struct ftlb_entry *w = m->data_view[v].write;
        for (unsigned word = 0; word < FTLB_FILLED_WORDS; word++) {
            for (uint64_t bits = m->filled[v][word]; bits; bits &= bits - 1) {
                unsigned i = word * 64 + (unsigned)__builtin_ctzll(bits);
                if (w[i].tag != FTLB_INVALID &&
                    (uintptr_t)(w[i].addend + w[i].tag) == (uintptr_t)host_page) {
                    drop_writer(m, &w[i]);
                    dropped++;
                }
            }
        }
    }
    return dropped;
}

void mmu_drop_all_writers(struct mmu *m)
{
    for (unsigned v = 0; v < VIEW_COUNT; v++)
        for (unsigned i = 0; i < FTLB_SIZE; i++)
            drop_writer(m, &m->data_view[v].write[i]);
}

void mmu_written(struct mmu *m, uint64_t pa, uint64_t len)
{
    if (m->co && ram_span(&m->ram, pa, len))
        coherence_written(m->co, m->co_self, pa - m->ram.base, len);
}

/* A store of this hart reached RAM [pa, pa + len) on the slow path: its own decoded code there
 * goes (the hook), and the other harts with code there are told. True when anyone has code
 * there: no fast write entry is then made. */
static bool ram_written(struct mmu *m, uint64_t pa, uint64_t len)
{
    bool mine = m->hooks.code_written(m->hooks.opaque, pa, len);
    bool others = m->co && coherence_shared(m->co) &&
                  coherence_written(m->co, m->co_self, pa - m->ram.base, len);
    return mine || others;
}

static unsigned view_of(unsigned priv, bool sum)
{
    if (priv == PRIV_LEVEL_M) return VIEW_M;
    if (priv == PRIV_LEVEL_U) return VIEW_U;
    return sum ? VIEW_S_SUM : VIEW_S;
}

void mmu_set_state(struct mmu *m, const struct mmu_state *s)
{
    /* The fast TLB holds the current address space only, and MXR changes what every cached
     * S/U translation allows; MPRV, MPP, SUM and the privilege only pick a view. */
    bool flush = s->satp != m->state.satp || s->mxr != m->state.mxr;
    m->state = *s;
    if (flush) mmu_flush_all(m);
    m->data = &m->data_view[view_of(s->data_priv, s->sum)];
    /* Fetches ignore SUM (S never executes U pages), so S and S+SUM share one fetch view. */
    m->fetch = m->fetch_view[view_of(s->priv, false)];
}

static uint8_t *ram_ptr(const struct mmu *m, uint64_t pa, unsigned size)
{
    return ram_span(&m->ram, pa, size);
}

/* Virtual -> physical for one access. Bare mode and M-mode map identically; Sv39/48/57 consult
 * the model TLB and walks on a miss (or when the cached PTE cannot serve this access). */
static bool translate(struct mmu *m, uint64_t va, enum access access, unsigned priv, uint64_t *pa,
                      struct tlb_entry **backing)
{
    const struct mmu_state *s = &m->state;
    *backing = NULL; /* bare and M-mode translations are not cached in the model */
    if (mmu_identity(s, priv)) {
        *pa = va;
        return true;
    }
    uint16_t asid = (uint16_t)((s->satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK);
    bool sum = s->sum, mxr = s->mxr;

    struct tlb_miss miss;
    struct tlb_entry *e = tlb_lookup_miss(&m->tlb, va, asid, &miss);
    if (e) {
        bool ad_ok = (e->pte & PTE_A) && (access != ACCESS_WRITE || (e->pte & PTE_D));
        if (ad_ok && walk_check_leaf(e->pte, access, priv, sum, mxr) == WALK_OK) {
            *pa = e->ppage | (va & (tlb_entry_size(e) - 1));
            *backing = e;
            return true;
        }
        /* A cached PTE that does not allow this access: walk again, the PTE in memory may
         * have changed (and A/D need setting). */
    } else {
        if (access == ACCESS_EXEC)
            m->stats.itlb_misses++;
        else
            m->stats.dtlb_misses++;
        emit(m, MMU_EV_TLB_MISS, va, access, NULL);
    }

    struct walk_request req = {
        .satp = s->satp,
        .va = va,
        .access = access,
        .priv = priv,
        .sum = sum,
        .mxr = mxr,
        .update_ad = s->adue,
        .svade = !s->adue,
        .pbmte = s->pbmte,
        .svnapot = m->svnapot,
    };
    m->stats.walks++;
    /* The usual walk (nobody records it, nothing to fault or update) takes the quick walker;
     * anything else the full one, which gives the trail, the fault and the A/D update. */
    struct walk_leaf leaf;
    /* The quick walk after a miss changes nothing but reads RAM: the model TLB is as the
     * lookup left it, so the fill may use what the lookup learned (tlb_insert_after_miss).
     * The full walk may write a PTE and tell the hooks (and a hit that could not serve the
     * access learned nothing): those take tlb_insert. */
    bool quick = !e;
    if (__builtin_expect(m->hooks.event != NULL, 0) || !page_walk_quick(&m->ram, &req, &leaf)) {
        quick = false;
        struct walk_result r;
        page_walk(&m->ram, &req, &r);
        emit(m, MMU_EV_WALK, va, access, &r);
        if (r.fault != WALK_OK) return fault(m, walk_fault_cause(r.fault, access), va);
        if (r.ad_updated && ram_span(&m->ram, r.pte_addr, 8)) {
            ram_note_write(&m->ram, r.pte_addr, 8);
            ram_written(m, r.pte_addr, 8);
        }
        leaf = (struct walk_leaf){
            .paddr = r.paddr, .pte = r.pte, .pte_addr = r.pte_addr, .level = r.level};
    }
    uint64_t size = 1ull << pte_page_shift(leaf.pte, leaf.level);
    struct tlb_entry fill = {
        .valid = true,
        .level = (uint8_t)leaf.level,
        .asid = asid,
        .vpage = va & ~(size - 1),
        .ppage = leaf.paddr & ~(size - 1),
        .pte = leaf.pte,
        .pte_addr = leaf.pte_addr,
    };
    *backing = quick ? tlb_insert_after_miss(&m->tlb, &fill, &miss) : tlb_insert(&m->tlb, &fill);
    if (__builtin_expect(m->hooks.event != NULL, 0)) {
        if (m->tlb.victim.valid)
            m->hooks.event(m->hooks.opaque, &(struct mmu_event){.kind = MMU_EV_TLB_EVICT,
                                                                .va = m->tlb.victim.vpage,
                                                                .access = access,
                                                                .tlb = &m->tlb.victim});
        m->hooks.event(m->hooks.opaque,
                       &(struct mmu_event){
                           .kind = MMU_EV_TLB_FILL, .va = va, .access = access, .tlb = *backing});
    }
    *pa = leaf.paddr;
    return true;
}

/* The model entry a fast entry at `va` in `view` was made from keeps where it is (a 4 KiB
 * entry: the view, its slot being its page's; a larger one: the slot's group), so evicting
 * the entry drops exactly the fast entries it backs (mmu_drop_translation). Every fast entry
 * a translation backs is made after this is called for it: a bit missed here would leave a
 * stale fast entry after the eviction. */
static __attribute__((noinline)) void note_large_user(struct tlb_entry *backing, uint64_t va)
{
    unsigned group = ftlb_index(va) / SLOTS_PER_GROUP;
    backing->users[group / 64] |= 1ull << (group % 64);
}

/* The larger page's case out of line: inline, its group was computed on every 4 KiB fill. */
static void note_user(struct tlb_entry *backing, uint64_t va, unsigned view)
{
    if (!backing) return;
    if (__builtin_expect(backing->shift == PAGE_SHIFT, 1))
        backing->views |= (uint8_t)(1u << view);
    else
        note_large_user(backing, va);
}

/* Fill `va`'s slot of a data table of the current view (`table` is m->data->read or ->write).
 * Data entries are made here and in fill_fast_load (both of a slot at once, sharing the work:
 * fill_fast twice cost 4.6 % more host instructions on the 64 MiB 4 KiB-page bench), and
 * both mark the slot in the view's filled bitmap, so the next flush empties it. `host` is
 * where `va` lives on the host (virtual and physical page offsets agree). */
static void fill_fast(struct mmu *m, struct ftlb_entry *table, uint64_t va, uint8_t *host,
                      struct tlb_entry *backing)
{
    unsigned slot = ftlb_index(va);
    if (table == m->data->write) drop_writer(m, &table[slot]);
    table[slot].tag = ftlb_page_tag(va);
    table[slot].addend = (uintptr_t)host - (uintptr_t)va;
    unsigned view = data_view_index(m);
    note_user(backing, va, view);
    note_filled(m, view, slot);
}

static uint64_t read_le(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}

static void write_le(uint8_t *p, unsigned size, uint64_t value)
{
    switch (size) {
    case 1: *p = (uint8_t)value; break;
    case 2: {
        uint16_t v = (uint16_t)value;
        memcpy(p, &v, 2);
        break;
    }
    case 4: {
        uint32_t v = (uint32_t)value;
        memcpy(p, &v, 4);
        break;
    }
    default: memcpy(p, &value, 8); break;
    }
}

/* One translated access to RAM: translate `va`, and where it lands in RAM, read or write
 * `size` bytes there and fill the page's fast-TLB entry (a write entry only for a page that
 * holds no decoded code: a store to such a page drops the code instead). NOT_RAM leaves *pa
 * for the caller to take to the bus. */
enum ram_access { RAM_DONE, RAM_FAULT, RAM_NOT_RAM };

/* Whether a store to the RAM page at `pa`, translated by `backing` (NULL: an identity map,
 * where every store translates), would go exactly as write_ram takes it and leave a fast
 * write entry behind, with nothing for the slow path to do on the way. Asked by a load that
 * just translated the page at the data privilege, so:
 *  - the translation needs no walk when the cached PTE has W, A and D set: the load passed
 *    the privilege checks (U, SUM), which are the same for a store, and a store needs W
 *    beyond them (MXR only widens loads). A clear D is left to the store's own walk, which
 *    sets it (Svadu/ADUE) or raises the store page fault (Svade): supervisor.adoc, "Virtual
 *    Address Translation Process", step 7;
 *  - the page is already marked written for snapshots (ram.written), since a store through
 *    the entry would not mark it;
 *  - nobody has decoded code there (ram_written()'s test, asked without its side effects),
 *    so stores through the entry need no invalidation.
 * No side effects. */
static inline bool store_would_fill(const struct mmu *m, const struct tlb_entry *backing,
                                    uint64_t pa)
{
    const uint64_t wad = PTE_W | PTE_A | PTE_D;
    if (backing && (backing->pte & wad) != wad) return false;
    uint64_t page = ram_page_index(&m->ram, pa);
    if (__builtin_expect(m->ram.written != NULL, 0) && !m->ram.written[page]) return false;
    if (m->hooks.code_present(m->hooks.opaque, pa)) return false;
    return !(m->co && coherence_shared(m->co) &&
             coherence_others_have_code(m->co, m->co_self, page));
}

/* A load's fill: the page's read entry, and its write entry too when a store would have made
 * the same one (store_would_fill): a read-modify-write then stores through the fast path
 * instead of a second slow-path visit that only finds the model TLB's entry again (64 MiB
 * 4 KiB-page mem bench: ~220 host instructions per store). The slow-path store would have
 * counted a model-TLB hit (tlb_hits drops); misses and walks are the same. One slot, one
 * users bit and one filled bit for both entries: what fill_fast does, once for the two. */
static inline void fill_fast_load(struct mmu *m, uint64_t va, uint64_t pa, uint8_t *h,
                                  struct tlb_entry *backing)
{
    unsigned slot = ftlb_index(va);
    struct ftlb_set *d = m->data;
    uint64_t tag = ftlb_page_tag(va);
    uintptr_t addend = (uintptr_t)h - (uintptr_t)va;
    d->read[slot].tag = tag;
    d->read[slot].addend = addend;
    if (store_would_fill(m, backing, pa)) {
        drop_writer(m, &d->write[slot]);
        d->write[slot].tag = tag;
        d->write[slot].addend = addend;
    }
    unsigned view = data_view_index(m);
    note_user(backing, va, view);
    note_filled(m, view, slot);
}

/* Inline (always): into mmu_load and mmu_store, every miss of translated code pays no call
 * and no second prologue (callgrind, 64 MiB 4 KiB-page mem bench: 679.2 M -> 660.8 M Ir). */
static inline __attribute__((always_inline)) enum ram_access
read_ram(struct mmu *m, uint64_t va, unsigned size, uint64_t *value, uint64_t *pa)
{
    struct tlb_entry *backing;
    if (!translate(m, va, ACCESS_READ, m->state.data_priv, pa, &backing)) return RAM_FAULT;
    uint8_t *h = ram_ptr(m, *pa, size);
    if (!h) return RAM_NOT_RAM;
    *value = read_le(h, size);
    fill_fast_load(m, va, *pa, h, backing);
    return RAM_DONE;
}

static inline __attribute__((always_inline)) enum ram_access
write_ram(struct mmu *m, uint64_t va, unsigned size, uint64_t value, uint64_t *pa)
{
    struct tlb_entry *backing;
    if (!translate(m, va, ACCESS_WRITE, m->state.data_priv, pa, &backing)) return RAM_FAULT;
    uint8_t *h = ram_ptr(m, *pa, size);
    if (!h) return RAM_NOT_RAM;
    write_le(h, size, value);
    ram_note_write(&m->ram, *pa, size); /* before the fast entry: snapshots see the page */
    /* A page with decoded code (of any hart) keeps its stores on the slow path. */
    if (!ram_written(m, *pa, size))
        fill_fast(m, m->data->write, va, h, backing);
    return RAM_DONE;
}

/* Misaligned loads and stores are performed, not trapped (as QEMU does). Within a page they
 * cost one lookup: the fast TLB's entry for the page (matched by its page tag, which no empty
 * entry holds), else one translation; RAM is then read or written whole. Accesses that
 * cross a page, or reach a device, go byte by byte. A store checks every page it touches
 * first so a fault leaves memory unchanged; a fault reports the start of the faulting
 * portion (machine.adoc, mtval). */
static bool within_page(uint64_t va, unsigned size)
{
    return (va & (PAGE_SIZE - 1)) + size <= PAGE_SIZE;
}

static bool load_misaligned(struct mmu *m, uint64_t va, unsigned size, uint64_t *value)
{
    if (within_page(va, size)) {
        const struct ftlb_entry *e = &m->data->read[ftlb_index(va)];
        if (e->tag == ftlb_page_tag(va)) {
            *value = read_le((const uint8_t *)(e->addend + va), size);
            return true;
        }
        uint64_t pa;
        enum ram_access r = read_ram(m, va, size, value, &pa);
        if (r != RAM_NOT_RAM) return r == RAM_DONE;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t byte;
        if (!mmu_load(m, va + i, 1, &byte)) return false;
        v |= byte << (8 * i);
    }
    *value = v;
    return true;
}

static bool store_misaligned(struct mmu *m, uint64_t va, unsigned size, uint64_t value)
{
    uint64_t pa;
    if (within_page(va, size)) {
        const struct ftlb_entry *e = &m->data->write[ftlb_index(va)];
        if (e->tag == ftlb_page_tag(va)) { /* write entries exist only for code-free pages */
            write_le((uint8_t *)(e->addend + va), size, value);
            return true;
        }
        enum ram_access r = write_ram(m, va, size, value, &pa);
        if (r != RAM_NOT_RAM) return r == RAM_DONE;
    } else {
        /* A fault on either page leaves both unchanged; on the second it reports that page's
         * first byte (the faulting portion). */
        struct tlb_entry *backing;
        uint64_t next_page = (va | (PAGE_SIZE - 1)) + 1;
        if (!translate(m, va, ACCESS_WRITE, m->state.data_priv, &pa, &backing) ||
            !translate(m, next_page, ACCESS_WRITE, m->state.data_priv, &pa, &backing))
            return false;
    }
    for (unsigned i = 0; i < size; i++)
        if (!mmu_store(m, va + i, 1, value >> (8 * i))) return false;
    return true;
}

bool mmu_load(struct mmu *m, uint64_t va, unsigned size, uint64_t *value)
{
    if (va & (size - 1)) return load_misaligned(m, va, size, value);
    uint64_t pa;
    enum ram_access r = read_ram(m, va, size, value, &pa);
    if (r != RAM_NOT_RAM) return r == RAM_DONE;
    if (m->hooks.bus_read(m->hooks.bus, pa, size, value)) return true;
    return fault(m, LOAD_ACCESS_FAULT, va);
}

bool mmu_store(struct mmu *m, uint64_t va, unsigned size, uint64_t value)
{
    if (va & (size - 1)) return store_misaligned(m, va, size, value);
    uint64_t pa;
    enum ram_access r = write_ram(m, va, size, value, &pa);
    if (r != RAM_NOT_RAM) return r == RAM_DONE;
    if (m->hooks.bus_write(m->hooks.bus, pa, size, value)) return true;
    return fault(m, STORE_ACCESS_FAULT, va);
}

bool mmu_translate_rmw(struct mmu *m, uint64_t va, unsigned size, void **host, uint64_t *paddr)
{
    struct tlb_entry *backing;
    if (!translate(m, va, ACCESS_WRITE, m->state.data_priv, paddr, &backing)) return false;
    uint8_t *h = ram_ptr(m, *paddr, size);
    if (h) {
        ram_note_write(&m->ram, *paddr, size);
        m->hooks.code_written(m->hooks.opaque, *paddr, size);
    }
    *host = h;
    return true;
}

bool mmu_translate_load(struct mmu *m, uint64_t va, unsigned size, uint64_t *paddr)
{
    (void)size;
    struct tlb_entry *backing;
    return translate(m, va, ACCESS_READ, m->state.data_priv, paddr, &backing);
}

struct itlb_entry *mmu_fetch(struct mmu *m, uint64_t va)
{
    uint64_t pa;
    struct tlb_entry *backing;
    if (!translate(m, va, ACCESS_EXEC, m->state.priv, &pa, &backing)) return NULL;
    if (!ram_ptr(m, pa, 2)) {
        fault(m, FETCH_ACCESS_FAULT, va);
        return NULL;
    }
    struct dpage *p = m->hooks.code_page(m->hooks.opaque, pa);
    if (!p) { /* host out of memory: report it to the guest as an access fault */
        fault(m, FETCH_ACCESS_FAULT, va);
        return NULL;
    }
    struct itlb_entry *e = &m->fetch[ftlb_index(va)];
    e->tag = ftlb_page_tag(va);
    e->page = p;
    e->paddr = pa & ~(PAGE_SIZE - 1);
    unsigned view = fetch_view_index(m);
    note_user(backing, va, view);
    note_filled(m, view, ftlb_index(va));
    return e;
}

bool mmu_fetch_parcel(struct mmu *m, uint64_t va, uint16_t *parcel)
{
    uint64_t pa;
    struct tlb_entry *backing;
    if (!translate(m, va, ACCESS_EXEC, m->state.priv, &pa, &backing)) return false;
    uint8_t *h = ram_ptr(m, pa, 2);
    if (!h) return fault(m, FETCH_ACCESS_FAULT, va);
    *parcel = (uint16_t)read_le(h, 2);
    return true;
}
