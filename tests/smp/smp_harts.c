/* An xv6-style multi-hart guest: every hart runs in M-mode from reset (smp_entry.S), hart 0
 * finds how many harts the board has and initialises while the others wait on a flag, then
 * all of them, in phases separated by barriers:
 *   1. count: a counter under an amoswap spinlock (xv6's acquire/release), an amoadd counter
 *      and an LR/SC counter, ITERS increments each per hart: the totals must be exact;
 *   2. message passing: hart h publishes a block for hart h+1 behind a release flag;
 *   3. timers: each hart programs its own CLINT mtimecmp (+0x4000 + 8*h) and takes TICKS
 *      machine timer interrupts;
 *   4. IPIs: hart 0 raises every other hart's msip (+4*h), each answers in turn with hart 0's;
 *   5. PLIC: in turn, each hart enables the UART's source for its own M-mode context (2h),
 *      makes the UART raise THRE, and claims the interrupt there.
 * Hart 0 prints the results in a fixed order, so QEMU and rv39 print the same lines for the
 * same -smp N; the exit status is 0 or the number of the first failed check. */
#include <stdbool.h>

#include "rv39.h"

#define MAX_HARTS 8
#define ITERS 3000
#define TICKS 3
#define UART_IRQ 10

#define PLIC_BASE 0x0c000000ul
#define PLIC_PRIORITY(src) (PLIC_BASE + 4 * (src))
#define PLIC_ENABLE(ctx) (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_BASE + 0x200004 + 0x1000 * (ctx))
#define UART_IER (UART0_BASE + 1)
#define IER_THRE 0x02
#define MIE_MEIE (1ul << 11)

#define REG32(addr) (*(volatile uint32_t *)(addr))
#define REG64(addr) (*(volatile uint64_t *)(addr))
#define REG8(addr) (*(volatile uint8_t *)(addr))

static volatile uint32_t started; /* hart 0 is done initialising (xv6's main) */
static unsigned nharts;

/* xv6's spinlock: amoswap.w.aq to take it, a release store to give it back. */
static volatile uint32_t lock;
static void acquire(void)
{
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
        ;
}
static void release(void)
{
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static uint64_t locked_count; /* plain increments, under the lock */
static volatile uint32_t amo_count, lrsc_count;

static void lrsc_increment(volatile uint32_t *p)
{
    uint32_t old, fail;
    do {
        __asm__ volatile("lr.w %0, (%2)\n\t"
                         "addi %0, %0, 1\n\t"
                         "sc.w %1, %0, (%2)"
                         : "=&r"(old), "=&r"(fail)
                         : "r"(p)
                         : "memory");
    } while (fail);
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
            ;
    }
}

/* Message passing: hart h fills block[h], then sets ready[h] (release). */
#define BLOCK_WORDS 64
static uint64_t block[MAX_HARTS][BLOCK_WORDS];
static volatile uint32_t ready[MAX_HARTS];
static uint32_t message_ok[MAX_HARTS];

/* What each hart's interrupts did. */
static volatile uint32_t ticks[MAX_HARTS], ipis[MAX_HARTS], ipi_answers, claims[MAX_HARTS];
static volatile uint32_t wrong_claims;
static volatile uint32_t plic_turn;

static volatile uint32_t *msip(unsigned hart)
{
    return (volatile uint32_t *)(CLINT_MSIP + 4 * hart);
}
static volatile uint64_t *mtimecmp(unsigned hart)
{
    return (volatile uint64_t *)(CLINT_MTIMECMP + 8 * hart);
}

__attribute__((interrupt("machine"), aligned(4))) static void smp_trap(void)
{
    unsigned self = (unsigned)csr_read(mhartid);
    uint64_t cause = csr_read(mcause);
    if (cause == (MCAUSE_INTERRUPT | 7)) { /* machine timer: this hart's mtimecmp */
        ticks[self]++;
        *mtimecmp(self) = ticks[self] < TICKS ? REG64(CLINT_MTIME) + 500 : ~0ul;
    } else if (cause == (MCAUSE_INTERRUPT | 3)) { /* machine software: msip */
        *msip(self) = 0;
        if (self == 0)
            __atomic_fetch_add(&ipi_answers, 1, __ATOMIC_RELAXED);
        else
            ipis[self]++;
    } else if (cause == (MCAUSE_INTERRUPT | 11)) { /* machine external: PLIC context 2h */
        uint32_t source = REG32(PLIC_CLAIM(2 * self));
        if (source == UART_IRQ && plic_turn == self) {
            REG8(UART_IER) = 0;
            claims[self]++;
        } else if (source) {
            __atomic_fetch_add(&wrong_claims, 1, __ATOMIC_RELAXED);
        }
        if (source) REG32(PLIC_CLAIM(2 * self)) = source;
    } else {
        printf("hart %u: unexpected trap mcause=%lx mepc=%lx\n", self, cause, csr_read(mepc));
        exit(99);
    }
}

/* wfi until *counter reaches want, with M-mode interrupts taken (not lost between the check
 * and the wfi: they are enabled in mie, so wfi wakes even with MIE clear). */
static void wait_for(volatile uint32_t *counter, uint32_t want)
{
    for (;;) {
        csr_clear(mstatus, MSTATUS_MIE);
        if (*counter >= want) break;
        __asm__ volatile("wfi");
        csr_set(mstatus, MSTATUS_MIE); /* the pending interrupt is taken here */
    }
    csr_set(mstatus, MSTATUS_MIE);
}

