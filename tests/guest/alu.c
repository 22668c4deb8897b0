/* Integer ALU, M extension and RV64 W-forms, checked against the unprivileged spec
 * (rv64.adoc, m-st-ext.adoc "Division by zero and overflow" table). */
#include "check.h"

#define I64_MIN 0x8000000000000000ull
#define ALL1 0xffffffffffffffffull

static void arith(void)
{
    CHECK(OP_RR("add", 1, 2), 3);
    CHECK(OP_RR("add", ALL1, 1), 0);
    CHECK(OP_RR("sub", 0, 1), ALL1);
    CHECK(OP_RI("addi", 5, -6), ALL1);
    CHECK(OP_RI("addi", 0, 2047), 2047);
    CHECK(OP_RI("addi", 0, -2048), -2048ll);
    CHECK(OP_RR("and", 0xf0f0, 0xff00), 0xf000);
    CHECK(OP_RR("or", 0xf0f0, 0x0f00), 0xfff0);
    CHECK(OP_RR("xor", 0xf0f0, 0xffff), 0x0f0f);
    CHECK(OP_RI("andi", 0x12345678, -16), 0x12345670); /* immediate sign-extends */
    CHECK(OP_RI("ori", 0, -1), ALL1);
    CHECK(OP_RI("xori", 0x5, -1), ~0x5ull);
    CHECK(OP_RR("slt", -1, 0), 1);
    CHECK(OP_RR("sltu", -1, 0), 0);
    CHECK(OP_RR("slt", I64_MIN, I64_MIN - 1), 1);
    CHECK(OP_RI("slti", -5, -4), 1);
    CHECK(OP_RI("sltiu", 5, -1), 1); /* -1 sign-extends to the largest unsigned */
    CHECK(OP_RI("sltiu", 0, 1), 1);  /* seqz */

    uint64_t r;
    __asm__ volatile("lui %0, 0x80000" : "=r"(r));
    CHECK(r, 0xffffffff80000000ull); /* lui sign-extends bit 31 on RV64 */
    __asm__ volatile("lui %0, 0x7ffff" : "=r"(r));
    CHECK(r, 0x7ffff000ull);
    uint64_t a, b;
    __asm__ volatile("1: auipc %0, 0\n\tlla %1, 1b" : "=r"(a), "=r"(b));
    CHECK(a, b);
}

static void shifts(void)
{
    CHECK(OP_RR("sll", 1, 63), I64_MIN);
    CHECK(OP_RR("sll", 1, 64 + 3), 8); /* only rs2[5:0] counts */
    CHECK(OP_RR("srl", I64_MIN, 63), 1);
    CHECK(OP_RR("sra", I64_MIN, 63), ALL1);
    CHECK(OP_RR("sra", 0x4000000000000000ull, 62), 1);
    CHECK(OP_RI("slli", 3, 62), 0xc000000000000000ull);
    CHECK(OP_RI("srli", ALL1, 60), 0xf);
    CHECK(OP_RI("srai", 0x8000000000000010ull, 4), 0xf800000000000001ull);
}

static void word_ops(void)
{
    /* Every W-form computes on 32 bits and sign-extends the 32-bit result. */
    CHECK(OP_RR("addw", 0x7fffffff, 1), 0xffffffff80000000ull);
    CHECK(OP_RR("addw", 0x1ffffffffull, 1), 0); /* upper input bits ignored */
    CHECK(OP_RI("addiw", 0x7fffffff, 1), 0xffffffff80000000ull);
    CHECK(OP_RI("addiw", 0x123456789ull, 0), 0x23456789); /* sext.w */
    CHECK(OP_RR("subw", 0, 1), ALL1);
    CHECK(OP_RR("subw", 0x80000000ull, 1), 0x7fffffff);
    CHECK(OP_RR("sllw", 1, 31), 0xffffffff80000000ull);
    CHECK(OP_RR("sllw", 1, 33), 2); /* only rs2[4:0] counts */
    CHECK(OP_RR("srlw", 0xffffffff80000000ull, 31), 1);
    CHECK(OP_RR("srlw", 0x80000000ull, 0), 0xffffffff80000000ull);
    CHECK(OP_RR("sraw", 0x80000000ull, 31), ALL1);
    CHECK(OP_RR("sraw", 0xffffffff7fffffffull, 30), 1);
    CHECK(OP_RI("slliw", 0x1, 31), 0xffffffff80000000ull);
    CHECK(OP_RI("srliw", 0x80000000ull, 4), 0x08000000);
    CHECK(OP_RI("sraiw", 0x80000000ull, 4), 0xfffffffff8000000ull);
    CHECK(OP_RI("srliw", ALL1, 0), ALL1); /* shift by 0 still sign-extends */
}

