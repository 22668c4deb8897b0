/* A extension: LR/SC pairing rules and every AMO in both widths (a-st-ext.adoc). */
#include "check.h"

static uint64_t dword __attribute__((aligned(8)));
static uint64_t other __attribute__((aligned(8)));
static uint32_t word __attribute__((aligned(4)));

#define LR(insn, addr)                                                                             \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile(insn " %0, (%1)" : "=r"(v_) : "r"(addr) : "memory");                      \
        v_;                                                                                        \
    })
/* SC writes 0 on success, nonzero on failure. */
#define SC(insn, addr, val)                                                                        \
    ({                                                                                             \
        uint64_t r_;                                                                               \
        __asm__ volatile(insn " %0, %2, (%1)"                                                      \
                         : "=&r"(r_)                                                               \
                         : "r"(addr), "r"((uint64_t)(val))                                         \
                         : "memory");                                                              \
        r_;                                                                                        \
    })
/* AMO: returns the old value; the new one is left in memory. */
#define AMO(insn, addr, val)                                                                       \
    ({                                                                                             \
        uint64_t old_;                                                                             \
        __asm__ volatile(insn " %0, %2, (%1)"                                                      \
                         : "=&r"(old_)                                                             \
                         : "r"(addr), "r"((uint64_t)(val))                                         \
                         : "memory");                                                              \
        old_;                                                                                      \
    })

static void lrsc(void)
{
    dword = 5;
    CHECK(LR("lr.d", &dword), 5);
    CHECK(SC("sc.d", &dword, 6), 0);
    CHECK(dword, 6);
    /* Any SC ends the reservation, so a second SC without a new LR fails and stores nothing. */
    CHECK(SC("sc.d", &dword, 7) != 0, 1);
    CHECK(dword, 6);
    /* An SC to an address outside the reserved set fails. */
    other = 1;
    LR("lr.d", &dword);
    CHECK(SC("sc.d", &other, 2) != 0, 1);
    CHECK(other, 1);
    /* ... and also ended the reservation on dword. */
    CHECK(SC("sc.d", &dword, 8) != 0, 1);
    CHECK(dword, 6);

    word = 0x80000000u;
    CHECK(LR("lr.w", &word), 0xffffffff80000000ull); /* lr.w sign-extends */
    CHECK(SC("sc.w", &word, 0x12345678abcdull), 0);
    CHECK(word, 0x5678abcd);
    CHECK(SC("sc.w", &word, 1) != 0, 1);
    CHECK(word, 0x5678abcd);

    /* With .aq/.rl bits set the pair still works. */
    dword = 10;
    CHECK(LR("lr.d.aqrl", &dword), 10);
    CHECK(SC("sc.d.aqrl", &dword, 11), 0);
    CHECK(dword, 11);
}

static void amo_d(void)
{
    dword = 10;
    CHECK(AMO("amoswap.d", &dword, 20), 10);
    CHECK(dword, 20);
    CHECK(AMO("amoadd.d", &dword, -25), 20);
    CHECK(dword, -5ll);
    CHECK(AMO("amoxor.d", &dword, 0xff), -5ll);
    CHECK(dword, ~0xfbull); /* ...fffb ^ 0xff */
    dword = 0xf0f0;
    CHECK(AMO("amoand.d", &dword, 0xff00), 0xf0f0);
    CHECK(dword, 0xf000);
    CHECK(AMO("amoor.d", &dword, 0x0f), 0xf000);
    CHECK(dword, 0xf00f);
    dword = -3ll;
    CHECK(AMO("amomin.d", &dword, 2), -3ll);
    CHECK(dword, -3ll);
    CHECK(AMO("amomax.d", &dword, 2), -3ll);
    CHECK(dword, 2);
    dword = -3ll;
    CHECK(AMO("amominu.d", &dword, 2), -3ll);
    CHECK(dword, 2);
    CHECK(AMO("amomaxu.d", &dword, -1), 2);
    CHECK(dword, -1ll);
    CHECK(AMO("amoadd.d.aqrl", &dword, 1), -1ll);
    CHECK(dword, 0);
}

static void amo_w(void)
{
    /* Word AMOs work on 32 bits and sign-extend the old value into rd. */
    word = 0x7fffffff;
    CHECK(AMO("amoadd.w", &word, 1), 0x7fffffff);
    CHECK(word, 0x80000000u);
    CHECK(AMO("amoswap.w", &word, 0x1234500000005ull), 0xffffffff80000000ull);
    CHECK(word, 5);
    CHECK(AMO("amoxor.w", &word, 0xffffffff), 5);
    CHECK(word, 0xfffffffau);
    CHECK(AMO("amoand.w", &word, 0xff), 0xfffffffffffffffaull);
    CHECK(word, 0xfa);
    CHECK(AMO("amoor.w", &word, 0x80000000u), 0xfa);
    CHECK(word, 0x800000fau);
    /* min/max compare the low 32 bits as signed or unsigned words. */
    word = 0xfffffffd; /* -3 */
    CHECK(AMO("amomin.w", &word, 2), 0xfffffffffffffffdull);
    CHECK(word, 0xfffffffdu);
    CHECK(AMO("amomax.w", &word, 0x100000002ull), 0xfffffffffffffffdull);
    CHECK(word, 2);
    word = 0xfffffffd;
    CHECK(AMO("amominu.w", &word, 2), 0xfffffffffffffffdull);
    CHECK(word, 2);
    CHECK(AMO("amomaxu.w", &word, 0xffffffff), 2);
    CHECK(word, 0xffffffffu);
}

int main(void)
{
    lrsc();
    amo_d();
    amo_w();
    return pass("amo");
}
