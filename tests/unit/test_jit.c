/* The block translator (cpu/jit.c, cpu/jit_x86_64.c) against the interpreter, the reference:
 * each test builds a small guest program in memory, runs it to its final `wfi` once with the
 * interpreter alone and again with the translator (translating at once, and after a few
 * interpreted visits, and under a tiny run budget), and requires the same registers, pc,
 * instret/mcycle, trap CSRs and memory. Where a rule has a value worth spelling out (the pc
 * and instret of a fault in the middle of a block, code rewritten under a running block),
 * the test checks that value too. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/jit.h"
#include "emu/options.h"
#include "mmu/walk.h"
#include "support/harness.h"
#include "support/jit_compare.h"

#ifdef RV39_JIT

TestSuite(jit, .init = harness_init, .fini = harness_fini);

/* Every register-register ALU and M instruction, on every pair of edge values. */
static void alu_program(void)
{
    static uint32_t (*const rr[])(unsigned, unsigned, unsigned) = {
        i_add,  i_sub,  i_sll,  i_slt,  i_sltu, i_xor,   i_srl,  i_sra,    i_or,    i_and,
        i_addw, i_subw, i_sllw, i_srlw, i_sraw, i_mul,   i_mulh, i_mulhsu, i_mulhu, i_div,
        i_divu, i_rem,  i_remu, i_mulw, i_divw, i_divuw, i_remw, i_remuw,
    };
    slot = 0;
    li(31, DATA_BASE);
    for (unsigned a = 0; a < EDGES; a++) {
        li(1, edge_values[a]);
        for (unsigned b = 0; b < EDGES; b += 1) {
            li(2, edge_values[b]);
            for (unsigned k = 0; k < sizeof(rr) / sizeof(rr[0]); k++) {
                put32(rr[k](3, 1, 2));
                keep(3);
            }
            /* also: x0 as source and as destination, rd == rs1 */
            put32(rr[(a + b) % 28](4, 0, 2));
            keep(4);
            put32(rr[(a * 3 + b) % 28](0, 1, 2));
            put32(i_add(5, 1, 0));
            put32(rr[(a + 2 * b) % 28](5, 5, 2));
            keep(5);
        }
    }
    put32(I_WFI);
}

/* unpriv spec 2.4, 4.2, 13.1-13.2: results as the interpreter computes them, including
 * shifts by 31/32/63, W-forms' sign extension, division by zero and INT_MIN / -1. */
Test(jit, alu_register_forms_match_the_interpreter)
{
    compare(alu_program);
}

static void alu_imm_program(void)
{
    slot = 0;
    li(31, DATA_BASE);
    for (unsigned a = 0; a < EDGES; a++) {
        li(1, edge_values[a]);
        static const int32_t imms[] = {0, 1, -1, 2047, -2048, 0x7ff, 31};
        for (unsigned k = 0; k < 7; k++) {
            int32_t m = imms[k];
            put32(i_addi(3, 1, m)), keep(3);
            put32(i_slti(3, 1, m)), keep(3);
            put32(i_sltiu(3, 1, m)), keep(3);
            put32(i_xori(3, 1, m)), keep(3);
            put32(i_ori(3, 1, m)), keep(3);
            put32(i_andi(3, 1, m)), keep(3);
            put32(i_addiw(3, 1, m)), keep(3);
        }
        static const unsigned shamts[] = {0, 1, 31, 32, 63};
        for (unsigned k = 0; k < 5; k++) {
            unsigned sh = shamts[k];
            put32(i_slli(3, 1, sh)), keep(3);
            put32(i_srli(3, 1, sh)), keep(3);
            put32(i_srai(3, 1, sh)), keep(3);
            if (sh < 32) {
                put32(i_slliw(3, 1, sh)), keep(3);
                put32(i_srliw(3, 1, sh)), keep(3);
                put32(i_sraiw(3, 1, sh)), keep(3);
            }
        }
        put32(i_lui(3, 0x80000)), keep(3);
        put32(i_lui(3, 0x7ffff)), keep(3);
        put32(i_auipc(3, 0x80000)), keep(3);
        put32(i_auipc(3, 0x00001)), keep(3);
    }
    put32(I_WFI);
}

/* unpriv spec 2.4.1, 4.2.1: immediates sign-extended, shamt 0..63 (0..31 for W forms). */
Test(jit, alu_immediate_forms_match_the_interpreter)
{
    compare(alu_imm_program);
}

/* A loop whose body takes every kind of branch both ways on signed/unsigned edge values,
 * recording the path in x10; the loop-closing branch targets its own block. */
