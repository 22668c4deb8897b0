/* Several harts over one guest RAM, each on its own host thread (what -smp N with
 * -accel tcg,thread=multi does): the A extension's atomicity across harts (unpriv spec 14.2
 * "Zalrsc", 14.4 "Zaamo"), a lock built from them, and code one hart rewrites reaching
 * another (unpriv spec "Zifencei"; mmu/coherence.h). Each test runs with the interpreter
 * alone and with the translator, whose fast paths are host locked instructions of their own
 * (cpu/jit_x86_64_atomic.c). Totals are exact: a lost update shows as a smaller count. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/jit.h"
#include "support/harness.h"

#define HARTS 4
#define SMP_RAM_SIZE (1ull << 20)
#define PROG RAM_BASE                   /* the workers' code */
#define FUNC (RAM_BASE + 0x10000)       /* a function one hart rewrites under another */
#define DATA (RAM_BASE + 0x20000)       /* shared counters, one 64-byte line apart */
#define I_FENCE_I 0x0000100fu
#define I_FENCE_RW_W 0x0310000fu        /* fence rw, w */

static uint8_t *ram;
static struct cpu harts[HARTS];
static struct bus bus;
static uint64_t at;

static void put(uint32_t insn)
{
    memcpy(ram + (at - RAM_BASE), &insn, 4);
    at += 4;
}

static uint64_t get64(uint64_t pa)
{
    uint64_t v;
    memcpy(&v, ram + (pa - RAM_BASE), 8);
    return v;
}

static void put64(uint64_t pa, uint64_t v)
{
    memcpy(ram + (pa - RAM_BASE), &v, 8);
}

/* la rd, a page-aligned address in RAM (lui alone would sign-extend 0x8xxxx000) */
static void la(unsigned rd, uint64_t addr)
{
    put(i_addi(rd, 0, 1));
    put(i_slli(rd, rd, 31));
    put(i_lui(31, (uint32_t)((addr - RAM_BASE) >> 12)));
    put(i_add(rd, rd, 31));
}

/* li rd, value for values below 2^31 */
static void li(unsigned rd, uint32_t value)
{
    put(i_lui(rd, (value + 0x800) >> 12));
    put(i_addi(rd, rd, (int32_t)(value << 20) >> 20));
}

static void make_harts(unsigned n, bool jit)
{
    ram = aligned_alloc(4096, SMP_RAM_SIZE);
    cr_assert(ram);
    memset(ram, 0, SMP_RAM_SIZE);
    bus_init(&bus);
    for (unsigned h = 0; h < n; h++) {
        cr_assert(cpu_init(&harts[h], ram, RAM_BASE, SMP_RAM_SIZE, &bus));
        if (h) cr_assert(cpu_share_ram(&harts[h], &harts[0]), "hart %u joins hart 0's RAM", h);
        cpu_reset(&harts[h], PROG);
        harts[h].x[10] = h; /* a0 = hart id, as QEMU's reset vector passes it */
        if (jit) {
            cr_assert(!RV39_HAS_JIT || jit_attach(&harts[h]), "the translator attaches");
            jit_set_threshold(&harts[h], 2);
        }
    }
}

static void free_harts(unsigned n)
{
    for (unsigned h = 0; h < n; h++) {
        jit_detach(&harts[h]);
        cpu_free(&harts[h]);
    }
    free(ram);
}

/* A worker runs its hart in slices until it reaches `done` (a jump to itself). */
struct worker {
    struct cpu *c;
    uint64_t done;
};
static pthread_barrier_t start; /* all threads begin together, so the harts do overlap */

static void *run_hart(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(&start);
    for (unsigned slices = 0; w->c->pc != w->done && slices < 200000; slices++)
        cpu_run(w->c, 5000);
    return NULL;
}

