/* IEEE 754 binary16/binary32/binary64 arithmetic in integers (cpu/fpu.h).
 *
 * Every operation follows one pattern: unpack the operands into sign, kind and an integer
 * significand with its exponent; settle NaNs, infinities and zeros by the rules of the unpriv
 * spec (ch. 20/21) and IEEE 754-2019 clause 7; compute the exact result as a wide integer
 * (products and quotients in 128 bits) in which everything below the last kept bit is folded
 * into a "sticky" bit 0; then round once, in round_pack, which knows all five rounding modes,
 * overflow, and underflow with tininess detected after rounding (as RISC-V does: unpriv spec
 * "Subnormal Arithmetic"; IEEE 754-2019 7.5 allows either).
 *
 * Why sticky bits are enough: a value known only to lie strictly between two integers is
 * stored as the lower one with bit 0 set (an odd integer). Every rounding boundary at least
 * two bits above bit 0 is even, so the odd stand-in and the true value round alike, in every
 * mode. round_pack keeps at least ten bits below the rounding point. */
#include "fpu.h"

#include <math.h>
#include <string.h>

typedef unsigned __int128 u128;

/* A binary interchange format: fraction bits, exponent bias, sign position. */
struct format {
    unsigned frac_bits;
    int bias;
    unsigned exp_all_ones; /* biased exponent field of infinities and NaNs */
    unsigned sign_bit;
};
static const struct format formats[3] = {
    [FPU_S] = {23, 127, 0xff, 31},
    [FPU_D] = {52, 1023, 0x7ff, 63},
    [FPU_H] = {10, 15, 0x1f, 15}, /* "Zfh and Zfhmin": IEEE 754-2008 binary16 */
};

enum kind { K_ZERO, K_FINITE, K_INF, K_QNAN, K_SNAN };

/* A finite nonzero value is (-1)^sign * sig * 2^exp with sig normalized: its leading one at
 * bit frac_bits (subnormals are normalized on unpacking). */
struct unpacked {
    bool sign;
    enum kind kind;
    int exp;
    uint64_t sig;
};

static bool is_nan(const struct unpacked *u)
{
    return u->kind == K_QNAN || u->kind == K_SNAN;
}

/* The raw bits of an operand: a single or half is unboxed (improper boxing = canonical NaN). */
static uint64_t raw_of(enum fpu_fmt fmt, uint64_t reg)
{
    return fmt == FPU_S ? fpu_unbox_s(reg) : fmt == FPU_H ? fpu_unbox_h(reg) : reg;
}
/* The register value of a result: a single or half is boxed. */
static uint64_t reg_of(enum fpu_fmt fmt, uint64_t bits)
{
    return fmt == FPU_S   ? fpu_box_s((uint32_t)bits)
           : fmt == FPU_H ? fpu_box_h((uint16_t)bits)
                          : bits;
}

static uint64_t canonical_nan(enum fpu_fmt fmt)
{
    return fmt == FPU_S   ? FPU_CANONICAL_NAN_S
           : fmt == FPU_H ? FPU_CANONICAL_NAN_H
                          : FPU_CANONICAL_NAN_D;
}
static uint64_t sign_bits(enum fpu_fmt fmt, bool sign)
{
    return (uint64_t)sign << formats[fmt].sign_bit;
}
static uint64_t infinity(enum fpu_fmt fmt, bool sign)
{
    const struct format *f = &formats[fmt];
    return sign_bits(fmt, sign) | (uint64_t)f->exp_all_ones << f->frac_bits;
}
static uint64_t zero(enum fpu_fmt fmt, bool sign)
{
    return sign_bits(fmt, sign);
}

