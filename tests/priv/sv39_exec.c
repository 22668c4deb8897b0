/* Instruction fetch through Sv39: a 32-bit instruction straddling two pages (fault on the
 * second half: xepc = the instruction, xtval = the second page; then success once mapped), a
 * 16-bit instruction ending a page whose successor is unmapped, remapping a code page, code
 * modified through a data alias (fence.i), and losing X (supervisor.adoc 12.3.2,
 * machine.adoc 3.1.16 on mtval for instruction faults). */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
#define RET 0x00008067u
#define C_JR_RA 0x8082u
static uint32_t li_a0(int imm)
{
    return ((uint32_t)imm << 20) | (10u << 7) | 0x13u;
}

static void put16(int frame, unsigned off, uint16_t v)
{
    *(volatile uint16_t *)&frames[frame][off] = v;
}
static void put32(int frame, unsigned off, uint32_t v)
{
    put16(frame, off, (uint16_t)v);
    put16(frame, off + 2, (uint16_t)(v >> 16));
}
static void map(int i, int frame, uint64_t flags)
{
    l0_pt[i] = pte_leaf((uint64_t)frames[frame], PTE_V | PTE_AD | flags);
    sfence_all();
}

static uint64_t s_smc(uint64_t newcode)
{
    *(volatile uint64_t *)VA(6) = newcode;
    __asm__ volatile("fence.i" ::: "memory");
    return ((uint64_t(*)(void))VA(5))();
}

PROBE(probe_lr, "lr.d a0, (a0)");

int main(void)
{
    priv_init();
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    const uint64_t RX = PTE_R | PTE_X;

    /* --- a 32-bit instruction across a page boundary --- */
    put16(0, 0xffe, (uint16_t)li_a0(0x5a5));
    put16(1, 0, (uint16_t)(li_a0(0x5a5) >> 16));
    put32(1, 2, RET);
    __asm__ volatile("fence.i" ::: "memory");
    map(0, 0, RX);
    l0_pt[1] = 0;
    sfence_all();
    uint64_t n = mtrap.count;
    CHECK("straddling, second page unmapped: returns -1", RUN_S(probe_exec, VA(0) + 0xffe), -1ul);
    CHECK("  one trap", mtrap.count, n + 1);
    CHECK("  instruction page fault", mtrap.cause, 12);
    CHECK("  mepc = the instruction", mtrap.epc, VA(0) + 0xffe);
    CHECK("  mtval = the second page", mtrap.tval, VA(1));
    map(1, 1, PTE_R); /* mapped but not executable */
    RUN_S(probe_exec, VA(0) + 0xffe);
    CHECK("straddling, second page not X: fault", mtrap.count, n + 2);
    CHECK("  mtval = the second page", mtrap.tval, VA(1));
    map(1, 1, RX);
    CHECK("straddling, both pages X: runs", RUN_S(probe_exec, VA(0) + 0xffe), 0x5a5);
    CHECK("  no trap", mtrap.count, n + 2);
    map(1, 1, RX | PTE_U);
    RUN_S(probe_exec, VA(0) + 0xffe);
    CHECK("straddling, second page U: fault from S", mtrap.tval, VA(1));
    CHECK("  epc", mtrap.epc, VA(0) + 0xffe);

    /* --- a 16-bit instruction ends the page; the next page is unmapped --- */
    put32(2, 0xffa, li_a0(0x123));
    put16(2, 0xffe, C_JR_RA);
    __asm__ volatile("fence.i" ::: "memory");
    map(2, 2, RX);
    l0_pt[3] = 0;
    sfence_all();
    n = mtrap.count;
    CHECK("compressed at page end: runs", RUN_S(probe_exec, VA(2) + 0xffa), 0x123);
    CHECK("  no fetch beyond the page", mtrap.count, n);

    /* --- remapping a code page --- */
    put32(3, 0, li_a0(1));
    put32(3, 4, RET);
    put32(4, 0, li_a0(2));
    put32(4, 4, RET);
    __asm__ volatile("fence.i" ::: "memory");
    map(4, 3, RX);
    CHECK("code page -> frame 3", RUN_S(probe_exec, VA(4)), 1);
    map(4, 4, RX);
    CHECK("remapped + sfence -> frame 4", RUN_S(probe_exec, VA(4)), 2);
    map(4, 3, RX);
    CHECK("and back", RUN_S(probe_exec, VA(4)), 1);
    map(4, 3, PTE_R);
    n = mtrap.count;
    RUN_S(probe_exec, VA(4));
    CHECK("X removed + sfence: fetch faults", mtrap.count, n + 1);
    CHECK("  cause 12", mtrap.cause, 12);

    /* --- code changed through a data alias, then fence.i --- */
    put32(5, 0, li_a0(3));
    put32(5, 4, RET);
    __asm__ volatile("fence.i" ::: "memory");
    map(5, 5, RX);
    map(6, 5, PTE_R | PTE_W);
    CHECK("alias code, before", RUN_S(probe_exec, VA(5)), 3);
    CHECK("S rewrites it through the RW alias", RUN_S(s_smc, ((uint64_t)RET << 32) | li_a0(4)), 4);
    CHECK("and again", RUN_S(s_smc, ((uint64_t)RET << 32) | li_a0(5)), 5);
    put32(5, 0, li_a0(6)); /* M, physically */
    __asm__ volatile("fence.i" ::: "memory");
    CHECK("M rewrites the frame", RUN_S(probe_exec, VA(5)), 6);

    /* --- the same code page fetched from U then S, and S then U --- */
    map(8, 3, RX | PTE_U);
    map(9, 3, RX);
    n = mtrap.count;
    CHECK("U runs its page", RUN_U(probe_exec, VA(8)), 1);
    CHECK("U runs its page again", RUN_U(probe_exec, VA(8)), 1);
    csr_set(mstatus, MSTATUS_SUM);
    RUN_S(probe_exec, VA(8));
    csr_clear(mstatus, MSTATUS_SUM);
    CHECK("then S fetching it faults (SUM=1 too)", mtrap.count, n + 1);
    CHECK("  cause 12", mtrap.cause, 12);
    CHECK("S runs its page", RUN_S(probe_exec, VA(9)), 1);
    RUN_U(probe_exec, VA(9));
    CHECK("then U fetching it faults", mtrap.count, n + 2);
    CHECK("  at the page", mtrap.tval, VA(9));

    /* --- LR through translation --- */
    l0_pt[7] = 0;
    sfence_all();
    n = mtrap.count;
    RUN_S(probe_lr, VA(7) + 8);
    CHECK("lr.d on an unmapped page: one trap", mtrap.count, n + 1);
    CHECK("  load page fault", mtrap.cause, 13);
    CHECK("  mtval", mtrap.tval, VA(7) + 8);
    CHECK("  mepc", mtrap.epc, (uint64_t)probe_lr);
    map(7, 7, PTE_R | PTE_W);
    ((volatile uint64_t *)frames[7])[1] = 0x17;
    CHECK("lr.d on a mapped page", RUN_S(probe_lr, VA(7) + 8), 0x17);

    return done("sv39_exec");
}
