/* Zfa on the hart (unpriv spec "Zfa" chapter), rv39 only: QEMU 7.2 has no Zfa and binutils
 * 2.40 cannot assemble it, so every expected value here is worked from the chapter's text and
 * its FLI table, and the encodings from its "encoded like ..., but with ..." sentences. Also
 * the -cpu switches: zfa=off, and Zfa's half-precision forms needing Zfh. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cpu/ext.h"
#include "cpu/fpu.h"
#include "emu/disas.h"
#include "support/harness.h"

enum { OPC_OP_FP = 0x53 };
enum { S = 0, D = 1, H = 2 }; /* the fmt field, bits 26:25 */

static uint32_t fp_r(unsigned funct7, unsigned rs2, unsigned rs1, unsigned rm, unsigned rd)
{
    return enc_r(funct7, rs2, rs1, rm, rd, OPC_OP_FP);
}
/* "FLI.S is encoded like FMV.W.X, but with rs2=1" (FMV.W.X: funct7 1111000 | fmt). */
static uint32_t fli(unsigned fmt, unsigned rd, unsigned index)
{
    return fp_r(0x78 | fmt, 1, index, 0, rd);
}
/* FMINM/FMAXM: FMIN/FMAX (funct7 0010100 | fmt, rm 000/001) "with instruction bit 13 set". */
static uint32_t fminm(unsigned fmt, bool max, unsigned rd, unsigned rs1, unsigned rs2)
{
    return fp_r(0x14 | fmt, rs2, rs1, 2 | max, rd);
}
/* FROUND/FROUNDNX: FCVT.fmt.fmt (funct7 0100000 | fmt) "with rs2=4 and 5". */
static uint32_t fround(unsigned fmt, bool nx, unsigned rd, unsigned rs1, unsigned rm)
{
    return fp_r(0x20 | fmt, 4 + nx, rs1, rm, rd);
}
/* FLEQ/FLTQ: FLE/FLT (funct7 1010000 | fmt, rm 000/001) "with instruction bit 14 set". */
static uint32_t flq(unsigned fmt, bool lt, unsigned rd, unsigned rs1, unsigned rs2)
{
    return fp_r(0x50 | fmt, rs2, rs1, 4 | lt, rd);
}
/* FCVTMOD.W.D: FCVT.W.D (funct7 1100001) "with the rs2 field set to 8 and the rm field set to
 * 1 (RTZ)". */
static uint32_t fcvtmod(unsigned rd, unsigned rs1, unsigned rm)
{
    return fp_r(0x61, 8, rs1, rm, rd);
}

#define BOX_S(v) (0xffffffff00000000ull | (v))
#define BOX_H(v) (0xffffffffffff0000ull | (v))

static void on(void)
{
    hart.mstatus |= MSTATUS_FS_INITIAL;
}
static void fresh(void)
{
    harness_fini(), harness_init();
    on();
}
/* Run one instruction on a fresh hart with f1 = a, f2 = b, fflags clear; it must not trap. */
static void run(uint32_t insn, uint64_t a, uint64_t b)
{
    fresh();
    hart.f[1] = a;
    hart.f[2] = b;
    exec32(insn);
    cr_assert_eq(hart.pc, CODE_BASE + 4, "%08x must not trap (mcause %llu)", insn,
                 (unsigned long long)hart.mcause);
}
/* EQ(got, want, "what %u", args...): the message names the case, then both values. */
#define EQ(got, want, ...)                                                                         \
    do {                                                                                           \
        uint64_t g_ = (got), w_ = (want);                                                          \
        if (g_ != w_) {                                                                            \
            char what_[128];                                                                       \
            snprintf(what_, sizeof what_, __VA_ARGS__);                                            \
            cr_assert_fail("%s: got %#llx, want %#llx", what_, (unsigned long long)g_,             \
                           (unsigned long long)w_);                                                \
        }                                                                                          \
    } while (0)

TestSuite(zfa, .init = harness_init, .fini = harness_fini);

/* Table "Immediate values loaded by the FLI.S instruction": sign, exponent field and the two
 * top significand bits of each entry, here as the binary32 bits they spell. */
static const uint32_t fli_s_table[32] = {
    0xbf800000, 0x00800000, 0x37800000, 0x38000000, 0x3b800000, 0x3c000000, 0x3d800000, 0x3e000000,
    0x3e800000, 0x3ea00000, 0x3ec00000, 0x3ee00000, 0x3f000000, 0x3f200000, 0x3f400000, 0x3f600000,
    0x3f800000, 0x3fa00000, 0x3fc00000, 0x3fe00000, 0x40000000, 0x40200000, 0x40400000, 0x40800000,
    0x41000000, 0x41800000, 0x43000000, 0x43800000, 0x47000000, 0x47800000, 0x7f800000, 0x7fc00000,
};

