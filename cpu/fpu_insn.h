/* The F, D, Zfh and Zfa instructions that do not touch memory, as one function the interpreter
 * (cpu/exec_ops.inc) and the translator (cpu/jit_x86_64_fp.c, through cpu_fp_exec) share: what
 * an instruction reads and writes, its rounding mode, the flags it accrues and the FP state it
 * dirties are written down once, here; the arithmetic is cpu/fpu.c's.
 *
 * The interpreter calls fpu_insn with a constant opcode, so each of its handlers keeps only its
 * own case (always_inline); the translator's helper is the same function with the opcode known
 * at run time. Loads and stores are not here: they take each one's memory path. */
#ifndef RV39_FPU_INSN_H
#define RV39_FPU_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "fpu.h"

/* Execute FP instruction `op` (operand fields as the interpreter's slot holds them: rd is
 * REG_SINK for an integer x0 destination, imm holds rm and, for the fused forms, rs3 << 3).
 * False: illegal instruction (mstatus.FS = Off, or a reserved rounding mode; priv spec 3.1.6.6,
 * unpriv spec "Rounding mode encoding"), nothing changed. */
bool cpu_fp_exec(struct cpu *c, enum opcode op, unsigned rd, unsigned rs1, unsigned rs2,
                 int32_t imm);

/* The rounding mode of an instruction: the rm field, or frm when rm is DYN; above RM_RMM
 * (5, 6, or an frm of 5..7) it is reserved and the instruction illegal. */
static inline unsigned fpu_insn_rm(const struct cpu *c, int32_t imm)
{
    unsigned rm = (unsigned)imm & 7;
    return rm == RM_DYN ? (c->fcsr >> 5) & 7 : rm;
}

/* Accrue exception flags; changing FP state makes it Dirty (priv spec 3.1.6.6). */
static inline void fpu_insn_accrue(struct cpu *c, unsigned flags)
{
    if (flags) {
        c->fcsr |= flags;
        c->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
    }
}

/* An FP register written (with the flags raised): the FP state becomes Dirty. */
static inline void fpu_insn_write(struct cpu *c, unsigned rd, uint64_t value, unsigned flags)
{
    c->f[rd] = value;
    c->fcsr |= flags;
    c->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
}

