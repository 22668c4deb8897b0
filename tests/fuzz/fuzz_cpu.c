/* Differential fuzz target for the CPU and the MMU (issue 12, fuzz target 4): the block
 * translator (cpu/jit*.c) against the interpreter (cpu/exec.c), the reference.
 *
 * The fuzzed bytes describe a machine: a start privilege and mstatus bits, satp (Bare, Sv39,
 * Sv48 or Sv57, ASID, which table is the root), delegation and interrupt enables, a page-table tree
 * whose PTEs the input may overwrite at will (any R/W/X/U/G/A/D bits, superpages, misaligned
 * superpages, reserved bits and Svnapot's N and Svpbmt's PBMT, PPNs outside RAM, pointers
 * looping back to the root; the same tree walked with 3, 4 or 5 levels), registers
 * holding virtual addresses worth touching, and a page of code built from instruction
 * templates (loads and stores of every size at odd offsets, page 0, page and RAM ends, CSR
 * writes, satp switches, sfence.vma, PTE stores, privilege changes, AMOs, FP, bit
 * manipulation and Zicond, cache-block operations, raw words).
 *
 * The program runs twice on a fresh hart (tests/unit/support/harness.c): with the translator
 * attached (translating at once) for a budget, then under the interpreter alone for exactly
 * as many instructions-plus-traps. Both must end in the same state: x1..x31, f0..f31, pc,
 * privilege, the CSRs, counters and every byte of RAM. Traps leave a log in RAM: the
 * guest's own handlers (M and S) record cause, tval, epc and status, skip the instruction
 * and return, so the trap sequence is compared without an event hook (which would keep the
 * translator off). On a difference the target prints it and aborts.
 *
 * What the fuzzed code may not do, because it would make two runs of the same program differ
 * for reasons outside the CPU: read `time` (host clock), enable Sstc (menvcfg: STIP would
 * follow the host clock), read the hpm counters (TLB statistics, which the translator is
 * allowed to change), write minstret or mcountinhibit (they would spoil the instruction
 * count reported at exit), touch mhpmevent (a counter of TLB misses or of instructions with
 * Sscofpmf's overflow interrupt: when it is raised depends on where runs end). tame() rewrites such
 * CSR numbers to mscratch wherever an instruction could start in the pages set up here. Code the
 * guest writes at run time is not filtered; a divergence that reads `time` is not a bug. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cmo.h"
#include "cpu/csr_table.h"
#include "cpu/jit.h"
#include "mmu/walk.h"
#include "fuzz.h"
#include "cpu_program.h"
#include "harness.h"

/* --- the two runs and their comparison --- */
/* Everything compared besides registers and RAM, and where capture() reads it (`consumed`:
 * instructions retired plus traps taken, what the runs' budgets count). */
#define FIELDS(X)                                                                                  \
    X(pc, hart.pc)                                                                                 \
    X(consumed, consumed)                                                                          \
    X(mstatus, hart.mstatus)                                                                       \
    X(mcause, hart.mcause)                                                                         \
    X(mtval, hart.mtval)                                                                           \
    X(mepc, hart.mepc)                                                                             \
    X(scause, hart.scause)                                                                         \
    X(stval, hart.stval)                                                                           \
    X(sepc, hart.sepc)                                                                             \
    X(satp, hart.satp)                                                                             \
    X(minstret, hart.minstret)                                                                     \
    X(mcycle, hart.mcycle)                                                                         \
    X(medeleg, hart.medeleg)                                                                       \
    X(mideleg, hart.mideleg)                                                                       \
    X(mie, hart.mie)                                                                               \
    X(mip, hart.mip)                                                                               \
    X(mscratch, hart.mscratch)                                                                     \
    X(sscratch, hart.sscratch)                                                                     \
    X(mtvec, hart.mtvec)                                                                           \
    X(stvec, hart.stvec)                                                                           \
    X(reservation, hart.reservation)
#define FIELD_INDEX(name, value) F_##name,
enum { FIELDS(FIELD_INDEX) NFIELDS };
#define FIELD_NAME(name, value) #name,
static const char *const field_names[] = {FIELDS(FIELD_NAME)};
struct state {
    uint64_t x[32], f[32], v[NFIELDS];
    uint32_t fcsr;
    unsigned priv;
};

