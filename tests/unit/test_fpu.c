/* The F and D extensions: unpriv spec ch. 20 ("F" Standard Extension for Single-Precision
 * Floating-Point) and ch. 21 ("D"), priv spec 3.1.6.6 (mstatus.FS/SD).
 *
 * Suite `fpu`: the arithmetic of cpu/fpu.c, rule by rule, and against the host's IEEE 754
 * hardware (<fenv.h>) for the four rounding modes the host has; RMM (ties away from zero),
 * which no host mode offers, is checked on worked halfway cases.
 * Suite `fd`: the instructions executed on the hart (decoding, FS, rounding-mode fields,
 * loads/stores, NaN boxing in registers, compressed forms). */
#include <criterion/criterion.h>
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "cpu/csr_numbers.h"
#include "cpu/fpu.h"
#include "emu/disas.h"
#include "support/harness.h"

/* ---- bit patterns ---- */
#define S_ONE 0x3f800000u
#define S_TWO 0x40000000u
#define S_INF 0x7f800000u
#define S_NINF 0xff800000u
#define S_QNAN 0x7fc00000u
#define S_SNAN 0x7f800001u
#define S_PZERO 0x00000000u
#define S_NZERO 0x80000000u
#define S_MAX 0x7f7fffffu
#define S_MIN_NORMAL 0x00800000u
#define S_MIN_SUB 0x00000001u
#define D_ONE 0x3ff0000000000000ull
#define D_TWO 0x4000000000000000ull
#define D_INF 0x7ff0000000000000ull
#define D_NINF 0xfff0000000000000ull
#define D_QNAN 0x7ff8000000000000ull
#define D_SNAN 0x7ff0000000000001ull
#define D_PZERO 0ull
#define D_NZERO 0x8000000000000000ull
#define D_MAX 0x7fefffffffffffffull
#define D_MIN_NORMAL 0x0010000000000000ull

