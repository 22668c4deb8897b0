/* F and D differential test: the same ELF runs on rv39 and on QEMU (whose softfloat is the
 * reference) and both must print the same lines (tests/scripts/qemu_diff.sh).
 *
 * It checks that FP instructions and fcsr trap while mstatus.FS = Off, turns the unit on,
 * then runs arithmetic, fused multiply-add, square root, sign injection, min/max, compares,
 * classification and every conversion over operands chosen for their edges (signed zeros,
 * subnormals, the largest finite values, infinities, quiet and signaling NaNs, halfway
 * cases) in all five rounding modes, printing each result's bits and the fflags it raised.
 * Built with -march=rv64imafdc: the compressed FP loads and stores are checked too.
 * Unpriv spec ch. 20 (F), 21 (D), 16 (C); priv spec 3.1.6.6 (FS, SD). */
#include "check.h"

#define MSTATUS_FS (3ul << 13)
#define MSTATUS_FS_INITIAL (1ul << 13)
#define MSTATUS_SD (1ul << 63)

/* ---- traps while FS = Off: record the cause, skip the instruction ---- */
static volatile uint64_t trap_cause;

void trap_handler(struct trap_frame *f)
{
    trap_cause = f->mcause;
    uint16_t first = *(volatile uint16_t *)f->mepc;
    f->mepc += (first & 3) == 3 ? 4 : 2;
}

static void fs_off_traps(void)
{
    csr_clear(mstatus, MSTATUS_FS);
    trap_cause = 0;
    __asm__ volatile("fadd.d ft0, ft1, ft2" ::: "ft0");
    printf("FS=Off: fadd.d traps with cause %lu\n", (unsigned long)trap_cause);
    trap_cause = 0;
    uint64_t v = 0;
    __asm__ volatile("csrr %0, fcsr" : "+r"(v));
    printf("FS=Off: csrr fcsr traps with cause %lu\n", (unsigned long)trap_cause);
    trap_cause = 0;
    __asm__ volatile("fmv.x.d %0, ft0" : "+r"(v));
    printf("FS=Off: fmv.x.d traps with cause %lu\n", (unsigned long)trap_cause);

    csr_set(mstatus, MSTATUS_FS_INITIAL);
    uint64_t s = csr_read(mstatus);
    printf("FS on: FS=%lu SD=%lu\n", (s >> 13) & 3, s >> 63);
    __asm__ volatile("fmv.d.x ft0, zero" ::: "ft0");
    s = csr_read(mstatus);
    printf("after an FP write: FS=%lu SD=%lu sstatus.SD=%lu\n", (s >> 13) & 3, s >> 63,
           csr_read(sstatus) >> 63);
}

/* ---- one instruction, operands and result as bits, with the fflags it raised ----
 * fflags is set to fflags_preset before each instruction: normally 0, so each result shows
 * exactly the flags its instruction raised; NX to model a program that has accrued it (rv39
 * then computes the common case on the host's FPU, cpu/fpu.c). */
static uint64_t fflags_preset;
struct res {
    uint64_t bits;
    uint64_t flags;
};

/* Double operands go in with fmv.d.x; single operands with fmv.w.x (which NaN-boxes). */
#define FP_BINARY(insn, mv_in, mv_out, a, b)                                                       \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile(mv_in " ft0, %2\n\t" mv_in " ft1, %3\n\t"                                 \
                               "csrw fflags, %[pre]\n\t" insn " ft2, ft0, ft1\n\t"                 \
                               "frflags %1\n\t" mv_out " %0, ft2"                                  \
                         : "=r"(r_.bits), "=r"(r_.flags)                                           \
                         : "r"(a), "r"(b), [pre] "r"(fflags_preset)                                \
                         : "ft0", "ft1", "ft2");                                                   \
        r_;                                                                                        \
    })
#define FP_TERNARY(insn, mv_in, mv_out, a, b, c)                                                   \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile(mv_in " ft0, %2\n\t" mv_in " ft1, %3\n\t" mv_in " ft3, %4\n\t"            \
                               "csrw fflags, %[pre]\n\t" insn " ft2, ft0, ft1, ft3\n\t"            \
                               "frflags %1\n\t" mv_out " %0, ft2"                                  \
                         : "=r"(r_.bits), "=r"(r_.flags)                                           \
                         : "r"(a), "r"(b), "r"(c), [pre] "r"(fflags_preset)                        \
                         : "ft0", "ft1", "ft2", "ft3");                                            \
        r_;                                                                                        \
    })