static void capture(struct state *s, uint64_t consumed)
{
    memcpy(s->x, hart.x, sizeof(s->x));
    memcpy(s->f, hart.f, sizeof(s->f));
#define FIELD_READ(name, value) s->v[F_##name] = (value);
    FIELDS(FIELD_READ)
    s->fcsr = hart.fcsr;
    s->priv = hart.priv;
}

static uint8_t jit_ram[RAM_SIZE];

/* A fresh machine for each run, but not fresh memory: allocating and freeing the harness's
 * RAM and a translator per run costs ~30 ms under ASan on page faults alone, more than the
 * run. So the harness's RAM and one translator are made once and reset here to what
 * harness_init() and jit_attach() give. The translator's blocks from earlier runs are all
 * dropped (jit_invalidate_page on every page); only its code buffer's fill level carries
 * over, so a full-buffer flush may come at another moment than in a lone replay. */
static struct jit *translator;

static void fresh_hart(bool with_jit)
{
    if (!hram) {
        harness_init();
    } else {
        cpu_free(&hart);
        memset(hram, 0, RAM_SIZE);
        if (!cpu_init(&hart, hram, RAM_BASE, RAM_SIZE, &hbus)) fuzz_fail("cpu_init failed");
        cpu_reset(&hart, CODE_BASE);
    }
    if (!with_jit || !RV39_HAS_JIT) return; /* elsewhere: the interpreter against itself */
    if (!translator) {
        if (!jit_attach(&hart)) fuzz_fail("the translator cannot attach");
        translator = hart.jit;
    }
    hart.jit = translator;
    for (uint64_t page = 0; page < RAM_SIZE >> PAGE_SHIFT; page++)
        jit_invalidate_page(&hart, page);
}

/* Run with the translator until the budget is spent, in chunks (so runs also end and resume
 * between blocks). Returns the units consumed: instructions retired plus traps taken. */
#define MAX_TRANSLATED_PER_RUN 4096
static struct jit_stats jit_delta; /* what this run's translator did (FUZZ_CPU_TRACE) */

static uint64_t run_jit(const struct setup *su)
{
    jit_set_threshold(&hart, su->threshold);
    const struct jit_stats *now = jit_get_stats(&hart); /* NULL without a translator */
    struct jit_stats before = now ? *now : (struct jit_stats){0};
    uint64_t consumed = 0;
    while (consumed < su->budget) {
        uint64_t left = su->budget - consumed;
        consumed += cpu_run(&hart, left < su->chunk ? left : su->chunk);
        hart.wfi = false; /* nothing would wake it: go on, as both runs do */
        /* Translating a guest instruction (instrumented for coverage, ~400 bytes of host
         * code) costs as much as interpreting ~50: code that rewrites itself in a loop, or
         * traps every few instructions (each resume point starts a new 64-instruction
         * block), would spend the run translating. Past a limit the run goes on with the
         * blocks it has and translates no more. */
        if (now && now->insns - before.insns > MAX_TRANSLATED_PER_RUN)
            jit_set_threshold(&hart, UINT32_MAX);
    }
    if (now)
        jit_delta = (struct jit_stats){
            now->blocks - before.blocks, now->insns - before.insns, now->flushes - before.flushes,
            now->page_kills - before.page_kills, now->chains - before.chains};
    return consumed;
}

/* Run the interpreter alone for exactly `target` units: cpu_run stops only at a control
 * transfer after its budget (up to a page of straight-line code late), so it runs to
 * `slack` short of the target and single steps the rest. False if it overshot anyway. */
static bool run_interpreter(uint64_t target, uint64_t slack)
{
    uint64_t consumed = 0;
    while (consumed < target) {
        uint64_t left = target - consumed;
        if (left > slack) {
            consumed += cpu_run(&hart, left - slack);
        } else {
            cpu_step(&hart); /* one instruction or one trap: one unit */
            consumed++;
        }
        hart.wfi = false;
    }
    return consumed == target;
}

static void report(const char *what, unsigned long long jit, unsigned long long interp, bool *bad)
{
    fprintf(stderr, "fuzz_cpu: %-12s jit %#18llx  interpreter %#18llx\n", what, jit, interp);
    *bad = true;
}

