/* Zfhmin and Zfh differential test: the same ELF runs on rv39 and on QEMU (-cpu
 * rv64,Zfh=true on QEMU 7.2, whose softfloat is the reference) and both must print the same
 * lines (tests/scripts/qemu_diff.sh).
 *
 * Half-precision arithmetic, fused multiply-add, square root, sign injection, min/max,
 * compares, classification and every conversion (to and from S, D and the integer types) over
 * edge operands in all five rounding modes, each result's bits with the fflags it raised;
 * then NaN boxing (a half in an f register is boxed to 64 bits, an improperly boxed operand
 * reads as the canonical NaN), FLH/FSH, static rounding modes and blocks of random operands.
 * Unpriv spec "Zfh and Zfhmin", D chapter "NaN Boxing of Narrower Values". */
#include "check.h"

#define MSTATUS_FS_INITIAL (1ul << 13)

void trap_handler(struct trap_frame *f)
{
    printf("unexpected trap: mcause %lx mepc %lx\n", f->mcause, f->mepc);
    f->mepc += 4;
}

struct res {
    uint64_t bits;
    uint64_t flags;
};

/* Half operands go in with fmv.h.x (which NaN-boxes), come out with fmv.x.h (sign-extends). */
#define H_BINARY(insn, a, b) H_BINARY_RM(insn, "", a, b)
/* rm: "" (the instruction's dynamic mode, frm) or ", rtz" etc. (a static mode). */
#define H_BINARY_RM(insn, rm, a, b)                                                                \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile("fmv.h.x ft0, %2\n\tfmv.h.x ft1, %3\n\tcsrw fflags, zero\n\t" insn        \
                         " ft2, ft0, ft1" rm "\n\tfrflags %1\n\tfmv.x.h %0, ft2"                   \
                         : "=r"(r_.bits), "=r"(r_.flags)                                           \
                         : "r"(a), "r"(b)                                                          \
                         : "ft0", "ft1", "ft2");                                                   \
        r_;                                                                                        \
    })
#define H_TERNARY(insn, a, b, c)                                                                   \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile("fmv.h.x ft0, %2\n\tfmv.h.x ft1, %3\n\tfmv.h.x ft3, %4\n\t"               \
                         "csrw fflags, zero\n\t" insn " ft2, ft0, ft1, ft3\n\t"                    \
                         "frflags %1\n\tfmv.x.h %0, ft2"                                           \
                         : "=r"(r_.bits), "=r"(r_.flags)                                           \
                         : "r"(a), "r"(b), "r"(c)                                                  \
                         : "ft0", "ft1", "ft2", "ft3");                                            \
        r_;                                                                                        \
    })
/* One FP operand moved in with mv_in, result moved out with mv_out. */
#define F_UNARY(insn, mv_in, mv_out, a)                                                            \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile(mv_in " ft0, %2\n\tcsrw fflags, zero\n\t" insn " ft2, ft0\n\t"            \
                               "frflags %1\n\t" mv_out " %0, ft2"                                  \
                         : "=r"(r_.bits), "=r"(r_.flags)                                           \
                         : "r"(a)                                                                  \
                         : "ft0", "ft2");                                                          \
        r_;                                                                                        \
    })
/* Results in an integer register %0 (compares, fclass, fcvt to integer). */
#define H_TO_X(insn, a, b)                                                                         \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile("fmv.h.x ft0, %2\n\tfmv.h.x ft1, %3\n\tcsrw fflags, zero\n\t" insn        \
                         "\n\tfrflags %1"                                                          \
                         : "=&r"(r_.bits), "=r"(r_.flags)                                          \
                         : "r"(a), "r"(b)                                                          \
                         : "ft0", "ft1");                                                          \
        r_;                                                                                        \
    })
#define X_TO_H(insn, a)                                                                            \
    ({                                                                                             \
        struct res r_;                                                                             \
        __asm__ volatile("csrw fflags, zero\n\t" insn " ft2, %2\n\tfrflags %1\n\tfmv.x.h %0, ft2"  \
                         : "=r"(r_.bits), "=r"(r_.flags)                                           \
                         : "r"(a)                                                                  \
                         : "ft2");                                                                 \
        r_;                                                                                        \
    })

static void set_frm(unsigned rm)
{
    __asm__ volatile("fsrm %0" ::"r"((uint64_t)rm));
}

