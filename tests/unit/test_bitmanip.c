/* Zba, Zbb, Zbc, Zbs and Zicond on the hart: riscv-bitmanip 1.0.0 ch. 2 (each instruction's
 * "Operation" pseudo-code) and the unprivileged spec's "Zicond" chapter. Corner values are
 * the ones the pseudo-code singles out (clz/ctz of 0, shift amounts mod XLEN, the .uw forms'
 * zero-extension, carry-less products' top bits); expected results are worked by hand. The
 * `encoding` suite pins the table's encodings and the disassembly to GNU as (binutils 2.40,
 * -march=rv64gc_zba_zbb_zbc_zbs_zihintpause_zicbom_zicboz_zicbop_svinval). */
#include <criterion/criterion.h>
#include <string.h>

#include "emu/disas.h"
#include "support/harness.h"

TestSuite(bitmanip, .init = harness_init, .fini = harness_fini);

#define ONES 0xffffffffffffffffull
#define TOP 0x8000000000000000ull

static uint64_t run2(uint32_t (*enc)(unsigned, unsigned, unsigned), uint64_t a, uint64_t b)
{
    hart.x[1] = a;
    hart.x[2] = b;
    hart.x[3] = 0x5a5a5a5a5a5a5a5aull;
    exec32(enc(3, 1, 2));
    cr_assert_eq(hart.pc, CODE_BASE + 4, "the instruction must not trap");
    return hart.x[3];
}
static uint64_t run1(uint32_t (*enc)(unsigned, unsigned), uint64_t a)
{
    hart.x[1] = a;
    hart.x[3] = 0x5a5a5a5a5a5a5a5aull;
    exec32(enc(3, 1));
    cr_assert_eq(hart.pc, CODE_BASE + 4, "the instruction must not trap");
    return hart.x[3];
}
static uint64_t runi(uint32_t (*enc)(unsigned, unsigned, unsigned), uint64_t a, unsigned sh)
{
    hart.x[1] = a;
    hart.x[3] = 0x5a5a5a5a5a5a5a5aull;
    exec32(enc(3, 1, sh));
    cr_assert_eq(hart.pc, CODE_BASE + 4, "the instruction must not trap");
    return hart.x[3];
}

#define EQ(got, want, what)                                                                        \
    do {                                                                                           \
        uint64_t g_ = (got), w_ = (want);                                                          \
        cr_assert_eq(g_, w_, "%s: got %#llx, want %#llx", what, (unsigned long long)g_,            \
                     (unsigned long long)w_);                                                      \
    } while (0)
