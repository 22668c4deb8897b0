/* Cache-block operations through the MMU (CMO chapter of the unprivileged spec, "Memory and
 * Processor Exceptions"): cbo.zero needs store permission and sets A and D; cbo.clean/flush/
 * inval need only what a load needs and set A alone; every fault is a store page fault or
 * store access fault with xtval = rs1 (not the block address); the hints (prefetch.*, pause)
 * never trap. And the gating of "Control and Status Register State": menvcfg for S and U,
 * senvcfg too for U. rv39 only: QEMU 7.2 has neither Zicbom nor Zicboz (DEVIATIONS.md). */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
#define CBIE (3ul << 4)
#define CBCFE (1ul << 6)
#define CBZE (1ul << 7)

/* The CMO mnemonics are newer than the runtime's -march: the encodings (CMO spec, MISC-MEM,
 * funct3 2, the operation in imm). */
PROBE(cbo_inval, ".insn i 0x0f, 2, x0, a0, 0");
PROBE(cbo_clean, ".insn i 0x0f, 2, x0, a0, 1");
PROBE(cbo_flush, ".insn i 0x0f, 2, x0, a0, 2");
PROBE(cbo_zero, ".insn i 0x0f, 2, x0, a0, 4");
PROBE(hints, "ori x0, a0, 0\n ori x0, a0, 1\n ori x0, a0, 3\n .word 0x0100000f");

static uint64_t run(void (*fn)(void), uint64_t mode, uint64_t va)
{
    return call_in_mode((uint64_t)fn, va, mode, mode == PRV_U ? user_off : 0);
}

static uint64_t traps_before;
static void expect(const char *what, void (*fn)(void), uint64_t mode, uint64_t va, uint64_t cause)
{
    check_ctx = what;
    traps_before = mtrap.count;
    run(fn, mode, va);
    CHECK(cause ? "one trap" : "no trap", mtrap.count, traps_before + (cause ? 1 : 0));
    if (cause) {
        CHECK("cause", mtrap.cause, cause);
        /* illegal instructions report the instruction (or 0) instead */
        if (cause != 2) CHECK("tval = rs1", mtrap.tval, va);
    }
    check_ctx = 0;
}

static void set_pte(int i, pte_t pte)
{
    l0_pt[i] = pte;
    sfence_all();
}

