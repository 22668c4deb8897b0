/* The decoder (cpu/decode.c): rv_decode on each instruction format, rejection of encodings
 * that are not instructions, and rvc_expand for every RV64C form.
 *
 * Expected values are encodings produced by riscv64-unknown-elf-as (binutils) and pasted
 * here, never recomputed with the decoder's own field arithmetic. */
#include <criterion/criterion.h>

#include "cpu/insn.h"
#include "support/harness.h"

static struct decoded decode_ok(uint32_t bits)
{
    struct decoded d;
    cr_assert(rv_decode(bits, &d), "%#010x is a valid RV64 instruction but did not decode", bits);
    cr_assert_eq(d.len, 4, "%#010x is a 32-bit instruction: len must be 4", bits);
    return d;
}

/* --- the harness's own encoders, against binutils (so every other test can trust them) --- */

Test(encoder, matches_binutils_for_every_format)
{
    struct {
        uint32_t mine, gas;
        const char *text;
    } cases[] = {
        {i_addi(5, 6, -1), 0xfff30293, "addi x5, x6, -1"},
        {i_ld(10, 2047, 11), 0x7ff5b503, "ld x10, 2047(x11)"},
        {i_jalr(1, 2, -2048), 0x800100e7, "jalr x1, -2048(x2)"},
        {i_sd(7, -8, 2), 0xfe713c23, "sd x7, -8(x2)"},
        {i_sw(1, 2047, 3), 0x7e11afa3, "sw x1, 2047(x3)"},
        {i_beq(1, 2, -4096), 0x80208063, "beq x1, x2, .-4096"},
        {i_bne(3, 4, 4094), 0x7e419fe3, "bne x3, x4, .+4094"},
        {i_lui(1, 0xfffff), 0xfffff0b7, "lui x1, 0xfffff"},
        {i_auipc(2, 0x80000), 0x80000117, "auipc x2, 0x80000"},
        {i_jal(1, -1048576), 0x800000ef, "jal x1, .-1048576"},
        {i_jal(0, 1048574), 0x7ffff06f, "jal x0, .+1048574"},
        {i_srai(1, 2, 63), 0x43f15093, "srai x1, x2, 63"},
        {i_slli(3, 4, 32), 0x02021193, "slli x3, x4, 32"},
        {i_csrrw(1, 0x340, 2), 0x340110f3, "csrrw x1, mscratch, x2"},
        {i_csrrwi(1, 0xf14, 31), 0xf14fd0f3, "csrrwi x1, mhartid, 31"},
        {i_sub(1, 2, 3), 0x403100b3, "sub x1, x2, x3"},
        {i_sraiw(5, 6, 31), 0x41f3529b, "sraiw x5, x6, 31"},
        {i_lr_d(4, 5), 0x1002b22f, "lr.d x4, (x5)"},
        {i_sc_w(6, 7, 8), 0x1874232f, "sc.w x6, x7, (x8)"},
        {i_mulhsu(9, 10, 11), 0x02b524b3, "mulhsu x9, x10, x11"},
        {i_remuw(12, 13, 14), 0x02e6f63b, "remuw x12, x13, x14"},
        {i_amomaxu_d(15, 16, 17), 0xe108b7af, "amomaxu.d x15, x16, (x17)"},
        {i_sb(31, -2048, 30), 0x81ff0023, "sb x31, -2048(x30)"},
        {i_lhu(29, -1, 28), 0xfffe5e83, "lhu x29, -1(x28)"},
        {i_bgeu(27, 26, 8), 0x01adf463, "bgeu x27, x26, .+8"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_assert_eq(cases[i].mine, cases[i].gas,
                     "harness encodes `%s` as %#010x, binutils as %#010x", cases[i].text,
                     cases[i].mine, cases[i].gas);
}

/* --- rv_decode: fields and immediates per format, unpriv spec 2.2 and 2.3 --- */

/* I-type: imm[11:0] = bits 31:20, sign-extended. */
Test(decode, i_format_sign_extends_12_bit_immediate)
{
    struct decoded d = decode_ok(0xfff30293); /* addi x5, x6, -1 */
    cr_assert_eq(d.opcode, OP_ADDI, "0xfff30293 is ADDI");
    cr_assert_eq(d.rd, 5, "rd = bits 11:7");
    cr_assert_eq(d.rs1, 6, "rs1 = bits 19:15");
    cr_assert_eq(d.imm, -1, "I-immediate 0xfff sign-extends to -1");

    d = decode_ok(0x7ff5b503); /* ld x10, 2047(x11) */
    cr_assert_eq(d.opcode, OP_LD, "0x7ff5b503 is LD");
    cr_assert(d.rd == 10 && d.rs1 == 11, "ld x10, 2047(x11): rd 10, rs1 11");
    cr_assert_eq(d.imm, 2047, "largest positive I-immediate is 2047");

    d = decode_ok(0x800100e7); /* jalr x1, -2048(x2) */
    cr_assert_eq(d.opcode, OP_JALR, "0x800100e7 is JALR");
    cr_assert(d.rd == 1 && d.rs1 == 2, "jalr x1, -2048(x2): rd 1, rs1 2");
    cr_assert_eq(d.imm, -2048, "most negative I-immediate is -2048");

    d = decode_ok(0xfffe5e83); /* lhu x29, -1(x28) */
    cr_assert_eq(d.opcode, OP_LHU, "0xfffe5e83 is LHU");
    cr_assert(d.rd == 29 && d.rs1 == 28 && d.imm == -1, "lhu x29, -1(x28)");
}

/* S-type: imm[11:5] = bits 31:25, imm[4:0] = bits 11:7. */
Test(decode, s_format_joins_split_immediate)
{
    struct decoded d = decode_ok(0xfe713c23); /* sd x7, -8(x2) */
    cr_assert_eq(d.opcode, OP_SD, "0xfe713c23 is SD");
    cr_assert(d.rs1 == 2 && d.rs2 == 7, "sd x7, -8(x2): rs1 2, rs2 7");
    cr_assert_eq(d.imm, -8, "S-immediate is -8");

    d = decode_ok(0x7e11afa3); /* sw x1, 2047(x3) */
    cr_assert_eq(d.opcode, OP_SW, "0x7e11afa3 is SW");
    cr_assert(d.rs1 == 3 && d.rs2 == 1 && d.imm == 2047, "sw x1, 2047(x3)");

    d = decode_ok(0x81ff0023); /* sb x31, -2048(x30) */
    cr_assert_eq(d.opcode, OP_SB, "0x81ff0023 is SB");
    cr_assert(d.rs1 == 30 && d.rs2 == 31 && d.imm == -2048, "sb x31, -2048(x30)");
}

/* B-type: 13-bit signed offset, bit 0 implicitly zero, range -4096..4094. */
Test(decode, b_format_is_13_bit_even_offset)
{
    struct decoded d = decode_ok(0x80208063); /* beq x1, x2, .-4096 */
    cr_assert_eq(d.opcode, OP_BEQ, "0x80208063 is BEQ");
    cr_assert(d.rs1 == 1 && d.rs2 == 2, "beq x1, x2: rs1 1, rs2 2");
    cr_assert_eq(d.imm, -4096, "most negative branch offset is -4096");

    d = decode_ok(0x7e419fe3); /* bne x3, x4, .+4094 */
    cr_assert_eq(d.opcode, OP_BNE, "0x7e419fe3 is BNE");
    cr_assert_eq(d.imm, 4094, "largest branch offset is 4094 (bit 0 is never encoded)");
    cr_assert_eq(d.imm & 1, 0, "branch offsets are multiples of 2");

    d = decode_ok(0x01adf463); /* bgeu x27, x26, .+8 */
    cr_assert_eq(d.opcode, OP_BGEU, "0x01adf463 is BGEU");
    cr_assert(d.rs1 == 27 && d.rs2 == 26 && d.imm == 8, "bgeu x27, x26, .+8");
}

/* U-type: imm[31:12] = bits 31:12, low 12 bits zero; sign-extended from bit 31 on RV64. */
Test(decode, u_format_places_upper_20_bits)
{
    struct decoded d = decode_ok(0xfffff0b7); /* lui x1, 0xfffff */
    cr_assert_eq(d.opcode, OP_LUI, "0xfffff0b7 is LUI");
    cr_assert_eq(d.rd, 1, "lui x1: rd 1");
    cr_assert_eq(d.imm, -4096, "lui 0xfffff: immediate 0xfffff000 = -4096");

    d = decode_ok(0x80000117); /* auipc x2, 0x80000 */
    cr_assert_eq(d.opcode, OP_AUIPC, "0x80000117 is AUIPC");
    cr_assert_eq(d.imm, INT32_MIN, "auipc 0x80000: immediate 0x80000000 (negative)");
}

/* J-type: 21-bit signed offset, bit 0 implicitly zero, range -1 MiB..1 MiB-2. */
Test(decode, j_format_is_21_bit_even_offset)
{
    struct decoded d = decode_ok(0x800000ef); /* jal x1, .-1048576 */
    cr_assert_eq(d.opcode, OP_JAL, "0x800000ef is JAL");
    cr_assert_eq(d.rd, 1, "jal x1: rd 1");
    cr_assert_eq(d.imm, -1048576, "most negative jal offset is -1 MiB");

    d = decode_ok(0x7ffff06f); /* jal x0, .+1048574 */
    cr_assert_eq(d.imm, 1048574, "largest jal offset is 1 MiB - 2");
}

/* RV64 shifts take a 6-bit shamt in bits 25:20 (unpriv spec 4.2.1); W shifts 5 bits. */
Test(decode, rv64_shift_immediates_have_6_bit_shamt)
{
    struct decoded d = decode_ok(0x43f15093); /* srai x1, x2, 63 */
    cr_assert_eq(d.opcode, OP_SRAI, "0x43f15093 is SRAI (bit 30 set), not SRLI");
    cr_assert(d.rd == 1 && d.rs1 == 2 && d.imm == 63, "srai x1, x2, 63");

    d = decode_ok(0x02021193); /* slli x3, x4, 32 */
    cr_assert_eq(d.opcode, OP_SLLI, "0x02021193 is SLLI with shamt[5] = 1");
    cr_assert_eq(d.imm, 32, "shamt 32 is legal on RV64");

    d = decode_ok(0x41f3529b); /* sraiw x5, x6, 31 */
    cr_assert_eq(d.opcode, OP_SRAIW, "0x41f3529b is SRAIW");
    cr_assert_eq(d.imm, 31, "sraiw shamt 31");
}

/* Zicsr: csr number in bits 31:20 (unsigned), rs1 field is the zimm of immediate forms. */
Test(decode, csr_forms_carry_csr_number_and_zimm)
{
    struct decoded d = decode_ok(0x340110f3); /* csrrw x1, mscratch, x2 */
    cr_assert_eq(d.opcode, OP_CSRRW, "0x340110f3 is CSRRW");
    cr_assert(d.rd == 1 && d.rs1 == 2, "csrrw x1, mscratch, x2: rd 1, rs1 2");
    cr_assert_eq(d.imm, 0x340, "csr field is mscratch (0x340)");

    d = decode_ok(0xf14fd0f3); /* csrrwi x1, mhartid, 31 */
    cr_assert_eq(d.opcode, OP_CSRRWI, "0xf14fd0f3 is CSRRWI");
    cr_assert_eq(d.imm, 0xf14, "csr numbers are not sign-extended: mhartid is 0xf14");
    cr_assert_eq(d.rs1, 31, "zimm 31 sits in the rs1 field");
}

Test(decode, r_format_and_extension_opcodes)
{
    struct decoded d = decode_ok(0x403100b3); /* sub x1, x2, x3 */
    cr_assert_eq(d.opcode, OP_SUB, "0x403100b3 is SUB");
    cr_assert(d.rd == 1 && d.rs1 == 2 && d.rs2 == 3, "sub x1, x2, x3");

    d = decode_ok(0x02b524b3); /* mulhsu x9, x10, x11 */
    cr_assert_eq(d.opcode, OP_MULHSU, "0x02b524b3 is MULHSU");
    cr_assert(d.rd == 9 && d.rs1 == 10 && d.rs2 == 11, "mulhsu x9, x10, x11");

    d = decode_ok(0x02e6f63b); /* remuw x12, x13, x14 */
    cr_assert_eq(d.opcode, OP_REMUW, "0x02e6f63b is REMUW");

    d = decode_ok(0x12208073); /* sfence.vma x1, x2 */
    cr_assert_eq(d.opcode, OP_SFENCE_VMA, "0x12208073 is SFENCE.VMA");
    cr_assert(d.rs1 == 1 && d.rs2 == 2, "sfence.vma x1, x2");
}

/* FENCE.TSO and PAUSE are encodings of FENCE (unpriv spec 2.7, Zihintpause): PAUSE has its
 * own table entry (its name in the disassembly), FENCE.TSO runs as FENCE; FENCE.I is
 * Zifencei. Encodings from binutils. */
Test(decode, fence_variants)
{
    cr_assert_eq(decode_ok(0x8330000f).opcode, OP_FENCE, "fence.tso is a FENCE");
    cr_assert_eq(decode_ok(0x0100000f).opcode, OP_PAUSE, "pause: FENCE with pred = W, succ = 0");
    cr_assert_eq(decode_ok(0x0110000f).opcode, OP_FENCE, "fence w, r is not pause");
    cr_assert_eq(decode_ok(0x0ff0000f).opcode, OP_FENCE, "fence iorw, iorw");
    cr_assert_eq(decode_ok(0x0000100f).opcode, OP_FENCE_I, "fence.i");
}

/* A: aq/rl (bits 26:25) do not change which instruction it is (unpriv spec 14.1). */
Test(decode, amo_ignores_aq_rl_bits)
{
    struct decoded d = decode_ok(0x0621a0af); /* amoadd.w.aqrl x1, x2, (x3) */
    cr_assert_eq(d.opcode, OP_AMOADD_W, "0x0621a0af is AMOADD.W with aq and rl");
    cr_assert(d.rd == 1 && d.rs2 == 2 && d.rs1 == 3, "amoadd.w x1, x2, (x3)");

    d = decode_ok(0x1002b22f); /* lr.d x4, (x5) */
    cr_assert_eq(d.opcode, OP_LR_D, "0x1002b22f is LR.D");
    d = decode_ok(0x1874232f); /* sc.w x6, x7, (x8) */
    cr_assert_eq(d.opcode, OP_SC_W, "0x1874232f is SC.W");
    d = decode_ok(0xe108b7af); /* amomaxu.d x15, x16, (x17) */
    cr_assert_eq(d.opcode, OP_AMOMAXU_D, "0xe108b7af is AMOMAXU.D");
}

/* Encodings that are no RV64IMAC instruction must be rejected (unpriv spec 2.2: the all-zero
 * and all-ones words are defined to be illegal). */
Test(decode, non_instructions_are_rejected)
{
    struct {
        uint32_t bits;
        const char *why;
    } bad[] = {
        {0x00000000, "all-zero word is defined illegal"},
        {0xffffffff, "all-ones word is defined illegal"},
        {0x04000033, "OP with funct7 0000010 is reserved (ADD is 0, MUL is 1)"},
        {0x80000033, "OP with funct7 1000000 is reserved"},
        {0x4000103b, "SLLW with funct7 0100000 is reserved"},
        {0x0200101b, "SLLIW with shamt[5] = 1 is reserved on RV64"},
        {0x0000700b, "opcode 0001011 (custom-0) is not implemented"},
        {0x00007003, "LOAD with funct3 111 is reserved on RV64"},
        {0x00007023, "STORE with funct3 100+ is reserved"},
        {0x00004007, "FLQ needs the Q extension"},
        {0x1010302f, "LR.D with rs2 != 0 is reserved"},
        {0x0000402f, "AMO with funct3 100 (quad) needs RV128"},
        {0x00002063, "BRANCH with funct3 010 is reserved"},
        {0x00001067, "JALR with funct3 001 is reserved"},
        {0x00004073, "SYSTEM with funct3 100 is not a CSR instruction"},
        {0x08001013, "SLLI with funct6 000010 is reserved"},
        {0x00100173, "ECALL/EBREAK with rd != 0 is reserved"},
        {0x2000503b, "OP-32 funct3 101 with funct7 0010000 is reserved"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct decoded d;
        cr_assert_not(rv_decode(bad[i].bits, &d), "%#010x decoded: %s", bad[i].bits, bad[i].why);
        cr_assert_eq(d.opcode, OP_ILLEGAL, "%#010x: rejected words must say OP_ILLEGAL",
                     bad[i].bits);
    }
}

/* rv_decode_parcels: the low two bits of the first parcel give the length (unpriv spec 1.5). */
Test(decode, parcels_pick_length_from_low_bits)
{
    struct decoded d;
    cr_assert(rv_decode_parcels(0x4555, 0xffff, &d), "c.li x10, 21 must decode");
    cr_assert_eq(d.len, 2, "a parcel with low bits != 11 is a 16-bit instruction");
    cr_assert_eq(d.opcode, OP_ADDI, "c.li expands to addi");
    cr_assert(d.rd == 10 && d.rs1 == 0 && d.imm == 21, "c.li x10, 21 = addi x10, x0, 21");

    cr_assert(rv_decode_parcels(0x0293, 0xfff3, &d), "addi x5, x6, -1 from two parcels");
    cr_assert_eq(d.len, 4, "low bits 11 mean a 32-bit instruction");
    cr_assert(d.opcode == OP_ADDI && d.rd == 5 && d.rs1 == 6 && d.imm == -1,
              "parcels 0x0293, 0xfff3 are addi x5, x6, -1");

    cr_assert_not(rv_decode_parcels(0x0000, 0x1234, &d), "the all-zero parcel is illegal");
    cr_assert_eq(d.opcode, OP_ILLEGAL, "illegal 16-bit parcel decodes to OP_ILLEGAL");
    cr_assert_eq(d.len, 2, "an illegal 16-bit parcel is still 2 bytes long");
}

/* --- rvc_expand: unpriv spec ch. 16 ("C" extension), one test over every RV64C form --- */

/* Each compressed instruction next to the 32-bit instruction it stands for, both encoded by
 * binutils (`.option rvc` / `.option norvc`). */
static const struct {
    uint16_t c;
    uint32_t expanded;
    const char *text;
} rvc_forms[] = {
    {0x1fe0, 0x3fc10413, "c.addi4spn x8, x2, 1020"},
    {0x005c, 0x00410793, "c.addi4spn x15, x2, 4"},
    {0x5d64, 0x07c52483, "c.lw x9, 124(x10)"},
    {0x403c, 0x04042783, "c.lw x15, 64(x8)"},
    {0x7e6c, 0x0f863583, "c.ld x11, 248(x12)"},
    {0xdf74, 0x06d72e23, "c.sw x13, 124(x14)"},
    {0xfc7c, 0x0ef43c23, "c.sd x15, 248(x8)"},
    {0x0001, 0x00000013, "c.nop"},
    {0x1281, 0xfe028293, "c.addi x5, -32"},
    {0x0ffd, 0x01ff8f93, "c.addi x31, 31"},
    {0x337d, 0xfff3031b, "c.addiw x6, -1"},
    {0x2085, 0x0010809b, "c.addiw x1, 1"},
    {0x5381, 0xfe000393, "c.li x7, -32"},
    {0x4555, 0x01500513, "c.li x10, 21"},
    {0x7101, 0xe0010113, "c.addi16sp x2, -512"},
    {0x617d, 0x1f010113, "c.addi16sp x2, 496"},
    {0x7181, 0xfffe01b7, "c.lui x3, 0xfffe0"},
    {0x627d, 0x0001f237, "c.lui x4, 0x1f"},
    {0x907d, 0x03f45413, "c.srli x8, 63"},
    {0x8085, 0x0014d493, "c.srli x9, 1"},
    {0x9501, 0x42055513, "c.srai x10, 32"},
    {0x99fd, 0xfff5f593, "c.andi x11, -1"},
    {0x8a29, 0x00a67613, "c.andi x12, 10"},
    {0x8e99, 0x40e686b3, "c.sub x13, x14"},
    {0x8f3d, 0x00f74733, "c.xor x14, x15"},
    {0x8fc1, 0x0087e7b3, "c.or x15, x8"},
    {0x8c65, 0x00947433, "c.and x8, x9"},
    {0x9c89, 0x40a484bb, "c.subw x9, x10"},
    {0x9d2d, 0x00b5053b, "c.addw x10, x11"},
    {0xb001, 0x801ff06f, "c.j .-2048"},
    {0xaffd, 0x7fe0006f, "c.j .+2046"},
    {0xd001, 0xf00400e3, "c.beqz x8, .-256"},
    {0xeffd, 0x0e079f63, "c.bnez x15, .+254"},
    {0xe089, 0x00049163, "c.bnez x9, .+2"},
    {0x12fe, 0x03f29293, "c.slli x5, 63"},
    {0x0f86, 0x001f9f93, "c.slli x31, 1"},
    {0x537e, 0x0fc12303, "c.lwsp x6, 252(x2)"},
    {0x73fe, 0x1f813383, "c.ldsp x7, 504(x2)"},
    {0x8082, 0x00008067, "c.jr x1"},
    {0x847e, 0x01f00433, "c.mv x8, x31"},
    {0x9002, 0x00100073, "c.ebreak"},
    {0x9282, 0x000280e7, "c.jalr x5"},
    {0x94fa, 0x01e484b3, "c.add x9, x30"},
    {0xdfaa, 0x0ea12e23, "c.swsp x10, 252(x2)"},
    {0xffae, 0x1eb13c23, "c.sdsp x11, 504(x2)"},
};

Test(rvc_expand, every_rv64c_form_expands_to_its_32_bit_equivalent)
{
    for (size_t i = 0; i < sizeof(rvc_forms) / sizeof(rvc_forms[0]); i++) {
        uint32_t got = rvc_expand(rvc_forms[i].c);
        cr_expect_eq(got, rvc_forms[i].expanded, "%s (%#06x) expands to %#010x, spec says %#010x",
                     rvc_forms[i].text, rvc_forms[i].c, got, rvc_forms[i].expanded);
    }
}

/* In RV64C the RV32 C.JAL slot (quadrant 1, funct3 001) is C.ADDIW (unpriv spec 16.5). */
Test(rvc_expand, rv32_c_jal_slot_is_c_addiw_on_rv64)
{
    uint32_t got = rvc_expand(0x2085); /* RV32: c.jal .+32; RV64: c.addiw x1, 1 */
    cr_assert_eq(got, 0x0010809b, "0x2085 must be addiw x1, x1, 1 on RV64, got %#010x", got);
}

/* Reserved and illegal compressed encodings expand to 0 (the caller raises illegal). */
Test(rvc_expand, reserved_encodings_give_zero)
{
    struct {
        uint16_t c;
        const char *why;
    } bad[] = {
        {0x0000, "the all-zero parcel is defined illegal (16.1)"},
        {0x0004, "C.ADDI4SPN with nzuimm = 0 is reserved"},
        {0x0018, "C.ADDI4SPN with nzuimm = 0 (rd' = x14) is reserved"},
        {0x4002, "C.LWSP with rd = x0 is reserved"},
        {0x407e, "C.LWSP with rd = x0 and an offset is reserved"},
        {0x6002, "C.LDSP with rd = x0 is reserved"},
        {0x8002, "C.JR with rs1 = x0 is reserved"},
        {0x2001, "C.ADDIW with rd = x0 is reserved"},
        {0x2005, "C.ADDIW with rd = x0 and imm 1 is reserved"},
        {0x6101, "C.ADDI16SP with nzimm = 0 is reserved"},
        {0x6081, "C.LUI with nzimm = 0 is reserved"},
        {0x6281, "C.LUI x5 with nzimm = 0 is reserved"},
        {0x8000, "quadrant 0, funct3 100 is reserved"},
        {0x9c41, "C.SUBW/C.ADDW slot funct2 10 is reserved"},
        {0x9c61, "C.SUBW/C.ADDW slot funct2 11 is reserved"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t got = rvc_expand(bad[i].c);
        cr_expect_eq(got, 0, "%#06x expanded to %#010x: %s", bad[i].c, got, bad[i].why);
    }
}

/* The RV32 C.FLW slot is C.LD on RV64: with a zero offset it is still legal (only the
 * C.ADDI4SPN zero-immediate rule makes a zero field reserved in quadrant 0). */
Test(rvc_expand, rv32_c_flw_slot_is_c_ld_on_rv64)
{
    uint32_t got = rvc_expand(0x6000);
    cr_assert_eq(got, 0x00043403, "0x6000 is c.ld x8, 0(x8) = ld x8, 0(x8), got %#010x", got);
}

/* A 32-bit instruction's first parcel (low bits 11) is not a compressed instruction. */
Test(rvc_expand, parcel_with_low_bits_11_is_not_compressed)
{
    cr_assert_eq(rvc_expand(0x0293), 0, "low bits 11 mark a 32-bit instruction, not RVC");
}
