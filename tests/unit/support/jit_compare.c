/* See jit_compare.h. */
#include "jit_compare.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/jit.h"
#include "harness.h"

#ifdef RV39_JIT
enum mode { INTERPRETER, JIT_AT_ONCE, JIT_AFTER_3, JIT_TINY_BUDGET };
static const char *const mode_name[] = {"interpreter", "jit (threshold 1)", "jit (threshold 3)",
                                        "jit (budget 3 per run)"};

/* Run `setup`'s program on a fresh hart in `mode` until it stalls in wfi. */
static void run(void (*setup)(void), enum mode mode, struct outcome *out)
{
    harness_fini();
    harness_init();
    if (mode != INTERPRETER) {
        cr_assert(jit_attach(&hart), "the translator must attach on an x86-64 host");
        jit_set_threshold(&hart, mode == JIT_AFTER_3 ? 3 : 1);
    }
    code_at(TRAP_VECTOR);
    put32(I_WFI); /* every trap ends the program */
    code_at(CODE_BASE);
    setup();
    uint64_t budget = mode == JIT_TINY_BUDGET ? 3 : 100000;
    for (unsigned i = 0; i < 200000 && !hart.wfi; i++)
        cpu_run(&hart, budget);
    cr_assert(hart.wfi, "%s: the program must reach its final wfi", mode_name[mode]);
    memcpy(out->x, hart.x, sizeof(out->x));
    memcpy(out->f, hart.f, sizeof(out->f));
    out->fcsr = hart.fcsr;
    out->mstatus = hart.mstatus;
    out->pc = hart.pc;
    out->priv = hart.priv;
    out->minstret = hart.minstret;
    out->mcycle = hart.mcycle;
    out->mcause = hart.mcause;
    out->mtval = hart.mtval;
    out->mepc = hart.mepc;
    out->ram = malloc(RAM_SIZE);
    cr_assert(out->ram);
    memcpy(out->ram, hram, RAM_SIZE);
    const struct jit_stats *st = jit_get_stats(&hart);
    out->blocks = st ? st->blocks : 0;
    jit_detach(&hart);
}

/* Run in every mode and compare each translated run with the interpreter's. Returns the
 * interpreter's outcome (ram freed) for tests that check values too. */
struct outcome compare(void (*setup)(void))
{
    struct outcome ref, got;
    run(setup, INTERPRETER, &ref);
    for (enum mode m = JIT_AT_ONCE; m <= JIT_TINY_BUDGET; m++) {
        run(setup, m, &got);
        const char *n = mode_name[m];
        if (m != JIT_AFTER_3) /* straight-line code is not visited three times */
            cr_assert_gt(got.blocks, 0, "%s: some code must have been translated", n);
        for (unsigned r = 1; r < 32; r++)
            cr_assert_eq(got.x[r], ref.x[r], "%s: x%u = %#llx, the interpreter's %#llx", n, r,
                         (unsigned long long)got.x[r], (unsigned long long)ref.x[r]);
        for (unsigned r = 0; r < 32; r++)
            cr_assert_eq(got.f[r], ref.f[r], "%s: f%u = %#llx, the interpreter's %#llx", n, r,
                         (unsigned long long)got.f[r], (unsigned long long)ref.f[r]);
        cr_assert_eq(got.fcsr, ref.fcsr, "%s: fcsr %#x, the interpreter's %#x", n, got.fcsr,
                     ref.fcsr);
        cr_assert_eq(got.mstatus, ref.mstatus, "%s: mstatus %#llx, the interpreter's %#llx", n,
                     (unsigned long long)got.mstatus, (unsigned long long)ref.mstatus);
        cr_assert_eq(got.pc, ref.pc, "%s: pc %#llx, the interpreter's %#llx", n,
                     (unsigned long long)got.pc, (unsigned long long)ref.pc);
        cr_assert_eq(got.priv, ref.priv, "%s: privilege differs", n);
        cr_assert_eq(got.minstret, ref.minstret, "%s: minstret %llu, the interpreter's %llu", n,
                     (unsigned long long)got.minstret, (unsigned long long)ref.minstret);
        cr_assert_eq(got.mcycle, ref.mcycle, "%s: mcycle differs", n);
        cr_assert_eq(got.mcause, ref.mcause, "%s: mcause %llu, the interpreter's %llu", n,
                     (unsigned long long)got.mcause, (unsigned long long)ref.mcause);
        cr_assert_eq(got.mtval, ref.mtval, "%s: mtval %#llx, the interpreter's %#llx", n,
                     (unsigned long long)got.mtval, (unsigned long long)ref.mtval);
        cr_assert_eq(got.mepc, ref.mepc, "%s: mepc %#llx, the interpreter's %#llx", n,
                     (unsigned long long)got.mepc, (unsigned long long)ref.mepc);
        for (uint64_t i = 0; i < RAM_SIZE; i++)
            cr_assert_eq(got.ram[i], ref.ram[i], "%s: memory at %#llx differs", n,
                         (unsigned long long)(RAM_BASE + i));
        free(got.ram);
    }
    free(ref.ram);
    ref.ram = NULL;
    return ref;
}

/* li rd, v for any 64-bit v: lui/addi for the top 32 bits, then shifts and ors of 11 bits. */
void li(unsigned rd, uint64_t v)
{
    put32(i_addi(rd, 0, 0));
    for (int shift = 55; shift >= 0; shift -= 11) {
        put32(i_slli(rd, rd, 11));
        put32(i_ori(rd, rd, (int32_t)((v >> shift) & 0x7ff)));
    }
    /* 66 bits shifted in: the top two fall off, the low 64 are v */
    put32(i_slli(rd, rd, 0));
}

/* Store x[r] to the next result slot (x31 points at them; it moves on every 200 slots, as
 * store offsets are 12-bit). */
unsigned slot;
void keep(unsigned r)
{
    put32(i_sd(r, (int32_t)(8 * slot++), 31));
    if (slot == 200) {
        put32(i_addi(31, 31, 8 * 200));
        slot = 0;
    }
}

const uint64_t edge_values[EDGES] = {
    0,
    1,
    0xffffffffffffffffull,
    0x8000000000000000ull,
    0x7fffffffffffffffull,
    0x80000000ull,
    0x7fffffffull,
    0xffffffff80000000ull,
    0x123456789abcdef0ull,
    63,
    31,
    32,
};
#endif
