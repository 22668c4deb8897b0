/* RV64I executed on the hart: arithmetic, comparisons, shifts, W-forms, upper immediates,
 * jumps, branches, loads, stores, x0. Unpriv spec ch. 2 (RV32I) and ch. 4 (RV64I).
 * Expected values are worked by hand from the spec's definitions. */
#include <criterion/criterion.h>

#include "support/harness.h"

TestSuite(rv64i, .init = harness_init, .fini = harness_fini);

/* --- integer register-register and register-immediate (2.4, 4.2) --- */

/* 2.4.2: "Overflows are ignored and the low XLEN bits of results are written." */
Test(rv64i, add_and_sub_wrap_on_overflow)
{
    hart.x[1] = 0x7fffffffffffffffull;
    hart.x[2] = 1;
    hart.x[3] = 0xffffffffffffffffull;
    exec32(i_add(4, 1, 2));
    cr_assert_eq(hart.x[4], 0x8000000000000000ull, "INT64_MAX + 1 must wrap to INT64_MIN");
    exec32(i_add(5, 3, 2));
    cr_assert_eq(hart.x[5], 0, "0xffff...ffff + 1 must wrap to 0");
    exec32(i_sub(6, 0, 2));
    cr_assert_eq(hart.x[6], 0xffffffffffffffffull, "0 - 1 must wrap to all ones");
    exec32(i_sub(7, 4, 2));
    cr_assert_eq(hart.x[7], 0x7fffffffffffffffull, "INT64_MIN - 1 must wrap to INT64_MAX");
}

/* 2.4.1: ADDI adds the sign-extended 12-bit immediate. */
Test(rv64i, addi_sign_extends_immediate)
{
    hart.x[1] = 0x1000;
    exec32(i_addi(2, 1, -2048));
    cr_assert_eq(hart.x[2], 0x800, "0x1000 + (-2048) = 0x800");
    exec32(i_addi(3, 0, -1));
    cr_assert_eq(hart.x[3], 0xffffffffffffffffull, "addi rd, x0, -1 gives all ones (li -1)");
}

/* 2.4.2: SLT compares as signed, SLTU as unsigned. */
Test(rv64i, slt_is_signed_and_sltu_is_unsigned)
{
    hart.x[1] = 0xffffffffffffffffull; /* -1, or the largest unsigned value */
    hart.x[2] = 1;
    exec32(i_slt(3, 1, 2));
    cr_assert_eq(hart.x[3], 1, "slt: -1 < 1 as signed");
    exec32(i_sltu(4, 1, 2));
    cr_assert_eq(hart.x[4], 0, "sltu: 0xffff...ffff is not < 1 as unsigned");
    exec32(i_slt(5, 2, 1));
    cr_assert_eq(hart.x[5], 0, "slt: 1 is not < -1");
    exec32(i_sltu(6, 2, 1));
    cr_assert_eq(hart.x[6], 1, "sltu: 1 < 0xffff...ffff");
    exec32(i_sltu(7, 0, 2));
    cr_assert_eq(hart.x[7], 1, "sltu rd, x0, rs2 is snez: 1 when rs2 != 0");
    exec32(i_slt(8, 2, 2));
    cr_assert_eq(hart.x[8], 0, "slt of equal values is 0");
}

/* 2.4.1: SLTIU sign-extends the immediate, then compares unsigned; sltiu rd, rs, 1 = seqz. */
Test(rv64i, sltiu_sign_extends_then_compares_unsigned)
{
    hart.x[1] = 0xfffffffffffffffeull;
    exec32(i_sltiu(2, 1, -1));
    cr_assert_eq(hart.x[2], 1, "sltiu: 0xff..fe < sext(-1) = 0xff..ff as unsigned");
    exec32(i_sltiu(3, 0, 1));
    cr_assert_eq(hart.x[3], 1, "sltiu rd, x0, 1 (seqz of 0) must be 1");
    exec32(i_sltiu(4, 1, 1));
    cr_assert_eq(hart.x[4], 0, "seqz of a nonzero value must be 0");
    exec32(i_slti(5, 1, -1));
    cr_assert_eq(hart.x[5], 1, "slti: -2 < -1 as signed");
    exec32(i_slti(6, 1, -2));
    cr_assert_eq(hart.x[6], 0, "slti: -2 is not < -2");
}

