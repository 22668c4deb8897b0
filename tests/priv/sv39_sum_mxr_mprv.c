/* mstatus.SUM, MXR and MPRV (machine.adoc 3.1.6.3, supervisor.adoc 10.1.1.2/3): S loads
 * and stores to U pages only with SUM, S never executes U pages; MXR makes execute-only
 * pages readable (not writable); MPRV makes M-mode loads and stores translate and check
 * permissions as the mode in MPP (with SUM and MXR applying), while fetches stay M. */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
#define W0(f) (0xc0de000000000000ul | (uint64_t)(f))

static uint64_t probe_n;

/* S: load `va` with the sstatus bits `bits` set, clear them, load again (no sfence: the
 * bits act at once). Returns the first value; the second load should fault. */
static uint64_t s_toggle(uint64_t va, uint64_t bits)
{
    csr_set(sstatus, bits);
    uint64_t v = probe_ld(va);
    csr_clear(sstatus, bits);
    probe_ld(va);
    return v;
}
static uint64_t arg_bits;
static uint64_t s_toggle_sum(uint64_t va)
{
    return s_toggle(va, arg_bits);
}
/* S: load with the bits clear (faults), set them, load again (works); returns the second. */
static uint64_t s_toggle_on(uint64_t va)
{
    probe_ld(va);
    csr_set(sstatus, arg_bits);
    uint64_t v = probe_ld(va);
    csr_clear(sstatus, arg_bits);
    return v;
}
static void expect_trap(const char *what, uint64_t cause)
{
    CHECK(what, mtrap.count, probe_n + 1);
    CHECK("  cause", mtrap.cause, cause);
    probe_n = mtrap.count;
}
static void expect_clean(const char *what)
{
    CHECK(what, mtrap.count, probe_n);
}

/* M-mode load with MPRV = 1 and MPP = mpp; the label of the load lands in *at. */
static uint64_t mprv_load(uint64_t va, uint64_t mpp, uint64_t *at)
{
    uint64_t v = 0x777, pc;
    __asm__ volatile("li t0, 0x1800\n csrc mstatus, t0\n"
                     "slli t0, %3, 11\n csrs mstatus, t0\n"
                     "li t0, 0x20000\n csrs mstatus, t0\n"
                     "lla %1, 1f\n"
                     "1: ld %0, 0(%2)\n"
                     "li t0, 0x20000\n csrc mstatus, t0\n"
                     : "+r"(v), "=&r"(pc)
                     : "r"(va), "r"(mpp)
                     : "t0", "memory");
    if (at) *at = pc;
    return v;
}
static void mprv_store(uint64_t va, uint64_t mpp, uint64_t val)
{
    __asm__ volatile("li t0, 0x1800\n csrc mstatus, t0\n"
                     "slli t0, %1, 11\n csrs mstatus, t0\n"
                     "li t0, 0x20000\n csrs mstatus, t0\n"
                     "sd %2, 0(%0)\n"
                     "li t0, 0x20000\n csrc mstatus, t0\n" ::"r"(va),
                     "r"(mpp), "r"(val)
                     : "t0", "memory");
}