static struct unpacked unpack(enum fpu_fmt fmt, uint64_t bits)
{
    const struct format *f = &formats[fmt];
    struct unpacked u = {.sign = (bits >> f->sign_bit) & 1};
    uint64_t frac = bits & ((1ull << f->frac_bits) - 1);
    unsigned biased = (unsigned)(bits >> f->frac_bits) & f->exp_all_ones;
    if (biased == f->exp_all_ones) {
        /* The most significant fraction bit tells a quiet NaN from a signaling one ("NaN Generation
         * and Propagation"). */
        u.kind = frac == 0 ? K_INF : (frac >> (f->frac_bits - 1)) & 1 ? K_QNAN : K_SNAN;
    } else if (biased == 0) {
        if (frac == 0) {
            u.kind = K_ZERO;
        } else { /* subnormal: 0.frac * 2^(1 - bias); normalize the leading one */
            unsigned shift = (unsigned)__builtin_clzll(frac) - (63 - f->frac_bits);
            u.kind = K_FINITE;
            u.sig = frac << shift;
            u.exp = 1 - f->bias - (int)f->frac_bits - (int)shift;
        }
    } else {
        u.kind = K_FINITE;
        u.sig = frac | 1ull << f->frac_bits;
        u.exp = (int)biased - f->bias - (int)f->frac_bits;
    }
    return u;
}

/* v / 2^n with the bits shifted out ORed into bit 0. */
static uint64_t shift_right_jam64(uint64_t v, unsigned n)
{
    if (n == 0) return v;
    if (n >= 64) return v != 0;
    return v >> n | ((v & ((1ull << n) - 1)) != 0);
}
static u128 shift_right_jam128(u128 v, unsigned n)
{
    if (n == 0) return v;
    if (n >= 128) return v != 0;
    return v >> n | ((v & (((u128)1 << n) - 1)) != 0);
}
static unsigned clz128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    return hi ? (unsigned)__builtin_clzll(hi) : 64 + (unsigned)__builtin_clzll((uint64_t)v);
}

/* sig / 2^shift rounded to an integer by rm (the sign only matters to RDN and RUP). */
static uint64_t round_shifted(uint64_t sig, unsigned shift, bool sign, unsigned rm, bool *inexact)
{
    uint64_t q;
    int vs_half; /* the discarded part compared with one half: -1, 0, 1 */
    bool nonzero;
    if (shift == 0) {
        q = sig, nonzero = false, vs_half = -1;
    } else if (shift >= 64) {
        q = 0, nonzero = sig != 0;
        uint64_t half = 1ull << 63;
        vs_half = shift > 64 || sig < half ? -1 : sig == half ? 0 : 1;
    } else {
        q = sig >> shift;
        uint64_t rem = sig & ((1ull << shift) - 1), half = 1ull << (shift - 1);
        nonzero = rem != 0;
        vs_half = rem < half ? -1 : rem == half ? 0 : 1;
    }
    bool up;
    switch (rm) {
    case RM_RNE: up = vs_half > 0 || (vs_half == 0 && (q & 1)); break;
    case RM_RMM: up = vs_half >= 0; break; /* ties away from zero */
    case RM_RDN: up = nonzero && sign; break;
    case RM_RUP: up = nonzero && !sign; break;
    default: up = false; break; /* RTZ */
    }
    *inexact = nonzero;
    return q + up;
}

/* Overflow (IEEE 754-2019 7.4): infinity, or the largest finite number when the rounding mode
 * points toward zero from the result's side. */
static uint64_t overflow(enum fpu_fmt fmt, bool sign, unsigned rm, unsigned *flags)
{
    *flags |= FFLAG_OF | FFLAG_NX;
    bool to_inf = rm == RM_RNE || rm == RM_RMM || (rm == RM_RDN && sign) || (rm == RM_RUP && !sign);
    uint64_t inf = infinity(fmt, sign);
    return to_inf ? inf : inf - 1; /* one below infinity: all-ones fraction, top finite exponent */
}