/* A hart exists when its msip holds a 1 (the CLINT ignores the others'). */
static unsigned count_harts(void)
{
    unsigned n = 1;
    while (n < MAX_HARTS) {
        *msip(n) = 1;
        bool there = *msip(n) == 1;
        *msip(n) = 0;
        if (!there) break;
        n++;
    }
    return n;
}

static void hart_work(unsigned self)
{
    /* 1. counters */
    for (unsigned i = 0; i < ITERS; i++) {
        acquire();
        locked_count++;
        release();
        __atomic_fetch_add(&amo_count, 1, __ATOMIC_RELAXED);
        lrsc_increment(&lrsc_count);
    }
    barrier();

    /* 2. message passing to the next hart */
    for (unsigned i = 0; i < BLOCK_WORDS; i++)
        block[self][i] = (uint64_t)self << 32 | i;
    __atomic_store_n(&ready[self], 1, __ATOMIC_RELEASE);
    unsigned from = (self + nharts - 1) % nharts;
    while (!__atomic_load_n(&ready[from], __ATOMIC_ACQUIRE))
        ;
    message_ok[self] = 1;
    for (unsigned i = 0; i < BLOCK_WORDS; i++)
        if (block[from][i] != ((uint64_t)from << 32 | i)) message_ok[self] = 0;
    barrier();

    /* 3. this hart's timer */
    *mtimecmp(self) = REG64(CLINT_MTIME) + 1000 * (self + 1);
    csr_set(mie, MIE_MTIE);
    wait_for(&ticks[self], TICKS);
    csr_clear(mie, MIE_MTIE);
    barrier();

    /* 4. IPIs: hart 0 to every other, each back to hart 0 */
    csr_set(mie, MIE_MSIE);
    barrier(); /* every hart takes msip before hart 0 raises it */
    if (self == 0) {
        for (unsigned h = 1; h < nharts; h++)
            *msip(h) = 1;
        if (nharts == 1) *msip(0) = 1; /* alone: to itself */
        wait_for(&ipi_answers, nharts == 1 ? 1 : nharts - 1);
    } else {
        wait_for(&ipis[self], 1);
        /* msip is a bit, not a counter: the answers go one at a time, hart h's once hart 0
         * has counted h - 1 of them. */
        while (__atomic_load_n(&ipi_answers, __ATOMIC_ACQUIRE) != self - 1)
            ;
        *msip(0) = 1;
    }
    barrier();
    csr_clear(mie, MIE_MSIE);

    /* 5. the PLIC: each hart's M context in turn */
    csr_set(mie, MIE_MEIE);
    for (unsigned turn = 0; turn < nharts; turn++) {
        if (turn == self) {
            REG32(PLIC_PRIORITY(UART_IRQ)) = 1;
            REG32(PLIC_THRESHOLD(2 * self)) = 0;
            REG32(PLIC_ENABLE(2 * self)) = 1u << UART_IRQ;
            REG8(UART_IER) = IER_THRE; /* THR is empty: THRE at once */
            wait_for(&claims[self], 1);
            REG32(PLIC_ENABLE(2 * self)) = 0;
            __atomic_store_n(&plic_turn, turn + 1, __ATOMIC_RELEASE);
        }
        barrier();
    }
    csr_clear(mie, MIE_MEIE);
}

static int failed;
static void check(int number, bool ok, const char *what)
{
    if (!ok && !failed) failed = number;
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
}

void smp_main(uint64_t hartid);
void smp_main(uint64_t hartid)
{
    unsigned self = (unsigned)hartid;
    csr_write(mtvec, (uint64_t)smp_trap);
    if (self == 0) {
        nharts = count_harts();
        for (unsigned h = 0; h < nharts; h++)
            *mtimecmp(h) = ~0ul;
        __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
    } else {
        while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
            ;
        if (self >= nharts) { /* not found by the probe: stay out of the way */
            for (;;)
                __asm__ volatile("wfi");
        }
    }
    hart_work(self);
    if (self != 0) {
        for (;;)
            __asm__ volatile("wfi");
    }

    printf("smp: %u harts\n", nharts);
    uint32_t total = nharts * ITERS;
    check(1, locked_count == total, "spinlock counter exact");
    check(2, amo_count == total, "amoadd counter exact");
    check(3, lrsc_count == total, "lr/sc counter exact");
    printf("smp: counters %lu %u %u, expected %u each\n", locked_count, amo_count, lrsc_count,
           total);
    bool messages = true, timers = true, ipi = true, plic = true;
    for (unsigned h = 0; h < nharts; h++) {
        messages &= message_ok[h] == 1;
        timers &= ticks[h] == TICKS;
        ipi &= h == 0 || ipis[h] == 1;
        plic &= claims[h] == 1;
        printf("hart %u: message %u, timer ticks %u, ipis %u, plic claims %u\n", h, message_ok[h],
               ticks[h], h ? ipis[h] : ipi_answers, claims[h]);
    }
    check(4, messages, "message passing between harts");
    check(5, timers, "each hart's own CLINT timer");
    check(6, ipi && ipi_answers == (nharts == 1 ? 1 : nharts - 1), "IPIs through msip");
    check(7, plic && wrong_claims == 0, "each hart's PLIC M context");
    exit(failed);
}