/* 2.4.1: logical immediates are sign-extended (xori rd, rs, -1 is NOT). */
Test(rv64i, logical_immediates_are_sign_extended)
{
    hart.x[1] = 0x0123456789abcdefull;
    exec32(i_xori(2, 1, -1));
    cr_assert_eq(hart.x[2], 0xfedcba9876543210ull, "xori -1 must invert all 64 bits");
    exec32(i_andi(3, 1, -16));
    cr_assert_eq(hart.x[3], 0x0123456789abcde0ull, "andi -16 clears only the low 4 bits");
    exec32(i_ori(4, 0, -2048));
    cr_assert_eq(hart.x[4], 0xfffffffffffff800ull, "ori x0, -2048 sign-extends bit 11");
    exec32(i_andi(5, 1, 0x7ff));
    cr_assert_eq(hart.x[5], 0x5ef, "andi 0x7ff keeps bits 10:0");
}

Test(rv64i, register_logical_ops)
{
    hart.x[1] = 0xff00ff00ff00ff00ull;
    hart.x[2] = 0x0ff00ff00ff00ff0ull;
    exec32(i_and(3, 1, 2));
    cr_assert_eq(hart.x[3], 0x0f000f000f000f00ull, "and");
    exec32(i_or(4, 1, 2));
    cr_assert_eq(hart.x[4], 0xfff0fff0fff0fff0ull, "or");
    exec32(i_xor(5, 1, 2));
    cr_assert_eq(hart.x[5], 0xf0f0f0f0f0f0f0f0ull, "xor");
}

/* 4.2.2: SLL/SRL/SRA shift by the low 6 bits of rs2 on RV64. */
Test(rv64i, register_shifts_use_low_6_bits_of_rs2)
{
    hart.x[1] = 0x8000000000000001ull;
    uint64_t amounts[] = {0, 31, 32, 63, 64, 64 + 3, 0xffffffffffffffc1ull /* low bits 000001 */};
    uint64_t sll[] = {0x8000000000000001ull, 0x0000000080000000ull, 0x0000000100000000ull,
                      0x8000000000000000ull, 0x8000000000000001ull, 0x0000000000000008ull,
                      0x0000000000000002ull};
    uint64_t srl[] = {0x8000000000000001ull, 0x0000000100000000ull, 0x0000000080000000ull,
                      0x0000000000000001ull, 0x8000000000000001ull, 0x1000000000000000ull,
                      0x4000000000000000ull};
    uint64_t sra[] = {0x8000000000000001ull, 0xffffffff00000000ull, 0xffffffff80000000ull,
                      0xffffffffffffffffull, 0x8000000000000001ull, 0xf000000000000000ull,
                      0xc000000000000000ull};
    for (size_t i = 0; i < sizeof(amounts) / sizeof(amounts[0]); i++) {
        hart.x[2] = amounts[i];
        exec32(i_sll(3, 1, 2));
        exec32(i_srl(4, 1, 2));
        exec32(i_sra(5, 1, 2));
        cr_assert_eq(hart.x[3], sll[i], "sll by %#lx: got %#lx, want %#lx",
                     (unsigned long)amounts[i], (unsigned long)hart.x[3], (unsigned long)sll[i]);
        cr_assert_eq(hart.x[4], srl[i], "srl by %#lx: got %#lx, want %#lx",
                     (unsigned long)amounts[i], (unsigned long)hart.x[4], (unsigned long)srl[i]);
        cr_assert_eq(hart.x[5], sra[i], "sra by %#lx: got %#lx, want %#lx",
                     (unsigned long)amounts[i], (unsigned long)hart.x[5], (unsigned long)sra[i]);
    }
}

