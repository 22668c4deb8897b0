/* Sv39 page faults (supervisor.adoc 12.3.2): cause 12/13/15, xepc at the instruction (or the
 * target, for fetches) and xtval = the faulting virtual address, for every rule of the walk;
 * then the same faults delegated to S through medeleg. */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
enum { LOAD, STORE, AMO, FETCH };
static const uint64_t cause_of[] = {13, 15, 15, 12};

static uint64_t run(int kind, uint64_t mode, uint64_t va)
{
    uint64_t (*fn)(uint64_t) = kind == LOAD    ? probe_ld
                               : kind == STORE ? probe_sd
                               : kind == AMO   ? probe_amo
                                               : probe_exec;
    return call_in_mode((uint64_t)fn, va, mode, mode == PRV_U ? user_off : 0);
}

static uint64_t insn_of(int kind, uint64_t mode)
{
    uint64_t off = mode == PRV_U ? user_off : 0;
    switch (kind) {
    case LOAD: return (uint64_t)probe_ld_insn + off;
    case STORE: return (uint64_t)probe_sd_insn + off;
    case AMO: return (uint64_t)probe_amo_insn + off;
    default: return 0;
    }
}

/* The access faults, in M (to_s = 0) or, delegated, in S. */
static void expect_fault(const char *what, int kind, uint64_t mode, uint64_t va, int to_s)
{
    uint64_t nm = mtrap.count, ns = strap.count;
    check_ctx = what;
    run(kind, mode, va);
    volatile struct trap_rec *t = to_s ? &strap : &mtrap;
    CHECK(to_s ? "one trap, in S" : "one trap, in M", mtrap.count + strap.count, nm + ns + 1);
    CHECK(to_s ? "in S" : "in M", t->count, (to_s ? ns : nm) + 1);
    CHECK("cause", t->cause, cause_of[kind]);
    CHECK("epc", t->epc, kind == FETCH ? va : insn_of(kind, mode));
    CHECK("tval = VA", t->tval, va);
    check_ctx = 0;
}

static void expect_ok(const char *what, int kind, uint64_t mode, uint64_t va)
{
    uint64_t n = mtrap.count + strap.count;
    check_ctx = what;
    run(kind, mode, va);
    CHECK("no trap", mtrap.count + strap.count, n);
    check_ctx = 0;
}

static void set_pte(int i, pte_t pte)
{
    l0_pt[i] = pte;
    sfence_all();
}

