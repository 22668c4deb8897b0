/* The interpreter's specialised handler forms (cpu/exec.c, fill_slot), run under cpu_run on
 * decoded pages, where they are chosen: branches and jal with a target in the same page
 * (imm pre-scaled to slot bytes), branches against x0, li/mv forms of addi and add, and
 * ALU instructions with rd = rs1 (read-modify-write), and fused pairs (slli + add). Each
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

/* Compressed encodings (unpriv spec 16.5, 16.6): CI (c.addi, c.addiw, c.slli), CR (c.add),
 * CB (c.srli, c.srai, c.andi) and CA (c.sub, c.xor, c.or, c.and, c.addw). rd' and rs2' are
 * x8..x15. */
static uint16_t c_ci(unsigned funct3, unsigned rd, int32_t imm, unsigned op)
{
    return (uint16_t)(funct3 << 13 | ((unsigned)imm >> 5 & 1) << 12 | rd << 7 |
                      ((unsigned)imm & 31) << 2 | op);
}
static uint16_t c_cb(unsigned funct2, unsigned rdp, int32_t imm)
{
    return (uint16_t)(4u << 13 | ((unsigned)imm >> 5 & 1) << 12 | funct2 << 10 | (rdp - 8) << 7 |
                      ((unsigned)imm & 31) << 2 | 1);
}
static uint16_t c_ca(unsigned funct6, unsigned rdp, unsigned funct2, unsigned rs2p)
{
    return (uint16_t)(funct6 << 10 | (rdp - 8) << 7 | funct2 << 5 | (rs2p - 8) << 2 | 1);
}

/* 2.4.1, 2.4.2, 4.2 and 16.5: ALU instructions whose rd is their rs1 (every compressed
 * two-operand form is one) compute what the three-operand instruction does, rs2 = rd too,
 * sign-extending the W forms; each retires one instruction. */
