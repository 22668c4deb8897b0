/* The decoded-instruction cache: one struct dpage per 4 KiB RAM page that has run code.
 *
 * Indexed by physical page, so it survives context switches and every virtual alias of a
 * page shares one decoded copy. Coherence comes from the write side: the fast TLB never
 * holds a write translation for a page with decoded code (mmu_drop_writers when a page gets
 * its first decoded instruction), so every store, AMO or DMA write into such a page reaches
 * cpu_invalidate_code. That makes fence.i free and self-modifying code correct without it.
 * Code is tracked per 64-byte chunk so that data sharing a page with code (common in small
 * programs) costs a slow-path store, not a re-decode.
 *
 * Other harts' stores (and DMA) cannot touch this hart's pages from their threads: they post
 * to its mailbox, which it drains at run-slice starts, traps, FENCE and FENCE.I
 * (mmu/coherence.h has the protocol and what it guarantees). */
#include "cpu.h"
#include "jit.h"

#include <stdlib.h>

/* Handler addresses the interpreter publishes (cpu/exec.c) before any page is created. */
extern const void *const *interp_entry_points; /* {decode, page end} */

#define SLOTS_PER_CHUNK ((1u << DPAGE_CHUNK_SHIFT) / 2)

static void reset_slots(struct dpage *p, unsigned first, unsigned count)
{
    for (unsigned i = first; i < first + count; i++) {
        /* Only the handler and count: the instruction whose store (or AMO) drops its own slot
         * still reads its operands from it (rd of an AMO, after the write). */
        p->slot[i].op = interp_entry_points[0];
        p->slot[i].count = 0; /* entering it charges nothing: op_decode counts */
    }
}

struct dpage *cpu_dpage(struct cpu *c, uint64_t pa)
{
    uint64_t index = ram_page_index(&c->mmu.ram, pa);
    struct dpage *p = c->dpages[index];
    if (!p) {
        p = malloc(sizeof(*p));
        if (!p) return NULL;
        p->host = c->mmu.ram.host + (index << PAGE_SHIFT);
        reset_slots(p, 0, DPAGE_SLOTS);
        p->slot[DPAGE_SLOTS] = (struct insn){.op = interp_entry_points[1]};
        p->code_chunks = 0;
        c->dpages[index] = p;
    }
    return p;
}

void cpu_invalidate_code(struct cpu *c, uint64_t pa, uint64_t len)
{
    while (len) {
        if (!ram_contains(&c->mmu.ram, pa)) return;
        uint64_t off = pa - c->mmu.ram.base;
        uint64_t in_page = PAGE_SIZE - (off & (PAGE_SIZE - 1));
        uint64_t n = len < in_page ? len : in_page;
        struct dpage *p = c->dpages[off >> PAGE_SHIFT];
        if (p && p->code_chunks) {
            unsigned first = (unsigned)(off & (PAGE_SIZE - 1)) >> DPAGE_CHUNK_SHIFT;
            unsigned last = (unsigned)((off & (PAGE_SIZE - 1)) + n - 1) >> DPAGE_CHUNK_SHIFT;
            uint64_t written = (~0ull >> (63 - last)) & (~0ull << first);
            if (!(p->code_chunks & written)) goto next_page; /* data beside code */
            /* A slot's count of instructions ahead (cpu/exec_forms.h, stretches) depends on
             * the code after it up to its stretch's end, which may lie in later chunks (all
             * marked as code): the code chunks before the written ones go too. */
            for (unsigned k = 0; k <= last; k++) {
                if (!((p->code_chunks >> k) & 1)) continue;
                reset_slots(p, k * SLOTS_PER_CHUNK, SLOTS_PER_CHUNK);
                /* A 4-byte instruction in the previous chunk's last parcel reaches into this
                 * chunk; decoding marked both chunks, so drop it too. */
                if (k > 0) reset_slots(p, k * SLOTS_PER_CHUNK - 1, 1);
                p->code_chunks &= ~(1ull << k);
                jit_invalidate_page(c, off >> PAGE_SHIFT); /* translated blocks too */
            }
            if (!p->code_chunks) coherence_code_gone(c->mmu.co, c->mmu.co_self, off >> PAGE_SHIFT);
        }
    next_page:
        pa += n;
        len -= n;
    }
}

void cpu_code_page_first(struct cpu *c, struct dpage *p)
{
    uint64_t index = (uint64_t)(p->host - c->mmu.ram.host) >> PAGE_SHIFT;
    coherence_code_added(c->mmu.co, c->mmu.co_self, index);
    mmu_drop_writers(&c->mmu, p->host);
}

void cpu_coherence_drain(struct cpu *c)
{
    struct coherence_mailbox *box = c->mmu.co_box;
    if (!box || !coherence_pending(box)) return;
    struct coherence_msg msg[COHERENCE_QUEUE];
    bool overflow;
    unsigned n = coherence_take(box, msg, &overflow);
    if (overflow) { /* lost messages: whatever they said, this covers it */
        mmu_drop_all_writers(&c->mmu);
        cpu_invalidate_code(c, c->mmu.ram.base, c->mmu.ram.size);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t page = msg[i].page;
        if (page >= c->mmu.ram.size >> PAGE_SHIFT) continue;
        if (msg[i].kind == COHERENCE_DROP_WRITERS) {
            mmu_drop_writers(&c->mmu, c->mmu.ram.host + (page << PAGE_SHIFT));
            continue;
        }
        uint64_t pa = c->mmu.ram.base + (page << PAGE_SHIFT);
        for (uint64_t chunks = msg[i].chunks; chunks; chunks &= chunks - 1) {
            unsigned k = (unsigned)__builtin_ctzll(chunks);
            cpu_invalidate_code(c, pa + ((uint64_t)k << DPAGE_CHUNK_SHIFT),
                                1u << DPAGE_CHUNK_SHIFT);
        }
    }
}

void cpu_written_by_device(struct cpu *c, uint64_t pa, uint64_t len)
{
    if (ram_span(&c->mmu.ram, pa, len))
        coherence_written(c->mmu.co, COHERENCE_DEVICE, pa - c->mmu.ram.base, len);
}

void cpu_pause_hint(struct cpu *c)
{
    c->paused = true;
    c->yield_request = true;
}