#define FP_UNARY(insn, mv_in, mv_out, a)                                                           \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile(mv_in " ft0, %2\n\t"                                                      \
                               "csrw fflags, %[pre]\n\t" insn " ft2, ft0\n\t"                      \
                               "frflags %1\n\t" mv_out " %0, ft2"                                  \
                         : "=r"(r_.bits), "=r"(r_.flags)                                           \
                         : "r"(a), [pre] "r"(fflags_preset)                                        \
                         : "ft0", "ft2");                                                          \
        r_;                                                                                        \
    })
/* Results in an integer register (compares, fclass, fcvt to integer). */
#define FP_TO_X(insn, mv_in, a, b)                                                                 \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile(mv_in " ft0, %2\n\t" mv_in " ft1, %3\n\t"                                 \
                               "csrw fflags, %[pre]\n\t" insn "\n\t"                               \
                               "frflags %1"                                                        \
                         : "=&r"(r_.bits), "=r"(r_.flags)                                          \
                         : "r"(a), "r"(b), [pre] "r"(fflags_preset)                                \
                         : "ft0", "ft1");                                                          \
        r_;                                                                                        \
    })
/* Integer operand (fcvt from integer). */
#define X_TO_FP(insn, mv_out, a)                                                                   \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile("csrw fflags, %[pre]\n\t" insn " ft2, %2\n\t"                             \
                         "frflags %1\n\t" mv_out " %0, ft2"                                        \
                         : "=r"(r_.bits), "=r"(r_.flags)                                           \
                         : "r"(a), [pre] "r"(fflags_preset)                                        \
                         : "ft2");                                                                 \
        r_;                                                                                        \
    })

static void set_frm(unsigned rm)
{
    __asm__ volatile("fsrm %0" ::"r"((uint64_t)rm));
}