static uint64_t box(uint32_t s)
{
    return fpu_box_s(s);
}
static uint64_t dbits(double d)
{
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}
static uint32_t sbits(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

/* One arithmetic operation: result (unboxed for singles) and flags. */
static uint64_t arith_s(enum fpu_arith op, uint32_t a, uint32_t b, unsigned rm, unsigned *fl)
{
    *fl = 0;
    uint64_t r = fpu_arith(op, FPU_S, box(a), box(b), box(0), rm, fl);
    cr_assert_eq(r >> 32, 0xffffffffu, "single results are NaN-boxed");
    return (uint32_t)r;
}
static uint64_t arith_d(enum fpu_arith op, uint64_t a, uint64_t b, unsigned rm, unsigned *fl)
{
    *fl = 0;
    return fpu_arith(op, FPU_D, a, b, 0, rm, fl);
}

#define EXPECT(got, fl, want, want_fl, rule)                                                       \
    do {                                                                                           \
        cr_assert_eq((uint64_t)(got), (uint64_t)(want), "%s: got %#llx, want %#llx", rule,         \
                     (unsigned long long)(got), (unsigned long long)(want));                       \
        cr_assert_eq((fl), (unsigned)(want_fl), "%s: flags %#x, want %#x", rule, (fl),             \
                     (unsigned)(want_fl));                                                         \
    } while (0)

TestSuite(fpu);

/* "NaN Generation and Propagation": any NaN input gives the canonical NaN; only a signaling NaN
 * raises NV. */
Test(fpu, nan_results_are_canonical_and_snan_signals)
{
    unsigned fl;
    EXPECT(arith_s(FPU_ADD, 0x7fc12345u, S_ONE, RM_RNE, &fl), fl, S_QNAN, 0,
           "qNaN payload is not propagated");
    EXPECT(arith_s(FPU_MUL, S_SNAN, S_ONE, RM_RNE, &fl), fl, S_QNAN, FFLAG_NV, "sNaN raises NV");
    EXPECT(arith_d(FPU_ADD, 0xfff8000000000abcull, D_ONE, RM_RNE, &fl), fl, D_QNAN, 0,
           "negative qNaN gives the positive canonical NaN");
    EXPECT(arith_d(FPU_DIV, D_ONE, D_SNAN, RM_RNE, &fl), fl, D_QNAN, FFLAG_NV,
           "sNaN divisor raises NV");
    EXPECT(arith_d(FPU_SUB, D_INF, D_INF, RM_RNE, &fl), fl, D_QNAN, FFLAG_NV, "inf - inf");
    EXPECT(arith_d(FPU_MUL, D_INF, D_PZERO, RM_RNE, &fl), fl, D_QNAN, FFLAG_NV, "inf * 0");
    EXPECT(arith_s(FPU_DIV, S_PZERO, S_NZERO, RM_RNE, &fl), fl, S_QNAN, FFLAG_NV, "0 / 0");
    EXPECT(arith_s(FPU_SQRT, 0xbf800000u, 0, RM_RNE, &fl), fl, S_QNAN, FFLAG_NV, "sqrt(-1)");
    EXPECT(arith_d(FPU_SQRT, D_NINF, 0, RM_RNE, &fl), fl, D_QNAN, FFLAG_NV, "sqrt(-inf)");
    EXPECT(arith_d(FPU_SQRT, D_NZERO, 0, RM_RNE, &fl), fl, D_NZERO, 0, "sqrt(-0) = -0");
}

/* "NaN Boxing of Narrower Values" (D chapter): an operand whose upper half is not all ones is the
 * canonical NaN. */
Test(fpu, improperly_boxed_single_reads_as_canonical_nan)
{
    unsigned fl = 0;
    uint64_t r = fpu_arith(FPU_ADD, FPU_S, 0x000000003f800000ull, box(S_ONE), 0, RM_RNE, &fl);
    EXPECT(r, fl, box(S_QNAN), 0, "unboxed 1.0 + 1.0");
    r = fpu_sgnj(FPU_SGNJN, FPU_S, 0x7fffffff3f800000ull, box(S_ONE));
    cr_assert_eq(r, box(0xffc00000u), "fsgnjn of an improperly boxed value: -canonical NaN");
    cr_assert_eq(fpu_classify(FPU_S, 0x00000000ff800000ull), 1u << 9,
                 "fclass of an improperly boxed value: quiet NaN");
    fl = 0;
    r = fpu_convert(FPU_D, FPU_S, 0x12345678ull, RM_RNE, &fl);
    EXPECT(r, fl, D_QNAN, 0, "fcvt.d.s of an unboxed value");
}

Test(fpu, division_by_zero_overflow_underflow)
{
    unsigned fl;
    EXPECT(arith_d(FPU_DIV, D_ONE, D_NZERO, RM_RNE, &fl), fl, D_NINF, FFLAG_DZ, "1 / -0 = -inf");
    EXPECT(arith_s(FPU_DIV, S_INF, S_PZERO, RM_RNE, &fl), fl, S_INF, 0, "inf / 0: no DZ");
    EXPECT(arith_s(FPU_MUL, S_MAX, S_TWO, RM_RNE, &fl), fl, S_INF, FFLAG_OF | FFLAG_NX,
           "overflow to inf in RNE");
    EXPECT(arith_s(FPU_MUL, S_MAX, S_TWO, RM_RTZ, &fl), fl, S_MAX, FFLAG_OF | FFLAG_NX,
           "overflow to the largest finite in RTZ");
    EXPECT(arith_d(FPU_MUL, D_MAX | D_NZERO, D_TWO, RM_RUP, &fl), fl, D_MAX | D_NZERO,
           FFLAG_OF | FFLAG_NX, "negative overflow in RUP: -max");
    EXPECT(arith_d(FPU_MUL, D_MAX | D_NZERO, D_TWO, RM_RDN, &fl), fl, D_NINF, FFLAG_OF | FFLAG_NX,
           "negative overflow in RDN: -inf");
    EXPECT(arith_s(FPU_MUL, S_MIN_SUB, 0x3f000000u, RM_RNE, &fl), fl, 0, FFLAG_UF | FFLAG_NX,
           "min subnormal * 0.5: tie to even 0, tiny and inexact");
    EXPECT(arith_s(FPU_MUL, S_MIN_NORMAL, 0x3f000000u, RM_RNE, &fl), fl, 0x00400000u, 0,
           "exact subnormal result: no UF");
    EXPECT(arith_d(FPU_DIV, D_MIN_NORMAL, 0x4008000000000000ull, RM_RNE, &fl), fl,
           0x0005555555555555ull, FFLAG_UF | FFLAG_NX, "min normal / 3: subnormal, inexact");
}

/* Tininess is detected after rounding ("Subnormal Arithmetic"; as on x86): a result below 2^-126
 * that rounds to 2^-126 at full precision does not underflow. */
Test(fpu, tininess_after_rounding)
{
    unsigned fl = 0;
    uint64_t r =
        fpu_convert(FPU_S, FPU_D, 0x380ffffff8000000ull /* 2^-126 (1 - 2^-26) */, RM_RNE, &fl);
    EXPECT((uint32_t)r, fl, S_MIN_NORMAL, FFLAG_NX, "rounds to 2^-126: inexact, not tiny");
    fl = 0;
    r = fpu_convert(FPU_S, FPU_D, 0x380ffffff8000000ull, RM_RTZ, &fl);
    EXPECT((uint32_t)r, fl, 0x007fffffu, FFLAG_UF | FFLAG_NX, "RTZ stays below: tiny");
}

/* The same with NX already accrued, where fpu.c computes on the host: a product just below
 * 2^-1022 (tiny at full precision) that rounds up to 2^-1022 on the subnormal grid is a
 * normal result, but it underflows; the host path must not hand it back without UF. */
Test(fpu, tininess_after_rounding_with_nx_accrued)
{
    unsigned fl = FFLAG_NX;
    uint64_t r = fpu_arith(FPU_MUL, FPU_D, 0x3fefffffffffffffull /* 1 - 2^-53 */, D_MIN_NORMAL, 0,
                           RM_RNE, &fl);
    EXPECT(r, fl, D_MIN_NORMAL, FFLAG_UF | FFLAG_NX, "2^-1022 - 2^-1075 ties up to 2^-1022");
    fl = FFLAG_NX;
    r = fpu_arith(FPU_MUL, FPU_S, box(0x3f7fffffu) /* 1 - 2^-24 */, box(S_MIN_NORMAL), 0, RM_RNE,
                  &fl);
    EXPECT((uint32_t)r, fl, S_MIN_NORMAL, FFLAG_UF | FFLAG_NX, "2^-126 - 2^-150 ties up");
}

/* IEEE 754-2019 minimumNumber/maximumNumber (FMIN/FMAX). */
Test(fpu, min_max_rules)
{
    unsigned fl = 0;
    cr_assert_eq(fpu_minmax(false, FPU_D, D_PZERO, D_NZERO, &fl), D_NZERO, "min(+0,-0) = -0");
    cr_assert_eq(fpu_minmax(true, FPU_D, D_NZERO, D_PZERO, &fl), D_PZERO, "max(-0,+0) = +0");
    cr_assert_eq(fpu_minmax(false, FPU_S, box(S_QNAN), box(S_TWO), &fl), box(S_TWO),
                 "one quiet NaN: the other operand");
    cr_assert_eq(fl, 0, "quiet NaN: no NV");
    cr_assert_eq(fpu_minmax(true, FPU_S, box(S_ONE), box(S_SNAN), &fl), box(S_ONE),
                 "one signaling NaN: the other operand");
    cr_assert_eq(fl, FFLAG_NV, "signaling NaN raises NV");
    fl = 0;
    cr_assert_eq(fpu_minmax(true, FPU_D, D_SNAN, D_QNAN, &fl), D_QNAN, "two NaNs: canonical");
    cr_assert_eq(fl, FFLAG_NV);
    cr_assert_eq(fpu_minmax(false, FPU_D, 0xc000000000000000ull, D_ONE, &fl), 0xc000000000000000ull,
                 "min(-2, 1) = -2");
    cr_assert_eq(fpu_minmax(true, FPU_S, box(S_NINF), box(0xc0000000u), &fl), box(0xc0000000u),
                 "max(-inf, -2) = -2");
}

/* Compare instructions: FEQ is quiet, FLT/FLE are signaling; -0 == +0. */
Test(fpu, compare_quiet_and_signaling)
{
    unsigned fl = 0;
    cr_assert(fpu_compare(FPU_EQ, FPU_D, D_PZERO, D_NZERO, &fl), "+0 == -0");
    cr_assert(!fpu_compare(FPU_LT, FPU_D, D_NZERO, D_PZERO, &fl), "-0 < +0 is false");
    cr_assert(fpu_compare(FPU_LE, FPU_S, box(S_NZERO), box(S_PZERO), &fl), "-0 <= +0");
    cr_assert(fpu_compare(FPU_LT, FPU_S, box(0xc0000000u), box(0xbf800000u), &fl), "-2 < -1");
    cr_assert_eq(fl, 0);
    cr_assert(!fpu_compare(FPU_EQ, FPU_S, box(S_QNAN), box(S_QNAN), &fl), "NaN != NaN");
    cr_assert_eq(fl, 0, "FEQ with quiet NaNs: no NV");
    cr_assert(!fpu_compare(FPU_EQ, FPU_S, box(S_SNAN), box(S_ONE), &fl));
    cr_assert_eq(fl, FFLAG_NV, "FEQ with a signaling NaN: NV");
    fl = 0;
    cr_assert(!fpu_compare(FPU_LT, FPU_D, D_QNAN, D_ONE, &fl));
    cr_assert_eq(fl, FFLAG_NV, "FLT with a quiet NaN: NV");
    fl = 0;
    cr_assert(!fpu_compare(FPU_LE, FPU_D, D_ONE, D_QNAN, &fl));
    cr_assert_eq(fl, FFLAG_NV, "FLE with a quiet NaN: NV");
}

/* Table "Format of result of FCLASS instruction". */
Test(fpu, fclass_all_ten_classes)
{
    const uint32_t s[10] = {S_NINF,    0xbf800000u, 0x807fffffu, S_NZERO, S_PZERO,
                            S_MIN_SUB, S_ONE,       S_INF,       S_SNAN,  S_QNAN};
    const uint64_t d[10] = {D_NINF,
                            0xbff0000000000000ull,
                            0x8000000000000001ull,
                            D_NZERO,
                            D_PZERO,
                            0x000fffffffffffffull,
                            D_ONE,
                            D_INF,
                            D_SNAN,
                            D_QNAN};
    for (unsigned i = 0; i < 10; i++) {
        cr_assert_eq(fpu_classify(FPU_S, box(s[i])), 1ull << i, "single class bit %u", i);
        cr_assert_eq(fpu_classify(FPU_D, d[i]), 1ull << i, "double class bit %u", i);
    }
}

Test(fpu, sign_injection)
{
    cr_assert_eq(fpu_sgnj(FPU_SGNJ, FPU_D, D_ONE, D_NINF), D_ONE | D_NZERO, "fsgnj takes b's sign");
    cr_assert_eq(fpu_sgnj(FPU_SGNJN, FPU_D, D_ONE, D_ONE), D_ONE | D_NZERO, "fneg");
    cr_assert_eq(fpu_sgnj(FPU_SGNJX, FPU_S, box(0xbf800000u), box(0xbf800000u)), box(S_ONE),
                 "fabs");
    cr_assert_eq(fpu_sgnj(FPU_SGNJ, FPU_S, box(S_SNAN), box(S_NZERO)), box(S_SNAN | S_NZERO),
                 "sign injection does not canonicalize NaNs");
}

/* Halfway cases in every rounding mode (table "Rounding mode encoding"), RMM included. */
Test(fpu, halfway_cases_every_rounding_mode)
{
    /* 1 + 2^-24: halfway between 1 (even) and 1 + 2^-23 (odd). */
    const uint32_t lo = S_ONE, hi = S_ONE + 1;
    const uint32_t want_pos[5] = {lo, lo, lo, hi, hi}; /* RNE RTZ RDN RUP RMM */
    const uint32_t want_neg[5] = {lo, lo, hi, lo, hi}; /* magnitudes, for the negated sum */
    for (unsigned rm = 0; rm <= RM_RMM; rm++) {
        unsigned fl;
        EXPECT(arith_s(FPU_ADD, S_ONE, 0x33800000u /* 2^-24 */, rm, &fl), fl, want_pos[rm],
               FFLAG_NX, "1 + 2^-24");
        EXPECT(arith_s(FPU_ADD, 0xbf800000u, 0xb3800000u, rm, &fl), fl, want_neg[rm] | S_NZERO,
               FFLAG_NX, "-1 - 2^-24");
    }
    /* 1 + 3 * 2^-53 in double: halfway between 1 + 2^-52 (odd) and 1 + 2^-51 (even). */
    unsigned fl;
    EXPECT(arith_d(FPU_ADD, D_ONE + 1, 0x3ca0000000000000ull /* 2^-53 */, RM_RNE, &fl), fl,
           D_ONE + 2, FFLAG_NX, "RNE: tie to even (up)");
    EXPECT(arith_d(FPU_ADD, D_ONE + 1, 0x3ca0000000000000ull, RM_RMM, &fl), fl, D_ONE + 2, FFLAG_NX,
           "RMM: tie away");
    EXPECT(arith_d(FPU_ADD, D_ONE, 0x3ca0000000000000ull, RM_RMM, &fl), fl, D_ONE + 1, FFLAG_NX,
           "RMM: 1 + 2^-53 ties away from zero, RNE would keep 1");
    EXPECT(arith_d(FPU_ADD, D_ONE, 0x3c9fffffffffffffull, RM_RMM, &fl), fl, D_ONE, FFLAG_NX,
           "RMM: just below the tie rounds to nearest");
    /* Products and quotients in RMM: 3 * (1 + 2^-23) = 3 + 3 * 2^-23, tie at 24 bits. */
    EXPECT(arith_s(FPU_MUL, 0x40400000u, S_ONE + 1, RM_RMM, &fl), fl, 0x40400002u, FFLAG_NX,
           "RMM product tie goes away");
    EXPECT(arith_s(FPU_MUL, 0x40400000u, S_ONE + 1, RM_RNE, &fl), fl, 0x40400002u, FFLAG_NX,
           "RNE product tie goes to even (here also up)");
    EXPECT(arith_s(FPU_MUL, 0x40400000u, S_ONE + 3, RM_RMM, &fl), fl, 0x40400005u, FFLAG_NX,
           "3 * (1 + 3 * 2^-23) = 3 + 9 * 2^-23: tie, away");
    EXPECT(arith_s(FPU_MUL, 0x40400000u, S_ONE + 3, RM_RNE, &fl), fl, 0x40400004u, FFLAG_NX,
           "... and to even in RNE");
    /* Float-to-integer on x.5 values. */
    const double values[5] = {2.5, -2.5, 3.5, 0.5, -0.5};
    const int64_t want[5][5] = {
        /* RNE RTZ RDN RUP RMM */
        {2, 2, 2, 3, 3}, {-2, -2, -3, -2, -3}, {4, 3, 3, 4, 4}, {0, 0, 0, 1, 1}, {0, 0, -1, 0, -1},
    };
    for (unsigned v = 0; v < 5; v++) {
        for (unsigned rm = 0; rm <= RM_RMM; rm++) {
            fl = 0;
            int64_t got = (int64_t)fpu_to_int(FPU_L, FPU_D, dbits(values[v]), rm, &fl);
            cr_assert_eq(got, want[v][rm], "fcvt.l.d %g rm %u: got %lld, want %lld", values[v], rm,
                         (long long)got, (long long)want[v][rm]);
            cr_assert_eq(fl, FFLAG_NX, "inexact conversion raises NX only");
        }
    }
    /* Integer-to-float in RMM: 2^24 + 1 is halfway between 2^24 and 2^24 + 2. */
    fl = 0;
    cr_assert_eq(fpu_from_int(FPU_W, FPU_S, 0x1000001, RM_RMM, &fl), box(0x4b800001u),
                 "fcvt.s.w 2^24+1 in RMM: away");
    fl = 0;
    cr_assert_eq(fpu_from_int(FPU_W, FPU_S, 0x1000001, RM_RNE, &fl), box(0x4b800000u),
                 "fcvt.s.w 2^24+1 in RNE: even");
    cr_assert_eq(fl, FFLAG_NX);
}

/* Table "Domains of float-to-integer conversions and behavior for invalid inputs". */
Test(fpu, fcvt_saturation_and_flags)
{
    struct {
        enum fpu_int type;
        uint64_t in, want;
        unsigned flags;
        const char *what;
    } cases[] = {
        {FPU_W, D_QNAN, 0x7fffffff, FFLAG_NV, "W of NaN: 2^31 - 1"},
        {FPU_W, D_INF, 0x7fffffff, FFLAG_NV, "W of +inf"},
        {FPU_W, D_NINF, 0xffffffff80000000ull, FFLAG_NV, "W of -inf: -2^31"},
        {FPU_W, dbits(2147483648.0), 0x7fffffff, FFLAG_NV, "W of 2^31"},
        {FPU_W, dbits(-2147483648.5), 0xffffffff80000000ull, FFLAG_NX,
         "W of -2^31 - 0.5: RNE ties to the even -2^31, in range"},
        {FPU_W, dbits(-2147483649.0), 0xffffffff80000000ull, FFLAG_NV, "W of -2^31 - 1"},
        {FPU_WU, D_QNAN, 0xffffffffffffffffull, FFLAG_NV, "WU of NaN: 2^32 - 1, sign-extended"},
        {FPU_WU, dbits(-1.0), 0, FFLAG_NV, "WU of -1: 0"},
        {FPU_WU, dbits(-0.25), 0, FFLAG_NX, "WU of -0.25 rounds to 0: valid, inexact"},
        {FPU_WU, dbits(4294967295.0), 0xffffffffffffffffull, 0, "WU of 2^32 - 1: exact"},
        {FPU_WU, dbits(4294967296.0), 0xffffffffffffffffull, FFLAG_NV, "WU of 2^32"},
        {FPU_WU, dbits(2147483648.0), 0xffffffff80000000ull, 0, "WU results are sign-extended"},
        {FPU_L, D_QNAN, 0x7fffffffffffffffull, FFLAG_NV, "L of NaN"},
        {FPU_L, D_NINF, 0x8000000000000000ull, FFLAG_NV, "L of -inf"},
        {FPU_L, dbits(9223372036854775808.0), 0x7fffffffffffffffull, FFLAG_NV, "L of 2^63"},
        {FPU_L, dbits(-9223372036854775808.0), 0x8000000000000000ull, 0, "L of -2^63: exact"},
        {FPU_LU, D_INF, 0xffffffffffffffffull, FFLAG_NV, "LU of +inf"},
        {FPU_LU, D_NINF, 0, FFLAG_NV, "LU of -inf"},
        {FPU_LU, dbits(18446744073709549568.0), 0xfffffffffffff800ull, 0, "LU of 2^64 - 2^11"},
        {FPU_LU, dbits(18446744073709551616.0), 0xffffffffffffffffull, FFLAG_NV, "LU of 2^64"},
        {FPU_LU, D_NZERO, 0, 0, "LU of -0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned fl = 0;
        uint64_t got = fpu_to_int(cases[i].type, FPU_D, cases[i].in, RM_RNE, &fl);
        EXPECT(got, fl, cases[i].want, cases[i].flags, cases[i].what);
    }
    unsigned fl = 0;
    EXPECT(fpu_to_int(FPU_W, FPU_S, box(S_SNAN), RM_RTZ, &fl), fl, 0x7fffffff, FFLAG_NV,
           "W of a single sNaN");
}

Test(fpu, conversions_between_formats)
{
    unsigned fl = 0;
    EXPECT(fpu_convert(FPU_D, FPU_S, box(S_SNAN), RM_RNE, &fl), fl, D_QNAN, FFLAG_NV,
           "fcvt.d.s of sNaN: canonical, NV");
    fl = 0;
    EXPECT(fpu_convert(FPU_D, FPU_S, box(S_MIN_SUB), RM_RNE, &fl), fl, 0x36a0000000000000ull, 0,
           "fcvt.d.s is exact, subnormals included");
    fl = 0;
    EXPECT(fpu_convert(FPU_S, FPU_D, D_MAX, RM_RNE, &fl), fl, box(S_INF), FFLAG_OF | FFLAG_NX,
           "fcvt.s.d of the largest double overflows");
    fl = 0;
    EXPECT(fpu_convert(FPU_S, FPU_D, dbits(0.1), RM_RTZ, &fl), fl, box(0x3dcccccc), FFLAG_NX,
           "0.1 in RTZ");
    fl = 0;
    EXPECT(fpu_from_int(FPU_LU, FPU_D, UINT64_MAX, RM_RNE, &fl), fl, dbits(18446744073709551616.0),
           FFLAG_NX, "fcvt.d.lu of 2^64 - 1 rounds to 2^64");
    fl = 0;
    EXPECT(fpu_from_int(FPU_W, FPU_D, 0xffffffff80000000ull, RM_RNE, &fl), fl, dbits(-2147483648.0),
           0, "fcvt.d.w reads the low 32 bits as signed");
    fl = 0;
    EXPECT(fpu_from_int(FPU_WU, FPU_D, 0x1ffffffffull, RM_RNE, &fl), fl, dbits(4294967295.0), 0,
           "fcvt.d.wu reads the low 32 bits unsigned");
    EXPECT(fpu_from_int(FPU_L, FPU_S, 0, RM_RDN, &fl), fl, box(S_PZERO), 0, "integer 0 is +0");
}

/* Fused multiply-add rounds once; inf * 0 + qNaN still raises NV (F chapter, FMA). */
Test(fpu, fused_multiply_add)
{
    unsigned fl = 0;
    /* (1 + 2^-52)(1 - 2^-53) - 1 = 2^-53 - 2^-105: a separate multiply would lose 2^-105. */
    uint64_t r = fpu_arith(FPU_MSUB, FPU_D, D_ONE + 1, 0x3fefffffffffffffull, D_ONE, RM_RNE, &fl);
    cr_assert_eq(r, dbits(0x1p-53 - 0x1p-105), "fmsub keeps the exact product (got %#lx)",
                 (unsigned long)r);
    fl = 0;
    r = fpu_arith(FPU_MADD, FPU_D, D_INF, D_PZERO, D_QNAN, RM_RNE, &fl);
    EXPECT(r, fl, D_QNAN, FFLAG_NV, "inf * 0 + qNaN");
    fl = 0;
    r = fpu_arith(FPU_NMADD, FPU_S, box(S_ONE), box(S_ONE), box(S_ONE), RM_RNE, &fl);
    EXPECT(r, fl, box(0xc0000000u), 0, "fnmadd: -(1*1) - 1 = -2");
    fl = 0;
    r = fpu_arith(FPU_NMSUB, FPU_S, box(S_ONE), box(S_ONE), box(S_ONE), RM_RNE, &fl);
    EXPECT(r, fl, box(S_PZERO), 0, "fnmsub: -(1*1) + 1 = +0 in RNE");
    fl = 0;
    r = fpu_arith(FPU_NMSUB, FPU_S, box(S_ONE), box(S_ONE), box(S_ONE), RM_RDN, &fl);
    EXPECT(r, fl, box(S_NZERO), 0, "... and -0 in RDN");
}

/* The host's IEEE 754 unit as an oracle: random operands weighted toward the edges
 * (zeros, subnormals, the largest exponents, infinities, NaNs, long runs of ones). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static uint64_t random_operand(enum fpu_fmt fmt)
{
    unsigned frac_bits = fmt == FPU_S ? 23 : 52, emax = fmt == FPU_S ? 0xff : 0x7ff;
    unsigned bias = emax >> 1;
    uint64_t frac = rnd() & ((1ull << frac_bits) - 1), e;
    switch (rnd() % 12) {
    case 0: e = 0; break;
    case 1: e = emax, frac = rnd() % 2 ? 0 : frac; break;
    case 2: e = 1 + rnd() % 3; break;
    case 3: e = emax - 1 - rnd() % 3; break;
    case 4:
    case 5: e = bias + rnd() % 61 - 30; break;
    default: e = rnd() % emax; break;
    }
    if (rnd() % 4 == 0)
        frac = rnd() % 2 ? frac >> (rnd() % frac_bits)
                         : frac | ((1ull << frac_bits) - 1) >> (rnd() % frac_bits);
    uint64_t sign = rnd() & 1;
    return sign << (frac_bits + (fmt == FPU_S ? 8 : 11)) | e << frac_bits | frac;
}
static unsigned host_flags(void)
{
    int x = fetestexcept(FE_ALL_EXCEPT);
    return (x & FE_INEXACT ? FFLAG_NX : 0) | (x & FE_UNDERFLOW ? FFLAG_UF : 0) |
           (x & FE_OVERFLOW ? FFLAG_OF : 0) | (x & FE_DIVBYZERO ? FFLAG_DZ : 0) |
           (x & FE_INVALID ? FFLAG_NV : 0);
}
static const int host_modes[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};

/* The host computes under fesetround; volatile keeps the compiler from moving or folding
 * the operation across the mode change. */
static uint64_t host_arith(enum fpu_arith op, enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c,
                           unsigned rm, unsigned *flags)
{
    uint64_t out;
    feclearexcept(FE_ALL_EXCEPT);
    fesetround(host_modes[rm]);
    if (fmt == FPU_D) {
        volatile double x, y, z, r;
        memcpy((void *)&x, &a, 8), memcpy((void *)&y, &b, 8), memcpy((void *)&z, &c, 8);
        switch (op) {
        case FPU_ADD: r = x + y; break;
        case FPU_SUB: r = x - y; break;
        case FPU_MUL: r = x * y; break;
        case FPU_DIV: r = x / y; break;
        case FPU_SQRT: r = sqrt(x); break;
        case FPU_MADD: r = fma(x, y, z); break;
        case FPU_MSUB: r = fma(x, y, -z); break;
        case FPU_NMSUB: r = fma(-x, y, z); break;
        default: r = fma(-x, y, -z); break;
        }
        double t = r;
        out = isnan(t) ? FPU_CANONICAL_NAN_D : dbits(t);
    } else {
        volatile float x, y, z, r;
        uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, c32 = (uint32_t)c;
        memcpy((void *)&x, &a32, 4), memcpy((void *)&y, &b32, 4), memcpy((void *)&z, &c32, 4);
        switch (op) {
        case FPU_ADD: r = x + y; break;
        case FPU_SUB: r = x - y; break;
        case FPU_MUL: r = x * y; break;
        case FPU_DIV: r = x / y; break;
        case FPU_SQRT: r = sqrtf(x); break;
        case FPU_MADD: r = fmaf(x, y, z); break;
        case FPU_MSUB: r = fmaf(x, y, -z); break;
        case FPU_NMSUB: r = fmaf(-x, y, z); break;
        default: r = fmaf(-x, y, -z); break;
        }
        float t = r;
        out = isnan(t) ? FPU_CANONICAL_NAN_S : sbits(t);
    }
    *flags = host_flags();
    fesetround(FE_TONEAREST);
    return out;
}

Test(fpu, arithmetic_matches_host_ieee754_in_four_rounding_modes)
{
    for (int i = 0; i < 300000; i++) {
        enum fpu_fmt fmt = rnd() % 2 ? FPU_D : FPU_S;
        enum fpu_arith op = (enum fpu_arith)(rnd() % 9);
        unsigned rm = rnd() % 4;
        uint64_t a = random_operand(fmt), b = random_operand(fmt), c = random_operand(fmt);
        /* Half the time NX is accrued already, which lets RNE take fpu.c's host fast path. */
        unsigned accrued = i % 2 ? FFLAG_NX : 0, want_fl, got_fl = accrued;
        uint64_t want = host_arith(op, fmt, a, b, c, rm, &want_fl);
        want_fl |= accrued;
        uint64_t got = fmt == FPU_S
                           ? (uint32_t)fpu_arith(op, fmt, box((uint32_t)a), box((uint32_t)b),
                                                 box((uint32_t)c), rm, &got_fl)
                           : fpu_arith(op, fmt, a, b, c, rm, &got_fl);
        /* inf * 0 + qNaN: IEEE 754 leaves NV to the implementation, RISC-V requires it. */
        if (op >= FPU_MADD && want == got && (got_fl & FFLAG_NV) && !(want_fl & FFLAG_NV)) continue;
        cr_assert(got == want && got_fl == want_fl,
                  "%s op %d rm %u a=%#llx b=%#llx c=%#llx: got %#llx flags %#x, host %#llx "
                  "flags %#x",
                  fmt == FPU_S ? "single" : "double", op, rm, (unsigned long long)a,
                  (unsigned long long)b, (unsigned long long)c, (unsigned long long)got, got_fl,
                  (unsigned long long)want, want_fl);
    }
}

Test(fpu, conversions_match_host_ieee754_in_four_rounding_modes)
{
    for (int i = 0; i < 200000; i++) {
        unsigned rm = rnd() % 4;
        uint64_t x = rnd();
        switch (rnd() % 4) {
        case 0: x >>= rnd() % 64; break;
        case 1: x = (uint64_t)(int64_t)(int32_t)x; break;
        case 2: x = (uint32_t)x >> (rnd() % 32); break;
        default: break;
        }
        /* integer -> double and single */
        feclearexcept(FE_ALL_EXCEPT);
        fesetround(host_modes[rm]);
        volatile int64_t vx = (int64_t)x;
        volatile double d = (double)vx;
        volatile float f = (float)vx;
        double dd = d;
        float ff = f;
        fesetround(FE_TONEAREST);
        unsigned fl = 0;
        cr_assert_eq(fpu_from_int(FPU_L, FPU_D, x, rm, &fl), dbits(dd), "fcvt.d.l %#llx rm %u",
                     (unsigned long long)x, rm);
        cr_assert_eq(fpu_from_int(FPU_L, FPU_S, x, rm, &fl), box(sbits(ff)), "fcvt.s.l %#llx rm %u",
                     (unsigned long long)x, rm);
        /* double -> single */
        uint64_t db = random_operand(FPU_D);
        if (rnd() % 2) /* around the single range's edges */
            db = (db & 0x800fffffffffffffull) | (uint64_t)(1023 - 150 + rnd() % 40) << 52;
        feclearexcept(FE_ALL_EXCEPT);
        fesetround(host_modes[rm]);
        volatile double vd;
        memcpy((void *)&vd, &db, 8);
        volatile float vf = (float)vd;
        float tf = vf;
        unsigned want_fl = host_flags();
        fesetround(FE_TONEAREST);
        uint32_t want = isnan(tf) ? FPU_CANONICAL_NAN_S : sbits(tf);
        fl = 0;
        uint64_t got = fpu_convert(FPU_S, FPU_D, db, rm, &fl);
        cr_assert(got == box(want) && fl == want_fl,
                  "fcvt.s.d %#llx rm %u: got %#llx/%#x, host %#x/%#x", (unsigned long long)db, rm,
                  (unsigned long long)got, fl, want, want_fl);
    }
}

/* ==== the instructions on the hart ==== */

enum { OPC_LOAD_FP = 0x07, OPC_STORE_FP = 0x27, OPC_OP_FP = 0x53, OPC_MADD = 0x43 };

static uint32_t fp_r(unsigned funct7, unsigned rs2, unsigned rs1, unsigned rm, unsigned rd)
{
    return enc_r(funct7, rs2, rs1, rm, rd, OPC_OP_FP);
}
static uint32_t fp_r4(unsigned opc, unsigned fmt, unsigned rs3, unsigned rs2, unsigned rs1,
                      unsigned rm, unsigned rd)
{
    return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opc;
}
#define F_ADD_S(rd, rs1, rs2, rm) fp_r(0x00, rs2, rs1, rm, rd)
#define F_ADD_D(rd, rs1, rs2, rm) fp_r(0x01, rs2, rs1, rm, rd)
#define F_FLW(rd, off, rs1) enc_i(off, rs1, 2, rd, OPC_LOAD_FP)
#define F_FLD(rd, off, rs1) enc_i(off, rs1, 3, rd, OPC_LOAD_FP)
#define F_FSW(rs2, off, rs1) enc_s(off, rs2, rs1, 2, OPC_STORE_FP)
#define F_FSD(rs2, off, rs1) enc_s(off, rs2, rs1, 3, OPC_STORE_FP)
#define RM_FIELD_DYN 7

static void fp_on(void)
{
    hart.mstatus |= MSTATUS_FS_INITIAL;
}

TestSuite(fd, .init = harness_init, .fini = harness_fini);

/* priv spec 3.1.6.6: FS = Off at reset; FP instructions and FP CSRs are then illegal. */
Test(fd, fs_off_makes_fp_instructions_and_csrs_illegal)
{
    cr_assert_eq(hart.mstatus & MSTATUS_FS, 0, "FS is Off at reset");
    uint32_t insn = F_ADD_D(1, 2, 3, 0);
    exec32(insn);
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN, "fadd.d with FS = Off");
    cr_assert_eq(hart.mtval, insn, "mtval holds the instruction");
    cr_assert_eq(hart.pc, TRAP_VECTOR);

    hart.pc = CODE_BASE + 0x100;
    code_at(CODE_BASE + 0x100);
    hart.mcause = 0;
    exec32(i_csrrs(5, CSR_FCSR, 0));
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN, "reading fcsr with FS = Off");

    hart.pc = CODE_BASE + 0x200;
    code_at(CODE_BASE + 0x200);
    hart.mcause = 0;
    exec16(0x2022); /* c.fldsp ft0, 8(sp) */
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN, "c.fldsp with FS = Off");
}