static void run_all(unsigned n, uint64_t done)
{
    pthread_t t[HARTS];
    struct worker w[HARTS];
    pthread_barrier_init(&start, NULL, n);
    for (unsigned h = 0; h < n; h++) {
        w[h] = (struct worker){&harts[h], done};
        cr_assert_eq(pthread_create(&t[h], NULL, run_hart, &w[h]), 0);
    }
    for (unsigned h = 0; h < n; h++)
        pthread_join(t[h], NULL);
    pthread_barrier_destroy(&start);
    for (unsigned h = 0; h < n; h++)
        cr_assert_eq(harts[h].pc, done, "hart %u finished (pc %#lx)", h, harts[h].pc);
}

#define ITERATIONS 1000000

/* Every hart, ITERATIONS times: amoadd.d and amoadd.w +1, an LR/SC increment loop, amomax.d
 * and amomaxu.w of that increment's result, amoor.d of a bit of its own, and an amoswap.d
 * pair that must give back what it put (no lost swap). */
static void atomic_counters(bool jit)
{
    make_harts(HARTS, jit);
    at = PROG;
    li(11, ITERATIONS);
    la(12, DATA);
    put(i_addi(14, 12, 64));  /* amoadd.w counter */
    put(i_addi(15, 12, 128)); /* LR/SC counter */
    put(i_addi(16, 12, 192)); /* amomax.d */
    put(i_addi(17, 12, 256)); /* amomaxu.w */
    put(i_addi(18, 12, 320)); /* amoor.d bits */
    put(i_sd(0, 1024, 12));   /* a plain store makes the fast write entry the JIT's AMOs use */
    put(i_addi(5, 0, 1));
    put(i_sll(19, 5, 10));    /* x19 = 1 << hartid */
    uint64_t loop = at;
    put(i_amoadd_d(0, 5, 12));
    put(i_amoadd_w(0, 5, 14));
    uint64_t retry = at;
    put(i_lr_d(6, 15));
    put(i_addi(6, 6, 1));
    put(i_sc_d(7, 6, 15));
    put(i_bne(7, 0, (int32_t)(retry - at)));
    put(i_amomax_d(0, 6, 16));
    put(i_amomaxu_w(0, 6, 17));
    put(i_amoor_d(0, 19, 18));
    put(i_addi(11, 11, -1));
    put(i_bne(11, 0, (int32_t)(loop - at)));
    uint64_t done = at;
    put(i_jal(0, 0));

    run_all(HARTS, done);
    uint64_t total = (uint64_t)HARTS * ITERATIONS;
    cr_assert_eq(get64(DATA), total, "amoadd.d: %lu of %lu", get64(DATA), total);
    cr_assert_eq(get64(DATA + 64) & 0xffffffff, total, "amoadd.w");
    cr_assert_eq(get64(DATA + 128), total, "LR/SC: %lu of %lu", get64(DATA + 128), total);
    cr_assert_eq(get64(DATA + 192), total, "amomax.d saw the last increment");
    cr_assert_eq(get64(DATA + 256) & 0xffffffff, total, "amomaxu.w saw the last increment");
    cr_assert_eq(get64(DATA + 320), (1u << HARTS) - 1, "amoor.d: every hart's bit");
    free_harts(HARTS);
}

Test(smp_memory, atomic_counters_interpreter)
{
    atomic_counters(false);
}

Test(smp_memory, atomic_counters_jit)
{
    atomic_counters(true);
}

/* A test-and-set spinlock (amoswap.w.aq; release by amoswap.w.rl) around a plain ld/addi/sd:
 * the count is exact only if the lock excludes and the plain accesses stay inside it. */
