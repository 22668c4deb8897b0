/* The code map and the mailboxes of harts sharing guest RAM (mmu/coherence.h). */
#include "coherence.h"

#include <stdlib.h>

#define PAGE_BITS 12
#define CHUNK_BITS 6 /* as cpu.h's DPAGE_CHUNK_SHIFT: the decoded cache's unit */

struct coherence *coherence_new(uint64_t ram_size)
{
    struct coherence *co = calloc(1, sizeof(*co));
    if (!co) return NULL;
    co->pages = ram_size >> PAGE_BITS;
    co->code_harts = calloc(co->pages ? co->pages : 1, sizeof(*co->code_harts));
    if (!co->code_harts) {
        free(co);
        return NULL;
    }
    return co;
}

int coherence_join(struct coherence *co)
{
    if (co->harts == COHERENCE_MAX_HARTS) return -1;
    struct coherence_mailbox *box = calloc(1, sizeof(*box));
    if (!box) return -1;
    pthread_mutex_init(&box->lock, NULL);
    co->box[co->harts] = box;
    co->refs++;
    return (int)co->harts++;
}

void coherence_leave(struct coherence *co, unsigned self)
{
    struct coherence_mailbox *box = co->box[self];
    if (box) {
        pthread_mutex_destroy(&box->lock);
        free(box);
        co->box[self] = NULL;
    }
    if (--co->refs) return;
    free(co->code_harts);
    free(co);
}

static void post(struct coherence *co, unsigned to, enum coherence_kind kind, uint64_t page,
                 uint64_t chunks)
{
    struct coherence_mailbox *box = co->box[to];
    if (!box) return;
    pthread_mutex_lock(&box->lock);
    struct coherence_msg *last = box->count ? &box->msg[box->count - 1] : NULL;
    if (last && last->kind == kind && last->page == page) /* a run of stores to one page */
        last->chunks |= chunks;
    else if (box->count < COHERENCE_QUEUE)
        box->msg[box->count++] = (struct coherence_msg){page, chunks, kind};
    else
        box->overflow = true;
    __atomic_store_n(&box->pending, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&box->lock);
}

static void post_to_holders(struct coherence *co, unsigned self, uint64_t page, uint64_t chunks)
{
    uint64_t holders = __atomic_load_n(&co->code_harts[page], __ATOMIC_SEQ_CST);
    if (self < COHERENCE_MAX_HARTS) holders &= ~(1ull << self);
    for (; holders; holders &= holders - 1)
        post(co, (unsigned)__builtin_ctzll(holders), COHERENCE_INVALIDATE, page, chunks);
}

void coherence_code_added(struct coherence *co, unsigned self, uint64_t page)
{
    __atomic_fetch_or(&co->code_harts[page], 1ull << self, __ATOMIC_SEQ_CST);
    if (!coherence_shared(co)) return;
    for (unsigned h = 0; h < co->harts; h++)
        if (h != self) post(co, h, COHERENCE_DROP_WRITERS, page, 0);
}

void coherence_code_gone(struct coherence *co, unsigned self, uint64_t page)
{
    __atomic_fetch_and(&co->code_harts[page], ~(1ull << self), __ATOMIC_SEQ_CST);
}

bool coherence_written(struct coherence *co, unsigned self, uint64_t off, uint64_t len)
{
    if (!coherence_shared(co) || !len) return false;
    /* The store is done; the fence orders it before the code-map loads (rule 2). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint64_t mine = self < COHERENCE_MAX_HARTS ? 1ull << self : 0;
    bool others = false;
    for (uint64_t page = off >> PAGE_BITS; page <= (off + len - 1) >> PAGE_BITS; page++) {
        if (!(__atomic_load_n(&co->code_harts[page], __ATOMIC_SEQ_CST) & ~mine)) continue;
        uint64_t from = page << PAGE_BITS > off ? page << PAGE_BITS : off;
        uint64_t to = ((page + 1) << PAGE_BITS) < off + len ? (page + 1) << PAGE_BITS : off + len;
        unsigned first = (unsigned)(from & ((1u << PAGE_BITS) - 1)) >> CHUNK_BITS;
        unsigned last = (unsigned)((to - 1) & ((1u << PAGE_BITS) - 1)) >> CHUNK_BITS;
        uint64_t chunks = (last == 63 ? UINT64_MAX : (1ull << (last + 1)) - 1) &
                          ~((1ull << first) - 1);
        post_to_holders(co, self, page, chunks);
        others = true;
    }
    return others;
}

void coherence_writer_gone(struct coherence *co, unsigned self, uint64_t page)
{
    if (!coherence_shared(co) || page >= co->pages) return;
    if (__atomic_load_n(&co->code_harts[page], __ATOMIC_SEQ_CST) & ~(1ull << self))
        post_to_holders(co, self, page, COHERENCE_ALL_CHUNKS);
}

unsigned coherence_take(struct coherence_mailbox *box, struct coherence_msg *out, bool *overflow)
{
    pthread_mutex_lock(&box->lock);
    unsigned n = box->count;
    for (unsigned i = 0; i < n; i++)
        out[i] = box->msg[i];
    *overflow = box->overflow;
    box->count = 0;
    box->overflow = false;
    __atomic_store_n(&box->pending, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&box->lock);
    return n;
}
