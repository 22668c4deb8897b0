/* A memory-model stress test for several harts (README, "Memory model"): every hart starts in
 * M-mode from reset (smp_entry.S: a0 = hart id, its own stack, hart 0 clears .bss), then all
 * of them, phase after phase behind barriers:
 *   1. AMOs: amoadd.d/.w of 1, amoor.d of the hart's bit, amomax.d/amomaxu.w/amomin.d of
 *      values every hart walks through, an amoswap.d chain whose links must add up, amoxor.d
 *      twice (back to zero);
 *   2. LR/SC: lr.d/sc.d and lr.w/sc.w increment loops;
 *   3. locks: a test-and-set lock (amoswap.w.aq, amoswap.w.rl) and a ticket lock (amoadd.w,
 *      plain loads and a fence), each protecting a plain 64-bit counter;
 *   4. message passing with plain fences: hart h writes a block, fence w,w, a sequence number;
 *      hart h+1 waits for it, fence r,r, checks the block; ROUNDS times, alternating buffers;
 *   5. code published by one hart to the others: hart 0 writes `li a0, K; ret` into a page,
 *      fence rw,rw, then a round flag; each other hart waits for the flag, executes fence.i
 *      and calls the page (unpriv spec "Zifencei"): it must return this round's K.
 * Hart 0 checks every total (exact: a lost update shows) and prints the same lines on QEMU and
 * rv39 for the same -smp N; the exit status is 0 or the number of the first failed check. */
#include <stdbool.h>

#include "rv39.h"
#include "smp_guest.h"

#define MAX_HARTS 8
#define ITERS 20000
#define ROUNDS 200
#define CODE_ROUNDS 50
#define BLOCK_WORDS 32

static unsigned nharts;

/* Spin-wait politely, as Linux's cpu_relax: Zihintpause's pause (a FENCE encoding, so any
 * assembler and any hart take it). */
static inline void relax(void)
{
    __asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010");
}

/* Sense-reversing barrier on an AMO counter. */
static volatile uint32_t barrier_count, barrier_sense;
static void barrier(void)
{
    uint32_t sense = !__atomic_load_n(&barrier_sense, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&barrier_count, 1, __ATOMIC_ACQ_REL) == nharts) {
        __atomic_store_n(&barrier_count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&barrier_sense, sense, __ATOMIC_RELEASE);
    } else {
        while (__atomic_load_n(&barrier_sense, __ATOMIC_ACQUIRE) != sense)
            relax();
    }
}

#define AMO(insn, addr, val)                                                                       \
    ({                                                                                             \
        uint64_t old_;                                                                             \
        __asm__ volatile(insn " %0, %2, (%1)"                                                      \
                         : "=&r"(old_)                                                             \
                         : "r"(addr), "r"((uint64_t)(val))                                         \
                         : "memory");                                                              \
        old_;                                                                                      \
    })

/* Each on a line of its own: harts hammering one word should not share with the next. */
struct counter {
    volatile uint64_t v;
    uint64_t pad[7];
};
static struct counter add_d, add_w, or_d, max_d, maxu_w, min_d, xor_d, swap_d, swap_sum;
static struct counter lrsc_d, lrsc_w;
static struct counter tas_lock, tas_count, ticket_next, ticket_serving, ticket_count;

static void phase_amo(unsigned self)
{
    for (unsigned i = 0; i < ITERS; i++) {
        AMO("amoadd.d", &add_d.v, 1);
        AMO("amoadd.w", &add_w.v, 1);
        AMO("amoor.d", &or_d.v, 1ul << self);
        uint64_t v = (uint64_t)i * MAX_HARTS + self + 1; /* every hart's values interleave */
        AMO("amomax.d", &max_d.v, v);
        AMO("amomaxu.w", &maxu_w.v, v);
        AMO("amomin.d", &min_d.v, (uint64_t)0 - v); /* negative: the last is the least */
        uint64_t mask = 0x9e3779b97f4a7c15ul * (i + 1);
        AMO("amoxor.d", &xor_d.v, mask);
        AMO("amoxor.d", &xor_d.v, mask);
        /* A chain: each swap puts in a token and gets the previous one out; the sum of all
         * tokens taken out plus the last one left equals the sum of all put in. */
        uint64_t token = v;
        uint64_t prev = AMO("amoswap.d", &swap_d.v, token);
        AMO("amoadd.d", &swap_sum.v, prev);
    }
}

static void phase_lrsc(void)
{
    for (unsigned i = 0; i < ITERS; i++) {
        uint64_t value, fail;
        do {
            __asm__ volatile("lr.d %0, (%2)\n\t"
                             "addi %0, %0, 1\n\t"
                             "sc.d %1, %0, (%2)"
                             : "=&r"(value), "=&r"(fail)
                             : "r"(&lrsc_d.v)
                             : "memory");
        } while (fail);
        do {
            __asm__ volatile("lr.w.aq %0, (%2)\n\t"
                             "addiw %0, %0, 1\n\t"
                             "sc.w.rl %1, %0, (%2)"
                             : "=&r"(value), "=&r"(fail)
                             : "r"(&lrsc_w.v)
                             : "memory");
        } while (fail);
    }
}