Test(zfa, fli_s_loads_every_table_entry_boxed_without_flags)
{
    for (unsigned i = 0; i < 32; i++) {
        run(fli(S, 3, i), 0, 0);
        EQ(hart.f[3], BOX_S(fli_s_table[i]), "fli.s entry %u", i);
        EQ(hart.fcsr, 0, "fli.s never sets flags (entry %u)", i);
    }
}

/* FLI.D: the same values in binary64; entry 1 is binary64's own minimum normal. */
Test(zfa, fli_d_is_the_same_table_in_double)
{
    for (unsigned i = 0; i < 32; i++) {
        run(fli(D, 3, i), 0, 0);
        uint64_t want;
        if (i == 1) {
            want = 0x0010000000000000ull;
        } else if (i == 31) {
            want = 0x7ff8000000000000ull;
        } else { /* widen the single: exponent rebiased, fraction moved up 29 bits */
            float f;
            memcpy(&f, &fli_s_table[i], 4);
            double d = f;
            memcpy(&want, &d, 8);
        }
        EQ(hart.f[3], want, "fli.d entry %u", i);
    }
}

/* FLI.H: entry 1 is binary16's minimum normal (2^-14), entries 2 and 3 (2^-16, 2^-15) are
 * subnormal there, and entry 29 (2^16, out of range) "instead loads positive infinity". */
Test(zfa, fli_h_subnormal_entries_and_entry_29_is_infinity)
{
    static const struct {
        unsigned index;
        uint16_t bits;
    } cases[] = {{0, 0xbc00},  {1, 0x0400},  {2, 0x0100},  {3, 0x0200},  {4, 0x1c00},
                 {9, 0x3500},  {16, 0x3c00}, {22, 0x4200}, {27, 0x5c00}, {28, 0x7800},
                 {29, 0x7c00}, {30, 0x7c00}, {31, 0x7e00}};
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run(fli(H, 3, cases[i].index), 0, 0);
        EQ(hart.f[3], BOX_H(cases[i].bits), "fli.h entry %u", cases[i].index);
    }
}

/* FMINM/FMAXM: "like FMIN.S and FMAX.S, except that if either input is NaN, the result is the
 * canonical NaN" (FMIN would return the other operand); a signaling NaN still raises NV. */
Test(zfa, fminm_fmaxm_propagate_nan_as_canonical)
{
    const uint64_t one = BOX_S(0x3f800000), qnan = BOX_S(0x7fc00001), snan = BOX_S(0x7f800001);
    run(fminm(S, false, 3, 1, 2), one, qnan);
    EQ(hart.f[3], BOX_S(0x7fc00000), "fminm.s 1, qNaN");
    EQ(hart.fcsr, 0, "a quiet NaN raises nothing");
    run(fminm(S, true, 3, 1, 2), snan, one);
    EQ(hart.f[3], BOX_S(0x7fc00000), "fmaxm.s sNaN, 1");
    EQ(hart.fcsr, FFLAG_NV, "a signaling NaN raises NV");
    /* -0 < +0 as for FMIN/FMAX; numbers as usual */
    run(fminm(D, false, 3, 1, 2), 0, 0x8000000000000000ull);
    EQ(hart.f[3], 0x8000000000000000ull, "fminm.d +0, -0");
    run(fminm(D, true, 3, 1, 2), 0x8000000000000000ull, 0);
    EQ(hart.f[3], 0, "fmaxm.d -0, +0");
    run(fminm(H, true, 3, 1, 2), BOX_H(0xc000), BOX_H(0x3c00));
    EQ(hart.f[3], BOX_H(0x3c00), "fmaxm.h -2, 1");
    run(fminm(H, false, 3, 1, 2), BOX_H(0x3c00), BOX_S(0x3c00)); /* improperly boxed: NaN */
    EQ(hart.f[3], BOX_H(0x7e00), "fminm.h with an unboxed operand");
    /* the plain FMIN still returns the number */
    run(fp_r(0x14, 2, 1, 0, 3), one, qnan);
    EQ(hart.f[3], one, "fmin.s 1, qNaN");
}

/* FROUND: round to an integer in the rm field's mode (or frm), no NX; FROUNDNX also sets NX
 * when the result differs. Zeros and infinities are copied; -0.5 rounds to -0. */
