/* What harts that share guest RAM tell each other about code in it.
 *
 * Each hart keeps its own decoded instructions and translated blocks (cpu/icache.c, cpu/jit.c),
 * which only its own thread may touch. A store is seen by the storing hart's own decoded code
 * at once (mmu/access.c keeps stores to its code pages on the slow path); for the other harts
 * this domain holds:
 *  - a code map: per RAM page, the set of harts holding decoded code there;
 *  - a mailbox per hart, which other harts (and DMA) post to and which its owner drains at
 *    run-slice starts, traps, FENCE and FENCE.I (cpu_coherence_drain).
 * The protocol (README, "Memory model"):
 *  1. A hart decoding the first instruction of a page sets its bit in the code map, then
 *     posts DROP_WRITERS(page) to every other hart, then reads the instruction bytes.
 *  2. A slow-path store (no fast write entry) writes RAM, then looks at the code map (a full
 *     fence between: with 1's order, either the decoder reads the new bytes or the store sees
 *     the bit) and posts INVALIDATE(page, chunks) to the harts with code there.
 *  3. A fast write entry made before 1 may go on storing unseen until its hart drains: when a
 *     hart drops or replaces a fast write entry to a page where others have code (a
 *     DROP_WRITERS message among other reasons), it posts INVALIDATE(page, all) to them.
 * So every store reaches the other harts' mailboxes before the storing hart finishes its next
 * FENCE (or trap): the data FENCE the unprivileged spec ("Zifencei") asks of a hart that
 * publishes code, before the other hart's FENCE.I, which drains. */
#ifndef RV39_COHERENCE_H
#define RV39_COHERENCE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define COHERENCE_MAX_HARTS 64 /* the code map holds one bit per hart */
#define COHERENCE_QUEUE 128    /* messages a mailbox holds before it overflows */
#define COHERENCE_DEVICE UINT32_MAX /* the writer of coherence_written that is not a hart */
#define COHERENCE_ALL_CHUNKS UINT64_MAX

enum coherence_kind {
    COHERENCE_INVALIDATE,   /* drop decoded code in `chunks` (64-byte chunks) of `page` */
    COHERENCE_DROP_WRITERS, /* drop fast write entries to `page`: another hart decodes there */
};

struct coherence_msg {
    uint64_t page;   /* RAM page index (from the RAM base) */
    uint64_t chunks; /* INVALIDATE: bit k = bytes [64k, 64k + 64) of the page */
    enum coherence_kind kind;
};

struct coherence_mailbox {
    uint32_t pending; /* atomic: messages (or an overflow) wait; the owner's cheap test */
    pthread_mutex_t lock;
    bool overflow; /* messages were lost: the owner drops all its code and write entries */
    unsigned count;
    struct coherence_msg msg[COHERENCE_QUEUE];
};

struct coherence {
    uint64_t pages;
    uint64_t *code_harts; /* per RAM page, atomic: bit h while hart h has decoded code there */
    unsigned harts;       /* members so far (indexes 0..harts-1); fixed before harts run */
    unsigned refs;        /* members still attached: the last one out frees the domain */
    struct coherence_mailbox *box[COHERENCE_MAX_HARTS];
};

/* A domain for `ram_size` bytes of RAM with no members; NULL when memory runs out. */
struct coherence *coherence_new(uint64_t ram_size);
/* Become a member: returns the new hart's index, or -1 (full, or out of memory). */
int coherence_join(struct coherence *co);
/* Member `self` goes (its mailbox with it); the last one frees the domain. */
void coherence_leave(struct coherence *co, unsigned self);

/* Whether more than one hart shares the RAM (otherwise nobody needs telling anything). */
static inline bool coherence_shared(const struct coherence *co)
{
    return co->harts > 1;
}

/* Rule 1: hart `self` decoded its first instruction in `page`. */
void coherence_code_added(struct coherence *co, unsigned self, uint64_t page);
/* Hart `self` holds no decoded code in `page` any more. */
void coherence_code_gone(struct coherence *co, unsigned self, uint64_t page);
/* Rule 2: `self` (or COHERENCE_DEVICE) wrote RAM bytes [off, off + len) (offsets from the RAM
 * base; the caller checked them). True when some other hart has code in those pages. */
bool coherence_written(struct coherence *co, unsigned self, uint64_t off, uint64_t len);
/* Whether a hart other than `self` has decoded code in `page` (a RAM page index the caller
 * checked); no message, no fence. A write entry made after this says no is covered by rule 3:
 * a hart decoding there later posts DROP_WRITERS to `self` first. */
static inline bool coherence_others_have_code(const struct coherence *co, unsigned self,
                                              uint64_t page)
{
    uint64_t mine = self < COHERENCE_MAX_HARTS ? 1ull << self : 0;
    return __atomic_load_n(&co->code_harts[page], __ATOMIC_SEQ_CST) & ~mine;
}
/* Rule 3: `self` dropped a fast write entry to `page`. */
void coherence_writer_gone(struct coherence *co, unsigned self, uint64_t page);

/* The owner's side: whether anything waits, and taking it all (into out[COHERENCE_QUEUE]);
 * returns the count, *overflow when messages were lost. */
static inline bool coherence_pending(const struct coherence_mailbox *box)
{
    return __atomic_load_n(&box->pending, __ATOMIC_ACQUIRE) != 0;
}
unsigned coherence_take(struct coherence_mailbox *box, struct coherence_msg *out, bool *overflow);

#endif