/* Operands chosen for their edges. */
static const uint64_t dvals[] = {
    0x0000000000000000ull, /* +0 */
    0x8000000000000000ull, /* -0 */
    0x3ff0000000000000ull, /* 1 */
    0xbff8000000000000ull, /* -1.5 */
    0x3ff0000000000001ull, /* 1 + 2^-52 */
    0x3ca0000000000000ull, /* 2^-53: half an ulp of 1 */
    0x3fd5555555555555ull, /* 1/3 */
    0x4008000000000000ull, /* 3 */
    0x0010000000000000ull, /* smallest normal */
    0x000fffffffffffffull, /* largest subnormal */
    0x8000000000000001ull, /* -smallest subnormal */
    0x7fefffffffffffffull, /* largest finite */
    0x7ff0000000000000ull, /* +inf */
    0xfff0000000000000ull, /* -inf */
    0x7ff8000000000000ull, /* canonical qNaN */
    0x7ff4000000000000ull, /* sNaN */
    0x43e0000000000000ull, /* 2^63 */
    0xc1e0000000100000ull, /* -2^31 - 0.5 */
};
static const uint64_t svals[] = {
    0x00000000u, 0x80000000u, /* +-0 */
    0x3f800000u,              /* 1 */
    0xbfc00000u,              /* -1.5 */
    0x3f800001u,              /* 1 + 2^-23 */
    0x33800000u,              /* 2^-24: half an ulp of 1 */
    0x3eaaaaabu,              /* 1/3 */
    0x40400000u,              /* 3 */
    0x00800000u,              /* smallest normal */
    0x007fffffu,              /* largest subnormal */
    0x80000001u,              /* -smallest subnormal */
    0x7f7fffffu,              /* largest finite */
    0x7f800000u, 0xff800000u, /* +-inf */
    0x7fc00000u,              /* canonical qNaN */
    0x7fa00000u,              /* sNaN */
    0x5f000000u,              /* 2^63 */
    0xcf000000u,              /* -2^31 */
    0x4f800000u,              /* 2^32 */
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static unsigned long line_hash = 5381; /* summary of every result, printed at the end */

static void mix(struct res r)
{
    line_hash = (line_hash * 33) ^ r.bits ^ (r.flags << 59);
}

/* An operation without a rounding mode: one result. */
static void report(const char *what, uint64_t a, uint64_t b, struct res r)
{
    printf("%s %lx %lx = %lx/%02lx\n", what, a, b, r.bits, r.flags);
    mix(r);
}

/* The same instruction (dynamic rounding) under frm = RNE, RTZ, RDN, RUP, RMM. */
static void report5(const char *what, uint64_t a, uint64_t b, const struct res r[5])
{
    printf("%s %lx %lx =", what, a, b);
    for (unsigned rm = 0; rm < 5; rm++) {
        printf(" %lx/%02lx", r[rm].bits, r[rm].flags);
        mix(r[rm]);
    }
    printf("\n");
}
#define ALL_MODES(what, a, b, expr)                                                                \
    do {                                                                                           \
        struct res r5_[5];                                                                         \
        for (unsigned rm_ = 0; rm_ < 5; rm_++) {                                                   \
            set_frm(rm_);                                                                          \
            r5_[rm_] = expr;                                                                       \
        }                                                                                          \
        report5(what, a, b, r5_);                                                                  \
    } while (0)

static void binary_ops(void)
{
    for (unsigned i = 0; i < COUNT(dvals); i++) {
        for (unsigned j = 0; j < COUNT(dvals); j++) {
            uint64_t a = dvals[i], b = dvals[j];
            /* every pair for add and mul; a diagonal band for the rest keeps it short */
            ALL_MODES("fadd.d", a, b, FP_BINARY("fadd.d", "fmv.d.x", "fmv.x.d", a, b));
            ALL_MODES("fmul.d", a, b, FP_BINARY("fmul.d", "fmv.d.x", "fmv.x.d", a, b));
            if ((i + j) % 3 == 0) {
                ALL_MODES("fsub.d", a, b, FP_BINARY("fsub.d", "fmv.d.x", "fmv.x.d", a, b));
                ALL_MODES("fdiv.d", a, b, FP_BINARY("fdiv.d", "fmv.d.x", "fmv.x.d", a, b));
            }
        }
    }
    for (unsigned i = 0; i < COUNT(svals); i++) {
        for (unsigned j = 0; j < COUNT(svals); j++) {
            uint64_t a = svals[i], b = svals[j];
            ALL_MODES("fadd.s", a, b, FP_BINARY("fadd.s", "fmv.w.x", "fmv.x.w", a, b));
            ALL_MODES("fmul.s", a, b, FP_BINARY("fmul.s", "fmv.w.x", "fmv.x.w", a, b));
            if ((i + j) % 3 == 1) {
                ALL_MODES("fsub.s", a, b, FP_BINARY("fsub.s", "fmv.w.x", "fmv.x.w", a, b));
                ALL_MODES("fdiv.s", a, b, FP_BINARY("fdiv.s", "fmv.w.x", "fmv.x.w", a, b));
            }
        }
    }
}

static void fused_ops(void)
{
    /* Addends that cancel the product or sit just beside it. */
    static const uint64_t dc[] = {0x3ff0000000000000ull, 0xbff0000000000000ull,
                                  0x8000000000000000ull, 0x7ff8000000000000ull,
                                  0x0010000000000000ull};
    static const uint64_t sc[] = {0x3f800000u, 0xbf800000u, 0x80000000u, 0x7fc00000u, 0x00800000u};
    for (unsigned i = 0; i < COUNT(dvals); i += 2) {
        for (unsigned j = 1; j < COUNT(dvals); j += 3) {
            for (unsigned k = 0; k < COUNT(dc); k++) {
                uint64_t a = dvals[i], b = dvals[j], c = dc[k];
                ALL_MODES("fmadd.d", a ^ c, b,
                          FP_TERNARY("fmadd.d", "fmv.d.x", "fmv.x.d", a, b, c));
                ALL_MODES("fnmsub.d", a ^ c, b,
                          FP_TERNARY("fnmsub.d", "fmv.d.x", "fmv.x.d", a, b, c));
                uint64_t sa = svals[i], sb = svals[j], s3 = sc[k];
                ALL_MODES("fmsub.s", sa ^ s3, sb,
                          FP_TERNARY("fmsub.s", "fmv.w.x", "fmv.x.w", sa, sb, s3));
                ALL_MODES("fnmadd.s", sa ^ s3, sb,
                          FP_TERNARY("fnmadd.s", "fmv.w.x", "fmv.x.w", sa, sb, s3));
            }
        }
    }
    /* inf * 0 + qNaN raises NV (F chapter, fused multiply-add) */
    ALL_MODES("fmadd.d(inf*0+qnan)", 0, 0,
              FP_TERNARY("fmadd.d", "fmv.d.x", "fmv.x.d", dvals[12], dvals[0], dvals[14]));
    for (unsigned i = 0; i < COUNT(dvals); i++)
        ALL_MODES("fsqrt.d", dvals[i], 0, FP_UNARY("fsqrt.d", "fmv.d.x", "fmv.x.d", dvals[i]));
    for (unsigned i = 0; i < COUNT(svals); i++)
        ALL_MODES("fsqrt.s", svals[i], 0, FP_UNARY("fsqrt.s", "fmv.w.x", "fmv.x.w", svals[i]));
}

static void sign_minmax_compare_class(void)
{
    for (unsigned i = 0; i < COUNT(dvals); i++) {
        report("fclass.d", dvals[i], 0, FP_TO_X("fclass.d %0, ft0", "fmv.d.x", dvals[i], 0));
        report("fclass.s", svals[i], 0, FP_TO_X("fclass.s %0, ft0", "fmv.w.x", svals[i], 0));
        for (unsigned j = 0; j < COUNT(dvals); j += 2) {
            uint64_t a = dvals[i], b = dvals[j], sa = svals[i], sb = svals[j];
            report("fmin.d", a, b, FP_BINARY("fmin.d", "fmv.d.x", "fmv.x.d", a, b));
            report("fmax.d", a, b, FP_BINARY("fmax.d", "fmv.d.x", "fmv.x.d", a, b));
            report("fmin.s", sa, sb, FP_BINARY("fmin.s", "fmv.w.x", "fmv.x.w", sa, sb));
            report("fmax.s", sa, sb, FP_BINARY("fmax.s", "fmv.w.x", "fmv.x.w", sa, sb));
            report("feq.d", a, b, FP_TO_X("feq.d %0, ft0, ft1", "fmv.d.x", a, b));
            report("flt.d", a, b, FP_TO_X("flt.d %0, ft0, ft1", "fmv.d.x", a, b));
            report("fle.s", sa, sb, FP_TO_X("fle.s %0, ft0, ft1", "fmv.w.x", sa, sb));
            report("feq.s", sa, sb, FP_TO_X("feq.s %0, ft0, ft1", "fmv.w.x", sa, sb));
            report("fsgnjn.d", a, b, FP_BINARY("fsgnjn.d", "fmv.d.x", "fmv.x.d", a, b));
            report("fsgnjx.s", sa, sb, FP_BINARY("fsgnjx.s", "fmv.w.x", "fmv.x.w", sa, sb));
        }
    }
    /* NaN boxing (D chapter, "NaN Boxing of Narrower Values"): a double's bits read as a single are
     * the canonical NaN, except for moves and stores, which copy bits. */
    uint64_t unboxed = 0x000000003f800000ull;
    report("fadd.s(unboxed)", unboxed, 0x3f800000u,
           FP_BINARY("fadd.s", "fmv.d.x", "fmv.x.w", unboxed, unboxed));
    report("fsgnj.s(unboxed)", unboxed, 0,
           FP_BINARY("fsgnj.s", "fmv.d.x", "fmv.x.d", unboxed, unboxed));
    report("fmv.x.w(unboxed)", unboxed, 0, FP_UNARY("fmv.d", "fmv.d.x", "fmv.x.w", unboxed));
    report("fcvt.d.s(unboxed)", unboxed, 0, FP_UNARY("fcvt.d.s", "fmv.d.x", "fmv.x.d", unboxed));
}

static void conversions(void)
{
    static const uint64_t ints[] = {
        0,
        1,
        (uint64_t)-1,
        0x7fffffff,
        0x80000000,
        0xffffffff,
        0x1000001,
        0x1000003,
        0x20000000000001ull,
        0x7fffffffffffffffull,
        0x8000000000000000ull,
        0xfffffffffffffc01ull,
        0x123456789abcdefull,
        0xffffffff80000001ull,
    };
    for (unsigned i = 0; i < COUNT(dvals); i++) {
        uint64_t a = dvals[i], s = svals[i];
        ALL_MODES("fcvt.w.d", a, 0, FP_TO_X("fcvt.w.d %0, ft0", "fmv.d.x", a, 0));
        ALL_MODES("fcvt.wu.d", a, 0, FP_TO_X("fcvt.wu.d %0, ft0", "fmv.d.x", a, 0));
        ALL_MODES("fcvt.l.d", a, 0, FP_TO_X("fcvt.l.d %0, ft0", "fmv.d.x", a, 0));
        ALL_MODES("fcvt.lu.d", a, 0, FP_TO_X("fcvt.lu.d %0, ft0", "fmv.d.x", a, 0));
        ALL_MODES("fcvt.w.s", s, 0, FP_TO_X("fcvt.w.s %0, ft0", "fmv.w.x", s, 0));
        ALL_MODES("fcvt.wu.s", s, 0, FP_TO_X("fcvt.wu.s %0, ft0", "fmv.w.x", s, 0));
        ALL_MODES("fcvt.l.s", s, 0, FP_TO_X("fcvt.l.s %0, ft0", "fmv.w.x", s, 0));
        ALL_MODES("fcvt.lu.s", s, 0, FP_TO_X("fcvt.lu.s %0, ft0", "fmv.w.x", s, 0));
        ALL_MODES("fcvt.s.d", a, 0, FP_UNARY("fcvt.s.d", "fmv.d.x", "fmv.x.w", a));
        ALL_MODES("fcvt.d.s", s, 0, FP_UNARY("fcvt.d.s", "fmv.w.x", "fmv.x.d", s));
    }
    /* halfway values for the integer conversions */
    static const uint64_t halves[] = {
        0x4004000000000000ull /* 2.5 */, 0xc004000000000000ull /* -2.5 */,
        0x3fe0000000000000ull /* 0.5 */, 0xbfe8000000000000ull /* -0.75 */};
    for (unsigned i = 0; i < COUNT(halves); i++) {
        ALL_MODES("fcvt.w.d", halves[i], 0, FP_TO_X("fcvt.w.d %0, ft0", "fmv.d.x", halves[i], 0));
        ALL_MODES("fcvt.wu.d", halves[i], 0, FP_TO_X("fcvt.wu.d %0, ft0", "fmv.d.x", halves[i], 0));
    }
    for (unsigned i = 0; i < COUNT(ints); i++) {
        uint64_t x = ints[i];
        ALL_MODES("fcvt.s.w", x, 0, X_TO_FP("fcvt.s.w", "fmv.x.w", x));
        ALL_MODES("fcvt.s.wu", x, 0, X_TO_FP("fcvt.s.wu", "fmv.x.w", x));
        ALL_MODES("fcvt.s.l", x, 0, X_TO_FP("fcvt.s.l", "fmv.x.w", x));
        ALL_MODES("fcvt.s.lu", x, 0, X_TO_FP("fcvt.s.lu", "fmv.x.w", x));
        ALL_MODES("fcvt.d.l", x, 0, X_TO_FP("fcvt.d.l", "fmv.x.d", x));
        ALL_MODES("fcvt.d.lu", x, 0, X_TO_FP("fcvt.d.lu", "fmv.x.d", x));
        ALL_MODES("fcvt.d.w", x, 0, X_TO_FP("fcvt.d.w", "fmv.x.d", x));
    }
}

/* Static rounding modes in the instruction override frm; fflags accrue across instructions. */
static void static_rounding_and_accrual(void)
{
    set_frm(0);
    uint64_t one = 0x3ff0000000000000ull, half_ulp = 0x3ca0000000000000ull;
    report("fadd.d(dyn, frm=rne)", one, half_ulp,
           FP_BINARY("fadd.d", "fmv.d.x", "fmv.x.d", one, half_ulp));
    struct res r;
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tcsrw fflags, zero\n\t"
                     "fadd.d ft2, ft0, ft1, rup\n\tfmv.x.d %0, ft2\n\tfrflags %1"
                     : "=r"(r.bits), "=r"(r.flags)
                     : "r"(one), "r"(half_ulp)
                     : "ft0", "ft1", "ft2");
    report("fadd.d(static rup)", one, half_ulp, r);
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tcsrw fflags, zero\n\t"
                     "fadd.d ft2, ft0, ft1, rmm\n\tfmv.x.d %0, ft2\n\tfrflags %1"
                     : "=r"(r.bits), "=r"(r.flags)
                     : "r"(one), "r"(half_ulp)
                     : "ft0", "ft1", "ft2");
    report("fadd.d(static rmm)", one, half_ulp, r);
    /* NX from an add, then DZ from a divide: both stay set */
    uint64_t zero = 0;
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tcsrw fflags, zero\n\t"
                     "fadd.d ft2, ft0, ft1\n\tfmv.d.x ft1, %4\n\tfdiv.d ft2, ft0, ft1\n\t"
                     "fmv.x.d %0, ft2\n\tcsrr %1, fcsr"
                     : "=&r"(r.bits), "=&r"(r.flags)
                     : "r"(one), "r"(dvals[6]), "r"(zero)
                     : "ft0", "ft1", "ft2");
    report("fcsr after fadd.d, fdiv.d by 0", one, 0, r);
}

