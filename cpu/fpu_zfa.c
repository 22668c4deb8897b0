/* The Zfa extension's additional floating-point instructions (unpriv spec "Zfa" chapter), for
 * single, double and (with Zfh) half precision, built on fpu.c's exact operations: every result
 * and flag here follows from an operation whose rounding fpu.c already gets right. */
#include "fpu.h"

/* Per format: fraction bits, exponent bias, position of the sign bit. */
static const struct {
    unsigned frac_bits;
    int bias;
    unsigned sign_bit;
} layout[3] = {
    [FPU_S] = {23, 127, 31},
    [FPU_D] = {52, 1023, 63},
    [FPU_H] = {10, 15, 15},
};

static uint64_t boxed(enum fpu_fmt fmt, uint64_t bits)
{
    return fmt == FPU_S   ? fpu_box_s((uint32_t)bits)
           : fmt == FPU_H ? fpu_box_h((uint16_t)bits)
                          : bits;
}
static uint64_t unboxed(enum fpu_fmt fmt, uint64_t reg)
{
    return fmt == FPU_S ? fpu_unbox_s(reg) : fmt == FPU_H ? fpu_unbox_h(reg) : reg;
}
static uint64_t canonical_nan(enum fpu_fmt fmt)
{
    return fmt == FPU_S   ? FPU_CANONICAL_NAN_S
           : fmt == FPU_H ? FPU_CANONICAL_NAN_H
                          : FPU_CANONICAL_NAN_D;
}

/* FCLASS bits 8 and 9 (signaling, quiet NaN). */
#define CLASS_SNAN (1u << 8)
#define CLASS_QNAN (1u << 9)

/* Table "Immediate values loaded by the FLI.S instruction": entries 0 and 2..29 are
 * (-1)^sign * 1.m * 2^exp with m one of 0, .25, .5, .75 (the two top significand bits);
 * entry 1 is the minimum positive normal, 30 +infinity, 31 the canonical NaN. */
static const struct {
    uint8_t sign;
    int8_t exp;
    uint8_t top2;
} fli_table[30] = {
    {1, 0, 0},   {0, 0, 0}, /* entry 1: handled apart */
    {0, -16, 0}, {0, -15, 0}, {0, -8, 0}, {0, -7, 0}, {0, -4, 0}, {0, -3, 0}, {0, -2, 0},
    {0, -2, 1},  {0, -2, 2},  {0, -2, 3}, {0, -1, 0}, {0, -1, 1}, {0, -1, 2}, {0, -1, 3},
    {0, 0, 0},   {0, 0, 1},   {0, 0, 2},  {0, 0, 3},  {0, 1, 0},  {0, 1, 1},  {0, 1, 2},
    {0, 2, 0},   {0, 3, 0},   {0, 4, 0},  {0, 7, 0},  {0, 8, 0},  {0, 15, 0}, {0, 16, 0},
};

uint64_t fpu_fli(enum fpu_fmt fmt, unsigned index)
{
    const unsigned frac = layout[fmt].frac_bits;
    const int bias = layout[fmt].bias;
    const uint64_t exp_all_ones = (uint64_t)(2 * bias + 1);
    uint64_t bits;
    index &= 31;
    if (index == 31) return boxed(fmt, canonical_nan(fmt));
    if (index == 1) return boxed(fmt, 1ull << frac); /* biased exponent 1, fraction 0 */
    int exp = index == 30 ? bias + 1 : fli_table[index].exp;
    uint64_t top2 = index == 30 ? 0 : fli_table[index].top2;
    if (exp > bias) {
        /* FLI.H: 2^16 is beyond binary16's range, so entry 29 loads +infinity like 30. */
        bits = exp_all_ones << frac;
    } else if (exp < 1 - bias) {
        /* FLI.H entries 2 and 3 (2^-16, 2^-15) are subnormal in binary16. */
        bits = ((4 | top2) << (frac - 2)) >> (1 - bias - exp);
    } else {
        bits = (uint64_t)(exp + bias) << frac | top2 << (frac - 2);
    }
    if (index < 30 && fli_table[index].sign) bits |= 1ull << layout[fmt].sign_bit;
    return boxed(fmt, bits);
}

