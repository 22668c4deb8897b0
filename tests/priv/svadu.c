/* Svadu (priv spec chapter "Svadu"): menvcfg.ADUE selects what a clear A bit, or a clear D bit
 * on a store, does: ADUE = 1, the hardware sets it (atomically, "Virtual Address Translation
 * Process" step 7); ADUE = 0, the access raises its page fault and the PTE stays (Svade).
 * rv39's hart has Svadu with ADUE set at reset, as QEMU resets it. rv39 only: QEMU 7.2 has no
 * ADUE and always sets the bits. Run with -cpu rv64,svadu=off (or --svade), the hart has no
 * Svadu: ADUE is read-only zero, and check 1 fails (the CMake test expects exactly that). */
#include "priv.h"

#define MENVCFG_ADUE (1ul << 61)
#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
#define RW (PTE_V | PTE_R | PTE_W)

int main(void)
{
    priv_init();
    vm_init();
    CHECK("menvcfg.ADUE is set at reset (Svadu, hardware A/D)", csr_read(menvcfg) & MENVCFG_ADUE,
          MENVCFG_ADUE);
    csr_write(satp, satp_sv39(root_pt, 0));
    const uint64_t f0 = (uint64_t)frames[0];
    ((volatile uint64_t *)frames[0])[0] = 0xad0e;
    traps_seen = mtrap.count;

    /* ADUE = 0: Svade. */
    csr_clear(menvcfg, MENVCFG_ADUE);
    CHECK("menvcfg.ADUE clears", csr_read(menvcfg) & MENVCFG_ADUE, 0);
    l0_pt[0] = pte_leaf(f0, RW);         /* A = D = 0 */
    l0_pt[1] = pte_leaf(f0, RW | PTE_A); /* D = 0 */
    sfence_all();
    RUN_S(probe_ld, VA(0));
    expect_one_trap("ADUE = 0, A = 0: load", 13, VA(0));
    CHECK("ADUE = 0, A = 1: a load works", RUN_S(probe_ld, VA(1)), 0xad0e);
    RUN_S(probe_sd, VA(1) + 8);
    expect_one_trap("ADUE = 0, D = 0: store", 15, VA(1) + 8);
    RUN_S(probe_amo, VA(1) + 16);
    expect_one_trap("ADUE = 0, D = 0: amo", 15, VA(1) + 16);
    CHECK("ADUE = 0: the PTEs are unchanged", (l0_pt[0] & PTE_AD) | (l0_pt[1] & PTE_AD), PTE_A);

    /* ADUE = 1: the hardware sets them (a fence is not needed to turn ADUE on: the faults
     * above cached nothing). */
    csr_set(menvcfg, MENVCFG_ADUE);
    CHECK("menvcfg.ADUE sets", csr_read(menvcfg) & MENVCFG_ADUE, MENVCFG_ADUE);
    CHECK("ADUE = 1, A = 0: load works", RUN_S(probe_ld, VA(0)), 0xad0e);
    CHECK("  no trap", mtrap.count, traps_seen);
    CHECK("  A set, D still clear", l0_pt[0] & PTE_AD, PTE_A);
    probe_val = 0x5e7;
    RUN_S(probe_sd, VA(1) + 8);
    CHECK("ADUE = 1, D = 0: the store works", ((volatile uint64_t *)frames[0])[1], 0x5e7);
    CHECK("  no trap", mtrap.count, traps_seen);
    CHECK("  D set", l0_pt[1] & PTE_AD, PTE_AD);

    csr_write(satp, 0);
    return done("svadu");
}
