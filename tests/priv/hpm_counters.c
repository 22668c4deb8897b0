/* rv39's MMU event counters (rv39 only: QEMU counts none of these). From reset mhpmcounter3..7
 * count instruction-TLB misses, data-TLB misses, page walks, page faults and sfence.vma; the
 * page-fault and sfence counts are exact, the others must grow. hpmcounter3 (0xc03) is
 * readable from S only when mcounteren bit 3 is set, and from U only with scounteren too. */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
#define ITLB_MISS() csr_read(mhpmcounter3)
#define DTLB_MISS() csr_read(mhpmcounter4)
#define WALKS() csr_read(mhpmcounter5)
#define PFAULTS() csr_read(mhpmcounter6)
#define SFENCES() csr_read(mhpmcounter7)

PROBE(p_rd_hpm3, "csrr a0, hpmcounter3");
PROBE(p_rd_hpm6, "csrr a0, hpmcounter6");
PROBE(p_sfence, "sfence.vma");

static uint64_t s_touch(uint64_t n) /* S: load one word from each of n test pages */
{
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum += *(volatile uint64_t *)VA(i);
    return sum;
}

int main(void)
{
    priv_init();
    vm_init();
    for (int i = 0; i < 64; i++)
        l0_pt[i] = pte_leaf((uint64_t)frames[i % NFRAMES], PTE_V | PTE_R | PTE_W | PTE_AD);
    csr_write(satp, satp_sv39(root_pt, 0));
    sfence_all();

    /* rv39's MMU events are numbered as the SBI's raw events 1..5 (cpu/csr_counters.c) */
    CHECK("mhpmevent3 = event 0x20001", csr_read(mhpmevent3), 0x20001);
    CHECK("mhpmevent7 = event 0x20005", csr_read(mhpmevent7), 0x20005);

    /* --- misses and walks grow when S touches fresh pages --- */
    uint64_t i0 = ITLB_MISS(), d0 = DTLB_MISS(), w0 = WALKS();
    RUN_S(s_touch, 32);
    uint64_t i1 = ITLB_MISS(), d1 = DTLB_MISS(), w1 = WALKS();
    printf("~ itlb misses +%lu, dtlb misses +%lu, walks +%lu\n", i1 - i0, d1 - d0, w1 - w0);
    CHECK("instruction TLB misses grew (S code under a fresh satp)", i1 > i0, 1);
    CHECK("data TLB misses grew by at least the 32 pages", d1 - d0 >= 32, 1);
    CHECK("page walks grew by at least the 32 pages", w1 - w0 >= 32, 1);

    /* --- exact: page faults --- */
    uint64_t p0 = PFAULTS(), t0 = mtrap.count;
    for (int i = 0; i < 5; i++)
        RUN_S(probe_ld, VA(100 + i)); /* unmapped */
    RUN_S(probe_sd, VA(200));
    RUN_S(probe_exec, VA(300));
    CHECK("seven faults trapped", mtrap.count, t0 + 7);
    CHECK("page faults +7", PFAULTS() - p0, 7);
    /* delegated to S they count the same */
    csr_write(medeleg, 1ul << 13);
    p0 = PFAULTS();
    RUN_S(probe_ld, VA(101));
    RUN_S(probe_ld, VA(102));
    CHECK("delegated page faults +2", PFAULTS() - p0, 2);
    csr_write(medeleg, 0);
    /* other exceptions do not count */
    p0 = PFAULTS();
    __asm__ volatile("li a7, 0\n ecall" ::: "a7", "memory");
    CHECK("an ecall is not a page fault", PFAULTS() - p0, 0);

    /* --- exact: sfence.vma --- */
    uint64_t s0 = SFENCES();
    sfence_all();
    sfence_va(VA(1));
    sfence_asid(3);
    sfence_va_asid(VA(1), 3);
    RUN_S(p_sfence, 0);
    RUN_S(p_sfence, 0);
    CHECK("sfence.vma +6", SFENCES() - s0, 6);
    /* an sfence that traps (TVM) is not counted */
    csr_set(mstatus, MSTATUS_TVM);
    s0 = SFENCES();
    RUN_S(p_sfence, 0);
    CHECK("trapped sfence.vma +0", SFENCES() - s0, 0);
    csr_clear(mstatus, MSTATUS_TVM);

    /* --- writing a counter sets it --- */
    csr_write(mhpmcounter6, 1000);
    RUN_S(probe_ld, VA(103));
    CHECK("mhpmcounter6 written, then one fault", PFAULTS(), 1001);

    /* --- hpmcounter3 from S and U --- */
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    uint64_t n = mtrap.count;
    RUN_S(p_rd_hpm3, 0);
    CHECK("S hpmcounter3, mcounteren=0: illegal", mtrap.count, n + 1);
    CHECK("  cause", mtrap.cause, 2);
    csr_write(mcounteren, 1ul << 3);
    n = mtrap.count;
    uint64_t v = RUN_S(p_rd_hpm3, 0);
    CHECK("S hpmcounter3, mcounteren bit 3: ok", mtrap.count, n);
    CHECK("  value is mhpmcounter3's", v <= ITLB_MISS() && v >= i1, 1);
    RUN_S(p_rd_hpm6, 0);
    CHECK("S hpmcounter6, only bit 3 set: illegal", mtrap.count, n + 1);
    n = mtrap.count;
    RUN_U(p_rd_hpm3, 0);
    CHECK("U hpmcounter3, scounteren=0: illegal", mtrap.count, n + 1);
    csr_write(scounteren, 1ul << 3);
    n = mtrap.count;
    RUN_U(p_rd_hpm3, 0);
    CHECK("U hpmcounter3, both bit 3: ok", mtrap.count, n);
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);

    return done("hpm_counters");
}
