/* sfence.vma and ASIDs (supervisor.adoc 12.2.1): after a PTE changes, every form of
 * sfence.vma that covers the address and address space makes the new PTE visible (whether
 * the old one lingers before it is not checked: that is allowed); two address spaces with
 * different ASIDs keep their own translations across satp switches with no fence; global
 * pages are shared. */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
static pte_t root_b[512] __attribute__((aligned(4096)));
static pte_t l1_b[512] __attribute__((aligned(4096)));
static pte_t l0_b[512] __attribute__((aligned(4096)));
static uint64_t satp_a, satp_b;

/* S: read all 512 test pages under A, B, A, B (satp switches, no fences); A maps page i to
 * frame i % 8, B to frame (i + 3) % 8; returns the number of wrong words. */
static uint64_t s_asid_sweep(uint64_t arg)
{
    (void)arg;
    uint64_t bad = 0;
    for (int r = 0; r < 4; r++) {
        csr_write(satp, (r & 1) ? satp_b : satp_a);
        for (uint64_t i = 0; i < 512; i++) {
            uint64_t f = (r & 1) ? (i + 3) % NFRAMES : i % NFRAMES;
            uint64_t v = *(volatile uint64_t *)(TEST_VA + i * PAGE + 8 * i);
            if (v != ((f << 32) | i)) bad++;
        }
    }
    csr_write(satp, satp_a);
    return bad;
}

static uint64_t word0(int frame)
{
    return 0xa0000000ul + (uint64_t)frame;
}

/* Run in S: read va (caching it), repoint l0 entry `idx` at frame `to`, fence with form
 * `form`, read va again. The page-table edit happens in S, through the identity map. */
struct fence_args {
    uint64_t va, form, asid, to;
    volatile pte_t *pte;
    pte_t newpte;
};
static struct fence_args fa;
static uint64_t s_change_and_fence(uint64_t arg)
{
    (void)arg;
    volatile uint64_t *p = (volatile uint64_t *)fa.va;
    (void)*p;
    (void)*p;
    *fa.pte = fa.newpte;
    switch (fa.form) {
    case 0: __asm__ volatile("sfence.vma zero, zero" ::: "memory"); break;
    case 1: __asm__ volatile("sfence.vma %0, zero" ::"r"(fa.va) : "memory"); break;
    case 2: __asm__ volatile("sfence.vma zero, %0" ::"r"(fa.asid) : "memory"); break;
    case 3: __asm__ volatile("sfence.vma %0, %1" ::"r"(fa.va), "r"(fa.asid) : "memory"); break;
    }
    return *p;
}

/* S: read va under satp A, B, A, B with no fence; result packs the frame numbers seen. */
static uint64_t s_switch(uint64_t va)
{
    uint64_t r = 0;
    for (int i = 0; i < 4; i++) {
        csr_write(satp, (i & 1) ? satp_b : satp_a);
        r = (r << 8) | (*(volatile uint64_t *)va & 0xff);
    }
    csr_write(satp, satp_a);
    return r;
}

