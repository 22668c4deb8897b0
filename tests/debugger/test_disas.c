/* The debugger's disassembler (emu/disas.c) draws on the one instruction table: each test
 * names the assembler form it checks (unpriv spec ch. 2 formats, ch. 16 compressed). */
#include <criterion/criterion.h>
#include <string.h>

#include "cpu/insn.h"
#include "emu/disas.h"

static const char *disas32(uint32_t bits, uint64_t pc)
{
    static char buf[96];
    struct decoded d;
    cr_assert(rv_decode(bits, &d), "0x%08x must decode", bits);
    disas_format(buf, sizeof(buf), pc, &d);
    return buf;
}

Test(disas, i_type_lists_rd_rs1_imm)
{
    cr_assert_str_eq(disas32(0x00500513, 0), "addi a0, zero, 5");
}

Test(disas, loads_show_offset_and_base)
{
    cr_assert_str_eq(disas32(0x00813503, 0), "ld a0, 8(sp)");
}

Test(disas, stores_show_source_then_offset_and_base)
{
    cr_assert_str_eq(disas32(0x00b13823, 0), "sd a1, 16(sp)");
}

Test(disas, branch_target_is_absolute)
{
    cr_assert_str_eq(disas32(0x00b50863, 0x80000000), "beq a0, a1, 0x80000010");
}

Test(disas, csr_instructions_name_the_csr)
{
    cr_assert_str_eq(disas32(0x18051073, 0), "csrrw zero, satp, a0");
}

Test(disas, amo_shows_address_register_in_parentheses)
{
    cr_assert_str_eq(disas32(0x00c5a52f, 0), "amoadd.w a0, a2, (a1)");
}

Test(disas, mnemonics_are_lower_case_with_dots)
{
    cr_assert_str_eq(disas32(0x0000100f, 0), "fence.i");
    cr_assert_str_eq(disas32(0x12000073, 0), "sfence.vma zero, zero");
}

Test(disas, compressed_shows_the_expansion)
{
    struct decoded d;
    char buf[64];
    cr_assert(rv_decode_parcels(0x0505, 0, &d), "c.addi a0, 1 must decode");
    cr_assert_eq(d.len, 2, "a compressed instruction is 2 bytes long");
    disas_format(buf, sizeof(buf), 0, &d);
    cr_assert_str_eq(buf, "addi a0, a0, 1");
}

Test(disas, every_table_entry_disassembles_under_its_own_name)
{
    for (unsigned i = 0; i < OP_COUNT; i++) {
        struct decoded d;
        char buf[96], name[16];
        if (!rv_decode(insn_table[i].match, &d) || d.opcode != (enum opcode)i)
            continue; /* an earlier entry with an overlapping mask wins: not this one's form */
        disas_format(buf, sizeof(buf), 0, &d);
        size_t n = strlen(insn_table[i].name);
        for (size_t k = 0; k <= n; k++)
            name[k] = insn_table[i].name[k] == '_' ? '.' : (char)(insn_table[i].name[k] | 0x20);
        name[n] = '\0';
        cr_assert(strncmp(buf, name, n) == 0 && (buf[n] == ' ' || buf[n] == '\0'),
                  "%s must disassemble as '%s ...', got '%s'", insn_table[i].name, name, buf);
    }
}

Test(disas, csr_names_and_numbers_round_trip)
{
    unsigned csr;
    char buf[24];
    cr_assert(disas_csr_number("pmpaddr3", &csr) && csr == 0x3b3, "pmpaddr3 is 0x3b3");
    cr_assert_str_eq(disas_csr_name(0x3b3, buf, sizeof(buf)), "pmpaddr3");
    cr_assert(disas_csr_number("mhpmcounter3", &csr) && csr == 0xb03, "mhpmcounter3 is 0xb03");
    cr_assert(disas_csr_number("satp", &csr) && csr == 0x180, "satp is 0x180");
    cr_assert(disas_csr_number("0x300", &csr) && csr == 0x300, "numbers are accepted");
    cr_assert(!disas_csr_number("nosuchcsr", &csr), "unknown names are refused");
}

Test(disas, register_names_both_ways)
{
    unsigned r;
    cr_assert(disas_reg_number("a0", &r) && r == 10, "a0 is x10");
    cr_assert(disas_reg_number("x31", &r) && r == 31, "x31 by number");
    cr_assert(disas_reg_number("fp", &r) && r == 8, "fp is s0");
    cr_assert_str_eq(disas_reg_name(2), "sp");
}