/* Round (-1)^sign * sig * 2^exp (sig != 0, bit 0 possibly sticky) to the format. */
static uint64_t round_pack(enum fpu_fmt fmt, bool sign, int exp, uint64_t sig, unsigned rm,
                           unsigned *flags)
{
    const struct format *f = &formats[fmt];
    /* Leading one to bit 62: the rounding point then has at least 10 bits below it. */
    unsigned lz = (unsigned)__builtin_clzll(sig);
    if (lz == 0) {
        sig = shift_right_jam64(sig, 1);
        exp += 1;
    } else {
        sig <<= lz - 1;
        exp -= (int)lz - 1;
    }
    int e = exp + 62; /* exponent of the leading one */
    const int emin = 1 - f->bias, emax = f->bias;
    const unsigned normal_shift = 62 - f->frac_bits;
    const uint64_t carry = 1ull << (f->frac_bits + 1); /* the rounded significand overflowed */
    bool inexact;

    if (e >= emin) {
        uint64_t q = round_shifted(sig, normal_shift, sign, rm, &inexact);
        if (q & carry) { /* rounded up to the next power of two */
            q >>= 1;
            e++;
        }
        if (e > emax) return overflow(fmt, sign, rm, flags);
        if (inexact) *flags |= FFLAG_NX;
        return sign_bits(fmt, sign) | (uint64_t)(e + f->bias) << f->frac_bits |
               (q & ((1ull << f->frac_bits) - 1));
    }
    /* Tiny before rounding: round on the subnormal grid, weight 2^(emin - frac_bits). A
     * result that reaches 2^emin packs as the smallest normal: its carry lands in the
     * exponent field. */
    unsigned shift = normal_shift + (unsigned)(emin - e);
    uint64_t q = round_shifted(sig, shift > 64 ? 65 : shift, sign, rm, &inexact);
    /* Tininess after rounding: the value rounded to full precision with an unbounded
     * exponent is still below 2^emin (only [2^(emin-1), 2^emin) can round out of it). */
    bool tiny = true;
    if (e == emin - 1) {
        bool ignored;
        tiny = !(round_shifted(sig, normal_shift, sign, rm, &ignored) & carry);
    }
    if (inexact) *flags |= tiny ? FFLAG_NX | FFLAG_UF : FFLAG_NX;
    return sign_bits(fmt, sign) | q;
}

static uint64_t round_pack128(enum fpu_fmt fmt, bool sign, int exp, u128 sig, unsigned rm,
                              unsigned *flags)
{
    if (sig >> 64) {
        unsigned n = 64 - clz128(sig);
        sig = shift_right_jam128(sig, n);
        exp += (int)n;
    }
    return round_pack(fmt, sign, exp, (uint64_t)sig, rm, flags);
}

/* A finite value exactly (used where IEEE returns an operand unchanged, e.g. x + 0). */
static uint64_t pack_exact(enum fpu_fmt fmt, const struct unpacked *u)
{
    unsigned ignored = 0;
    return round_pack(fmt, u->sign, u->exp, u->sig, RM_RNE, &ignored);
}

/* NaN operands ("NaN Generation and Propagation"): the result is the canonical NaN; a signaling NaN
 * raises NV. */
static bool nan_result(const struct unpacked *x, const struct unpacked *y, const struct unpacked *z,
                       unsigned *flags)
{
    if (x->kind == K_SNAN || y->kind == K_SNAN || z->kind == K_SNAN) *flags |= FFLAG_NV;
    return is_nan(x) || is_nan(y) || is_nan(z);
}

/* Sign of an exact zero sum of operands of opposite signs (IEEE 754-2019 6.3): +0, but -0
 * when rounding toward negative infinity. */
static bool cancel_sign(unsigned rm)
{
    return rm == RM_RDN;
}