Test(zfa, fround_every_rounding_mode)
{
    static const struct {
        uint64_t in;
        uint64_t out[5]; /* RNE, RTZ, RDN, RUP, RMM */
    } d[] = {
        {0x4004000000000000ull, /* 2.5 */
         {0x4000000000000000ull, 0x4000000000000000ull, 0x4000000000000000ull,
          0x4008000000000000ull, 0x4008000000000000ull}},
        {0xc004000000000000ull, /* -2.5 */
         {0xc000000000000000ull, 0xc000000000000000ull, 0xc008000000000000ull,
          0xc000000000000000ull, 0xc008000000000000ull}},
        {0xbfe0000000000000ull, /* -0.5: zeros keep the sign */
         {0x8000000000000000ull, 0x8000000000000000ull, 0xbff0000000000000ull,
          0x8000000000000000ull, 0xbff0000000000000ull}},
        {0x3fd3333333333333ull, /* 0.3 */
         {0, 0, 0, 0x3ff0000000000000ull, 0}},
        {0x4330000000000001ull, /* 2^52 + 1: an integer already */
         {0x4330000000000001ull, 0x4330000000000001ull, 0x4330000000000001ull,
          0x4330000000000001ull, 0x4330000000000001ull}},
    };
    for (unsigned i = 0; i < sizeof d / sizeof d[0]; i++)
        for (unsigned rm = 0; rm < 5; rm++) {
            bool exact = d[i].out[rm] == d[i].in;
            run(fround(D, false, 3, 1, rm), d[i].in, 0);
            EQ(hart.f[3], d[i].out[rm], "fround.d %#llx rm %u", (unsigned long long)d[i].in, rm);
            EQ(hart.fcsr, 0, "fround.d raises nothing");
            run(fround(D, true, 3, 1, rm), d[i].in, 0);
            EQ(hart.f[3], d[i].out[rm], "froundnx.d %#llx rm %u", (unsigned long long)d[i].in, rm);
            EQ(hart.fcsr, exact ? 0 : FFLAG_NX, "froundnx.d NX iff inexact");
        }
    /* frm (rm = 7) */
    fresh();
    hart.fcsr = RM_RUP << 5;
    hart.f[1] = BOX_S(0x3fc00000); /* 1.5 */
    exec32(fround(S, true, 3, 1, 7));
    EQ(hart.f[3], BOX_S(0x40000000), "froundnx.s 1.5 under frm = RUP");
    EQ(hart.fcsr, RM_RUP << 5 | FFLAG_NX, "NX accrued");
    /* half precision: 2.5 -> 2 (RNE), 65504 stays */
    run(fround(H, false, 3, 1, RM_RNE), BOX_H(0x4100), 0);
    EQ(hart.f[3], BOX_H(0x4000), "fround.h 2.5");
    run(fround(H, true, 3, 1, RM_RUP), BOX_H(0x7bff), 0);
    EQ(hart.f[3], BOX_H(0x7bff), "froundnx.h 65504");
    EQ(hart.fcsr, 0, "an integer is exact");
}

Test(zfa, fround_special_operands)
{
    run(fround(S, true, 3, 1, RM_RNE), BOX_S(0xff800000), 0);
    EQ(hart.f[3], BOX_S(0xff800000), "-inf copied");
    EQ(hart.fcsr, 0, "no flags for infinity");
    run(fround(S, true, 3, 1, RM_RNE), BOX_S(0x80000000), 0);
    EQ(hart.f[3], BOX_S(0x80000000), "-0 copied");
    run(fround(S, true, 3, 1, RM_RNE), BOX_S(0x7f800001), 0);
    EQ(hart.f[3], BOX_S(0x7fc00000), "sNaN gives the canonical NaN");
    EQ(hart.fcsr, FFLAG_NV, "sNaN: NV and no other flag");
    run(fround(S, true, 3, 1, RM_RNE), BOX_S(0xffc00123), 0);
    EQ(hart.f[3], BOX_S(0x7fc00000), "qNaN gives the canonical NaN");
    EQ(hart.fcsr, 0, "qNaN: no flags");
    run(fround(S, false, 3, 1, RM_RNE), 0x3f800000, 0); /* not boxed */
    EQ(hart.f[3], BOX_S(0x7fc00000), "an improperly boxed single reads as the canonical NaN");
    /* rm 5 and 6 are reserved: illegal instruction */
    fresh();
    exec32(fround(D, false, 3, 1, 5));
    EQ(hart.mcause, EXC_ILLEGAL_INSN, "fround.d with rm = 5");
}

