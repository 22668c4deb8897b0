/* Cache-block operations, their envcfg gating, the hints that never trap, Svinval's privilege
 * rules and the -cpu extension switches, on the hart. Rules from the CMO chapter of the
 * unprivileged spec ("Control and Status Register State": the gating pseudo-code; "Memory and
 * Processor Exceptions": store faults, xtval = rs1) and the privileged spec ("Svinval",
 * "Machine Environment Configuration Register"). Sv39 faults are in tests/priv/cmo.c. */
#include <criterion/criterion.h>

#include "cpu/cmo.h"
#include "cpu/csr_numbers.h"
#include "cpu/ext.h"
#include "support/harness.h"

static void fini(void)
{
    rv_ext_set(rv_ext_all()); /* every test leaves the hart as it found it */
    harness_fini();
}
TestSuite(cmo, .init = harness_init, .fini = fini);

enum { INVAL = 0, CLEAN = 1, FLUSH = 2, ZERO = 4 };

static void fill(uint64_t pa, unsigned n, uint8_t v)
{
    for (unsigned i = 0; i < n; i++)
        poke8(pa + i, v);
}

/* Execute one instruction at CODE_BASE in privilege p; true if it trapped (cause in mcause). */
static bool trapped(uint32_t insn, enum priv p)
{
    set_priv(p);
    hart.pc = CODE_BASE;
    code_at(CODE_BASE);
    exec32(insn);
    return hart.pc == TRAP_VECTOR;
}

Test(cmo, cbo_zero_clears_the_aligned_64_byte_block_holding_rs1)
{
    uint64_t block = DATA_BASE + 0x140;
    fill(block - 8, 80, 0xaa);
    hart.x[5] = block + 0x27; /* anywhere inside: no misaligned exception */
    cr_assert_not(trapped(i_cbo(ZERO, 5), PRIV_M), "cbo.zero in M-mode must not trap");
    for (unsigned i = 0; i < 64; i++)
        cr_assert_eq(peek8(block + i), 0, "byte %u of the block must be zero", i);
    cr_assert_eq(peek64(block - 8), 0xaaaaaaaaaaaaaaaaull, "the bytes before the block stay");
    cr_assert_eq(peek64(block + 64), 0xaaaaaaaaaaaaaaaaull, "the bytes after the block stay");
}

Test(cmo, cbo_zero_over_code_drops_the_decoded_instructions)
{
    /* the block at CODE_BASE + 0x40 holds an addi; zeroing it makes it an illegal word */
    code_at(CODE_BASE + 0x40);
    put32(i_addi(6, 0, 1));
    hart.x[5] = CODE_BASE + 0x40;
    hart.pc = CODE_BASE + 0x40;
    step(1); /* decode and run the addi once */
    cr_assert_eq(hart.x[6], 1);
    code_at(CODE_BASE);
    hart.pc = CODE_BASE;
    exec32(i_cbo(ZERO, 5));
    hart.pc = CODE_BASE + 0x40;
    step(1);
    cr_assert_eq(hart.pc, TRAP_VECTOR, "the zeroed instruction must now be illegal");
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN);
}

/* "raises a store ... access-fault exception otherwise"; "*tval ... the value of rs1" */
Test(cmo, no_memory_gives_a_store_access_fault_with_rs1_in_mtval)
{
    static const unsigned ops[] = {ZERO, CLEAN, FLUSH, INVAL};
    for (unsigned k = 0; k < 4; k++) {
        hart.x[5] = UNMAPPED_ADDR + 0x123;
        cr_assert(trapped(i_cbo(ops[k], 5), PRIV_M), "cbo op %u to no memory must trap", ops[k]);
        cr_assert_eq(hart.mcause, EXC_STORE_ACCESS, "op %u: store access fault, not %llu", ops[k],
                     (unsigned long long)hart.mcause);
        cr_assert_eq(hart.mtval, UNMAPPED_ADDR + 0x123, "op %u: mtval = rs1, unaligned", ops[k]);
    }
}