/* Each check runs on a fresh hart (the harness re-initialises between Test()s only). */
#define R2(op, a, b, want)                                                                         \
    do {                                                                                           \
        harness_fini(), harness_init();                                                            \
        EQ(run2(i_##op, a, b), want, #op " " #a ", " #b);                                          \
    } while (0)
#define R1(op, a, want)                                                                            \
    do {                                                                                           \
        harness_fini(), harness_init();                                                            \
        EQ(run1(i_##op, a), want, #op " " #a);                                                     \
    } while (0)
#define RI(op, a, sh, want)                                                                        \
    do {                                                                                           \
        harness_fini(), harness_init();                                                            \
        EQ(runi(i_##op, a, sh), want, #op " " #a ", " #sh);                                        \
    } while (0)

/* --- Zba: "Address generation" --- */
Test(bitmanip, shNadd_shifts_rs1_then_adds)
{
    R2(sh1add, 3, 10, 16);
    R2(sh2add, 3, 10, 22);
    R2(sh3add, 3, 10, 34);
    R2(sh3add, TOP | 1, 0, 8); /* bits shifted out are lost */
}

Test(bitmanip, uw_forms_zero_extend_the_low_word_of_rs1)
{
    R2(add_uw, 0xffffffff80000000ull, 1, 0x80000001ull);
    R2(sh1add_uw, 0xdeadbeef00000001ull, 0, 2);
    R2(sh2add_uw, ONES, 0, 0x3fffffffcull);
    /* sh3add.uw of 0xffffffff: 0x7fffffff8 + rs2 wraps past 2^64 without trapping */
    R2(sh3add_uw, ONES, 0xfffffff800000010ull, 0x8ull);
    RI(slli_uw, 0xffffffff00000001ull, 63, TOP);
    RI(slli_uw, ONES, 32, 0xffffffff00000000ull);
    RI(slli_uw, 0x80000000ull, 0, 0x80000000ull);
}

/* --- Zbb: "Basic bit-manipulation" --- */
Test(bitmanip, logic_with_negate)
{
    R2(andn, 0xff00ff00ull, 0xf0f0f0f0ull, 0x0f000f00ull);
    R2(orn, 0, 0x0f, ~0x0full);
    R2(xnor, 0x1234, 0x1234, ONES);
}

Test(bitmanip, count_leading_and_trailing_zeros_of_zero_is_xlen)
{
    R1(clz, 0, 64);
    R1(ctz, 0, 64);
    R1(clzw, 0xffffffff00000000ull, 32); /* the upper word is ignored */
    R1(ctzw, 0xffffffff00000000ull, 32);
    R1(ctzw, 1ull << 33, 32); /* not 33: bit 33 is not in the word (QEMU 7.2 says 33) */
    R1(clz, 1, 63);
    R1(clz, TOP, 0);
    R1(ctz, TOP, 63);
    R1(clzw, 0x80000000ull, 0);
    R1(ctzw, 0x80000000ull, 31);
    R1(clzw, 1, 31);
}

Test(bitmanip, cpop_counts_set_bits)
{
    R1(cpop, 0, 0);
    R1(cpop, ONES, 64);
    R1(cpopw, ONES, 32);
    R1(cpop, 0x8000000000000001ull, 2);
    R1(cpopw, 0x0000000180000001ull, 2);
}

Test(bitmanip, min_max_signed_and_unsigned)
{
    R2(max, ONES, 1, 1);
    R2(maxu, ONES, 1, ONES);
    R2(min, TOP, 0x7fffffffffffffffull, TOP);
    R2(minu, TOP, 0x7fffffffffffffffull, 0x7fffffffffffffffull);
    R2(min, 5, 5, 5);
}

Test(bitmanip, sign_and_zero_extension)
{
    R1(sext_b, 0x80, 0xffffffffffffff80ull);
    R1(sext_b, 0x17f, 0x7f);
    R1(sext_h, 0x8000, 0xffffffffffff8000ull);
    R1(zext_h, ONES, 0xffff);
}

Test(bitmanip, rotates_take_the_amount_mod_xlen)
{
    R2(rol, TOP | 1, 1, 3);
    R2(rol, 0x1234, 64, 0x1234); /* 64 mod 64 = 0 */
    R2(ror, 1, 1, TOP);
    R2(ror, 0x10, 68, 1);
    RI(rori, 1, 63, 2);
    RI(rori, 0x1234, 0, 0x1234);
    /* W forms rotate the low word and sign-extend the result's bit 31 */
    R2(rolw, 0x80000000ull, 1, 1);
    R2(rolw, 0x40000000ull, 33, 0xffffffff80000000ull);
    R2(rorw, 1, 1, 0xffffffff80000000ull);
    RI(roriw, 0xffffffff00000002ull, 1, 1);
    RI(roriw, 0x00000000fffffffeull, 0, 0xfffffffffffffffeull);
}

Test(bitmanip, orc_b_and_rev8_work_bytewise)
{
    R1(orc_b, 0x0100200003000080ull, 0xff00ff00ff0000ffull);
    R1(orc_b, 0, 0);
    R1(rev8, 0x0102030405060708ull, 0x0807060504030201ull);
}

/* --- Zbc: carry-less multiplication --- */
Test(bitmanip, clmul_low_high_and_reversed)
{
    R2(clmul, 3, 3, 5); /* (x+1)^2 = x^2+1 */
    R2(clmul, TOP, 2, 0);
    R2(clmulh, TOP, 2, 1);
    R2(clmulh, ONES, ONES, 0x5555555555555555ull);
    R2(clmul, ONES, ONES, 0x5555555555555555ull);
    R2(clmulr, TOP, TOP, TOP); /* x^63 * x^63 = x^126: clmulr's window is bits 126:63 */
    R2(clmulr, 1, 1, 0);       /* bit 0 of the product is below clmulr's window */
    R2(clmulh, 1, ONES, 0);
}

/* --- Zbs: single-bit instructions, index mod XLEN --- */
Test(bitmanip, single_bit_operations)
{
    R2(bset, 0, 65, 2);
    R2(bclr, ONES, 63, 0x7fffffffffffffffull);
    R2(binv, 0, 64, 1);
    R2(bext, TOP, 63, 1);
    R2(bext, TOP, 127, 1);
    RI(bseti, 0, 63, TOP);
    RI(bclri, ONES, 0, ONES - 1);
    RI(binvi, TOP, 63, 0);
    RI(bexti, 2, 1, 1);
}

/* --- Zicond --- */
Test(bitmanip, czero_tests_rs2_whole)
{
    R2(czero_eqz, 0x1234, 0, 0);
    R2(czero_eqz, 0x1234, TOP, 0x1234);
    R2(czero_nez, 0x1234, 0, 0x1234);
    R2(czero_nez, 0x1234, 0x100000000ull, 0); /* a nonzero upper word counts */
    /* rs2 = x0: czero.eqz always zeroes, czero.nez is a move */
    harness_fini(), harness_init();
    hart.x[1] = 77;
    exec32(i_czero_eqz(3, 1, 0));
    EQ(hart.x[3], 0, "czero.eqz rd, rs1, x0");
    exec32(i_czero_nez(4, 1, 0));
    EQ(hart.x[4], 77, "czero.nez rd, rs1, x0");
}

/* x0 as destination discards the result, whatever the instruction. */
Test(bitmanip, x0_destination_stays_zero)
{
    hart.x[1] = 5;
    exec32(i_clz(0, 1));
    exec32(i_sh3add(0, 1, 1));
    EQ(hart.x[0], 0, "x0");
}

/* --- the table's encodings and the disassembly, against GNU as/objdump --- */
static const struct {
    uint32_t word;
    const char *text;
} gnu[] = {
    {0x20c5a533, "sh1add a0, a1, a2"},
    {0x20c5c533, "sh2add a0, a1, a2"},
    {0x20c5e533, "sh3add a0, a1, a2"},
    {0x08c5853b, "add.uw a0, a1, a2"},
    {0x20c5a53b, "sh1add.uw a0, a1, a2"},
    {0x20c5c53b, "sh2add.uw a0, a1, a2"},
    {0x20c5e53b, "sh3add.uw a0, a1, a2"},
    {0x0a15951b, "slli.uw a0, a1, 33"},
    {0x40c5f533, "andn a0, a1, a2"},
    {0x40c5e533, "orn a0, a1, a2"},
    {0x40c5c533, "xnor a0, a1, a2"},
    {0x60059513, "clz a0, a1"},
    {0x60159513, "ctz a0, a1"},
    {0x60259513, "cpop a0, a1"},
    {0x6005951b, "clzw a0, a1"},
    {0x6015951b, "ctzw a0, a1"},
    {0x6025951b, "cpopw a0, a1"},
    {0x0ac5e533, "max a0, a1, a2"},
    {0x0ac5f533, "maxu a0, a1, a2"},
    {0x0ac5c533, "min a0, a1, a2"},
    {0x0ac5d533, "minu a0, a1, a2"},
    {0x60459513, "sext.b a0, a1"},
    {0x60559513, "sext.h a0, a1"},
    {0x0805c53b, "zext.h a0, a1"},
    {0x60c59533, "rol a0, a1, a2"},
    {0x60c5953b, "rolw a0, a1, a2"},
    {0x60c5d533, "ror a0, a1, a2"},
    {0x60c5d53b, "rorw a0, a1, a2"},
    {0x63f5d513, "rori a0, a1, 63"},
    {0x61f5d51b, "roriw a0, a1, 31"},
    {0x2875d513, "orc.b a0, a1"},
    {0x6b85d513, "rev8 a0, a1"},
    {0x0ac59533, "clmul a0, a1, a2"},
    {0x0ac5a533, "clmulr a0, a1, a2"},
    {0x0ac5b533, "clmulh a0, a1, a2"},
    {0x48c59533, "bclr a0, a1, a2"},
    {0x4bf59513, "bclri a0, a1, 63"},
    {0x48c5d533, "bext a0, a1, a2"},
    {0x4bf5d513, "bexti a0, a1, 63"},
    {0x68c59533, "binv a0, a1, a2"},
    {0x6bf59513, "binvi a0, a1, 63"},
    {0x28c59533, "bset a0, a1, a2"},
    {0x2bf59513, "bseti a0, a1, 63"},
    {0x0100000f, "pause"},
    {0x02056013, "prefetch.i 32(a0)"},
    {0xfc156013, "prefetch.r -64(a0)"},
    {0x7e356013, "prefetch.w 2016(a0)"},
    {0x0015200f, "cbo.clean (a0)"},
    {0x0025200f, "cbo.flush (a0)"},
    {0x0005200f, "cbo.inval (a0)"},
    {0x0045200f, "cbo.zero (a0)"},
    {0x16b50073, "sinval.vma a0, a1"},
    {0x18000073, "sfence.w.inval"},
    {0x18100073, "sfence.inval.ir"},
    /* Zicond (binutils 2.40 predates it; the spec's encoding table) */
    {0x0ec5d533, "czero.eqz a0, a1, a2"},
    {0x0ec5f533, "czero.nez a0, a1, a2"},
};

Test(encoding, table_matches_gnu_as_and_objdump)
{
    for (size_t i = 0; i < sizeof gnu / sizeof gnu[0]; i++) {
        struct decoded d;
        cr_assert(rv_decode(gnu[i].word, &d), "%#010x (%s) must decode", gnu[i].word, gnu[i].text);
        char buf[64];
        disas_format(buf, sizeof buf, 0, &d);
        cr_assert_str_eq(buf, gnu[i].text, "%#010x disassembles as '%s', GNU objdump says '%s'",
                         gnu[i].word, buf, gnu[i].text);
    }
}

/* Encodings next to the new ones that stay illegal (reserved in the bitmanip listings). */
Test(encoding, neighbours_stay_illegal)
{
    static const struct {
        uint32_t word;
        const char *why;
    } reserved[] = {
        {0x60359513, "OP-IMM funct7 0110000 with rs2 = 3: no such unary instruction"},
        {0x6bf5d513, "rev8's funct6 with another shamt: RV64 rev8 is one encoding"},
        {0x2885d513, "orc.b's funct7 with rs2 = 8"},
        {0x0815c53b, "zext.h's encoding with rs2 = 1"},
        {0x63f5d51b, "roriw with shamt[5] set"},
        {0x0ec5c533, "czero's funct7 with funct3 = 4"},
    };
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        struct decoded d;
        cr_assert_not(rv_decode(reserved[i].word, &d), "%#010x must be illegal: %s",
                      reserved[i].word, reserved[i].why);
    }
}
