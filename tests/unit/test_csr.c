/* Zicsr instructions and the CSRs every M-mode program relies on: unpriv spec ch. 7 (Zicsr),
 * priv spec 2.1 (CSR address mapping: privilege and read-only bits), 3.1 (machine CSRs). */
#include <criterion/criterion.h>

#include "cpu/ext.h"
#include "support/harness.h"

TestSuite(csr, .init = harness_init, .fini = harness_fini);

#define MSCRATCH 0x340
#define MEPC 0x341
#define MSTATUS 0x300
#define MISA 0x301
#define MVENDORID 0xf11
#define MHARTID 0xf14
#define MINSTRET 0xb02
#define MCYCLE 0xb00
#define CYCLE 0xc00
#define PMPCFG1 0x3a1

/* The step that ran `insn` trapped as an illegal instruction (cause 2) with mtval = insn. */
static void assert_illegal(uint32_t insn, uint64_t at, const char *what)
{
    cr_assert_eq(hart.pc, TRAP_VECTOR, "%s must trap", what);
    cr_assert_eq(hart.mcause, 2, "%s: cause must be illegal instruction (2), got %lu", what,
                 (unsigned long)hart.mcause);
    cr_assert_eq(hart.mepc, at, "%s: mepc must be the instruction's address", what);
    cr_assert_eq(hart.mtval, insn, "%s: mtval must hold the instruction bits %#x, got %#lx", what,
                 insn, (unsigned long)hart.mtval);
}

/* 7.1: CSRRW swaps: rd gets the old value, the CSR gets rs1. */
Test(csr, csrrw_returns_old_and_writes_new)
{
    hart.mscratch = 0x1111222233334444ull;
    hart.x[2] = 0x5555666677778888ull;
    exec32(i_csrrw(1, MSCRATCH, 2));
    cr_assert_eq(hart.x[1], 0x1111222233334444ull, "csrrw returns the old mscratch");
    cr_assert_eq(hart.mscratch, 0x5555666677778888ull, "csrrw writes rs1 to mscratch");
}

/* 7.1: CSRRS sets the bits that are 1 in rs1, CSRRC clears them; both return the old value. */
Test(csr, csrrs_sets_and_csrrc_clears_bits)
{
    hart.mscratch = 0xf0f0;
    hart.x[2] = 0x0ff0;
    exec32(i_csrrs(1, MSCRATCH, 2));
    cr_assert_eq(hart.x[1], 0xf0f0, "csrrs returns the old value");
    cr_assert_eq(hart.mscratch, 0xfff0, "csrrs ORs rs1 in");
    exec32(i_csrrc(3, MSCRATCH, 2));
    cr_assert_eq(hart.x[3], 0xfff0, "csrrc returns the value before clearing");
    cr_assert_eq(hart.mscratch, 0xf000, "csrrc clears rs1's bits");
}

/* 7.1: immediate forms use a 5-bit zero-extended zimm in the rs1 field. */
Test(csr, immediate_forms_zero_extend_zimm)
{
    hart.mscratch = 0xff00;
    exec32(i_csrrwi(1, MSCRATCH, 31));
    cr_assert_eq(hart.x[1], 0xff00, "csrrwi returns the old value");
    cr_assert_eq(hart.mscratch, 31, "csrrwi writes zimm 31 zero-extended (not -1)");
    exec32(i_csrrsi(2, MSCRATCH, 0x10));
    cr_assert_eq(hart.x[2], 31, "csrrsi returns the old value");
    cr_assert_eq(hart.mscratch, 31, "csrrsi 0x10 on 0x1f leaves 0x1f");
    exec32(i_csrrci(3, MSCRATCH, 0x5));
    cr_assert_eq(hart.x[3], 31, "csrrci returns the old value");
    cr_assert_eq(hart.mscratch, 26, "csrrci 5 clears bits 0 and 2 of 0x1f");
}

/* 7.1: CSRRW with rd = x0 still writes (it only skips the read). */
Test(csr, csrrw_with_rd_x0_still_writes)
{
    hart.x[2] = 0xabcdef;
    exec32(i_csrrw(0, MSCRATCH, 2));
    cr_assert_eq(hart.mscratch, 0xabcdef, "csrw mscratch, x2 must write");
    cr_assert_eq(hart.x[0], 0, "x0 stays zero");
}

/* 7.1: CSRRS/CSRRC with rs1 = x0 and CSRRSI/CSRRCI with zimm = 0 do not write, so they may
 * read a read-only CSR; priv spec 2.1: a write to a read-only CSR (bits 11:10 = 11) is
 * illegal. */