uint64_t fpu_minmax_nan(bool max, enum fpu_fmt fmt, uint64_t a, uint64_t b, unsigned *flags)
{
    uint64_t ca = fpu_classify(fmt, a), cb = fpu_classify(fmt, b);
    if ((ca | cb) & (CLASS_SNAN | CLASS_QNAN)) {
        if ((ca | cb) & CLASS_SNAN) *flags |= FFLAG_NV; /* as FMIN/FMAX */
        return boxed(fmt, canonical_nan(fmt));
    }
    return fpu_minmax(max, fmt, a, b, flags);
}

bool fpu_compare_quiet(enum fpu_cmp kind, enum fpu_fmt fmt, uint64_t a, uint64_t b, unsigned *flags)
{
    uint64_t c = fpu_classify(fmt, a) | fpu_classify(fmt, b);
    if ((c & CLASS_QNAN) && !(c & CLASS_SNAN)) return false; /* unordered, quietly */
    return fpu_compare(kind, fmt, a, b, flags);              /* a signaling NaN still raises NV */
}

uint64_t fpu_round_int(enum fpu_fmt fmt, uint64_t a, unsigned rm, bool exact, unsigned *flags)
{
    const unsigned frac = layout[fmt].frac_bits;
    uint64_t x = unboxed(fmt, a), cls = fpu_classify(fmt, a);
    if (cls & (CLASS_SNAN | CLASS_QNAN)) {
        if (cls & CLASS_SNAN) *flags |= FFLAG_NV; /* "no other exception flags are set" */
        return boxed(fmt, canonical_nan(fmt));
    }
    /* Zero and infinite inputs are copied; so is every value of magnitude 2^frac_bits or
     * more, which is an integer already (no fraction bits below the binary point). */
    uint64_t magnitude = x & ((1ull << layout[fmt].sign_bit) - 1);
    if (magnitude == 0 || magnitude >> frac >= (uint64_t)layout[fmt].bias + frac)
        return boxed(fmt, x);
    /* |x| < 2^frac_bits <= 2^52: the rounded integer fits an int64 and converts back exactly. */
    unsigned fl = 0;
    uint64_t n = fpu_to_int(FPU_L, fmt, a, rm, &fl);
    if (exact) *flags |= fl & FFLAG_NX; /* FROUNDNX: roundToIntegralExact */
    if (n == 0)
        return boxed(fmt, x & (1ull << layout[fmt].sign_bit)); /* keeps the sign: -0.3 -> -0 */
    unsigned ignored = 0;
    return fpu_from_int(FPU_L, fmt, n, RM_RNE, &ignored);
}

uint64_t fpu_cvtmod_w_d(uint64_t a, unsigned *flags)
{
    /* "Floating-point exception flags are raised the same as they would be for FCVT.W.D with
     * the same input operand" (and RTZ, the only mode the encoding allows). */
    (void)fpu_to_int(FPU_W, FPU_D, a, RM_RTZ, flags);
    unsigned biased = (unsigned)(a >> 52) & 0x7ff;
    uint64_t frac = a & ((1ull << 52) - 1);
    if (biased == 0x7ff) return 0; /* infinities and NaNs convert to zero */
    uint64_t sig = biased ? frac | 1ull << 52 : frac;
    int exp = (biased ? (int)biased : 1) - 1075; /* value = sig * 2^exp */
    uint64_t v;
    if (exp >= 0)
        v = exp >= 64 ? 0 : sig << exp; /* mod 2^64 keeps bits 31:0 right */
    else
        v = -exp >= 64 ? 0 : sig >> -exp; /* truncation toward zero */
    if (a >> 63) v = -v;
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}
