/* F and D in the translator (cpu/jit_x86_64_fp.c) against the interpreter: the same program
 * run both ways must leave the same f registers, fcsr (flags and frm), mstatus (FS, SD), x
 * registers, memory, counters and trap CSRs (support/jit_compare.c).
 *
 * Operands are chosen for their edges (signed zeros, subnormals, the smallest normal, the
 * largest finite, infinities, quiet and signaling NaNs, singles boxed and not), every static
 * rounding mode and DYN under every frm, with fflags cleared (exact path) and with NX accrued
 * (the host fast path of cpu/fpu.c and the translator's inline one). Unpriv spec ch. 20 (F),
 * 21 (D); priv spec 3.1.6.6 (FS). */
#include <criterion/criterion.h>

#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/jit.h"
#include "support/harness.h"
#include "support/jit_compare.h"

#ifdef RV39_JIT

TestSuite(jit_fp, .init = harness_init, .fini = harness_fini);

#define OPC_LOAD_FP 0x07
#define OPC_STORE_FP 0x27
#define OPC_OP_FP 0x53
#define CSR_FFLAGS 0x001
#define CSR_FRM 0x002
#define CSR_FCSR 0x003
#define CSR_MSTATUS 0x300
#define FS_INITIAL (1u << 13)
#define FS_MASK (3u << 13)

/* OP-FP: funct5, fmt (0 = S, 1 = D), rm or funct3. */
static uint32_t op_fp(unsigned funct5, unsigned fmt, unsigned rd, unsigned rs1, unsigned rs2,
                      unsigned rm)
{
    return enc_r(funct5 << 2 | fmt, rs2, rs1, rm, rd, OPC_OP_FP);
}
/* FMADD (0x43), FMSUB (0x47), FNMSUB (0x4b), FNMADD (0x4f). */
static uint32_t op_fused(unsigned opcode, unsigned fmt, unsigned rd, unsigned rs1, unsigned rs2,
                         unsigned rs3, unsigned rm)
{
    return enc_r(rs3 << 2 | fmt, rs2, rs1, rm, rd, opcode);
}
static uint32_t fmv_d_x(unsigned fd, unsigned rs)
{
    return op_fp(0x1e, 1, fd, rs, 0, 0);
}
static uint32_t fmv_x_d(unsigned rd, unsigned fs)
{
    return op_fp(0x1c, 1, rd, fs, 0, 0);
}

/* Double and single operands worth computing with (singles go in boxed, but for the last
 * two, whose improper boxing makes them read as the canonical NaN). */
static const uint64_t fp_edges[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x3ff8000000000000ull, 0x0010000000000000ull, 0x0010000000000001ull, 0x000fffffffffffffull,
    0x0000000000000001ull, 0x7fefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0x7ff0000000000001ull, 0x3fefffffffffffffull, 0x43e0000000000000ull,
    0x400921fb54442d18ull, 0xc1e0000000000000ull, 0x0020000000000000ull, 0x001fffffffffffffull,
    0xffffffff3f800000ull, 0xffffffff00800000ull, 0xffffffff7f800000ull, 0xffffffff7fc00000ull,
    0xffffffff7f800001ull, 0xffffffff00000001ull, 0xffffffffbf400000ull, 0xffffffff7f7fffffull,
    0xffffffff4f000000ull, 0xffffffff00ffffffull, 0x000000003f800000ull, 0x7ff0000040000000ull,
};
#define FP_EDGES (sizeof fp_edges / sizeof fp_edges[0])

/* CSR instructions are left to the interpreter, and translated code starts only where
 * control lands: a jump to the next instruction makes what follows a block of its own. */
static void csr_then_block(uint32_t csr_insn)
{
    put32(csr_insn);
    put32(i_jal(0, 4));
}

static uint64_t random_state, random_seed;
static uint64_t next_random(void)
{
    return xorshift64(&random_state);
}
static unsigned pick(unsigned n)
{
    return (unsigned)(next_random() % n);
}

#define DATA_REG 28
#define COUNT_REG 29
#define SCRATCH_REG 27

