/* The guest the debugger tests drive. M-mode builds an Sv39 page table holding one PTE of
 * each kind the walk must judge, writes satp, fences, and drops to S-mode (s_main), which
 * makes a TLB fill, a load, an A/D update and one page fault, then asks M-mode to power off.
 * Every phase is a named global function so a scripted session can stop there.
 *
 * Virtual layout (priv spec 12.3 "Sv39"):
 *   0x0000_0000 .. 1G   identity onto MMIO (finisher, UART)      rw- A D    root[0]
 *   0x8000_0000 .. 1G   identity onto DRAM (code, data, tables)  rwx A D    root[2]
 *   0xc000_0000         pointer to a "table" outside RAM (PTE access fault) root[3]
 *   0xffff_ffc0_0000_0000 1G  DRAM again, read-only              r-- A      root[256]
 *   0x4000_0000 4K  data            rw- A D   l0[0]
 *   0x4000_1000 4K  read-only       r-- A     l0[1]
 *   0x4000_2000     invalid (V = 0)           l0[2]
 *   0x4000_3000 4K  user page       rw- U A D l0[3]
 *   0x4000_4000 4K  A and D clear   rw-       l0[4]
 *   0x4000_5000     W without R (reserved)    l0[5]
 *   0x4000_6000     pointer at level 0        l0[6]
 *   0x4000_7000     reserved bits 63:54 set   l0[7]
 *   0x4000_8000 4K  execute-only    --x A     l0[8]
 *   0x4020_0000     2M leaf, PPN not 2M aligned (misaligned superpage)  l1[1]
 *   0x4040_0000 2M  leaf onto the DRAM base   r-- A   l1[2] */
#include "rv39.h"

#define V (1ul << 0)
#define R (1ul << 1)
#define W (1ul << 2)
#define X (1ul << 3)
#define U (1ul << 4)
#define A (1ul << 6)
#define D (1ul << 7)
#define PTE(pa, flags) ((((uint64_t)(pa)) >> 12) << 10 | (flags))
#define TVA(n) (0x40000000ul + (uint64_t)(n)*4096)

uint64_t dbg_root[512] __attribute__((aligned(4096)));
uint64_t dbg_l1[512] __attribute__((aligned(4096)));
uint64_t dbg_l0[512] __attribute__((aligned(4096)));
uint8_t dbg_pages[4][4096] __attribute__((aligned(4096)));
volatile uint64_t dbg_faults, dbg_last_cause, dbg_last_tval, dbg_spins, dbg_readback;

void trap_handler(struct trap_frame *f)
{
    if (f->mcause == 9) /* ecall from S: the program is done */
        exit(dbg_faults == 1 ? 0 : 10 + (int)dbg_faults);
    if (f->mcause & MCAUSE_INTERRUPT) exit(98);
    dbg_faults++;
    dbg_last_cause = f->mcause;
    dbg_last_tval = f->mtval;
    /* Code is identity-mapped: mepc is also where the instruction lies. */
    uint16_t low = *(volatile uint16_t *)f->mepc;
    f->mepc += (low & 3) == 3 ? 4 : 2;
}

__attribute__((noinline)) void build_tables(void)
{
    dbg_root[0] = PTE(0, V | R | W | A | D);
    dbg_root[1] = PTE(dbg_l1, V);
    dbg_root[2] = PTE(0x80000000ul, V | R | W | X | A | D);
    dbg_root[3] = PTE(0x1000ul, V);
    dbg_root[256] = PTE(0x80000000ul, V | R | A);
    dbg_l1[0] = PTE(dbg_l0, V);
    dbg_l1[1] = PTE(0x80001000ul, V | R | A);
    dbg_l1[2] = PTE(0x80000000ul, V | R | A);
    dbg_l0[0] = PTE(dbg_pages[0], V | R | W | A | D);
    dbg_l0[1] = PTE(dbg_pages[1], V | R | A);
    dbg_l0[2] = 0;
    dbg_l0[3] = PTE(dbg_pages[2], V | R | W | U | A | D);
    dbg_l0[4] = PTE(dbg_pages[3], V | R | W);
    dbg_l0[5] = PTE(dbg_pages[1], V | W | A | D);
    dbg_l0[6] = PTE(dbg_pages[1], V);
    dbg_l0[7] = PTE(dbg_pages[1], V | R | A) | (1ul << 60);
    dbg_l0[8] = PTE(dbg_pages[2], V | X | A);
    /* S-mode may touch memory only with a PMP entry: allow everything. */
    csr_write(pmpaddr0, ~0ul >> 10);
    csr_write(pmpcfg0, 0x1f);
}

/* The session tests expect these accesses in this order. */
__attribute__((noinline)) void s_main(void)
{
    volatile uint64_t *data = (volatile uint64_t *)TVA(0);
    data[1] = 0x1122334455667788ul;   /* TLB miss, walk, fill */
    dbg_readback = data[1];           /* a load, for `watch r` */
    *(volatile uint64_t *)TVA(4) = 5; /* hardware sets A and D */
#ifdef DBG_PRINT                      /* a line the log must not cut (tests/cli/log_items.sh) */
    printf("faulting on demand");
#endif
    (void)*(volatile uint64_t *)(TVA(2) + 0x18); /* invalid: load page fault */
#ifdef DBG_PRINT
    printf(" ... done\n");
#endif
#ifdef DBG_SPIN
    for (;;) /* the Ctrl-C tests interrupt this */
        dbg_spins++;
#endif
    __asm__ volatile("ecall");
}

int main(void)
{
    build_tables();
    csr_write(satp, (8ul << 60) | ((uint64_t)dbg_root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    /* mret into S-mode at s_main (MPP = S). */
    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, 1ul << MSTATUS_MPP_SHIFT);
    csr_write(mepc, (uint64_t)s_main);
    __asm__ volatile("mret");
    return 1; /* not reached */
}