/* FCVTMOD.W.D: truncate, bits 31:0 of the unbounded integer sign-extended; infinities and NaN
 * give 0; flags "as FCVT.W.D with the same input operand" (RTZ): NV when out of int32 range
 * (then no NX), else NX when inexact. */
Test(zfa, fcvtmod_w_d_is_modular_with_fcvt_w_d_flags)
{
    static const struct {
        uint64_t in, out, flags;
    } c[] = {
        {0xbff8000000000000ull, 0xffffffffffffffffull, FFLAG_NX}, /* -1.5 -> -1 */
        {0x41f0000005000000ull, 0x0000000000000050ull, FFLAG_NV}, /* 2^32 + 80 -> 80 */
        {0x41e65a0bc0000000ull, 0xffffffffb2d05e00ull, FFLAG_NV}, /* 3e9 */
        {0xc1e0000000000000ull, 0xffffffff80000000ull, 0},        /* -2^31 fits */
        {0xc1e0000000200000ull, 0x000000007fffffffull, FFLAG_NV}, /* -2^31 - 1 wraps */
        {0xc1e0000000100000ull, 0xffffffff80000000ull, FFLAG_NX}, /* -2^31 - 0.5 -> -2^31 */
        {0x41dfffffffe00000ull, 0x000000007fffffffull, FFLAG_NX}, /* 2^31 - 0.5 */
        {0x41dfffffffc00000ull, 0x000000007fffffffull, 0},        /* 2^31 - 1 */
        {0x44f0000000000000ull, 0, FFLAG_NV},                     /* 2^80: low bits 0 */
        {0x44f0000000000001ull, 0x10000000, FFLAG_NV},            /* 2^80 + 2^28 */
        {0x4340000000000001ull, 0x0000000000000002ull, FFLAG_NV}, /* 2^53 + 2 */
        {0x0000000000000001ull, 0, FFLAG_NX},                     /* smallest subnormal */
        {0x7ff0000000000000ull, 0, FFLAG_NV},                     /* +inf */
        {0xfff0000000000000ull, 0, FFLAG_NV},                     /* -inf */
        {0x7ff8000000000000ull, 0, FFLAG_NV},                     /* NaN */
        {0x8000000000000000ull, 0, 0},                            /* -0 */
    };
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        fresh();
        hart.f[1] = c[i].in;
        hart.x[3] = 0x5a5a5a5a5a5a5a5aull;
        exec32(fcvtmod(3, 1, RM_RTZ));
        cr_assert_eq(hart.pc, CODE_BASE + 4, "fcvtmod.w.d must not trap");
        EQ(hart.x[3], c[i].out, "fcvtmod.w.d %#llx", (unsigned long long)c[i].in);
        EQ(hart.fcsr, c[i].flags, "fcvtmod.w.d %#llx flags", (unsigned long long)c[i].in);
    }
    /* "Other rm values are reserved": the encoding with rm = RNE is not FCVTMOD.W.D. */
    fresh();
    exec32(fcvtmod(3, 1, RM_RNE));
    EQ(hart.mcause, EXC_ILLEGAL_INSN, "fcvtmod.w.d with rm = RNE");
}

/* FLEQ/FLTQ: FLE/FLT "except that quiet NaN inputs do not cause the invalid operation
 * exception flag to be set" (a signaling NaN still does). */
Test(zfa, fleq_fltq_are_quiet)
{
    const uint64_t one = 0x3ff0000000000000ull, qnan = 0x7ff8000000000000ull,
                   snan = 0x7ff0000000000001ull;
    struct {
        uint32_t insn;
        uint64_t a, b, out, flags;
    } c[] = {
        {flq(D, false, 3, 1, 2), one, qnan, 0, 0},
        {flq(D, true, 3, 1, 2), qnan, one, 0, 0},
        {flq(D, true, 3, 1, 2), snan, one, 0, FFLAG_NV},
        {flq(D, false, 3, 1, 2), 0x8000000000000000ull, 0, 1, 0}, /* -0 <= +0 */
        {flq(D, true, 3, 1, 2), 0x8000000000000000ull, 0, 0, 0},  /* -0 < +0 is false */
        {flq(S, true, 3, 1, 2), BOX_S(0xbf800000), BOX_S(0x3f800000), 1, 0},
        {flq(S, false, 3, 1, 2), BOX_S(0x7fc00000), BOX_S(0x3f800000), 0, 0},
        {flq(H, true, 3, 1, 2), BOX_H(0x3c00), BOX_H(0x4000), 1, 0},
        {flq(H, false, 3, 1, 2), BOX_H(0x7e00), BOX_H(0x4000), 0, 0},
        {flq(H, false, 3, 1, 2), BOX_H(0x7d00), BOX_H(0x4000), 0, FFLAG_NV},
        /* the plain FLE.D raises NV for a quiet NaN */
        {fp_r(0x51, 2, 1, 0, 3), one, qnan, 0, FFLAG_NV},
    };
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        run(c[i].insn, c[i].a, c[i].b);
        EQ(hart.x[3], c[i].out, "case %u", i);
        EQ(hart.fcsr, c[i].flags, "case %u flags", i);
    }
}

