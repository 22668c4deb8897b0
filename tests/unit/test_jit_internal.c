/* Jumps that stay inside a block (cpu/jit_x86_64.c, exit_to): a taken branch or a jal whose
 * target is an instruction of the block itself jumps to that instruction's code, with the
 * guest registers still in host registers. Each jump must keep the budget's count exact
 * (forward it credits the instructions it skipped, backward it charges the ones that ran since
 * the target), so instret, faults and the run's budget come out as the interpreter's; and a
 * forward jump must not skip the FP state check that the code after it relies on. Every
 * program runs with the interpreter alone and translated (at once, after a few visits, and
 * with a budget of 3 per run), and must end the same. */
#include <criterion/criterion.h>

#include "cpu/jit.h"
#include "support/harness.h"
#include "support/jit_compare.h"

#ifdef RV39_JIT

TestSuite(jit_internal, .init = harness_init, .fini = harness_fini);

#define CSR_MSTATUS 0x300
#define FS_MASK (3u << 13)

/* A loop whose body skips code forward on alternate rounds and closes with a backward branch
 * into the middle of the block (its first instructions run once): then a load that faults in
 * the sixth round of a second loop. The sums count each instruction's runs; instret and
 * mepc must be exact. */
static void nested_program(void)
{
    li(6, RAM_BASE + RAM_SIZE - 5 * 0x100); /* RAM for five rounds of the second loop */
    put32(i_jal(0, 4));                     /* the block starts here */
    put32(i_addi(10, 0, 0));
    put32(i_addi(11, 0, 9));
    uint64_t inner = code_cursor();
    put32(i_andi(12, 11, 1));
    put32(i_beq(12, 0, 3 * 4)); /* even rounds skip the next two */
    put32(i_addi(10, 10, 100));
    put32(i_addi(13, 13, 1));
    put32(i_addi(10, 10, 1));
    put32(i_addi(11, 11, -1));
    put32(i_bne(11, 0, (int32_t)(inner - code_cursor()))); /* back to the block's middle */
    put32(i_addi(14, 0, 9));
    uint64_t second = code_cursor();
    put32(i_addi(15, 15, 7));
    put32(i_ld(16, 0, 6));
    put32(i_addi(6, 6, 0x100));
    put32(i_addi(14, 14, -1));
    put32(i_bne(14, 0, (int32_t)(second - code_cursor())));
    put32(I_WFI);
}

Test(jit_internal, jumps_inside_a_block_count_instructions_exactly)
{
    struct outcome o = compare(nested_program);
    cr_assert_eq(o.x[10], 5 * 100 + 9, "odd rounds add 101, even ones 1");
    cr_assert_eq(o.x[13], 5, "the skipped addi ran in the five odd rounds");
    cr_assert_eq(o.mcause, EXC_LOAD_ACCESS, "the sixth round's load faults");
    cr_assert_eq(o.mtval, RAM_BASE + RAM_SIZE, "at the end of RAM");
    cr_assert_eq(o.x[15], 6 * 7, "the sixth round's addi before the load ran");
}

/* priv spec 3.1.6.6: with FS = Off every F/D instruction is illegal. A branch over one
 * fsgnj.d to another (inline code, no helper call that would check FS again): the translated
 * code of the second must check FS itself, although on the straight path the first one's
 * check would have covered it. */
#define FSGNJ_D(rd, rs1, rs2) enc_r(4u << 2 | 1, rs2, rs1, 0, rd, 0x53)
static void fp_skip_program(void)
{
    li(1, FS_MASK);
    put32(i_csrrc(0, CSR_MSTATUS, 1));
    put32(i_jal(0, 4));
    put32(i_addi(4, 4, 7));
    put32(i_beq(0, 0, 2 * 4));
    put32(FSGNJ_D(1, 2, 3)); /* skipped */
    put32(FSGNJ_D(5, 2, 3));
    put32(i_addi(5, 5, 1));
    put32(I_WFI);
}

Test(jit_internal, a_forward_jump_does_not_skip_the_fp_state_check)
{
    struct outcome o = compare(fp_skip_program);
    cr_assert_eq(o.mcause, EXC_ILLEGAL_INSN, "the second fsgnj.d is illegal with FS = Off");
    cr_assert_eq(o.mtval, FSGNJ_D(5, 2, 3), "mtval holds it");
    cr_assert_eq(o.x[4], 7, "the addi before the branch retired");
    cr_assert_eq(o.x[5], 0, "the one after it did not");
}

