/* Operand forms of the translated ALU instructions (cpu/jit_x86_64.c, emit_binop, emit_shift)
 * with the registers in host registers: a sum into another register is one lea ([rs1 + imm]
 * or [rs1 + rs2]), so is a left shift by 1..3 into another register ([rs1 * 2^k]), a
 * commutative rd = rs1 op rd works in rd's register, a W form sign-extends with one movsxd
 * (sext.w too), a set-less-than result is setcc cl and movzx into rd's register (which the
 * compare may read). Every aliasing of rd, rs1 and rs2 (x0 included) on edge
 * values, each in a small loop so that its registers get host registers, must end as the
 * interpreter ends it (unpriv spec 2.4, 4.2). */
#include <criterion/criterion.h>

#include "cpu/jit.h"
#include "support/harness.h"
#include "support/jit_compare.h"

#ifdef RV39_JIT

TestSuite(jit_alu_forms, .init = harness_init, .fini = harness_fini);

static const unsigned patterns[][3] = {
    /* rd, rs1, rs2 */
    {3, 1, 2}, {1, 1, 2}, {2, 1, 2}, {1, 1, 1}, {3, 0, 2}, {3, 1, 0}, {0, 1, 2}, {2, 2, 2},
};
#define PATTERNS (sizeof patterns / sizeof patterns[0])

/* The loop around one instruction: x1..x3 set, two rounds, each register it names used
 * more than once (the dummy xor into x0), its result kept. */
static void loop_around(uint32_t insn, uint64_t v1, uint64_t v2)
{
    li(1, v1);
    li(2, v2);
    li(3, v1 ^ 0x5a5a);
    put32(i_addi(9, 0, 2));
    uint64_t top = code_cursor();
    put32(insn);
    put32(i_xor(0, 1, 2));
    put32(i_xor(0, 3, 3));
    keep(1), keep(2), keep(3);
    put32(i_addi(9, 9, -1));
    put32(i_bne(9, 0, (int32_t)(top - code_cursor())));
}

static void forms_program(void)
{
    static uint32_t (*const r_forms[])(unsigned, unsigned, unsigned) = {
        i_add, i_sub, i_and, i_or, i_xor, i_addw, i_subw, i_slt, i_sltu};
    static uint32_t (*const i_forms[])(unsigned, unsigned, int32_t) = {
        i_addi, i_addiw, i_andi, i_ori, i_xori, i_slti, i_sltiu};
    static const int32_t imms[] = {0, 1, -1, 2047, -2048};
    static const unsigned shifts[] = {0, 1, 2, 3, 4, 31, 32, 63};
    slot = 0;
    li(31, DATA_BASE);
    for (unsigned v = 0; v + 1 < EDGES; v += 3) {
        uint64_t v1 = edge_values[v], v2 = edge_values[v + 1];
        for (unsigned f = 0; f < sizeof r_forms / sizeof *r_forms; f++)
            for (unsigned p = 0; p < PATTERNS; p++)
                loop_around(r_forms[f](patterns[p][0], patterns[p][1], patterns[p][2]), v1, v2);
        for (unsigned f = 0; f < sizeof i_forms / sizeof *i_forms; f++)
            for (unsigned k = 0; k < sizeof imms / sizeof *imms; k++)
                for (unsigned p = 0; p < 4; p++) /* rd = x3, x1 (= rs1), x0; rs1 = x0 */
                    loop_around(i_forms[f](p == 2   ? 0
                                           : p == 1 ? 1
                                                    : 3,
                                           p == 3 ? 0 : 1, imms[k]),
                                v1, v2);
        for (unsigned k = 0; k < sizeof shifts / sizeof *shifts; k++)
            for (unsigned p = 0; p < 4; p++) {
                unsigned rd = p == 2 ? 0 : p == 1 ? 1 : 3, rs1 = p == 3 ? 0 : 1;
                loop_around(i_slli(rd, rs1, shifts[k]), v1, v2);
                if (shifts[k] < 32) loop_around(i_slliw(rd, rs1, shifts[k]), v1, v2);
            }
    }
    put32(I_WFI);
}

Test(jit_alu_forms, every_aliasing_of_the_operands_matches_the_interpreter)
{
    compare(forms_program);
}

#else
Test(jit_alu_forms, not_built_on_this_host)
{
    cr_assert(!RV39_HAS_JIT);
}
#endif
