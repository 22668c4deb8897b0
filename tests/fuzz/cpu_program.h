/* The program side of fuzz_cpu (cpu_program.c): fuzzed bytes made into a machine to run: the
 * start state, page tables, trap handlers, data pages and a page of code built from
 * instruction templates (fuzz_cpu.c's header says what is covered and what is kept out). */
#ifndef RV39_FUZZ_CPU_PROGRAM_H
#define RV39_FUZZ_CPU_PROGRAM_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* Physical layout, all in the harness's 1 MiB of RAM (RAM_BASE: harness.h). */
#define CODE_PA RAM_BASE               /* the fuzzed program, one page */
#define HANDLER_PA (RAM_BASE + 0x1000) /* M handler at +0, S handler at +0x800 */
#define LOG_PA(s) (RAM_BASE + 0x2000 + 0x1000 * (uint64_t)(s)) /* M log, S log */
#define TABLES 8
#define TABLE_PA(t) (RAM_BASE + 0x10000 + 0x1000 * (uint64_t)(t))
#define DATA_PAGES 16
#define DATA_PA(k) (RAM_BASE + 0x20000 + 0x1000 * (uint64_t)(k))
/* Log page: +0/+8 saved t1/t2, +16 trap count, +24 where fetch faults resume; entries of
 * 32 bytes (cause, tval, epc, status) in a ring from +0x100. */
#define LOG_COUNT 16
#define LOG_RESUME 24
#define LOG_RING 0x100

/* What the input sets up besides guest memory: how the hart starts, and the runs' budget. */
struct setup {
    unsigned priv, threshold;
    uint64_t mstatus, satp, medeleg, mideleg, mie, mip;
    uint32_t fcsr;
    bool svade;
    uint64_t budget, chunk;
};

/* Decode the input into the setup and guest memory of the harness's fresh hart
 * (tests/unit/support/harness.c). Deterministic: both runs call it on the same bytes. */
void cpu_program_build(const uint8_t *data, size_t size, struct setup *su);

#endif