/* 4.2.1: SLLI/SRLI/SRAI take a 6-bit shamt; SRAI copies the sign bit, SRLI shifts in zeros. */
Test(rv64i, shift_immediates_srai_vs_srli)
{
    hart.x[1] = 0x8000000000000000ull;
    exec32(i_srli(2, 1, 63));
    cr_assert_eq(hart.x[2], 1, "srli 63 of the sign bit gives 1");
    exec32(i_srai(3, 1, 63));
    cr_assert_eq(hart.x[3], 0xffffffffffffffffull, "srai 63 of the sign bit gives all ones");
    exec32(i_srai(4, 1, 32));
    cr_assert_eq(hart.x[4], 0xffffffff80000000ull, "srai 32 copies bit 63 into bits 63:31");
    exec32(i_srli(5, 1, 0));
    cr_assert_eq(hart.x[5], 0x8000000000000000ull, "shift by 0 leaves the value alone");
    hart.x[6] = 1;
    exec32(i_slli(7, 6, 63));
    cr_assert_eq(hart.x[7], 0x8000000000000000ull, "slli 63 moves bit 0 to bit 63");
    exec32(i_slli(8, 6, 32));
    cr_assert_eq(hart.x[8], 0x100000000ull, "slli 32 is legal on RV64");
}

/* --- 32-bit (W) operations, 4.2: operate on the low 32 bits, sign-extend bit 31 --- */

Test(rv64i, addw_sign_extends_bit_31)
{
    hart.x[1] = 0x7fffffff;
    hart.x[2] = 1;
    exec32(i_addw(3, 1, 2));
    cr_assert_eq(hart.x[3], 0xffffffff80000000ull, "addw 0x7fffffff + 1 = sext(0x80000000)");
    hart.x[4] = 0xffffffff00000001ull; /* upper bits must be ignored */
    exec32(i_addiw(5, 4, 0));
    cr_assert_eq(hart.x[5], 1, "addiw rd, rs, 0 (sext.w) ignores bits 63:32");
    exec32(i_addiw(6, 0, -1));
    cr_assert_eq(hart.x[6], 0xffffffffffffffffull, "addiw x0, -1 gives -1");
    hart.x[7] = 0x1234567800000000ull; /* low 32 bits are 0 */
    hart.x[8] = 0x80000000ull;
    exec32(i_subw(9, 7, 8));
    cr_assert_eq(hart.x[9], 0xffffffff80000000ull, "subw 0 - 0x80000000 = sext(0x80000000)");
    exec32(i_addw(10, 8, 8));
    cr_assert_eq(hart.x[10], 0, "addw 0x80000000 + 0x80000000 wraps to 0 in 32 bits");
}

/* 4.2.2: SLLW/SRLW/SRAW use rs2[4:0]; results are sign-extended from bit 31. */
Test(rv64i, w_shifts_use_low_5_bits_and_sign_extend)
{
    hart.x[1] = 1;
    hart.x[2] = 31;
    exec32(i_sllw(3, 1, 2));
    cr_assert_eq(hart.x[3], 0xffffffff80000000ull, "sllw 1 << 31 = sext(0x80000000)");
    hart.x[2] = 32;
    exec32(i_sllw(4, 1, 2));
    cr_assert_eq(hart.x[4], 1, "sllw by 32 shifts by 32 & 31 = 0");
    hart.x[5] = 0xdeadbeef80000000ull;
    hart.x[2] = 31;
    exec32(i_srlw(6, 5, 2));
    cr_assert_eq(hart.x[6], 1, "srlw ignores bits 63:32 of rs1: 0x80000000 >> 31 = 1");
    hart.x[2] = 0;
    exec32(i_srlw(7, 5, 2));
    cr_assert_eq(hart.x[7], 0xffffffff80000000ull, "srlw by 0 still sign-extends bit 31");
    hart.x[2] = 4;
    exec32(i_sraw(8, 5, 2));
    cr_assert_eq(hart.x[8], 0xfffffffff8000000ull, "sraw 0x80000000 >> 4 copies bit 31");
    hart.x[2] = 36; /* & 31 = 4 */
    exec32(i_srlw(9, 5, 2));
    cr_assert_eq(hart.x[9], 0x08000000, "srlw by 36 shifts by 4, zero-fills from bit 31");
}

