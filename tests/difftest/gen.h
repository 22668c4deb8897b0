/* The difftest generator's shared state: a seeded random source, the code buffer with its
 * unit boundaries (the only places a branch may land), and the address pools that loads,
 * stores and jumps pick from. gen.c builds the page tables and the pools; gen_insn.c emits
 * the instructions. */
#ifndef DIFFTEST_GEN_H
#define DIFFTEST_GEN_H

#include <stddef.h>
#include <stdint.h>

struct rng {
    uint64_t s;
};

static inline uint64_t rnd(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline unsigned rn(struct rng *r, unsigned n)
{
    return (unsigned)(rnd(r) % n);
}

/* What an address in a pool may be used for. */
enum {
    POOL_STORE = 1,        /* stores may go there: it maps (if at all) to DATA or to no memory */
    POOL_MISALIGN = 2,     /* misaligned accesses are fine: RAM whenever it maps to anything */
    POOL_JUMP = 4,         /* a jump there faults in every mode and satp (never executable RAM) */
    POOL_ATOMIC = 8,       /* AMOs and LR/SC may go there */
    POOL_RAM = 16,         /* RAM in every mode and satp (DATA by its physical address) */
    POOL_MISALIGN_VM = 32, /* misaligned is fine while translation is on (RAM or a fault) */
};

struct pool {
    uint64_t base, span;
    unsigned flags;
};

enum fixup_kind { FIX_B, FIX_J, FIX_CB, FIX_CJ, FIX_AUIPC };

#define GEN_MAX_BOUNDS 8192
#define GEN_MAX_FIXUPS 4096
#define GEN_MAX_POOLS 32

struct gen {
    struct rng *r;
    uint8_t *code;   /* the program's code pages */
    uint64_t pc0;    /* physical (= virtual) address of code[0] */
    size_t len, cap; /* bytes emitted, room */
    unsigned mode;   /* the privilege the generator believes the program runs in */
    uint32_t bounds[GEN_MAX_BOUNDS];
    unsigned nbounds;
    struct fixup {
        uint32_t at;
        uint8_t kind;
    } fix[GEN_MAX_FIXUPS];
    unsigned nfix;
    struct pool pools[GEN_MAX_POOLS];
    unsigned npools;
    uint64_t satp_values[3]; /* what a program may write to satp */
    uint64_t trap_entry;     /* the harness's mtvec */
    int far_atomics;         /* translation is always on: AMOs and misaligned accesses may use the
                              * virtual windows */
    uint64_t stub;           /* the S-mode trap stub when exceptions are delegated, else 0 */
    int bare_start;          /* the program starts with satp Bare */
    uint64_t straddle;       /* a 4-byte instruction across two pages, then `c.jr ra` */
};

/* Shared by the unit emitters (gen_insn.c, gen_ext.c). */
void emit32(struct gen *g, uint32_t w);
unsigned wreg(struct gen *g);   /* any register but x0, gp and tp */
unsigned anyreg(struct gen *g); /* any register */
void li(struct gen *g, unsigned rd, uint64_t v);
uint64_t value(struct gen *g); /* edges, small numbers, sign boundaries, random bits */
/* gen_ext.c: Zba, Zbb, Zbc, Zbs (not Zicond: QEMU 7.2 lacks it). */
void u_bitmanip(struct gen *g);

/* Emit the program: `units` random units, the loop back to the start while gp counts down,
 * and the final ecall. Returns the ecall's offset in the code. */
size_t gen_program(struct gen *g, unsigned units);

#endif
