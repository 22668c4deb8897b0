/* The JIT-versus-interpreter comparison that test_jit.c, test_jit_bitmanip.c and test_jit_fp.c
 * share: run a guest program once with the interpreter alone and again with the translator (at
 * once, after a few visits, under a tiny budget) and require the same registers (x and f),
 * fcsr, mstatus, pc, counters, trap CSRs and memory. */
#ifndef RV39_TEST_JIT_COMPARE_H
#define RV39_TEST_JIT_COMPARE_H

#include <stdint.h>

#include "cpu/cpu.h"

/* Everything a program can leave behind. */
struct outcome {
    uint64_t x[32], f[32], pc, minstret, mcycle, mcause, mtval, mepc, mstatus;
    uint32_t fcsr;
    enum priv priv;
    uint8_t *ram;
    uint64_t blocks; /* translated blocks (0 for the interpreter) */
};

/* Run `setup`'s program (it writes code from CODE_BASE and ends in wfi) in every mode and
 * compare each translated run with the interpreter's; returns the interpreter's outcome (its
 * ram freed). */
struct outcome compare(void (*setup)(void));

/* li rd, v for any 64-bit v. */
void li(unsigned rd, uint64_t v);
/* Store x[r] to the next result slot below x31 (set slot = 0 and x31 = DATA_BASE first). */
extern unsigned slot;
void keep(unsigned r);

/* Values worth computing with: 0, 1, -1, sign boundaries of both widths, 31, 32, 63. */
#define EDGES 12
extern const uint64_t edge_values[EDGES];

#endif