Test(rv64i, w_shift_immediates)
{
    hart.x[1] = 0x00000000c0000000ull;
    exec32(i_slliw(2, 1, 1));
    cr_assert_eq(hart.x[2], 0xffffffff80000000ull, "slliw 0xc0000000 << 1 = sext(0x80000000)");
    exec32(i_srliw(3, 1, 30));
    cr_assert_eq(hart.x[3], 3, "srliw 0xc0000000 >> 30 = 3");
    exec32(i_sraiw(4, 1, 30));
    cr_assert_eq(hart.x[4], 0xffffffffffffffffull, "sraiw 0xc0000000 >> 30 = -1");
    exec32(i_srliw(5, 1, 0));
    cr_assert_eq(hart.x[5], 0xffffffffc0000000ull, "srliw 0 sign-extends bit 31");
}

/* --- upper immediates, 2.4.1 / 4.2.1: the 32-bit result is sign-extended on RV64 --- */

Test(rv64i, lui_sign_extends_to_64_bits)
{
    exec32(i_lui(1, 0x80000));
    cr_assert_eq(hart.x[1], 0xffffffff80000000ull, "lui 0x80000 sign-extends bit 31");
    exec32(i_lui(2, 0x7ffff));
    cr_assert_eq(hart.x[2], 0x7ffff000ull, "lui 0x7ffff is positive");
    exec32(i_lui(3, 0xfffff));
    cr_assert_eq(hart.x[3], 0xfffffffffffff000ull, "lui 0xfffff is -4096");
}

Test(rv64i, auipc_adds_sign_extended_offset_to_its_own_pc)
{
    /* At pc 0x80000000: auipc 0xfffff adds -0x1000. */
    exec32(i_auipc(1, 0xfffff));
    cr_assert_eq(hart.x[1], 0x7ffff000ull, "auipc 0xfffff at 0x80000000 = 0x7ffff000");
    /* At pc 0x80000004: adding 0xffffffff80000000 lands at 4. */
    exec32(i_auipc(2, 0x80000));
    cr_assert_eq(hart.x[2], 4, "auipc 0x80000 at 0x80000004 = 0x80000004 - 0x80000000 = 4");
    exec32(i_auipc(3, 0));
    cr_assert_eq(hart.x[3], 0x80000008ull, "auipc 0 reads the instruction's own pc");
}

/* --- control transfer, 2.5 --- */

Test(rv64i, jal_links_pc_plus_4_and_jumps)
{
    exec32(i_jal(1, 0x100));
    cr_assert_eq(hart.x[1], CODE_BASE + 4, "jal writes pc + 4 to rd");
    cr_assert_eq(hart.pc, CODE_BASE + 0x100, "jal jumps to pc + offset");
    exec32(i_jal(5, -0x80));
    cr_assert_eq(hart.pc, CODE_BASE + 0x80, "jal with a negative offset jumps backwards");
    cr_assert_eq(hart.x[5], CODE_BASE + 0x104, "link of the second jal");
}

/* 2.5.1: target = (rs1 + sext(imm)) with bit 0 cleared; rd = pc + 4 (rs1 read first). */
Test(rv64i, jalr_clears_bit_0_and_links)
{
    hart.x[2] = CODE_BASE + 0x201;
    exec32(i_jalr(1, 2, -1));
    cr_assert_eq(hart.pc, CODE_BASE + 0x200, "jalr target 0x...201 - 1 = 0x...200");
    cr_assert_eq(hart.x[1], CODE_BASE + 4, "jalr writes pc + 4");

    hart.x[3] = CODE_BASE + 0x301; /* odd target: bit 0 cleared, not a misaligned trap */
    exec32(i_jalr(0, 3, 0));
    cr_assert_eq(hart.pc, CODE_BASE + 0x300, "jalr clears bit 0 of the target");
    cr_assert_eq(hart.mcause, 0, "an odd jalr target must not trap");
}

Test(rv64i, jalr_with_rd_equal_rs1_uses_old_value)
{
    hart.x[1] = CODE_BASE + 0x400;
    exec32(i_jalr(1, 1, 8));
    cr_assert_eq(hart.pc, CODE_BASE + 0x408, "target computed from rs1 before rd is written");
    cr_assert_eq(hart.x[1], CODE_BASE + 4, "rd gets the link");
}

