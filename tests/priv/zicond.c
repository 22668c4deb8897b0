/* Zicond (unprivileged spec, "Zicond" Integer Conditional Operations 1.0): czero.eqz rd, rs1,
 * rs2 writes 0 when rs2 == 0, else rs1; czero.nez the other way round. rv39 only: QEMU 7.2
 * does not implement Zicond (tests/difftest/DEVIATIONS.md), so the results are checked against
 * the spec's definition, JIT on and off; binutils 2.40 predates the mnemonics (.insn). */
#include "priv.h"

static uint64_t eqz(uint64_t a, uint64_t b)
{
    uint64_t r;
    __asm__ volatile(".insn r 0x33, 5, 7, %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
static uint64_t nez(uint64_t a, uint64_t b)
{
    uint64_t r;
    __asm__ volatile(".insn r 0x33, 7, 7, %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* The branch-free select the spec's commentary builds from the pair: c ? a : b. */
static uint64_t select(uint64_t c, uint64_t a, uint64_t b)
{
    return eqz(a, c) | nez(b, c);
}

int main(void)
{
    priv_init();
    CHECK("czero.eqz, rs2 = 0: zero", eqz(0x1234, 0), 0);
    CHECK("czero.eqz, rs2 != 0: rs1", eqz(0x1234, 1ul << 63), 0x1234);
    CHECK("czero.nez, rs2 = 0: rs1", nez(0x1234, 0), 0x1234);
    CHECK("czero.nez, rs2 = 2^32: the upper word counts", nez(0x1234, 1ul << 32), 0);
    uint64_t r;
    __asm__ volatile("li t0, 77\n .insn r 0x33, 5, 7, %0, t0, x0" : "=r"(r)::"t0");
    CHECK("czero.eqz rd, rs1, x0: always zero", r, 0);
    __asm__ volatile("li t0, 77\n .insn r 0x33, 7, 7, %0, t0, x0" : "=r"(r)::"t0");
    CHECK("czero.nez rd, rs1, x0: a move", r, 77);
    /* a hot loop for the translator: sum of max(i, 500 - i) by selects */
    uint64_t sum = 0;
    for (uint64_t i = 0; i < 500; i++)
        sum += select(i > 500 - i, i, 500 - i);
    CHECK("select loop: 500..250 then 251..499", sum, 187500);
    return done("zicond");
}
