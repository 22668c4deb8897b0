/* The block translator (JIT): hot guest code turned into x86-64 host code.
 *
 * The interpreter (cpu/exec.c) stays the reference and runs everything the first times; when
 * control arrives at the same (virtual pc, physical address) often enough, the straight-line
 * code from there (a superblock: it goes on past not-taken branches) is translated and from
 * then on entered directly. Anything not worth translating (CSR ops, system instructions,
 * cache-block operations, illegal encodings) ends a block and is left to the interpreter.
 *
 * Coherence rides on the decoded-instruction cache (cpu/icache.c): a block marks the 64-byte
 * chunks it was made from as code, so every write there reaches cpu_invalidate_code, which
 * drops every block of that physical page (jit_invalidate_page).
 *
 * Built only on x86-64 hosts (RV39_JIT, set by CMake); elsewhere the stubs below keep the
 * interpreter alone. */
#ifndef RV39_JIT_H
#define RV39_JIT_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;
struct itlb_entry;

enum jit_outcome {
    JIT_NOTHING,   /* no translated code at pc (yet): the interpreter runs it */
    JIT_CONTINUE,  /* translated code ran; execution continues at c->pc */
    JIT_EXCEPTION, /* the instruction at c->pc raised c->exc_cause/c->exc_tval */
};
struct jit_result {
    int64_t remaining; /* the run's budget after the instructions that retired */
    enum jit_outcome outcome;
};

struct jit_stats {
    uint64_t blocks;     /* blocks translated */
    uint64_t insns;      /* guest instructions in them */
    uint64_t flushes;    /* the whole cache dropped because it was full */
    uint64_t page_kills; /* pages whose blocks a write dropped */
    uint64_t chains;     /* exits patched to jump straight to their target block */
};

#ifdef RV39_JIT
#define RV39_HAS_JIT 1
/* Give hart `c` a translator (c->jit); false if memory for it cannot be had. */
bool jit_attach(struct cpu *c);
void jit_detach(struct cpu *c);
/* Translate a block once it has been reached this many times (1: at once; tests). */
void jit_set_threshold(struct cpu *c, unsigned runs);
const struct jit_stats *jit_get_stats(const struct cpu *c);
/* At a control transfer to `pc`, whose fetch translation is `e` and whose budget is
 * `remaining` (> 0): run translated code there if there is some (or translate it, if it has
 * become hot). Called by the interpreter only when no event hook is installed. */
struct jit_result jit_run(struct cpu *c, const struct itlb_entry *e, uint64_t pc,
                          int64_t remaining);
/* The RAM page with index `page` (from ram_base) was written where it holds code. */
void jit_invalidate_page(struct cpu *c, uint64_t page);
/* Whether translations may use the optional host instructions popcnt, lzcnt and tzcnt where
 * CPUID reports them (default true); tests turn it off to run the portable sequences. */
void jit_use_host_bitops(bool use);
#else
#define RV39_HAS_JIT 0
static inline bool jit_attach(struct cpu *c)
{
    (void)c;
    return false;
}
static inline void jit_detach(struct cpu *c)
{
    (void)c;
}
static inline void jit_set_threshold(struct cpu *c, unsigned runs)
{
    (void)c, (void)runs;
}
static inline const struct jit_stats *jit_get_stats(const struct cpu *c)
{
    (void)c;
    return (const struct jit_stats *)0;
}
static inline struct jit_result jit_run(struct cpu *c, const struct itlb_entry *e, uint64_t pc,
                                        int64_t remaining)
{
    (void)c, (void)e, (void)pc;
    return (struct jit_result){remaining, JIT_NOTHING};
}
static inline void jit_invalidate_page(struct cpu *c, uint64_t page)
{
    (void)c, (void)page;
}
static inline void jit_use_host_bitops(bool use)
{
    (void)use;
}
#endif

#endif
