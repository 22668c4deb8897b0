/* Compressed instructions executed on the hart: unpriv spec ch. 16 ("C" Extension). Each RVC
 * instruction behaves as its 32-bit expansion except that it is 2 bytes long: the pc
 * advances by 2 and links are pc + 2. 32-bit instructions may start at any 2-byte boundary.
 * Parcels below were produced by riscv64-unknown-elf-as (rv64imac). */
#include <criterion/criterion.h>

#include "support/harness.h"

TestSuite(rvc, .init = harness_init, .fini = harness_fini);

/* 16.1: a compressed instruction advances pc by 2. */
Test(rvc, compressed_instruction_advances_pc_by_2)
{
    hart.x[10] = 5;
    exec16(0x157d); /* c.addi x10, -1 */
    cr_assert_eq(hart.x[10], 4, "c.addi x10, -1");
    cr_assert_eq(hart.pc, CODE_BASE + 2, "pc + 2 after a 16-bit instruction");
    exec16(0x0001); /* c.nop */
    cr_assert_eq(hart.pc, CODE_BASE + 4, "c.nop advances pc by 2");
}

/* 16.5: C.LI and C.LUI sign-extend their 6-bit immediates. */
Test(rvc, c_li_and_c_lui_sign_extend)
{
    exec16(0x52fd); /* c.li x5, -1 */
    cr_assert_eq(hart.x[5], 0xffffffffffffffffull, "c.li x5, -1 gives all ones");
    exec16(0x7181); /* c.lui x3, 0xfffe0 */
    cr_assert_eq(hart.x[3], 0xfffffffffffe0000ull, "c.lui x3, 0xfffe0 = -0x20000");
    exec16(0x6185); /* c.lui x3, 0x1 */
    cr_assert_eq(hart.x[3], 0x1000, "c.lui x3, 0x1 = 0x1000");
}

/* 16.4: C.JALR links pc + 2 (not pc + 4); C.JR does not link. */
Test(rvc, c_jalr_links_pc_plus_2)
{
    hart.x[5] = CODE_BASE + 0x100;
    exec16(0x9282); /* c.jalr x5 */
    cr_assert_eq(hart.pc, CODE_BASE + 0x100, "c.jalr jumps to rs1");
    cr_assert_eq(hart.x[1], CODE_BASE + 2, "c.jalr writes pc + 2 to ra");
    hart.x[6] = CODE_BASE + 0x202; /* 2-byte aligned targets are legal with C */
    hart.x[1] = 0x77;
    exec16(0x8302); /* c.jr x6 */
    cr_assert_eq(hart.pc, CODE_BASE + 0x202, "c.jr jumps to rs1");
    cr_assert_eq(hart.x[1], 0x77, "c.jr does not link");
    cr_assert_eq(hart.mcause, 0, "a 2-byte aligned target must not trap with C");
}

/* 16.4: C.BEQZ/C.BNEZ: taken -> pc + offset, not taken -> pc + 2. */
Test(rvc, c_beqz_taken_and_not_taken)
{
    hart.pc = CODE_BASE + 0x100;
    hart.x[8] = 0;
    exec16(0xc801); /* c.beqz x8, .+16 */
    cr_assert_eq(hart.pc, CODE_BASE + 0x110, "c.beqz with x8 = 0 is taken");
    hart.pc = CODE_BASE + 0x100;
    exec16(0xd865); /* c.beqz x8, .-16 */
    cr_assert_eq(hart.pc, CODE_BASE + 0xf0, "c.beqz backwards");
    hart.pc = CODE_BASE + 0x100;
    hart.x[8] = 1;
    exec16(0xc801);
    cr_assert_eq(hart.pc, CODE_BASE + 0x102, "not taken: pc + 2");
}

Test(rvc, c_j_jumps_relative)
{
    exec16(0xa005); /* c.j .+32 */
    cr_assert_eq(hart.pc, CODE_BASE + 32, "c.j .+32");
}

/* 16.3: register-based loads and stores scale their offsets; C.LW sign-extends. */
Test(rvc, c_loads_and_stores)
{
    poke32(DATA_BASE + 4, 0x80000001);
    poke64(DATA_BASE + 0x108, 0x1122334455667788ull);
    hart.x[10] = DATA_BASE;
    hart.x[12] = DATA_BASE + 0x100;
    exec16(0x4144); /* c.lw x9, 4(x10) */
    cr_assert_eq(hart.x[9], 0xffffffff80000001ull, "c.lw sign-extends");
    exec16(0x660c); /* c.ld x11, 8(x12) */
    cr_assert_eq(hart.x[11], 0x1122334455667788ull, "c.ld");
    hart.x[13] = 0xaabbccdd;
    hart.x[14] = DATA_BASE + 0x200;
    exec16(0xc754); /* c.sw x13, 12(x14) */
    cr_assert_eq(peek32(DATA_BASE + 0x20c), 0xaabbccdd, "c.sw");
    hart.x[15] = 0x0102030405060708ull;
    hart.x[8] = DATA_BASE + 0x300;
    exec16(0xe81c); /* c.sd x15, 16(x8) */
    cr_assert_eq(peek64(DATA_BASE + 0x310), 0x0102030405060708ull, "c.sd");
}