static void muldiv(void)
{
    CHECK(OP_RR("mul", 7, -3), -21ll);
    CHECK(OP_RR("mul", I64_MIN, 2), 0);
    CHECK(OP_RR("mulh", -1, -1), 0);
    CHECK(OP_RR("mulh", I64_MIN, I64_MIN), 0x4000000000000000ull);
    CHECK(OP_RR("mulh", I64_MIN, 1), ALL1);
    CHECK(OP_RR("mulhu", ALL1, ALL1), 0xfffffffffffffffeull);
    CHECK(OP_RR("mulhu", 1ull << 32, 1ull << 32), 1);
    CHECK(OP_RR("mulhsu", -1, ALL1), ALL1); /* -1 * (2^64 - 1): high half all ones */
    CHECK(OP_RR("mulhsu", 2, ALL1), 1);
    CHECK(OP_RR("mulw", 0x7fffffff, 2), -2ll);
    CHECK(OP_RR("mulw", 0x100000003ull, 5), 15);

    CHECK(OP_RR("div", -7, 2), -3ll); /* rounds toward zero */
    CHECK(OP_RR("rem", -7, 2), -1ll); /* sign of the dividend */
    CHECK(OP_RR("divu", -7, 2), 0x7ffffffffffffffcull);
    CHECK(OP_RR("remu", 7, 2), 1);

    /* Division by zero: quotient all ones, remainder the dividend. */
    CHECK(OP_RR("div", 42, 0), ALL1);
    CHECK(OP_RR("divu", 42, 0), ALL1);
    CHECK(OP_RR("rem", -42, 0), -42ll);
    CHECK(OP_RR("remu", 42, 0), 42);
    CHECK(OP_RR("divw", 42, 0), ALL1);
    CHECK(OP_RR("divuw", 42, 0), ALL1); /* 2^32 - 1, sign-extended */
    CHECK(OP_RR("remw", 0x180000000ull, 0), 0xffffffff80000000ull);
    CHECK(OP_RR("remuw", 0x180000000ull, 0), 0xffffffff80000000ull);

    /* Signed overflow: quotient is the dividend, remainder zero. */
    CHECK(OP_RR("div", I64_MIN, -1), I64_MIN);
    CHECK(OP_RR("rem", I64_MIN, -1), 0);
    CHECK(OP_RR("divw", 0x80000000ull, -1), 0xffffffff80000000ull);
    CHECK(OP_RR("remw", 0x80000000ull, -1), 0);

    CHECK(OP_RR("divw", 0x100000006ull, 3), 2); /* operands are the low words */
    CHECK(OP_RR("divuw", 0xffffffffull, 1), ALL1);
    CHECK(OP_RR("remuw", 0xfffffffbull, 0x10), 0xb);
}

/* 1 if the branch is taken. */
#define TAKEN(insn, a, b)                                                                          \
    ({                                                                                             \
        uint64_t t_;                                                                               \
        __asm__ volatile("li %0, 1\n\t" insn " %1, %2, 1f\n\tli %0, 0\n1:"                         \
                         : "=&r"(t_)                                                               \
                         : "r"((uint64_t)(a)), "r"((uint64_t)(b)));                                \
        t_;                                                                                        \
    })

static void branches(void)
{
    CHECK(TAKEN("beq", 5, 5), 1);
    CHECK(TAKEN("beq", 5, 6), 0);
    CHECK(TAKEN("bne", 5, 6), 1);
    CHECK(TAKEN("blt", -1, 0), 1);
    CHECK(TAKEN("bltu", -1, 0), 0);
    CHECK(TAKEN("bge", 0, -1), 1);
    CHECK(TAKEN("bge", 3, 3), 1);
    CHECK(TAKEN("bgeu", 0, -1), 0);
    CHECK(TAKEN("bltu", 1, I64_MIN), 1);

    /* jal/jalr link to the next instruction; jalr clears bit 0 of the target. */
    uint64_t link, expect;
    __asm__ volatile("jal %0, 1f\n2:\n1:\n\tlla %1, 2b" : "=&r"(link), "=r"(expect));
    CHECK(link, expect);
    uint64_t target;
    __asm__ volatile("lla %1, 1f\n\taddi %1, %1, 1\n\tli %0, 0\n\tjalr x0, 0(%1)\n\t"
                     "li %0, 99\n1:"
                     : "=&r"(link), "=&r"(target));
    CHECK(link, 0);
}

int main(void)
{
    arith();
    shifts();
    word_ops();
    muldiv();
    branches();
    return pass("alu");
}
