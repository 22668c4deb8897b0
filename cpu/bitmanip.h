/* Bit-manipulation results (riscv-bitmanip 1.0.0, ch. 2 "Extensions", each instruction's
 * "Operation" pseudo-code), shared by the interpreter (cpu/exec_ops.inc), the JIT's helper
 * calls (cpu/jit_x86_64_bitmanip.c) and the tests. Pure functions of their operands. */
#ifndef RV39_BITMANIP_H
#define RV39_BITMANIP_H

#include <stdint.h>

/* clz/ctz of 0 is the operand width (64 or 32): the spec's loops run off the end. */
static inline uint64_t bm_clz(uint64_t v)
{
    return v ? (uint64_t)__builtin_clzll(v) : 64;
}
static inline uint64_t bm_ctz(uint64_t v)
{
    return v ? (uint64_t)__builtin_ctzll(v) : 64;
}
static inline uint64_t bm_clzw(uint64_t v)
{
    uint32_t w = (uint32_t)v;
    return w ? (uint64_t)__builtin_clz(w) : 32;
}
static inline uint64_t bm_ctzw(uint64_t v)
{
    uint32_t w = (uint32_t)v;
    return w ? (uint64_t)__builtin_ctz(w) : 32;
}
static inline uint64_t bm_cpop(uint64_t v)
{
    return (uint64_t)__builtin_popcountll(v);
}

static inline uint64_t bm_rol(uint64_t v, uint64_t n)
{
    unsigned s = (unsigned)n & 63;
    return s ? v << s | v >> (64 - s) : v;
}
static inline uint64_t bm_ror(uint64_t v, uint64_t n)
{
    unsigned s = (unsigned)n & 63;
    return s ? v >> s | v << (64 - s) : v;
}
/* rolw/rorw/roriw: rotate the low word by n mod 32, then sign-extend bit 31. */
static inline uint64_t bm_rolw(uint64_t v, uint64_t n)
{
    uint32_t w = (uint32_t)v;
    unsigned s = (unsigned)n & 31;
    return (uint64_t)(int64_t)(int32_t)(s ? w << s | w >> (32 - s) : w);
}
static inline uint64_t bm_rorw(uint64_t v, uint64_t n)
{
    uint32_t w = (uint32_t)v;
    unsigned s = (unsigned)n & 31;
    return (uint64_t)(int64_t)(int32_t)(s ? w >> s | w << (32 - s) : w);
}

/* orc.b: each byte becomes 0xff if any of its bits is set, else 0x00. */
static inline uint64_t bm_orc_b(uint64_t v)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i += 8)
        if ((v >> i) & 0xff) r |= 0xffull << i;
    return r;
}

/* Carry-less products (Zbc): clmul is the low 64 bits of the 127-bit XOR product, clmulh
 * bits 127:64, clmulr bits 126:63 (the spec's loops over i, with rs2 bit i selecting
 * rs1 shifted left by i, right by 64 - i, right by 63 - i). */
static inline uint64_t bm_clmul(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i++)
        if ((b >> i) & 1) r ^= a << i;
    return r;
}
static inline uint64_t bm_clmulh(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 1; i < 64; i++)
        if ((b >> i) & 1) r ^= a >> (64 - i);
    return r;
}
static inline uint64_t bm_clmulr(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i++)
        if ((b >> i) & 1) r ^= a >> (63 - i);
    return r;
}

#endif