/* Changing FP state sets FS = Dirty, and SD = 1 in mstatus and sstatus. */
Test(fd, fp_write_sets_fs_dirty_and_sd)
{
    hart.x[1] = MSTATUS_FS_CLEAN;
    exec32(i_csrrs(0, CSR_MSTATUS, 1));
    cr_assert_eq(hart.mstatus & (MSTATUS_FS | MSTATUS_SD), MSTATUS_FS_CLEAN, "Clean: SD = 0");
    hart.f[2] = D_ONE;
    hart.f[3] = D_ONE;
    exec32(F_ADD_D(1, 2, 3, 0));
    cr_assert_eq(hart.f[1], D_TWO, "1 + 1 = 2");
    cr_assert_eq(hart.mstatus & MSTATUS_FS, MSTATUS_FS_DIRTY, "FS = Dirty after an FP write");
    exec32(i_csrrs(5, CSR_MSTATUS, 0));
    cr_assert(hart.x[5] & MSTATUS_SD, "mstatus.SD reads 1");
    exec32(i_csrrs(6, CSR_SSTATUS, 0));
    cr_assert_eq(hart.x[6] & (MSTATUS_SD | MSTATUS_FS), MSTATUS_SD | MSTATUS_FS_DIRTY,
                 "sstatus shows FS and SD");
    hart.x[1] = MSTATUS_FS;
    exec32(i_csrrc(0, CSR_SSTATUS, 1));
    cr_assert_eq(hart.mstatus & (MSTATUS_FS | MSTATUS_SD), 0, "FS written Off through sstatus");
    uint64_t misa;
    cr_assert(csr_read(&hart, CSR_MISA, &misa));
    cr_assert(misa & (1u << ('F' - 'A')) && misa & (1u << ('D' - 'A')), "misa has F and D");
}