static void all_faults(int to_s)
{
    uint64_t f0 = (uint64_t)frames[0], f4 = (uint64_t)frames[4];
    const uint64_t RW = PTE_V | PTE_R | PTE_W | PTE_AD;

    /* invalid PTE */
    set_pte(0, pte_leaf(f0, PTE_R | PTE_W | PTE_X | PTE_AD)); /* V = 0, rest plausible */
    expect_fault("V=0: load", LOAD, PRV_S, VA(0) + 8, to_s);
    expect_fault("V=0: store", STORE, PRV_S, VA(0) + 16, to_s);
    expect_fault("V=0: fetch", FETCH, PRV_S, VA(0) + 32, to_s);
    expect_fault("V=0: U load", LOAD, PRV_U, VA(0) + 8, to_s);
    /* nothing mapped at all in a whole gigapage / megapage range */
    expect_fault("root entry 0x7 empty: load", LOAD, PRV_S, 0x1c0000000ul + 0x10, to_s);
    expect_fault("l1 entry empty: store", STORE, PRV_S, TEST_VA + 5 * MEGA + 0x20, to_s);

    /* W without R is reserved */
    set_pte(1, pte_leaf(f0, PTE_V | PTE_W | PTE_AD));
    expect_fault("W without R: load", LOAD, PRV_S, VA(1), to_s);
    expect_fault("W without R: store", STORE, PRV_S, VA(1) + 8, to_s);
    set_pte(1, pte_leaf(f0, PTE_V | PTE_W | PTE_X | PTE_AD));
    expect_fault("WX without R: fetch", FETCH, PRV_S, VA(1), to_s);

    /* read-only page */
    set_pte(2, pte_leaf(f0, PTE_V | PTE_R | PTE_AD));
    expect_ok("read-only: load", LOAD, PRV_S, VA(2) + 40);
    expect_fault("read-only: store", STORE, PRV_S, VA(2) + 40, to_s);
    expect_fault("read-only: fetch (no X)", FETCH, PRV_S, VA(2), to_s);

    /* U / S separation */
    set_pte(3, pte_leaf(f0, RW | PTE_U));
    expect_fault("U page from S without SUM: load", LOAD, PRV_S, VA(3) + 8, to_s);
    expect_fault("U page from S without SUM: store", STORE, PRV_S, VA(3) + 8, to_s);
    expect_ok("U page from U: load", LOAD, PRV_U, VA(3) + 8);
    set_pte(4, pte_leaf(f0, RW));
    expect_fault("S page from U: load", LOAD, PRV_U, VA(4) + 8, to_s);
    expect_fault("S page from U: store", STORE, PRV_U, VA(4) + 8, to_s);
    memcpy(frames[4], exec_tmpl, (size_t)(exec_tmpl_end - exec_tmpl));
    __asm__ volatile("fence.i" ::: "memory");
    set_pte(5, pte_leaf(f4, PTE_V | PTE_R | PTE_X | PTE_U | PTE_AD));
    expect_fault("U code from S: fetch", FETCH, PRV_S, VA(5), to_s);
    set_pte(6, pte_leaf(f4, PTE_V | PTE_R | PTE_X | PTE_AD));
    expect_fault("S code from U: fetch", FETCH, PRV_U, VA(6), to_s);

    /* execute-only page: loads fault without MXR */
    set_pte(7, pte_leaf(f4, PTE_V | PTE_X | PTE_AD));
    expect_fault("execute-only: load", LOAD, PRV_S, VA(7), to_s);

    /* non-canonical addresses: bits 63:39 must all equal bit 38 */
    expect_fault("non-canonical 0x40_0000_0000: load", LOAD, PRV_S, 0x0000004000000000ul, to_s);
    expect_fault("non-canonical 0x8000_0000_8000_0000: store", STORE, PRV_S, 0x8000000080000000ul,
                 to_s);
    expect_fault("non-canonical 0xffff_ff80_0000_0000 - 8: fetch", FETCH, PRV_S,
                 0xffffffbffffffff8ul, to_s);

    /* misaligned superpages */
    l1_pt[3] = pte_leaf(0x80000000ul + PAGE, RW);
    sfence_all();
    expect_fault("misaligned megapage: load", LOAD, PRV_S, TEST_VA + 3 * MEGA, to_s);
    root_pt[5] = pte_leaf(0x80000000ul + MEGA, RW);
    sfence_all();
    expect_fault("misaligned gigapage: load", LOAD, PRV_S, 5 * GIGA + 0x100, to_s);
    root_pt[5] = pte_leaf(0x80000000ul + PAGE, RW);
    sfence_all();
    expect_fault("misaligned gigapage (PPN[0]): store", STORE, PRV_S, 5 * GIGA + 0x100, to_s);
    root_pt[5] = 0;
    l1_pt[3] = 0;

    /* D, A and U are reserved in pointer PTEs (supervisor.adoc 12.3.1), and a set reserved
     * bit stops the walk (12.3.2 step 3) */
    static const uint64_t ptr_bits[] = {PTE_A, PTE_D, PTE_U};
    static const char *const ptr_names[] = {"pointer PTE with A: load", "pointer PTE with D: load",
                                            "pointer PTE with U: U load"};
    for (int b = 0; b < 3; b++) {
        l0_pt[9] = pte_leaf(f0, RW | (b == 2 ? PTE_U : 0)); /* accessible without the bit */
        l1_pt[0] = pte_table(l0_pt) | ptr_bits[b];
        sfence_all();
        expect_fault(ptr_names[b], LOAD, b == 2 ? PRV_U : PRV_S, VA(9), to_s);
    }
    l1_pt[0] = pte_table(l0_pt);
    sfence_all();
    expect_ok("pointer PTE clean again: U load", LOAD, PRV_U, VA(9));

    /* a pointer PTE at level 0 */
    set_pte(8, pte_table(frames[5]));
    expect_fault("pointer at the last level: load", LOAD, PRV_S, VA(8), to_s);
    set_pte(8, 0);
}

int main(void)
{
    priv_init();
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    sfence_all();

    all_faults(0);

    csr_write(medeleg, (1ul << 12) | (1ul << 13) | (1ul << 15));
    CHECK("medeleg page-fault bits", csr_read(medeleg), (1ul << 12) | (1ul << 13) | (1ul << 15));
    printf("-- delegated to S --\n");
    all_faults(1);
    csr_write(medeleg, 0);

    /* A delegated fault from U records SPP = U. */
    csr_write(medeleg, 1ul << 13);
    l0_pt[0] = 0;
    sfence_all();
    expect_fault("delegated from U: load", LOAD, PRV_U, VA(0), 1);
    CHECK("SPP = U", strap.status & MSTATUS_SPP, 0);
    csr_write(medeleg, 0);

    /* AMO faults and the PTE bits reserved for Svpbmt/Svnapot (63:54) are checked by
     * sv39_strict (rv39 only): QEMU 7.2 reports AMO page faults as load page faults. */
    return done("sv39_faults");
}
