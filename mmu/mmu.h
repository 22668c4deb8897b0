/* The hart's view of memory: virtual address -> (RAM host pointer | bus device).
 *
 * mmu/ is a layer below the CPU: it never includes cpu/, devices/ or emu/ (a ctest greps for
 * it). Everything it needs from the hart lives in struct mmu: the translation state (satp,
 * the effective privilege of fetches and of loads/stores with MPRV, SUM, MXR, and menvcfg's
 * PBMTE and ADUE), guest RAM, the bus and the model and fast TLBs; and what it tells the hart
 * goes through struct mmu_hooks (a fault, an event for the debugger and the counters, a write
 * to RAM that may hold decoded code, the decoded page of a fetch).
 *
 * Two layers of translation caching:
 *  - the fast TLB (here): small direct-mapped tables of host-pointer translations, one set per
 *    effective privilege, so a RAM access that hits is one compare and one add (TinyEMU's
 *    shape). Misaligned accesses never match (the alignment bits are part of the tag) and
 *    take the slow path, which splits them. An empty entry holds a tag no address can
 *    produce (FTLB_INVALID below), and no host pointer.
 *  - the slow path (mmu/access.c): translation (bare, or the page walk in mmu/walk.c through
 *    the model TLB in mmu/tlb.c), permission checks, bus dispatch, fast-TLB refill.
 * Every entry in the fast TLB is backed by a translation the slow path just made, and is
 * dropped whenever that translation could change (satp, sfence.vma, mstatus bits, privilege
 * views). Entries for writes are only made for pages that hold no decoded code, so a store
 * that could modify code always reaches the slow path, which invalidates the decoded page. */
#ifndef RV39_MMU_H
#define RV39_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "coherence.h"
#include "ram.h"
#include "tlb.h"

struct dpage;
struct walk_result;

enum access { ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXEC = 2 };

/* 16384 slots per table: 64 MiB of 4 KiB pages. The model TLB bounds how many 4 KiB pages
 * the fast TLB holds (2048 by default: a fast entry goes with its model entry), but a
 * superpage is sliced into 4 KiB slots here: with 4096 slots, 64 MiB of megapages that the
 * model held whole still took the slow path on most accesses (tests/bench/mem.c with 2 MiB
 * pages: 20.4 host instructions per guest instruction under callgrind, 3.4 with 16384).
 * At 256 slots a 4 MiB heap sort went through the slow path on most accesses (README,
 * Performance). A flush empties only the slots filled since the last one (`filled`). */
#define FTLB_BITS 14
#define FTLB_SIZE (1u << FTLB_BITS)
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
/* The widest access that looks up the fast TLB (a doubleword). */
#define FTLB_MAX_ACCESS 8u

/* The tag of an empty entry: bit 11, a page-offset bit. Every tag a lookup compares is
 * masked by ftlb_tag_mask(), which clears this bit whatever the access size, so no address
 * can ever match an empty entry: the guarantee is the mask, not the choice of constant.
 * (Before, the empty tag was 1, which a 2-byte access at an odd address produced: the host
 * then used the empty entry's stale addend.) */
#define FTLB_INVALID (PAGE_SIZE >> 1)

struct ftlb_entry {
    uint64_t tag;     /* virtual page address */
    uintptr_t addend; /* host pointer = addend + virtual address */
};

struct ftlb_set {
    struct ftlb_entry read[FTLB_SIZE];
    struct ftlb_entry write[FTLB_SIZE];
};

struct itlb_entry {
    uint64_t tag;       /* virtual page address */
    struct dpage *page; /* decoded instructions of the physical page behind it */
    uint64_t paddr;     /* physical page address */
};

/* Empty entries hold no host pointer: a stale addend is never left behind to be used. */
static inline void ftlb_clear(struct ftlb_entry *e)
{
    e->tag = FTLB_INVALID;
    e->addend = 0;
}

static inline void itlb_clear(struct itlb_entry *e)
{
    e->tag = FTLB_INVALID;
    e->page = (struct dpage *)0;
    e->paddr = 0;
}

/* Translation regimes the fast TLB keeps apart, so a trap or an sret does not flush it:
 * U, S without SUM, S with SUM, M. (MXR, MPRV and satp changes flush.) */
enum ftlb_view { VIEW_U = 0, VIEW_S = 1, VIEW_S_SUM = 2, VIEW_M = 3, VIEW_COUNT };

#define FTLB_FILLED_WORDS (FTLB_SIZE / 64)

/* What the MMU reports on its slow path (the hart counts them and forwards them to a
 * debugger or tracer). */