/* "Floating-Point Control and Status Register": fflags, frm and fcsr are views of one register;
 * flags accumulate. */
Test(fd, fcsr_views_and_flag_accrual)
{
    fp_on();
    hart.x[1] = 0xe5; /* frm = 7, fflags = NV | UF | NX */
    exec32(i_csrrw(0, CSR_FCSR, 1));
    exec32(i_csrrs(2, CSR_FRM, 0));
    exec32(i_csrrs(3, CSR_FFLAGS, 0));
    cr_assert_eq(hart.x[2], 7);
    cr_assert_eq(hart.x[3], 0x05);
    exec32(i_csrrwi(0, CSR_FRM, 1)); /* RTZ */
    exec32(i_csrrwi(0, CSR_FFLAGS, 0));
    hart.f[1] = box(S_ONE);
    hart.f[2] = box(0x33800001u); /* just over 2^-24: RNE would round up */
    exec32(F_ADD_S(3, 1, 2, RM_FIELD_DYN));
    cr_assert_eq(hart.f[3], box(S_ONE), "DYN uses frm = RTZ");
    exec32(F_ADD_S(4, 1, 2, RM_RNE));
    cr_assert_eq(hart.f[4], box(S_ONE + 1), "a static rm overrides frm");
    hart.f[5] = D_ONE;
    hart.f[6] = D_PZERO;
    exec32(fp_r(0x0d, 6, 5, RM_FIELD_DYN, 7)); /* fdiv.d f7, f5, f6 */
    exec32(i_csrrs(8, CSR_FCSR, 0));
    cr_assert_eq(hart.x[8], 1 << 5 | FFLAG_DZ | FFLAG_NX, "flags accrue: NX, then DZ");
}