static void phase_locks(void)
{
    for (unsigned i = 0; i < ITERS; i++) {
        while (AMO("amoswap.w.aq", &tas_lock.v, 1))
            relax();
        tas_count.v = tas_count.v + 1; /* plain load and store, inside the lock */
        AMO("amoswap.w.rl", &tas_lock.v, 0);

        uint32_t ticket = (uint32_t)AMO("amoadd.w", &ticket_next.v, 1);
        while ((uint32_t)ticket_serving.v != ticket)
            relax();
        __asm__ volatile("fence r, rw" ::: "memory"); /* acquire */
        ticket_count.v = ticket_count.v + 1;
        __asm__ volatile("fence rw, w" ::: "memory"); /* release */
        ticket_serving.v = ticket + 1;
    }
}

static uint64_t block[MAX_HARTS][2][BLOCK_WORDS];
static volatile uint64_t sequence[MAX_HARTS];
static uint32_t message_errors;

static void phase_messages(unsigned self)
{
    unsigned from = (self + nharts - 1) % nharts;
    for (unsigned r = 1; r <= ROUNDS; r++) {
        uint64_t *out = block[self][r & 1];
        for (unsigned i = 0; i < BLOCK_WORDS; i++)
            out[i] = (uint64_t)r << 32 | self << 8 | i;
        __asm__ volatile("fence w, w" ::: "memory");
        sequence[self] = r;
        while (sequence[from] < r)
            relax();
        __asm__ volatile("fence r, r" ::: "memory");
        const uint64_t *in = block[from][r & 1];
        for (unsigned i = 0; i < BLOCK_WORDS; i++)
            if (in[i] != ((uint64_t)r << 32 | from << 8 | i))
                __atomic_fetch_add(&message_errors, 1, __ATOMIC_RELAXED);
        /* The block is rewritten two rounds on: the reader must be done with it by then. */
        barrier();
    }
}

/* A page of its own for the code hart 0 writes. */
static uint32_t code[1024] __attribute__((aligned(4096)));
static volatile uint32_t code_round;
static uint32_t code_errors;

static void phase_code(unsigned self)
{
    for (uint32_t r = 1; r <= CODE_ROUNDS; r++) {
        if (self == 0) {
            code[0] = 0x00000513u | (r + 100) << 20; /* li a0, r + 100 */
            code[1] = 0x00008067u;                   /* ret */
            __asm__ volatile("fence rw, rw" ::: "memory");
            __atomic_store_n(&code_round, r, __ATOMIC_RELAXED);
            __asm__ volatile("fence.i" ::: "memory");
        } else {
            while (__atomic_load_n(&code_round, __ATOMIC_RELAXED) < r)
                relax();
            __asm__ volatile("fence.i" ::: "memory");
        }
        uint64_t got = ((uint64_t(*)(void))(uintptr_t)code)();
        if (got != r + 100) __atomic_fetch_add(&code_errors, 1, __ATOMIC_RELAXED);
        barrier(); /* nobody still runs round r's code when hart 0 writes r + 1's */
    }
}

static int failed;
static void expect(const char *what, uint64_t got, uint64_t want)
{
    static int number;
    number++;
    printf("%s: %lu%s\n", what, got, got == want ? "" : " WRONG");
    if (got != want && !failed) failed = number;
}

static volatile uint32_t started;

void smp_main(unsigned long hartid)
{
    unsigned self = (unsigned)hartid;
    if (self == 0) {
        nharts = smp_count_harts(MAX_HARTS);
        min_d.v = 0;
        __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
    } else {
        while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
            relax();
        if (self >= nharts) for (;;) __asm__ volatile("wfi");
    }
    phase_amo(self);
    barrier();
    phase_lrsc();
    barrier();
    phase_locks();
    barrier();
    phase_messages(self);
    barrier();
    phase_code(self);
    barrier();
    if (self != 0) for (;;) __asm__ volatile("wfi");

    uint64_t total = (uint64_t)nharts * ITERS;
    uint64_t top = (uint64_t)(ITERS - 1) * MAX_HARTS + nharts;
    printf("smp_stress: %u harts, %u iterations each\n", nharts, ITERS);
    expect("amoadd.d", add_d.v, total);
    expect("amoadd.w", add_w.v & 0xffffffff, total);
    expect("amoor.d", or_d.v, (1ul << nharts) - 1);
    expect("amomax.d", max_d.v, top);
    expect("amomaxu.w", maxu_w.v & 0xffffffff, top);
    expect("amomin.d", min_d.v, (uint64_t)0 - top);
    expect("amoxor.d", xor_d.v, 0);
    /* put in: every v of every hart; taken out: swap_sum plus what is left */
    uint64_t put_in = 0;
    for (unsigned h = 0; h < nharts; h++)
        for (unsigned i = 0; i < ITERS; i++)
            put_in += (uint64_t)i * MAX_HARTS + h + 1;
    expect("amoswap.d chain", swap_sum.v + swap_d.v, put_in);
    expect("lr.d/sc.d", lrsc_d.v, total);
    expect("lr.w/sc.w", lrsc_w.v & 0xffffffff, total);
    expect("test-and-set lock", tas_count.v, total);
    expect("ticket lock", ticket_count.v, total);
    expect("message errors", message_errors, 0);
    expect("code errors", code_errors, 0);
    exit(failed);
}
