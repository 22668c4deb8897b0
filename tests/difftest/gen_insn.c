/* Random RV64GC instruction units for the difftest generator.
 *
 * A program is a sequence of units, each a few instructions that must run together: a load
 * is preceded by the instructions that put its address in the base register, so a branch
 * (which only ever lands on a unit boundary) can never make it use a wild base. x3 (gp, the
 * loop counter) and x4 (tp, the harness's frame) are never written. Encodings follow the
 * unprivileged spec's opcode maps ("RV32/64G Instruction Set Listings", "RVC Instruction Set
 * Listings"); what is left out, and why, is in DEVIATIONS.md. */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

/* --- emitting --- */

static void emit16(struct gen *g, uint32_t h)
{
    if (g->len + 2 > g->cap) return;
    g->code[g->len++] = (uint8_t)h;
    g->code[g->len++] = (uint8_t)(h >> 8);
}

void emit32(struct gen *g, uint32_t w)
{
    emit16(g, w & 0xffff);
    emit16(g, w >> 16);
}

static uint32_t rd32(struct gen *g, size_t at)
{
    return g->code[at] | g->code[at + 1] << 8 | (uint32_t)g->code[at + 2] << 16 |
           (uint32_t)g->code[at + 3] << 24;
}

static void wr32(struct gen *g, size_t at, uint32_t w)
{
    for (int i = 0; i < 4; i++)
        g->code[at + i] = (uint8_t)(w >> (8 * i));
}

static void fixup(struct gen *g, enum fixup_kind kind)
{
    if (g->nfix < GEN_MAX_FIXUPS) g->fix[g->nfix++] = (struct fixup){(uint32_t)g->len, kind};
}

/* --- registers --- */

/* Any register but x0, gp and tp. */
unsigned wreg(struct gen *g)
{
    unsigned r;
    do
        r = 1 + rn(g->r, 31);
    while (r == 3 || r == 4);
    return r;
}

unsigned anyreg(struct gen *g)
{
    return rn(g->r, 32);
}

static unsigned creg(struct gen *g) /* x8..x15, the compressed forms' registers */
{
    return 8 + rn(g->r, 8);
}

/* --- formats --- */