static uint64_t add(enum fpu_fmt fmt, struct unpacked x, struct unpacked y, unsigned rm,
                    unsigned *flags)
{
    const struct unpacked none = {.kind = K_ZERO};
    if (nan_result(&x, &y, &none, flags)) return canonical_nan(fmt);
    if (x.kind == K_INF) {
        if (y.kind == K_INF && x.sign != y.sign) {
            *flags |= FFLAG_NV; /* inf - inf */
            return canonical_nan(fmt);
        }
        return infinity(fmt, x.sign);
    }
    if (y.kind == K_INF) return infinity(fmt, y.sign);
    if (x.kind == K_ZERO && y.kind == K_ZERO)
        return zero(fmt, x.sign == y.sign ? x.sign : cancel_sign(rm));
    if (x.kind == K_ZERO) return pack_exact(fmt, &y);
    if (y.kind == K_ZERO) return pack_exact(fmt, &x);

    /* Both finite and nonzero: significands to bit 61, the smaller one aligned (sticky). */
    const unsigned up = 61 - formats[fmt].frac_bits;
    if (x.exp < y.exp) {
        struct unpacked t = x;
        x = y;
        y = t;
    }
    uint64_t a = x.sig << up, b = shift_right_jam64(y.sig << up, (unsigned)(x.exp - y.exp));
    int e = x.exp - (int)up;
    if (x.sign == y.sign) return round_pack(fmt, x.sign, e, a + b, rm, flags);
    if (a == b) return zero(fmt, cancel_sign(rm));
    return a > b ? round_pack(fmt, x.sign, e, a - b, rm, flags)
                 : round_pack(fmt, y.sign, e, b - a, rm, flags);
}

static uint64_t mul(enum fpu_fmt fmt, const struct unpacked *x, const struct unpacked *y,
                    unsigned rm, unsigned *flags)
{
    const struct unpacked none = {.kind = K_ZERO};
    if (nan_result(x, y, &none, flags)) return canonical_nan(fmt);
    bool sign = x->sign ^ y->sign;
    if ((x->kind == K_INF && y->kind == K_ZERO) || (x->kind == K_ZERO && y->kind == K_INF)) {
        *flags |= FFLAG_NV; /* inf * 0 */
        return canonical_nan(fmt);
    }
    if (x->kind == K_INF || y->kind == K_INF) return infinity(fmt, sign);
    if (x->kind == K_ZERO || y->kind == K_ZERO) return zero(fmt, sign);
    return round_pack128(fmt, sign, x->exp + y->exp, (u128)x->sig * y->sig, rm, flags);
}

static uint64_t divide(enum fpu_fmt fmt, const struct unpacked *x, const struct unpacked *y,
                       unsigned rm, unsigned *flags)
{
    const struct unpacked none = {.kind = K_ZERO};
    if (nan_result(x, y, &none, flags)) return canonical_nan(fmt);
    bool sign = x->sign ^ y->sign;
    if ((x->kind == K_INF && y->kind == K_INF) || (x->kind == K_ZERO && y->kind == K_ZERO)) {
        *flags |= FFLAG_NV; /* inf/inf, 0/0 */
        return canonical_nan(fmt);
    }
    if (x->kind == K_INF) return infinity(fmt, sign);
    if (y->kind == K_INF) return zero(fmt, sign);
    if (y->kind == K_ZERO) {
        *flags |= FFLAG_DZ; /* finite nonzero / 0 */
        return infinity(fmt, sign);
    }
    if (x->kind == K_ZERO) return zero(fmt, sign);
    /* Quotient of the significands with 64 more bits (more than 63 significant bits, since
     * both are normalized), the remainder folded into the sticky bit. */
    u128 n = (u128)x->sig << 64;
    u128 q = n / y->sig;
    q |= (n % y->sig) != 0;
    return round_pack128(fmt, sign, x->exp - y->exp - 64, q, rm, flags);
}

/* Integer square root of n, rounded down, digit by digit (two bits of n per root bit). */
static uint64_t isqrt128(u128 n, bool *exact)
{
    u128 rem = 0, root = 0;
    for (int i = 126; i >= 0; i -= 2) {
        rem = rem << 2 | ((n >> i) & 3);
        u128 trial = root << 2 | 1;
        root <<= 1;
        if (rem >= trial) {
            rem -= trial;
            root |= 1;
        }
    }
    *exact = rem == 0;
    return (uint64_t)root;
}

