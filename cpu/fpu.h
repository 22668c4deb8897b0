/* IEEE 754 binary16/binary32/binary64 arithmetic for the F, D and Zfh extensions (unpriv spec
 * ch. 20 "F", ch. 21 "D", "Zfh and Zfhmin"), computed exactly in integers: no host floating point,
 * so results and flags do not depend on the host's FPU, its rounding-mode register or the
 * compiler's view of it.
 *
 * Every function takes and returns raw register contents (uint64_t, the width of an f
 * register). Single- and half-precision operands are NaN-boxed (D chapter, "NaN Boxing of Narrower
 * Values"): an operand whose upper 32 (48) bits are not all ones reads as the canonical NaN, and
 * every single or half result comes back boxed. NaN results are always the canonical NaN (F
 * chapter, "NaN Generation and Propagation"). Exception flags are ORed into *flags (FFLAG_*, the
 * fflags bit layout). */
#ifndef RV39_FPU_H
#define RV39_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* fflags bits, unpriv spec "Floating-Point Control and Status Register". */
enum fpu_flag {
    FFLAG_NX = 1 << 0, /* inexact */
    FFLAG_UF = 1 << 1, /* underflow */
    FFLAG_OF = 1 << 2, /* overflow */
    FFLAG_DZ = 1 << 3, /* divide by zero */
    FFLAG_NV = 1 << 4, /* invalid operation */
};

/* Rounding modes (the rm field and frm), unpriv spec table "Rounding mode encoding". 5 and 6
 * are reserved; 7 in an instruction means "use frm" (resolved by the caller). */
enum fpu_rm { RM_RNE = 0, RM_RTZ = 1, RM_RDN = 2, RM_RUP = 3, RM_RMM = 4, RM_DYN = 7 };

enum fpu_fmt { FPU_S, FPU_D, FPU_H };

#define FPU_CANONICAL_NAN_S 0x7fc00000u
#define FPU_CANONICAL_NAN_D 0x7ff8000000000000ull
#define FPU_CANONICAL_NAN_H 0x7e00u
#define FPU_BOX_S 0xffffffff00000000ull /* upper half of a NaN-boxed single */
#define FPU_BOX_H 0xffffffffffff0000ull /* upper 48 bits of a NaN-boxed half */

static inline uint64_t fpu_box_s(uint32_t s)
{
    return FPU_BOX_S | s;
}
/* The single held in an f register: an improperly boxed value is the canonical NaN. */
static inline uint32_t fpu_unbox_s(uint64_t r)
{
    return (r & FPU_BOX_S) == FPU_BOX_S ? (uint32_t)r : FPU_CANONICAL_NAN_S;
}

static inline uint64_t fpu_box_h(uint16_t h)
{
    return FPU_BOX_H | h;
}
/* The half held in an f register ("Zfh and Zfhmin": NaN-boxed like a single). */
static inline uint16_t fpu_unbox_h(uint64_t r)
{
    return (r & FPU_BOX_H) == FPU_BOX_H ? (uint16_t)r : FPU_CANONICAL_NAN_H;
}

/* Arithmetic with rounding: a op b (and c for the fused forms), rounding mode rm in 0..4.
 * Pass the flags accrued so far in *flags (fflags): when NX is among them and rm is RNE, the
 * common case is computed on the host's FPU (see fpu.c, "the host fast path"). */
enum fpu_arith {
    FPU_ADD,
    FPU_SUB,
    FPU_MUL,
    FPU_DIV,
    FPU_SQRT,  /* of a */
    FPU_MADD,  /*  a*b + c */
    FPU_MSUB,  /*  a*b - c */
    FPU_NMSUB, /* -a*b + c */
    FPU_NMADD, /* -a*b - c */
};
uint64_t fpu_arith(enum fpu_arith op, enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c,
                   unsigned rm, unsigned *flags);

/* FSGNJ / FSGNJN / FSGNJX: a's magnitude with b's sign, its negation, or the XOR of both. */
enum fpu_sgnj { FPU_SGNJ, FPU_SGNJN, FPU_SGNJX };
uint64_t fpu_sgnj(enum fpu_sgnj kind, enum fpu_fmt fmt, uint64_t a, uint64_t b);

/* FMIN / FMAX: IEEE 754-2019 minimumNumber / maximumNumber (-0 < +0, a NaN loses to a number,
 * two NaNs give the canonical NaN, a signaling NaN raises NV). */
uint64_t fpu_minmax(bool max, enum fpu_fmt fmt, uint64_t a, uint64_t b, unsigned *flags);

/* FEQ (quiet: NV only for a signaling NaN), FLT and FLE (signaling: NV for any NaN). */
enum fpu_cmp { FPU_EQ, FPU_LT, FPU_LE };
bool fpu_compare(enum fpu_cmp kind, enum fpu_fmt fmt, uint64_t a, uint64_t b, unsigned *flags);

/* FCLASS: one-hot class mask, unpriv spec table "Format of result of FCLASS instruction". */
uint64_t fpu_classify(enum fpu_fmt fmt, uint64_t a);

/* Integer types of FCVT: 32-bit results are sign-extended to 64 bits (also for WU). */
enum fpu_int { FPU_W, FPU_WU, FPU_L, FPU_LU };
/* FCVT.{W,WU,L,LU}.{S,D}: round to an integer, saturating per the spec's table "Domains of
 * float-to-integer conversions and behavior for invalid inputs" (NV, not NX, when out of
 * range or NaN). */
uint64_t fpu_to_int(enum fpu_int type, enum fpu_fmt fmt, uint64_t a, unsigned rm, unsigned *flags);
/* FCVT.{S,D}.{W,WU,L,LU}: x holds the integer register (only its low 32 bits for W/WU). */
uint64_t fpu_from_int(enum fpu_int type, enum fpu_fmt fmt, uint64_t x, unsigned rm,
                      unsigned *flags);
/* FCVT between formats: widening is exact (FCVT.D.S, FCVT.S.H, FCVT.D.H), narrowing rounds. */
uint64_t fpu_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, unsigned rm, unsigned *flags);

/* ---- Zfa (unpriv spec "Zfa" chapter), cpu/fpu_zfa.c ---- */
/* FLI.{S,D,H}: entry `index` (0..31, the rs1 field) of the spec's constant table, boxed. */
uint64_t fpu_fli(enum fpu_fmt fmt, unsigned index);
/* FMINM / FMAXM: FMIN / FMAX, but any NaN operand gives the canonical NaN (IEEE 754-2019
 * minimum / maximum). */
uint64_t fpu_minmax_nan(bool max, enum fpu_fmt fmt, uint64_t a, uint64_t b, unsigned *flags);
/* FROUND (exact = false) / FROUNDNX (exact = true): round to an integral value in format fmt. */
uint64_t fpu_round_int(enum fpu_fmt fmt, uint64_t a, unsigned rm, bool exact, unsigned *flags);
/* FCVTMOD.W.D: truncate, keep bits 31:0 of the unbounded integer, sign-extend. */
uint64_t fpu_cvtmod_w_d(uint64_t a, unsigned *flags);
/* FLEQ / FLTQ: FLE / FLT that are quiet (NV only for a signaling NaN). */
bool fpu_compare_quiet(enum fpu_cmp kind, enum fpu_fmt fmt, uint64_t a, uint64_t b,
                       unsigned *flags);

#endif