static void branch_program(void)
{
    li(1, 0xffffffffffffffffull); /* -1, or the largest unsigned value */
    li(2, 1);
    put32(i_addi(10, 0, 0));
    put32(i_addi(11, 0, 5)); /* iterations */
    uint64_t loop = code_cursor();
    static uint32_t (*const br[])(unsigned, unsigned, int32_t) = {i_beq, i_bne,  i_blt,
                                                                  i_bge, i_bltu, i_bgeu};
    for (unsigned k = 0; k < 6; k++) {
        for (unsigned dir = 0; dir < 2; dir++) {
            /* if taken skip the next instruction */
            put32(br[k](dir ? 1 : 2, dir ? 2 : 1, 8));
            put32(i_addi(10, 10, 1 << (2 * k + dir) % 11));
            put32(i_slli(10, 10, 1));
        }
    }
    put32(i_addi(11, 11, -1));
    put32(i_bne(11, 0, (int32_t)(loop - code_cursor())));
    /* a branch out to another page and back */
    uint64_t here = code_cursor();
    put32(i_beq(0, 0, 0x800)); /* to here + 0x800: in the next page when here > 0x800 */
    uint64_t back = code_cursor();
    put32(I_WFI);
    code_at(here + 0x800);
    put32(i_addi(12, 0, 77));
    put32(i_jal(0, (int32_t)(back - code_cursor())));
}

/* unpriv spec 2.5.2: BEQ/BNE/BLT/BGE/BLTU/BGEU, taken and not, inside and out of a block. */
Test(jit, branches_take_the_same_paths_as_the_interpreter)
{
    struct outcome o = compare(branch_program);
    cr_assert_eq(o.x[12], 77, "the branch to the other page must have run its target");
}

/* Calls and returns: jal/jalr link and jump, rd == rs1, a jalr target with bit 0 set. */
static void call_program(void)
{
    put32(i_addi(10, 0, 0));
    put32(i_addi(11, 0, 4));
    uint64_t loop = code_cursor();
    put32(i_jal(1, 0x1000)); /* call f, one page on */
    put32(i_addi(11, 11, -1));
    put32(i_bne(11, 0, (int32_t)(loop - code_cursor())));
    put32(i_auipc(5, 0));
    put32(i_addi(5, 5, 13)); /* odd target: jalr clears bit 0 (2.5.1) */
    put32(i_jalr(5, 5, 0));  /* rd == rs1: the link is written after the target is read */
    put32(I_NOP);
    put32(I_WFI);
    code_at(loop + 0x1000);
    put32(i_addi(10, 10, 3));
    put32(i_jalr(0, 1, 0)); /* ret */
}

Test(jit, calls_and_returns_link_and_jump_like_the_interpreter)
{
    struct outcome o = compare(call_program);
    cr_assert_eq(o.x[10], 12, "four calls of f must add 3 each");
}

/* Loads of every width and signedness, stores of every width, first missing the fast TLB
 * (slow path, which fills it) then hitting; misaligned accesses (always the slow path). */
static void memory_program(void)
{
    slot = 0;
    li(31, DATA_BASE);
    li(1, 0x8182838485868788ull);
    li(30, DATA_BASE + 0x1000);
    for (unsigned pass = 0; pass < 3; pass++) {
        put32(i_sd(1, 0, 30));
        put32(i_sw(1, 8, 30));
        put32(i_sh(1, 12, 30));
        put32(i_sb(1, 14, 30));
        put32(i_sd(1, 17, 30)); /* misaligned */
        put32(i_lb(3, 0, 30)), keep(3);
        put32(i_lbu(3, 1, 30)), keep(3);
        put32(i_lh(3, 2, 30)), keep(3);
        put32(i_lhu(3, 6, 30)), keep(3);
        put32(i_lw(3, 4, 30)), keep(3);
        put32(i_lwu(3, 4, 30)), keep(3);
        put32(i_ld(3, 0, 30)), keep(3);
        put32(i_ld(3, 17, 30)), keep(3); /* misaligned */
        put32(i_lw(3, 13, 30)), keep(3); /* misaligned */
        put32(i_lb(0, 0, 30));           /* to x0: performed, result dropped */
        put32(i_addi(30, 30, 24));
    }
    put32(I_WFI);
}

/* unpriv spec 2.6, 4.3: widths and sign/zero extension; misaligned ones performed. */
Test(jit, loads_and_stores_hit_and_miss_the_tlb_like_the_interpreter)
{
    compare(memory_program);
}

/* Every width at every misalignment inside a page whose fast-TLB entries are filled (the
 * translator's cold path serves those from the page's entry without calling the MMU), and at
 * the page's end, crossing into the next page (the MMU, byte by byte). */