static void spinlock(bool jit)
{
    make_harts(HARTS, jit);
    at = PROG;
    li(11, ITERATIONS);
    la(12, DATA); /* x12 = the lock */
    put(i_sd(0, 1024, 12)); /* a plain store makes the fast write entry the JIT's AMOs use */
    put(i_addi(14, 12, 64)); /* x14 = the counter it protects */
    put(i_addi(5, 0, 1));
    uint64_t loop = at;
    uint64_t acquire = at;
    put(i_amoswap_w(6, 5, 12) | 1u << 26); /* aq */
    put(i_bne(6, 0, (int32_t)(acquire - at)));
    put(i_ld(7, 0, 14));
    put(i_addi(7, 7, 1));
    put(i_sd(7, 0, 14));
    put(i_amoswap_w(0, 0, 12) | 1u << 25); /* rl */
    put(i_addi(11, 11, -1));
    put(i_bne(11, 0, (int32_t)(loop - at)));
    uint64_t done = at;
    put(i_jal(0, 0));

    run_all(HARTS, done);
    cr_assert_eq(get64(DATA + 64), (uint64_t)HARTS * ITERATIONS, "locked counter: %lu",
                 get64(DATA + 64));
    free_harts(HARTS);
}

Test(smp_memory, spinlock_interpreter)
{
    spinlock(false);
}

Test(smp_memory, spinlock_jit)
{
    spinlock(true);
}

/* Message passing with code: hart 1 calls FUNC (li a0, 1; ret) until a flag is set, then
 * executes fence.i and calls it once more; hart 0 waits until hart 1 has run FUNC many times
 * (decoded, and translated with the JIT), rewrites it to `li a0, 2`, executes fence rw,w and
 * sets the flag. Zifencei: the last call must see the new code. */
static void code_published(bool jit)
{
    make_harts(2, jit);
    uint64_t flag = DATA, calls = DATA + 64, result = DATA + 128;
    at = FUNC;
    put(i_addi(10, 0, 1));
    put(i_jalr(0, 1, 0));

    at = PROG;
    la(12, DATA);
    la(13, FUNC);
    uint64_t hart1 = PROG + 0x100;
    put(i_bne(10, 0, (int32_t)(hart1 - at)));
    /* hart 0: wait for 1000 calls, rewrite FUNC, fence, flag */
    uint64_t wait = at;
    put(i_ld(5, 64, 12));
    put(i_addi(6, 0, 1000));
    put(i_bltu(5, 6, (int32_t)(wait - at)));
    li(7, i_addi(10, 0, 2));
    put(i_sw(7, 0, 13));
    put(I_FENCE_RW_W);
    put(i_addi(5, 0, 1));
    put(i_sd(5, 0, 12));
    uint64_t done = PROG + 0x200;
    put(i_jal(0, (int32_t)(done - at)));
    /* hart 1: call, count, until the flag; fence.i; call; store the result */
    at = hart1;
    uint64_t again = at;
    put(i_jalr(1, 13, 0));
    put(i_ld(5, 64, 12));
    put(i_addi(5, 5, 1));
    put(i_sd(5, 64, 12));
    put(i_ld(6, 0, 12));
    put(i_beq(6, 0, (int32_t)(again - at)));
    put(I_FENCE_I);
    put(i_jalr(1, 13, 0));
    put(i_sd(10, 128, 12));
    put(i_jal(0, (int32_t)(done - at)));
    at = done;
    put(i_jal(0, 0));

    run_all(2, done);
    (void)flag;
    cr_assert_geq(get64(calls), 1000, "hart 1 ran the old code first");
    cr_assert_eq(get64(result), 2, "after fence.i hart 1 runs the new code (got %lu)",
                 get64(result));
    free_harts(2);
}

Test(smp_memory, code_published_interpreter)
{
    code_published(false);
}

Test(smp_memory, code_published_jit)
{
    code_published(true);
}

/* The hard case of mmu/coherence.h, step by step on one thread: hart 0 holds a fast write
 * entry to FUNC's page from before hart 1 decoded FUNC, and rewrites FUNC through it (no slow
 * path, nobody told). Its next FENCE must report it (rule 3), so hart 1's fence.i drops the
 * stale decoded code. */
