/* Direct loads (cpu/jit_x86_64_direct.c): code translated while loads translate to themselves
 * reads RAM without the fast TLB, so it must never run once they translate again. The same
 * code (same pc, same frame) runs first in M-mode, then with MPRV set and MPP = S (priv spec
 * 3.1.6.3: loads and stores translate as S-mode's), where its data address maps another
 * frame; its function is called and returns through registers (jalr), so the lookup stub and
 * the jump cache are on the way too. */
#include <criterion/criterion.h>

#include "cpu/jit.h"
#include "mmu/walk.h"
#include "support/harness.h"
#include "support/jit_compare.h"

#ifdef RV39_JIT

TestSuite(jit_direct, .init = harness_init, .fini = harness_fini);

#define PHYS_A (DATA_BASE + 0x1000) /* the data address, and the frame M-mode reads there */
#define PHYS_B (DATA_BASE + 0x2000) /* the frame the address maps with translation */
#define ROUNDS 4

static void map_a_to_b(void)
{
    uint64_t root = RAM_BASE + 0x80000, mid = root + 0x1000, leaf = root + 0x2000;
    unsigned vpn2 = (PHYS_A >> 30) & 0x1ff, vpn1 = (PHYS_A >> 21) & 0x1ff,
             vpn0 = (PHYS_A >> 12) & 0x1ff;
    poke64(root + 8 * vpn2, ((mid >> 12) << PTE_PPN_SHIFT) | PTE_V);
    poke64(mid + 8 * vpn1, ((leaf >> 12) << PTE_PPN_SHIFT) | PTE_V);
    poke64(leaf + 8 * vpn0,
           ((PHYS_B >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    hart.satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (root >> 12);
    hart.mstatus |= (uint64_t)PRIV_S << MSTATUS_MPP_SHIFT; /* MPRV still clear */
    cpu_sync_mmu(&hart);
}

static void regime_program(void)
{
    map_a_to_b();
    poke64(PHYS_A, 111);
    poke64(PHYS_B, 222);
    const uint64_t function = CODE_BASE + 0x1000;
    li(5, PHYS_A);
    li(9, function);
    li(7, MSTATUS_MPRV);
    put32(i_addi(20, 0, 0)); /* phase */
    uint64_t outer = code_cursor();
    put32(i_addi(6, 0, ROUNDS));
    uint64_t loop = code_cursor();
    put32(i_jalr(1, 9, 0)); /* call */
    put32(i_add(12, 12, 11));
    put32(i_add(15, 15, 13));
    put32(i_addi(6, 6, -1));
    put32(i_bne(6, 0, (int32_t)(loop - code_cursor())));
    put32(i_bne(20, 0, 16)); /* second phase done: to the end */
    put32(i_csrrs(0, 0x300, 7)); /* mstatus.MPRV = 1: loads translate from now on */
    put32(i_addi(20, 0, 1));
    put32(i_jal(0, (int32_t)(outer - code_cursor())));
    put32(i_csrrc(0, 0x300, 7));
    put32(I_WFI);
    code_at(function);
    put32(i_ld(11, 0, 5));
    put32(i_lbu(13, 0, 5));
    put32(i_jalr(0, 1, 0)); /* return */
}

Test(jit_direct, code_translated_for_physical_loads_never_runs_once_loads_translate)
{
    struct outcome o = compare(regime_program);
    cr_assert_eq(o.x[12], ROUNDS * 111 + ROUNDS * 222,
                 "x12 = %llu: M-mode reads frame A, with MPRV the mapping's frame B",
                 (unsigned long long)o.x[12]);
    cr_assert_eq(o.x[15], ROUNDS * 111 + ROUNDS * 222, "the byte loads likewise");
}

#else
Test(jit_direct, not_built_on_this_host)
{
    cr_assert(!RV39_HAS_JIT);
}
#endif
