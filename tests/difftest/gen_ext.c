/* Random units of the bit-manipulation extensions for the difftest generator: Zba, Zbb, Zbc
 * and Zbs, which QEMU 7.2's default rv64 CPU implements (riscv-bitmanip 1.0.0, "Instruction
 * encodings"; the match words are insns.def's). Zicond is not emitted: QEMU 7.2 does not
 * have it (later QEMU releases added it), so czero is compared JIT against interpreter only
 * (tests/unit/test_jit_bitmanip.c, tests/fuzz/fuzz_cpu.c; DEVIATIONS.md). */
#include "gen.h"

/* rd, rs1, rs2 (or the shift amount) go into bits 11:7, 19:15 and 24:20. */
static const uint32_t binary[] = {
    0x20002033, 0x20004033, 0x20006033,             /* sh1add sh2add sh3add */
    0x0800003b, 0x2000203b, 0x2000403b, 0x2000603b, /* add.uw shNadd.uw */
    0x40007033, 0x40006033, 0x40004033,             /* andn orn xnor */
    0x0a006033, 0x0a007033, 0x0a004033, 0x0a005033, /* max maxu min minu */
    0x60001033, 0x6000103b, 0x60005033, 0x6000503b, /* rol rolw ror rorw */
    0x0a001033, 0x0a002033, 0x0a003033,             /* clmul clmulr clmulh */
    0x48001033, 0x48005033, 0x68001033, 0x28001033, /* bclr bext binv bset */
};
static const uint32_t unary[] = {
    0x60001013, 0x60101013, 0x60201013, /* clz ctz cpop */
    0x6000101b, 0x6020101b,             /* clzw cpopw (ctzw: see below) */
    0x60401013, 0x60501013, 0x0800403b, /* sext.b sext.h zext.h */
    0x28705013, 0x6b805013,             /* orc.b rev8 */
};
/* 6-bit shift amount in bits 25:20 */
static const uint32_t shift6[] = {
    0x0800101b, 0x60005013, 0x48001013, /* slli.uw rori bclri */
    0x48005013, 0x68001013, 0x28001013, /* bexti binvi bseti */
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define RORIW 0x6000501bu /* roriw: 5-bit shift amount */
#define CTZW 0x6010101bu
#define BSETI 0x28001013u

static uint32_t rtype(uint32_t match, unsigned rd, unsigned rs1, unsigned rs2)
{
    return match | rs2 << 20 | rs1 << 15 | rd << 7;
}

/* The shift amounts the spec singles out, or any. */
static unsigned shamt(struct gen *g, unsigned bits)
{
    static const uint8_t edges[] = {0, 1, 31, 32, 63};
    unsigned s = rn(g->r, 2) ? edges[rn(g->r, 5)] : rn(g->r, 64);
    return s & ((1u << bits) - 1);
}

void u_bitmanip(struct gen *g)
{
    unsigned rd = wreg(g), rs1 = anyreg(g), rs2 = anyreg(g);
    if (rn(g->r, 3) == 0) { /* an interesting operand first */
        rs1 = wreg(g);
        li(g, rs1, value(g));
    }
    switch (rn(g->r, 8)) {
    case 0:
    case 1:
    case 2:
    case 3: emit32(g, rtype(binary[rn(g->r, COUNT(binary))], rd, rs1, rs2)); break;
    case 4:
    case 5: emit32(g, rtype(unary[rn(g->r, COUNT(unary))], rd, rs1, 0)); break;
    case 6:
        if (rn(g->r, 4))
            emit32(g, rtype(shift6[rn(g->r, COUNT(shift6))], rd, rs1, shamt(g, 6)));
        else
            emit32(g, rtype(RORIW, rd, rs1, shamt(g, 5)));
        break;
    default: { /* ctzw of a value with a set bit in its low word: QEMU 7.2 counts all 64 bits
                * of the register (DEVIATIONS.md), so a zero low word is avoided */
        unsigned t = wreg(g);
        emit32(g, rtype(BSETI, t, rs1, rn(g->r, 32)));
        emit32(g, rtype(CTZW, rd, t, 0));
        break;
    }
    }
}