/* Rounding modes: rm 5 and 6 are reserved; DYN with an invalid frm is illegal too. */
Test(fd, reserved_rounding_modes_are_illegal)
{
    fp_on();
    exec32(F_ADD_D(1, 2, 3, 5));
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN, "rm = 5");
    hart.pc = CODE_BASE + 0x100;
    code_at(CODE_BASE + 0x100);
    hart.mcause = 0;
    hart.fcsr = 6 << 5;
    exec32(F_ADD_D(1, 2, 3, RM_FIELD_DYN));
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN, "DYN with frm = 6");
    hart.pc = CODE_BASE + 0x200;
    code_at(CODE_BASE + 0x200);
    hart.mcause = 0;
    exec32(fp_r(0x10, 3, 2, 0, 1)); /* fsgnj.s: bits 14:12 are not a rounding mode */
    cr_assert_eq(hart.mcause, 0, "fsgnj does not read frm");
}

/* FP loads and stores move bits; FLW NaN-boxes; f0 is a real register. */
Test(fd, loads_and_stores)
{
    fp_on();
    poke64(DATA_BASE, 0x1122334455667788ull);
    hart.x[10] = DATA_BASE;
    exec32(F_FLW(0, 4, 10));
    cr_assert_eq(hart.f[0], 0xffffffff11223344ull, "flw into f0 boxes the word");
    exec32(F_FLD(1, 0, 10));
    cr_assert_eq(hart.f[1], 0x1122334455667788ull);
    hart.f[2] = 0x00000000cafef00dull; /* improperly boxed: fsw stores the bits anyway */
    exec32(F_FSW(2, 8, 10));
    cr_assert_eq(peek32(DATA_BASE + 8), 0xcafef00du);
    exec32(F_FSD(1, 16, 10));
    cr_assert_eq(peek64(DATA_BASE + 16), 0x1122334455667788ull);
    /* Misaligned: handled like the integer loads (performed). */
    exec32(F_FLD(3, 3, 10));
    exec32(i_ld(4, 3, 10));
    cr_assert_eq(hart.f[3], hart.x[4], "misaligned fld behaves as ld");
    /* Faults: same cause as an integer load. */
    hart.x[11] = UNMAPPED_ADDR;
    exec32(F_FLD(5, 0, 11));
    cr_assert_eq(hart.mcause, EXC_LOAD_ACCESS, "fld from nothing: load access fault");
    cr_assert_eq(hart.mtval, UNMAPPED_ADDR);
    hart.pc = CODE_BASE + 0x100;
    hart.x[11] = UNMAPPED_ADDR + 8;
    exec32(F_FSW(1, 0, 11));
    cr_assert_eq(hart.mcause, EXC_STORE_ACCESS, "fsw to nothing: store access fault");
    cr_assert_eq(hart.mtval, UNMAPPED_ADDR + 8);
}