/* Operands chosen for their edges (binary16: 1 sign, 5 exponent, 10 fraction bits). */
static const uint64_t hvals[] = {
    0x0000, 0x8000, /* +-0 */
    0x3c00,         /* 1 */
    0xbe00,         /* -1.5 */
    0x3c01,         /* 1 + 2^-10 */
    0x1000,         /* 2^-11: half an ulp of 1 */
    0x3555,         /* ~1/3 */
    0x4200,         /* 3 */
    0x0400,         /* smallest normal */
    0x03ff,         /* largest subnormal */
    0x8001,         /* -smallest subnormal */
    0x7bff,         /* largest finite, 65504 */
    0x7c00, 0xfc00, /* +-inf */
    0x7e00,         /* canonical qNaN */
    0x7d00,         /* sNaN */
    0x7800,         /* 32768 */
    0xd3ff,         /* -63.97 */
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static unsigned long line_hash = 5381;
static void mix(struct res r)
{
    line_hash = (line_hash * 33) ^ r.bits ^ (r.flags << 59);
}
static void report(const char *what, uint64_t a, uint64_t b, struct res r)
{
    printf("%s %lx %lx = %lx/%02lx\n", what, a, b, r.bits, r.flags);
    mix(r);
}
#define ALL_MODES(what, a, b, expr)                                                                \
    do {                                                                                           \
        printf("%s %lx %lx =", what, (uint64_t)(a), (uint64_t)(b));                                \
        for (unsigned rm_ = 0; rm_ < 5; rm_++) {                                                   \
            set_frm(rm_);                                                                          \
            struct res r_ = expr;                                                                  \
            printf(" %lx/%02lx", r_.bits, r_.flags);                                               \
            mix(r_);                                                                               \
        }                                                                                          \
        printf("\n");                                                                              \
    } while (0)

static void arithmetic(void)
{
    for (unsigned i = 0; i < COUNT(hvals); i++) {
        for (unsigned j = 0; j < COUNT(hvals); j++) {
            uint64_t a = hvals[i], b = hvals[j];
            ALL_MODES("fadd.h", a, b, H_BINARY("fadd.h", a, b));
            ALL_MODES("fmul.h", a, b, H_BINARY("fmul.h", a, b));
            if ((i + j) % 3 == 0) {
                ALL_MODES("fsub.h", a, b, H_BINARY("fsub.h", a, b));
                ALL_MODES("fdiv.h", a, b, H_BINARY("fdiv.h", a, b));
            }
            report("fsgnj.h", a, b, H_BINARY("fsgnj.h", a, b));
            report("fsgnjn.h", a, b, H_BINARY("fsgnjn.h", a, b));
            report("fsgnjx.h", a, b, H_BINARY("fsgnjx.h", a, b));
            report("fmin.h", a, b, H_BINARY("fmin.h", a, b));
            report("fmax.h", a, b, H_BINARY("fmax.h", a, b));
            report("feq.h", a, b, H_TO_X("feq.h %0, ft0, ft1", a, b));
            report("flt.h", a, b, H_TO_X("flt.h %0, ft0, ft1", a, b));
            report("fle.h", a, b, H_TO_X("fle.h %0, ft0, ft1", a, b));
        }
    }
    static const uint64_t hc[] = {0x3c00, 0xbc00, 0x8000, 0x7e00, 0x0400};
    for (unsigned i = 0; i < COUNT(hvals); i += 2)
        for (unsigned j = 1; j < COUNT(hvals); j += 3)
            for (unsigned k = 0; k < COUNT(hc); k++) {
                uint64_t a = hvals[i], b = hvals[j], c = hc[k];
                ALL_MODES("fmadd.h", a ^ c, b, H_TERNARY("fmadd.h", a, b, c));
                ALL_MODES("fmsub.h", a ^ c, b, H_TERNARY("fmsub.h", a, b, c));
                ALL_MODES("fnmsub.h", a ^ c, b, H_TERNARY("fnmsub.h", a, b, c));
                ALL_MODES("fnmadd.h", a ^ c, b, H_TERNARY("fnmadd.h", a, b, c));
            }
    ALL_MODES("fmadd.h(inf*0+qnan)", 0, 0, H_TERNARY("fmadd.h", 0x7c00, 0, 0x7e00));
    for (unsigned i = 0; i < COUNT(hvals); i++) {
        uint64_t a = hvals[i];
        ALL_MODES("fsqrt.h", a, 0, F_UNARY("fsqrt.h", "fmv.h.x", "fmv.x.h", a));
        report("fclass.h", a, 0, H_TO_X("fclass.h %0, ft0", a, a));
    }
}

static void conversions(void)
{
    for (unsigned i = 0; i < COUNT(hvals); i++) {
        uint64_t a = hvals[i];
        ALL_MODES("fcvt.w.h", a, 0, H_TO_X("fcvt.w.h %0, ft0", a, a));
        ALL_MODES("fcvt.wu.h", a, 0, H_TO_X("fcvt.wu.h %0, ft0", a, a));
        ALL_MODES("fcvt.l.h", a, 0, H_TO_X("fcvt.l.h %0, ft0", a, a));
        ALL_MODES("fcvt.lu.h", a, 0, H_TO_X("fcvt.lu.h %0, ft0", a, a));
        ALL_MODES("fcvt.s.h", a, 0, F_UNARY("fcvt.s.h", "fmv.h.x", "fmv.x.w", a));
        ALL_MODES("fcvt.d.h", a, 0, F_UNARY("fcvt.d.h", "fmv.h.x", "fmv.x.d", a));
    }
    /* Singles and doubles at the edges of binary16's range and precision. */
    static const uint64_t s[] = {0x477fe000, 0x477ff000, 0x477ff001, 0x47800000, 0x33000000,
                                 0x33000001, 0x387fc000, 0x38800000, 0x3f801000, 0x3f803000,
                                 0x3f801001, 0xc77ff000, 0x7fa00000, 0x7fc00001, 0x80000001};
    static const uint64_t d[] = {0x40effc0000000000, 0x40effe0000000000, 0x40effe0000000001,
                                 0x3e60000000000000, 0x3e60000000000001, 0x3f0ff80000000000,
                                 0x3ff0020000000000, 0x3ff0060000000000, 0xbff0020000000001,
                                 0x7ff4000000000000, 0x0000000000000001, 0x47efffffe0000000};
    for (unsigned i = 0; i < COUNT(s); i++)
        ALL_MODES("fcvt.h.s", s[i], 0, F_UNARY("fcvt.h.s", "fmv.w.x", "fmv.x.h", s[i]));
    for (unsigned i = 0; i < COUNT(d); i++)
        ALL_MODES("fcvt.h.d", d[i], 0, F_UNARY("fcvt.h.d", "fmv.d.x", "fmv.x.h", d[i]));
    static const uint64_t x[] = {
        0,     1,          2047,       2049, 65504, 65519,  65520,     65535,
        65536, 0xffffffff, 0x80000000, -1ul, -2049, -65520, 1ul << 63, 0x7fffffffffffffff,
        4097};
    for (unsigned i = 0; i < COUNT(x); i++) {
        ALL_MODES("fcvt.h.w", x[i], 0, X_TO_H("fcvt.h.w", x[i]));
        ALL_MODES("fcvt.h.wu", x[i], 0, X_TO_H("fcvt.h.wu", x[i]));
        ALL_MODES("fcvt.h.l", x[i], 0, X_TO_H("fcvt.h.l", x[i]));
        ALL_MODES("fcvt.h.lu", x[i], 0, X_TO_H("fcvt.h.lu", x[i]));
    }
}

/* NaN boxing, moves, loads and stores, static rounding modes. */
static volatile uint16_t mem16[4] = {0x3c00, 0xfc01, 0x8001, 0x1234};

static void boxing_moves_memory(void)
{
    uint64_t v, w;
    /* A half result is boxed: all 48 upper bits set. */
    __asm__ volatile("fmv.h.x ft0, %1\n\tfadd.h ft1, ft0, ft0\n\tfmv.x.d %0, ft1"
                     : "=r"(v)
                     : "r"(0x3c00ul)
                     : "ft0", "ft1");
    printf("fadd.h result in the register: %lx\n", v);
    /* Improperly boxed operands (a single, a double) read as the canonical NaN. */
    __asm__ volatile("fmv.w.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfadd.h ft2, ft0, ft0\n\t"
                     "fmv.x.d %0, ft2\n\tfcvt.s.h ft2, ft1\n\tfmv.x.w %1, ft2"
                     : "=r"(v), "=r"(w)
                     : "r"(0x3c00ul), "r"(0xfff0ffffffff3c00ul)
                     : "ft0", "ft1", "ft2");
    printf("unboxed inputs: fadd.h %lx fcvt.s.h %lx\n", v, w);
    /* fmv.x.h and fsh copy the low 16 bits of whatever the register holds. */
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.x.h %0, ft0\n\tfclass.h %1, ft0"
                     : "=r"(v), "=r"(w)
                     : "r"(0x123456789abc8123ul)
                     : "ft0");
    printf("fmv.x.h of an unboxed register: %lx fclass.h %lx\n", v, w);
    for (unsigned i = 0; i < 4; i++) {
        __asm__ volatile("flh ft0, 0(%2)\n\tfmv.x.d %0, ft0\n\tfsh ft0, 6(%3)\n\tfclass.h %1, ft0"
                         : "=r"(v), "=r"(w)
                         : "r"(&mem16[i]), "r"(&mem16[0])
                         : "ft0", "memory");
        printf("flh %x: %lx class %lx, fsh wrote %x\n", mem16[i], v, w, mem16[3]);
    }
    /* Static rounding modes in the instruction override frm. */
    set_frm(0);
    struct res r[5];
    r[0] = H_BINARY("fdiv.h", 0x3c00ul, 0x4200ul);
    r[1] = H_BINARY_RM("fdiv.h", ", rtz", 0x3c00ul, 0x4200ul);
    r[2] = H_BINARY_RM("fdiv.h", ", rdn", 0xbc00ul, 0x4200ul);
    r[3] = H_BINARY_RM("fdiv.h", ", rup", 0x3c00ul, 0x4200ul);
    r[4] = H_BINARY_RM("fdiv.h", ", rmm", 0x3c00ul, 0x4200ul);
    for (unsigned i = 0; i < 5; i++)
        report("fdiv.h static", i, 0, r[i]);
}