static inline __attribute__((always_inline)) bool
fpu_insn(struct cpu *c, enum opcode op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm)
{
    if (__builtin_expect(!(c->mstatus & MSTATUS_FS), 0)) return false;
    const uint64_t a = c->f[rs1], b = c->f[rs2], x1 = c->x[rs1];
    unsigned fl = 0, rm = fpu_insn_rm(c, imm);
    enum fpu_arith arith;
    enum fpu_fmt fmt;
    switch (op) {
        /* Arithmetic with rounding: the flags accrued so far go in (fpu.c's host fast path). */
#define ARITH(name, kind, f)                                                                       \
    case OP_##name:                                                                                \
        arith = kind, fmt = f;                                                                     \
        goto arith;
#define ARITH3(name, kind)                                                                         \
    ARITH(name##_S, kind, FPU_S) ARITH(name##_D, kind, FPU_D) ARITH(name##_H, kind, FPU_H)
        ARITH3(FADD, FPU_ADD)
        ARITH3(FSUB, FPU_SUB)
        ARITH3(FMUL, FPU_MUL)
        ARITH3(FDIV, FPU_DIV)
        ARITH3(FSQRT, FPU_SQRT)
        ARITH3(FMADD, FPU_MADD)
        ARITH3(FMSUB, FPU_MSUB)
        ARITH3(FNMSUB, FPU_NMSUB)
        ARITH3(FNMADD, FPU_NMADD)
#undef ARITH3
#undef ARITH
    arith:
        if (rm > RM_RMM) return false;
        fl = c->fcsr & 0x1f;
        const uint64_t c3 = arith >= FPU_MADD ? c->f[(unsigned)imm >> 3] : 0;
        const uint64_t r = fpu_arith(arith, fmt, a, b, c3, rm, &fl); /* before fl is read */
        fpu_insn_write(c, rd, r, fl);
        return true;
#define SIGN(name, kind)                                                                           \
    case OP_##name##_S: fpu_insn_write(c, rd, fpu_sgnj(kind, FPU_S, a, b), 0); return true;        \
    case OP_##name##_D: fpu_insn_write(c, rd, fpu_sgnj(kind, FPU_D, a, b), 0); return true;        \
    case OP_##name##_H: fpu_insn_write(c, rd, fpu_sgnj(kind, FPU_H, a, b), 0); return true;
        SIGN(FSGNJ, FPU_SGNJ)
        SIGN(FSGNJN, FPU_SGNJN)
        SIGN(FSGNJX, FPU_SGNJX)
#undef SIGN
        /* No rounding mode: the result and the flags raised. */
#define FLAGGED(name, call)                                                                        \
    case OP_##name: {                                                                              \
        uint64_t r_ = (call);                                                                      \
        fpu_insn_write(c, rd, r_, fl);                                                             \
        return true;                                                                               \
    }
#define FLAGGED3(name, call_fmt)                                                                   \
    FLAGGED(name##_S, call_fmt(FPU_S))                                                             \
    FLAGGED(name##_D, call_fmt(FPU_D)) FLAGGED(name##_H, call_fmt(FPU_H))
#define MIN(f) fpu_minmax(false, f, a, b, &fl)
#define MAX(f) fpu_minmax(true, f, a, b, &fl)
#define MINM(f) fpu_minmax_nan(false, f, a, b, &fl)
#define MAXM(f) fpu_minmax_nan(true, f, a, b, &fl)
        FLAGGED3(FMIN, MIN)
        FLAGGED3(FMAX, MAX)
        FLAGGED3(FMINM, MINM)
        FLAGGED3(FMAXM, MAXM)
#undef MIN
#undef MAX
#undef MINM
#undef MAXM
        /* Rounded results in an FP register: conversions, FROUND. */
#define ROUNDED(name, call)                                                                        \
    case OP_##name: {                                                                              \
        if (rm > RM_RMM) return false;                                                             \
        uint64_t r_ = (call);                                                                      \
        fpu_insn_write(c, rd, r_, fl);                                                             \
        return true;                                                                               \
    }
        ROUNDED(FCVT_S_D, fpu_convert(FPU_S, FPU_D, a, rm, &fl))
        ROUNDED(FCVT_D_S, fpu_convert(FPU_D, FPU_S, a, rm, &fl))
        ROUNDED(FCVT_S_H, fpu_convert(FPU_S, FPU_H, a, rm, &fl))
        ROUNDED(FCVT_H_S, fpu_convert(FPU_H, FPU_S, a, rm, &fl))
        ROUNDED(FCVT_D_H, fpu_convert(FPU_D, FPU_H, a, rm, &fl))
        ROUNDED(FCVT_H_D, fpu_convert(FPU_H, FPU_D, a, rm, &fl))
#define FROM_INT(f, F)                                                                             \
    ROUNDED(FCVT_##F##_W, fpu_from_int(FPU_W, f, x1, rm, &fl))                                     \
    ROUNDED(FCVT_##F##_WU, fpu_from_int(FPU_WU, f, x1, rm, &fl))                                   \
    ROUNDED(FCVT_##F##_L, fpu_from_int(FPU_L, f, x1, rm, &fl))                                     \
    ROUNDED(FCVT_##F##_LU, fpu_from_int(FPU_LU, f, x1, rm, &fl))                                   \
    ROUNDED(FROUND_##F, fpu_round_int(f, a, rm, false, &fl))                                       \
    ROUNDED(FROUNDNX_##F, fpu_round_int(f, a, rm, true, &fl))
        FROM_INT(FPU_S, S)
        FROM_INT(FPU_D, D)
        FROM_INT(FPU_H, H)
#undef FROM_INT
#undef ROUNDED
        /* Results in an integer register: the FP state changes only if flags are raised. */
#define TO_X(name, call)                                                                           \
    case OP_##name: {                                                                              \
        uint64_t r_ = (call);                                                                      \
        fpu_insn_accrue(c, fl);                                                                    \
        c->x[rd] = r_;                                                                             \
        return true;                                                                               \
    }
#define TO_INT(f, F)                                                                               \
    case OP_FCVT_W_##F:                                                                            \
    case OP_FCVT_WU_##F:                                                                           \
    case OP_FCVT_L_##F:                                                                            \
    case OP_FCVT_LU_##F: {                                                                         \
        if (rm > RM_RMM) return false;                                                             \
        enum fpu_int t_ = op == OP_FCVT_W_##F    ? FPU_W                                           \
                          : op == OP_FCVT_WU_##F ? FPU_WU                                          \
                          : op == OP_FCVT_L_##F  ? FPU_L                                           \
                                                 : FPU_LU;                                          \
        uint64_t r_ = fpu_to_int(t_, f, a, rm, &fl);                                               \
        fpu_insn_accrue(c, fl);                                                                    \
        c->x[rd] = r_;                                                                             \
        return true;                                                                               \
    }                                                                                              \
        TO_X(FEQ_##F, fpu_compare(FPU_EQ, f, a, b, &fl))                                           \
        TO_X(FLT_##F, fpu_compare(FPU_LT, f, a, b, &fl))                                           \
        TO_X(FLE_##F, fpu_compare(FPU_LE, f, a, b, &fl))                                           \
        TO_X(FLEQ_##F, fpu_compare_quiet(FPU_LE, f, a, b, &fl))                                    \
        TO_X(FLTQ_##F, fpu_compare_quiet(FPU_LT, f, a, b, &fl))                                    \
        TO_X(FCLASS_##F, fpu_classify(f, a))                                                       \
    case OP_FLI_##F: fpu_insn_write(c, rd, fpu_fli(f, rs1), 0); return true;
        TO_INT(FPU_S, S)
        TO_INT(FPU_D, D)
        TO_INT(FPU_H, H)
        TO_X(FCVTMOD_W_D, fpu_cvtmod_w_d(a, &fl)) /* rm = RTZ, fixed by the encoding */
#undef TO_INT
#undef TO_X
    /* Moves copy bits: no NaN-boxing check on the way out, boxing on the way in. */
    case OP_FMV_X_W: c->x[rd] = (uint64_t)(int64_t)(int32_t)(uint32_t)a; return true;
    case OP_FMV_X_D: c->x[rd] = a; return true;
    case OP_FMV_X_H: c->x[rd] = (uint64_t)(int64_t)(int16_t)(uint16_t)a; return true;
    case OP_FMV_W_X: fpu_insn_write(c, rd, fpu_box_s((uint32_t)x1), 0); return true;
    case OP_FMV_D_X: fpu_insn_write(c, rd, x1, 0); return true;
    case OP_FMV_H_X: fpu_insn_write(c, rd, fpu_box_h((uint16_t)x1), 0); return true;
    default: return false; /* not an FP instruction: never asked */
    }
}

#endif