static void stale_writer(bool jit)
{
    make_harts(2, jit);
    at = FUNC;
    put(i_addi(10, 0, 1));
    put(i_jalr(0, 1, 0));
    at = PROG; /* hart 0's single steps */
    la(13, FUNC);
    put(i_sw(0, 0x400, 13)); /* a data store into FUNC's page: a fast write entry */
    li(7, i_addi(10, 0, 3));
    put(i_sw(7, 0, 13));     /* rewrites FUNC through that entry */
    put(I_FENCE_RW_W);
    uint64_t h0_end = at;
    uint64_t h1 = PROG + 0x100; /* hart 1: call FUNC forever */
    at = h1;
    la(13, FUNC);
    uint64_t again = at;
    put(i_jalr(1, 13, 0));
    put(i_jal(0, (int32_t)(again - at)));
    uint64_t h1_fence = at;
    put(I_FENCE_I);
    put(i_jalr(1, 13, 0));
    put(i_jal(0, 0));

    struct cpu *h0 = &harts[0], *h1c = &harts[1];
    h1c->pc = h1;
    for (unsigned i = 0; i < 5; i++) /* la, sw (the write entry) */
        cpu_step(h0);
    cr_assert(mmu_fast_write(&h0->mmu, FUNC + 0x400, 4), "hart 0 has a write entry to FUNC");
    cpu_run(h1c, 2000); /* FUNC decoded (translated with the JIT) on hart 1 */
    cr_assert_eq(h1c->x[10], 1);
    cpu_step(h0), cpu_step(h0); /* li */
    cpu_step(h0);               /* sw: through the stale entry */
    cr_assert_eq(h0->pc, h0_end - 4);
    cpu_step(h0); /* fence: reports */
    cr_assert_eq(h0->pc, h0_end);
    h1c->pc = h1_fence;
    cpu_run(h1c, 100); /* fence.i, the call (decoded pages: cpu_step decodes afresh) */
    cr_assert_eq(h1c->x[10], 3, "after hart 0's fence and hart 1's fence.i: new code (a0 %lu)",
                 h1c->x[10]);
    free_harts(2);
}

Test(smp_memory, stale_writer_reported_by_fence_interpreter)
{
    stale_writer(false);
}

Test(smp_memory, stale_writer_reported_by_fence_jit)
{
    stale_writer(true);
}

/* Zalrsc: an SC fails when another hart stored to the reserved bytes after the LR (and, as
 * QEMU, succeeds when the value there is unchanged: mmu/coherence.h has why that is enough). */
Test(smp_memory, another_harts_store_breaks_the_reservation)
{
    make_harts(2, false);
    at = PROG;
    la(12, DATA);
    put(i_lr_d(6, 12));
    put(i_addi(6, 6, 1));
    put(i_sc_d(7, 6, 12));
    put(i_lr_d(6, 12));
    put(i_addi(6, 6, 1));
    put(i_sc_d(7, 6, 12));
    at = PROG + 0x100; /* hart 1 */
    la(12, DATA);
    put(i_addi(5, 0, 40));
    put(i_sd(5, 0, 12));
    put(i_sd(0, 8, 12));
    harts[1].pc = PROG + 0x100;
    for (unsigned i = 0; i < 6; i++) /* la, lr, addi */
        cpu_step(&harts[0]);
    for (unsigned i = 0; i < 6; i++) /* la, li, sd 40 to the word */
        cpu_step(&harts[1]);
    cpu_step(&harts[0]);                                           /* sc */
    cr_assert_neq(harts[0].x[7], 0, "sc.d after another hart's store must fail");
    cr_assert_eq(get64(DATA), 40, "and store nothing");
    cpu_step(&harts[0]), cpu_step(&harts[0]);   /* lr (40), addi */
    cpu_step(&harts[1]);                        /* sd to the next doubleword: not reserved */
    cpu_step(&harts[0]);                        /* sc */
    cr_assert_eq(harts[0].x[7], 0, "a store outside the reserved bytes leaves it");
    cr_assert_eq(get64(DATA), 41);
    put64(DATA, 0);
    free_harts(2);
}
