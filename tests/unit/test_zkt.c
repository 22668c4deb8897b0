/* Zkt (scalar crypto spec, "Data Independent Execution Latency") makes rv39 compute clz, ctz,
 * rotations, orc.b and the carry-less products without data-dependent branches
 * (cpu/bitmanip.h). Those rewrites must still give the bitmanip spec's results: each is
 * compared here with the spec's "Operation" loop, written plainly, on the edge operands (0,
 * 1, a single top bit, all ones, each single bit) and on pseudo-random ones. */
#include <criterion/criterion.h>

#include "cpu/bitmanip.h"

static uint64_t ref_clz(uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++)
        if ((v >> (width - 1 - i)) & 1) return i;
    return width;
}
static uint64_t ref_ctz(uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++)
        if ((v >> i) & 1) return i;
    return width;
}
static uint64_t ref_rol(uint64_t v, unsigned s, unsigned width)
{
    uint64_t mask = width == 64 ? ~0ull : 0xffffffffull;
    v &= mask;
    for (unsigned i = 0; i < s % width; i++)
        v = ((v << 1) | (v >> (width - 1))) & mask;
    return width == 64 ? v : (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}
static uint64_t ref_orc_b(uint64_t v)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i += 8)
        if ((v >> i) & 0xff) r |= 0xffull << i;
    return r;
}
/* clmul: rs2 bit i adds rs1 << i; clmulh: rs1 >> (64 - i) for i >= 1; clmulr: rs1 >> (63 - i). */
static uint64_t ref_clmul(uint64_t a, uint64_t b, int kind)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i++) {
        if (!((b >> i) & 1)) continue;
        if (kind == 0) r ^= a << i;
        if (kind == 1 && i > 0) r ^= a >> (64 - i);
        if (kind == 2) r ^= a >> (63 - i);
    }
    return r;
}

static uint64_t operands[64 + 8 + 256];
static unsigned count;

static void make_operands(void)
{
    count = 0;
    const uint64_t edges[] = {0,
                              1,
                              1ull << 63,
                              ~0ull,
                              0x80000000ull,
                              0xffffffffull,
                              0x00ff00ff00ff00ffull,
                              0x0101010101010101ull};
    for (unsigned i = 0; i < 8; i++)
        operands[count++] = edges[i];
    for (unsigned i = 0; i < 64; i++)
        operands[count++] = 1ull << i;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (unsigned i = 0; i < 256; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        operands[count++] = x >> (i % 61); /* leading zeros of every length */
    }
}

Test(zkt, counts_match_the_spec_loops)
{
    make_operands();
    for (unsigned k = 0; k < count; k++) {
        uint64_t v = operands[k];
        cr_assert_eq(bm_clz(v), ref_clz(v, 64), "clz(%#lx)", (unsigned long)v);
        cr_assert_eq(bm_ctz(v), ref_ctz(v, 64), "ctz(%#lx)", (unsigned long)v);
        cr_assert_eq(bm_clzw(v), ref_clz(v & 0xffffffff, 32), "clzw(%#lx)", (unsigned long)v);
        cr_assert_eq(bm_ctzw(v), ref_ctz(v & 0xffffffff, 32), "ctzw(%#lx)", (unsigned long)v);
        cr_assert_eq(bm_orc_b(v), ref_orc_b(v), "orc.b(%#lx)", (unsigned long)v);
    }
}

Test(zkt, rotations_match_the_spec_loops)
{
    make_operands();
    for (unsigned k = 0; k < count; k += 3)
        for (unsigned s = 0; s < 70; s++) {
            uint64_t v = operands[k];
            cr_assert_eq(bm_rol(v, s), ref_rol(v, s, 64), "rol %#lx by %u", (unsigned long)v, s);
            cr_assert_eq(bm_ror(v, s), ref_rol(v, (64 - s % 64) % 64, 64), "ror by %u", s);
            cr_assert_eq(bm_rolw(v, s), ref_rol(v, s, 32), "rolw %#lx by %u", (unsigned long)v, s);
            cr_assert_eq(bm_rorw(v, s), ref_rol(v, (32 - s % 32) % 32, 32), "rorw by %u", s);
        }
}

Test(zkt, carry_less_products_match_the_spec_loops)
{
    make_operands();
    for (unsigned i = 0; i < count; i += 2)
        for (unsigned j = 1; j < count; j += 5) {
            uint64_t a = operands[i], b = operands[j];
            cr_assert_eq(bm_clmul(a, b), ref_clmul(a, b, 0), "clmul %#lx %#lx", (unsigned long)a,
                         (unsigned long)b);
            cr_assert_eq(bm_clmulh(a, b), ref_clmul(a, b, 1), "clmulh %#lx %#lx", (unsigned long)a,
                         (unsigned long)b);
            cr_assert_eq(bm_clmulr(a, b), ref_clmul(a, b, 2), "clmulr %#lx %#lx", (unsigned long)a,
                         (unsigned long)b);
        }
}
