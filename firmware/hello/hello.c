/* The demo `make run` boots: who am I, what ISA, and how fast is this machine.
 *
 * Lines that legitimately differ between rv39 and QEMU (ISA extras, timing) start with '~':
 * the differential test ignores exactly those. */
#include "rv39.h"

/* Fixed amount of work, so the checksum is the same everywhere; sized for about a second
 * on rv39. */
#ifndef HELLO_ROUNDS
#define HELLO_ROUNDS 5000
#endif

/* misa as an ISA string: "rv64" then the standard order (imafdqc) and the rest
 * alphabetically, the way ISA strings are conventionally written, e.g. "rv64imacsu". */
static void isa_string(uint64_t misa, char *out)
{
    static const char *const xlen[4] = {"rv??", "rv32", "rv64", "rv128"};
    const char *p = xlen[misa >> 62];
    while (*p)
        *out++ = *p++;
    static const char first[] = "imafdqc";
    for (const char *c = first; *c; c++)
        if (misa & (1ul << (*c - 'a'))) *out++ = *c;
    for (char c = 'a'; c <= 'z'; c++) {
        int in_first = 0;
        for (const char *f = first; *f; f++)
            in_first |= *f == c;
        if (!in_first && (misa & (1ul << (c - 'a')))) *out++ = c;
    }
    *out = '\0';
}

/* A little integer workload: xorshift numbers, an insertion sort of a small block, and a
 * bitwise CRC over it. Branchy, multiply-free except for the final mix, memory-light. */
#define BLOCK 256
static uint32_t block[BLOCK];

static uint32_t crc32_bytes(const uint8_t *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

static uint32_t workload(void)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    uint32_t crc = 0;
    for (int round = 0; round < HELLO_ROUNDS; round++) {
        for (int i = 0; i < BLOCK; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            block[i] = (uint32_t)x;
        }
        for (int i = 1; i < BLOCK; i++) {
            uint32_t v = block[i];
            int j = i - 1;
            for (; j >= 0 && block[j] > v; j--)
                block[j + 1] = block[j];
            block[j + 1] = v;
        }
        crc = crc32_bytes((const uint8_t *)block, sizeof block, crc);
    }
    return crc;
}

int main(void)
{
    char isa[40];
    isa_string(csr_read(misa), isa);

    printf("Hello from rv39's demo guest!\n");
    printf("(lines starting with ~ differ from one machine to the next: the tests compare the\n"
           "others with QEMU's output and skip these)\n");
    printf("hart %lu\n", rv39_boot_hartid);
    printf("~ device tree at %p\n", (void *)rv39_boot_dtb);
    printf("~ isa: %s (misa %lx)\n", isa, csr_read(misa));

    printf("running %d rounds of xorshift + insertion sort + crc32...\n", HELLO_ROUNDS);
    uint64_t t0 = read_time(), i0 = read_minstret();
    uint32_t crc = workload();
    uint64_t i1 = read_minstret(), t1 = read_time();

    uint64_t insns = i1 - i0;
    uint64_t us = (t1 - t0) / (TIMEBASE_HZ / 1000000);
    if (us == 0) us = 1;
    printf("checksum %08x\n", crc);
    printf("~ %lu instructions retired in %lu.%06lu s: %lu.%02lu MIPS\n", insns, us / 1000000,
           us % 1000000, insns / us, insns * 100 / us % 100);
    printf("bye\n");
    return 0;
}
