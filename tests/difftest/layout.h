/* The contract between the difftest harness (harness.c, a guest built once) and the host
 * generator (gen.c), which writes random programs into a copy of the harness ELF.
 *
 * Physical memory (QEMU virt / rv39, 128 MiB of RAM at 0x8000_0000):
 *
 *   0x8000_0000  harness: code, data, stacks (read-only to programs: no leaf maps it W)
 *   0x8040_0000  DATA: 2 MiB the programs may write; refilled before each program
 *   0x8100_0000  .randprog: DT_SLOTS slots of DT_SLOT_SIZE bytes, one program each:
 *                  +0       struct dt_desc (registers, CSRs, where things are)
 *                  +4 KiB   code, DT_CODE_PAGES pages, identity mapped (VA == PA); the
 *                           last page holds only the S-mode trap stub (`ecall; sret`)
 *                  +20 KiB  page tables, DT_PT_PAGES pages (the Sv39 root first; a second
 *                           Sv39 root or the Sv48 root; the Sv57 root last)
 *
 * Everything is little-endian 64-bit words so that the host can fill it without the guest
 * compiler's view of the struct. */
#ifndef DIFFTEST_LAYOUT_H
#define DIFFTEST_LAYOUT_H

#include <stdint.h>

#define DT_PAGE 4096ull
#define DT_HARNESS_BASE 0x80000000ull
#define DT_DATA_BASE 0x80400000ull
#define DT_DATA_SIZE 0x200000ull
/* Programs write only the first 64 KiB of DATA (gen.c); the first DT_DATA_PATTERN bytes
 * start with dt_pattern(), the rest with zeros, and all of it is checked afterwards. */
#define DT_DATA_PATTERN 0x20000ull
#define DT_RANDPROG_BASE 0x81000000ull
#define DT_SLOTS 100
#define DT_SLOT_SIZE 0x10000ull
#define DT_CODE_OFF 0x1000ull
#define DT_CODE_PAGES 4
#define DT_PT_OFF 0x5000ull
#define DT_PT_PAGES 11 /* up to the slot's end: 0x5000 + 11 pages = DT_SLOT_SIZE */
#define DT_RANDPROG_SIZE (DT_SLOTS * DT_SLOT_SIZE)
_Static_assert(DT_PT_OFF + DT_PT_PAGES * DT_PAGE <= DT_SLOT_SIZE, "the page tables fit the slot");

#define DT_MAGIC 0x7473657466666964ull /* "difftest" */

/* Trap log: the first DT_LOG_MAX traps are printed one per line; all are counted. */
#ifndef DT_LOG_MAX
#define DT_LOG_MAX 48
#endif
/* A program that traps this often, or takes this many instruction-fetch faults, is ended
 * (it would otherwise spin: e.g. its own code became unexecutable). */
#define DT_TRAP_LIMIT 3000
#define DT_FETCH_FAULT_LIMIT 256

struct dt_desc {
    uint64_t magic;
    uint64_t seed;      /* the batch's seed */
    uint64_t index;     /* program number within the batch */
    uint64_t mode;      /* privilege to start in: 0 U, 1 S, 3 M */
    uint64_t satp;      /* initial satp */
    uint64_t mstatus;   /* mstatus bits besides MPP at entry (FS, SUM, MXR, TVM, TW, TSR) */
    uint64_t entry;     /* first instruction */
    uint64_t code_end;  /* end of the code (exclusive); code starts at `entry` */
    uint64_t end_pc;    /* the final ecall: a trap from it with cause 8/9/11 ends the program */
    uint64_t loops;     /* times the body runs (gp counts down) */
    uint64_t data_seed; /* DATA is filled with dt_pattern(data_seed, address) */
    uint64_t fcsr;
    uint64_t csr_init[6]; /* mscratch, sscratch, sepc, stvec, mepc, (spare) */
    /* Exceptions delegated to S (medeleg), and the S-mode stub stvec points to when there
     * are any: its ecall hands the S trap to the harness, which logs it, advances sepc and
     * resumes at its sret. */
    uint64_t medeleg;
    uint64_t stub;
    uint64_t mie, mideleg; /* the supervisor software interrupt: enabled, delegated */
    uint64_t x[32];        /* x3 (gp) and x4 (tp) are the harness's */
    uint64_t f[32];
};

/* The initial contents of DATA: a function of the address so that the harness can print
 * only the words a program changed. */
static inline uint64_t dt_pattern(uint64_t seed, uint64_t addr)
{
    uint64_t z = seed ^ (addr * 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
