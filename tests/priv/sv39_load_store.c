/* A load's fill may make the page's fast write entry too (mmu/access.c, fill_fast_load), so a
 * read-modify-write stores without a second slow-path visit. That entry must be made only
 * where the store would have gone without one: every case here loads a page first (so the
 * model TLB holds its PTE and the fast read entry is made), then stores to it.
 *  - D = 0: the store's walk sets D (hardware A/D), or under Svade (-DSVADE, rv39 --svade)
 *    raises the store page fault and leaves memory and PTE alone (supervisor.adoc 12.3.2,
 *    step 7): a write entry made by the load would let the store through with D still clear.
 *  - W = 0: the store page fault, memory unchanged.
 *  - a page holding code that ran: the store must drop the decoded (and translated) code, so
 *    the next run executes the new instruction.
 *  - W = A = D = 1 and no code: the store goes through, twice.
 * rv39 only (Svade; QEMU 7.2 would pass the rest). */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)

int main(void)
{
    priv_init();
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    const uint64_t RW = PTE_V | PTE_R | PTE_W;
    volatile uint64_t *data = (volatile uint64_t *)frames[0];
    volatile uint32_t *code = (volatile uint32_t *)frames[4];
    memcpy(frames[4], exec_tmpl, (size_t)(exec_tmpl_end - exec_tmpl));
    __asm__ volatile("fence.i" ::: "memory");
    data[0] = 0x10ad;

    l0_pt[0] = pte_leaf((uint64_t)frames[0], RW | PTE_A); /* D = 0 */
    l0_pt[1] = pte_leaf((uint64_t)frames[0], PTE_V | PTE_R | PTE_AD);
    l0_pt[2] = pte_leaf((uint64_t)frames[4], RW | PTE_X | PTE_AD);
    l0_pt[3] = pte_leaf((uint64_t)frames[0], RW | PTE_AD);
    sfence_all();
    traps_seen = mtrap.count;

    /* D = 0 */
    CHECK("D=0: load", RUN_S(probe_ld, VA(0)), 0x10ad);
    CHECK("  no trap", mtrap.count, traps_seen);
    probe_val = 0xd1;
    RUN_S(probe_sd, VA(0) + 8);
#ifdef SVADE
    expect_one_trap("D=0 under Svade: store after a load", 15, VA(0) + 8);
    CHECK("  memory unchanged", data[1], 0);
    CHECK("  PTE unchanged", l0_pt[0] & PTE_AD, PTE_A);
#else
    CHECK("D=0: store after a load, no trap", mtrap.count, traps_seen);
    CHECK("  stored", data[1], 0xd1);
    CHECK("  D set by the store", l0_pt[0] & PTE_AD, PTE_AD);
#endif

    /* W = 0 */
    CHECK("W=0: load", RUN_S(probe_ld, VA(1)), 0x10ad);
    probe_val = 0xbad;
    RUN_S(probe_sd, VA(1) + 16);
    expect_one_trap("W=0: store after a load", 15, VA(1) + 16);
    CHECK("  memory unchanged", data[2], 0);

    /* code: run it, load it, rewrite its first instruction (li a0, imm: imm + 1) */
    CHECK("code: runs", RUN_S(probe_exec, VA(2)), EXEC_TMPL_RESULT);
    uint64_t insns = RUN_S(probe_ld, VA(2));
    CHECK("code: load sees it", (uint32_t)insns, code[0]);
    probe_val = insns + (1ul << 20);
    RUN_S(probe_sd, VA(2));
    CHECK("  no trap", mtrap.count, traps_seen);
    __asm__ volatile("fence.i" ::: "memory");
    CHECK("code: the new instruction runs", RUN_S(probe_exec, VA(2)), EXEC_TMPL_RESULT + 1);

    /* W = A = D = 1, no code */
    CHECK("RW: load", RUN_S(probe_ld, VA(3) + 8), data[1]);
    probe_val = 0x5707e;
    RUN_S(probe_sd, VA(3) + 24);
    probe_val = 0x5707f;
    RUN_S(probe_sd, VA(3) + 32);
    CHECK("  stored", data[3], 0x5707e);
    CHECK("  stored again", data[4], 0x5707f);
    CHECK("  no trap", mtrap.count, traps_seen);

    return done("sv39_load_store");
}