/* FS on, the f registers from the edge values (and some random bits). */
static void fp_prologue(void)
{
    li(1, FS_INITIAL);
    put32(i_csrrs(0, CSR_MSTATUS, 1));
    for (unsigned f = 0; f < 32; f++) {
        li(1, pick(4) ? fp_edges[(f + pick(FP_EDGES)) % FP_EDGES] : next_random());
        put32(fmv_d_x(f, 1));
    }
    li(DATA_REG, DATA_BASE);
}

static unsigned random_rm(void)
{
    static const unsigned rms[] = {0, 1, 2, 3, 4, 7, 7, 7, 0, 0};
    return rms[pick(sizeof rms / sizeof *rms)];
}

/* One random F/D instruction (never an illegal one: the program must run to its end). */
static uint32_t random_fp(void)
{
    unsigned fmt = pick(2), rd = pick(32), rs1 = pick(32), rs2 = pick(32);
    unsigned xd = 1 + pick(26), xs = pick(27);
    switch (pick(16)) {
    case 0:
    case 1:
    case 2: return op_fp(pick(4), fmt, rd, rs1, rs2, random_rm()); /* fadd fsub fmul fdiv */
    case 3:
    case 4: {
        static const unsigned opc[] = {0x43, 0x47, 0x4b, 0x4f};
        return op_fused(opc[pick(4)], fmt, rd, rs1, rs2, pick(32), random_rm());
    }
    case 5: return op_fp(0x0b, fmt, rd, rs1, 0, random_rm());       /* fsqrt */
    case 6: return op_fp(0x04, fmt, rd, rs1, rs2, pick(3));         /* fsgnj, fsgnjn, fsgnjx */
    case 7: return op_fp(0x05, fmt, rd, rs1, rs2, pick(2));         /* fmin, fmax */
    case 8: return op_fp(0x14, fmt, xd, rs1, rs2, pick(3));         /* fle, flt, feq */
    case 9: return op_fp(0x18, fmt, xd, rs1, pick(4), random_rm()); /* fcvt.{w,wu,l,lu} */
    case 10: return op_fp(0x1a, fmt, rd, xs, pick(4), random_rm()); /* fcvt.fmt.{w,..} */
    case 11: return op_fp(0x1c, fmt, xd, rs1, 0, pick(2));          /* fmv.x, fclass */
    case 12: return op_fp(0x1e, fmt, rd, xs, 0, 0);                 /* fmv.fmt.x */
    case 13: return op_fp(0x08, fmt, rd, rs1, !fmt, random_rm());   /* fcvt.s.d, fcvt.d.s */
    case 14: /* loads, aligned in the first 2 KiB of the data area */
        return enc_i((int32_t)(8 * pick(256)) + (fmt ? 0 : 4 * (int32_t)pick(2)), DATA_REG, 2 + fmt,
                     rd, OPC_LOAD_FP);
    default:
        return enc_s((int32_t)(8 * pick(256)) + (fmt ? 0 : 4 * (int32_t)pick(2)), rs2, DATA_REG,
                     2 + fmt, OPC_STORE_FP);
    }
}

/* Loops of random F/D code mixed with integer work, frm changed and fflags cleared between
 * passes (so both the exact path and the NX-accrued fast path run), then every f register
 * and fcsr stored. */
static void random_program(void)
{
    random_state = random_seed;
    fp_prologue();
    for (unsigned r = 1; r < 27; r++)
        li(r, pick(2) ? next_random() : fp_edges[pick(FP_EDGES)]);
    li(COUNT_REG, 24);
    uint64_t top = code_cursor();
    /* frm = count % 5 (every valid mode), fflags cleared every fourth pass */
    put32(i_addi(SCRATCH_REG, 0, 5));
    put32(i_remu(SCRATCH_REG, COUNT_REG, SCRATCH_REG));
    put32(i_csrrw(0, CSR_FRM, SCRATCH_REG));
    put32(i_andi(SCRATCH_REG, COUNT_REG, 3));
    put32(i_bne(SCRATCH_REG, 0, 12));
    csr_then_block(i_csrrw(0, CSR_FFLAGS, 0));
    unsigned length = 20 + pick(40);
    for (unsigned i = 0; i < length; i++) {
        if (pick(5) == 0)
            put32(i_add(1 + pick(26), pick(27), pick(27)));
        else
            put32(random_fp());
    }
    put32(i_addi(COUNT_REG, COUNT_REG, -1));
    put32(i_bne(COUNT_REG, 0, (int32_t)(top - code_cursor())));
    for (unsigned f = 0; f < 32; f++)
        put32(enc_s((int32_t)(2048 + 8 * f), f, DATA_REG, 3, OPC_STORE_FP));
    put32(i_csrrs(1, CSR_FCSR, 0));
    put32(i_sd(1, 2048 + 8 * 32, DATA_REG));
    put32(I_WFI);
}