int main(void)
{
    priv_init();
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    for (int f = 0; f < NFRAMES; f++)
        ((volatile uint64_t *)frames[f])[0] = W0(f);
    const uint64_t RW = PTE_V | PTE_R | PTE_W | PTE_AD;
    memcpy(frames[4], exec_tmpl, (size_t)(exec_tmpl_end - exec_tmpl));
    __asm__ volatile("fence.i" ::: "memory");
    ((volatile uint64_t *)frames[4])[16] = W0(4);

    l0_pt[0] = pte_leaf((uint64_t)frames[0], RW | PTE_U);             /* U data */
    l0_pt[1] = pte_leaf((uint64_t)frames[1], RW);                     /* S data */
    l0_pt[2] = pte_leaf((uint64_t)frames[4], PTE_V | PTE_X | PTE_AD); /* S execute-only */
    l0_pt[3] = pte_leaf((uint64_t)frames[4], PTE_V | PTE_R | PTE_X | PTE_U | PTE_AD); /* U code */
    l0_pt[4] = pte_leaf((uint64_t)frames[4], PTE_V | PTE_X | PTE_U | PTE_AD); /* U exec-only */
    sfence_all();
    probe_n = mtrap.count;

    /* --- SUM --- */
    RUN_S(probe_ld, VA(0));
    expect_trap("S load from U page, SUM=0: faults", 13);
    RUN_S(probe_sd, VA(0) + 8);
    expect_trap("S store to U page, SUM=0: faults", 15);
    csr_set(mstatus, MSTATUS_SUM);
    CHECK("S load from U page, SUM=1", RUN_S(probe_ld, VA(0)), W0(0));
    probe_val = 0x5151;
    RUN_S(probe_sd, VA(0) + 8);
    CHECK("S store to U page, SUM=1", ((volatile uint64_t *)frames[0])[1], 0x5151);
    expect_clean("  no faults");
    RUN_S(probe_exec, VA(3));
    expect_trap("S fetch from U page, SUM=1: faults", 12);
    CHECK("  mtval", mtrap.tval, VA(3));
    RUN_U(probe_ld, VA(1));
    expect_trap("U load from S page, SUM=1: faults", 13);
    csr_clear(mstatus, MSTATUS_SUM);
    CHECK("sstatus.SUM set from S", RUN_S(probe_ld, VA(1)), W0(1));

    /* --- MXR --- */
    RUN_S(probe_ld, VA(2) + 128);
    expect_trap("S load from execute-only page, MXR=0: faults", 13);
    CHECK("S fetch from it works", RUN_S(probe_exec, VA(2)), EXEC_TMPL_RESULT);
    csr_set(mstatus, MSTATUS_MXR);
    CHECK("S load from execute-only page, MXR=1", RUN_S(probe_ld, VA(2) + 128), W0(4));
    RUN_S(probe_sd, VA(2) + 136);
    expect_trap("S store to execute-only page, MXR=1: faults", 15);
    CHECK("U load from U execute-only page, MXR=1", RUN_U(probe_ld, VA(4) + 128), W0(4));
    RUN_S(probe_ld, VA(4) + 128);
    expect_trap("S load from U execute-only page, MXR=1 SUM=0: faults", 13);
    csr_set(mstatus, MSTATUS_SUM);
    CHECK("S load from U execute-only page, MXR=1 SUM=1", RUN_S(probe_ld, VA(4) + 128), W0(4));
    csr_clear(mstatus, MSTATUS_MXR | MSTATUS_SUM);
    RUN_U(probe_ld, VA(4) + 128);
    expect_trap("U load from U execute-only page, MXR=0: faults", 13);

    /* --- SUM / MXR changed inside S, no fence --- */
    arg_bits = MSTATUS_SUM;
    CHECK("S: SUM on -> U page loads", RUN_S(s_toggle_sum, VA(0)), W0(0));
    expect_trap("S: SUM off right after -> faults", 13);
    CHECK("S: SUM off (faults) then on -> loads", RUN_S(s_toggle_on, VA(0)), W0(0));
    expect_trap("  the first load faulted", 13);
    arg_bits = MSTATUS_MXR;
    CHECK("S: MXR on -> execute-only page loads", RUN_S(s_toggle_sum, VA(2) + 128), W0(4));
    expect_trap("S: MXR off right after -> faults", 13);
    CHECK("S: MXR off (faults) then on -> loads", RUN_S(s_toggle_on, VA(2) + 128), W0(4));
    expect_trap("  the first load faulted", 13);
    /* the same page from S then from U: the S translation must not serve U */
    CHECK("S loads S page", RUN_S(probe_ld, VA(1)), W0(1));
    RUN_U(probe_ld, VA(1));
    expect_trap("then U loads it: faults", 13);
    CHECK("U loads U page", RUN_U(probe_ld, VA(0)), W0(0));
    RUN_S(probe_ld, VA(0));
    expect_trap("then S (SUM=0) loads it: faults", 13);

    /* --- MPRV --- */
    uint64_t at;
    CHECK("MPRV, MPP=S: load translates", mprv_load(VA(1), PRV_S, 0), W0(1));
    CHECK("MPRV, MPP=S: 4K page at +8", mprv_load(VA(1) + 8, PRV_S, 0), 0);
    CHECK("MPRV, MPP=U: U page", mprv_load(VA(0), PRV_U, 0), W0(0));
    expect_clean("  no faults");
    mprv_load(VA(1), PRV_U, &at);
    expect_trap("MPRV, MPP=U: S page faults", 13);
    CHECK("  mepc at the M load", mtrap.epc, at);
    CHECK("  mtval", mtrap.tval, VA(1));
    CHECK("  MPP = M in the trap", (mtrap.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 3);
    mprv_load(VA(0), PRV_S, 0);
    expect_trap("MPRV, MPP=S, SUM=0: U page faults", 13);
    csr_set(mstatus, MSTATUS_SUM);
    CHECK("MPRV, MPP=S, SUM=1: U page", mprv_load(VA(0), PRV_S, 0), W0(0));
    csr_clear(mstatus, MSTATUS_SUM);
    mprv_load(VA(2) + 128, PRV_S, 0);
    expect_trap("MPRV, MPP=S: execute-only page faults", 13);
    csr_set(mstatus, MSTATUS_MXR);
    CHECK("MPRV, MPP=S, MXR=1: execute-only page", mprv_load(VA(2) + 128, PRV_S, 0), W0(4));
    csr_clear(mstatus, MSTATUS_MXR);
    mprv_store(VA(1) + 16, PRV_S, 0x4242);
    CHECK("MPRV, MPP=S: store lands", ((volatile uint64_t *)frames[1])[2], 0x4242);
    mprv_store(VA(0) + 16, PRV_S, 0x4343);
    expect_trap("MPRV, MPP=S: store to U page faults", 15);
    CHECK("MPRV, MPP=M: physical", mprv_load((uint64_t)frames[3], PRV_M, 0), W0(3));
    mprv_load(VA(7), PRV_S, 0);
    expect_trap("MPRV, MPP=S: unmapped page faults", 13);
    CHECK("MPRV is off after the trap", (csr_read(mstatus) & MSTATUS_MPRV) != 0, 0);
    /* mret to a lower mode clears MPRV */
    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, 1ul << MSTATUS_MPP_SHIFT);
    csr_set(mstatus, MSTATUS_MPRV); /* M data accesses now go through the identity map as S */
    RUN_S(probe_ld, VA(1));
    CHECK("mret to S cleared MPRV", (csr_read(mstatus) & MSTATUS_MPRV) != 0, 0);
    expect_clean("  no faults");

    return done("sv39_sum_mxr_mprv");
}