/* C.FLD, C.FSD, C.FLDSP, C.FSDSP (C chapter, load/store forms), written out so the assembler cannot
 * pick the 32-bit forms. */
static void compressed_loads_stores(void)
{
    static uint64_t buf[4] = {0x400921fb54442d18ull, 0x3ff0000000000000ull, 0, 0};
    register uint64_t *base __asm__("a0") = buf;
    uint64_t got1, got2;
    __asm__ volatile("c.fld fa1, 0(a0)\n\t"
                     "c.fsd fa1, 16(a0)\n\t"
                     "addi sp, sp, -16\n\t"
                     "c.fsdsp fa1, 8(sp)\n\t"
                     "c.fldsp ft5, 8(sp)\n\t"
                     "addi sp, sp, 16\n\t"
                     "fmv.x.d %0, ft5\n\t"
                     "c.fld fa2, 8(a0)\n\t"
                     "fmv.x.d %1, fa2"
                     : "=r"(got1), "=r"(got2)
                     : "r"(base)
                     : "fa1", "fa2", "ft5", "memory");
    CHECK(got1, 0x400921fb54442d18ull);
    CHECK(buf[2], 0x400921fb54442d18ull);
    CHECK(got2, 0x3ff0000000000000ull);
    /* flw NaN-boxes, fsw stores the low word */
    static uint32_t word = 0x40490fdbu;
    uint64_t boxed;
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0\n\tfsw ft0, 4(%2)"
                     : "=r"(boxed)
                     : "r"(&word), "r"(buf)
                     : "ft0", "memory");
    CHECK(boxed, 0xffffffff40490fdbull);
    CHECK(buf[0] >> 32, 0x40490fdbu);
    printf("compressed FP loads/stores: %d checks passed\n", check_count);
}