Test(jit_fp, random_programs_match_the_interpreter)
{
    for (uint64_t seed = 1; seed <= 48; seed++) {
        random_seed = seed * 0x9e3779b97f4a7c15ull;
        compare(random_program);
    }
}

/* Every arithmetic instruction on every pair of edge operands, in every rounding mode, with
 * the flags cleared before each (exact path) and then with NX accrued (fast paths). */
static void edges_program(void)
{
    random_state = 1;
    slot = 0;
    li(31, DATA_BASE + 0x4000);
    li(1, FS_INITIAL);
    put32(i_csrrs(0, CSR_MSTATUS, 1));
    for (unsigned a = 0; a < FP_EDGES; a++) {
        li(1, fp_edges[a]);
        put32(fmv_d_x(1, 1));
        for (unsigned b = 0; b < FP_EDGES; b += 3) {
            li(1, fp_edges[b]);
            put32(fmv_d_x(2, 1));
            li(1, fp_edges[(a + b) % FP_EDGES]);
            put32(fmv_d_x(3, 1));
            for (unsigned fmt = 0; fmt < 2; fmt++) {
                unsigned rm = (a + b) % 5, nx = (a ^ b) & 1;
                csr_then_block(i_csrrwi(0, CSR_FFLAGS, nx));
                for (unsigned op = 0; op < 4; op++) {
                    put32(op_fp(op, fmt, 4, 1, 2, op == 0 ? 7 : rm));
                    put32(fmv_x_d(5, 4)), keep(5);
                }
                put32(op_fused(0x43 + 4 * (b & 3), fmt, 4, 1, 2, 3, a & 1 ? 7 : rm));
                put32(fmv_x_d(5, 4)), keep(5);
                put32(op_fp(0x0b, fmt, 4, 1, 0, rm)); /* fsqrt */
                put32(fmv_x_d(5, 4)), keep(5);
                put32(op_fp(0x14, fmt, 5, 1, 2, b % 3)), keep(5);  /* compares */
                put32(op_fp(0x18, fmt, 5, 1, a & 3, rm)), keep(5); /* to integers */
                put32(op_fp(0x04, fmt, 4, 1, 2, a % 3));           /* sign injection */
                put32(fmv_x_d(5, 4)), keep(5);
                csr_then_block(i_csrrs(5, CSR_FCSR, 0)), keep(5);
            }
        }
    }
    put32(I_WFI);
}

Test(jit_fp, edge_operands_match_the_interpreter)
{
    compare(edges_program);
}

/* With NX accrued and RNE, a product that rounds up to the smallest normal is still tiny
 * (after rounding) and raises UF: the inline path must leave it to the exact one. Also the
 * largest finite result (in range) and an overflowing one. */