enum mmu_event_kind {
    MMU_EV_TLB_MISS, /* translation not in the model TLB: va, access */
    MMU_EV_WALK,     /* page-table walk done: va, access, walk (incl. A/D updates, faults) */
    MMU_EV_TLB_FILL, /* the walk's translation entered the model TLB: va, access, tlb */
    MMU_EV_TLB_EVICT /* that fill pushed a live entry out for lack of room: tlb (the victim) */
};
struct mmu_event {
    enum mmu_event_kind kind;
    uint64_t va;
    enum access access;
    const struct walk_result *walk;
    const struct tlb_entry *tlb;
};

/* What the MMU counts (the hart's mhpmcounter3..5). */
struct mmu_stats {
    uint64_t itlb_misses; /* instruction fetch missed the model TLB */
    uint64_t dtlb_misses; /* load/store/AMO missed the model TLB */
    uint64_t walks;       /* page-table walks */
};

/* The MMU's calls out of its layer; all on slow paths. `opaque` is the hart. */
struct mmu_hooks {
    void *opaque;
    /* Record exception `cause` with `tval` (delivered by the hart later). */
    void (*fault)(void *opaque, unsigned cause, uint64_t tval);
    void (*event)(void *opaque, const struct mmu_event *ev); /* NULL: nobody watches */
    /* The MMU wrote guest RAM [pa, pa + len): drop decoded instructions there. True when the
     * page holds decoded code (no fast write entry is then made for it). */
    bool (*code_written)(void *opaque, uint64_t pa, uint64_t len);
    /* Whether the RAM page at `pa` holds decoded code of this hart; no side effects (a load
     * asks it before it makes a write entry for its page: mmu/access.c, fill_write_too). */
    bool (*code_present)(void *opaque, uint64_t pa);
    /* The decoded page of the RAM page at `pa` (made on first use); NULL if out of memory. */
    struct dpage *(*code_page)(void *opaque, uint64_t pa);
    /* Physical accesses outside RAM: the bus. False: nothing there (access fault). */
    void *bus;
    bool (*bus_read)(void *bus, uint64_t pa, unsigned size, uint64_t *value);
    bool (*bus_write)(void *bus, uint64_t pa, unsigned size, uint64_t value);
};

/* The translation state the hart hands the MMU whenever it changes (mmu_set_state). */
struct mmu_state {
    uint64_t satp;
    unsigned priv;      /* privilege of instruction fetch: 0 U, 1 S, 3 M */
    unsigned data_priv; /* of loads and stores: mstatus.MPP when M-mode sets MPRV (3.1.6.3) */
    bool sum, mxr;      /* mstatus.SUM, mstatus.MXR */
    bool pbmte;         /* menvcfg.PBMTE: Svpbmt's PBMT field may be used */
    bool adue;          /* menvcfg.ADUE: hardware A/D updating (Svadu); clear: page fault */
};

struct mmu {
    struct ftlb_set *data;    /* the view loads and stores use now */
    struct itlb_entry *fetch; /* the view instruction fetch uses now */
    struct ftlb_set data_view[VIEW_COUNT];
    struct itlb_entry fetch_view[VIEW_COUNT][FTLB_SIZE];
    /* Per view, the slots filled (read, write or fetch) since the view was last flushed:
     * a flush (every satp write, a global sfence.vma) clears those, not all 3 x FTLB_SIZE
     * entries of every view. A set bit over an entry already emptied is harmless. */
    uint64_t filled[VIEW_COUNT][FTLB_FILLED_WORDS];

    struct mmu_state state;
    bool svnapot;         /* the hart has Svnapot (-cpu ...,svnapot=off clears it) */
    struct guest_ram ram; /* the only memory PTEs and fast entries point into */
    struct tlb tlb;       /* model TLB: what a real hart would cache (mmu/tlb.c) */
    struct mmu_hooks hooks;
    struct mmu_stats stats;
    /* The harts sharing this RAM (mmu/coherence.h) and this one's index and mailbox there. */
    struct coherence *co;
    unsigned co_self;
    struct coherence_mailbox *co_box;
};
_Static_assert(FTLB_SIZE % 64 == 0, "the filled bitmap covers the slots in whole words");

static inline unsigned ftlb_index(uint64_t va)
{
    return (unsigned)(va >> PAGE_SHIFT) & (FTLB_SIZE - 1);
}

/* Which bits of a `size`-byte access's address form its tag: the page bits plus the bits
 * below the access's alignment (so a misaligned access never matches a filled entry, whose
 * tag is page-aligned), never FTLB_INVALID's bit (so it never matches an empty one). */
static inline uint64_t ftlb_tag_mask(unsigned size)
{
    return (~(PAGE_SIZE - 1) | (uint64_t)(size - 1)) & ~FTLB_INVALID;
}

