/* A misbehaving guest must never crash or hang the host: fill RAM with random instruction
 * words, point every trap vector into that garbage, randomise the registers, and run. The
 * hart may do anything architecturally legal; the host must stay memory-safe (CI runs this
 * under AddressSanitizer and UBSan) and the hart's state must stay well-formed. */
#include <criterion/criterion.h>

#include "support/harness.h"

TestSuite(robustness, .init = harness_init, .fini = harness_fini);

static uint64_t rng_state;
static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so a failure reproduces from its seed */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Mostly valid encodings (random words decode as illegal too often to reach deep): take
 * known instruction patterns and randomise their operand fields. */
static uint32_t random_insn(void)
{
    static const uint32_t opcodes[] = {0x03, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x2f,
                                       0x33, 0x37, 0x3b, 0x63, 0x67, 0x6f, 0x73};
    uint32_t w = (uint32_t)rng();
    switch (rng() % 4) {
    case 0: return w; /* anything, compressed parcels included */
    default: return (w & ~0x7fu) | opcodes[rng() % (sizeof(opcodes) / sizeof(opcodes[0]))];
    }
}

static void scramble(uint64_t seed)
{
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    for (uint64_t a = RAM_BASE; a < RAM_BASE + 64 * 1024; a += 4)
        poke32(a, random_insn());
    for (unsigned r = 1; r < 32; r++) {
        uint64_t v = rng();
        /* a third of the registers point into RAM so loads and stores land somewhere */
        hart.x[r] = (r % 3 == 0) ? RAM_BASE + (v % RAM_SIZE) : v;
    }
}

static void check_state(uint64_t seed)
{
    cr_assert(hart.priv == PRIV_M || hart.priv == PRIV_S || hart.priv == PRIV_U,
              "seed %llu: privilege %d is not M, S or U", (unsigned long long)seed, hart.priv);
    cr_assert_eq(hart.pc & 1, 0, "seed %llu: pc %llx is odd (IALIGN is 16)",
                 (unsigned long long)seed, (unsigned long long)hart.pc);
    cr_assert_eq(hart.x[0], 0, "seed %llu: x0 must stay zero", (unsigned long long)seed);
}

Test(robustness, random_code_never_hurts_the_host)
{
    for (uint64_t seed = 1; seed <= 40; seed++) {
        harness_fini();
        harness_init();
        scramble(seed);
        hart.mtvec = RAM_BASE + (rng() % 0x10000 & ~3ull);
        for (unsigned slice = 0; slice < 50; slice++)
            cpu_run(&hart, 2000);
        check_state(seed);
    }
}

Test(robustness, random_code_single_stepped)
{
    /* The one-off decode path (page-straddling instructions, debugger steps) on garbage. */
    for (uint64_t seed = 100; seed <= 110; seed++) {
        harness_fini();
        harness_init();
        scramble(seed);
        hart.mtvec = RAM_BASE + (rng() % 0x10000 & ~3ull);
        for (unsigned i = 0; i < 5000; i++)
            cpu_step(&hart);
        check_state(seed);
    }
}