static void smallest_binade_program(void)
{
    li(1, FS_INITIAL);
    put32(i_csrrs(0, CSR_MSTATUS, 1));
    li(1, 0x3fefffffffffffffull), put32(fmv_d_x(1, 1)); /* 1 - 2^-53 */
    li(1, 0x0010000000000000ull), put32(fmv_d_x(2, 1)); /* 2^-1022 */
    li(1, 0xffffffff3f7fffffull), put32(fmv_d_x(3, 1)); /* 1 - 2^-24, boxed */
    li(1, 0xffffffff00800000ull), put32(fmv_d_x(4, 1)); /* 2^-126, boxed */
    li(1, 0x7fefffffffffffffull), put32(fmv_d_x(5, 1)); /* the largest double */
    li(1, 0x3ff0000000000000ull), put32(fmv_d_x(6, 1)); /* 1 */
    put32(i_addi(9, 0, 8));
    uint64_t top = code_cursor();
    csr_then_block(i_csrrwi(0, CSR_FFLAGS, FFLAG_NX));
    put32(op_fp(2, 1, 10, 1, 2, 0)); /* fmul.d, rne */
    csr_then_block(i_csrrs(11, CSR_FFLAGS, 0));
    csr_then_block(i_csrrwi(0, CSR_FFLAGS, FFLAG_NX));
    put32(op_fp(2, 0, 12, 3, 4, 7)); /* fmul.s, dyn */
    csr_then_block(i_csrrs(13, CSR_FFLAGS, 0));
    csr_then_block(i_csrrwi(0, CSR_FFLAGS, FFLAG_NX));
    put32(op_fp(2, 1, 14, 5, 6, 0)); /* max * 1: exact, no new flags */
    put32(op_fp(0, 1, 15, 5, 5, 0)); /* max + max: overflow */
    csr_then_block(i_csrrs(16, CSR_FFLAGS, 0));
    put32(i_addi(9, 9, -1));
    put32(i_bne(9, 0, (int32_t)(top - code_cursor())));
    put32(I_WFI);
}

Test(jit_fp, results_in_the_smallest_binade_still_underflow)
{
    struct outcome ref = compare(smallest_binade_program);
    cr_assert_eq(ref.f[10], 0x0010000000000000ull, "rounds up to 2^-1022");
    cr_assert_eq(ref.x[11], FFLAG_UF | FFLAG_NX, "and underflows");
    cr_assert_eq(ref.f[12], 0xffffffff00800000ull, "rounds up to 2^-126");
    cr_assert_eq(ref.x[13], FFLAG_UF | FFLAG_NX, "and underflows");
    cr_assert_eq(ref.f[14], 0x7fefffffffffffffull, "max * 1 = max");
    cr_assert_eq(ref.f[15], 0x7ff0000000000000ull, "max + max = inf");
    cr_assert_eq(ref.x[16], FFLAG_OF | FFLAG_NX, "overflow");
}

/* priv spec 3.1.6.6: with FS = Off an FP instruction in the middle of a translated block is
 * an illegal instruction there: the integer work before it retired, mtval its bits (a
 * compressed c.fld's 16), and FS stays Off. */
static uint16_t fs_off_compressed;
static void fs_off_program(void)
{
    li(1, FS_MASK);
    put32(i_csrrc(0, CSR_MSTATUS, 1));
    li(DATA_REG, DATA_BASE);
    put32(i_addi(2, 0, 10));
    uint64_t top = code_cursor();
    put32(i_addi(3, 3, 1));
    put32(i_addi(2, 2, -1));
    put32(i_bne(2, 0, (int32_t)(top - code_cursor())));
    put32(i_addi(4, 4, 7));
    if (fs_off_compressed)
        put16(fs_off_compressed);
    else
        put32(op_fp(0, 1, 1, 2, 3, 7)); /* fadd.d */
    put32(i_addi(5, 5, 1));
    put32(I_WFI);
}

Test(jit_fp, fs_off_makes_fp_instructions_illegal_precisely)
{
    fs_off_compressed = 0;
    struct outcome ref = compare(fs_off_program);
    cr_assert_eq(ref.mcause, 2, "illegal instruction");
    cr_assert_eq(ref.mtval, op_fp(0, 1, 1, 2, 3, 7), "mtval holds the instruction");
    cr_assert_eq(ref.x[4], 7, "the instruction before it retired");
    cr_assert_eq(ref.x[5], 0, "the one after it did not");
    cr_assert_eq(ref.mstatus & FS_MASK, 0, "FS stays Off");
    fs_off_compressed = 0x2200; /* c.fld f8, 0(x12) */
    ref = compare(fs_off_program);
    cr_assert_eq(ref.mcause, 2, "illegal instruction");
    cr_assert_eq(ref.mtval, 0x2200, "mtval holds the 16-bit instruction");
}

