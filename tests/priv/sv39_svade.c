/* Svade (rv39 --svade): a clear A bit, or a clear D bit on a store or AMO, raises the page
 * fault of the access instead of being set by the hardware, and the PTE stays as it was
 * (supervisor.adoc 12.3.2 step 7, the Svade extension). rv39 only: QEMU 7.2 always updates. */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)

int main(void)
{
    priv_init();
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    const uint64_t RW = PTE_V | PTE_R | PTE_W, f0 = (uint64_t)frames[0];
    memcpy(frames[4], exec_tmpl, (size_t)(exec_tmpl_end - exec_tmpl));
    __asm__ volatile("fence.i" ::: "memory");
    ((volatile uint64_t *)frames[0])[0] = 0xade;

    l0_pt[0] = pte_leaf(f0, RW);         /* A = D = 0 */
    l0_pt[1] = pte_leaf(f0, RW | PTE_A); /* D = 0 */
    l0_pt[2] = pte_leaf(f0, RW | PTE_A | PTE_D);
    l0_pt[3] = pte_leaf((uint64_t)frames[4], PTE_V | PTE_X);
    l1_pt[1] = pte_leaf(0x80000000ul, RW); /* megapage, A = 0 */
    sfence_all();
    traps_seen = mtrap.count;

    RUN_S(probe_ld, VA(0));
    expect_one_trap("A=0: load", 13, VA(0));
    RUN_S(probe_sd, VA(0) + 8);
    expect_one_trap("A=0: store", 15, VA(0) + 8);
    RUN_S(probe_exec, VA(3));
    expect_one_trap("A=0: fetch", 12, VA(3));
    RUN_S(probe_ld, TEST_VA + MEGA + 64);
    expect_one_trap("A=0 megapage: load", 13, TEST_VA + MEGA + 64);
    CHECK("A=0 PTEs unchanged", (l0_pt[0] | l0_pt[3] | l1_pt[1]) & (PTE_A | PTE_D), 0);

    CHECK("A=1 D=0: load works", RUN_S(probe_ld, VA(1)), 0xade);
    CHECK("  no trap", mtrap.count, traps_seen);
    RUN_S(probe_sd, VA(1) + 16);
    expect_one_trap("A=1 D=0: store after a load (cached)", 15, VA(1) + 16);
    RUN_S(probe_amo, VA(1) + 24);
    expect_one_trap("A=1 D=0: amo", 15, VA(1) + 24);
    CHECK("A=1 D=0 PTE unchanged", l0_pt[1] & (PTE_A | PTE_D), PTE_A);

    probe_val = 0x5ade;
    RUN_S(probe_sd, VA(2) + 32);
    CHECK("A=1 D=1: store works", ((volatile uint64_t *)frames[0])[4], 0x5ade);
    CHECK("  no trap", mtrap.count, traps_seen);

    /* software sets the bits, fences, and the accesses go through */
    l0_pt[0] = pte_leaf(f0, RW | PTE_A | PTE_D);
    l0_pt[3] = pte_leaf((uint64_t)frames[4], PTE_V | PTE_X | PTE_A);
    sfence_all();
    CHECK("after software set A/D: load", RUN_S(probe_ld, VA(0)), 0xade);
    CHECK("after software set A: fetch", RUN_S(probe_exec, VA(3)), EXEC_TMPL_RESULT);
    CHECK("  no trap", mtrap.count, traps_seen);

    return done("sv39_svade");
}
