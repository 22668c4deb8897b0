/* The fast TLB's flush (mmu_flush_all: every satp write, every sfence.vma for all addresses)
 * empties only the slots marked filled since the last flush (mmu/mmu.h, `filled`). So every
 * way a slot gets filled must mark it: here a hart in S-mode under Sv39 fills hundreds of
 * read, write and fetch slots through the real paths, and one flush must leave no entry of a
 * translated view behind. */
#include <criterion/criterion.h>

#include "cpu/cpu.h"
#include "mmu/walk.h"
#include "support/harness.h"
#include "support/jit_compare.h"

TestSuite(ftlb_flush, .init = harness_init, .fini = harness_fini);

#define PAGES_TOUCHED 180u

static unsigned filled_slots(unsigned view)
{
    unsigned n = 0;
    for (unsigned i = 0; i < FTLB_SIZE; i++) {
        n += hart.mmu.data_view[view].read[i].tag != FTLB_INVALID;
        n += hart.mmu.data_view[view].write[i].tag != FTLB_INVALID;
        n += hart.mmu.fetch_view[view][i].tag != FTLB_INVALID;
    }
    return n;
}

/* S-mode, satp = Sv39 with one gigapage mapping RAM at its own address (priv spec 12.4:
 * a level-2 leaf), then a loop that loads from and stores to PAGES_TOUCHED pages. */
static uint64_t run_s_mode_loop(void)
{
    uint64_t root = RAM_BASE + 0x80000;
    poke64(root + 8 * ((RAM_BASE >> 30) & 0x1ff),
           ((RAM_BASE >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    hart.satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (root >> 12);
    set_priv(PRIV_S);
    cpu_sync_mmu(&hart);
    li(5, DATA_BASE);
    li(6, PAGES_TOUCHED);
    uint64_t loop = code_cursor();
    put32(i_ld(7, 0, 5));
    put32(i_sd(7, 8, 5));
    put32(i_lui(8, 1));
    put32(i_add(5, 5, 8)); /* the next page */
    put32(i_addi(6, 6, -1));
    put32(i_bne(6, 0, (int32_t)(loop - code_cursor())));
    uint64_t end = code_cursor();
    put32(I_WFI);
    cr_assert(run_until(end, 100000), "the loop must finish");
    return end;
}

Test(ftlb_flush, a_flush_empties_every_slot_the_hart_filled)
{
    run_s_mode_loop();
    cr_assert_geq(filled_slots(VIEW_S), PAGES_TOUCHED, "the loop must have filled S-view slots");
    mmu_flush_all(&hart.mmu);
    for (unsigned v = 0; v < VIEW_M; v++)
        cr_assert_eq(filled_slots(v), 0, "view %u: a flush must leave no entry filled", v);
}

/* The same through the instruction: sfence.vma x0, x0 in S-mode, then nothing but its own
 * fetch may be left. */
Test(ftlb_flush, sfence_vma_for_every_address_empties_the_views)
{
    uint64_t end = run_s_mode_loop();
    code_at(end);
    put32(0x12000073); /* sfence.vma x0, x0 */
    step(1);
    cr_assert_leq(filled_slots(VIEW_S), 1, "after sfence.vma only the next fetch may refill");
    for (unsigned i = 0; i < FTLB_SIZE; i++)
        cr_assert_eq(hart.mmu.data_view[VIEW_S].read[i].tag, FTLB_INVALID,
                     "read slot %u survived sfence.vma x0, x0", i);
}