Test(csr, read_only_csr_readable_with_x0_source)
{
    exec32(i_csrrs(1, MHARTID, 0));
    cr_assert_eq(hart.pc, CODE_BASE + 4, "csrrs x1, mhartid, x0 must not trap");
    cr_assert_eq(hart.x[1], 0, "mhartid of the only hart is 0");
    hart.x[2] = 0x1234;
    exec32(i_csrrc(2, MVENDORID, 0));
    cr_assert_eq(hart.pc, CODE_BASE + 8, "csrrc x2, mvendorid, x0 must not trap");
    exec32(i_csrrsi(3, MHARTID, 0));
    cr_assert_eq(hart.pc, CODE_BASE + 12, "csrrsi x3, mhartid, 0 must not trap");
    exec32(i_csrrci(4, MHARTID, 0));
    cr_assert_eq(hart.pc, CODE_BASE + 16, "csrrci x4, mhartid, 0 must not trap");
}

Test(csr, write_to_read_only_csr_is_illegal)
{
    uint32_t insn = i_csrrw(0, MHARTID, 1);
    hart.x[1] = 5;
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "csrw mhartid");
}

/* 7.1: "if rs1 specifies a register holding a zero value other than x0, the instruction will
 * still attempt to write" - so on a read-only CSR it is illegal. */
Test(csr, csrrs_with_zero_valued_register_still_writes)
{
    uint32_t insn = i_csrrs(1, MHARTID, 2);
    hart.x[2] = 0;
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "csrrs x1, mhartid, x2 (x2 = 0)");
}

Test(csr, csrrwi_to_read_only_csr_is_illegal)
{
    uint32_t insn = i_csrrwi(1, MVENDORID, 0);
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "csrrwi x1, mvendorid, 0 (csrrwi always writes)");
}

/* priv spec 3.1.1: misa reports MXL = 2 (XLEN 64) and the extensions: I M A F D C S U. */
Test(csr, misa_reports_rv64imafdcsu)
{
    exec32(i_csrrs(1, MISA, 0));
    uint64_t misa = hart.x[1];
    cr_assert_eq(misa >> 62, 2, "misa.MXL must be 2 (64-bit), misa = %#lx", (unsigned long)misa);
    const char *want = "IMAFDCSU";
    for (const char *e = want; *e; e++)
        cr_assert(misa & (1ull << (*e - 'A')), "misa must report extension %c, misa = %#lx", *e,
                  (unsigned long)misa);
    cr_assert_not(misa & (1ull << ('Q' - 'A')), "misa must not report Q");
}

Test(csr, mhartid_reads_zero)
{
    hart.x[1] = 0xffff;
    exec32(i_csrrs(1, MHARTID, 0));
    cr_assert_eq(hart.x[1], 0, "mhartid must be 0 on a one-hart machine");
}

/* priv spec 2.1: accesses to a CSR that does not exist are illegal. 0x7ff is in the custom
 * M-mode read/write range, which rv39 does not populate. */
Test(csr, nonexistent_csr_is_illegal)
{
    uint32_t insn = i_csrrs(1, 0x7ff, 0);
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "csrr x1, 0x7ff");
}

/* priv spec 3.7.1: on RV64 the odd pmpcfg registers do not exist. */
Test(csr, odd_pmpcfg_is_illegal_on_rv64)
{
    uint32_t insn = i_csrrs(1, PMPCFG1, 0);
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "csrr x1, pmpcfg1");
}

/* priv spec 2.1: CSR address bits 9:8 give the lowest privilege allowed: M CSRs from U trap. */
Test(csr, machine_csr_from_user_mode_is_illegal)
{
    set_priv(PRIV_U);
    uint32_t insn = i_csrrs(1, MSCRATCH, 0);
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "csrr mscratch in U-mode");
    cr_assert_eq(hart.priv, PRIV_M, "the trap goes to M-mode");
}

/* unpriv spec 8 (counters) / priv spec 3.1.11: minstret counts retired instructions; a read
 * sees the instructions retired before the reading one. */
Test(csr, minstret_counts_retired_instructions)
{
    code_at(CODE_BASE);
    put32(i_csrrs(1, MINSTRET, 0));
    put32(I_NOP);
    put32(I_NOP);
    put32(i_csrrs(2, MINSTRET, 0));
    step(4);
    cr_assert_eq(hart.x[2] - hart.x[1], 3,
                 "csrr, nop, nop retire between the two reads: difference 3, got %lu",
                 (unsigned long)(hart.x[2] - hart.x[1]));
}

