/* The interpreter's specialised handler forms (cpu/exec.c, fill_slot), run under cpu_run on
 * decoded pages, where they are chosen: branches and jal with a target in the same page
 * (imm pre-scaled to slot bytes), branches against x0, and li/mv forms of addi and add. Each
 * must compute what the general handler computes (unpriv spec 2.4, 2.5) and retire exactly as
 * many instructions, also when the run budget ends at one of them. */
#include <criterion/criterion.h>

#include "support/harness.h"

TestSuite(interp_forms, .init = harness_init, .fini = harness_fini);

#define MINSTRET 0xb02

/* Run the program at CODE_BASE until it reaches its final `jal x0, 0` at `end`. */
static void run_to(uint64_t end)
{
    for (int i = 0; i < 100 && hart.pc != end; i++)
        cpu_run(&hart, 1000);
    cr_assert_eq(hart.pc, end, "the program must reach its final loop at %#lx, pc %#lx",
                 (unsigned long)end, (unsigned long)hart.pc);
}

/* 2.5.2, against x0 (beqz, bnez, bltz, bgez; bltu x, x0 is never taken, bgeu x, x0 always),
 * forward and backward in the page: x20 counts the taken ones, x21 the not-taken ones. */
Test(interp_forms, branches_against_x0_in_the_page)
{
    struct {
        uint32_t (*enc)(unsigned, unsigned, int32_t);
        uint64_t a;
        bool taken;
        const char *what;
    } cases[] = {
        {i_beq, 0, true, "beqz 0"},       {i_beq, 5, false, "beqz 5"},
        {i_bne, 5, true, "bnez 5"},       {i_bne, 0, false, "bnez 0"},
        {i_blt, -1ull, true, "bltz -1"},  {i_blt, 0, false, "bltz 0"},
        {i_bge, 0, true, "bgez 0"},       {i_bge, -1ull, false, "bgez -1"},
        {i_bltu, 0, false, "bltu 0, x0"}, {i_bltu, -1ull, false, "bltu -1, x0"},
        {i_bgeu, 0, true, "bgeu 0, x0"},  {i_bgeu, -1ull, true, "bgeu -1, x0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        harness_fini();
        harness_init();
        code_at(CODE_BASE);
        put32(i_jal(0, 0x10));             /* 0x00: to the forward test */
        put32(i_addi(20, 20, 1));          /* 0x04: backward target: taken */
        put32(i_jal(0, 0x20));             /* 0x08: -> 0x28 */
        put32(i_jal(0, 0));                /* 0x0c */
        put32(cases[i].enc(10, 0, 0x0c));  /* 0x10: forward -> 0x1c */
        put32(i_addi(21, 21, 1));          /* 0x14: not taken */
        put32(i_jal(0, 0x08));             /* 0x18: -> 0x20 */
        put32(i_addi(20, 20, 1));          /* 0x1c: taken */
        put32(cases[i].enc(10, 0, -0x1c)); /* 0x20: backward -> 0x04 */
        put32(i_addi(21, 21, 1));          /* 0x24: not taken */
        put32(i_csrrs(22, MINSTRET, 0));   /* 0x28 */
        put32(i_jal(0, 0));                /* 0x2c */
        hart.x[10] = cases[i].a;
        run_to(CODE_BASE + 0x2c);
        unsigned taken = cases[i].taken ? 2 : 0;
        cr_assert_eq(hart.x[20], taken, "%s: taken %lu times, want %u", cases[i].what,
                     (unsigned long)hart.x[20], taken);
        cr_assert_eq(hart.x[21], 2 - taken, "%s: fell through %lu times, want %u", cases[i].what,
                     (unsigned long)hart.x[21], 2 - taken);
        /* jal, branch, addi, jal|-, branch, addi, (jal when taken,) csrr: minstret read
         * counts the instructions before it (taken: 0x00 0x10 0x1c 0x20 0x04 0x08; not
         * taken: 0x00 0x10 0x14 0x18 0x20 0x24). */
        cr_assert_eq(hart.x[22], 6, "%s: %lu instructions before the csrr, want 6", cases[i].what,
                     (unsigned long)hart.x[22]);
    }
}

/* 2.5.1: jal within the page links pc + 4 (pc + 2 for c.j's cousins) and lands on the
 * target; to another page it takes the general path. */
Test(interp_forms, jal_in_and_out_of_the_page)
{
    code_at(CODE_BASE);
    put32(i_jal(1, 0x20)); /* 0x00: -> 0x20, x1 = 0x04 */
    code_at(CODE_BASE + 0x20);
    put32(i_jal(2, -0x10)); /* 0x20: -> 0x10, x2 = 0x24 */
    code_at(CODE_BASE + 0x10);
    put32(i_jal(3, 0x1000)); /* 0x10: next page, x3 = 0x14 */
    code_at(CODE_BASE + 0x1010);
    put32(i_jal(0, 0)); /* 0x1010 */
    run_to(CODE_BASE + 0x1010);
    cr_assert_eq(hart.x[1], CODE_BASE + 0x04, "jal forward in the page links pc + 4");
    cr_assert_eq(hart.x[2], CODE_BASE + 0x24, "jal backward in the page links pc + 4");
    cr_assert_eq(hart.x[3], CODE_BASE + 0x14, "jal to the next page links pc + 4");
}

/* 2.4.1: li (addi rd, x0, imm), mv (addi rd, rs, 0; add rd, rs, x0; add rd, x0, rs), and
 * the same writing x0, which must stay zero. */
Test(interp_forms, li_and_mv_forms)
{
    code_at(CODE_BASE);
    put32(i_addi(1, 0, -5)); /* li x1, -5 */
    put32(i_addi(2, 1, 0));  /* mv x2, x1 */
    put32(i_add(3, 0, 1));   /* add x3, x0, x1 */
    put32(i_add(4, 1, 0));   /* add x4, x1, x0 */
    put32(i_addi(0, 0, 7));  /* li x0, 7: no effect */
    put32(i_add(0, 0, 1));   /* mv x0, x1: no effect */
    put32(i_addi(5, 0, 0));  /* li x5, 0 */
    put32(i_add(6, 0, 0));   /* add x6, x0, x0 */
    put32(i_jal(0, 0));
    hart.x[5] = hart.x[6] = 99;
    run_to(CODE_BASE + 0x20);
    cr_assert_eq(hart.x[1], (uint64_t)-5, "li x1, -5 sign-extends");
    cr_assert_eq(hart.x[2], (uint64_t)-5, "addi rd, rs, 0 copies rs");
    cr_assert_eq(hart.x[3], (uint64_t)-5, "add rd, x0, rs copies rs");
    cr_assert_eq(hart.x[4], (uint64_t)-5, "add rd, rs, x0 copies rs");
    cr_assert_eq(hart.x[0], 0, "x0 stays zero");
    cr_assert_eq(hart.x[5], 0, "li x5, 0");
    cr_assert_eq(hart.x[6], 0, "add x6, x0, x0");
}

/* A run ends at the first control transfer after its budget (cpu.h, cpu_run): whatever the
 * budget, the instructions retired add up and the program's result is the same as in one
 * long run. The loop's near branch, its bnez and its jal all end runs here. */
Test(interp_forms, budget_ends_at_near_branches_exactly)
{
    for (uint64_t budget = 1; budget <= 13; budget++) {
        harness_fini();
        harness_init();
        code_at(CODE_BASE);
        put32(i_addi(1, 0, 50));   /* 0x00: counter */
        put32(i_addi(2, 0, 0));    /* 0x04: sum */
        put32(i_add(2, 2, 1));     /* 0x08: loop */
        put32(i_jal(0, 0x08));     /* 0x0c: -> 0x14 */
        put32(i_jal(0, 0));        /* 0x10: never */
        put32(i_addi(1, 1, -1));   /* 0x14 */
        put32(i_bne(1, 0, -0x10)); /* 0x18: bnez x1 -> 0x08 */
        put32(i_bltu(2, 0, 8));    /* 0x1c: never taken */
        put32(i_jal(0, 0));        /* 0x20 */
        uint64_t retired = 0;
        for (int i = 0; i < 10000 && hart.pc != CODE_BASE + 0x20; i++)
            retired += cpu_run(&hart, budget);
        cr_assert_eq(hart.pc, CODE_BASE + 0x20, "budget %lu: the program must finish",
                     (unsigned long)budget);
        cr_assert_eq(hart.x[2], 1275, "budget %lu: sum 1..50 = 1275, got %lu",
                     (unsigned long)budget, (unsigned long)hart.x[2]);
        /* 2 + 50 x 4 + bltu = 203 before the final jal; the last run may go on looping
         * there until its budget is spent (a run goes past its budget by at most the
         * straight-line code before the next control transfer, here 3) */
        cr_assert_eq(hart.minstret, retired, "budget %lu: minstret %lu, runs retired %lu",
                     (unsigned long)budget, (unsigned long)hart.minstret, (unsigned long)retired);
        cr_assert_geq(retired, 203, "budget %lu: at least the program's 203 instructions",
                      (unsigned long)budget);
        cr_assert_leq(retired, 203 + budget + 3,
                      "budget %lu: %lu retired, at most one run "
                      "past the end",
                      (unsigned long)budget, (unsigned long)retired);
    }
}