/* C chapter, load/store forms: C.FLD, C.FSD, C.FLDSP, C.FSDSP (parcels from
 * riscv64-unknown-elf-as). */
Test(fd, compressed_fp_loads_and_stores)
{
    fp_on();
    hart.x[2] = DATA_BASE;
    poke64(DATA_BASE + 8, 0x400921fb54442d18ull);
    exec16(0x2022); /* c.fldsp ft0, 8(sp) */
    cr_assert_eq(hart.f[0], 0x400921fb54442d18ull, "c.fldsp into f0");
    cr_assert_eq(hart.pc, CODE_BASE + 2);
    hart.f[31] = 0x0123456789abcdefull;
    exec16(0xbffe); /* c.fsdsp ft11, 504(sp) */
    cr_assert_eq(peek64(DATA_BASE + 504), 0x0123456789abcdefull, "c.fsdsp");
    hart.x[15] = DATA_BASE + 256;
    exec16(0x3fe0); /* c.fld fs0, 248(a5) */
    cr_assert_eq(hart.f[8], 0x0123456789abcdefull, "c.fld");
    hart.x[8] = DATA_BASE + 1024;
    hart.f[15] = D_INF;
    exec16(0xa41c); /* c.fsd fa5, 8(s0) */
    cr_assert_eq(peek64(DATA_BASE + 1032), D_INF, "c.fsd");
}