/* A trapping instruction does not retire (priv spec 3.1.11: instret counts retirements). */
Test(csr, trapping_instruction_does_not_retire)
{
    code_at(CODE_BASE);
    put32(i_csrrs(1, MINSTRET, 0)); /* 0x00 */
    put32(I_ECALL);                 /* 0x04: traps to TRAP_VECTOR */
    code_at(TRAP_VECTOR);
    put32(i_csrrs(2, MINSTRET, 0));
    step(3);
    cr_assert_eq(hart.mcause, 11, "ecall from M must have trapped");
    cr_assert_eq(hart.x[2] - hart.x[1], 1, "only the first csrr retired before the second read");
}

Test(csr, mcycle_and_cycle_advance_in_m_mode)
{
    code_at(CODE_BASE);
    put32(i_csrrs(1, CYCLE, 0));
    put32(I_NOP);
    put32(i_csrrs(2, MCYCLE, 0));
    step(3);
    cr_assert_eq(hart.pc, CODE_BASE + 12, "reading cycle in M-mode must not trap");
    cr_assert_gt(hart.x[2], hart.x[1], "mcycle must advance while instructions run");
}

/* priv spec 3.1.14: mepc[0] is always zero (IALIGN = 16 with C). */
Test(csr, mepc_bit_0_is_always_zero)
{
    hart.x[1] = 0x80001235;
    exec32(i_csrrw(0, MEPC, 1));
    exec32(i_csrrs(2, MEPC, 0));
    cr_assert_eq(hart.x[2], 0x80001234, "mepc must read back with bit 0 clear, got %#lx",
                 (unsigned long)hart.x[2]);
}

/* priv spec 3.1.6.1: MPP is WARL and can only hold supported modes (2 is reserved). */
Test(csr, mstatus_mpp_cannot_hold_reserved_mode)
{
    hart.x[1] = 2ull << 11;
    exec32(i_csrrw(0, MSTATUS, 1));
    exec32(i_csrrs(2, MSTATUS, 0));
    uint64_t mpp = (hart.x[2] >> 11) & 3;
    cr_assert_neq(mpp, 2, "mstatus.MPP must not read back as 2 (reserved)");
    cr_assert_eq((hart.x[2] >> 32) & 3, 2, "mstatus.UXL must be 2 (64-bit U-mode)");
}

/* priv spec 10.1.1: sstatus is a restricted view of mstatus; writing all ones through it
 * cannot touch M-only fields (MIE, MPIE, MPP). */
Test(csr, sstatus_write_cannot_change_machine_fields)
{
    hart.x[1] = ~0ull;
    exec32(i_csrrw(0, 0x100 /* sstatus */, 1));
    cr_assert_not(hart.mstatus & MSTATUS_MIE, "sstatus write must not set MIE");
    cr_assert_not(hart.mstatus & MSTATUS_MPIE, "sstatus write must not set MPIE");
    cr_assert_eq(hart.mstatus & MSTATUS_MPP, 0, "sstatus write must not change MPP");
    cr_assert(hart.mstatus & MSTATUS_SIE, "sstatus write sets SIE");
    cr_assert(hart.mstatus & MSTATUS_SUM, "sstatus write sets SUM");
}

/* priv spec 3.1.9: MTIP is read-only in mip (cleared only by writing mtimecmp). */
Test(csr, mip_mtip_is_read_only)
{
    hart.x[1] = MIP_MTIP;
    exec32(i_csrrs(0, 0x344 /* mip */, 1));
    cr_assert_eq(hart.pc, CODE_BASE + 4, "writing mip is legal");
    cr_assert_not(hart.mip & MIP_MTIP, "a CSR write must not set mip.MTIP");
    cpu_set_irq(&hart, IRQ_MTI, true);
    exec32(i_csrrc(0, 0x344, 1));
    cr_assert(hart.mip & MIP_MTIP, "a CSR write must not clear mip.MTIP either");
}

/* priv spec 3.1.11 / 10.1.5: U-mode reads of cycle need mcounteren.CY and scounteren.CY. */
Test(csr, user_counter_access_needs_both_counteren_bits)
{
    uint32_t insn = i_csrrs(1, CYCLE, 0);
    set_priv(PRIV_U);
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "rdcycle in U with mcounteren = 0");

    harness_fini();
    harness_init();
    hart.mcounteren = 1;
    set_priv(PRIV_U);
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "rdcycle in U with scounteren = 0 (S implemented)");

    harness_fini();
    harness_init();
    hart.mcounteren = 1;
    hart.scounteren = 1;
    set_priv(PRIV_U);
    exec32(insn);
    cr_assert_eq(hart.pc, CODE_BASE + 4, "rdcycle in U with both CY bits set must not trap");
}

