/* What the translator's front end (cpu/jit.c: blocks, lookup, invalidation) and its x86-64
 * back end (cpu/jit_x86_64.c: the emitter) share. Not for use outside cpu/jit*.c. */
#ifndef RV39_JIT_INTERNAL_H
#define RV39_JIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu.h"
#include "jit.h"

#define JIT_MAX_INSNS 64   /* guest instructions per block: bounds the time between checks */
#define JIT_MAX_BRANCHES 8 /* side exits per block */
#define JIT_MAX_EXITS (JIT_MAX_BRANCHES + 1)
#define JIT_NO_PATCH UINT32_MAX

/* A way out of a block to a target known when translating (branch, jal, fall-through). */
struct jit_exit {
    uint64_t target;   /* guest virtual pc */
    uint32_t patch_at; /* buffer offset of the rel32 of its final jmp */
};

/* Set in a block's key (its `pa` field, and a jump-cache entry's) when it was translated
 * while loads translate to themselves (mmu_identity: M-mode without MPRV, or satp Bare): its
 * loads then read RAM directly after one range check (cpu/jit_x86_64_direct.c), which code
 * translated in another regime must never do, nor be reached from it. Control stays in one
 * regime while translated code runs (what changes it, CSR writes, xRET, traps, leaves), so
 * chains and the lookup stub of a block's own regime keep to it. RAM's physical addresses
 * never have this bit. */
#define JIT_KEY_DIRECT (1ull << 63)

/* One (virtual pc, physical address) pair that control reached: a translated block, or a
 * candidate counting its visits, or a place the translator cannot start (untranslatable). */
struct jit_block {
    uint64_t pc, pa;
    struct jit_block *hash_next, *page_next;
    const uint8_t *code; /* NULL while not translated */
    uint32_t hits;
    bool untranslatable;
    uint8_t exit_count;
    struct jit_exit exits[JIT_MAX_EXITS];
};

/* One instruction handed to the back end. */
struct jit_insn {
    struct decoded d;
    uint64_t pc;
    uint32_t raw; /* its bits as fetched (16 for a compressed one): an illegal one's mtval */
};

/* Status the generated code returns to jit_run. */
#define JIT_STATUS_CONTINUE 0
#define JIT_STATUS_EXCEPTION 1

typedef int (*jit_enter_fn)(struct cpu *c, const void *code, int64_t *remaining);

/* The indirect-jump cache in front of the block table: jumps through `jalr` (returns above
 * all) look their target up at run time, and the table's chain costs two cache misses (the
 * bucket, then the block); the last target seen at each slot costs one. Entries name
 * (pc, pa) as blocks do, and go when their blocks go (page kills, flushes). */
#define JIT_JUMP_CACHE_BITS 12
#define JIT_JUMP_CACHE_SIZE (1u << JIT_JUMP_CACHE_BITS)
struct jit_jump_entry {
    uint64_t pc, pa;
    const void *code;
};

struct jit {
    /* The code buffer, mapped twice: written through `rw`, executed from `rx`. */
    uint8_t *rx, *rw;
    size_t size, used, stubs_end;
    jit_enter_fn enter;
    uint32_t exit_continue, exit_exception; /* offsets of the shared stubs */
    uint32_t lookup[2];                     /* the lookup stub of blocks without, with the key bit */
    const struct guest_ram *ram;            /* the hart's RAM, for the direct loads */

    struct jit_block *pool;
    unsigned pool_size, pool_used;
    struct jit_block *free_list;
    struct jit_block **buckets;     /* JIT_BUCKETS chains, keyed by (pc, pa) */
    struct jit_block **page_blocks; /* per RAM page: every block made from it */
    uint64_t pages;

    struct jit_jump_entry jump_cache[JIT_JUMP_CACHE_SIZE];
    unsigned threshold;
    /* Set when a write dropped blocks: the running block (maybe one of them) must stop after
     * the access that did it. Cleared on every entry into translated code. */
    uint8_t stop;
    struct jit_stats stats;
};

/* The back end. */
bool jit_backend_init(struct jit *j);
/* Can this instruction go into a block? Does it end one? */
bool jit_backend_translates(enum opcode op);
bool jit_backend_ends_block(enum opcode op);
/* Emit host code for insns[0..n), which continue at `next_pc` unless the last one jumps;
 * fills b->exits. NULL when the buffer is full. */
const uint8_t *jit_backend_emit(struct jit *j, const struct jit_insn *insns, unsigned n,
                                uint64_t next_pc, struct jit_block *b);
/* Make the exit jump whose rel32 is at buffer offset `at` go to `target`. */
void jit_backend_patch(struct jit *j, uint32_t at, const uint8_t *target);

/* Called by generated code: the translated code for c->pc, or NULL (then it leaves). */
const void *jit_lookup(struct cpu *c);

#endif