static uint64_t rng_state = 0x13198a2e03707344ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
/* A random half weighted toward the edges (zero and top exponents, runs of ones). */
static uint64_t random_h(void)
{
    uint64_t frac = rnd() & 0x3ff, e;
    switch (rnd() % 8) {
    case 0: e = 0; break;
    case 1: e = 31, frac = rnd() % 2 ? 0 : frac; break;
    case 2: e = 1 + rnd() % 2; break;
    case 3: e = 29 + rnd() % 2; break;
    default: e = rnd() % 31; break;
    }
    if (rnd() % 4 == 0) frac = rnd() % 2 ? frac >> (rnd() % 10) : frac | 0x3ff >> (rnd() % 10);
    return (rnd() & 1) << 15 | e << 10 | frac;
}
#define RANDOM_OPS(what, expr)                                                                     \
    do {                                                                                           \
        unsigned long h_ = 5381;                                                                   \
        for (int n_ = 0; n_ < 400; n_++) {                                                         \
            uint64_t a = random_h(), b = random_h(), c = random_h();                               \
            struct res r_ = expr;                                                                  \
            (void)a, (void)b, (void)c;                                                             \
            h_ = (h_ * 33) ^ r_.bits ^ (r_.flags << 59);                                           \
        }                                                                                          \
        printf("random %s rm%u: %lx\n", what, rm, h_);                                             \
        line_hash = (line_hash * 33) ^ h_;                                                         \
    } while (0)