/* 16.3: stack-pointer-based loads and stores use x2 as the base. */
Test(rvc, sp_relative_loads_and_stores)
{
    hart.x[2] = DATA_BASE + 0x400;
    poke64(DATA_BASE + 0x418, 0xfedcba9876543210ull);
    exec16(0x63e2); /* c.ldsp x7, 24(x2) */
    cr_assert_eq(hart.x[7], 0xfedcba9876543210ull, "c.ldsp x7, 24(sp)");
    exec16(0xf01e); /* c.sdsp x7, 32(x2) */
    cr_assert_eq(peek64(DATA_BASE + 0x420), 0xfedcba9876543210ull, "c.sdsp x7, 32(sp)");
    poke32(DATA_BASE + 0x41c, 0x80000000);
    exec16(0x43f2); /* c.lwsp x7, 28(x2) */
    cr_assert_eq(hart.x[7], 0xffffffff80000000ull, "c.lwsp sign-extends");
    exec16(0xd21e); /* c.swsp x7, 36(x2) */
    cr_assert_eq(peek32(DATA_BASE + 0x424), 0x80000000, "c.swsp");
}

/* 16.5: C.ADDI16SP scales by 16, C.ADDI4SPN by 4 from sp. */
Test(rvc, stack_adjustments)
{
    hart.x[2] = DATA_BASE;
    exec16(0x7139); /* c.addi16sp sp, -64 */
    cr_assert_eq(hart.x[2], DATA_BASE - 64, "c.addi16sp -64");
    exec16(0x0804); /* c.addi4spn x9, sp, 16 */
    cr_assert_eq(hart.x[9], DATA_BASE - 48, "c.addi4spn x9, sp, 16");
}

/* 16.5: shifts (6-bit shamt on RV64), register ops, and the W forms. */
Test(rvc, shifts_and_register_ops)
{
    hart.x[10] = 0x8000000000000000ull;
    exec16(0x8511); /* c.srai x10, 4 */
    cr_assert_eq(hart.x[10], 0xf800000000000000ull, "c.srai copies the sign bit");
    exec16(0x8111); /* c.srli x10, 4 */
    cr_assert_eq(hart.x[10], 0x0f80000000000000ull, "c.srli shifts in zeros");
    hart.x[10] = 3;
    exec16(0x1572); /* c.slli x10, 60 */
    cr_assert_eq(hart.x[10], 0x3000000000000000ull, "c.slli 60 (shamt[5] = 1 on RV64)");
    hart.x[6] = 0xabc;
    exec16(0x829a); /* c.mv x5, x6 */
    cr_assert_eq(hart.x[5], 0xabc, "c.mv");
    hart.x[8] = 0x100000005ull;
    hart.x[9] = 7;
    exec16(0x8c05); /* c.sub x8, x9 */
    cr_assert_eq(hart.x[8], 0xfffffffeull, "c.sub is a 64-bit subtraction");
    exec16(0x9c05); /* c.subw x8, x9 */
    cr_assert_eq(hart.x[8], 0xfffffffffffffff7ull, "c.subw sign-extends the 32-bit result");
    hart.x[8] = 0x7fffffff;
    hart.x[9] = 1;
    exec16(0x9c25); /* c.addw x8, x9 */
    cr_assert_eq(hart.x[8], 0xffffffff80000000ull, "c.addw 0x7fffffff + 1 sign-extends");
    hart.x[4] = 0x12345678ffffffffull;
    exec16(0x2201); /* c.addiw x4, 0 (sext.w) */
    cr_assert_eq(hart.x[4], 0xffffffffffffffffull, "c.addiw x4, 0 sign-extends the low word");
    hart.x[12] = 0xff;
    exec16(0x9a71); /* c.andi x12, -4 */
    cr_assert_eq(hart.x[12], 0xfc, "c.andi sign-extends -4");
}

/* 16.4: C.EBREAK raises a breakpoint like EBREAK (cause 3, mepc = its pc). */
Test(rvc, c_ebreak_is_breakpoint)
{
    hart.pc = CODE_BASE + 0x22;
    exec16(0x9002);
    cr_assert_eq(hart.mcause, 3, "c.ebreak: cause 3");
    cr_assert_eq(hart.mepc, CODE_BASE + 0x22, "c.ebreak: mepc = its address");
    cr_assert_eq(hart.pc, TRAP_VECTOR, "c.ebreak traps to mtvec");
}