Test(fd, moves_compares_classify_and_conversions)
{
    fp_on();
    hart.x[1] = 0x80000000u;
    exec32(fp_r(0x78, 0, 1, 0, 2)); /* fmv.w.x f2, x1 */
    cr_assert_eq(hart.f[2], box(S_NZERO), "fmv.w.x boxes");
    hart.f[3] = 0x12345678bf800000ull;
    exec32(fp_r(0x70, 0, 3, 0, 4)); /* fmv.x.w x4, f3 */
    cr_assert_eq(hart.x[4], 0xffffffffbf800000ull, "fmv.x.w: low 32 bits sign-extended, no check");
    exec32(fp_r(0x71, 0, 3, 0, 5)); /* fmv.x.d x5, f3 */
    cr_assert_eq(hart.x[5], 0x12345678bf800000ull);
    hart.f[6] = D_ONE;
    hart.f[7] = D_TWO;
    exec32(fp_r(0x51, 7, 6, 1, 8)); /* flt.d x8, f6, f7 */
    cr_assert_eq(hart.x[8], 1);
    exec32(fp_r(0x71, 0, 6, 1, 9)); /* fclass.d x9, f6 */
    cr_assert_eq(hart.x[9], 1 << 6, "positive normal");
    hart.f[10] = dbits(-7.5);
    exec32(fp_r(0x61, 0, 10, RM_RMM, 11)); /* fcvt.w.d x11, f10, rmm */
    cr_assert_eq(hart.x[11], (uint64_t)-8, "-7.5 ties away to -8");
    hart.x[12] = (uint64_t)-3;
    exec32(fp_r(0x69, 2, 12, 0, 13)); /* fcvt.d.l f13, x12 */
    cr_assert_eq(hart.f[13], dbits(-3.0));
    exec32(fp_r(0x20, 1, 13, 0, 14)); /* fcvt.s.d f14, f13 */
    cr_assert_eq(hart.f[14], box(sbits(-3.0f)));
    exec32(fp_r(0x21, 0, 14, 0, 15)); /* fcvt.d.s f15, f14 */
    cr_assert_eq(hart.f[15], dbits(-3.0));
    hart.f[16] = D_TWO;
    exec32(fp_r(0x2d, 0, 16, 0, 17)); /* fsqrt.d f17, f16 */
    cr_assert_eq(hart.f[17], dbits(sqrt(2.0)));
    hart.f[18] = dbits(3.0);
    exec32(fp_r4(OPC_MADD, 1, 16, 18, 17, 0, 19)); /* fmadd.d f19, f17, f18, f16 */
    cr_assert_eq(hart.f[19], dbits(fma(sqrt(2.0), 3.0, 2.0)), "fmadd.d reads rs3");
    exec32(fp_r(0x15, 6, 7, 0, 0)); /* fmin.d f0, f7, f6 */
    cr_assert_eq(hart.f[0], D_ONE, "fmin.d into f0");
    exec32(fp_r(0x51, 7, 6, 2, 0)); /* feq.d x0, f6, f7: x0 stays 0 */
    cr_assert_eq(hart.x[0], 0);
}