/* 2.5.2: each branch, taken and not taken, signed and unsigned. */
Test(rv64i, branches_taken_and_not_taken)
{
    struct {
        uint32_t (*enc)(unsigned, unsigned, int32_t);
        uint64_t a, b;
        bool taken;
        const char *what;
    } cases[] = {
        {i_beq, 5, 5, true, "beq 5 == 5"},
        {i_beq, 5, 6, false, "beq 5 != 6"},
        {i_bne, 5, 6, true, "bne 5 != 6"},
        {i_bne, 7, 7, false, "bne 7 == 7"},
        {i_blt, -1ull, 1, true, "blt -1 < 1 (signed)"},
        {i_blt, 1, -1ull, false, "blt 1 < -1 is false"},
        {i_blt, 3, 3, false, "blt 3 < 3 is false"},
        {i_bge, 3, 3, true, "bge 3 >= 3"},
        {i_bge, 1, -1ull, true, "bge 1 >= -1 (signed)"},
        {i_bge, -1ull, 1, false, "bge -1 >= 1 is false"},
        {i_bltu, 1, -1ull, true, "bltu 1 < 0xff..ff (unsigned)"},
        {i_bltu, -1ull, 1, false, "bltu 0xff..ff < 1 is false"},
        {i_bgeu, -1ull, 1, true, "bgeu 0xff..ff >= 1 (unsigned)"},
        {i_bgeu, 1, -1ull, false, "bgeu 1 >= 0xff..ff is false"},
        {i_bgeu, 9, 9, true, "bgeu 9 >= 9"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int dir = 0; dir < 2; dir++) {
            int32_t off = dir ? -0x40 : 0x40;
            hart.pc = CODE_BASE + 0x1000;
            hart.x[10] = cases[i].a;
            hart.x[11] = cases[i].b;
            exec32(cases[i].enc(10, 11, off));
            uint64_t want =
                cases[i].taken ? CODE_BASE + 0x1000 + (uint64_t)(int64_t)off : CODE_BASE + 0x1004;
            cr_assert_eq(hart.pc, want, "%s, offset %d: pc %#lx, want %#lx", cases[i].what, off,
                         (unsigned long)hart.pc, (unsigned long)want);
        }
    }
}

/* --- loads and stores, 2.6 / 4.3 --- */