/* cycle, time and instret are read-only (bits 11:10 = 11): writing one is illegal. */
Test(csr, write_to_user_counter_is_illegal)
{
    uint32_t insn = i_csrrw(0, CYCLE, 1);
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "csrw cycle");
}

/* A CSR instruction that traps must not write rd. */
Test(csr, trapping_csr_instruction_leaves_rd_alone)
{
    hart.x[1] = 0xabcd;
    exec32(i_csrrw(1, MHARTID, 2));
    cr_assert_eq(hart.mcause, 2, "csrrw to mhartid is illegal");
    cr_assert_eq(hart.x[1], 0xabcd, "rd must be unchanged after an illegal CSR access");
}

/* unpriv spec 7.1 (Zicsr): "If a CSR access instruction writes such a CSR, the explicit write
 * is done instead of the update from the side effect. In particular, a value written to
 * instret by one instruction will be the value read by the following instruction." */
Test(csr, value_written_to_minstret_is_read_by_next_instruction)
{
    code_at(CODE_BASE);
    put32(i_csrrw(0, MINSTRET, 1)); /* csrw minstret, x1 */
    put32(i_csrrs(2, MINSTRET, 0)); /* csrr x2, minstret */
    hart.x[1] = 1000;
    step(2);
    cr_assert_eq(hart.x[2], 1000, "csrr after csrw minstret = 1000 must read 1000, got %lu",
                 (unsigned long)hart.x[2]);
}

/* The same rule under the threaded interpreter (cpu_run). */
Test(csr, value_written_to_minstret_is_read_by_next_instruction_under_cpu_run)
{
    code_at(CODE_BASE);
    put32(i_csrrw(0, MINSTRET, 1)); /* 0x0: csrw minstret, x1 */
    put32(i_csrrs(2, MINSTRET, 0)); /* 0x4: csrr x2, minstret */
    put32(i_jal(0, 0));             /* 0x8 */
    hart.x[1] = 1000;
    cpu_run(&hart, 20);
    cr_assert_eq(hart.pc, CODE_BASE + 8, "program must finish");
    cr_assert_eq(hart.x[2], 1000, "csrr after csrw minstret = 1000 must read 1000, got %lu",
                 (unsigned long)hart.x[2]);
}

/* priv spec 3.1.12: with mcountinhibit.IR = 1, minstret does not count. */
Test(csr, mcountinhibit_ir_stops_minstret)
{
    code_at(CODE_BASE);
    put32(i_csrrwi(0, 0x320 /* mcountinhibit */, 4)); /* IR = bit 2 */
    put32(i_csrrs(1, MINSTRET, 0));
    put32(I_NOP);
    put32(I_NOP);
    put32(i_csrrs(2, MINSTRET, 0));
    step(5);
    cr_assert_eq(hart.x[2], hart.x[1], "minstret must not advance while inhibited (%lu -> %lu)",
                 (unsigned long)hart.x[1], (unsigned long)hart.x[2]);
}

/* Same rule for mcycle: the explicit write overrides the writing instruction's own count. */
Test(csr, value_written_to_mcycle_is_read_by_next_instruction)
{
    code_at(CODE_BASE);
    put32(i_csrrw(0, MCYCLE, 1));
    put32(i_csrrs(2, MCYCLE, 0));
    hart.x[1] = 5000;
    step(2);
    cr_assert_eq(hart.x[2], 5000, "csrr after csrw mcycle = 5000 must read 5000, got %lu",
                 (unsigned long)hart.x[2]);
}

/* priv spec 3.1.18 (menvcfg, Sstc): "When STCE is 0, an attempt to access stimecmp in a mode
 * other than M-mode raises an illegal-instruction exception": M-mode may always access it. */
Test(csr, stimecmp_accessible_from_m_mode_even_with_stce_clear)
{
    hart.x[1] = 0x1234;
    exec32(i_csrrw(2, 0x14d /* stimecmp */, 1));
    cr_assert_eq(hart.pc, CODE_BASE + 4,
                 "csrrw stimecmp in M with STCE = 0 must not trap "
                 "(mcause %lu)",
                 (unsigned long)hart.mcause);
    exec32(i_csrrs(3, 0x14d, 0));
    cr_assert_eq(hart.x[3], 0x1234, "stimecmp reads back the value M wrote");
}