/* The disassembler draws FP forms from the same table: f registers by ABI name, a static
 * rounding mode as a trailing operand (expected text from riscv64-unknown-elf-objdump). */
Test(fd, disassembly_of_fp_instructions)
{
    struct {
        uint32_t lo, hi;
        const char *want;
    } cases[] = {
        {0x10d3, 0x0031, "fadd.s ft1, ft2, ft3, rtz"},
        {0x40c3, 0x2231, "fmadd.d ft1, ft2, ft3, ft4, rmm"},
        {0x32d3, 0xc203, "fcvt.w.d t0, ft6, rup"},
        {0x3487, 0x0035, "fld fs1, 3(a0)"},
        {0x2022, 0, "fld ft0, 8(sp)"},            /* c.fldsp */
        {0xa41c, 0, "fsd fa5, 8(s0)"},            /* c.fsd */
        {0x7053, 0x0220, "fadd.d ft0, ft0, ft2"}, /* rm = DYN: no suffix */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct decoded d;
        cr_assert(rv_decode_parcels((uint16_t)cases[i].lo, (uint16_t)cases[i].hi, &d),
                  "decodes: %s", cases[i].want);
        char buf[80];
        disas_format(buf, sizeof(buf), 0, &d);
        cr_assert_str_eq(buf, cases[i].want);
    }
}
