/* Sv39 rules QEMU 7.2 does not follow, so this program runs on rv39 only (no QEMU diff):
 *  - an AMO that faults in translation raises a store/AMO page fault (15); QEMU says 13;
 *  - a PTE that lies outside memory raises an access fault of the access type (step 2 of
 *    supervisor.adoc 12.3.2); QEMU raises a page fault.
 * Also here: PTE bits 63:54, reserved without Svpbmt/Svnapot, make the walk fault when set
 * in any PTE (step 3) -- QEMU 7.2 agrees on that part. rv39's hart has both extensions:
 * with menvcfg.PBMTE = 0 bits 62:61 are reserved again, and bit 63 alone (N with a PPN
 * that is not a NAPOT encoding) is a reserved encoding. */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
#define UNMAPPED_PA 0x80000ul /* no device or memory there on QEMU virt nor rv39 */

static void expect(const char *what, uint64_t (*fn)(uint64_t), uint64_t va, uint64_t cause,
                   uint64_t epc)
{
    uint64_t n = mtrap.count;
    check_ctx = what;
    RUN_S(fn, va);
    CHECK("one trap", mtrap.count, n + 1);
    CHECK("cause", mtrap.cause, cause);
    CHECK("epc", mtrap.epc, epc ? epc : va);
    CHECK("tval = VA", mtrap.tval, va);
    check_ctx = 0;
}

static void expect_ok(const char *what, uint64_t (*fn)(uint64_t), uint64_t va)
{
    uint64_t n = mtrap.count;
    check_ctx = what;
    RUN_S(fn, va);
    CHECK("no trap", mtrap.count, n);
    check_ctx = 0;
}

int main(void)
{
    priv_init();
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    const uint64_t RW = PTE_V | PTE_R | PTE_W | PTE_AD, f0 = (uint64_t)frames[0];
    const uint64_t amo = (uint64_t)probe_amo_insn, ld = (uint64_t)probe_ld_insn;

    /* --- AMO faults are store/AMO faults --- */
    l0_pt[0] = 0;
    l0_pt[1] = pte_leaf(f0, PTE_V | PTE_R | PTE_AD);
    l0_pt[2] = pte_leaf(f0, RW | PTE_U);
    l0_pt[3] = pte_leaf(f0, PTE_V | PTE_X | PTE_AD);
    l0_pt[4] = pte_leaf(f0, RW);
    sfence_all();
    expect_ok("amo on a RW page", probe_amo, VA(4));
    expect("amo, V=0", probe_amo, VA(0) + 8, 15, amo);
    expect("amo, read-only", probe_amo, VA(1) + 8, 15, amo);
    expect("amo, U page from S", probe_amo, VA(2) + 8, 15, amo);
    csr_set(mstatus, MSTATUS_MXR);
    expect("amo, execute-only with MXR", probe_amo, VA(3) + 8, 15, amo);
    csr_clear(mstatus, MSTATUS_MXR);
    expect("amo, non-canonical", probe_amo, 0x0000008000000000ul, 15, amo);

    /* --- reserved PTE bits 63:54 --- */
    csr_clear(menvcfg, 1ul << 62); /* PBMTE */
    static const unsigned bits[] = {54, 58, 61, 62, 63};
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        l0_pt[5] = pte_leaf(f0, RW) | (1ul << bits[i]);
        sfence_all();
        printf("leaf with bit %u\n", bits[i]);
        expect("reserved bit in a 4K leaf: load", probe_ld, VA(5) + 16, 13, ld);
    }
    l0_pt[5] = pte_leaf(f0, RW);
    sfence_all();
    expect_ok("same leaf without the bit", probe_ld, VA(5) + 16);
    l1_pt[2] = pte_leaf(0x80000000ul, RW) | (1ul << 60);
    sfence_all();
    expect("reserved bit in a megapage leaf: load", probe_ld, TEST_VA + 2 * MEGA, 13, ld);
    root_pt[6] = pte_leaf(0x80000000ul, RW) | (1ul << 55);
    sfence_all();
    expect("reserved bit in a gigapage leaf: store", probe_sd, 6 * GIGA + 64, 15,
           (uint64_t)probe_sd_insn);
    root_pt[6] = 0;
    l1_pt[2] = 0;
    /* and in a pointer PTE */
    l1_pt[0] = pte_table(l0_pt) | (1ul << 57);
    sfence_all();
    expect("reserved bit in a pointer PTE: load", probe_ld, VA(5) + 16, 13, ld);
    l1_pt[0] = pte_table(l0_pt);
    sfence_all();
    expect_ok("pointer fixed again", probe_ld, VA(5) + 16);

    /* --- PTEs outside memory: access faults --- */
    root_pt[7] = pte_table((void *)UNMAPPED_PA);
    sfence_all();
    expect("PTE outside memory: load", probe_ld, 7 * GIGA + 8, 5, ld);
    expect("PTE outside memory: store", probe_sd, 7 * GIGA + 8, 7, (uint64_t)probe_sd_insn);
    expect("PTE outside memory: fetch", probe_exec, 7 * GIGA, 1, 0);
    root_pt[7] = 0;
    sfence_all();

    return done("sv39_strict");
}
