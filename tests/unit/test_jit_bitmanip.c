/* Zba, Zbb, Zbc, Zbs and Zicond in the translator (cpu/jit_x86_64_bitmanip.c) against the
 * interpreter: every instruction on every pair of edge values, every immediate form on the
 * shift amounts the spec singles out (0, 1, 31, 32, 63), x0 and rd == rs as operands; once
 * with the host's popcnt/lzcnt/tzcnt (where CPUID has them) and once with the portable
 * sequences (bsr/bsf and helpers), which every x86-64 runs. */
#include <criterion/criterion.h>

#include "cpu/jit.h"
#include "support/harness.h"
#include "support/jit_compare.h"

#ifdef RV39_JIT

TestSuite(jit_bitmanip, .init = harness_init, .fini = harness_fini);

static uint32_t (*const rr[])(unsigned, unsigned, unsigned) = {
    i_sh1add, i_sh2add, i_sh3add, i_add_uw, i_sh1add_uw, i_sh2add_uw, i_sh3add_uw,
    i_andn,   i_orn,    i_xnor,   i_max,    i_maxu,      i_min,       i_minu,
    i_rol,    i_rolw,   i_ror,    i_rorw,   i_clmul,     i_clmulr,    i_clmulh,
    i_bclr,   i_bext,   i_binv,   i_bset,   i_czero_eqz, i_czero_nez,
};
#define RR (sizeof rr / sizeof rr[0])
static uint32_t (*const unary[])(unsigned, unsigned) = {
    i_clz, i_ctz, i_cpop, i_clzw, i_ctzw, i_cpopw, i_sext_b, i_sext_h, i_zext_h, i_orc_b, i_rev8,
};
#define UNARY (sizeof unary / sizeof unary[0])
static uint32_t (*const imm[])(unsigned, unsigned, unsigned) = {
    i_slli_uw, i_rori, i_bclri, i_bexti, i_binvi, i_bseti, i_roriw,
};
#define IMM (sizeof imm / sizeof imm[0])

static void bitmanip_program(void)
{
    slot = 0;
    li(31, DATA_BASE);
    for (unsigned a = 0; a < EDGES; a++) {
        li(1, edge_values[a]);
        for (unsigned k = 0; k < UNARY; k++) {
            put32(unary[k](3, 1)), keep(3);
        }
        static const unsigned shamts[] = {0, 1, 31, 32, 63};
        for (unsigned k = 0; k < IMM; k++)
            for (unsigned s = 0; s < 5; s++) {
                if (k == IMM - 1 && shamts[s] > 31) continue; /* roriw: 5-bit shamt */
                put32(imm[k](3, 1, shamts[s])), keep(3);
            }
        for (unsigned b = 0; b < EDGES; b++) {
            li(2, edge_values[b]);
            for (unsigned k = 0; k < RR; k++) {
                put32(rr[k](3, 1, 2));
                keep(3);
            }
            /* x0 as a source and as the destination; rd == rs1 and rd == rs2 */
            put32(rr[(a + b) % RR](4, 0, 2)), keep(4);
            put32(rr[(a * 3 + b) % RR](5, 1, 0)), keep(5);
            put32(rr[(a + 2 * b) % RR](0, 1, 2));
            put32(i_add(6, 1, 0));
            put32(rr[(a + 5 * b) % RR](6, 6, 2)), keep(6);
            put32(i_add(7, 2, 0));
            put32(rr[(7 * a + b) % RR](7, 1, 7)), keep(7);
            put32(unary[(a + b) % UNARY](8, 8)), keep(8);
        }
    }
    put32(I_WFI);
}

/* riscv-bitmanip 1.0.0 ch. 2: results as the interpreter computes them (cpu/bitmanip.h),
 * clz/ctz/cpop of 0, rotates by 0/31/32/63/64, .uw forms, czero with x0. */
Test(jit_bitmanip, every_instruction_matches_the_interpreter)
{
    jit_use_host_bitops(true);
    compare(bitmanip_program);
}

Test(jit_bitmanip, portable_sequences_match_the_interpreter)
{
    jit_use_host_bitops(false);
    compare(bitmanip_program);
    jit_use_host_bitops(true);
}

/* A loop of bit-manipulation code runs translated (not instruction by instruction in the
 * interpreter): the translator takes these instructions into its blocks. */
static void loop_program(void)
{
    li(1, 0x0123456789abcdefull);
    put32(i_addi(10, 0, 100)); /* iterations */
    uint64_t top = code_cursor();
    put32(i_rori(1, 1, 7));
    put32(i_sh3add(2, 1, 2));
    put32(i_cpop(3, 1));
    put32(i_clmul(4, 1, 3));
    put32(i_czero_nez(5, 4, 3));
    put32(i_addi(10, 10, -1));
    put32(i_bne(10, 0, (int32_t)(top - code_cursor())));
    put32(I_WFI);
}

Test(jit_bitmanip, loops_of_bitmanip_code_are_translated)
{
    struct outcome ref = compare(loop_program);
    cr_assert_eq(ref.x[10], 0, "the loop ran to the end");
}

#else
Test(jit_bitmanip, not_built_on_this_host) {}
#endif