/* ... and from S-mode with STCE = 0 it is illegal. */
Test(csr, stimecmp_illegal_from_s_mode_with_stce_clear)
{
    uint32_t insn = i_csrrs(1, 0x14d, 0);
    set_priv(PRIV_S);
    exec32(insn);
    assert_illegal(insn, CODE_BASE, "csrr stimecmp in S with menvcfg.STCE = 0");
}

/* Debug spec 5.7 (Sdtrig): rv39 has the trigger CSRs but no triggers. Probing software
 * (riscv-tests' breakpoint test, OpenSBI) must find "none" instead of trapping: tselect
 * does not keep a written index, tdata1 reads type 0, and none of it is visible below M. */
Test(csr, trigger_csrs_exist_but_report_no_triggers)
{
    hart.x[1] = 1;
    exec32(i_csrrw(0, 0x7a0, 1)); /* csrw tselect, x1 */
    cr_assert_neq(hart.mcause, 2, "csrw tselect must not trap");
    exec32(i_csrrs(2, 0x7a0, 0)); /* csrr x2, tselect */
    cr_assert_eq(hart.x[2], 0, "tselect is WARL: no trigger 1, so it reads back 0");
    hart.x[3] = 0xff;
    exec32(i_csrrs(3, 0x7a1, 0)); /* csrr x3, tdata1 */
    cr_assert_eq(hart.x[3] >> 60, 0, "tdata1.type = 0: no trigger at this index");
}

/* priv spec 3.1.13: an HPM counter whose mcountinhibit bit is set stops; cleared, it counts
 * on from the value it stopped at (rv39's mhpmcounter6 counts page faults). */
Test(csr, mcountinhibit_stops_and_resumes_hpm_counters)
{
    const uint16_t MHPMCOUNTER6 = 0xb06, HPMCOUNTER6 = 0xc06, MCOUNTINHIBIT = 0x320;
    uint64_t v;
    cr_assert(csr_write(&hart, MHPMCOUNTER6, 100));
    hart.stats.page_faults += 3;
    cr_assert(csr_read(&hart, MHPMCOUNTER6, &v));
    cr_assert_eq(v, 103, "counting: 100 + 3 events");
    cr_assert(csr_write(&hart, MCOUNTINHIBIT, 1u << 6));
    hart.stats.page_faults += 5;
    cr_assert(csr_read(&hart, MHPMCOUNTER6, &v));
    cr_assert_eq(v, 103, "inhibited: the counter keeps its value");
    cr_assert(csr_read(&hart, HPMCOUNTER6, &v));
    cr_assert_eq(v, 103, "the user view agrees");
    cr_assert(csr_write(&hart, MHPMCOUNTER6, 7));
    cr_assert(csr_read(&hart, MHPMCOUNTER6, &v));
    cr_assert_eq(v, 7, "written while inhibited");
    cr_assert(csr_write(&hart, MCOUNTINHIBIT, 0));
    hart.stats.page_faults += 2;
    cr_assert(csr_read(&hart, MHPMCOUNTER6, &v));
    cr_assert_eq(v, 9, "counting again from 7: events while inhibited are not counted");
}

/* satp is WARL (priv spec "Supervisor Address Translation and Protection (satp) Register"): a
 * MODE the hart lacks leaves the whole register unchanged. Bare and Sv39 always; Sv48 and
 * Sv57 up to the widest mode -cpu rv64,mmu=... leaves (cpu/ext.h); 11 is reserved. */
Test(csr, satp_accepts_modes_up_to_the_widest)
{
    const uint64_t ppn = 0x80123;
    uint64_t v;
    for (unsigned max = RV_VM_SV39; max <= RV_VM_SV57; max++) {
        rv_vm_set_max(max);
        for (uint64_t mode = 8; mode <= 11; mode++) {
            cr_assert(csr_write(&hart, 0x180, 0));
            cr_assert(csr_write(&hart, 0x180, mode << 60 | ppn));
            cr_assert(csr_read(&hart, 0x180, &v));
            uint64_t want = mode <= max ? (mode << 60 | ppn) : 0;
            cr_assert_eq(v, want, "widest mode %u, write MODE %llu: satp 0x%llx, want 0x%llx", max,
                         (unsigned long long)mode, (unsigned long long)v, (unsigned long long)want);
        }
    }
    rv_vm_set_max(RV_VM_SV57);
}
