/* Loads and stores of every width: sign/zero extension, byte lanes (little-endian), and
 * misaligned accesses, which rv39 and QEMU both perform without trapping (the privileged
 * spec allows either; a test of the trap would belong to a machine that traps). */
#include "check.h"

#define LOAD(insn, addr)                                                                           \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile(insn " %0, 0(%1)" : "=r"(v_) : "r"(addr) : "memory");                     \
        v_;                                                                                        \
    })
#define STORE(insn, addr, val)                                                                     \
    __asm__ volatile(insn " %0, 0(%1)" ::"r"((uint64_t)(val)), "r"(addr) : "memory")

/* Two pages, so one misaligned access can straddle the boundary between them. */
static uint8_t buf[8192] __attribute__((aligned(4096)));

static void fill(void)
{
    for (int i = 0; i < 16; i++)
        buf[i] = (uint8_t)(0x80 + i * 0x11); /* 80 91 a2 b3 c4 d5 e6 f7 08 19 ... */
}

static void aligned(void)
{
    fill();
    CHECK(LOAD("lb", buf), 0xffffffffffffff80ull);
    CHECK(LOAD("lbu", buf), 0x80);
    CHECK(LOAD("lb", buf + 8), 0x08);
    CHECK(LOAD("lh", buf), 0xffffffffffff9180ull);
    CHECK(LOAD("lhu", buf), 0x9180);
    CHECK(LOAD("lw", buf), 0xffffffffb3a29180ull);
    CHECK(LOAD("lwu", buf), 0xb3a29180ull);
    CHECK(LOAD("lw", buf + 8), 0x3b2a1908);
    CHECK(LOAD("ld", buf), 0xf7e6d5c4b3a29180ull);

    /* Each store writes exactly its own bytes. */
    fill();
    STORE("sb", buf + 1, 0x1234);
    CHECK(LOAD("ld", buf), 0xf7e6d5c4b3a23480ull);
    STORE("sh", buf + 2, 0xabcdef);
    CHECK(LOAD("ld", buf), 0xf7e6d5c4cdef3480ull);
    STORE("sw", buf + 4, 0x1122334455667788ull);
    CHECK(LOAD("ld", buf), 0x55667788cdef3480ull);
    STORE("sd", buf + 8, 0x0102030405060708ull);
    CHECK(LOAD("ld", buf + 8), 0x0102030405060708ull);
    CHECK(LOAD("ld", buf), 0x55667788cdef3480ull);

    /* Negative offsets address below the base register. */
    uint64_t v;
    __asm__ volatile("ld %0, -8(%1)" : "=r"(v) : "r"(buf + 16));
    CHECK(v, 0x0102030405060708ull);
}

static void misaligned(void)
{
    fill();
    CHECK(LOAD("lh", buf + 1), 0xffffffffffffa291ull);
    CHECK(LOAD("lhu", buf + 7), 0x08f7);
    CHECK(LOAD("lw", buf + 1), 0xffffffffc4b3a291ull);
    CHECK(LOAD("lwu", buf + 3), 0xe6d5c4b3ull);
    CHECK(LOAD("lw", buf + 6), 0x1908f7e6);
    for (int off = 1; off < 8; off++) {
        uint64_t want = 0;
        for (int i = 7; i >= 0; i--)
            want = want << 8 | buf[off + i];
        CHECK(LOAD("ld", buf + off), want);
    }

    STORE("sd", buf + 3, 0x8877665544332211ull);
    CHECK(LOAD("ld", buf), 0x5544332211a29180ull);
    CHECK(LOAD("ld", buf + 8), 0x7f6e5d4c3b887766ull);
    STORE("sw", buf + 1, 0xdeadbeef);
    CHECK(LOAD("lwu", buf + 1), 0xdeadbeef);
    CHECK(LOAD("lbu", buf), 0x80);
    CHECK(LOAD("lbu", buf + 5), 0x33);
    STORE("sh", buf + 9, 0xcafe);
    CHECK(LOAD("lhu", buf + 9), 0xcafe);

    /* Straddling a page boundary: both pages' bytes, in order. */
    uint8_t *edge = buf + 4096 - 3;
    STORE("sd", edge, 0x0807060504030201ull);
    CHECK(buf[4093], 0x01);
    CHECK(buf[4095], 0x03);
    CHECK(buf[4096], 0x04);
    CHECK(buf[4100], 0x08);
    CHECK(LOAD("ld", edge), 0x0807060504030201ull);
    CHECK(LOAD("lw", buf + 4094), 0x05040302);
}

int main(void)
{
    aligned();
    misaligned();
    return pass("mem");
}