static uint64_t square_root(enum fpu_fmt fmt, const struct unpacked *x, unsigned rm,
                            unsigned *flags)
{
    const struct unpacked none = {.kind = K_ZERO};
    if (nan_result(x, &none, &none, flags)) return canonical_nan(fmt);
    if (x->kind == K_ZERO) return zero(fmt, x->sign); /* sqrt(-0) = -0 */
    if (x->sign) {
        *flags |= FFLAG_NV; /* negative, including -inf */
        return canonical_nan(fmt);
    }
    if (x->kind == K_INF) return infinity(fmt, false);
    /* sqrt(sig * 2^exp) with exp made even, sig scaled by 2^72 for 62+ root bits. */
    uint64_t sig = x->sig;
    int exp = x->exp;
    if (exp & 1) {
        sig <<= 1;
        exp -= 1;
    }
    bool exact;
    uint64_t root = isqrt128((u128)sig << 72, &exact);
    return round_pack(fmt, false, (exp - 72) / 2, root | !exact, rm, flags);
}

/* (-1)^negate_product * x*y + (-1)^negate_addend * z, rounded once. */
static uint64_t fused(enum fpu_fmt fmt, const struct unpacked *x, const struct unpacked *y,
                      const struct unpacked *z, bool negate_product, bool negate_addend,
                      unsigned rm, unsigned *flags)
{
    /* Fused multiply-add: inf * 0 raises NV even when the addend is a quiet NaN. */
    if ((x->kind == K_INF && y->kind == K_ZERO) || (x->kind == K_ZERO && y->kind == K_INF)) {
        *flags |= FFLAG_NV;
        return canonical_nan(fmt);
    }
    if (nan_result(x, y, z, flags)) return canonical_nan(fmt);
    bool ps = x->sign ^ y->sign ^ negate_product, zs = z->sign ^ negate_addend;
    if (x->kind == K_INF || y->kind == K_INF) {
        if (z->kind == K_INF && zs != ps) {
            *flags |= FFLAG_NV; /* inf - inf */
            return canonical_nan(fmt);
        }
        return infinity(fmt, ps);
    }
    if (z->kind == K_INF) return infinity(fmt, zs);
    if (x->kind == K_ZERO || y->kind == K_ZERO) {
        if (z->kind == K_ZERO) return zero(fmt, ps == zs ? ps : cancel_sign(rm));
        struct unpacked zz = *z;
        zz.sign = zs;
        return pack_exact(fmt, &zz);
    }
    u128 p = (u128)x->sig * y->sig; /* exact: at most 106 bits */
    int pe = x->exp + y->exp;
    if (z->kind == K_ZERO) return round_pack128(fmt, ps, pe, p, rm, flags);

    /* Both terms with their leading one at bit 125 (each then has 20+ zero bits at the
     * bottom), the smaller aligned to the larger with a sticky bit. */
    unsigned lp = 127 - clz128(p);
    p <<= 125 - lp;
    pe -= (int)(125 - lp);
    unsigned up = 125 - formats[fmt].frac_bits;
    u128 c = (u128)z->sig << up;
    int ce = z->exp - (int)up, e;
    if (pe >= ce) {
        c = shift_right_jam128(c, (unsigned)(pe - ce > 200 ? 200 : pe - ce));
        e = pe;
    } else {
        p = shift_right_jam128(p, (unsigned)(ce - pe > 200 ? 200 : ce - pe));
        e = ce;
    }
    if (ps == zs) return round_pack128(fmt, ps, e, p + c, rm, flags);
    if (p == c) return zero(fmt, cancel_sign(rm));
    return p > c ? round_pack128(fmt, ps, e, p - c, rm, flags)
                 : round_pack128(fmt, zs, e, c - p, rm, flags);
}

/* ---- the host fast path ----
 * Most FP programs run in round-to-nearest-even with NX accrued early and never cleared. Then,
 * for normal or zero operands whose result is normal (and not within a factor of two of the
 * smallest normal), the host's own IEEE 754 arithmetic gives the same bits (IEEE results are
 * unique), and the only flag the operation could raise is NX, which is set already: no NaN,
 * infinity, division by zero, overflow or underflow is possible. (QEMU's "hardfloat" relies on the
 * same argument.) Everything else takes the exact integer path below. The host computes in its
 * default round-to-nearest mode: rv39 never changes the host's rounding mode. */
