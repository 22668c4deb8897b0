/* The two guests of issue 12 that reached the host through the fast TLB, checked against
 * QEMU (qemu-diff/priv/ftlb_crash): both must end in the architecturally right trap.
 *   1. Three instructions in M-mode: li a0, 1; li a1, 0x41414141; sw a1, 0(a0). No RAM at
 *      0x1: a store access fault, mcause 7, mtval 1 (rv39 crashed with SIGSEGV).
 *   2. Under Sv39 a page V sharing page 0's fast-TLB slot is mapped and touched, its PTE
 *      cleared and flushed with sfence.vma; then a misaligned store at 0x1 (which used to
 *      match the emptied slot and write through its stale host pointer) and one at V + 1.
 * tests/priv/ftlb_empty.c covers every width and offset and the other ways a slot empties;
 * this program keeps to word stores, where QEMU 7.2's mtval agrees with the spec. */
#include "priv.h"

uint64_t three_instructions(uint64_t unused);
extern char three_instructions_sw[];
__asm__(".text\n.balign 4\n.globl three_instructions, three_instructions_sw\n"
        "three_instructions:\n"
        "  li a0, 1\n"
        "  li a1, 0x41414141\n"
        "three_instructions_sw: sw a1, 0(a0)\n"
        "  ret\n");

static uint64_t store_word(uint64_t va)
{
    __asm__ volatile("sw %0, 0(%1)" ::"r"(0x41414141ul), "r"(va) : "memory");
    return 0;
}

static uint64_t touch(uint64_t va)
{
    volatile uint64_t *p = (volatile uint64_t *)va;
    *p = *p + 1;
    return 0;
}

int main(void)
{
    priv_init();
    RUN_M(three_instructions, 0);
    CHECK("M: one trap", mtrap.count, 1);
    CHECK("M: store access fault", mtrap.cause, 7);
    CHECK("M: mtval = 0x1", mtrap.tval, 1);
    CHECK("M: mepc = the sw", mtrap.epc, (uint64_t)three_instructions_sw);

    vm_init();
    csr_write(satp, satp_sv39(root_pt, 1));
    l0_pt[0] = pte_leaf((uint64_t)frames[0], PTE_V | PTE_R | PTE_W | PTE_AD);
    sfence_all();
    RUN_S(touch, TEST_VA); /* (0x40000000 >> 12) % 256 == 0: page 0's fast-TLB slot */
    l0_pt[0] = 0;
    sfence_va(TEST_VA);
    trap_reset();
    RUN_S(store_word, 1);
    CHECK("S: sw at 0x1 after sfence.vma: store access fault", mtrap.cause, 7);
    CHECK("S: mtval = 0x1", mtrap.tval, 1);
    RUN_S(store_word, TEST_VA + 1);
    CHECK("S: sw at V + 1, PTE cleared: store page fault", mtrap.cause, 15);
    CHECK("S: mtval = V + 1", mtrap.tval, TEST_VA + 1);
    CHECK("S: two traps", mtrap.count, 2);
    csr_write(satp, 0);
    return done("ftlb_crash");
}
