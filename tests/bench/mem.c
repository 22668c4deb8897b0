/* rv39's memory benchmark: S-mode under Sv39 (sv39_enter.c) walking an array much larger than
 * any TLB, so that the address translation of every load and store is what gets measured.
 *
 *   fill     a sequential write of the whole array (one new page every 512 words)
 *   stride   reads a page and a cache line apart: every access lands on another page
 *   random   read-modify-write at pseudo-random indexes: no locality at all
 *
 * Built twice by tests/CMakeLists.txt: with 4 KiB pages (TLB pressure: 16384 pages for the
 * 64 MiB array) and with -DBENCH_MEGAPAGES (2 MiB pages: 32 of them, which a TLB can hold).
 * The array is the RAM after the program image, so nothing zeroes it for us and its size
 * is what the guest touches. -DBENCH_SCALE_SMALL is the short CI version of the same code.
 * Lines starting with '~' (time, instructions, bytes) differ between machines; the rest must
 * not. */
#include "rv39.h"

#ifdef BENCH_SCALE_SMALL
#define ARRAY_BYTES (2ul << 20)
#define ACCESSES (256ul * 1024)
#else
#define ARRAY_BYTES (64ul << 20)
#define ACCESSES (8ul * 1024 * 1024)
#endif

#define WORDS (ARRAY_BYTES / sizeof(uint64_t))
#define MEGAPAGE (2ul << 20)
#define RAM_BASE 0x80000000ul
#define MAPPED_END (RAM_BASE + (128ul << 20)) /* what sv39_enter.c maps */
/* A page and a cache line, in words: consecutive reads touch consecutive pages. */
#define STRIDE_WORDS ((4096 + 64) / sizeof(uint64_t))

extern char _end[]; /* link.ld: the end of the image, stack included */
void bench_enter_supervisor(void);

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    /* xorshift64*, as in bench.c */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t fill(volatile uint64_t *a)
{
    for (uint64_t i = 0; i < WORDS; i++)
        a[i] = i * 0x9e3779b97f4a7c15ull ^ (i >> 7);
    return a[WORDS - 1];
}

static uint64_t stride(volatile uint64_t *a)
{
    uint64_t sum = 0, idx = 0;
    for (uint64_t n = 0; n < ACCESSES; n++) {
        sum = sum * 31 + a[idx];
        idx = (idx + STRIDE_WORDS) & (WORDS - 1);
    }
    return sum;
}

static uint64_t random_rmw(volatile uint64_t *a)
{
    uint64_t sum = 0;
    for (uint64_t n = 0; n < ACCESSES; n++) {
        uint64_t r = rng();
        uint64_t idx = r & (WORDS - 1);
        uint64_t v = a[idx] + (r >> 32);
        a[idx] = v;
        sum = sum * 31 + v;
    }
    return sum;
}

int main(void)
{
    bench_enter_supervisor();
    _Static_assert((WORDS & (WORDS - 1)) == 0, "index masks need a power-of-two array");
    uint64_t base = ((uint64_t)_end + MEGAPAGE - 1) & ~(MEGAPAGE - 1);
    if (base + ARRAY_BYTES > MAPPED_END) {
        printf("mem bench: the array does not fit below 0x%lx\n", MAPPED_END);
        return 1;
    }
    volatile uint64_t *a = (volatile uint64_t *)base;

    static const struct {
        const char *name;
        uint64_t (*run)(volatile uint64_t *);
        uint64_t accesses;
    } passes[] = {
        {"fill", fill, WORDS},
        {"stride", stride, ACCESSES},
        {"random", random_rmw, ACCESSES},
    };
#ifdef BENCH_MEGAPAGES
    const char *pages = "2 MiB";
#else
    const char *pages = "4 KiB";
#endif
    printf("rv39 mem bench: %lu MiB array, %s pages, %lu accesses per pass\n", ARRAY_BYTES >> 20,
           pages, ACCESSES);
    uint64_t t_all = read_time(), i_all = csr_read(instret);
    uint64_t total = 0;
    for (unsigned p = 0; p < sizeof passes / sizeof passes[0]; p++) {
        uint64_t t0 = read_time(), i0 = csr_read(instret);
        uint64_t sum = passes[p].run(a);
        uint64_t t1 = read_time(), i1 = csr_read(instret);
        uint64_t us = (t1 - t0) / (TIMEBASE_HZ / 1000000);
        printf("%-8s checksum %016lx\n", passes[p].name, sum);
        printf("~ %-8s %lu us, %lu accesses/s, %lu instructions\n", passes[p].name, us,
               us ? passes[p].accesses * 1000000 / us : 0, i1 - i0);
        total = total * 0x100000001b3ull ^ sum;
    }
    uint64_t t_end = read_time(), i_end = csr_read(instret);
    printf("total    checksum %016lx\n", total);
    /* run_all.sh reads these. */
    printf("~ instret %lu\n", i_end - i_all);
    printf("~ time_us %lu\n", (t_end - t_all) / (TIMEBASE_HZ / 1000000));
    printf("~ touched_bytes %lu\n", (uint64_t)_end - RAM_BASE + ARRAY_BYTES); /* image + array */
    return 0;
}