Test(rv64i, loads_sign_or_zero_extend_each_width)
{
    poke64(DATA_BASE, 0x8899aabbccddeeffull);
    poke64(DATA_BASE + 8, 0x0123456789abcdefull);
    hart.x[1] = DATA_BASE;
    struct {
        uint32_t insn;
        uint64_t want;
        const char *what;
    } cases[] = {
        {i_lb(2, 0, 1), 0xffffffffffffffffull, "lb 0xff sign-extends"},
        {i_lbu(2, 0, 1), 0xff, "lbu 0xff zero-extends"},
        {i_lb(2, 9, 1), 0xffffffffffffffcdull, "lb 0xcd at +9"},
        {i_lb(2, 15, 1), 0x01, "lb 0x01 at +15 is positive"},
        {i_lh(2, 0, 1), 0xffffffffffffeeffull, "lh 0xeeff sign-extends"},
        {i_lhu(2, 0, 1), 0xeeff, "lhu 0xeeff zero-extends"},
        {i_lh(2, 14, 1), 0x0123, "lh 0x0123 is positive"},
        {i_lw(2, 4, 1), 0xffffffff8899aabbull, "lw 0x8899aabb sign-extends"},
        {i_lwu(2, 4, 1), 0x8899aabbull, "lwu 0x8899aabb zero-extends"},
        {i_lw(2, 12, 1), 0x01234567, "lw 0x01234567 is positive"},
        {i_ld(2, 0, 1), 0x8899aabbccddeeffull, "ld reads 8 bytes little-endian"},
        {i_ld(2, 8, 1), 0x0123456789abcdefull, "ld at +8"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hart.x[2] = 0x5555555555555555ull;
        exec32(cases[i].insn);
        cr_assert_eq(hart.x[2], cases[i].want, "%s: got %#lx, want %#lx", cases[i].what,
                     (unsigned long)hart.x[2], (unsigned long)cases[i].want);
    }
}

Test(rv64i, load_offset_is_signed)
{
    poke32(DATA_BASE - 4, 0x11223344);
    hart.x[1] = DATA_BASE + 2044;
    exec32(i_lw(2, -2048, 1));
    cr_assert_eq(hart.x[2], 0x11223344, "lw -2048(rs1) reads below rs1");
}

/* Stores write exactly their width from the low bits of rs2 (2.6). */
Test(rv64i, stores_write_only_their_width)
{
    hart.x[1] = DATA_BASE;
    hart.x[2] = 0x1122334455667788ull;
    poke64(DATA_BASE, 0xa5a5a5a5a5a5a5a5ull);
    poke64(DATA_BASE + 8, 0xa5a5a5a5a5a5a5a5ull);
    exec32(i_sb(2, 1, 1));
    cr_assert_eq(peek64(DATA_BASE), 0xa5a5a5a5a5a588a5ull, "sb writes byte 1 only");
    exec32(i_sh(2, 2, 1));
    cr_assert_eq(peek64(DATA_BASE), 0xa5a5a5a5778888a5ull, "sh writes bytes 2..3 only");
    exec32(i_sw(2, 4, 1));
    cr_assert_eq(peek64(DATA_BASE), 0x55667788778888a5ull, "sw writes bytes 4..7 only");
    exec32(i_sd(2, 8, 1));
    cr_assert_eq(peek64(DATA_BASE + 8), 0x1122334455667788ull, "sd writes all 8 bytes");
    exec32(i_sd(2, -8, 1));
    cr_assert_eq(peek64(DATA_BASE - 8), 0x1122334455667788ull, "sd with a negative offset");
    cr_assert_eq(peek64(DATA_BASE), 0x55667788778888a5ull, "neighbouring bytes unchanged");
}

/* Misaligned accesses (2.6): either performed as if aligned, or an address-misaligned or
 * access-fault exception. Either is legal; a wrong value is not. */
Test(rv64i, misaligned_load_is_performed_or_traps)
{
    poke64(DATA_BASE, 0x8877665544332211ull);
    poke64(DATA_BASE + 8, 0x00000000000000aaull);
    hart.x[1] = DATA_BASE + 3;
    exec32(i_ld(2, 0, 1));
    if (hart.pc == TRAP_VECTOR) {
        cr_assert(hart.mcause == 4 || hart.mcause == 5, "misaligned ld trapped with cause %lu",
                  (unsigned long)hart.mcause);
        cr_assert_eq(hart.mtval, DATA_BASE + 3, "mtval = the misaligned address");
    } else {
        /* bytes at +3..+10: 44 55 66 77 88 aa 00 00 */
        cr_assert_eq(hart.x[2], 0x0000aa8877665544ull, "misaligned ld read %#lx",
                     (unsigned long)hart.x[2]);
    }
}

/* --- x0, 2.1: "register x0 is hardwired with all bits equal to 0" --- */

Test(rv64i, x0_stays_zero_when_written)
{
    exec32(i_addi(0, 0, 5));
    cr_assert_eq(hart.x[0], 0, "addi x0, x0, 5 must not change x0");
    exec32(i_lui(0, 0x12345));
    cr_assert_eq(hart.x[0], 0, "lui x0 must not change x0");
    poke64(DATA_BASE, 0xffffffffffffffffull);
    hart.x[1] = DATA_BASE;
    exec32(i_ld(0, 0, 1));
    cr_assert_eq(hart.x[0], 0, "ld x0 must not change x0");
    exec32(i_jal(0, 8));
    cr_assert_eq(hart.x[0], 0, "jal x0 discards the link");
    exec32(i_add(2, 0, 0));
    cr_assert_eq(hart.x[2], 0, "reading x0 after writes to it gives 0");
    exec32(i_addi(3, 0, 7));
    cr_assert_eq(hart.x[3], 7, "addi x3, x0, 7 reads x0 as 0");
}

/* FENCE has no architectural effect on a single hart; it must simply retire. */
Test(rv64i, fence_retires_as_nop)
{
    exec32(I_FENCE);
    cr_assert_eq(hart.pc, CODE_BASE + 4, "fence advances pc by 4");
    cr_assert_eq(hart.mcause, 0, "fence must not trap");
}

/* --- the threaded interpreter (cpu_run) on whole programs --- */

/* A loop summing 1..10 with a backward branch, run with cpu_run (decoded pages). */
Test(rv64i, loop_runs_under_cpu_run)
{
    code_at(CODE_BASE);
    put32(i_addi(1, 0, 10)); /* 0x00: counter */
    put32(i_addi(2, 0, 0));  /* 0x04: sum */
    put32(i_add(2, 2, 1));   /* 0x08: loop: sum += counter */
    put32(i_addi(1, 1, -1)); /* 0x0c */
    put32(i_bne(1, 0, -8));  /* 0x10: back to loop */
    put32(i_jal(0, 0));      /* 0x14: done: spin */
    cpu_run(&hart, 200);
    cr_assert_eq(hart.pc, CODE_BASE + 0x14, "the program must end in its final loop");
    cr_assert_eq(hart.x[2], 55, "1 + 2 + ... + 10 = 55, got %lu", (unsigned long)hart.x[2]);
}

/* Zifencei: after a store to an instruction and FENCE.I, the new instruction executes, even
 * though the old one was decoded (and cached) before. */
Test(rv64i, fence_i_makes_modified_code_visible)
{
    code_at(CODE_BASE);
    put32(i_addi(1, 0, 1));   /* 0x00: target, patched to addi x1, x0, 2 */
    put32(i_bne(7, 0, 0x14)); /* 0x04: second time round -> 0x18 */
    put32(i_sw(8, 0, 9));     /* 0x08: patch */
    put32(0x0000100f);        /* 0x0c: fence.i */
    put32(i_addi(7, 0, 1));   /* 0x10 */
    put32(i_jal(0, -0x14));   /* 0x14: back to the target */
    put32(i_jal(0, 0));       /* 0x18: spin */
    hart.x[8] = i_addi(1, 0, 2);
    hart.x[9] = CODE_BASE;
    cpu_run(&hart, 200);
    cr_assert_eq(hart.pc, CODE_BASE + 0x18, "the program must reach its final loop");
    cr_assert_eq(hart.x[1], 2, "the patched instruction (addi x1, x0, 2) must run, x1 = %lu",
                 (unsigned long)hart.x[1]);
}

/* A 32-bit instruction may start 2 bytes before a page boundary (with C, 1.5): both halves
 * come from different pages. */
Test(rv64i, instruction_crossing_a_page_boundary)
{
    uint64_t at = CODE_BASE + 0x1ffe;
    code_at(CODE_BASE);
    put32(i_jal(0, (int32_t)(at - CODE_BASE)));
    code_at(at);
    put32(i_addi(5, 0, 0x123)); /* straddles 0x80001ffe..0x80002001 */
    put32(i_addi(6, 5, 1));
    put32(i_jal(0, 0));
    cpu_run(&hart, 100);
    cr_assert_eq(hart.x[5], 0x123, "the straddling addi must execute");
    cr_assert_eq(hart.x[6], 0x124, "execution continues on the next page");
    cr_assert_eq(hart.pc, at + 8, "the program must reach its final loop");

    /* Same again with single steps. */
    harness_fini();
    harness_init();
    code_at(at);
    put32(i_addi(5, 0, 0x321));
    hart.pc = at;
    step(1);
    cr_assert_eq(hart.x[5], 0x321, "stepping the straddling addi");
    cr_assert_eq(hart.pc, at + 4, "pc after the straddling instruction");
}

/* Code first written through the store fast path (page without code yet), then executed,
 * then rewritten: the rewrite must not use a stale fast write entry, and after FENCE.I the
 * new code runs (Zifencei). */
Test(rv64i, code_written_by_fast_path_stores_then_rewritten)
{
    uint64_t sub = CODE_BASE + 0x3000;
    code_at(CODE_BASE);
    put32(i_sw(8, 0, 9));   /* 0x00: sub[0] = addi x1, x0, 1 */
    put32(i_sw(10, 4, 9));  /* 0x04: sub[1] = jalr x0, 0(x3) */
    put32(0x0000100f);      /* 0x08: fence.i */
    put32(i_jalr(3, 9, 0)); /* 0x0c: call sub */
    put32(i_add(20, 1, 0)); /* 0x10: x20 = first result */
    put32(i_sw(12, 0, 9));  /* 0x14: sub[0] = addi x1, x0, 2 */
    put32(0x0000100f);      /* 0x18: fence.i */
    put32(i_jalr(3, 9, 0)); /* 0x1c: call sub again */
    put32(i_jal(0, 0));     /* 0x20: spin */
    hart.x[8] = i_addi(1, 0, 1);
    hart.x[10] = i_jalr(0, 3, 0);
    hart.x[12] = i_addi(1, 0, 2);
    hart.x[9] = sub;
    cpu_run(&hart, 500);
    cr_assert_eq(hart.pc, CODE_BASE + 0x20, "the program must reach its final loop, pc %#lx",
                 (unsigned long)hart.pc);
    cr_assert_eq(hart.x[20], 1, "first call runs the code as first written");
    cr_assert_eq(hart.x[1], 2, "second call must run the rewritten instruction, x1 = %lu",
                 (unsigned long)hart.x[1]);
}

/* Sequential execution flows from the last instruction of one page into the next. */
Test(rv64i, sequential_flow_crosses_pages_under_cpu_run)
{
    uint64_t start = CODE_BASE + 0x1ff0;
    code_at(CODE_BASE);
    put32(i_jal(0, (int32_t)(start - CODE_BASE)));
    code_at(start);
    for (int i = 0; i < 8; i++)
        put32(i_addi(1, 1, 1)); /* 0x1ff0..0x200c */
    put32(i_jal(0, 0));
    cpu_run(&hart, 100);
    cr_assert_eq(hart.x[1], 8, "all 8 addis on both pages must run, x1 = %lu",
                 (unsigned long)hart.x[1]);
    cr_assert_eq(hart.pc, start + 32, "ends in the spin loop on the second page");
}

/* minstret counts every retired instruction under the threaded interpreter too. */
Test(rv64i, minstret_counts_under_cpu_run)
{
    code_at(CODE_BASE);
    put32(i_csrrs(20, 0xb02, 0)); /* 0x00: csrr x20, minstret */
    put32(i_addi(1, 0, 10));      /* 0x04 */
    put32(i_addi(1, 1, -1));      /* 0x08 */
    put32(i_bne(1, 0, -4));       /* 0x0c */
    put32(i_csrrs(21, 0xb02, 0)); /* 0x10 */
    put32(i_jal(0, 0));           /* 0x14 */
    cpu_run(&hart, 200);
    cr_assert_eq(hart.pc, CODE_BASE + 0x14, "program must finish");
    /* csrr + addi + 10 x (addi, bne) = 22 retired between the two reads */
    cr_assert_eq(hart.x[21] - hart.x[20], 22, "minstret difference %lu, want 22",
                 (unsigned long)(hart.x[21] - hart.x[20]));
}

/* cpu.h: cpu_invalidate_code is how writes from outside the hart (DMA, the debugger, a
 * loader) reach decoded pages. After it, the hart runs the new instruction. */
Test(rv64i, outside_write_to_decoded_code_is_seen)
{
    code_at(CODE_BASE);
    put32(i_addi(1, 0, 1)); /* 0x0 */
    put32(i_jal(0, 0));     /* 0x4 */
    cpu_run(&hart, 10);
    cr_assert_eq(hart.x[1], 1, "first run executes addi x1, x0, 1");
    poke32(CODE_BASE, i_addi(1, 0, 7)); /* the harness calls cpu_invalidate_code */
    hart.pc = CODE_BASE;
    cpu_run(&hart, 10);
    cr_assert_eq(hart.x[1], 7, "after cpu_invalidate_code the new instruction must run, x1 = %lu",
                 (unsigned long)hart.x[1]);
}
