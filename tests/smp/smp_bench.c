/* The parallel workload of `make bench`'s SMP line and of the smp/speedup test: a fixed total
 * of CPU-bound work (UNITS units, each ~750 integer instructions over a buffer of its
 * hart's own) split evenly over however many harts there are, with nothing shared but the
 * result and a progress sample every 8 units. The same total on -smp 1 and -smp N, so wall-clock times compare: harts that truly
 * run in parallel take about 1/N of the time. The checksum does not depend on the split. */
#include <stdbool.h>

#include "rv39.h"
#include "smp_guest.h"

#define MAX_HARTS 8
#ifndef UNITS
#define UNITS (1u << 22)
#endif
#define ROUNDS 16

static unsigned nharts;

/* Spin-wait politely, as Linux's cpu_relax: Zihintpause's pause (a FENCE encoding, so any
 * assembler and any hart take it). */
static inline void relax(void)
{
    __asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010");
}
static volatile uint32_t started, done_count;
static uint64_t result[MAX_HARTS];
/* Each hart's progress (its last finished unit, published every SAMPLE_UNITS units), and how
 * often hart 0 saw hart 1's change between two of its own samples: harts that run at the same
 * time see it change nearly every time, harts that take turns (a slice of ~20000 instructions,
 * some 26 units, so at least 3 samples each) once per turn at most. So the longest run of
 * samples after each of which hart 1 had moved on is at most 1 when harts take turns, and grows
 * with every stretch in which the two run at the same time. Publishing and sampling only every
 * SAMPLE_UNITS units, each hart's counter on a cache line of its own, keeps the one thing the
 * harts share from costing the workload: a line written by one host core and read by the other
 * after every unit moved between the cores twice per ~750 guest instructions, a quarter of a
 * unit's time on this host, which is the measurement's own cost, not the emulator's. */
#define SAMPLE_UNITS 8
static volatile uint64_t progress[MAX_HARTS][8] __attribute__((aligned(64)));
static uint64_t samples, changes, run, longest;
#define WORDS 64
static uint64_t scratch[MAX_HARTS][512] __attribute__((aligned(4096))); /* a page each */

/* One unit: a mixing loop whose value depends only on the unit's number. */
static uint64_t unit(uint64_t u, uint64_t *buf)
{
    uint64_t x = u * 0x9e3779b97f4a7c15ul + 1;
    for (unsigned r = 0; r < ROUNDS; r++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[(x >> 3) & (WORDS - 1)] += x;
        x += buf[(x >> 12) & (WORDS - 1)] >> 1;
        buf[(x >> 5) & (WORDS - 1)] ^= x;
        x -= buf[(x >> 9) & (WORDS - 1)];
    }
    return x;
}

void smp_main(unsigned long hartid)
{
    unsigned self = (unsigned)hartid;
    if (self == 0) {
        nharts = smp_count_harts(MAX_HARTS);
        __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
    } else {
        while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
            relax();
        if (self >= nharts) for (;;) __asm__ volatile("wfi");
    }
    uint64_t per = UNITS / nharts, first = per * self, last = self == nharts - 1 ? UNITS : first + per;
    uint64_t sum = 0;
    for (uint64_t u = first; u < last; u++) {
        uint64_t *buf = scratch[self];
        for (unsigned i = 0; i < WORDS; i++) /* each unit starts afresh: the split does not */
            buf[i] = u + i;                   /* change the checksum */
        sum += unit(u, buf);
        if ((u - first) % SAMPLE_UNITS != SAMPLE_UNITS - 1) continue;
        progress[self][0] = u + 1;
        if (self != 0 || nharts == 1) continue;
        uint64_t seen = progress[1][0];
        if (seen != 0 && seen != (nharts == 2 ? UNITS : 2 * per)) {
            static uint64_t before;
            samples++;
            changes += seen != before;
            run = seen != before ? run + 1 : 0;
            if (run > longest) longest = run;
            before = seen;
        }
    }
    result[self] = sum;
    __atomic_fetch_add(&done_count, 1, __ATOMIC_RELEASE);
    if (self != 0) for (;;) __asm__ volatile("wfi");
    while (__atomic_load_n(&done_count, __ATOMIC_ACQUIRE) < nharts)
        relax();
    uint64_t total = 0;
    for (unsigned h = 0; h < nharts; h++)
        total += result[h];
    printf("~ harts %u\n", nharts);
    printf("~ overlap %lu of %lu, longest run %lu\n", changes, samples, longest);
    printf("smp_bench: %u units, checksum %lx\n", UNITS, total);
    exit(0);
}