static void compare(const struct state *j, const struct state *i)
{
    bool bad = false;
    char name[16];
    for (unsigned r = 1; r < 32; r++)
        if (j->x[r] != i->x[r])
            snprintf(name, sizeof(name), "x%u", r), report(name, j->x[r], i->x[r], &bad);
    for (unsigned r = 0; r < 32; r++)
        if (j->f[r] != i->f[r])
            snprintf(name, sizeof(name), "f%u", r), report(name, j->f[r], i->f[r], &bad);
    for (unsigned k = 0; k < NFIELDS; k++)
        if (j->v[k] != i->v[k]) report(field_names[k], j->v[k], i->v[k], &bad);
    if (j->fcsr != i->fcsr) report("fcsr", j->fcsr, i->fcsr, &bad);
    if (j->priv != i->priv) report("privilege", j->priv, i->priv, &bad);
    unsigned shown = 0;
    bool ram_differs = memcmp(jit_ram, hram, RAM_SIZE) != 0;
    for (uint64_t o = 0; ram_differs && o < RAM_SIZE; o += 8) {
        uint64_t a, b;
        memcpy(&a, jit_ram + o, 8);
        memcpy(&b, hram + o, 8);
        if (a != b && shown++ < 16) {
            snprintf(name, sizeof(name), "%#llx", (unsigned long long)(RAM_BASE + o));
            report(name, a, b, &bad);
        }
    }
    if (bad) fuzz_fail("the translator and the interpreter disagree (above)");
}

/* FUZZ_CPU_TRACE=1: what an input did (for writing seeds and reading findings). */
static void trace(const struct setup *su, const struct state *s)
{
    fprintf(stderr, "fuzz_cpu: start priv %u satp %#llx mstatus %#llx budget %llu chunk %llu\n",
            su->priv, (unsigned long long)su->satp, (unsigned long long)su->mstatus,
            (unsigned long long)su->budget, (unsigned long long)su->chunk);
    fprintf(stderr, "fuzz_cpu: %llu units, %llu retired, end pc %#llx priv %u\n",
            (unsigned long long)s->v[F_consumed], (unsigned long long)s->v[F_minstret],
            (unsigned long long)s->v[F_pc], s->priv);
    fprintf(stderr, "fuzz_cpu: jit: %llu blocks (%llu insns), %llu flushes, %llu page kills\n",
            (unsigned long long)jit_delta.blocks, (unsigned long long)jit_delta.insns,
            (unsigned long long)jit_delta.flushes, (unsigned long long)jit_delta.page_kills);
    for (unsigned m = 0; m < 2; m++) {
        uint64_t n = peek64(LOG_PA(m) + LOG_COUNT);
        fprintf(stderr, "fuzz_cpu: %s handler: %llu traps\n", m ? "S" : "M", (unsigned long long)n);
        for (uint64_t k = n > 8 ? n - 7 : 1; k <= n; k++) { /* the last 8 */
            uint64_t e = LOG_PA(m) + LOG_RING + 32 * (k & 31);
            fprintf(stderr, "  cause %#llx tval %#llx epc %#llx status %#llx\n",
                    (unsigned long long)peek64(e), (unsigned long long)peek64(e + 8),
                    (unsigned long long)peek64(e + 16), (unsigned long long)peek64(e + 24));
        }
    }
}

/* The summary line at exit: "fuzz_cpu: N inputs, M guest instructions, K traps" (both runs
 * counted; a trap is one taken, whether the guest's handler logged it or not). */
static uint64_t *inputs, *instructions, *traps;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    inputs = fuzz_counter("inputs");
    instructions = fuzz_counter("guest instructions");
    traps = fuzz_counter("traps");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct setup su;
    struct state with_jit, interp;

    fresh_hart(true);
    cpu_program_build(data, size, &su);
    uint64_t target = run_jit(&su);
    capture(&with_jit, target);
    memcpy(jit_ram, hram, RAM_SIZE);

    for (uint64_t slack = 64;; slack = 4096) {
        fresh_hart(false);
        cpu_program_build(data, size, &su);
        if (run_interpreter(target, slack)) break;
        if (slack == 4096)
            fuzz_fail("the interpreter cannot stop at %llu", (unsigned long long)target);
    }
    capture(&interp, target);
    compare(&with_jit, &interp);
    if (getenv("FUZZ_CPU_TRACE")) trace(&su, &interp);

    uint64_t retired = with_jit.v[F_minstret]; /* the same in both runs */
    ++*inputs;
    *instructions += 2 * retired;
    *traps += 2 * (target - retired);
    return 0;
}