/* 1.5 / 16.1: 32-bit instructions may sit on 2-byte boundaries after a compressed one;
 * auipc and jal there see their own (2 mod 4) pc and link pc + 4. */
Test(rvc, mixed_16_and_32_bit_stream)
{
    code_at(CODE_BASE);
    put16(0x0001);         /* 0x0: c.nop */
    put32(i_auipc(5, 0));  /* 0x2: auipc x5, 0 */
    put32(i_jal(6, 0x10)); /* 0x6: jal x6, .+16 -> 0x16 */
    code_at(CODE_BASE + 0x16);
    put16(0x52fd); /* 0x16: c.li x5, -1 */
    step(4);
    cr_assert_eq(hart.x[6], CODE_BASE + 0xa, "jal at 0x6 links 0xa");
    cr_assert_eq(hart.x[5], 0xffffffffffffffffull, "c.li at the jal target ran");
    cr_assert_eq(hart.pc, CODE_BASE + 0x18, "pc after the final c.li");
    cr_assert_eq(hart.minstret, 4, "four instructions retired");

    harness_fini();
    harness_init();
    code_at(CODE_BASE);
    put16(0x0001);
    put32(i_auipc(5, 0));
    step(2);
    cr_assert_eq(hart.x[5], CODE_BASE + 2, "auipc at a 2-mod-4 address reads its own pc");
}

/* The same loop as test_rv64i's, in compressed code, through the threaded interpreter:
 *   c.li a0, 10; c.li a1, 0; loop: c.add a1, a0; c.addi a0, -1; c.bnez a0, loop; c.j . */
Test(rvc, compressed_loop_under_cpu_run)
{
    static const uint16_t prog[] = {0x4529, 0x4581, 0x95aa, 0x157d, 0xfd75, 0xa001};
    code_at(CODE_BASE);
    for (size_t i = 0; i < sizeof(prog) / sizeof(prog[0]); i++)
        put16(prog[i]);
    cpu_run(&hart, 200);
    cr_assert_eq(hart.pc, CODE_BASE + 0xa, "the program must end in its c.j . loop");
    cr_assert_eq(hart.x[11], 55, "sum 1..10 = 55, got %lu", (unsigned long)hart.x[11]);
}

/* With C, any 2-byte boundary is an instruction boundary: jumping into the upper half of a
 * 32-bit instruction executes that half as a compressed instruction (1.5, 16.1). Here
 * 0x45950537 is lui x10, 0x45950 and its upper parcel 0x4595 is c.li x11, 5. */
Test(rvc, jump_into_upper_half_of_32_bit_instruction)
{
    code_at(CODE_BASE);
    put32(0x45950537);       /* 0x00: lui x10, 0x45950 */
    put32(i_bne(12, 0, 12)); /* 0x04: second time -> 0x10 */
    put32(i_addi(12, 0, 1)); /* 0x08 */
    put32(i_jal(0, -10));    /* 0x0c: -> 0x02, the c.li */
    put32(i_jal(0, 0));      /* 0x10: spin */
    cpu_run(&hart, 100);
    cr_assert_eq(hart.pc, CODE_BASE + 0x10, "program must finish, pc %#lx", (unsigned long)hart.pc);
    cr_assert_eq(hart.x[10], 0x45950000, "lui ran as a 32-bit instruction");
    cr_assert_eq(hart.x[11], 5, "the upper parcel ran as c.li x11, 5");
}

/* 16.7 "HINT Instructions": these encodings are HINTs, not reserved: they must execute as
 * no-ops (no trap, no register change). Parcels from binutils, except 0x8001 (c.srli x8, 0,
 * which gas refuses to assemble; shamt = 0 is a HINT on RV64C). */
Test(rvc, hints_execute_as_nops)
{
    static const struct {
        uint16_t c;
        const char *text;
    } hints[] = {
        {0x0005, "c.addi x0, 1"}, {0x4015, "c.li x0, 5"},   {0x6005, "c.lui x0, 1"},
        {0x8016, "c.mv x0, x5"},  {0x9016, "c.add x0, x5"}, {0x0006, "c.slli x0, 1"},
        {0x8001, "c.srli x8, 0"},
    };
    hart.x[5] = 0x55;
    hart.x[8] = 0x8888;
    for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
        uint64_t pc = hart.pc;
        exec16(hints[i].c);
        cr_assert_eq(hart.pc, pc + 2, "HINT %s (%#06x) must retire as a 2-byte no-op (mcause %lu)",
                     hints[i].text, hints[i].c, (unsigned long)hart.mcause);
        cr_assert_eq(hart.x[0], 0, "HINT %s must not change x0", hints[i].text);
        cr_assert_eq(hart.x[8], 0x8888, "HINT %s must not change x8", hints[i].text);
    }
}