static bool fast_operand(enum fpu_fmt fmt, uint64_t bits)
{
    const struct format *f = &formats[fmt];
    unsigned biased = (unsigned)(bits >> f->frac_bits) & f->exp_all_ones;
    bool zero = (bits & ~sign_bits(fmt, true)) == 0;
    return zero || (biased != 0 && biased != f->exp_all_ones);
}
/* A result whose biased exponent is 1 is refused too: the smallest normal magnitudes can be
 * the rounding of a value below 2^emin, which is tiny after rounding and so underflows
 * (round_pack); above 2^(emin + 1) nothing can. */
static bool fast_result(enum fpu_fmt fmt, uint64_t bits)
{
    const struct format *f = &formats[fmt];
    unsigned biased = (unsigned)(bits >> f->frac_bits) & f->exp_all_ones;
    return biased > 1 && biased != f->exp_all_ones;
}

static bool host_arith(enum fpu_arith op, enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c,
                       uint64_t *out)
{
    /* Half precision has no host type here: always the integer path. */
    if (fmt == FPU_H || op == FPU_SQRT || !fast_operand(fmt, a) || !fast_operand(fmt, b))
        return false;
    if (op >= FPU_MADD && !fast_operand(fmt, c)) return false;
    if (op == FPU_DIV && (b & ~sign_bits(fmt, true)) == 0) return false; /* DZ or 0/0 */
    uint64_t r;
    if (fmt == FPU_D) {
        double x, y, z, v;
        memcpy(&x, &a, 8), memcpy(&y, &b, 8), memcpy(&z, &c, 8);
        switch (op) {
        case FPU_ADD: v = x + y; break;
        case FPU_SUB: v = x - y; break;
        case FPU_MUL: v = x * y; break;
        case FPU_DIV: v = x / y; break;
        case FPU_MADD: v = fma(x, y, z); break;
        case FPU_MSUB: v = fma(x, y, -z); break;
        case FPU_NMSUB: v = fma(-x, y, z); break;
        default: v = fma(-x, y, -z); break;
        }
        memcpy(&r, &v, 8);
    } else {
        uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, c32 = (uint32_t)c, r32;
        float x, y, z, v;
        memcpy(&x, &a32, 4), memcpy(&y, &b32, 4), memcpy(&z, &c32, 4);
        switch (op) {
        case FPU_ADD: v = x + y; break;
        case FPU_SUB: v = x - y; break;
        case FPU_MUL: v = x * y; break;
        case FPU_DIV: v = x / y; break;
        case FPU_MADD: v = fmaf(x, y, z); break;
        case FPU_MSUB: v = fmaf(x, y, -z); break;
        case FPU_NMSUB: v = fmaf(-x, y, z); break;
        default: v = fmaf(-x, y, -z); break;
        }
        memcpy(&r32, &v, 4);
        r = r32;
    }
    if (!fast_result(fmt, r)) return false;
    *out = r;
    return true;
}

uint64_t fpu_arith(enum fpu_arith op, enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c,
                   unsigned rm, unsigned *flags)
{
    if (rm == RM_RNE && (*flags & FFLAG_NX)) {
        uint64_t r;
        if (host_arith(op, fmt, raw_of(fmt, a), raw_of(fmt, b), raw_of(fmt, c), &r))
            return reg_of(fmt, r);
    }
    struct unpacked x = unpack(fmt, raw_of(fmt, a)), y = unpack(fmt, raw_of(fmt, b));
    struct unpacked z = {.kind = K_ZERO};
    if (op >= FPU_MADD) z = unpack(fmt, raw_of(fmt, c));
    uint64_t r;
    switch (op) {
    case FPU_ADD: r = add(fmt, x, y, rm, flags); break;
    case FPU_SUB:
        y.sign = !y.sign;
        r = add(fmt, x, y, rm, flags);
        break;
    case FPU_MUL: r = mul(fmt, &x, &y, rm, flags); break;
    case FPU_DIV: r = divide(fmt, &x, &y, rm, flags); break;
    case FPU_SQRT: r = square_root(fmt, &x, rm, flags); break;
    case FPU_MADD: r = fused(fmt, &x, &y, &z, false, false, rm, flags); break;
    case FPU_MSUB: r = fused(fmt, &x, &y, &z, false, true, rm, flags); break;
    case FPU_NMSUB: r = fused(fmt, &x, &y, &z, true, false, rm, flags); break;
    default: r = fused(fmt, &x, &y, &z, true, true, rm, flags); break; /* FPU_NMADD */
    }
    return reg_of(fmt, r);
}