/* A jal back into the middle of its block, with a link register written each round. */
static void jal_back_program(void)
{
    put32(i_jal(0, 4));
    put32(i_addi(10, 0, 0));
    put32(i_addi(11, 0, 6));
    uint64_t loop = code_cursor();
    put32(i_addi(10, 10, 3));
    put32(i_addi(11, 11, -1));
    put32(i_beq(11, 0, 2 * 4)); /* out */
    put32(i_jal(1, (int32_t)(loop - code_cursor())));
    put32(I_WFI);
}

Test(jit_internal, a_jal_back_into_its_block_loops_there)
{
    struct outcome o = compare(jal_back_program);
    cr_assert_eq(o.x[10], 6 * 3, "six rounds");
    cr_assert_eq(o.x[1], CODE_BASE + 4 * 7, "the link of the last jal");
}

/* Random programs shaped like the kernels the change is for: an outer loop holding an inner
 * loop that closes into the middle of the outer one's block, both with forward branches of
 * every kind over 1..6 instructions (to the loops' counter decrements too), around
 * random ALU instructions and loads and stores. */
static uint64_t random_state, random_seed;
static uint64_t next_random(void)
{
    return xorshift64(&random_state);
}
static unsigned pick(unsigned n)
{
    return (unsigned)(next_random() % n);
}

#define DATA_REG 28
#define OUTER_REG 29
#define INNER_REG 27
static unsigned random_rd(void)
{
    return pick(8) == 0 ? 0 : 1 + pick(26); /* not the counters nor the data pointer */
}
static unsigned random_rs(void)
{
    return pick(30);
}

static uint32_t random_insn(void)
{
    static uint32_t (*const r_forms[])(unsigned, unsigned, unsigned) = {
        i_add, i_sub, i_sll, i_slt, i_sltu, i_xor, i_srl, i_sra, i_or, i_and, i_addw, i_mul};
    static uint32_t (*const i_forms[])(unsigned, unsigned, int32_t) = {i_addi, i_xori, i_andi,
                                                                       i_sltiu, i_addiw};
    static uint32_t (*const loads[])(unsigned, int32_t, unsigned) = {i_lb, i_lw, i_ld, i_lhu};
    static uint32_t (*const stores[])(unsigned, int32_t, unsigned) = {i_sb, i_sw, i_sd};
    switch (pick(5)) {
    case 0:
    case 1: return r_forms[pick(12)](random_rd(), random_rs(), random_rs());
    case 2: return i_forms[pick(5)](random_rd(), random_rs(), (int32_t)pick(4096) - 2048);
    case 3: return loads[pick(4)](random_rd(), (int32_t)(8 * pick(256)), DATA_REG);
    default: return stores[pick(3)](random_rs(), (int32_t)(8 * pick(256)), DATA_REG);
    }
}

/* `length` instructions, some of them forward branches over up to 6 of those after them, at
 * most to the instruction after the segment (a loop's counter decrement). */
static void random_segment(unsigned length)
{
    static uint32_t (*const branches[])(unsigned, unsigned, int32_t) = {i_beq, i_bne,  i_blt,
                                                                        i_bge, i_bltu, i_bgeu};
    for (unsigned i = 0; i < length; i++) {
        unsigned room = length - 1 - i;
        if (room > 0 && pick(5) == 0) {
            unsigned skip = 1 + pick(room < 6 ? room : 6);
            put32(branches[pick(6)](random_rs(), random_rs(), (int32_t)(4 * (skip + 1))));
        } else {
            put32(random_insn());
        }
    }
}

static void random_nested_program(void)
{
    random_state = random_seed;
    for (unsigned r = 1; r < 27; r++)
        li(r, next_random());
    li(DATA_REG, DATA_BASE);
    li(OUTER_REG, 6);
    put32(i_jal(0, 4));
    uint64_t outer = code_cursor();
    random_segment(1 + pick(6));
    put32(i_addi(INNER_REG, 0, (int32_t)(1 + pick(5))));
    uint64_t inner = code_cursor();
    random_segment(2 + pick(10));
    put32(i_addi(INNER_REG, INNER_REG, -1));
    put32(i_bne(INNER_REG, 0, (int32_t)(inner - code_cursor())));
    random_segment(pick(6));
    put32(i_addi(OUTER_REG, OUTER_REG, -1));
    put32(i_bne(OUTER_REG, 0, (int32_t)(outer - code_cursor())));
    put32(I_WFI);
}

Test(jit_internal, random_nested_loops_match_the_interpreter)
{
    for (uint64_t seed = 1; seed <= 96; seed++) {
        random_seed = seed * 0x9e3779b97f4a7c15ull;
        compare(random_nested_program);
    }
}

#else
Test(jit_internal, not_built_on_this_host)
{
    cr_assert(!RV39_HAS_JIT);
}
#endif
