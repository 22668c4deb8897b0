/* The debugger tests' multi-hart guest (run with -smp N, N <= 8): every hart builds its own
 * Sv39 page table (ASID = hart + 1) in which VA 0x4000_0000 maps a page of its own, drops to
 * S-mode, stores a mark through that mapping, counts (hart + 1) * DBG_SMP_LOOPS times, and
 * says it is done; only hart 2 calls dbg_smp_hart2 (a breakpoint there stops on hart 2).
 * Hart 0 counts the harts in the device tree (a1 at reset), waits for them all, checks each
 * hart's mark in its own page (physical view) and powers off with status 0 when all are
 * right.
 *
 * Layout per hart h (priv spec 12.3 "Sv39"):
 *   0x0000_0000 1G   identity onto MMIO (finisher)   rw- A D   root[0]
 *   0x4000_0000 4K   dbg_smp_page[h]                 rw- A D   root[1] -> l1[0] -> l0[0]
 *   0x8000_0000 1G   identity onto DRAM              rwx A D   root[2] */
#include "rv39.h"

#define MAX_HARTS 8
#define DBG_SMP_LOOPS 20000
#define PRIVATE_VA 0x40000000ul
#define V (1ul << 0)
#define R (1ul << 1)
#define W (1ul << 2)
#define X (1ul << 3)
#define A (1ul << 6)
#define D (1ul << 7)
#define PTE(pa, flags) ((((uint64_t)(pa)) >> 12) << 10 | (flags))

uint64_t dbg_smp_root[MAX_HARTS][512] __attribute__((aligned(4096)));
uint64_t dbg_smp_l1[MAX_HARTS][512] __attribute__((aligned(4096)));
uint64_t dbg_smp_l0[MAX_HARTS][512] __attribute__((aligned(4096)));
uint8_t dbg_smp_page[MAX_HARTS][4096] __attribute__((aligned(4096)));
volatile uint64_t dbg_smp_count[MAX_HARTS];
volatile uint32_t dbg_smp_done;
uint32_t dbg_smp_harts; /* from the device tree, by hart 0 before it drops to S-mode */

/* The flattened device tree's big-endian words (devicetree spec 5.2, 5.4). */
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The nodes named cpu@N in the structure block: the board's harts. */
static uint32_t count_harts(const uint8_t *fdt)
{
    if (!fdt || be32(fdt) != 0xd00dfeedu) return 1;
    const uint8_t *p = fdt + be32(fdt + 8), *end = p + be32(fdt + 36);
    uint32_t n = 0;
    while (p < end) {
        uint32_t token = be32(p);
        p += 4;
        if (token == 1) { /* FDT_BEGIN_NODE, its name NUL-terminated, padded to 4 */
            const char *name = (const char *)p;
            if (name[0] == 'c' && name[1] == 'p' && name[2] == 'u' && name[3] == '@') n++;
            uint32_t len = 0;
            while (name[len])
                len++;
            p += (len + 4) & ~3u;
        } else if (token == 3) { /* FDT_PROP: len, nameoff, the value padded to 4 */
            p += 8 + ((be32(p) + 3) & ~3u);
        } else if (token == 9) { /* FDT_END */
            break;
        }
    }
    return n == 0 ? 1 : n > MAX_HARTS ? MAX_HARTS : n;
}

__attribute__((noinline)) void dbg_smp_hart2(void)
{
    dbg_smp_count[2] += 1000;
}

static void power_off(int code)
{
    *(volatile uint32_t *)FINISHER_BASE = code ? 0x3333u | (uint32_t)code << 16 : 0x5555u;
    for (;;)
        __asm__ volatile("wfi");
}

__attribute__((noinline)) void dbg_smp_s_main(uint64_t hart)
{
    *(volatile uint64_t *)PRIVATE_VA = 0x100 + hart; /* through this hart's own mapping */
    if (hart == 2) dbg_smp_hart2();
    for (uint64_t i = 0; i < (hart + 1) * DBG_SMP_LOOPS; i++)
        dbg_smp_count[hart]++;
    __atomic_fetch_add(&dbg_smp_done, 1, __ATOMIC_SEQ_CST);
    if (hart != 0)
        for (;;)
            __asm__ volatile("wfi");
    while (__atomic_load_n(&dbg_smp_done, __ATOMIC_SEQ_CST) != dbg_smp_harts)
        ;
    for (uint32_t h = 0; h < dbg_smp_harts; h++) {
        uint64_t mark = *(volatile uint64_t *)(void *)dbg_smp_page[h];
        uint64_t want = (h + 1) * DBG_SMP_LOOPS + (h == 2 ? 1000 : 0);
        if (mark != 0x100 + h || dbg_smp_count[h] != want) power_off(10 + (int)h);
    }
    power_off(0);
}

void dbg_smp_main(uint64_t hart, const uint8_t *fdt)
{
    if (hart == 0) dbg_smp_harts = count_harts(fdt); /* read only by hart 0 */
    uint64_t *root = dbg_smp_root[hart], *l1 = dbg_smp_l1[hart], *l0 = dbg_smp_l0[hart];
    root[0] = PTE(0, V | R | W | A | D);
    root[1] = PTE(l1, V);
    root[2] = PTE(0x80000000ul, V | R | W | X | A | D);
    l1[0] = PTE(l0, V);
    l0[0] = PTE(dbg_smp_page[hart], V | R | W | A | D);
    /* S-mode may touch memory only with a PMP entry: allow everything. */
    csr_write(pmpaddr0, ~0ul >> 10);
    csr_write(pmpcfg0, 0x1f);
    csr_write(satp, (8ul << 60) | (hart + 1) << 44 | (uint64_t)root >> 12);
    __asm__ volatile("sfence.vma" ::: "memory");
    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, 1ul << MSTATUS_MPP_SHIFT);
    csr_write(mepc, (uint64_t)dbg_smp_s_main);
    register uint64_t a0 __asm__("a0") = hart;
    __asm__ volatile("mret" ::"r"(a0));
    __builtin_unreachable();
}