uint64_t fpu_sgnj(enum fpu_sgnj kind, enum fpu_fmt fmt, uint64_t a, uint64_t b)
{
    uint64_t x = raw_of(fmt, a), y = raw_of(fmt, b), s = sign_bits(fmt, true);
    uint64_t r;
    switch (kind) {
    case FPU_SGNJ: r = (x & ~s) | (y & s); break;
    case FPU_SGNJN: r = (x & ~s) | (~y & s); break;
    default: r = x ^ (y & s); break; /* FPU_SGNJX */
    }
    return reg_of(fmt, r);
}

/* a < b for non-NaN values in the order of FMIN/FMAX, where -0 < +0. */
static bool less_signed_zero(enum fpu_fmt fmt, uint64_t a, uint64_t b)
{
    uint64_t s = sign_bits(fmt, true);
    bool sa = a & s, sb = b & s;
    if (sa != sb) return sa;
    return sa ? (a & ~s) > (b & ~s) : (a & ~s) < (b & ~s);
}

uint64_t fpu_minmax(bool max, enum fpu_fmt fmt, uint64_t a, uint64_t b, unsigned *flags)
{
    uint64_t ra = raw_of(fmt, a), rb = raw_of(fmt, b);
    struct unpacked x = unpack(fmt, ra), y = unpack(fmt, rb);
    if (x.kind == K_SNAN || y.kind == K_SNAN) *flags |= FFLAG_NV;
    if (is_nan(&x) && is_nan(&y)) return reg_of(fmt, canonical_nan(fmt));
    if (is_nan(&x)) return reg_of(fmt, rb);
    if (is_nan(&y)) return reg_of(fmt, ra);
    bool a_less = less_signed_zero(fmt, ra, rb);
    return reg_of(fmt, max == a_less ? rb : ra);
}

bool fpu_compare(enum fpu_cmp kind, enum fpu_fmt fmt, uint64_t a, uint64_t b, unsigned *flags)
{
    uint64_t ra = raw_of(fmt, a), rb = raw_of(fmt, b);
    struct unpacked x = unpack(fmt, ra), y = unpack(fmt, rb);
    if (is_nan(&x) || is_nan(&y)) {
        /* Compare instructions: FEQ is quiet (NV for signaling NaNs only), FLT and FLE signal on
         * any NaN. */
        if (kind != FPU_EQ || x.kind == K_SNAN || y.kind == K_SNAN) *flags |= FFLAG_NV;
        return false;
    }
    bool equal = ra == rb || (x.kind == K_ZERO && y.kind == K_ZERO); /* -0 == +0 */
    switch (kind) {
    case FPU_EQ: return equal;
    case FPU_LT: return !equal && less_signed_zero(fmt, ra, rb);
    default: return equal || less_signed_zero(fmt, ra, rb); /* FPU_LE */
    }
}

uint64_t fpu_classify(enum fpu_fmt fmt, uint64_t a)
{
    uint64_t bits = raw_of(fmt, a);
    struct unpacked u = unpack(fmt, bits);
    const struct format *f = &formats[fmt];
    bool subnormal = ((bits >> f->frac_bits) & f->exp_all_ones) == 0;
    unsigned bit;
    switch (u.kind) {
    case K_INF: bit = u.sign ? 0 : 7; break;
    case K_ZERO: bit = u.sign ? 3 : 4; break;
    case K_FINITE: bit = subnormal ? (u.sign ? 2 : 5) : (u.sign ? 1 : 6); break;
    case K_SNAN: bit = 8; break;
    default: bit = 9; break; /* quiet NaN */
    }
    return 1ull << bit;
}

