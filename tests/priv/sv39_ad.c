/* Accessed and Dirty bits set by the hardware (supervisor.adoc 12.3.2 step 7, without
 * Svade): A on any successful access, D on a successful store or AMO, neither on a fault,
 * at every page size, and D even when a read left a D=0 translation cached. */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
#define AD(p) ((p) & (PTE_A | PTE_D))

static uint64_t faults_before;
static void expect_faulted(const char *what, uint64_t cause)
{
    CHECK(what, mtrap.count, faults_before + 1);
    CHECK("  its cause", mtrap.cause, cause);
    faults_before = mtrap.count;
}

/* S: load (caching a D=0 translation), then store to the same page. */
static uint64_t s_load_then_store(uint64_t va)
{
    uint64_t v = *(volatile uint64_t *)va;
    *(volatile uint64_t *)(va + 8) = v + 1;
    return v;
}

int main(void)
{
    priv_init();
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    const uint64_t RW = PTE_V | PTE_R | PTE_W, f0 = (uint64_t)frames[0];

    for (int i = 0; i < 8; i++)
        l0_pt[i] = pte_leaf(f0, RW);
    l0_pt[5] = pte_leaf(f0, PTE_V | PTE_R);
    memcpy(frames[4], exec_tmpl, (size_t)(exec_tmpl_end - exec_tmpl));
    __asm__ volatile("fence.i" ::: "memory");
    l0_pt[6] = pte_leaf((uint64_t)frames[4], PTE_V | PTE_X);
    l0_pt[7] = pte_leaf(f0, RW | PTE_U);
    sfence_all();
    faults_before = mtrap.count;

    RUN_S(probe_ld, VA(0));
    CHECK("load sets A", AD(l0_pt[0]), PTE_A);
    RUN_S(probe_sd, VA(0));
    CHECK("then a store sets D", AD(l0_pt[0]), PTE_A | PTE_D);
    RUN_S(probe_sd, VA(1));
    CHECK("a store to a fresh page sets A and D", AD(l0_pt[1]), PTE_A | PTE_D);
    RUN_S(probe_amo, VA(2));
    CHECK("an AMO sets A and D", AD(l0_pt[2]), PTE_A | PTE_D);
    RUN_S(s_load_then_store, VA(3));
    CHECK("store after a load of the same page sets D", AD(l0_pt[3]), PTE_A | PTE_D);
    CHECK("execute-only page: fetch works", RUN_S(probe_exec, VA(6)), EXEC_TMPL_RESULT);
    CHECK("fetch sets A only", AD(l0_pt[6]), PTE_A);
    RUN_U(probe_ld, VA(7));
    CHECK("U load sets A", AD(l0_pt[7]), PTE_A);
    CHECK("no fault so far", mtrap.count, faults_before);

    /* D=0 with A=1 cached by a load, then a store: D must reach memory. */
    l0_pt[3] = pte_leaf(f0, RW | PTE_A);
    sfence_all();
    RUN_S(probe_ld, VA(3));
    CHECK("A=1 D=0: load leaves D clear", AD(l0_pt[3]), PTE_A);
    RUN_S(probe_sd, VA(3) + 64);
    CHECK("A=1 D=0: store through the cached entry sets D", AD(l0_pt[3]), PTE_A | PTE_D);

    /* Faulting accesses do not set A or D. */
    RUN_S(probe_sd, VA(5));
    expect_faulted("store to read-only page faults", 15);
    CHECK("failed store: A and D stay clear", AD(l0_pt[5]), 0);
    RUN_S(probe_ld, VA(4) + 0);
    CHECK("(page 4 loaded)", AD(l0_pt[4]), PTE_A);
    l0_pt[4] = pte_leaf(f0, RW | PTE_U);
    sfence_all();
    RUN_S(probe_ld, VA(4));
    expect_faulted("U page from S faults", 13);
    CHECK("failed load: A stays clear", AD(l0_pt[4]), 0);
    RUN_S(probe_exec, VA(0));
    expect_faulted("fetch from a non-X page faults", 12);
    CHECK("failed fetch: A/D unchanged", AD(l0_pt[0]), PTE_A | PTE_D);

    /* Superpages: the leaf at level 1 / level 2 gets the bits. */
    l1_pt[1] = pte_leaf(0x80000000ul, RW);
    root_pt[4] = pte_leaf(0x80000000ul, RW);
    sfence_all();
    RUN_S(probe_ld, TEST_VA + MEGA + ((uint64_t)frames[1] - 0x80000000ul));
    CHECK("megapage load sets A", AD(l1_pt[1]), PTE_A);
    CHECK("pointer PTEs untouched", AD(root_pt[1]) | AD(l1_pt[0]), 0);
    probe_val = 7;
    RUN_S(probe_sd, 4 * GIGA + ((uint64_t)frames[1] - 0x80000000ul));
    CHECK("gigapage store sets A and D", AD(root_pt[4]), PTE_A | PTE_D);
    CHECK("the store landed", ((volatile uint64_t *)frames[1])[0], 7);

    /* MPRV loads and stores from M update A/D as well. */
    l0_pt[0] = pte_leaf(f0, RW);
    sfence_all();
    __asm__ volatile("li t0, 0x1800\n csrc mstatus, t0\n li t0, 0x800\n csrs mstatus, t0\n"
                     "li t0, 0x20000\n csrs mstatus, t0\n"
                     "sd zero, 0(%0)\n"
                     "csrc mstatus, t0" ::"r"(VA(0))
                     : "t0", "memory");
    CHECK("MPRV (MPP=S) store sets A and D", AD(l0_pt[0]), PTE_A | PTE_D);
    CHECK("no unexpected faults", mtrap.count, faults_before);

    return done("sv39_ad");
}