/* ---- random operands: many more cases per instruction, one summary line per block ----
 * Operands are weighted toward the edges (zeros, subnormals, extreme exponents, infinities,
 * NaNs, runs of ones in the fraction). Each line is a hash of the block's results and flags,
 * so a difference names the instruction and rounding mode. */
static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t random_fp(unsigned frac_bits, unsigned exp_bits)
{
    uint64_t emax = (1ull << exp_bits) - 1, bias = emax >> 1;
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
    return (rnd() & 1) << (frac_bits + exp_bits) | e << frac_bits | frac;
}
#define RANDOM_D() random_fp(52, 11)
#define RANDOM_S() random_fp(23, 8)
#define RANDOM_BLOCK 300

#define RANDOM_OPS(what, gen, expr)                                                                \
    do {                                                                                           \
        unsigned long h_ = 5381;                                                                   \
        for (int n_ = 0; n_ < RANDOM_BLOCK; n_++) {                                                \
            uint64_t a = gen, b = gen, c = gen;                                                    \
            struct res r_ = expr;                                                                  \
            (void)b, (void)c;                                                                      \
            h_ = (h_ * 33) ^ r_.bits ^ (r_.flags << 59);                                           \
        }                                                                                          \
        printf("random %s %s: %lx\n", what, rm_names[rm], h_);                                     \
        line_hash = (line_hash * 33) ^ h_;                                                         \
    } while (0)