/* The tag a `size`-byte access at `va` must match. */
static inline uint64_t ftlb_tag(uint64_t va, unsigned size)
{
    return va & ftlb_tag_mask(size);
}

/* A filled entry's tag: the virtual page. */
static inline uint64_t ftlb_page_tag(uint64_t va)
{
    return va & ~(PAGE_SIZE - 1);
}

_Static_assert(FTLB_INVALID > FTLB_MAX_ACCESS - 1 && FTLB_INVALID < PAGE_SIZE,
               "the empty tag is a page-offset bit above every alignment bit");
_Static_assert((FTLB_INVALID & (PAGE_SIZE - 1)) != 0,
               "a page-aligned tag never equals the empty tag");
/* The JIT encodes the mask as a sign-extended 32-bit immediate (cpu/jit_x86_64.c). */
_Static_assert((int64_t)((~(PAGE_SIZE - 1) | (FTLB_MAX_ACCESS - 1)) & ~FTLB_INVALID) >= INT32_MIN,
               "the tag mask fits a sign-extended imm32");

static inline void *mmu_fast_read(struct mmu *m, uint64_t va, unsigned size)
{
    const struct ftlb_entry *e = &m->data->read[ftlb_index(va)];
    return e->tag == ftlb_tag(va, size) ? (void *)(e->addend + va) : (void *)0;
}

static inline void *mmu_fast_write(struct mmu *m, uint64_t va, unsigned size)
{
    const struct ftlb_entry *e = &m->data->write[ftlb_index(va)];
    return e->tag == ftlb_tag(va, size) ? (void *)(e->addend + va) : (void *)0;
}

/* Empty fast TLBs, Bare translation state. ram, tlb and hooks are the caller's to set. */
void mmu_init(struct mmu *m);
/* The hart's translation state changed (a trap, xRET, a CSR write): pick the fast-TLB views
 * for the new privileges, and drop every cached translation when satp or MXR changed. */
void mmu_set_state(struct mmu *m, const struct mmu_state *s);
/* Drop every cached translation of every view (satp write, sfence.vma, MXR/MPRV change). */
void mmu_flush_all(struct mmu *m);
/* The model TLB dropped `e`: drop the fast entries made from it (those it recorded in
 * e->views for a 4 KiB page, e->users for a larger one), in every translated view. */
void mmu_drop_translation(struct mmu *m, const struct tlb_entry *e);
/* The same as the model TLB's on_drop callback, with the struct mmu as its opaque pointer:
 * the hart installs it directly, so an eviction costs one indirect call. */
void mmu_tlb_dropped(void *mmu, const struct tlb_entry *e);
/* Drop fast write entries that point into the RAM page at host address `host_page`; returns
 * how many there were. */
unsigned mmu_drop_writers(struct mmu *m, const uint8_t *host_page);
/* Drop every fast write entry of every view, M's too: the next store to each page takes the
 * slow path, which marks the page written for snapshots (ram.written), and tells other harts
 * with code there (a mailbox overflowed: mmu/coherence.h). */
void mmu_drop_all_writers(struct mmu *m);
/* This hart wrote RAM [pa, pa + len) other than through mmu_store (an AMO, an SC): tell the
 * other harts with code there (mmu/coherence.h, rule 2). */
void mmu_written(struct mmu *m, uint64_t pa, uint64_t len);
/* Slow paths. On failure they report the exception through hooks.fault and return false. */
bool mmu_load(struct mmu *m, uint64_t va, unsigned size, uint64_t *value);
bool mmu_store(struct mmu *m, uint64_t va, unsigned size, uint64_t value);
/* For AMOs and SC: translate for writing (store/AMO fault causes). *host is the RAM pointer,
 * or NULL when the target is a device (the caller then uses mmu_load/mmu_store).
 * *paddr receives the physical address (for the LR/SC reservation). */
bool mmu_translate_rmw(struct mmu *m, uint64_t va, unsigned size, void **host, uint64_t *paddr);
/* Translate for load (LR): like mmu_translate_rmw but with load permissions and causes. */
bool mmu_translate_load(struct mmu *m, uint64_t va, unsigned size, uint64_t *paddr);
/* The decoded page for the instruction fetch at `va` (fills the fetch view); NULL on a fetch
 * fault (exception reported). */
struct itlb_entry *mmu_fetch(struct mmu *m, uint64_t va);
/* Fetch one 16-bit parcel through the full translation (instructions crossing pages). */
bool mmu_fetch_parcel(struct mmu *m, uint64_t va, uint16_t *parcel);

#endif