/* A reserved rounding mode (5, 6, or DYN with frm >= 5) is illegal at that instruction. */
static unsigned reserved_case;
static void reserved_rm_program(void)
{
    li(1, FS_INITIAL);
    put32(i_csrrs(0, CSR_MSTATUS, 1));
    csr_then_block(i_csrrwi(0, CSR_FRM, reserved_case == 2 ? 5 : 0));
    put32(i_addi(2, 0, 10));
    uint64_t top = code_cursor();
    put32(op_fp(0, 1, 4, 4, 4, 0)); /* fadd.d rne: fine */
    put32(i_addi(2, 2, -1));
    put32(i_bne(2, 0, (int32_t)(top - code_cursor())));
    put32(i_addi(6, 6, 3));
    put32(op_fp(2, 1, 4, 4, 4, reserved_case == 2 ? 7 : 5 + reserved_case));
    put32(i_addi(5, 5, 1));
    put32(I_WFI);
}

Test(jit_fp, reserved_rounding_modes_are_illegal)
{
    for (reserved_case = 0; reserved_case < 3; reserved_case++) {
        struct outcome ref = compare(reserved_rm_program);
        cr_assert_eq(ref.mcause, 2, "case %u: illegal instruction", reserved_case);
        cr_assert_eq(ref.x[6], 3, "case %u: the instruction before it retired", reserved_case);
        cr_assert_eq(ref.x[5], 0, "case %u: the one after it did not", reserved_case);
    }
}

/* priv spec 3.1.6.6: FS goes Initial -> Dirty (and SD = 1) on an FP register write, a load
 * included, and on flags raised (an inexact conversion, even with NX already accrued); a
 * store, a move to x, a compare or a conversion that raises nothing leaves it alone. */
static unsigned dirty_case;
static void dirty_program(void)
{
    li(1, FS_INITIAL);
    put32(i_csrrs(0, CSR_MSTATUS, 1));
    li(DATA_REG, DATA_BASE);
    if (dirty_case >= 3) { /* NX accrued (the inline path's case), then FS Initial again */
        li(2, dirty_case == 4 ? 0x3ff8000000000000ull /* 1.5 */ : 0x3ff0000000000000ull);
        put32(fmv_d_x(4, 2));
        put32(i_csrrwi(0, CSR_FFLAGS, FFLAG_NX));
        li(1, FS_MASK);
        put32(i_csrrc(0, CSR_MSTATUS, 1));
        li(1, FS_INITIAL);
        put32(i_csrrs(0, CSR_MSTATUS, 1));
    }
    put32(i_addi(2, 0, 10));
    uint64_t top = code_cursor();
    put32(enc_s(0, 1, DATA_REG, 3, OPC_STORE_FP)); /* fsd */
    put32(fmv_x_d(7, 1));
    put32(op_fp(0x14, 1, 8, 0, 0, 2)); /* feq.d of +0 and +0: no flags */
    if (dirty_case == 1) put32(enc_i(8, DATA_REG, 3, 2, OPC_LOAD_FP)); /* fld */
    if (dirty_case == 2) put32(op_fp(0, 1, 3, 0, 0, 0));               /* fadd.d */
    if (dirty_case == 3) put32(op_fp(0, 1, 3, 4, 4, 7));               /* fadd.d 1 + 1, inline */
    /* fcvt.l.d rtz: of 1.5 inexact (NX raised again: Dirty), of 1 exact (no change) */
    if (dirty_case >= 4) put32(op_fp(0x18, 1, 9, 4, 2, RM_RTZ));
    put32(i_addi(2, 2, -1));
    put32(i_bne(2, 0, (int32_t)(top - code_cursor())));
    put32(I_WFI);
}

Test(jit_fp, fp_writes_make_fs_dirty)
{
    for (dirty_case = 0; dirty_case < 6; dirty_case++) {
        struct outcome ref = compare(dirty_program);
        uint64_t fs = ref.mstatus & FS_MASK;
        bool dirty = dirty_case != 0 && dirty_case != 5;
        cr_assert_eq(fs, dirty ? FS_MASK : FS_INITIAL, "case %u: FS %#llx", dirty_case,
                     (unsigned long long)fs);
        cr_assert_eq(ref.mstatus >> 63, dirty, "case %u: SD", dirty_case);
    }
}

#else
Test(jit_fp, not_built_on_this_host) {}
#endif