static const char *const rm_names[5] = {"rne", "rtz", "rdn", "rup", "rmm"};

static void random_operands(void)
{
    for (unsigned rm = 0; rm < 5; rm++) {
        set_frm(rm);
        RANDOM_OPS("fadd.d", RANDOM_D(), FP_BINARY("fadd.d", "fmv.d.x", "fmv.x.d", a, b));
        RANDOM_OPS("fsub.d", RANDOM_D(), FP_BINARY("fsub.d", "fmv.d.x", "fmv.x.d", a, b));
        RANDOM_OPS("fmul.d", RANDOM_D(), FP_BINARY("fmul.d", "fmv.d.x", "fmv.x.d", a, b));
        RANDOM_OPS("fdiv.d", RANDOM_D(), FP_BINARY("fdiv.d", "fmv.d.x", "fmv.x.d", a, b));
        RANDOM_OPS("fsqrt.d", RANDOM_D(), FP_UNARY("fsqrt.d", "fmv.d.x", "fmv.x.d", a));
        RANDOM_OPS("fmadd.d", RANDOM_D(), FP_TERNARY("fmadd.d", "fmv.d.x", "fmv.x.d", a, b, c));
        RANDOM_OPS("fmsub.d", RANDOM_D(), FP_TERNARY("fmsub.d", "fmv.d.x", "fmv.x.d", a, b, c));
        RANDOM_OPS("fnmsub.d", RANDOM_D(), FP_TERNARY("fnmsub.d", "fmv.d.x", "fmv.x.d", a, b, c));
        RANDOM_OPS("fnmadd.d", RANDOM_D(), FP_TERNARY("fnmadd.d", "fmv.d.x", "fmv.x.d", a, b, c));
        RANDOM_OPS("fadd.s", RANDOM_S(), FP_BINARY("fadd.s", "fmv.w.x", "fmv.x.w", a, b));
        RANDOM_OPS("fsub.s", RANDOM_S(), FP_BINARY("fsub.s", "fmv.w.x", "fmv.x.w", a, b));
        RANDOM_OPS("fmul.s", RANDOM_S(), FP_BINARY("fmul.s", "fmv.w.x", "fmv.x.w", a, b));
        RANDOM_OPS("fdiv.s", RANDOM_S(), FP_BINARY("fdiv.s", "fmv.w.x", "fmv.x.w", a, b));
        RANDOM_OPS("fsqrt.s", RANDOM_S(), FP_UNARY("fsqrt.s", "fmv.w.x", "fmv.x.w", a));
        RANDOM_OPS("fmadd.s", RANDOM_S(), FP_TERNARY("fmadd.s", "fmv.w.x", "fmv.x.w", a, b, c));
        RANDOM_OPS("fnmadd.s", RANDOM_S(), FP_TERNARY("fnmadd.s", "fmv.w.x", "fmv.x.w", a, b, c));
        RANDOM_OPS("fcvt.s.d", RANDOM_D(), FP_UNARY("fcvt.s.d", "fmv.d.x", "fmv.x.w", a));
        RANDOM_OPS("fcvt.w.d", RANDOM_D(), FP_TO_X("fcvt.w.d %0, ft0", "fmv.d.x", a, b));
        RANDOM_OPS("fcvt.lu.d", RANDOM_D(), FP_TO_X("fcvt.lu.d %0, ft0", "fmv.d.x", a, b));
        RANDOM_OPS("fcvt.l.s", RANDOM_S(), FP_TO_X("fcvt.l.s %0, ft0", "fmv.w.x", a, b));
        RANDOM_OPS("fcvt.wu.s", RANDOM_S(), FP_TO_X("fcvt.wu.s %0, ft0", "fmv.w.x", a, b));
        RANDOM_OPS("fcvt.d.l", rnd() >> (rnd() % 64), X_TO_FP("fcvt.d.l", "fmv.x.d", a));
        RANDOM_OPS("fcvt.s.lu", rnd() >> (rnd() % 64), X_TO_FP("fcvt.s.lu", "fmv.x.w", a));
        RANDOM_OPS("fcvt.s.w", rnd() >> (rnd() % 64), X_TO_FP("fcvt.s.w", "fmv.x.w", a));
    }
    /* Again in RNE with NX accrued beforehand. */
    fflags_preset = 1;
    unsigned rm = 0;
    set_frm(rm);
    RANDOM_OPS("fadd.d+NX", RANDOM_D(), FP_BINARY("fadd.d", "fmv.d.x", "fmv.x.d", a, b));
    RANDOM_OPS("fsub.d+NX", RANDOM_D(), FP_BINARY("fsub.d", "fmv.d.x", "fmv.x.d", a, b));
    RANDOM_OPS("fmul.d+NX", RANDOM_D(), FP_BINARY("fmul.d", "fmv.d.x", "fmv.x.d", a, b));
    RANDOM_OPS("fdiv.d+NX", RANDOM_D(), FP_BINARY("fdiv.d", "fmv.d.x", "fmv.x.d", a, b));
    RANDOM_OPS("fmadd.d+NX", RANDOM_D(), FP_TERNARY("fmadd.d", "fmv.d.x", "fmv.x.d", a, b, c));
    RANDOM_OPS("fnmsub.d+NX", RANDOM_D(), FP_TERNARY("fnmsub.d", "fmv.d.x", "fmv.x.d", a, b, c));
    RANDOM_OPS("fadd.s+NX", RANDOM_S(), FP_BINARY("fadd.s", "fmv.w.x", "fmv.x.w", a, b));
    RANDOM_OPS("fmul.s+NX", RANDOM_S(), FP_BINARY("fmul.s", "fmv.w.x", "fmv.x.w", a, b));
    RANDOM_OPS("fdiv.s+NX", RANDOM_S(), FP_BINARY("fdiv.s", "fmv.w.x", "fmv.x.w", a, b));
    RANDOM_OPS("fmsub.s+NX", RANDOM_S(), FP_TERNARY("fmsub.s", "fmv.w.x", "fmv.x.w", a, b, c));
    fflags_preset = 0;
}