static void random_operands(void)
{
    for (unsigned rm = 0; rm < 5; rm++) {
        set_frm(rm);
        RANDOM_OPS("fadd.h", H_BINARY("fadd.h", a, b));
        RANDOM_OPS("fsub.h", H_BINARY("fsub.h", a, b));
        RANDOM_OPS("fmul.h", H_BINARY("fmul.h", a, b));
        RANDOM_OPS("fdiv.h", H_BINARY("fdiv.h", a, b));
        RANDOM_OPS("fsqrt.h", F_UNARY("fsqrt.h", "fmv.h.x", "fmv.x.h", a));
        RANDOM_OPS("fmadd.h", H_TERNARY("fmadd.h", a, b, c));
        RANDOM_OPS("fnmsub.h", H_TERNARY("fnmsub.h", a, b, c));
        RANDOM_OPS("fcvt.w.h", H_TO_X("fcvt.w.h %0, ft0", a, b));
        RANDOM_OPS("fcvt.lu.h", H_TO_X("fcvt.lu.h %0, ft0", a, b));
        RANDOM_OPS("fcvt.h.l", X_TO_H("fcvt.h.l", (a << 48 | b << 32 | c) >> (a % 64)));
        RANDOM_OPS("fcvt.h.s", F_UNARY("fcvt.h.s", "fmv.w.x", "fmv.x.h", rnd() & 0xffffffff));
        RANDOM_OPS("fcvt.h.d", F_UNARY("fcvt.h.d", "fmv.d.x", "fmv.x.h", rnd()));
    }
}

int main(void)
{
    csr_set(mstatus, MSTATUS_FS_INITIAL);
    arithmetic();
    conversions();
    boxing_moves_memory();
    random_operands();
    printf("result hash %lx\n", line_hash);
    return pass("fpu_half");
}