/* The disassembler draws the mnemonics from the table; FLI shows its constant and FCVTMOD.W.D
 * its fixed mode, as the "Zfa" chapter's assembly syntax writes them. */
Test(zfa, disassembly)
{
    const struct {
        uint32_t insn;
        const char *text;
    } c[] = {
        {fli(S, 10, 1), "fli.s fa0, min"},
        {fli(D, 10, 9), "fli.d fa0, 0.3125"},
        {fli(H, 10, 31), "fli.h fa0, nan"},
        {fminm(S, false, 10, 11, 12), "fminm.s fa0, fa1, fa2"},
        {fminm(D, true, 10, 11, 12), "fmaxm.d fa0, fa1, fa2"},
        {fround(D, false, 10, 11, RM_RTZ), "fround.d fa0, fa1, rtz"},
        {fround(S, true, 10, 11, 7), "froundnx.s fa0, fa1"},
        {flq(D, false, 10, 11, 12), "fleq.d a0, fa1, fa2"},
        {flq(H, true, 10, 11, 12), "fltq.h a0, fa1, fa2"},
        {fcvtmod(10, 11, RM_RTZ), "fcvtmod.w.d a0, fa1, rtz"},
    };
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct decoded d;
        rv_decode(c[i].insn, &d);
        char buf[64];
        disas_format(buf, sizeof buf, CODE_BASE, &d);
        cr_assert_str_eq(buf, c[i].text, "%08x", c[i].insn);
    }
}

/* -cpu rv64,zfa=off: every Zfa encoding is illegal; zfh=off: the .H forms of Zfa are too
 * ("If the Zfh extension is implemented, FLI.H ..."), the .S ones stay; Zfhmin's stay while
 * Zfh's arithmetic goes. */
static bool illegal(uint32_t insn)
{
    fresh();
    exec32(insn);
    return hart.pc == TRAP_VECTOR && hart.mcause == EXC_ILLEGAL_INSN;
}
Test(zfa, cpu_switches)
{
    const uint32_t fadd_h = fp_r(0x02, 2, 1, 0, 3), fcvt_s_h = fp_r(0x20, 2, 1, 0, 3);
    cr_assert(!illegal(fli(S, 3, 16)) && !illegal(fli(H, 3, 16)) && !illegal(fadd_h));
    rv_ext_set(rv_ext_all() & ~(1ull << EXT_ZFA));
    cr_assert(illegal(fli(S, 3, 16)), "zfa=off: fli.s");
    cr_assert(illegal(fcvtmod(3, 1, RM_RTZ)), "zfa=off: fcvtmod.w.d");
    cr_assert(illegal(flq(D, false, 3, 1, 2)), "zfa=off: fleq.d");
    cr_assert(!illegal(fadd_h), "zfa=off leaves Zfh");
    rv_ext_set(rv_ext_all() & ~(1ull << EXT_ZFH));
    cr_assert(illegal(fli(H, 3, 16)), "zfh=off: fli.h");
    cr_assert(illegal(fround(H, false, 3, 1, 0)), "zfh=off: fround.h");
    cr_assert(!illegal(fli(S, 3, 16)), "zfh=off leaves fli.s");
    cr_assert(illegal(fadd_h), "zfh=off: fadd.h");
    cr_assert(!illegal(fcvt_s_h), "zfh=off leaves Zfhmin's fcvt.s.h");
    rv_ext_set(rv_ext_all() & ~(1ull << EXT_ZFH | 1ull << EXT_ZFHMIN));
    cr_assert(illegal(fcvt_s_h), "zfh=off,zfhmin=off: fcvt.s.h");
    rv_ext_set(rv_ext_all() & ~(1ull << EXT_ZFHMIN));
    cr_assert(rv_ext_enabled(EXT_ZFHMIN), "Zfh includes Zfhmin: zfhmin stays on with zfh");
    rv_ext_set(rv_ext_all());
}
