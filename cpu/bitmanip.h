/* Bit-manipulation results (riscv-bitmanip 1.0.0, ch. 2 "Extensions", each instruction's
 * "Operation" pseudo-code), shared by the interpreter (cpu/exec_ops.inc), the JIT's helper
 * calls (cpu/jit_x86_64_bitmanip.c) and the tests. Pure functions of their operands. */
#ifndef RV39_BITMANIP_H
#define RV39_BITMANIP_H

#include <stdint.h>

/* clz/ctz of 0 is the operand width (64 or 32): the spec's loops run off the end.
 * Zkt (scalar crypto spec, "Data Independent Execution Latency"): the listed instructions must
 * take the same time whatever their operands, so none of these helpers branches on data. The
 * zero case of clz/ctz is folded in arithmetically: setting a bit below (above) every other
 * leaves the count of a nonzero value as it is and turns 0 into width - 1, and (v == 0) adds
 * the last 1 (a setcc, not a jump). __builtin_clz/ctz are lzcnt/tzcnt or bsr/bsf, whose
 * latency does not depend on the value. */
static inline uint64_t bm_clz(uint64_t v)
{
    return (uint64_t)__builtin_clzll(v | 1) + (v == 0);
}
static inline uint64_t bm_ctz(uint64_t v)
{
    return (uint64_t)__builtin_ctzll(v | 1ull << 63) + (v == 0);
}
static inline uint64_t bm_clzw(uint64_t v)
{
    uint32_t w = (uint32_t)v;
    return (uint64_t)__builtin_clz(w | 1) + (w == 0);
}
static inline uint64_t bm_ctzw(uint64_t v)
{
    uint32_t w = (uint32_t)v;
    return (uint64_t)__builtin_ctz(w | 1u << 31) + (w == 0);
}
static inline uint64_t bm_cpop(uint64_t v)
{
    return (uint64_t)__builtin_popcountll(v);
}

/* Rotations: a shift by (width - s) mod width is 0 for s = 0, so v | v = v without a test. */
static inline uint64_t bm_rol(uint64_t v, uint64_t n)
{
    unsigned s = (unsigned)n & 63;
    return v << s | v >> ((64 - s) & 63);
}
static inline uint64_t bm_ror(uint64_t v, uint64_t n)
{
    unsigned s = (unsigned)n & 63;
    return v >> s | v << ((64 - s) & 63);
}
/* rolw/rorw/roriw: rotate the low word by n mod 32, then sign-extend bit 31. */
static inline uint64_t bm_rolw(uint64_t v, uint64_t n)
{
    uint32_t w = (uint32_t)v;
    unsigned s = (unsigned)n & 31;
    return (uint64_t)(int64_t)(int32_t)(w << s | w >> ((32 - s) & 31));
}
static inline uint64_t bm_rorw(uint64_t v, uint64_t n)
{
    uint32_t w = (uint32_t)v;
    unsigned s = (unsigned)n & 31;
    return (uint64_t)(int64_t)(int32_t)(w >> s | w << ((32 - s) & 31));
}

/* orc.b: each byte becomes 0xff if any of its bits is set, else 0x00. Per byte, (low 7
 * bits + 0x7f) carries into bit 7 exactly when they are not all 0 (and never into the next
 * byte); OR-ing the byte itself adds its own bit 7. */
static inline uint64_t bm_orc_b(uint64_t v)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
    uint64_t top = (((v & low7) + low7) | v) & ~low7;
    return (top >> 7) * 0xff;
}

/* Carry-less products (Zbc): clmul is the low 64 bits of the 127-bit XOR product, clmulh
 * bits 127:64, clmulr bits 126:63 (the spec's loops over i, with rs2 bit i selecting
 * rs1 shifted left by i, right by 64 - i, right by 63 - i). */
/* Zkt: rs2's bit i selects through a mask (0 or all ones), not a branch. */
static inline uint64_t bm_bit_mask(uint64_t b, unsigned i)
{
    return 0 - ((b >> i) & 1);
}
static inline uint64_t bm_clmul(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i++)
        r ^= (a << i) & bm_bit_mask(b, i);
    return r;
}
static inline uint64_t bm_clmulh(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 1; i < 64; i++)
        r ^= (a >> (64 - i)) & bm_bit_mask(b, i);
    return r;
}
static inline uint64_t bm_clmulr(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i++)
        r ^= (a >> (63 - i)) & bm_bit_mask(b, i);
    return r;
}

#endif