/* Range of each integer type as magnitudes: the largest positive value, and the magnitude of
 * the most negative one. */
static void int_limits(enum fpu_int type, uint64_t *max_pos, uint64_t *max_neg)
{
    switch (type) {
    case FPU_W: *max_pos = INT32_MAX, *max_neg = 1ull << 31; break;
    case FPU_WU: *max_pos = UINT32_MAX, *max_neg = 0; break;
    case FPU_L: *max_pos = INT64_MAX, *max_neg = 1ull << 63; break;
    default: *max_pos = UINT64_MAX, *max_neg = 0; break; /* FPU_LU */
    }
}

/* The integer register value: 32-bit results are sign-extended, FCVT.WU included (unpriv
 * spec "Single-Precision Floating-Point Conversion and Move Instructions"). */
static uint64_t int_result(enum fpu_int type, bool negative, uint64_t magnitude)
{
    uint64_t v = negative ? -magnitude : magnitude;
    return type == FPU_W || type == FPU_WU ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

uint64_t fpu_to_int(enum fpu_int type, enum fpu_fmt fmt, uint64_t a, unsigned rm, unsigned *flags)
{
    struct unpacked x = unpack(fmt, raw_of(fmt, a));
    uint64_t max_pos, max_neg;
    int_limits(type, &max_pos, &max_neg);
    /* Invalid inputs (spec table): NaN and +inf give the largest value, -inf the smallest. */
    if (is_nan(&x) || (x.kind == K_INF && !x.sign)) {
        *flags |= FFLAG_NV;
        return int_result(type, false, max_pos);
    }
    if (x.kind == K_INF) {
        *flags |= FFLAG_NV;
        return int_result(type, true, max_neg);
    }
    if (x.kind == K_ZERO) return 0;

    uint64_t magnitude;
    bool inexact = false;
    if (x.exp >= 0) {
        if (x.exp + 64 - __builtin_clzll(x.sig) > 64) { /* 2^64 or more */
            *flags |= FFLAG_NV;
            return int_result(type, x.sign, x.sign ? max_neg : max_pos);
        }
        magnitude = x.sig << x.exp;
    } else {
        magnitude =
            round_shifted(x.sig, (unsigned)(-x.exp > 65 ? 65 : -x.exp), x.sign, rm, &inexact);
    }
    if (magnitude > (x.sign ? max_neg : max_pos)) { /* out of range after rounding */
        *flags |= FFLAG_NV;
        return int_result(type, x.sign, x.sign ? max_neg : max_pos);
    }
    if (inexact) *flags |= FFLAG_NX;
    return int_result(type, x.sign, magnitude);
}

uint64_t fpu_from_int(enum fpu_int type, enum fpu_fmt fmt, uint64_t x, unsigned rm, unsigned *flags)
{
    bool negative = false;
    uint64_t magnitude;
    switch (type) {
    case FPU_W: {
        int32_t v = (int32_t)(uint32_t)x;
        negative = v < 0;
        magnitude = negative ? -(uint64_t)(int64_t)v : (uint64_t)v;
        break;
    }
    case FPU_WU: magnitude = (uint32_t)x; break;
    case FPU_L:
        negative = (int64_t)x < 0;
        magnitude = negative ? -x : x;
        break;
    default: magnitude = x; break; /* FPU_LU */
    }
    if (magnitude == 0) return reg_of(fmt, zero(fmt, false));
    return reg_of(fmt, round_pack(fmt, negative, 0, magnitude, rm, flags));
}

uint64_t fpu_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, unsigned rm, unsigned *flags)
{
    struct unpacked x = unpack(from, raw_of(from, a));
    uint64_t r;
    if (is_nan(&x)) {
        if (x.kind == K_SNAN) *flags |= FFLAG_NV;
        r = canonical_nan(to);
    } else if (x.kind == K_INF) {
        r = infinity(to, x.sign);
    } else if (x.kind == K_ZERO) {
        r = zero(to, x.sign);
    } else {
        r = round_pack(to, x.sign, x.exp, x.sig, rm, flags);
    }
    return reg_of(to, r);
}