static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                       unsigned op)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t i_type(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t s_type(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned op)
{
    uint32_t i = (uint32_t)imm;
    return (i >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (i & 0x1f) << 7 | op;
}

static uint32_t b_imm(int32_t imm)
{
    uint32_t i = (uint32_t)imm;
    return (i >> 12 & 1) << 31 | (i >> 5 & 0x3f) << 25 | (i >> 1 & 0xf) << 8 | (i >> 11 & 1) << 7;
}

static uint32_t j_imm(int32_t imm)
{
    uint32_t i = (uint32_t)imm;
    return (i >> 20 & 1) << 31 | (i >> 1 & 0x3ff) << 21 | (i >> 11 & 1) << 20 |
           (i >> 12 & 0xff) << 12;
}

static uint32_t cb_imm(int32_t imm) /* c.beqz/c.bnez offset[8|4:3] [7:6|2:1|5] */
{
    uint32_t i = (uint32_t)imm;
    return (i >> 8 & 1) << 12 | (i >> 3 & 3) << 10 | (i >> 6 & 3) << 5 | (i >> 1 & 3) << 3 |
           (i >> 5 & 1) << 2;
}

static uint32_t cj_imm(int32_t imm) /* c.j offset[11|4|9:8|10|6|7|3:1|5] */
{
    uint32_t i = (uint32_t)imm;
    return (i >> 11 & 1) << 12 | (i >> 4 & 1) << 11 | (i >> 8 & 3) << 9 | (i >> 10 & 1) << 8 |
           (i >> 6 & 1) << 7 | (i >> 7 & 1) << 6 | (i >> 1 & 7) << 3 | (i >> 5 & 1) << 2;
}

static void addi(struct gen *g, unsigned rd, unsigned rs1, int32_t imm)
{
    emit32(g, i_type(imm, rs1, 0, rd, 0x13));
}

/* rd = v, for any 64-bit v: lui/addiw for 32-bit values, else the upper part shifted in
 * 12 bits at a time. */
void li(struct gen *g, unsigned rd, uint64_t v)
{
    int64_t s = (int64_t)v;
    if (s >= -2048 && s < 2048) {
        addi(g, rd, 0, (int32_t)s);
    } else if (s == (int32_t)s) {
        uint32_t hi = (uint32_t)((s + 0x800) >> 12) & 0xfffff;
        int32_t lo = (int32_t)((int64_t)((uint64_t)s << 52) >> 52); /* the low 12 bits, signed */
        emit32(g, hi << 12 | rd << 7 | 0x37);
        if (lo) emit32(g, i_type(lo, rd, 0, rd, 0x1b)); /* addiw */
    } else {
        int32_t lo = (int32_t)((int64_t)(v << 52) >> 52);
        int64_t hi = (int64_t)(v - (uint64_t)(int64_t)lo) >> 12;
        li(g, rd, (uint64_t)hi);
        emit32(g, i_type(12, rd, 1, rd, 0x13)); /* slli rd, rd, 12 */
        if (lo) addi(g, rd, rd, lo);
    }
}

/* A value worth computing with: edges, small numbers, sign boundaries, random bits. */
uint64_t value(struct gen *g)
{
    static const uint64_t edge[] = {0,
                                    1,
                                    2,
                                    0xffffffffffffffffull,
                                    0x8000000000000000ull,
                                    0x7fffffffffffffffull,
                                    0x80000000ull,
                                    0x7fffffffull,
                                    0xffffffff80000000ull,
                                    0xffffffffull,
                                    0x100000000ull,
                                    0x3ff0000000000000ull,  /* 1.0 */
                                    0x7ff8000000000000ull,  /* qNaN */
                                    0xffffffff3f800000ull,  /* boxed 1.0f */
                                    0xffffffff7fc00000ull}; /* boxed qNaN f */
    switch (rn(g->r, 4)) {
    case 0: return edge[rn(g->r, sizeof edge / sizeof edge[0])];
    case 1: return (uint64_t)(int64_t)(int32_t)(rn(g->r, 4096) - 2048);
    case 2: return (uint64_t)(int64_t)(int32_t)rnd(g->r);
    default: return rnd(g->r);
    }
}

/* --- integer units --- */

static uint32_t alu_rr_word(struct gen *g)
{
    static const uint16_t ops[] = {/* f7 << 8 | f3 << 4 | W: OP (W = 0) and OP-32 (W = 1) */
                                   0x0000, 0x2000, 0x0010, 0x0020, 0x0030, 0x0040, 0x0050,
                                   0x2050, 0x0060, 0x0070, 0x0100, 0x0110, 0x0120, 0x0130,
                                   0x0140, 0x0150, 0x0160, 0x0170, 0x0001, 0x2001, 0x0011,
                                   0x0051, 0x2051, 0x0101, 0x0141, 0x0151, 0x0161, 0x0171};
    unsigned o = ops[rn(g->r, sizeof ops / sizeof ops[0])];
    return r_type(o >> 8, anyreg(g), anyreg(g), o >> 4 & 7, wreg(g), o & 1 ? 0x3b : 0x33);
}

static void u_alu_rr(struct gen *g)
{
    emit32(g, alu_rr_word(g));
}

static void u_alu_imm(struct gen *g)
{
    unsigned rd = wreg(g), rs1 = anyreg(g);
    int32_t imm = (int32_t)rn(g->r, 4096) - 2048;
    switch (rn(g->r, 12)) {
    case 0: emit32(g, i_type(imm, rs1, 0, rd, 0x13)); break;                   /* addi */
    case 1: emit32(g, i_type(imm, rs1, 2, rd, 0x13)); break;                   /* slti */
    case 2: emit32(g, i_type(imm, rs1, 3, rd, 0x13)); break;                   /* sltiu */
    case 3: emit32(g, i_type(imm, rs1, 4, rd, 0x13)); break;                   /* xori */
    case 4: emit32(g, i_type(imm, rs1, 6, rd, 0x13)); break;                   /* ori */
    case 5: emit32(g, i_type(imm, rs1, 7, rd, 0x13)); break;                   /* andi */
    case 6: emit32(g, i_type((int32_t)rn(g->r, 64), rs1, 1, rd, 0x13)); break; /* slli */
    case 7:                                                                    /* srli / srai */
        emit32(g, i_type((int32_t)(rn(g->r, 64) | rn(g->r, 2) << 10), rs1, 5, rd, 0x13));
        break;
    case 8: emit32(g, i_type(imm, rs1, 0, rd, 0x1b)); break;                   /* addiw */
    case 9: emit32(g, i_type((int32_t)rn(g->r, 32), rs1, 1, rd, 0x1b)); break; /* slliw */
    case 10:                                                                   /* srliw / sraiw */
        emit32(g, i_type((int32_t)(rn(g->r, 32) | rn(g->r, 2) << 10), rs1, 5, rd, 0x1b));
        break;
    default: /* lui / auipc (the code's address is the same on both machines) */
        emit32(g, (uint32_t)rnd(g->r) << 12 | wreg(g) << 7 | (rn(g->r, 2) ? 0x37 : 0x17));
        break;
    }
}

static void u_li(struct gen *g)
{
    li(g, wreg(g), value(g));
}

/* --- addresses --- */

/* An address from a pool with all the `need` flags, aligned to `align` or (when the pool
 * allows and `misalign`) anywhere. */
static uint64_t address(struct gen *g, unsigned need, unsigned align, int misalign)
{
    const struct pool *p;
    do
        p = &g->pools[rn(g->r, g->npools)];
    while ((p->flags & need) != need);
    uint64_t off = rnd(g->r) % p->span;
    /* Concentrate on a few words so that stores and loads meet. */
    if (rn(g->r, 2)) off = off % 256;
    int any = p->flags & POOL_MISALIGN || (p->flags & POOL_MISALIGN_VM && g->far_atomics);
    if (misalign && any && rn(g->r, 4) == 0) {
        /* sometimes across a page boundary: the second page may fault, or map elsewhere */
        if (rn(g->r, 3) == 0) off = (off | 0xfff) - rn(g->r, 7);
        return p->base + off % p->span;
    }
    return p->base + (off & ~(uint64_t)(align - 1));
}

/* Load base + offset into base and return the offset to put in the instruction. */
static int32_t set_base(struct gen *g, unsigned base, uint64_t addr, int32_t range)
{
    int32_t off = range ? (int32_t)rn(g->r, (unsigned)range) : 0;
    li(g, base, addr - (uint64_t)(int64_t)off);
    return off;
}

static void u_load(struct gen *g)
{
    static const uint8_t size[] = {1, 2, 4, 8, 1, 2, 4};
    unsigned f3 = rn(g->r, 7), base = wreg(g);
    uint64_t a = address(g, 0, size[f3], 1);
    int32_t off = set_base(g, base, a, rn(g->r, 2) ? 64 : 0);
    emit32(g, i_type(off, base, f3, wreg(g), 0x03));
}

static void u_store(struct gen *g)
{
    unsigned f3 = rn(g->r, 4), base = wreg(g), src;
    do
        src = anyreg(g);
    while (src == base);
    uint64_t a = address(g, POOL_STORE, 1u << f3, 1);
    int32_t off = set_base(g, base, a, rn(g->r, 2) ? 64 : 0);
    emit32(g, s_type(off, src, base, f3, 0x23));
}

static void u_fload_store(struct gen *g)
{
    /* width: funct3 1 = flh/fsh (Zfhmin), 2 = flw/fsw, 3 = fld/fsd */
    unsigned w = 1 + rn(g->r, 3), base = wreg(g), store = rn(g->r, 2);
    uint64_t a = address(g, store ? POOL_STORE : 0, 1u << w, 1);
    int32_t off = set_base(g, base, a, 32);
    if (store)
        emit32(g, s_type(off, rn(g->r, 32), base, w, 0x27));
    else
        emit32(g, i_type(off, base, w, rn(g->r, 32), 0x07));
}

/* AMOs and LR/SC, naturally aligned: a misaligned one may raise either address-misaligned
 * or access fault (unpriv spec, "Atomic Memory Operations"), so it is left out. Only where
 * the generator knows translation is on do they go beyond DATA: QEMU 7.2 performs an AMO to
 * an address with no memory without any fault (DEVIATIONS.md). */
static unsigned atomic_pools(struct gen *g)
{
    return POOL_STORE | POOL_ATOMIC | (g->far_atomics ? 0 : POOL_RAM);
}

static void u_amo(struct gen *g)
{
    static const uint8_t f5[] = {0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c};
    unsigned d = rn(g->r, 2), base = wreg(g);
    li(g, base, address(g, atomic_pools(g), d ? 8 : 4, 0));
    uint32_t aqrl = rn(g->r, 4) << 25;
    emit32(g, (uint32_t)f5[rn(g->r, 9)] << 27 | aqrl |
                  r_type(0, anyreg(g), base, 2 + d, wreg(g), 0x2f));
}

/* LR, maybe an ALU op, SC to the same address. Whether an SC with no reservation still
 * translates its address (and so faults) is left open by the spec (unpriv "Load-Reserved/
 * Store-Conditional Instructions" only says it must fail): QEMU 7.2 does not, rv39 does. So
 * the SC is skipped when the LR trapped, which leaves rd holding tp (the harness's frame
 * address, which no LR.W can return and an LR.D only if a program stored tp there). */
static void u_lrsc(struct gen *g)
{
    unsigned d = rn(g->r, 2), base = wreg(g), rd, src = anyreg(g), t;
    do
        rd = wreg(g);
    while (rd == base);
    li(g, base, address(g, atomic_pools(g), d ? 8 : 4, 0));
    addi(g, rd, 4, 0);
    emit32(g, 0x02u << 27 | rn(g->r, 4) << 25 | r_type(0, 0, base, 2 + d, rd, 0x2f));
    if (rn(g->r, 2)) { /* an ALU op between them that leaves base and rd alone */
        do
            t = wreg(g);
        while (t == base || t == rd);
        emit32(g, r_type(0, anyreg(g), anyreg(g), 0, t, 0x33));
    }
    emit32(g, r_type(0, 4, rd, 0, 0, 0x63) | b_imm(8)); /* beq rd, tp, past the SC */
    emit32(g, 0x03u << 27 | rn(g->r, 4) << 25 | r_type(0, src, base, 2 + d, wreg(g), 0x2f));
}

/* --- floating point --- */

static unsigned rm(struct gen *g)
{
    static const uint8_t modes[] = {0, 1, 2, 3, 4, 7, 7, 7, 0, 1, 2, 3, 4, 7, 7, 7, 5, 6};
    return modes[rn(g->r, sizeof modes)];
}

static void u_fp(struct gen *g)
{
    /* fmt 0 = S, 1 = D, 2 = H (Zfh: QEMU runs with -cpu rv64,Zfh=true, run.sh) */
    unsigned fmt = rn(g->r, 3), rd = rn(g->r, 32), rs1 = rn(g->r, 32), rs2 = rn(g->r, 32);
    switch (rn(g->r, 16)) {
    case 0:
    case 1:
    case 2:
    case 3: /* fadd fsub fmul fdiv */
        emit32(g, r_type(rn(g->r, 4) << 2 | fmt, rs2, rs1, rm(g), rd, 0x53));
        break;
    case 4: emit32(g, r_type(0x0b << 2 | fmt, 0, rs1, rm(g), rd, 0x53)); break; /* fsqrt */
    case 5: emit32(g, r_type(0x04 << 2 | fmt, rs2, rs1, rn(g->r, 3), rd, 0x53)); break;
    case 6: emit32(g, r_type(0x05 << 2 | fmt, rs2, rs1, rn(g->r, 2), rd, 0x53)); break;
    case 7:
    case 8: /* fmadd fmsub fnmsub fnmadd */
        emit32(g, rn(g->r, 32) << 27 | fmt << 25 |
                      r_type(0, rs2, rs1, rm(g), rd, 0x43 | rn(g->r, 4) << 2));
        break;
    case 9: /* fcvt between S, D and H: to fmt from (fmt + 1 or 2) mod 3 */
        emit32(g, r_type(0x20 | fmt, (fmt + 1 + rn(g->r, 2)) % 3, rs1, rm(g), rd, 0x53));
        break;
    case 10: /* feq flt fle -> x */
        emit32(g, r_type(0x14 << 2 | fmt, rs2, rs1, rn(g->r, 3), wreg(g), 0x53));
        break;
    case 11: /* fclass / fmv.x.{w,d,h} */
        emit32(g, r_type(0x1c << 2 | fmt, 0, rs1, rn(g->r, 2), wreg(g), 0x53));
        break;
    case 12: /* fcvt.{w,wu,l,lu}.{s,d,h} */
        emit32(g, r_type(0x18 << 2 | fmt, rn(g->r, 4), rs1, rm(g), wreg(g), 0x53));
        break;
    case 13: /* fcvt.{s,d,h}.{w,wu,l,lu} */
        emit32(g, r_type(0x1a << 2 | fmt, rn(g->r, 4), anyreg(g), rm(g), rd, 0x53));
        break;
    case 14: /* fmv.{w,d,h}.x */
        emit32(g, r_type(0x1e << 2 | fmt, 0, anyreg(g), 0, rd, 0x53));
        break;
    default: /* a value into an FP register through memory-free moves */
        li(g, 5 + rn(g->r, 3), value(g));
        emit32(g, r_type(0x1e << 2 | fmt, 0, 5 + rn(g->r, 3), 0, rd, 0x53));
        break;
    }
}

/* --- compressed --- */

static void u_rvc_alu(struct gen *g)
{
    unsigned rd = wreg(g), rdp = creg(g), rs2p = creg(g);
    uint32_t imm = rn(g->r, 64);
    switch (rn(g->r, 12)) {
    case 0: emit16(g, 0x0001 | (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2); break; /* addi */
    case 1: emit16(g, 0x2001 | (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2); break; /* addiw */
    case 2: emit16(g, 0x4001 | (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2); break; /* li */
    case 3: /* lui (nonzero immediate, rd not sp) */
        if (rd == 2) rd = 1;
        if (!imm) imm = 1;
        emit16(g, 0x6001 | (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2);
        break;
    case 4: /* srli, srai, andi */
        emit16(g, 0x8001 | (imm >> 5) << 12 | rn(g->r, 3) << 10 | (rdp - 8) << 7 | (imm & 31) << 2);
        break;
    case 5: /* sub xor or and subw addw */
        emit16(g, 0x8c01 | rn(g->r, 2) << 12 | (rdp - 8) << 7 | rn(g->r, 4) << 5 | (rs2p - 8) << 2);
        if (g->code[g->len - 1] & 0x10 && (g->code[g->len - 2] & 0x60) >= 0x40)
            g->code[g->len - 2] &= ~0x40; /* subw/addw only: 10, 11 in [6:5] are reserved */
        break;
    case 6: emit16(g, 0x0002 | (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2); break; /* slli */
    case 7: emit16(g, 0x8002 | rd << 7 | wreg(g) << 2); break;                       /* mv */
    case 8: emit16(g, 0x9002 | rd << 7 | (1 + rn(g->r, 31)) << 2); break; /* add (rs2 != 0) */
    case 9: { /* addi16sp: sp += a nonzero multiple of 16 in [-512, 496] */
        int32_t k = (int32_t)rn(g->r, 64) - 32;
        uint32_t i = (uint32_t)(k ? k : 1) * 16 & 0x3ff;
        emit16(g, 0x6101 | (i >> 9 & 1) << 12 | (i >> 4 & 1) << 6 | (i >> 6 & 1) << 5 |
                      (i >> 7 & 3) << 3 | (i >> 5 & 1) << 2);
        break;
    }
    case 10: { /* addi4spn: rd' = sp + nonzero multiple of 4 */
        uint32_t i = (1 + rn(g->r, 255)) << 2;
        emit16(g, 0x0000 | (i >> 4 & 3) << 11 | (i >> 6 & 15) << 7 | (i >> 2 & 1) << 6 |
                      (i >> 3 & 1) << 5 | (rdp - 8) << 2);
        break;
    }
    default: { /* HINTs, which must execute as no-ops: c.nop imm, c.li x0, c.mv x0, c.slli x0 */
        static const uint16_t hint[] = {0x0005, 0x4015, 0x8016, 0x0006, 0x1002};
        emit16(g, hint[rn(g->r, 5)]);
        break;
    }
    }
}

static void u_rvc_mem(struct gen *g)
{
    unsigned kind = rn(g->r, 6), store = kind >= 3, w = kind % 3; /* lw/ld/fld, sw/sd/fsd */
    unsigned size = w == 0 ? 4 : 8;
    if (rn(g->r, 2)) { /* sp-based: c.lwsp c.ldsp c.fldsp / c.swsp c.sdsp c.fsdsp */
        uint64_t a = address(g, store ? POOL_STORE : 0, size, 1);
        uint32_t off = (rn(g->r, 8)) * size, r = w == 2 ? rn(g->r, 32) : wreg(g);
        li(g, 2, a - off);
        static const uint16_t op[] = {0x4002, 0x6002, 0x2002, 0xc002, 0xe002, 0xa002};
        uint32_t h = op[kind];
        if (!store)
            h |= size == 4 ? ((off >> 5 & 1) << 12 | (off >> 2 & 7) << 4 | (off >> 6 & 3) << 2)
                           : ((off >> 5 & 1) << 12 | (off >> 3 & 3) << 5 | (off >> 6 & 7) << 2);
        else
            h |= size == 4 ? ((off >> 2 & 15) << 9 | (off >> 6 & 3) << 7)
                           : ((off >> 3 & 7) << 10 | (off >> 6 & 7) << 7);
        emit16(g, h | r << (store ? 2 : 7));
    } else { /* c.lw c.ld c.fld / c.sw c.sd c.fsd */
        unsigned base = creg(g), r = creg(g);
        uint64_t a = address(g, store ? POOL_STORE : 0, size, 1);
        uint32_t off = rn(g->r, 8) * size;
        li(g, base, a - off);
        static const uint16_t op[] = {0x4000, 0x6000, 0x2000, 0xc000, 0xe000, 0xa000};
        uint32_t h = op[kind] | (base - 8) << 7 | (r - 8) << 2 | (off >> 3 & 7) << 10;
        h |= size == 4 ? ((off >> 2 & 1) << 6 | (off >> 6 & 1) << 5) : (off >> 6 & 3) << 5;
        emit16(g, h);
    }
}

/* --- control flow (targets are resolved once the whole body exists) --- */

static void u_branch(struct gen *g)
{
    switch (rn(g->r, 5)) {
    case 0:
    case 1: { /* beq bne blt bge bltu bgeu */
        static const uint8_t f3[] = {0, 1, 4, 5, 6, 7};
        fixup(g, FIX_B);
        emit32(g, r_type(0, anyreg(g), anyreg(g), f3[rn(g->r, 6)], 0, 0x63));
        break;
    }
    case 2: /* c.beqz / c.bnez */
        fixup(g, FIX_CB);
        emit16(g, 0xc001 | rn(g->r, 2) << 13 | (creg(g) - 8) << 7);
        break;
    case 3: /* jal rd / c.j */
        if (rn(g->r, 2)) {
            fixup(g, FIX_J);
            emit32(g, wreg(g) << 7 | 0x6f);
        } else {
            fixup(g, FIX_CJ);
            emit16(g, 0xa001);
        }
        break;
    default: { /* auipc + addi + jalr (or c.jr / c.jalr) to a unit in the code */
        unsigned t = wreg(g);
        fixup(g, FIX_AUIPC);
        emit32(g, t << 7 | 0x17);
        addi(g, t, t, 0);
        if (rn(g->r, 2))
            emit32(g, i_type(0, t, 0, wreg(g), 0x67));
        else
            emit16(g, 0x8002 | rn(g->r, 2) << 12 | t << 7);
        break;
    }
    }
}

/* ra = the end of the unit being emitted, for the harness to resume at after a fetch
 * fault. Returns where to patch. */
static size_t ra_to_unit_end(struct gen *g)
{
    size_t at = g->len;
    emit32(g, 1u << 7 | 0x17); /* auipc ra, 0 */
    addi(g, 1, 1, 0);
    return at;
}

static void patch_ra(struct gen *g, size_t at)
{
    wr32(g, at + 4, rd32(g, at + 4) | (uint32_t)(g->len - at) << 20);
}

/* A jump that must fault: the target is never executable memory. */
static void u_wild_jump(struct gen *g)
{
    unsigned t = wreg(g);
    while (t == 1)
        t = wreg(g);
    /* sometimes to the instruction that straddles two pages (gen.c), which returns to ra */
    li(g, t, g->straddle && !rn(g->r, 4) ? g->straddle : address(g, POOL_JUMP, 2, 0));
    size_t at = ra_to_unit_end(g);
    if (rn(g->r, 2))
        emit32(g, i_type(0, t, 0, rn(g->r, 2) ? 1 : 0, 0x67));
    else
        emit16(g, 0x8002 | rn(g->r, 2) << 12 | t << 7);
    patch_ra(g, at);
}

/* Self-modifying code, as the spec allows it: store a new ALU instruction over the slot
 * that ends the unit, then fence.i, which makes the store visible to the fetches that follow
 * (unpriv spec "Zifencei"). Only M-mode (or Bare) stores reach code: elsewhere the code
 * pages are not writable and the store faults. */
static void u_smc(struct gen *g)
{
    unsigned base = wreg(g), val;
    do
        val = wreg(g);
    while (val == base);
    /* In M-mode, untranslated: with MPRV the store would be translated, and QEMU 7.2 would
     * use its M-mode fetch's entry for the page (DEVIATIONS.md). Illegal elsewhere. */
    li(g, val, 1ull << 17);
    emit32(g, i_type(0x300, val, 3, 0, 0x73)); /* csrc mstatus, MPRV */
    size_t at = g->len;
    emit32(g, base << 7 | 0x17); /* auipc base, 0 */
    li(g, val, alu_rr_word(g));
    size_t add = g->len;
    addi(g, base, base, 0);
    emit32(g, s_type(0, val, base, 2, 0x23)); /* sw val, 0(base) */
    emit32(g, 0x0000100f);                    /* fence.i */
    wr32(g, add, rd32(g, add) | (uint32_t)(g->len - at) << 20);
    emit32(g, alu_rr_word(g)); /* the slot */
}

/* --- CSRs and privilege --- */

static void csr_op(struct gen *g, unsigned csr, unsigned rs1, unsigned rd)
{
    /* csrrw csrrs csrrc, or their immediate forms with rs1 as a 5-bit immediate */
    static const uint8_t f3[] = {1, 2, 3, 5, 6, 7};
    emit32(g, i_type((int32_t)csr, rs1, f3[rn(g->r, 6)], rd, 0x73));
}

static void u_csr(struct gen *g)
{
    /* Deterministic on both machines: no counters, no ID registers that differ. */
    static const uint16_t plain[] = {0x340, 0x140, 0x341, 0x141, 0x001, 0x002, 0x003,
                                     0x342, 0x343, 0xf14, 0x340, 0x140, 0x001, 0x003};
    unsigned t = wreg(g), rd = rn(g->r, 4) ? wreg(g) : 0;
    switch (rn(g->r, 8)) {
    case 0:
    case 1:
    case 2:
    case 3: { /* plain read/write CSRs, any value */
        unsigned csr = plain[rn(g->r, sizeof plain / sizeof plain[0])];
        uint64_t v = value(g);
        /* mepc/sepc: even values only, and no immediate forms (which could set bit 0). Bit 0
         * reads as zero (priv spec "Machine Exception Program Counter"); QEMU 7.2 keeps it
         * (DEVIATIONS.md). */
        if ((csr & 0xff) == 0x41) {
            li(g, t, v & ~1ull);
            emit32(g, i_type((int32_t)csr, t, 1 + rn(g->r, 3), rd, 0x73));
            break;
        }
        /* CSRRS/CSRRC with rs1 != x0 write the CSR even when rs1 holds zero, so they trap on a
         * read-only CSR (unpriv spec "CSR Instructions"); QEMU 7.2 looks at the value instead
         * (DEVIATIONS.md). So the read-only mhartid gets a nonzero rs1. */
        if (csr == 0xf14) v |= 1;
        li(g, t, v);
        csr_op(g, csr, rn(g->r, 2) ? t : 0, rd);
        break;
    }
    case 4: /* stvec: modes 0 and 1 only (2 and 3 are reserved, their handling WARL) */
        li(g, t, g->stub ? g->stub | rn(g->r, 2) : value(g) & ~2ull); /* the stub, if any */
        emit32(g, i_type(0x105, t, 1, rd, 0x73));
        break;
    case 5: /* mtvec: the harness's handler, direct or vectored (no interrupts are enabled) */
        li(g, t, g->trap_entry | rn(g->r, 2));
        emit32(g, i_type(0x305, t, 1, rd, 0x73));
        break;
    case 6: /* satp: Bare or one of the program's two address spaces (gen.c, make_program:
             * every change also changes the ASID, so sfence.vma is optional). Programs that
             * send AMOs beyond DATA keep translation on (see atomic_pools). */
        li(g, t, g->satp_values[rn(g->r, g->far_atomics ? 2 : 3)]);
        emit32(g, i_type(0x180, t, 1, rd, 0x73));
        if (rn(g->r, 2)) emit32(g, 0x12000073);
        break;
    default: { /* mstatus / sstatus fields: set or clear a few, MPP to a legal value */
        /* FS only as a whole, Off or Dirty: QEMU 7.2 leaves FS at Initial or Clean when an
         * instruction changes only fflags (DEVIATIONS.md), so those two are never set. */
        static const uint64_t mbits[] = {1 << 1,  1 << 3,  1 << 5,  1 << 7,  1 << 8,
                                         3 << 13, 3 << 13, 1 << 17, 1 << 18, 1 << 19,
                                         1 << 20, 1 << 21, 1 << 22};
        uint64_t mask = 0;
        for (int k = 1 + rn(g->r, 3); k > 0; k--)
            mask |= mbits[rn(g->r, 13)];
        /* With delegation the stub's sret must work: no TSR */
        if (g->stub) mask &= ~(1ull << 22);
        int m = g->mode == 3 ? rn(g->r, 3) != 0 : rn(g->r, 6) == 0;
        if (!m) mask &= 0x000c6122; /* sstatus view: SIE SPIE SPP FS SUM MXR */
        li(g, t, mask);
        emit32(g, i_type(m ? 0x300 : 0x100, t, 2 + rn(g->r, 2), rd, 0x73));
        if (m && rn(g->r, 2)) { /* MPP := U, S or M */
            static const uint64_t mpp[] = {0, 1ull << 11, 3ull << 11};
            li(g, t, 3ull << 11);
            emit32(g, i_type(0x300, t, 3, 0, 0x73));
            li(g, t, mpp[rn(g->r, 3)]);
            emit32(g, i_type(0x300, t, 2, 0, 0x73));
        }
        break;
    }
    }
}

/* The supervisor software interrupt, the one interrupt programs raise: pend or clear it
 * (mip from M, sip from S when delegated), enable or disable it (mie, sie). mip and sip are
 * not read into registers: their MTIP bit follows the CLINT's timer. */
static void u_irq(struct gen *g)
{
    static const uint16_t irq_csr[] = {0x344, 0x144, 0x344, 0x144, 0x304, 0x104};
    unsigned t = wreg(g), k = rn(g->r, 6), rd = k < 4 ? 0 : wreg(g);
    li(g, t, 2);
    emit32(g, i_type(irq_csr[k], t, k < 4 && rn(g->r, 4) ? 2 : 2 + rn(g->r, 2), rd, 0x73));
}

/* mret or sret to the end of the unit, in a chosen mode. */
static void u_xret(struct gen *g)
{
    unsigned t = 5 + rn(g->r, 3), m = g->mode == 3 ? 1 : 0;
    if (rn(g->r, 8) == 0) m = !m;
    /* U-mode cannot fetch the code of an M or S program (its pages have U clear) unless
     * translation is off, so U is a target only in programs that start with satp Bare; in
     * the others it would just end the program at its next fetch. */
    static const uint8_t modes[] = {3, 1, 0};
    unsigned to = m ? modes[rn(g->r, g->bare_start ? 3 : 2)] : g->bare_start ? rn(g->r, 2) : 1;
    /* Leaving M-mode clears MPRV (priv spec 1.12, "Memory Privilege in mstatus": "If y != M,
     * xRET also sets MPRV=0"); QEMU 7.2 does not, and an MPRV left set would then translate
     * the harness's own accesses at the next trap. So MPRV is cleared first (DEVIATIONS.md),
     * whatever mode the generator believes the program is in: a branch may have skipped the
     * xRET that was to leave M. */
    li(g, t, 1ull << 17);
    emit32(g, i_type(0x300, t, 3, 0, 0x73));
    li(g, t, m ? 3ull << 11 : 1ull << 8);
    emit32(g, i_type(m ? 0x300 : 0x100, t, 3, 0, 0x73)); /* clear xPP */
    li(g, t, m ? (uint64_t)to << 11 : (uint64_t)to << 8);
    emit32(g, i_type(m ? 0x300 : 0x100, t, 2, 0, 0x73)); /* set xPP */
    size_t at = ra_to_unit_end(g);
    emit32(g, i_type(m ? 0x341 : 0x141, 1, 1, 0, 0x73)); /* xepc := ra */
    emit32(g, m ? 0x30200073 : 0x10200073);
    patch_ra(g, at);
    if (g->mode == (m ? 3u : 1u)) g->mode = to;
}

static void u_system(struct gen *g)
{
    static const uint32_t illegal[] = {0x00000000, 0xffffffff, 0x0000000b,
                                       0x0000002b, 0x06000053, /* fadd with fmt Q */
                                       0x02001013,             /* slli with imm[11:6] reserved */
                                       0x0200101b};            /* slliw with shamt[5] set */
    switch (rn(g->r, 9)) {
    case 0: emit32(g, 0x00000073); break; /* ecall */
    case 1:
        if (rn(g->r, 2))
            emit32(g, 0x00100073);
        else
            emit16(g, 0x9002);
        break;                                                                      /* ebreak */
    case 2: emit32(g, 0x0000000f | rn(g->r, 16) << 24 | rn(g->r, 16) << 20); break; /* fence */
    case 3: emit32(g, 0x0000100f); break;                                           /* fence.i */
    case 4: emit32(g, r_type(0x09, anyreg(g), anyreg(g), 0, 0, 0x73)); break;       /* sfence.vma */
    case 5: /* compressed reserved encodings: c.addi4spn 0, c.lwsp x0, c.addi16sp 0, c.lui 0 */
        emit16(g, (const uint16_t[]){0x0000, 0x4002, 0x6101, 0x6081}[rn(g->r, 4)]);
        break;
    case 6: emit32(g, illegal[rn(g->r, 7)]); break;
    /* No bare mret/sret: xepc may hold anything, and a jump into DATA in M-mode would run
     * random words with physical addressing. No wfi: with no interrupt enabled QEMU waits
     * forever (priv spec 3.3.3 lets it). */
    default: u_xret(g); break;
    }
}

/* --- the program --- */

static void unit(struct gen *g)
{
    unsigned w = rn(g->r, 100);
    if (w < 10)
        u_alu_rr(g);
    else if (w < 14)
        u_bitmanip(g);
    else if (w < 26)
        u_alu_imm(g);
    else if (w < 28)
        u_li(g);
    else if (w < 30)
        u_irq(g);
    else if (w < 40)
        u_load(g);
    else if (w < 50)
        u_store(g);
    else if (w < 54)
        u_fload_store(g);
    else if (w < 58)
        u_amo(g);
    else if (w < 60)
        u_lrsc(g);
    else if (w < 70)
        u_fp(g);
    else if (w < 75)
        u_rvc_alu(g);
    else if (w < 76)
        u_smc(g);
    else if (w < 80)
        u_rvc_mem(g);
    else if (w < 86)
        u_branch(g);
    else if (w < 87)
        u_wild_jump(g);
    else if (w < 94)
        u_csr(g);
    else
        u_system(g);
}

static int resolve(struct gen *g, size_t end)
{
    for (unsigned k = 0; k < g->nfix; k++) {
        uint32_t at = g->fix[k].at;
        int64_t range = g->fix[k].kind == FIX_CB      ? 254
                        : g->fix[k].kind == FIX_CJ    ? 2046
                        : g->fix[k].kind == FIX_AUIPC ? 2047
                                                      : 4094;
        /* the boundaries after `at` within range */
        unsigned lo = 0, n = 0;
        for (unsigned b = 0; b < g->nbounds; b++) {
            if (g->bounds[b] <= at || g->bounds[b] > end || g->bounds[b] - at > range) continue;
            if (!n) lo = b;
            n++;
        }
        if (!n) return -1;
        int32_t off = (int32_t)(g->bounds[lo + rn(g->r, n)] - at);
        switch (g->fix[k].kind) {
        case FIX_B: wr32(g, at, rd32(g, at) | b_imm(off)); break;
        case FIX_J: wr32(g, at, rd32(g, at) | j_imm(off)); break;
        case FIX_CB: g->code[at] |= cb_imm(off) & 0xff, g->code[at + 1] |= cb_imm(off) >> 8; break;
        case FIX_CJ: g->code[at] |= cj_imm(off) & 0xff, g->code[at + 1] |= cj_imm(off) >> 8; break;
        case FIX_AUIPC: wr32(g, at + 4, rd32(g, at + 4) | (uint32_t)off << 20); break;
        }
    }
    return 0;
}

size_t gen_program(struct gen *g, unsigned units)
{
    g->len = g->nbounds = g->nfix = 0;
    for (unsigned u = 0; u < units && g->len + 96 < g->cap; u++) {
        if (g->nbounds < GEN_MAX_BOUNDS) g->bounds[g->nbounds++] = (uint32_t)g->len;
        unit(g);
    }
    size_t end = g->len;
    if (g->nbounds < GEN_MAX_BOUNDS) g->bounds[g->nbounds++] = (uint32_t)end;
    if (resolve(g, end)) abort();
    /* loop: addi gp, gp, -1; beqz gp, +8; jal x0, start; then the final ecall */
    addi(g, 3, 3, -1);
    emit32(g, r_type(0, 0, 3, 0, 0, 0x63) | b_imm(8));
    emit32(g, j_imm(-(int32_t)g->len) | 0x6f);
    size_t ecall = g->len;
    emit32(g, 0x00000073);
    return ecall;
}
