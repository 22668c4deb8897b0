/* The address of a translated load or store (cpu/jit_x86_64_probe.c, _direct.c): when rs1
 * lives in a host register the hot path never copies rs1 + imm into rax, it probes from
 * [rs1 + imm] and accesses [addend + rs1 + imm]; only the slow paths (a miss, a misaligned
 * access, a fault, the end of RAM) compute rax. Each program runs with the interpreter alone
 * and translated, and must end the same: registers, memory, and the trap's mtval (the
 * address the slow path computed). */
#include <criterion/criterion.h>

#include "cpu/jit.h"
#include "support/harness.h"
#include "support/jit_compare.h"

#ifdef RV39_JIT

TestSuite(jit_probe, .init = harness_init, .fini = harness_fini);

#define VALUE 0x8182838485868788ull

/* x6 and x7 are used often enough to get host registers; loads and stores through them with
 * positive, negative and misaligned displacements, a load into its own base (a pointer
 * chase), and last a store through x7 past RAM's end. */
static void cached_base_program(unsigned fault_kind)
{
    li(5, VALUE);
    li(6, DATA_BASE + 0x100);
    li(7, fault_kind ? UNMAPPED_ADDR + 0x10 : RAM_BASE + RAM_SIZE + 0x10);
    poke64(DATA_BASE + 0x110, DATA_BASE + 0x200);
    put32(i_jal(0, 4)); /* the block starts here */
    put32(i_sd(5, 8, 6));
    put32(i_ld(8, 8, 6)); /* x8 = DATA_BASE + 0x200 */
    put32(i_sd(5, 0x18, 6));
    put32(i_ld(9, 0x18, 6));
    put32(i_ld(6, 0x10, 6)); /* x6 = DATA_BASE + 0x200 */
    put32(i_sw(5, -4, 6));
    put32(i_lw(10, -4, 6));
    put32(i_sd(5, 3, 6)); /* misaligned, inside the page */
    put32(i_ld(11, 3, 6));
    put32(i_lhu(12, 0x7ff, 6));
    put32(i_addi(7, 7, 8));
    put32(i_addi(13, 7, 0));
    put32(i_sd(5, -0x10, 7)); /* 8 bytes past the end of RAM, or nothing there */
    put32(i_addi(14, 0, 1));
    put32(I_WFI);
}

static unsigned fault_kind;
static void program(void)
{
    cached_base_program(fault_kind);
}

Test(jit_probe, accesses_through_a_cached_base_match_the_interpreter)
{
    for (fault_kind = 0; fault_kind < 2; fault_kind++) {
        struct outcome o = compare(program);
        cr_assert_eq(o.x[6], DATA_BASE + 0x200, "the load into its own base chased the pointer");
        cr_assert_eq(o.x[9], VALUE, "the doubleword read back");
        cr_assert_eq(o.x[10], (uint64_t)(int64_t)(int32_t)VALUE, "the word, sign-extended");
        cr_assert_eq(o.x[11], VALUE, "the misaligned doubleword");
        cr_assert_eq(o.mcause, EXC_STORE_ACCESS, "the last store faults");
        cr_assert_eq(o.mtval, fault_kind ? UNMAPPED_ADDR + 8 : RAM_BASE + RAM_SIZE + 8,
                     "mtval = x7 + imm, computed on the slow path");
        cr_assert_eq(o.x[14], 0, "the instruction after it did not run");
    }
}

#else
Test(jit_probe, not_built_on_this_host)
{
    cr_assert(!RV39_HAS_JIT);
}
#endif