/* "if (((priv_mode != M) && !menvcfg.CBZE) || ((priv_mode == U) && !senvcfg.CBZE)) raise
 * illegal instruction" */
Test(cmo, cbo_zero_below_m_needs_menvcfg_and_in_u_senvcfg)
{
    hart.x[5] = DATA_BASE;
    cr_assert(trapped(i_cbo(ZERO, 5), PRIV_S), "S-mode with menvcfg.CBZE = 0 must trap");
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN);
    hart.menvcfg = ENVCFG_CBZE;
    cr_assert_not(trapped(i_cbo(ZERO, 5), PRIV_S), "S-mode with menvcfg.CBZE = 1 runs it");
    cr_assert(trapped(i_cbo(ZERO, 5), PRIV_U), "U-mode also needs senvcfg.CBZE");
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN);
    hart.senvcfg = ENVCFG_CBZE;
    cr_assert_not(trapped(i_cbo(ZERO, 5), PRIV_U), "U-mode with both set runs it");
    hart.menvcfg = 0;
    cr_assert(trapped(i_cbo(ZERO, 5), PRIV_U), "senvcfg alone is not enough");
}

Test(cmo, clean_flush_need_cbcfe_and_inval_needs_cbie)
{
    hart.x[5] = DATA_BASE;
    for (unsigned op = 0; op < 3; op++)
        cr_assert(trapped(i_cbo(op, 5), PRIV_S), "op %u in S with menvcfg = 0 must trap", op);
    hart.menvcfg = ENVCFG_CBCFE;
    cr_assert_not(trapped(i_cbo(CLEAN, 5), PRIV_S), "cbo.clean with CBCFE");
    cr_assert_not(trapped(i_cbo(FLUSH, 5), PRIV_S), "cbo.flush with CBCFE");
    cr_assert(trapped(i_cbo(INVAL, 5), PRIV_S), "cbo.inval needs CBIE, not CBCFE");
    hart.menvcfg = ENVCFG_CBIE_FLUSH;
    cr_assert_not(trapped(i_cbo(INVAL, 5), PRIV_S), "cbo.inval with CBIE = 01 (flush)");
    hart.menvcfg = ENVCFG_CBIE;
    cr_assert_not(trapped(i_cbo(INVAL, 5), PRIV_S), "cbo.inval with CBIE = 11 (invalidate)");
}

Test(cmo, envcfg_fields_are_write_masked)
{
    hart.x[5] = ~0ull;
    exec32(i_csrrw(0, CSR_MENVCFG, 5));
    cr_assert_eq(hart.menvcfg,
                 ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE | ENVCFG_STCE |
                     ENVCFG_PBMTE | ENVCFG_ADUE,
                 "menvcfg: every field of the hart's extensions writable, got %#llx",
                 (unsigned long long)hart.menvcfg);
    exec32(i_csrrw(0, CSR_SENVCFG, 5));
    cr_assert_eq(hart.senvcfg, ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE,
                 "senvcfg: no STCE, PBMTE, ADUE");
    hart.x[5] = 2ull << 4; /* CBIE = 10: reserved, WARL */
    exec32(i_csrrw(0, CSR_MENVCFG, 5));
    cr_assert_eq(hart.menvcfg & ENVCFG_CBIE, 0, "CBIE = 10 is not kept");
}

Test(cmo, without_zicbom_and_zicboz_the_fields_read_zero_and_cbos_are_illegal)
{
    rv_ext_set(rv_ext_all() & ~(1ull << EXT_ZICBOM | 1ull << EXT_ZICBOZ));
    hart.x[5] = ~0ull;
    exec32(i_csrrw(0, CSR_MENVCFG, 5));
    cr_assert_eq(hart.menvcfg & (ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE), 0);
    hart.x[5] = DATA_BASE;
    cr_assert(trapped(i_cbo(ZERO, 5), PRIV_M), "cbo.zero without Zicboz: illegal, even in M");
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN);
    cr_assert(trapped(i_cbo(CLEAN, 5), PRIV_M), "cbo.clean without Zicbom: illegal");
}