Test(interp_forms, rd_equals_rs1_forms)
{
    const uint64_t m1 = ~0ull, top = 1ull << 63;
    struct {
        uint32_t insn;   /* a 32-bit instruction, or 0 ... */
        uint16_t parcel; /* ... a compressed one */
        unsigned rd, rs2;
        uint64_t a, b, want;
        const char *what;
    } cases[] = {
        {i_addi(5, 5, -3), 0, 5, 6, 10, 0, 7, "addi x5, x5, -3"},
        {i_andi(5, 5, 0xf0), 0, 5, 6, 0xabcd, 0, 0xc0, "andi"},
        {i_ori(5, 5, -0x800), 0, 5, 6, 0x12, 0, 0xfffffffffffff812ull, "ori, sign-extended imm"},
        {i_xori(5, 5, -1), 0, 5, 6, 0x0f, 0, m1 ^ 0x0f, "xori -1 (not)"},
        {i_slli(5, 5, 63), 0, 5, 6, 3, 0, top, "slli 63"},
        {i_srli(5, 5, 60), 0, 5, 6, 0xf000000000000000ull, 0, 0xf, "srli 60"},
        {i_srai(5, 5, 60), 0, 5, 6, top, 0, 0xfffffffffffffff8ull, "srai 60"},
        {i_add(5, 5, 6), 0, 5, 6, m1, 2, 1, "add"},
        {i_sub(5, 5, 6), 0, 5, 6, 1, 2, m1, "sub"},
        {i_and(5, 5, 6), 0, 5, 6, 0xff00, 0x0ff0, 0x0f00, "and"},
        {i_or(5, 5, 6), 0, 5, 6, 0xff00, 0x0ff0, 0xfff0, "or"},
        {i_xor(5, 5, 6), 0, 5, 6, 0xff00, 0x0ff0, 0xf0f0, "xor"},
        {i_addiw(5, 5, 1), 0, 5, 6, 0x7fffffff, 0, 0xffffffff80000000ull, "addiw sign-extends"},
        {i_addw(5, 5, 6), 0, 5, 6, 0x17fffffffull, 1, 0xffffffff80000000ull, "addw sign-extends"},
        {i_add(5, 5, 5), 0, 5, 5, 1ull << 62, 1ull << 62, top, "add x5, x5, x5"},
        {i_xor(5, 5, 5), 0, 5, 5, 0x1234, 0x1234, 0, "xor x5, x5, x5"},
        {0, c_ci(0, 5, -3, 1), 5, 6, 10, 0, 7, "c.addi x5, -3"},
        {0, c_ci(1, 5, 1, 1), 5, 6, 0x7fffffff, 0, 0xffffffff80000000ull, "c.addiw"},
        {0, c_ci(0, 5, 63, 2), 5, 6, 3, 0, top, "c.slli 63"},
        {0, (uint16_t)(0x9002 | 5 << 7 | 6 << 2), 5, 6, m1, 2, 1, "c.add"},
        {0, c_cb(0, 8, 60), 8, 9, 0xf000000000000000ull, 0, 0xf, "c.srli 60"},
        {0, c_cb(1, 8, 60), 8, 9, top, 0, 0xfffffffffffffff8ull, "c.srai 60"},
        {0, c_cb(2, 8, -16), 8, 9, 0x1234, 0, 0x1230, "c.andi -16"},
        {0, c_ca(0x23, 8, 0, 9), 8, 9, 1, 2, m1, "c.sub"},
        {0, c_ca(0x23, 8, 1, 9), 8, 9, 0xff00, 0x0ff0, 0xf0f0, "c.xor"},
        {0, c_ca(0x23, 8, 2, 9), 8, 9, 0xff00, 0x0ff0, 0xfff0, "c.or"},
        {0, c_ca(0x23, 8, 3, 9), 8, 9, 0xff00, 0x0ff0, 0x0f00, "c.and"},
        {0, c_ca(0x27, 8, 1, 9), 8, 9, 0x17fffffffull, 1, 0xffffffff80000000ull, "c.addw"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        harness_fini();
        harness_init();
        code_at(CODE_BASE);
        if (cases[i].insn)
            put32(cases[i].insn);
        else
            put16(cases[i].parcel);
        put32(i_csrrs(31, MINSTRET, 0));
        uint64_t end = code_cursor();
        put32(i_jal(0, 0));
        hart.x[cases[i].rs2] = cases[i].b;
        hart.x[cases[i].rd] = cases[i].a;
        run_to(end);
        cr_assert_eq(hart.x[cases[i].rd], cases[i].want, "%s: %#lx, want %#lx", cases[i].what,
                     (unsigned long)hart.x[cases[i].rd], (unsigned long)cases[i].want);
        if (cases[i].rs2 != cases[i].rd)
            cr_assert_eq(hart.x[cases[i].rs2], cases[i].b, "%s: rs2 unchanged", cases[i].what);
        cr_assert_eq(hart.x[31], 1, "%s: %lu instructions before the csrr, want 1", cases[i].what,
                     (unsigned long)hart.x[31]);
        cr_assert_eq(hart.x[0], 0, "%s: x0 stays zero", cases[i].what);
    }
}

/* Superinstructions (cpu/exec_forms.c, fuse_pair): slli t, s, k followed by add d, t, o or
 * add d, o, t, in each length (c.slli, c.add), with o = t, d = t and d = x0, computes what the
 * two instructions do one after the other (2.4.1, 2.4.2) and retires two. */
Test(interp_forms, fused_slli_add)
{
    struct {
        uint32_t first, second;   /* 32-bit instructions, or 0 for ... */
        uint16_t cfirst, csecond; /* ... compressed ones */
        uint64_t x5, x7, want5, want7;
        const char *what;
    } cases[] = {
        {i_slli(5, 6, 3), i_add(7, 5, 8), 0, 0, 0, 0, 24, 124, "slli x5, x6, 3; add x7, x5, x8"},
        {i_slli(5, 6, 3), i_add(7, 8, 5), 0, 0, 0, 0, 24, 124, "add x7, x8, x5"},
        {i_slli(5, 6, 63), i_add(7, 5, 0), 0, 0, 0, 0, 1ull << 63, 1ull << 63, "add x7, x5, x0"},
        {i_slli(5, 6, 1), i_add(0, 5, 8), 0, 0, 0, 0, 6, 0, "add x0, x5, x8"},
        {i_slli(5, 5, 2), 0, 0, (uint16_t)(0x9002 | 7 << 7 | 5 << 2), 1, 10, 4, 14,
         "slli x5, x5, 2; c.add x7, x5"},
        {0, i_add(7, 5, 5), c_ci(0, 5, 2, 2), 0, 1, 0, 4, 8, "c.slli x5, 2; add x7, x5, x5"},
        {0, 0, c_ci(0, 5, 2, 2), (uint16_t)(0x9002 | 5 << 7 | 5 << 2), 3, 0, 24, 0,
         "c.slli x5, 2; c.add x5, x5"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        harness_fini();
        harness_init();
        code_at(CODE_BASE);
        if (cases[i].first)
            put32(cases[i].first);
        else
            put16(cases[i].cfirst);
        if (cases[i].second)
            put32(cases[i].second);
        else
            put16(cases[i].csecond);
        put32(i_csrrs(31, MINSTRET, 0));
        uint64_t end = code_cursor();
        put32(i_jal(0, 0));
        hart.x[5] = cases[i].x5;
        hart.x[6] = 3;
        hart.x[7] = cases[i].x7;
        hart.x[8] = 100;
        run_to(end);
        cr_assert_eq(hart.x[5], cases[i].want5, "%s: x5 %#lx, want %#lx", cases[i].what,
                     (unsigned long)hart.x[5], (unsigned long)cases[i].want5);
        cr_assert_eq(hart.x[7], cases[i].want7, "%s: x7 %#lx, want %#lx", cases[i].what,
                     (unsigned long)hart.x[7], (unsigned long)cases[i].want7);
        cr_assert_eq(hart.x[0], 0, "%s: x0 stays zero", cases[i].what);
        cr_assert_eq(hart.x[31], 2, "%s: %lu instructions before the csrr, want 2", cases[i].what,
                     (unsigned long)hart.x[31]);
    }
}

/* A fused pair's second instruction is still an instruction of its own: a jump to the add
 * runs the add alone. */
Test(interp_forms, fused_pair_second_half_entered_alone)
{
    code_at(CODE_BASE);
    put32(i_slli(5, 6, 3));     /* 0x00 */
    put32(i_add(7, 7, 5));      /* 0x04: x7 += x5 */
    put32(i_addi(9, 9, 1));     /* 0x08 */
    put32(i_addi(5, 0, 100));   /* 0x0c */
    put32(i_bne(9, 11, -0x0c)); /* 0x10: -> 0x04 once */
    put32(i_csrrs(31, MINSTRET, 0));
    put32(i_jal(0, 0)); /* 0x18 */
    hart.x[6] = 1;
    hart.x[11] = 2;
    run_to(CODE_BASE + 0x18);
    cr_assert_eq(hart.x[7], 8 + 100, "x7 = (1 << 3) + 100, got %lu", (unsigned long)hart.x[7]);
    cr_assert_eq(hart.x[31], 9, "slli add addi li bne, add addi li bne: 9, got %lu",
                 (unsigned long)hart.x[31]);
}

/* Self-modifying code (unpriv spec "Zifencei"): a store over the add of a fused pair drops the
 * fused slot, so the next pass runs the new instruction, also where the pair spans two
 * 64-byte chunks of tracked code (slli at 0x3c, add at 0x40). */
Test(interp_forms, store_over_a_fused_pair_redecodes_it)
{
    uint64_t starts[] = {CODE_BASE + 0x100, CODE_BASE + 0x13c};
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
        harness_fini();
        harness_init();
        uint64_t s = starts[i];
        code_at(CODE_BASE);
        put32(i_jal(0, (int32_t)(s - CODE_BASE)));
        code_at(s);
        put32(i_slli(5, 6, 3));     /* +0x00 */
        put32(i_add(7, 5, 8));      /* +0x04: becomes sub x7, x5, x8 */
        put32(i_addi(9, 9, 1));     /* +0x08 */
        put32(i_sw(12, 4, 13));     /* +0x0c: store over +0x04 */
        put32(0x0000100fu);         /* +0x10: fence.i */
        put32(i_bne(9, 11, -0x14)); /* +0x14: -> +0x00 once */
        put32(i_jal(0, 0));         /* +0x18 */
        hart.x[6] = 1;
        hart.x[8] = 1;
        hart.x[11] = 2;
        hart.x[12] = i_sub(7, 5, 8);
        hart.x[13] = s;
        run_to(s + 0x18);
        cr_assert_eq(hart.x[7], 8 - 1, "at %#lx: the second pass runs sub: x7 = 8 - 1, got %lu",
                     (unsigned long)s, (unsigned long)hart.x[7]);
    }
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

/* --- loads while data accesses translate to themselves (M-mode, Bare): read RAM directly --- */

/* 2.6, 4.3: each width sign- or zero-extends, aligned or not (misaligned loads are performed,
 * as QEMU does); the last doubleword of RAM is readable, one reaching past it is an access
 * fault (cause 5) at the first byte outside RAM. */
Test(interp_forms, identity_loads_every_width_and_ram_end)
{
    uint64_t end = RAM_BASE + RAM_SIZE;
    poke64(DATA_BASE, 0x8877665544332211ull);
    poke64(DATA_BASE + 8, 0xf0debc9a78563412ull);
    poke64(end - 8, 0x0123456789abcdefull);
    code_at(CODE_BASE);
    put32(i_ld(10, 0, 6));   /* 0x00 */
    put32(i_lw(11, 12, 6));  /* 0x04: 0xf0debc9a, sign-extended */
    put32(i_lwu(12, 12, 6)); /* 0x08 */
    put32(i_lh(13, 14, 6));  /* 0x0c: 0xf0de */
    put32(i_lhu(14, 14, 6)); /* 0x10 */
    put32(i_lb(15, 15, 6));  /* 0x14: 0xf0 */
    put32(i_lbu(16, 15, 6)); /* 0x18 */
    put32(i_ld(17, 3, 6));   /* 0x1c: misaligned, 0x5634128877665544 */
    put32(i_lw(18, 7, 6));   /* 0x20: misaligned across the two doublewords: 0x56341288 */
    put32(i_ld(19, -8, 7));  /* 0x24: the last doubleword of RAM */
    put32(i_lbu(20, -1, 7)); /* 0x28: the last byte */
    put32(i_lw(21, -2, 7));  /* 0x2c: reaches 2 bytes past RAM: access fault */
    put32(i_jal(0, 0));      /* 0x30: never */
    code_at(TRAP_VECTOR);
    put32(i_jal(0, 0));
    hart.x[6] = DATA_BASE;
    hart.x[7] = end;
    run_to(TRAP_VECTOR);
    cr_assert_eq(hart.x[10], 0x8877665544332211ull, "ld");
    cr_assert_eq(hart.x[11], 0xfffffffff0debc9aull, "lw sign-extends");
    cr_assert_eq(hart.x[12], 0xf0debc9aull, "lwu zero-extends");
    cr_assert_eq(hart.x[13], 0xfffffffffffff0deull, "lh sign-extends");
    cr_assert_eq(hart.x[14], 0xf0deull, "lhu zero-extends");
    cr_assert_eq(hart.x[15], 0xfffffffffffffff0ull, "lb sign-extends");
    cr_assert_eq(hart.x[16], 0xf0ull, "lbu zero-extends");
    cr_assert_eq(hart.x[17], 0x5634128877665544ull, "misaligned ld, got %#lx",
                 (unsigned long)hart.x[17]);
    cr_assert_eq(hart.x[18], 0x56341288ull, "misaligned lw, got %#lx", (unsigned long)hart.x[18]);
    cr_assert_eq(hart.x[19], 0x0123456789abcdefull, "the last doubleword of RAM");
    cr_assert_eq(hart.x[20], 0x01, "the last byte of RAM");
    cr_assert_eq(hart.mcause, 5, "a load past the end of RAM: access fault, mcause %lu",
                 (unsigned long)hart.mcause);
    cr_assert_eq(hart.mepc, CODE_BASE + 0x2c, "mepc is the faulting load");
    cr_assert_eq(hart.x[21], 0, "the faulting load writes nothing");
}

/* priv spec 3.1.6.3: with MPRV = 1, M-mode loads translate as MPP's (here U, through Sv39);
 * a csrs/csrc of mstatus in the middle of a run switches between translated and direct
 * loads at once. One gigapage maps VA 0 -> RAM_BASE, so VA 0x40000 is DATA_BASE, while
 * DATA_BASE as a VA is not mapped (load page fault, cause 13) and as a PA is RAM. */
Test(interp_forms, mprv_switches_loads_between_direct_and_translated)
{
    uint64_t root = RAM_BASE + 0x80000;
    enum { V = 1, R = 2, W = 4, U = 16, A = 64, D = 128 };
    poke64(root, ((RAM_BASE >> 12) << 10) | V | R | W | U | A | D); /* VPN[2] = 0 */
    poke64(DATA_BASE + 8, 0x1122334455667788ull);
    hart.satp = (8ull << 60) | (root >> 12);                                    /* Sv39 */
    hart.mstatus = (hart.mstatus & ~MSTATUS_MPP) | (0ull << MSTATUS_MPP_SHIFT); /* MPP = U */
    code_at(CODE_BASE);
    put32(i_ld(10, 8, 6));       /* 0x00: direct: DATA_BASE + 8 */
    put32(i_csrrs(0, 0x300, 7)); /* 0x04: mstatus.MPRV = 1 */
    put32(i_ld(11, 8, 8));       /* 0x08: translated: VA 0x40008 */
    put32(i_csrrc(0, 0x300, 7)); /* 0x0c: MPRV = 0 */
    put32(i_ld(12, 8, 6));       /* 0x10: direct again */
    put32(i_csrrs(0, 0x300, 7)); /* 0x14: MPRV = 1 */
    put32(i_ld(13, 8, 6));       /* 0x18: translated: VA DATA_BASE + 8 is not mapped */
    put32(i_jal(0, 0));          /* 0x1c: never */
    code_at(TRAP_VECTOR);
    put32(i_jal(0, 0));
    hart.x[6] = DATA_BASE;
    hart.x[7] = MSTATUS_MPRV;
    hart.x[8] = 0x40000;
    run_to(TRAP_VECTOR);
    cr_assert_eq(hart.x[10], 0x1122334455667788ull, "M-mode load, MPRV = 0: physical");
    cr_assert_eq(hart.x[11], 0x1122334455667788ull, "MPRV = 1: VA 0x40008 maps to it");
    cr_assert_eq(hart.x[12], 0x1122334455667788ull, "MPRV = 0 again: physical");
    cr_assert_eq(hart.mcause, 13, "MPRV = 1: VA %#lx is not mapped, mcause %lu",
                 (unsigned long)(DATA_BASE + 8), (unsigned long)hart.mcause);
    cr_assert_eq(hart.mepc, CODE_BASE + 0x18, "mepc is the faulting load");
    cr_assert_eq(hart.x[13], 0, "the faulting load writes nothing");
}

/* --- stretches: instructions counted ahead (cpu/exec_forms.h), exact wherever they show --- */

/* Run the program at CODE_BASE in runs of `budget` until pc reaches `end`: what the runs
 * used of their budgets must be what minstret counted and one per trap taken (cpu.h,
 * cpu_run). */
static void run_in_pieces(uint64_t end, uint64_t budget, uint64_t traps)
{
    uint64_t retired = 0;
    for (int i = 0; i < 100000 && hart.pc != end; i++)
        retired += cpu_run(&hart, budget);
    cr_assert_eq(hart.pc, end, "budget %lu: the program must reach %#lx, pc %#lx",
                 (unsigned long)budget, (unsigned long)end, (unsigned long)hart.pc);
    cr_assert_eq(hart.minstret + traps, retired,
                 "budget %lu: minstret %lu, the runs used %lu with %lu trap(s)",
                 (unsigned long)budget, (unsigned long)hart.minstret, (unsigned long)retired,
                 (unsigned long)traps);
}

/* A stretch charged when entered gives back what has not run wherever it stops early: at a
 * csrr of minstret in its middle (a non-member ends a stretch), a store's slow path (the
 * first store to a page misses the fast TLB) and a load's access fault (priv spec 3.1.6.3
 * trap: the faulting load does not retire), whatever the run budget. */
Test(interp_forms, stretches_count_exactly_at_slow_paths_csrs_and_traps)
{
    for (uint64_t budget = 1; budget <= 12; budget++) {
        harness_fini();
        harness_init();
        code_at(CODE_BASE);
        put32(i_addi(5, 0, 1));          /* 0x00 */
        put32(i_sd(5, 0, 6));            /* 0x04: fast-TLB miss: slow path */
        put32(i_addi(5, 5, 1));          /* 0x08 */
        put32(i_csrrs(20, MINSTRET, 0)); /* 0x0c: 3 before it */
        put32(i_addi(5, 5, 1));          /* 0x10 */
        put32(i_sd(5, 8, 6));            /* 0x14 */
        put32(i_ld(21, 0, 7));           /* 0x18: access fault */
        put32(i_addi(23, 0, 1));         /* 0x1c: never */
        put32(i_jal(0, 0));              /* 0x20 */
        code_at(TRAP_VECTOR);
        put32(i_csrrs(22, MINSTRET, 0)); /* 6 before the fault */
        put32(i_jal(0, 0));
        hart.x[6] = DATA_BASE;
        hart.x[7] = UNMAPPED_ADDR;
        run_in_pieces(TRAP_VECTOR + 4, budget, 1);
        cr_assert_eq(hart.x[20], 3, "budget %lu: csrr minstret mid-stretch read %lu, want 3",
                     (unsigned long)budget, (unsigned long)hart.x[20]);
        cr_assert_eq(hart.x[22], 6, "budget %lu: minstret after the fault %lu, want 6",
                     (unsigned long)budget, (unsigned long)hart.x[22]);
        cr_assert_eq(hart.mepc, CODE_BASE + 0x18, "budget %lu: mepc is the load",
                     (unsigned long)budget);
        cr_assert_eq(peek64(DATA_BASE + 8), 3, "the stores ran");
        cr_assert_eq(hart.x[23], 0, "nothing after the fault ran");
    }
}

/* A store in a stretch rewrites a later instruction of the same stretch, in the next 64-byte
 * chunk, into a jump that ends the stretch early: the counts of the slots before it (in the
 * chunk before) were made from the old code and must go with it (cpu/icache.c), or
 * instructions are counted twice. The new instruction runs at once (unpriv spec "Zifencei":
 * this hart's own stores are seen by its fetches here without a fence.i, as before). */
Test(interp_forms, a_store_that_shortens_its_own_stretch_recounts_it)
{
    for (uint64_t budget = 1; budget <= 10; budget++) {
        harness_fini();
        harness_init();
        code_at(CODE_BASE);
        put32(i_jal(0, 0x30)); /* 0x00 -> 0x30 */
        code_at(CODE_BASE + 0x30);
        put32(i_addi(10, 0, 0));         /* 0x30 */
        put32(i_sw(12, 0, 11));          /* 0x34: over 0x48, in the next chunk */
        put32(i_addi(10, 10, 1));        /* 0x38 */
        put32(i_addi(10, 10, 1));        /* 0x3c */
        put32(i_addi(10, 10, 1));        /* 0x40 */
        put32(i_addi(10, 10, 1));        /* 0x44 */
        put32(i_addi(10, 10, 1));        /* 0x48: becomes jal x0, 8 */
        put32(i_addi(10, 10, 1000));     /* 0x4c: skipped by it */
        put32(i_csrrs(20, MINSTRET, 0)); /* 0x50 */
        put32(i_jal(0, 0));              /* 0x54 */
        hart.x[11] = CODE_BASE + 0x48;
        hart.x[12] = i_jal(0, 8);
        run_in_pieces(CODE_BASE + 0x54, budget, 0);
        cr_assert_eq(hart.x[10], 4, "budget %lu: x10 %lu, want 4 (the rewritten jump ran)",
                     (unsigned long)budget, (unsigned long)hart.x[10]);
        /* jal, 0x30 .. 0x48: 8 instructions before the csrr */
        cr_assert_eq(hart.x[20], 8, "budget %lu: minstret %lu before the csrr, want 8",
                     (unsigned long)budget, (unsigned long)hart.x[20]);
    }
}

/* Straight-line code longer than a count holds (STRETCH_MAX, 255): its first instructions run
 * one at a time, the rest as a stretch; 254 .. 256, 300 and 600 addi in a row, entered at
 * their start and then in their middle by a jump, also with 2-byte ones mixed in (c.addi),
 * whatever the budget. */
Test(interp_forms, stretches_longer_than_a_count_run_exactly)
{
    const unsigned lengths[] = {254, 255, 256, 300, 600};
    const uint64_t budgets[] = {1, 5, 100, 1000};
    enum { SKIPPED = 5 }; /* the second pass enters at the sixth addi */
    for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
        for (size_t b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
            for (int compressed = 0; compressed < 2; compressed++) {
                unsigned n = lengths[l];
                harness_fini();
                harness_init();
                code_at(CODE_BASE);
                put32(i_addi(11, 0, 2)); /* 0x00: two passes */
                put32(i_addi(10, 0, 0)); /* 0x04 */
                put32(i_jal(0, 0x0c));   /* 0x08 -> 0x14 */
                put32(I_NOP);            /* 0x0c: the second pass's jal, below */
                put32(I_NOP);            /* 0x10 */
                uint64_t entry = 0;
                for (unsigned i = 0; i < n; i++) { /* from 0x14 */
                    if (i == SKIPPED) entry = code_cursor();
                    if (compressed && i % 3 == 1)
                        put16(0x0505); /* c.addi x10, 1 */
                    else
                        put32(i_addi(10, 10, 1));
                }
                put32(i_csrrs(20, MINSTRET, 0));
                put32(i_addi(11, 11, -1));
                put32(i_bne(11, 0, (int32_t)(CODE_BASE + 0x0c - code_cursor())));
                uint64_t end = code_cursor();
                put32(i_jal(0, 0));
                code_at(CODE_BASE + 0x0c);
                put32(i_jal(0, (int32_t)(entry - (CODE_BASE + 0x0c))));
                run_in_pieces(end, budgets[b], 0);
                cr_assert_eq(hart.x[10], 2 * n - SKIPPED,
                             "n %u, budget %lu, compressed %d: x10 %lu, want %u", n,
                             (unsigned long)budgets[b], compressed, (unsigned long)hart.x[10],
                             2 * n - SKIPPED);
                /* before the second csrr: addi, addi, jal, n addi, csrr, addi, bne, jal, and
                 * the addi from the entry on */
                uint64_t want = 3 + n + 4 + (n - SKIPPED);
                cr_assert_eq(hart.x[20], want,
                             "n %u, budget %lu, compressed %d: minstret %lu, want %lu", n,
                             (unsigned long)budgets[b], compressed, (unsigned long)hart.x[20],
                             (unsigned long)want);
            }
        }
    }
}
