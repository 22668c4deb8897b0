/* M's division and remainder inline (unpriv spec 13.2): x86's div and idiv fault (#DE) on a
 * zero divisor and on the one signed overflow, INT_MIN / -1, where RISC-V defines results
 * instead (spec table "Semantics for division by zero and division overflow"):
 *
 *               DIV[W]   DIVU[W]   REM[W]   REMU[W]
 *   x / 0       -1       all ones  x        x
 *   MIN / -1    MIN      -         0        -
 *
 * so both divisors are tested for first, and their results made without dividing. (Any
 * dividend over -1 gives its negation and remainder 0, which is what MIN / -1 needs and
 * what every other dividend gets anyway.) W forms work on the low 32 bits and sign-extend the
 * 32-bit result, DIVUW and REMUW included. Encodings: Intel SDM vol. 2. */
#include "jit_internal.h"

#ifdef RV39_JIT
#include "jit_x86_64_asm.h"

bool jit_div_translates(enum opcode op)
{
    switch (op) {
    case OP_DIV:
    case OP_DIVU:
    case OP_REM:
    case OP_REMU:
    case OP_DIVW:
    case OP_DIVUW:
    case OP_REMW:
    case OP_REMUW: return true;
    default: return false;
    }
}

void jit_div_emit(struct asm_buf *a, enum opcode op)
{
    bool word = op == OP_DIVW || op == OP_DIVUW || op == OP_REMW || op == OP_REMUW;
    bool is_signed = op == OP_DIV || op == OP_REM || op == OP_DIVW || op == OP_REMW;
    bool rem = op == OP_REM || op == OP_REMU || op == OP_REMW || op == OP_REMUW;
    unsigned w = word ? 0 : W64;
    test_rr(a, w, RCX);
    uint32_t by_zero = jcc32(a, CC_E);
    uint32_t by_minus_one = 0;
    if (is_signed) {
        alu_imm(a, w, ALU_CMP, R(RCX), -1);
        by_minus_one = jcc32(a, CC_E);
        if (!word) b1(a, 0x48); /* REX.W */
        b1(a, 0x99);            /* cqo / cdq: rdx:rax = rax sign-extended */
    } else {
        xor_self(a, RDX);
    }
    enc(a, w, 0xf7, 1, is_signed ? 7 : 6, R(RCX)); /* idiv / div rcx */
    if (rem) mov_rr(a, RAX, RDX);
    uint32_t done = jmp32(a);
    set_rel32(a, by_zero, a->pos);
    if (!rem) mov_imm(a, RAX, UINT64_MAX); /* x / 0 = all ones; x % 0 = x (in rax already) */
    if (is_signed) {
        uint32_t zero_done = jmp32(a);
        set_rel32(a, by_minus_one, a->pos);
        if (rem)
            xor_self(a, RAX); /* x % -1 = 0 */
        else
            enc(a, w, 0xf7, 1, 3, R(RAX)); /* neg: x / -1 = -x, and MIN / -1 = MIN */
        set_rel32(a, zero_done, a->pos);
    }
    set_rel32(a, done, a->pos);
    if (word) movsxd(a, RAX, R(RAX));
}
#endif