static void misaligned_program(void)
{
    slot = 0;
    li(31, DATA_BASE);
    li(1, 0x8182838485868788ull);
    li(30, DATA_BASE + 0x2000);
    li(29, DATA_BASE + 0x2800);
    put32(i_sd(1, 0, 30)); /* fill the page's read and write entries */
    put32(i_ld(3, 0, 30)), keep(3);
    for (int32_t base = 0x100; base <= 0x7f0; base += 0x6f0) {
        unsigned reg = base == 0x100 ? 30 : 29; /* x29 + 0x7f9.. reaches 0xff9..0xfff */
        for (int32_t off = 1; off < 8; off++) {
            int32_t at = base == 0x100 ? base + 8 * off + off : 0x7f8 + off;
            put32(i_addi(1, 1, 0x111));
            put32(i_sh(1, at, reg));
            put32(i_lh(3, at, reg)), keep(3);
            put32(i_lhu(3, at, reg)), keep(3);
            put32(i_sw(1, at, reg));
            put32(i_lw(3, at, reg)), keep(3);
            put32(i_lwu(3, at, reg)), keep(3);
            put32(i_sd(1, at, reg));
            put32(i_ld(3, at, reg)), keep(3);
        }
    }
    /* The last page of RAM, its entry filled, then a doubleword 3 bytes before RAM's end: its
     * tail is outside RAM, an access fault at RAM's end (the faulting portion's address). */
    li(28, RAM_BASE + RAM_SIZE - 0x800);
    put32(i_ld(3, 0x7f0, 28)), keep(3);
    put32(i_ld(3, 0x7fd, 28));
    put32(I_WFI);
}

/* unpriv spec 2.6: misaligned accesses are performed; inside a page and across its end the
 * translated code must leave what the interpreter leaves. */
Test(jit, misaligned_accesses_match_the_interpreter)
{
    struct outcome o = compare(misaligned_program);
    cr_assert_eq(o.mcause, 5, "the doubleword crossing RAM's end faults (load access fault)");
    cr_assert_eq(o.mtval, RAM_BASE + RAM_SIZE, "at the first byte outside RAM");
}

/* A load from an address with nothing behind it, after two instructions of the same block. */
static void access_fault_program(void)
{
    li(6, UNMAPPED_ADDR + 8);
    put32(i_addi(10, 0, 1)); /* the block starts at a jump target: jump to it */
    put32(i_jal(0, 4));
    put32(i_addi(10, 10, 1));
    put32(i_addi(11, 0, 2));
    put32(i_ld(12, -8, 6)); /* faults */
    put32(i_addi(13, 0, 3));
    put32(I_WFI);
}

/* priv spec 3.1.15-3.1.16: a faulting load traps with mepc at the load, mtval the address,
 * and exactly the instructions before it retired. */
Test(jit, access_fault_in_a_block_is_precise)
{
    struct outcome o = compare(access_fault_program);
    cr_assert_eq(o.mcause, EXC_LOAD_ACCESS, "cause must be load access fault (5)");
    cr_assert_eq(o.mtval, UNMAPPED_ADDR, "mtval must be the faulting address");
    cr_assert_eq(o.x[13], 0, "the instruction after the fault must not have run");
    cr_assert_eq(o.x[11], 2, "the instructions before the fault must have run");
}

/* Sv39 for loads and stores only: M-mode with MPRV and MPP = S (priv spec 3.1.6.3), so data
 * accesses translate while fetches stay physical. VA 0x10000000 maps DATA_BASE; the page
 * after it is not mapped. */
