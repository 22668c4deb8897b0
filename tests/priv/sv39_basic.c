/* Sv39 translation that succeeds: 4 KiB pages, 2 MiB megapages and 1 GiB gigapages map the
 * expected physical memory (write through one mapping, read through another), instruction
 * fetch through each size, U-mode through the user alias, satp's WARL behaviour
 * (supervisor.adoc 10.1.11, 12.3). */
#include "priv.h"

static volatile uint64_t marker = 0x1234abcd5678ef01ul;
static pte_t root2_pt[512] __attribute__((aligned(4096)));

static uint64_t s_read_satp(uint64_t a)
{
    (void)a;
    return csr_read(satp);
}
static uint64_t s_hello(uint64_t a)
{
    return a + 1;
}

/* VA at which `p` (a RAM address) appears in the megapage at 0x40200000 / gigapage at 4 GiB. */
#define MEGA_VA 0x40200000ul
#define GIGA_VA 0x100000000ul
static uint64_t via_mega(const volatile void *p)
{
    return MEGA_VA + ((uint64_t)p - 0x80000000ul);
}
static uint64_t via_giga(const volatile void *p)
{
    return GIGA_VA + ((uint64_t)p - 0x80000000ul);
}

int main(void)
{
    priv_init();
    vm_init();
    uint64_t satp = satp_sv39(root_pt, 0);
    csr_write(satp, satp);
    CHECK("satp reads back", csr_read(satp), satp);
    CHECK("S runs on the identity gigapage", RUN_S(s_hello, 41), 42);
    CHECK("S reads satp", RUN_S(s_read_satp, 0), satp);
    CHECK("U runs on the user alias gigapage", RUN_U(s_hello, 1), 2);

    /* --- 4 KiB pages --- */
    for (int i = 0; i < 4; i++) {
        l0_pt[i] = pte_leaf((uint64_t)frames[i], PTE_V | PTE_R | PTE_W | PTE_AD);
        for (int j = 0; j < 512; j++)
            ((volatile uint64_t *)frames[i])[j] = 0xf000000000000000ul | ((uint64_t)i << 16) | j;
    }
    l0_pt[10] = pte_leaf((uint64_t)frames[0], PTE_V | PTE_R | PTE_W | PTE_AD);
    l0_pt[511] = pte_leaf((uint64_t)frames[3], PTE_V | PTE_R | PTE_AD); /* read-only */
    sfence_all();
    uint64_t mtraps = mtrap.count;
    CHECK("4K page 0, word 0", RUN_S(probe_ld, TEST_VA), 0xf000000000000000ul);
    CHECK("4K page 1, word 1", RUN_S(probe_ld, TEST_VA + PAGE + 8), 0xf000000000010001ul);
    CHECK("4K page 2, last word", RUN_S(probe_ld, TEST_VA + 2 * PAGE + 0xff8),
          0xf0000000000201fful);
    CHECK("4K page 3, word 100", RUN_S(probe_ld, TEST_VA + 3 * PAGE + 800), 0xf000000000030064ul);
    CHECK("4K page at l0 index 511", RUN_S(probe_ld, TEST_VA + 511 * PAGE + 16),
          0xf000000000030002ul);
    probe_val = 0xfeedface00000001ul;
    RUN_S(probe_sd, TEST_VA + 2 * PAGE + 24);
    CHECK("S store lands in the frame", ((volatile uint64_t *)frames[2])[3], 0xfeedface00000001ul);
    probe_val = 0xfeedface00000002ul;
    RUN_S(probe_sd, TEST_VA + 10 * PAGE + 40);
    CHECK("store through the alias page lands in frame 0", ((volatile uint64_t *)frames[0])[5],
          0xfeedface00000002ul);
    CHECK("and reads back through the first mapping", RUN_S(probe_ld, TEST_VA + 40),
          0xfeedface00000002ul);
    CHECK("byte-granular offsets", RUN_S(probe_ld, TEST_VA + PAGE + 8), 0xf000000000010001ul);
    CHECK("no traps so far", mtrap.count, mtraps);

    /* --- 2 MiB megapage (l1 entry 1 -> RAM base) --- */
    l1_pt[1] = pte_leaf(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD);
    sfence_all();
    CHECK("megapage reads a global", RUN_S(probe_ld, via_mega(&marker)), marker);
    probe_val = 0x0123456789abcdeful;
    RUN_S(probe_sd, via_mega(&marker));
    CHECK("megapage store seen in RAM", marker, 0x0123456789abcdeful);
    CHECK("megapage fetch", RUN_S(probe_exec, via_mega(exec_tmpl)), EXEC_TMPL_RESULT);

    /* --- 1 GiB gigapage at 4 GiB -> RAM base --- */
    root_pt[4] = pte_leaf(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD);
    sfence_all();
    CHECK("gigapage reads a global", RUN_S(probe_ld, via_giga(&marker)), 0x0123456789abcdeful);
    probe_val = 0x1111222233334444ul;
    RUN_S(probe_sd, via_giga(&marker));
    CHECK("gigapage store seen in RAM", marker, 0x1111222233334444ul);
    CHECK("gigapage store seen through the megapage", RUN_S(probe_ld, via_mega(&marker)),
          0x1111222233334444ul);
    CHECK("gigapage fetch", RUN_S(probe_exec, via_giga(exec_tmpl)), EXEC_TMPL_RESULT);
    /* A gigapage high in the lower half: VA 0x3f_c000_0000 (root index 255). */
    root_pt[255] = pte_leaf(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_AD);
    sfence_all();
    CHECK("gigapage at root index 255",
          RUN_S(probe_ld, 0x3fc0000000ul + ((uint64_t)&marker - 0x80000000ul)),
          0x1111222233334444ul);
    /* And in the upper half: VA 0xffff_ffc0_0000_0000 (root index 256, sign-extended). */
    root_pt[256] = pte_leaf(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_AD);
    sfence_all();
    CHECK("gigapage at root index 256 (upper half)",
          RUN_S(probe_ld, 0xffffffc000000000ul + ((uint64_t)&marker - 0x80000000ul)),
          0x1111222233334444ul);

    /* --- fetch from a 4 KiB page holding copied code --- */
    memcpy(frames[4], exec_tmpl, (size_t)(exec_tmpl_end - exec_tmpl));
    __asm__ volatile("fence.i" ::: "memory");
    l0_pt[4] = pte_leaf((uint64_t)frames[4], PTE_V | PTE_R | PTE_X | PTE_AD);
    l0_pt[5] = pte_leaf((uint64_t)frames[4], PTE_V | PTE_X | PTE_U | PTE_AD);
    sfence_all();
    CHECK("4K page fetch in S", RUN_S(probe_exec, TEST_VA + 4 * PAGE), EXEC_TMPL_RESULT);
    CHECK("4K execute-only U page fetch in U", RUN_U(probe_exec, TEST_VA + 5 * PAGE),
          EXEC_TMPL_RESULT);

    /* --- U through the alias: data and a store --- */
    CHECK("U reads a global through the alias", RUN_U(probe_ld, (uint64_t)&marker + USER_ALIAS),
          0x1111222233334444ul);
    probe_val = 0x5555666677778888ul;
    RUN_U(probe_sd, (uint64_t)&marker + USER_ALIAS);
    CHECK("U store seen in RAM", marker, 0x5555666677778888ul);
    CHECK("still no traps", mtrap.count, mtraps);

    /* --- a second root: same VA, other frame (switch satp from M, then sfence) --- */
    memcpy(root2_pt, root_pt, sizeof root2_pt);
    root2_pt[4] = pte_leaf(0x80000000ul + GIGA, PTE_V | PTE_R | PTE_AD); /* nothing used there */
    root2_pt[1] = 0;
    csr_write(satp, satp_sv39(root2_pt, 0));
    sfence_all();
    CHECK("second root: identity still works", RUN_S(probe_ld, (uint64_t)&marker),
          0x5555666677778888ul);
    uint64_t n = mtrap.count;
    RUN_S(probe_ld, TEST_VA);
    CHECK("second root: test area unmapped now", mtrap.count, n + 1);
    CHECK("second root: load page fault", mtrap.cause, 13);
    csr_write(satp, satp);
    sfence_all();

    /* --- satp WARL --- */
    csr_write(satp, (5ul << 60) | 0x1234);
    CHECK("reserved MODE write is ignored", csr_read(satp), satp);
    uint64_t s2 = satp_sv39(root_pt, 0xffff);
    csr_write(satp, s2);
    CHECK("16-bit ASID", csr_read(satp), s2);
    csr_write(satp, 0);
    CHECK("bare", csr_read(satp), 0);
    CHECK("bare S sees physical memory", RUN_S(probe_ld, (uint64_t)frames[1]),
          0xf000000000010000ul);

    return done("sv39_basic");
}
