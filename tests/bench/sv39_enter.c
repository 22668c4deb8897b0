/* For the Sv39 variant of the benchmark: leave M-mode for S-mode with paging on, so that
 * every instruction fetch and data access of the benchmark goes through address translation.
 *
 * RAM is mapped with 4 KiB pages (identity: VA = PA), so the kernels exercise the TLB as an
 * ordinary process would; the device region (UART, finisher) is one 1 GiB gigapage.
 * -DBENCH_MEGAPAGES maps the same RAM with 2 MiB megapages instead (a level-1 leaf each,
 * privileged spec "Sv39": a leaf at level 1 must have PPN[0] = 0, so 2 MiB-aligned PAs), which
 * is what a kernel does for its own linear map: 512 times fewer translations to cache.
 * The same ELF runs on QEMU, so PMP is opened up first: QEMU denies S-mode everything that
 * no PMP entry allows. */
#include "rv39.h"

#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_PPN(pa) (((uint64_t)(pa) >> 12) << 10)

#define RAM_BASE 0x80000000ul
#define MAPPED_RAM (128ul << 20)
#define L0_TABLES (MAPPED_RAM >> 21) /* one level-0 table maps 2 MiB */

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t level1[512] __attribute__((aligned(4096)));
#ifndef BENCH_MEGAPAGES
static uint64_t level0[L0_TABLES][512] __attribute__((aligned(4096)));
#endif

void bench_enter_supervisor(void)
{
    root[0] = PTE_PPN(0) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D; /* devices, 0..1 GiB */
    root[RAM_BASE >> 30] = PTE_PPN(level1) | PTE_V;
    for (uint64_t t = 0; t < L0_TABLES; t++) {
#ifdef BENCH_MEGAPAGES
        level1[t] = PTE_PPN(RAM_BASE + (t << 21)) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
#else
        level1[t] = PTE_PPN(level0[t]) | PTE_V;
        for (uint64_t i = 0; i < 512; i++) {
            uint64_t pa = RAM_BASE + (t * 512 + i) * 4096;
            level0[t][i] = PTE_PPN(pa) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
        }
#endif
    }
    uint64_t satp = (8ul << 60) | ((uint64_t)root >> 12);
    uint64_t mpp_s = 1ul << 11;
    __asm__ volatile("csrw pmpaddr0, %0\n\t"
                     "csrw pmpcfg0, %1\n\t"
                     "csrw mcounteren, %2\n\t" /* S may read cycle, time, instret */
                     "csrw satp, %3\n\t"
                     "sfence.vma\n\t"
                     "li t0, 0x1800\n\t"
                     "csrc mstatus, t0\n\t"
                     "csrs mstatus, %4\n\t"
                     "la t0, 1f\n\t"
                     "csrw mepc, t0\n\t"
                     "mret\n"
                     "1:"
                     :
                     : "r"(~0ul >> 10), "r"(0x1ful), "r"(7ul), "r"(satp), "r"(mpp_s)
                     : "t0", "memory");
}