int main(void)
{
    priv_init();
    vm_init();
    for (int f = 0; f < NFRAMES; f++)
        ((volatile uint64_t *)frames[f])[0] = word0(f);
    const uint64_t RW = PTE_V | PTE_R | PTE_W | PTE_AD;

    satp_a = satp_sv39(root_pt, 1);
    csr_write(satp, satp_a);
    sfence_all();

    static const char *const names[] = {"sfence.vma x0, x0", "sfence.vma va, x0",
                                        "sfence.vma x0, asid", "sfence.vma va, asid"};
    for (int form = 0; form < 4; form++) {
        check_ctx = names[form];
        l0_pt[form] = pte_leaf((uint64_t)frames[0], RW);
        sfence_all();
        fa = (struct fence_args){VA(form) + 0,
                                 (uint64_t)form,
                                 1,
                                 0,
                                 &l0_pt[form],
                                 pte_leaf((uint64_t)frames[1 + form], RW)};
        CHECK("4K page: new frame after the fence", RUN_S(s_change_and_fence, 0), word0(1 + form));
        /* a megapage, fenced through an address in its middle */
        l1_pt[8 + form] = pte_leaf(0x80000000ul, RW);
        sfence_all();
        uint64_t off0 = (uint64_t)frames[0] - 0x80000000ul;
        fa = (struct fence_args){
            TEST_VA + (8 + form) * MEGA + off0, (uint64_t)form, 1, 0, &l1_pt[8 + form],
            pte_leaf(0x80000000ul, RW) | 0 /* patched below */};
        /* repoint the megapage 2 MiB further on, where nothing of ours lives; a frame of
         * ours seen there would mean the old translation survived the fence */
        fa.newpte = pte_leaf(0x80000000ul + MEGA, RW);
        uint64_t got = RUN_S(s_change_and_fence, 0);
        CHECK("megapage: old translation gone (inner address fenced)", got != word0(0), 1);
        check_ctx = 0;
    }
    /* The megapage 2 MiB on: make its content known through the identity map and retry. */
    {
        l1_pt[12] = pte_leaf(0x80000000ul, RW);
        sfence_all();
        volatile uint64_t *probe = (volatile uint64_t *)(0x80000000ul + MEGA + 0x1000);
        uint64_t save = *probe;
        *probe = 0xbeef;
        fa = (struct fence_args){TEST_VA + 12 * MEGA + 0x1000,     1, 1, 0, &l1_pt[12],
                                 pte_leaf(0x80000000ul + MEGA, RW)};
        CHECK("megapage fenced by address: new data", RUN_S(s_change_and_fence, 0), 0xbeef);
        *probe = save;
    }

    /* --- a gigapage fenced through an inner address: an unchanged PTE still reads, then
     * the page made execute-only and fenced by (inner va, ASID) makes loads fault --- */
    {
        volatile uint64_t *probe = (volatile uint64_t *)(0x80000000ul + MEGA + 0x2000);
        uint64_t save = *probe;
        *probe = 0xcafe;
        root_pt[4] = pte_leaf(0x80000000ul, RW);
        sfence_all();
        fa = (struct fence_args){4 * GIGA + MEGA + 0x2000,  1, 1, 0, &root_pt[4],
                                 pte_leaf(0x80000000ul, RW)};
        CHECK("gigapage: unchanged PTE, fenced by inner address", RUN_S(s_change_and_fence, 0),
              0xcafe);
        root_pt[5] = pte_leaf(0x80000000ul, RW);
        sfence_all();
        fa = (struct fence_args){5 * GIGA + MEGA + 0x2000,
                                 3,
                                 1,
                                 0,
                                 &root_pt[5],
                                 pte_leaf(0x80000000ul, PTE_V | PTE_AD | PTE_X)};
        uint64_t n = mtrap.count;
        RUN_S(s_change_and_fence, 0);
        CHECK("gigapage made execute-only, fenced by inner va+ASID: load faults", mtrap.count,
              n + 1);
        CHECK("  at the inner address", mtrap.tval, 5 * GIGA + MEGA + 0x2000);
        root_pt[4] = root_pt[5] = 0;
        sfence_all();
        *probe = save;
    }

    /* --- more pages than the TLB holds, remapped wholesale --- */
    for (int f = 0; f < NFRAMES; f++)
        for (int k = 0; k < 512; k++)
            ((volatile uint64_t *)frames[f])[k] = ((uint64_t)f << 32) | (uint64_t)k;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 512; i++)
            l0_pt[i] = pte_leaf((uint64_t)frames[(i + round) % NFRAMES], RW);
        sfence_all();
        uint64_t bad = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < 512; i++) {
                uint64_t want = ((uint64_t)((i + round) % NFRAMES) << 32) | (uint64_t)(i % 512);
                if (RUN_S(probe_ld, VA(i) + 8 * (uint64_t)(i % 512)) != want) bad++;
            }
        CHECK(round == 0   ? "512 pages, round 0: all right"
              : round == 1 ? "512 pages, round 1: all right"
                           : "512 pages, round 2: all right",
              bad, 0);
    }
    for (int f = 0; f < NFRAMES; f++)
        ((volatile uint64_t *)frames[f])[0] = word0(f);
    memset(l0_pt, 0, sizeof l0_pt);
    sfence_all();

    /* --- ASIDs: A (1) maps VA(8) to frame 5, B (2) to frame 6 --- */
    memcpy(root_b, root_pt, sizeof root_b);
    memset(l1_b, 0, sizeof l1_b);
    memset(l0_b, 0, sizeof l0_b);
    root_b[1] = pte_table(l1_b);
    l1_b[0] = pte_table(l0_b);
    l0_pt[8] = pte_leaf((uint64_t)frames[5], RW);
    l0_b[8] = pte_leaf((uint64_t)frames[6], RW);
    satp_b = satp_sv39(root_b, 2);
    sfence_all();
    CHECK("A, B, A, B without fences", RUN_S(s_switch, VA(8)), 0x05060506ul);
    CHECK("and again (now cached)", RUN_S(s_switch, VA(8)), 0x05060506ul);
    /* Change A's mapping; fence only ASID 1. */
    l0_pt[8] = pte_leaf((uint64_t)frames[7], RW);
    sfence_asid(1);
    CHECK("A changed and fenced by ASID: B unaffected", RUN_S(s_switch, VA(8)), 0x07060706ul);
    l0_pt[8] = pte_leaf((uint64_t)frames[5], RW);
    sfence_va_asid(VA(8), 1);
    CHECK("A changed back, fenced by va+ASID", RUN_S(s_switch, VA(8)), 0x05060506ul);
    /* ASID 0 vs ASID 2 */
    satp_a = satp_sv39(root_pt, 0);
    CHECK("ASID 0 and ASID 2", RUN_S(s_switch, VA(8)), 0x05060506ul);
    satp_a = satp_sv39(root_pt, 1);

    /* --- global pages: the same G mapping in both spaces --- */
    l0_pt[9] = pte_leaf((uint64_t)frames[3], RW | PTE_G);
    l0_b[9] = pte_leaf((uint64_t)frames[3], RW | PTE_G);
    sfence_all();
    CHECK("global page under A and B", RUN_S(s_switch, VA(9)), 0x03030303ul);
    l0_pt[9] = pte_leaf((uint64_t)frames[4], RW | PTE_G);
    l0_b[9] = pte_leaf((uint64_t)frames[4], RW | PTE_G);
    sfence_all();
    CHECK("global page changed, sfence.vma x0, x0", RUN_S(s_switch, VA(9)), 0x04040404ul);
    l0_pt[9] = pte_leaf((uint64_t)frames[3], RW | PTE_G);
    l0_b[9] = pte_leaf((uint64_t)frames[3], RW | PTE_G);
    sfence_va(VA(9));
    CHECK("global page changed, sfence.vma va, x0", RUN_S(s_switch, VA(9)), 0x03030303ul);

    /* --- sfence.vma from M works the same --- */
    l0_pt[10] = pte_leaf((uint64_t)frames[1], RW);
    sfence_all();
    CHECK("M-fenced page, before", RUN_S(probe_ld, VA(10)), word0(1));
    l0_pt[10] = pte_leaf((uint64_t)frames[2], RW);
    sfence_va(VA(10));
    CHECK("M-fenced page, after", RUN_S(probe_ld, VA(10)), word0(2));
    l0_pt[10] = 0;
    sfence_va_asid(VA(10), 1);
    uint64_t n = mtrap.count;
    RUN_S(probe_ld, VA(10));
    CHECK("unmapped and fenced: faults", mtrap.count, n + 1);
    CHECK("  as a load page fault", mtrap.cause, 13);

    /* --- a fault is never cached: map the page, fence, and it works --- */
    l0_pt[10] = pte_leaf((uint64_t)frames[2], RW);
    sfence_va(VA(10));
    CHECK("mapped after a fault", RUN_S(probe_ld, VA(10)), word0(2));

    /* --- two address spaces, each larger than the TLB, alternating --- */
    for (int f = 0; f < NFRAMES; f++)
        for (int k = 0; k < 512; k++)
            ((volatile uint64_t *)frames[f])[k] = ((uint64_t)f << 32) | (uint64_t)k;
    for (int i = 0; i < 512; i++) {
        l0_pt[i] = pte_leaf((uint64_t)frames[i % NFRAMES], RW);
        l0_b[i] = pte_leaf((uint64_t)frames[(i + 3) % NFRAMES], RW);
    }
    sfence_all();
    CHECK("512 pages under ASID 1 and 2, alternating: all right", RUN_S(s_asid_sweep, 0), 0);
    CHECK("again, warm", RUN_S(s_asid_sweep, 0), 0);

    return done("sv39_sfence_asid");
}