/* Zicbop and Zihintpause are hints: "does not raise any exceptions", in any mode, even where
 * the address has nothing behind it. */
Test(cmo, prefetch_and_pause_never_trap)
{
    static const uint32_t hints[] = {0x0005e013 /* prefetch.i 0(a1) */,
                                     0x0015e013 /* prefetch.r 0(a1) */,
                                     0x7e35e013 /* prefetch.w 2016(a1) */, 0x0100000f /* pause */};
    hart.x[11] = UNMAPPED_ADDR;
    for (unsigned k = 0; k < 4; k++) {
        cr_assert_not(trapped(hints[k], PRIV_U), "hint %#x must not trap in U-mode", hints[k]);
        cr_assert_eq(hart.x[0], 0);
    }
}

/* Svinval: sinval.vma "requires the same permissions and raises the same exceptions as
 * SFENCE.VMA"; sfence.w.inval and sfence.inval.ir are illegal in U-mode only. */
Test(cmo, svinval_privilege_rules)
{
    const uint32_t sinval = 0x16000073, w_inval = 0x18000073, inval_ir = 0x18100073;
    cr_assert(trapped(sinval, PRIV_U), "sinval.vma in U");
    cr_assert_eq(hart.mcause, EXC_ILLEGAL_INSN);
    cr_assert(trapped(w_inval, PRIV_U), "sfence.w.inval in U");
    cr_assert(trapped(inval_ir, PRIV_U), "sfence.inval.ir in U");
    cr_assert_not(trapped(sinval, PRIV_S), "sinval.vma in S");
    hart.mstatus |= MSTATUS_TVM;
    cr_assert(trapped(sinval, PRIV_S), "sinval.vma in S with TVM = 1");
    cr_assert_not(trapped(w_inval, PRIV_S), "sfence.w.inval is not affected by TVM");
    cr_assert_not(trapped(inval_ir, PRIV_S), "sfence.inval.ir is not affected by TVM");
    cr_assert_not(trapped(sinval, PRIV_M), "sinval.vma in M");
}

/* -cpu rv64,EXT=off: the encodings decode as on a hart without the extension. */
Test(cmo, an_extension_turned_off_decodes_as_without_it)
{
    struct decoded d;
    rv_ext_set(rv_ext_all() & ~(1ull << EXT_ZBA | 1ull << EXT_ZICBOP | 1ull << EXT_ZIHINTPAUSE |
                                1ull << EXT_SVINVAL));
    cr_assert_not(rv_decode(0x20c5a533, &d), "sh1add without Zba is illegal");
    cr_assert(rv_decode(0x60059513, &d) && d.opcode == OP_CLZ, "clz (Zbb) still decodes");
    cr_assert(rv_decode(0x0015e013, &d) && d.opcode == OP_ORI, "prefetch.r is an ORI again");
    cr_assert(rv_decode(0x0100000f, &d) && d.opcode == OP_FENCE, "pause is a FENCE again");
    cr_assert_not(rv_decode(0x16b50073, &d), "sinval.vma without Svinval is illegal");
    rv_ext_set(0);
    cr_assert(rv_decode(0x00000013, &d) && d.opcode == OP_ADDI, "the base cannot be turned off");
    cr_assert(rv_ext_enabled(EXT_C) && !rv_ext_enabled(EXT_ZBB));
}

Test(cmo, without_sstc_there_is_no_stimecmp)
{
    cr_assert_not(trapped(i_csrrs(6, CSR_STIMECMP, 0), PRIV_M), "stimecmp exists with Sstc");
    rv_ext_set(rv_ext_all() & ~(1ull << EXT_SSTC));
    cr_assert(trapped(i_csrrs(6, CSR_STIMECMP, 0), PRIV_M), "no stimecmp without Sstc");
    hart.x[5] = ENVCFG_STCE;
    exec32(i_csrrw(0, CSR_MENVCFG, 5));
    cr_assert_eq(hart.menvcfg & ENVCFG_STCE, 0, "menvcfg.STCE is read-only zero without Sstc");
}
