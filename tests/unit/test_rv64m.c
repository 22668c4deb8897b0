/* The M extension executed on the hart: unpriv spec ch. 13 ("M" Standard Extension for
 * Integer Multiplication and Division). Division corner cases come from the spec's table
 * "Semantics for division by zero and division overflow" (13.2); products are worked by hand. */
#include <criterion/criterion.h>

#include "support/harness.h"

TestSuite(rv64m, .init = harness_init, .fini = harness_fini);

#define INT64_MIN_BITS 0x8000000000000000ull
#define ALL_ONES 0xffffffffffffffffull

/* Run `insn` (rd = x3, rs1 = x1, rs2 = x2) with the given operands; return x3. */
static uint64_t op(uint32_t (*enc)(unsigned, unsigned, unsigned), uint64_t a, uint64_t b)
{
    hart.x[1] = a;
    hart.x[2] = b;
    hart.x[3] = 0x5a5a5a5a5a5a5a5aull;
    exec32(enc(3, 1, 2));
    return hart.x[3];
}

#define CHECK(enc, a, b, want, rule)                                                               \
    do {                                                                                           \
        uint64_t got_ = op(i_##enc, (a), (b));                                                     \
        cr_assert_eq(got_, (uint64_t)(want), "%s %#lx, %#lx = %#lx, want %#lx: %s", #enc,          \
                     (unsigned long)(a), (unsigned long)(b), (unsigned long)got_,                  \
                     (unsigned long)(want), rule);                                                 \
    } while (0)

/* --- 13.1 multiplication --- */

Test(rv64m, mul_keeps_low_64_bits)
{
    CHECK(mul, 6, 7, 42, "small product");
    CHECK(mul, ALL_ONES, ALL_ONES, 1, "(-1) * (-1) low bits = 1");
    CHECK(mul, 0x100000000ull, 0x100000000ull, 0, "2^32 * 2^32 = 2^64 wraps to 0");
    CHECK(mul, INT64_MIN_BITS, ALL_ONES, INT64_MIN_BITS, "INT64_MIN * -1 wraps to INT64_MIN");
}

/* MULH: signed x signed, upper 64 bits of the 128-bit product. */
Test(rv64m, mulh_is_signed_by_signed)
{
    CHECK(mulh, ALL_ONES, ALL_ONES, 0, "(-1) * (-1) = 1: high half 0");
    CHECK(mulh, ALL_ONES, 1, ALL_ONES, "(-1) * 1 = -1: high half all ones");
    CHECK(mulh, INT64_MIN_BITS, INT64_MIN_BITS, 0x4000000000000000ull,
          "(-2^63)^2 = 2^126: high half 2^62");
    CHECK(mulh, INT64_MIN_BITS, 2, ALL_ONES, "-2^63 * 2 = -2^64: high half -1");
    CHECK(mulh, 0x7fffffffffffffffull, 0x7fffffffffffffffull, 0x3fffffffffffffffull,
          "(2^63-1)^2 = 2^126 - 2^64 + 1: high half 2^62 - 1");
}

/* MULHU: unsigned x unsigned. */
Test(rv64m, mulhu_is_unsigned_by_unsigned)
{
    CHECK(mulhu, ALL_ONES, ALL_ONES, 0xfffffffffffffffeull,
          "(2^64-1)^2 = 2^128 - 2^65 + 1: high half 2^64 - 2");
    CHECK(mulhu, INT64_MIN_BITS, 2, 1, "2^63 * 2 = 2^64: high half 1");
    CHECK(mulhu, ALL_ONES, 1, 0, "(2^64-1) * 1 fits in 64 bits");
}

/* MULHSU: rs1 signed x rs2 unsigned. */
Test(rv64m, mulhsu_is_signed_by_unsigned)
{
    CHECK(mulhsu, ALL_ONES, ALL_ONES, ALL_ONES,
          "-1 * (2^64-1) = -2^64 + 1: high half -1 (rs2 is unsigned)");
    CHECK(mulhsu, 2, ALL_ONES, 1, "2 * (2^64-1) = 2^65 - 2: high half 1");
    CHECK(mulhsu, (uint64_t)-2, 3, ALL_ONES, "-2 * 3 = -6: high half -1");
    CHECK(mulhsu, INT64_MIN_BITS, ALL_ONES, 0x8000000000000000ull,
          "-2^63 * (2^64-1) = -2^127 + 2^63: high half -2^63");
    CHECK(mulhsu, ALL_ONES, 0, 0, "-1 * 0 = 0");
}

/* MULW: low 32 bits of the product of the low 32 bits, sign-extended (13.1). */
Test(rv64m, mulw_sign_extends_low_32_bits)
{
    CHECK(mulw, 0x7fffffff, 2, 0xfffffffffffffffeull, "0x7fffffff * 2 = 0xfffffffe, sign-extended");
    CHECK(mulw, 0x100000003ull, 0x100000005ull, 15, "bits 63:32 of the operands are ignored");
    CHECK(mulw, 0x10000, 0x10000, 0, "2^16 * 2^16 = 2^32 wraps to 0 in 32 bits");
}

/* --- 13.2 division: rounds towards zero, remainder has the dividend's sign --- */

Test(rv64m, div_rounds_towards_zero)
{
    CHECK(div, (uint64_t)-7, 2, (uint64_t)-3, "-7 / 2 = -3 (towards zero)");
    CHECK(rem, (uint64_t)-7, 2, (uint64_t)-1, "-7 % 2 = -1 (sign of the dividend)");
    CHECK(div, 7, (uint64_t)-2, (uint64_t)-3, "7 / -2 = -3");
    CHECK(rem, 7, (uint64_t)-2, 1, "7 % -2 = 1");
    CHECK(divu, 7, 2, 3, "7 / 2 = 3 unsigned");
    CHECK(remu, 7, 2, 1, "7 % 2 = 1 unsigned");
    CHECK(divu, ALL_ONES, 2, 0x7fffffffffffffffull, "divu treats rs1 as unsigned");
    CHECK(div, ALL_ONES, 2, 0, "div: -1 / 2 = 0");
    CHECK(remu, ALL_ONES, 10, 5, "(2^64-1) % 10 = 5");
}

/* Table 13.1, row "division by zero": DIV -1, DIVU 2^64-1, REM x, REMU x. No trap. */
Test(rv64m, div_by_zero_gives_all_ones_and_rem_gives_dividend)
{
    CHECK(div, 1234, 0, ALL_ONES, "DIV by zero = -1");
    CHECK(div, (uint64_t)-1234, 0, ALL_ONES, "DIV of a negative by zero = -1");
    CHECK(divu, 1234, 0, ALL_ONES, "DIVU by zero = 2^64 - 1");
    CHECK(rem, (uint64_t)-1234, 0, (uint64_t)-1234, "REM by zero = dividend");
    CHECK(remu, 0xdeadbeefcafef00dull, 0, 0xdeadbeefcafef00dull, "REMU by zero = dividend");
    cr_assert_eq(hart.pc, CODE_BASE + 5 * 4, "division by zero must not trap");
}

/* Table 13.1, row "overflow (signed only)": DIV -2^63 / -1 = -2^63, REM = 0. */
Test(rv64m, div_int_min_by_minus_one_overflows_to_int_min)
{
    CHECK(div, INT64_MIN_BITS, ALL_ONES, INT64_MIN_BITS, "DIV overflow = dividend (-2^63)");
    CHECK(rem, INT64_MIN_BITS, ALL_ONES, 0, "REM overflow = 0");
    CHECK(divu, INT64_MIN_BITS, ALL_ONES, 0, "DIVU 2^63 / (2^64-1) = 0 (no overflow unsigned)");
}

/* W forms: operate on the low 32 bits, sign-extend the 32-bit result (13.2), including the
 * special cases: DIVW/DIVUW by zero give all ones, REMW/REMUW by zero give sext(rs1[31:0]). */
Test(rv64m, divw_by_zero_and_overflow)
{
    CHECK(divw, 5, 0, ALL_ONES, "DIVW by zero = -1");
    CHECK(divuw, 5, 0, ALL_ONES, "DIVUW by zero = 2^32-1, sign-extended = all ones");
    CHECK(remw, 0x12345678fffffff9ull, 0, 0xfffffffffffffff9ull, "REMW by zero = sext(rs1[31:0])");
    CHECK(remuw, 0x0000000080000001ull, 0, 0xffffffff80000001ull,
          "REMUW by zero = sext(rs1[31:0])");
    CHECK(divw, 0x80000000ull, 0xffffffffull, 0xffffffff80000000ull,
          "DIVW -2^31 / -1 = -2^31 (overflow), sign-extended");
    CHECK(remw, 0x80000000ull, 0xffffffffull, 0, "REMW -2^31 % -1 = 0 (overflow)");
}

Test(rv64m, w_division_uses_low_32_bits)
{
    CHECK(divw, 0xffffffff00000007ull, 0x00000000fffffffeull, (uint64_t)-3,
          "divw 7 / -2 = -3 (upper bits ignored)");
    CHECK(divuw, 0xffffffff80000000ull, 1, 0xffffffff80000000ull,
          "divuw 0x80000000 / 1 = 0x80000000, sign-extended");
    CHECK(divuw, 0xffffffffull, 2, 0x7fffffff, "divuw 0xffffffff / 2 is unsigned");
    CHECK(remw, (uint64_t)-7, 2, (uint64_t)-1, "remw -7 % 2 = -1");
    CHECK(remuw, 0xffffffffull, 0x10, 0xf, "remuw 0xffffffff % 16 = 15");
}