/* Code the compiler writes (spills through c.fsdsp/c.fldsp, fmadd from contraction, libgcc
 * helpers): a few numeric kernels whose results' bits must agree with QEMU. */
static volatile double seed_d = 1.0;
static volatile float seed_f = 1.0f;

static void compiled_code(void)
{
    double harmonic = 0, poly = 0, x = seed_d / 3;
    float harmonic_f = 0;
    for (int k = 1; k <= 2000; k++) {
        harmonic += seed_d / k;
        harmonic_f += seed_f / (float)k;
        poly = poly * x + (double)(k % 7) - 3.0; /* Horner: fmadd.d when contracted */
    }
    double root;
    __asm__("fsqrt.d %0, %1" : "=f"(root) : "f"(harmonic)); /* no libm here */
    long as_long = (long)(harmonic * 1e12);
    unsigned as_unsigned = (unsigned)(harmonic_f * 1e6f);
    double back = (double)as_long / 1e12;
    uint64_t bits[5];
    memcpy(&bits[0], &harmonic, 8);
    memcpy(&bits[1], &poly, 8);
    memcpy(&bits[2], &root, 8);
    memcpy(&bits[3], &back, 8);
    uint32_t fbits;
    memcpy(&fbits, &harmonic_f, 4);
    printf("compiled: H2000 %lx poly %lx sqrt %lx back %lx\n", bits[0], bits[1], bits[2], bits[3]);
    printf("compiled: H2000f %x long %ld unsigned %u\n", fbits, as_long, as_unsigned);
}

int main(void)
{
    fs_off_traps();
    binary_ops();
    fused_ops();
    sign_minmax_compare_class();
    conversions();
    static_rounding_and_accrual();
    compressed_loads_stores();
    random_operands();
    compiled_code();
    printf("result hash %lx\n", line_hash);
    return pass("fpu");
}