#define VDATA 0x10000000ull
static void map_data_page(void)
{
    uint64_t root = RAM_BASE + 0x80000, mid = root + 0x1000, leaf = root + 0x2000;
    unsigned vpn2 = (VDATA >> 30) & 0x1ff, vpn1 = (VDATA >> 21) & 0x1ff,
             vpn0 = (VDATA >> 12) & 0x1ff;
    poke64(root + 8 * vpn2, ((mid >> 12) << PTE_PPN_SHIFT) | PTE_V);
    poke64(mid + 8 * vpn1, ((leaf >> 12) << PTE_PPN_SHIFT) | PTE_V);
    poke64(leaf + 8 * vpn0,
           ((DATA_BASE >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    hart.satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (root >> 12);
    hart.mstatus |= MSTATUS_MPRV | (uint64_t)PRIV_S << MSTATUS_MPP_SHIFT;
    cpu_sync_mmu(&hart);
}

static void page_fault_program(void)
{
    map_data_page();
    li(5, VDATA);
    li(6, VDATA + 0x1000);
    put32(i_jal(0, 4));
    put32(i_addi(10, 0, 7));
    put32(i_sd(10, 0, 5)); /* misses the TLB: walk, then fill */
    put32(i_ld(11, 0, 5)); /* hits */
    put32(i_addi(12, 0, 5));
    put32(i_sd(12, 16, 6)); /* the unmapped page: store page fault */
    put32(i_addi(13, 0, 9));
    put32(I_WFI);
}

/* priv spec 12.3.2 step 3: an invalid PTE raises the page fault of the access type; the
 * trap is precise in the middle of a block. */
Test(jit, page_fault_in_a_block_is_precise)
{
    struct outcome o = compare(page_fault_program);
    cr_assert_eq(o.mcause, EXC_STORE_PAGE_FAULT, "cause must be store page fault (15)");
    cr_assert_eq(o.mtval, VDATA + 0x1000 + 16, "mtval must be the faulting virtual address");
    cr_assert_eq(o.x[11], 7, "the load through the fresh translation must see the store");
    cr_assert_eq(o.x[13], 0, "the instruction after the fault must not have run");
}

/* Every AMO at both widths on pairs of edge values, first through cpu_atomic (the data page
 * has no fast write entry yet), then, after a store fills it, inline; LR/SC pairs that
 * succeed and fail (second SC, other address, other width); rd = rs1, rd = rs2, rd = x0.
 * Ends with a misaligned AMO. */
static void atomics_program(void)
{
    static uint32_t (*const amos[])(unsigned, unsigned, unsigned) = {
        i_amoswap_w, i_amoadd_w,  i_amoxor_w,  i_amoand_w,  i_amoor_w,   i_amomin_w,
        i_amomax_w,  i_amominu_w, i_amomaxu_w, i_amoswap_d, i_amoadd_d,  i_amoxor_d,
        i_amoand_d,  i_amoor_d,   i_amomin_d,  i_amomax_d,  i_amominu_d, i_amomaxu_d,
    };
    slot = 0;
    li(31, DATA_BASE);
    li(30, DATA_BASE + 0x3000);
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned a = 0; a < EDGES; a += 2) {
            for (unsigned b = 1; b < EDGES; b += 3) {
                li(1, edge_values[a]);
                li(2, edge_values[b]);
                for (unsigned k = 0; k < sizeof amos / sizeof *amos; k++) {
                    put32(i_sd(1, 0, 30));
                    put32(amos[k](3, 2, 30)), keep(3);
                    put32(i_ld(3, 0, 30)), keep(3);
                }
            }
        }
        put32(i_sd(0, 8, 30)); /* pass 1: the page's write entry is filled */
    }
    li(2, 5);
    put32(i_amoadd_d(2, 2, 30)), keep(2); /* rd = rs2 */
    put32(i_addi(4, 30, 0));
    put32(i_amoor_w(4, 2, 4)), keep(4); /* rd = rs1 */
    put32(i_amoadd_d(0, 2, 30));        /* rd = x0: performed, result dropped */
    put32(i_ld(3, 0, 30)), keep(3);
    put32(i_lr_d(5, 30)), keep(5);
    put32(i_sc_d(6, 2, 30)), keep(6); /* succeeds: 0 */
    put32(i_sc_d(6, 1, 30)), keep(6); /* no reservation left: 1 */
    put32(i_lr_w(5, 30)), keep(5);
    put32(i_addi(7, 30, 8));
    put32(i_sc_w(6, 1, 7)), keep(6); /* another address: fails, and the reservation goes */
    put32(i_sc_w(6, 1, 30)), keep(6);
    put32(i_lr_d(5, 30));
    put32(i_sc_w(5, 2, 30)), keep(5); /* the same address at another width: succeeds */
    put32(i_ld(3, 0, 30)), keep(3);
    put32(i_addi(8, 30, 2));
    put32(i_amoadd_w(9, 2, 8)); /* misaligned: store/AMO address misaligned */
    put32(i_addi(10, 0, 1));
    put32(I_WFI);
}

/* unpriv spec 14.2-14.4: the AMOs' values (W forms on 32 bits, sign-extended), LR/SC's
 * reservation as the interpreter keeps it, and a misaligned AMO's exception (cause 6). */
Test(jit, atomics_match_the_interpreter)
{
    struct outcome o = compare(atomics_program);
    cr_assert_eq(o.mcause, EXC_STORE_MISALIGNED, "a misaligned AMO raises cause 6");
    cr_assert_eq(o.mtval, DATA_BASE + 0x3002, "mtval must be the AMO's address");
    cr_assert_eq(o.x[10], 0, "the instruction after the fault must not have run");
}

/* A misaligned LR in the middle of a block: load address-misaligned, precise. */
static void misaligned_lr_program(void)
{
    li(30, DATA_BASE + 0x3004);
    put32(i_jal(0, 4));
    put32(i_addi(10, 0, 1));
    put32(i_lr_d(11, 30));
    put32(i_addi(12, 0, 1));
    put32(I_WFI);
}

Test(jit, misaligned_lr_faults_like_the_interpreter)
{
    struct outcome o = compare(misaligned_lr_program);
    cr_assert_eq(o.mcause, EXC_LOAD_MISALIGNED, "a misaligned LR raises cause 4");
    cr_assert_eq(o.x[10], 1, "the instruction before the fault must have run");
    cr_assert_eq(o.x[12], 0, "the instruction after the fault must not have run");
}

/* Through Sv39: an AMO on the mapped page (the walk, then a fast write entry), then one on
 * the unmapped page after it. */
static void atomic_page_fault_program(void)
{
    map_data_page();
    li(5, VDATA);
    li(6, VDATA + 0x1000);
    li(7, 3);
    put32(i_jal(0, 4));
    put32(i_amoadd_d(10, 7, 5));
    put32(i_sd(7, 8, 5));
    put32(i_amoadd_d(11, 7, 5));
    put32(i_amoswap_w(12, 7, 6)); /* store/AMO page fault */
    put32(i_addi(13, 0, 9));
    put32(I_WFI);
}

/* priv spec 12.3.2: an AMO faults as a store (cause 15), precisely. */
Test(jit, atomic_page_fault_in_a_block_is_precise)
{
    struct outcome o = compare(atomic_page_fault_program);
    cr_assert_eq(o.mcause, EXC_STORE_PAGE_FAULT, "an AMO's page fault is cause 15");
    cr_assert_eq(o.mtval, VDATA + 0x1000, "mtval must be the faulting virtual address");
    cr_assert_eq(o.x[11] - o.x[10], 3, "the second AMO must see the first one's sum");
    cr_assert_eq(o.x[13], 0, "the instruction after the fault must not have run");
}

/* An amoswap that rewrites the next instruction of its own block (code pages have no fast
 * write entry: cpu_atomic drops the page's blocks, the block stops after the swap). */
static void atomic_rewrites_code_program(void)
{
    li(12, i_addi(10, 10, 100));
    put32(i_addi(10, 0, 0));
    put32(i_addi(13, 0, 3));
    uint64_t loop = code_cursor();
    put32(i_auipc(11, 0));
    put32(i_addi(11, 11, 12));
    put32(i_amoswap_w(14, 12, 11));
    put32(i_addi(10, 10, 1)); /* becomes addi x10, x10, 100 before it first runs */
    put32(i_addi(13, 13, -1));
    put32(i_bne(13, 0, (int32_t)(loop - code_cursor())));
    put32(I_WFI);
}

/* unpriv spec 2.7: an AMO is a store; the rewritten instruction is the one that runs next. */
Test(jit, atomic_into_its_own_block_takes_effect)
{
    struct outcome o = compare(atomic_rewrites_code_program);
    cr_assert_eq(o.x[10], 300, "every iteration must run the rewritten +100");
}

/* A block that loops back to its own start keeps its registers in host registers from one
 * round to the next (cpu/jit_x86_64.c, exit_to). The exit at the top of the body leaves
 * after the rounds wrote x12 and x13 late in the body: they must reach the register file. */
static void self_loop_exit_program(void)
{
    put32(i_addi(11, 0, 5));
    put32(i_addi(12, 0, 0));
    put32(i_addi(13, 0, 0));
    uint64_t loop = code_cursor();
    put32(i_beq(11, 0, 6 * 4)); /* out: past the five below */
    put32(i_addi(13, 13, 3));
    put32(i_addi(12, 12, 1));
    put32(i_add(13, 13, 12));
    put32(i_addi(11, 11, -1));
    put32(i_jal(0, (int32_t)(loop - code_cursor()))); /* jal back: the block's own start */
    put32(I_WFI);
}

Test(jit, a_block_looping_to_itself_writes_back_the_last_rounds_registers)
{
    struct outcome o = compare(self_loop_exit_program);
    cr_assert_eq(o.x[12], 5, "five rounds must have counted");
    cr_assert_eq(o.x[13], 5 * 3 + 1 + 2 + 3 + 4 + 5, "x13 must hold the last round's sum");
}

/* The same loop closed by a branch, with a load that faults in its fourth round: mepc at
 * the load, and exactly the instructions before it retired (instret), the registers the
 * earlier rounds wrote in place. */
static void self_loop_fault_program(void)
{
    li(6, RAM_BASE + RAM_SIZE - 3 * 0x100);
    put32(i_addi(11, 0, 9));
    put32(i_addi(12, 0, 0));
    uint64_t loop = code_cursor();
    put32(i_addi(12, 12, 7));
    put32(i_ld(13, 0, 6)); /* RAM for three rounds, then nothing */
    put32(i_addi(6, 6, 0x100));
    put32(i_addi(11, 11, -1));
    put32(i_bne(11, 0, (int32_t)(loop - code_cursor())));
    put32(I_WFI);
}

Test(jit, a_fault_in_a_block_looping_to_itself_is_precise)
{
    struct outcome o = compare(self_loop_fault_program);
    cr_assert_eq(o.mcause, EXC_LOAD_ACCESS, "cause must be load access fault (5)");
    cr_assert_eq(o.mtval, RAM_BASE + RAM_SIZE, "mtval must be the faulting address");
    cr_assert_eq(o.x[12], 4 * 7, "the fourth round's addi before the load must have run");
    cr_assert_eq(o.x[11], 9 - 3, "three whole rounds before it");
}

/* A loop that rewrites an instruction of its own body after the first iteration. */
static void self_modifying_loop_program(void)
{
    li(11, CODE_BASE);
    li(12, i_addi(10, 10, 100));
    put32(i_addi(10, 0, 0));
    put32(i_addi(13, 0, 3));
    uint64_t loop = code_cursor();
    put32(i_addi(10, 10, 1)); /* becomes addi x10, x10, 100 */
    put32(i_sw(12, (int32_t)(loop - CODE_BASE), 11));
    put32(i_addi(13, 13, -1));
    put32(i_bne(13, 0, (int32_t)(loop - code_cursor())));
    put32(I_WFI);
}

/* Code is data (unpriv spec 2.7, Zifencei): on this one hart a store to an instruction is
 * seen by its next execution, translated or not. */
Test(jit, store_into_a_translated_loop_takes_effect)
{
    struct outcome o = compare(self_modifying_loop_program);
    cr_assert_eq(o.x[10], 201, "one iteration of +1, then two of the rewritten +100");
}

/* A function reached only through jalr (so through the run-time lookup and its jump cache),
 * called until it is translated and cached, then rewritten by a store into its page, then
 * called again: the call must run the new instruction, not the cached translation. */
static void rewritten_callee_program(void)
{
    uint64_t f = CODE_BASE + 0x2000;
    li(20, f);
    li(12, i_addi(10, 10, 100));
    put32(i_addi(10, 0, 0));
    put32(i_addi(13, 0, 6));
    uint64_t loop = code_cursor();
    put32(i_jalr(1, 20, 0)); /* call f indirectly */
    put32(i_addi(13, 13, -1));
    put32(i_bne(13, 0, (int32_t)(loop - code_cursor())));
    put32(i_sw(12, 0, 20)); /* f's first instruction becomes addi x10, x10, 100 */
    put32(i_jalr(1, 20, 0));
    put32(i_jalr(1, 20, 0));
    put32(I_WFI);
    code_at(f);
    put32(i_addi(10, 10, 1));
    put32(i_jalr(0, 1, 0)); /* ret */
}

Test(jit, rewritten_function_behind_an_indirect_call_runs_its_new_code)
{
    struct outcome o = compare(rewritten_callee_program);
    cr_assert_eq(o.x[10], 206, "six calls of +1, then two of the rewritten +100");
}

/* A store that rewrites an instruction further down its own block. */
static void self_modifying_block_program(void)
{
    li(11, CODE_BASE + 0x400);
    li(12, i_addi(10, 0, 2));
    put32(i_jal(0, (int32_t)(CODE_BASE + 0x400 - code_cursor())));
    code_at(CODE_BASE + 0x400);
    put32(i_sw(12, 8, 11)); /* rewrites the instruction at +8 */
    put32(I_NOP);
    put32(i_addi(10, 0, 1)); /* becomes addi x10, x0, 2 */
    put32(I_WFI);
}

Test(jit, store_ahead_in_the_running_block_takes_effect)
{
    struct outcome o = compare(self_modifying_block_program);
    cr_assert_eq(o.x[10], 2, "the rewritten instruction must be the one that runs");
}

/* Code running up to a page boundary, a compressed instruction, a 32-bit one straddling the
 * boundary (which no block may contain), and on into the next page, in a loop. */
static void page_crossing_program(void)
{
    uint64_t at = CODE_BASE + 0x1000 - 12;
    put32(i_addi(10, 0, 0));
    put32(i_addi(11, 0, 3));
    put32(i_jal(0, (int32_t)(at - code_cursor())));
    code_at(at);
    put32(i_addi(10, 10, 1));
    put32(i_addi(10, 10, 2));
    put16(0x0505);            /* c.addi x10, 1 */
    put16(0x0001);            /* c.nop */
    put32(i_addi(10, 10, 4)); /* at page end - 2: crosses into the next page */
    put32(i_addi(11, 11, -1));
    put32(i_bne(11, 0, (int32_t)(at - code_cursor())));
    put32(I_WFI);
}

Test(jit, blocks_stop_at_page_boundaries)
{
    struct outcome o = compare(page_crossing_program);
    cr_assert_eq(o.x[10], 24, "three iterations of 1 + 2 + 1 + 4");
}

/* System instructions end blocks and run in the interpreter between translated code. */
static void csr_program(void)
{
    put32(i_addi(10, 0, 0));
    put32(i_addi(11, 0, 4));
    uint64_t loop = code_cursor();
    put32(i_addi(10, 10, 1));
    put32(i_csrrs(12, 0xb02, 0)); /* minstret: must count exactly */
    put32(i_csrrw(0, 0x340, 10)); /* mscratch */
    put32(i_addi(11, 11, -1));
    put32(i_bne(11, 0, (int32_t)(loop - code_cursor())));
    put32(I_ECALL);
}

Test(jit, csr_reads_of_instret_see_the_exact_count)
{
    struct outcome o = compare(csr_program);
    cr_assert_eq(o.mcause, EXC_ECALL_M, "the final ecall must trap from M (11)");
}

/* S-mode code at virtual VCODE runs from frame A, traps (ecall) to an M-mode handler that
 * points VCODE at frame B (other code), runs sfence.vma and returns to VCODE. */
#define VCODE 0x20000000ull
#define FRAME_A (RAM_BASE + 0x3000)
#define FRAME_B (RAM_BASE + 0x5000)
static void remap_program(void)
{
    uint64_t root = RAM_BASE + 0x80000, mid = root + 0x1000, leaf = root + 0x2000;
    unsigned vpn2 = (VCODE >> 30) & 0x1ff, vpn1 = (VCODE >> 21) & 0x1ff,
             vpn0 = (VCODE >> 12) & 0x1ff;
    uint64_t rx = PTE_V | PTE_R | PTE_X | PTE_A;
    poke64(root + 8 * vpn2, ((mid >> 12) << PTE_PPN_SHIFT) | PTE_V);
    poke64(mid + 8 * vpn1, ((leaf >> 12) << PTE_PPN_SHIFT) | PTE_V);
    poke64(leaf + 8 * vpn0, ((FRAME_A >> 12) << PTE_PPN_SHIFT) | rx);
    hart.satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (root >> 12);
    hart.mstatus |= (uint64_t)PRIV_S << MSTATUS_MPP_SHIFT;
    hart.x[13] = leaf + 8 * vpn0;
    hart.x[14] = ((FRAME_B >> 12) << PTE_PPN_SHIFT) | rx;
    hart.x[15] = VCODE;
    /* M-mode start: enter S at VCODE */
    put32(i_csrrw(0, 0x341, 15)); /* mepc */
    put32(I_MRET);
    /* the two frames: the same virtual block, different code */
    code_at(FRAME_A);
    put32(i_addi(10, 10, 1));
    put32(i_addi(16, 16, 1));
    put32(I_ECALL);
    code_at(FRAME_B);
    put32(i_addi(10, 10, 100));
    put32(i_addi(16, 16, 1));
    put32(I_ECALL);
    /* M-mode handler: first ecall remaps, second one ends the program */
    code_at(TRAP_VECTOR);
    put32(i_addi(11, 11, 1));
    put32(i_addi(12, 0, 2));
    put32(i_beq(11, 12, 24));
    put32(i_sd(14, 0, 13));
    put32(0x12000073u); /* sfence.vma x0, x0 (priv spec 12.2.1) */
    put32(i_csrrw(0, 0x341, 15));
    put32(I_MRET);
    put32(I_NOP);
    put32(I_WFI);
}

/* priv spec 12.2.1: after sfence.vma the new mapping holds. Translations belong to a physical
 * frame, not to the virtual address they ran at. */
Test(jit, remapped_code_page_runs_the_new_frame)
{
    struct outcome o = compare(remap_program);
    cr_assert_eq(o.x[10], 101, "x10 = %llu: frame A's +1, then frame B's +100 at the same VA",
                 (unsigned long long)o.x[10]);
    cr_assert_eq(o.x[11], 2, "two ecalls must have reached the handler");
    cr_assert_eq(o.mcause, EXC_ECALL_S, "the last trap is an ecall from S (9)");
}

/* A debugger or tracer sees every event only if the interpreter runs: with a hook
 * installed, nothing is translated (cpu/jit.h). */
static unsigned hook_calls;
static void count_event(void *opaque, struct cpu *c, const struct cpu_event *ev)
{
    (void)opaque, (void)c, (void)ev;
    hook_calls++;
}

Test(jit, an_event_hook_keeps_the_interpreter)
{
    cr_assert(jit_attach(&hart), "the translator must attach on an x86-64 host");
    jit_set_threshold(&hart, 1);
    hart.event_hook = count_event;
    code_at(TRAP_VECTOR);
    put32(I_WFI);
    code_at(CODE_BASE);
    branch_program();
    for (unsigned i = 0; i < 1000 && !hart.wfi; i++)
        cpu_run(&hart, 100000);
    cr_assert(hart.wfi, "the program must reach its final wfi");
    cr_assert_eq(jit_get_stats(&hart)->blocks, 0, "no block may be translated while hooked");
    hart.event_hook = NULL;
    jit_detach(&hart);
}

/* --jit on|off (emu/options.c) switches the translator; anything else is an error. */
/* Random programs: a fixed-seed generator writes loops of random integer instructions
 * (every ALU, shift, M and W form, loads and stores of every width around a data pointer,
 * forward branches of every kind, lui/auipc), which run 40 times so the translator
 * translates, chains and re-enters their blocks. Each program must end exactly as the
 * interpreter ends it: registers, pc, counters, trap CSRs and every byte of RAM. */
static uint64_t random_state, random_seed;
static uint64_t next_random(void)
{
    return xorshift64(&random_state);
}
static unsigned pick(unsigned n)
{
    return (unsigned)(next_random() % n);
}

#define RANDOM_DATA_REG 28 /* points into the data area */
#define RANDOM_COUNT_REG 29
static unsigned random_rd(void)
{
    return pick(8) == 0 ? 0 : 1 + pick(27); /* x0 now and then: its writes must vanish */
}
static unsigned random_rs(void)
{
    return pick(30); /* the data pointer and the counter are fair sources too */
}

static uint32_t random_alu(void)
{
    static uint32_t (*const r_forms[])(unsigned, unsigned, unsigned) = {
        i_add,  i_sub,  i_sll,  i_slt,  i_sltu, i_xor,   i_srl,  i_sra,    i_or,    i_and,
        i_addw, i_subw, i_sllw, i_srlw, i_sraw, i_mul,   i_mulh, i_mulhsu, i_mulhu, i_div,
        i_divu, i_rem,  i_remu, i_mulw, i_divw, i_divuw, i_remw, i_remuw};
    static uint32_t (*const i_forms[])(unsigned, unsigned, int32_t) = {
        i_addi, i_slti, i_sltiu, i_xori, i_ori, i_andi, i_addiw};
    static uint32_t (*const shifts64[])(unsigned, unsigned, unsigned) = {i_slli, i_srli, i_srai};
    static uint32_t (*const shifts32[])(unsigned, unsigned, unsigned) = {i_slliw, i_srliw, i_sraiw};
    switch (pick(6)) {
    case 0:
    case 1:
        return r_forms[pick(sizeof r_forms / sizeof *r_forms)](random_rd(), random_rs(),
                                                               random_rs());
    case 2:
        return i_forms[pick(sizeof i_forms / sizeof *i_forms)](random_rd(), random_rs(),
                                                               (int32_t)pick(4096) - 2048);
    case 3: return shifts64[pick(3)](random_rd(), random_rs(), pick(64));
    case 4: return shifts32[pick(3)](random_rd(), random_rs(), pick(32));
    default:
        return pick(2) ? i_lui(random_rd(), (uint32_t)next_random() & 0xfffff)
                       : i_auipc(random_rd(), (uint32_t)next_random() & 0xfffff);
    }
}

static uint32_t random_memory_access(void)
{
    static uint32_t (*const loads[])(unsigned, int32_t, unsigned) = {i_lb,  i_lh,  i_lw, i_ld,
                                                                     i_lbu, i_lhu, i_lwu};
    static uint32_t (*const stores[])(unsigned, int32_t, unsigned) = {i_sb, i_sh, i_sw, i_sd};
    static const unsigned load_size[] = {1, 2, 4, 8, 1, 2, 4}, store_size[] = {1, 2, 4, 8};
    /* Aligned offsets in the first 2 KiB of the data area (the pointer never moves). */
    if (pick(2)) {
        unsigned k = pick(7);
        return loads[k](random_rd(), (int32_t)(pick(2048 / load_size[k]) * load_size[k]),
                        RANDOM_DATA_REG);
    }
    unsigned k = pick(4);
    return stores[k](random_rs(), (int32_t)(pick(2048 / store_size[k]) * store_size[k]),
                     RANDOM_DATA_REG);
}

static void random_program(void)
{
    random_state = random_seed; /* compare() builds the program once per mode: the same one */
    for (unsigned r = 1; r < 28; r++)
        li(r,
           pick(3) ? next_random() : edge_values[pick(sizeof edge_values / sizeof *edge_values)]);
    li(RANDOM_DATA_REG, DATA_BASE);
    li(RANDOM_COUNT_REG, 40);
    static uint32_t (*const branches[])(unsigned, unsigned, int32_t) = {i_beq, i_bne,  i_blt,
                                                                        i_bge, i_bltu, i_bgeu};
    unsigned emitted = 0, length = 20 + pick(60);
    for (unsigned i = 0; i < length; i++) {
        if (pick(6) == 0) { /* a forward branch over 1..3 instructions */
            unsigned skip = 1 + pick(3);
            put32(branches[pick(6)](random_rs(), random_rs(), (int32_t)(4 * (skip + 1))));
            for (unsigned k = 0; k < skip; k++)
                put32(pick(3) ? random_alu() : random_memory_access());
            emitted += skip + 1;
        } else {
            put32(pick(3) ? random_alu() : random_memory_access());
            emitted++;
        }
    }
    put32(i_addi(RANDOM_COUNT_REG, RANDOM_COUNT_REG, -1));
    /* back to the loop's first instruction: emitted instructions, then the addi */
    put32(i_bne(RANDOM_COUNT_REG, 0, -(int32_t)(4 * (emitted + 1))));
    put32(I_WFI);
}

Test(jit, random_programs_match_the_interpreter)
{
    for (uint64_t seed = 1; seed <= 64; seed++) {
        random_seed = seed * 0x9e3779b97f4a7c15ull;
        compare(random_program);
    }
}

Test(jit, jit_option_takes_on_or_off)
{
    char a0[] = "rv39", a1[] = "--jit", a2[] = "off", a3[] = "--kernel", a4[] = "x.elf";
    char *argv[] = {a0, a1, a2, a3, a4, NULL};
    struct options opts;
    FILE *null = fopen("/dev/null", "w");
    cr_assert(null);
    cr_assert_eq(options_parse(5, argv, &opts, null, null), OPTIONS_RUN, "--jit off parses");
    cr_assert_not(opts.jit, "--jit off must turn the translator off");
    char *argv2[] = {a0, a3, a4, NULL};
    cr_assert_eq(options_parse(3, argv2, &opts, null, null), OPTIONS_RUN);
    cr_assert(opts.jit, "without --jit the translator is on by default");
    char bad[] = "maybe";
    char *argv3[] = {a0, a1, bad, a3, a4, NULL};
    cr_assert_eq(options_parse(5, argv3, &opts, null, null), OPTIONS_ERROR,
                 "--jit maybe must be refused");
    fclose(null);
}

#else
Test(jit, not_built_on_this_host)
{
    cr_assert(!jit_attach(NULL) || true, "no translator: nothing to check");
}
#endif