int main(void)
{
    priv_init();
    uint8_t *f0 = frames[0];
    uint64_t pf0 = (uint64_t)f0;

    /* M-mode, no translation: the block of rs1, 64 bytes aligned, is zeroed */
    memset(f0, 0xaa, PAGE);
    run(cbo_zero, PRV_M, pf0 + 0x85);
    CHECK("M: cbo.zero zeroes [0x80, 0xc0)", f0[0x80] | f0[0xbf], 0);
    CHECK("M: the byte before the block stays", f0[0x7f], 0xaa);
    CHECK("M: the byte after the block stays", f0[0xc0], 0xaa);
    expect("M: hints to no memory", hints, PRV_M, 0x1000, 0);
    expect("M: cbo.clean to no memory", cbo_clean, PRV_M, 0x4000123, 7);

    /* S and U need the envcfg fields */
    expect("S: cbo.zero, menvcfg.CBZE = 0", cbo_zero, PRV_S, pf0, 2);
    expect("S: cbo.clean, menvcfg.CBCFE = 0", cbo_clean, PRV_S, pf0, 2);
    expect("S: cbo.inval, menvcfg.CBIE = 00", cbo_inval, PRV_S, pf0, 2);
    csr_set(menvcfg, CBIE | CBCFE | CBZE); /* keeping ADUE: A/D set by the hardware */
    CHECK("menvcfg holds CBIE, CBCFE, CBZE", csr_read(menvcfg) & (CBIE | CBCFE | CBZE),
          CBIE | CBCFE | CBZE);
    expect("S: cbo.zero, CBZE = 1", cbo_zero, PRV_S, pf0, 0);
    expect("S: cbo.flush, CBCFE = 1", cbo_flush, PRV_S, pf0, 0);
    expect("S: cbo.inval, CBIE = 11", cbo_inval, PRV_S, pf0, 0);
    expect("U: hints", hints, PRV_U, pf0, 0);
    expect("U: cbo.zero, senvcfg.CBZE = 0", cbo_zero, PRV_U, pf0, 2);
    csr_write(senvcfg, CBCFE | CBZE);
    expect("U: cbo.zero, senvcfg.CBZE = 1", cbo_zero, PRV_U, pf0, 0);
    expect("U: cbo.clean, senvcfg.CBCFE = 1", cbo_clean, PRV_U, pf0, 0);
    expect("U: cbo.inval, senvcfg.CBIE = 00", cbo_inval, PRV_U, pf0, 2);

    /* Sv39 */
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    const uint64_t V = PTE_V, R = PTE_R, W = PTE_W, X = PTE_X;
    set_pte(0, pte_leaf(pf0, V | R | W | PTE_A | PTE_D));
    memset(f0, 0x55, PAGE);
    expect("S: cbo.zero through Sv39", cbo_zero, PRV_S, VA(0) + 0x201, 0);
    CHECK("  zeroed through the mapping", f0[0x200] | f0[0x23f], 0);
    CHECK("  the next block stays", f0[0x240], 0x55);

    set_pte(1, pte_leaf(pf0, V | R | PTE_A | PTE_D));
    expect("S: cbo.zero to a read-only page: store page fault", cbo_zero, PRV_S, VA(1) + 0x31, 15);
    expect("S: cbo.clean to a read-only page: allowed", cbo_clean, PRV_S, VA(1) + 0x31, 0);
    set_pte(2, pte_leaf(pf0, R | W | PTE_A | PTE_D)); /* V = 0 */
    expect("S: cbo.clean, invalid PTE: store page fault, not load", cbo_clean, PRV_S, VA(2) + 0x48,
           15);
    expect("S: cbo.inval, invalid PTE", cbo_inval, PRV_S, VA(2) + 8, 15);
    expect("S: hints to an invalid PTE", hints, PRV_S, VA(2), 0);
    set_pte(3, pte_leaf(pf0, V | X | PTE_A | PTE_D));
    expect("S: cbo.flush, execute-only page", cbo_flush, PRV_S, VA(3) + 0x10, 15);
    csr_set(mstatus, MSTATUS_MXR);
    expect("S: cbo.flush, execute-only page with MXR", cbo_flush, PRV_S, VA(3) + 0x10, 0);
    csr_clear(mstatus, MSTATUS_MXR);
    set_pte(4, pte_leaf(pf0, V | R | W | PTE_U | PTE_A | PTE_D));
    expect("S: cbo.zero to a U page without SUM", cbo_zero, PRV_S, VA(4), 15);
    expect("U: cbo.zero to a U page", cbo_zero, PRV_U, VA(4), 0);

    /* A and D: cbo.zero sets both (a store); cbo.clean sets A and never D */
    set_pte(5, pte_leaf(pf0, V | R | W));
    expect("S: cbo.clean, A = D = 0", cbo_clean, PRV_S, VA(5), 0);
    CHECK("  A set, D still clear", l0_pt[5] & (PTE_A | PTE_D), PTE_A);
    expect("S: cbo.zero, A = 1, D = 0", cbo_zero, PRV_S, VA(5), 0);
    CHECK("  D set too", l0_pt[5] & (PTE_A | PTE_D), PTE_A | PTE_D);

    /* nothing behind a valid mapping: store access fault, tval = rs1 */
    set_pte(6, pte_leaf(0x4000000, V | R | W | PTE_A | PTE_D));
    expect("S: cbo.zero to no memory", cbo_zero, PRV_S, VA(6) + 0x99, 7);

    csr_write(satp, 0);
    return done("cmo");
}
