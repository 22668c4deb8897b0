/* Exceptions, interrupts and trap return: priv spec 3.1.6.1 (privilege and global interrupt
 * stack), 3.1.7 (mtvec modes), 3.1.8 (delegation), 3.1.9 (mip/mie, priority), 3.1.15
 * (mcause codes), 3.1.16 (mtval), 3.3.2 (MRET), 10.1 / 3.3.2 (SRET). */
#include <criterion/criterion.h>

#include "support/harness.h"

TestSuite(trap, .init = harness_init, .fini = harness_fini);

#define INTERRUPT (1ull << 63)
#define MPP_OF(s) (((s)&MSTATUS_MPP) >> MSTATUS_MPP_SHIFT)

static void assert_exception(uint64_t cause, uint64_t epc, const char *what)
{
    cr_assert_eq(hart.mcause, cause, "%s: mcause %#lx, want %lu", what, (unsigned long)hart.mcause,
                 (unsigned long)cause);
    cr_assert_eq(hart.mepc, epc, "%s: mepc %#lx, want %#lx", what, (unsigned long)hart.mepc,
                 (unsigned long)epc);
    cr_assert_eq(hart.pc, TRAP_VECTOR, "%s: pc must be mtvec.BASE (direct mode)", what);
    cr_assert_eq(hart.priv, PRIV_M, "%s: the trap is taken in M-mode", what);
}

/* --- synchronous exceptions --- */

/* 3.1.15: ecall from M is cause 11; mepc is the ecall itself; mtval 0 (3.1.16). */
Test(trap, ecall_from_m_mode)
{
    hart.mstatus |= MSTATUS_MIE;
    exec32(I_NOP);
    exec32(I_ECALL);
    assert_exception(11, CODE_BASE + 4, "ecall in M");
    cr_assert_eq(hart.mtval, 0, "ecall: mtval must be 0");
    cr_assert_eq(MPP_OF(hart.mstatus), PRIV_M, "MPP must record the previous mode (M)");
    cr_assert(hart.mstatus & MSTATUS_MPIE, "MPIE must take the old MIE (1)");
    cr_assert_not(hart.mstatus & MSTATUS_MIE, "MIE must be cleared on trap entry");
}

Test(trap, ecall_cause_depends_on_privilege)
{
    set_priv(PRIV_U);
    exec32(I_ECALL);
    assert_exception(8, CODE_BASE, "ecall in U");
    cr_assert_eq(MPP_OF(hart.mstatus), PRIV_U, "MPP = U after a trap from U");

    hart.pc = CODE_BASE + 0x100;
    set_priv(PRIV_S);
    exec32(I_ECALL);
    assert_exception(9, CODE_BASE + 0x100, "ecall in S");
    cr_assert_eq(MPP_OF(hart.mstatus), PRIV_S, "MPP = S after a trap from S");
}

/* Breakpoint is cause 3 (mtval may be 0 or the pc: not checked). */
Test(trap, ebreak_is_breakpoint)
{
    exec32(I_EBREAK);
    assert_exception(3, CODE_BASE, "ebreak");
}

/* Illegal instruction: cause 2, mtval = the instruction bits (3.1.16). */
Test(trap, illegal_32_bit_instruction_reports_its_bits)
{
    uint32_t words[] = {0x0000700b /* custom-0 */, 0x04000033 /* OP, funct7 0000010 */,
                        0x00002007 /* FLW without F */};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        hart.pc = CODE_BASE + 0x100 * i;
        exec32(words[i]);
        assert_exception(2, CODE_BASE + 0x100 * i, "illegal 32-bit word");
        cr_assert_eq(hart.mtval, words[i], "mtval %#lx, want the instruction %#x",
                     (unsigned long)hart.mtval, words[i]);
    }
}

/* A 16-bit illegal parcel: mtval holds only those 16 bits (3.1.16: the shortest of the
 * faulting instruction and ILEN). The all-zero parcel is illegal, so mtval = 0. */
Test(trap, illegal_16_bit_parcel_reports_16_bits)
{
    code_at(CODE_BASE);
    put16(0x0000);
    put16(0xffff);
    step(1);
    assert_exception(2, CODE_BASE, "all-zero parcel");
    cr_assert_eq(hart.mtval, 0, "mtval for the all-zero parcel must be 0");

    hart.pc = CODE_BASE + 0x100;
    code_at(CODE_BASE + 0x100);
    put16(0x8000); /* quadrant 0, funct3 100: reserved */
    put16(0xffff);
    step(1);
    assert_exception(2, CODE_BASE + 0x100, "reserved parcel 0x8000");
    cr_assert_eq(hart.mtval, 0x8000, "mtval must be the 16-bit parcel only, got %#lx",
                 (unsigned long)hart.mtval);
}

/* Access faults where nothing answers on the bus (3.1.15): load 5, store 7, mtval = address. */
Test(trap, load_from_unmapped_address_is_access_fault)
{
    hart.x[1] = UNMAPPED_ADDR;
    hart.x[2] = 0x1234;
    exec32(i_ld(2, 8, 1));
    assert_exception(5, CODE_BASE, "ld from unmapped");
    cr_assert_eq(hart.mtval, UNMAPPED_ADDR + 8, "mtval = the faulting address");
    cr_assert_eq(hart.x[2], 0x1234, "a faulting load must not write rd");
}

Test(trap, store_to_unmapped_address_is_access_fault)
{
    hart.x[1] = UNMAPPED_ADDR;
    exec32(i_sw(2, -4, 1));
    assert_exception(7, CODE_BASE, "sw to unmapped");
    cr_assert_eq(hart.mtval, UNMAPPED_ADDR - 4, "mtval = the faulting address");
}

/* Fetch from nowhere: cause 1, mepc = mtval = the target (the jump itself completed). */
Test(trap, fetch_from_unmapped_address_is_access_fault)
{
    hart.x[1] = UNMAPPED_ADDR;
    exec32(i_jalr(5, 1, 0x10));
    cr_assert_eq(hart.pc, UNMAPPED_ADDR + 0x10, "the jalr itself completes");
    cr_assert_eq(hart.x[5], CODE_BASE + 4, "and links");
    step(1);
    assert_exception(1, UNMAPPED_ADDR + 0x10, "fetch from unmapped");
    cr_assert_eq(hart.mtval, UNMAPPED_ADDR + 0x10, "mtval = the fetch address");
}

/* Running off the end of RAM is a fetch access fault at the first address past it. */
Test(trap, falling_off_the_end_of_ram_faults_on_fetch)
{
    uint64_t last = RAM_BASE + RAM_SIZE - 4;
    hart.pc = last;
    exec32(I_NOP);
    cr_assert_eq(hart.pc, RAM_BASE + RAM_SIZE, "the last nop retires");
    step(1);
    assert_exception(1, RAM_BASE + RAM_SIZE, "fetch past the end of RAM");
    cr_assert_eq(hart.mtval, RAM_BASE + RAM_SIZE, "mtval = the fetch address");
}

/* 3.1.8: traps never go to a less privileged mode: ecall from M is taken in M even when
 * medeleg asks for delegation (bit 11 may be read-only zero, either way). */
Test(trap, m_mode_exceptions_are_never_delegated)
{
    hart.x[1] = ~0ull;
    exec32(i_csrrw(0, 0x302 /* medeleg */, 1));
    hart.stvec = CODE_BASE + 0x4000;
    exec32(I_ECALL);
    assert_exception(11, CODE_BASE + 4, "ecall in M with medeleg all ones");
}

/* 3.1.8: a delegated exception from U goes to S: scause, sepc, stvec, SPP = U. */
Test(trap, delegated_exception_goes_to_s_mode)
{
    hart.medeleg = 1ull << 8; /* ecall from U */
    hart.stvec = CODE_BASE + 0x4000;
    set_priv(PRIV_U);
    exec32(I_ECALL);
    cr_assert_eq(hart.priv, PRIV_S, "delegated trap is taken in S-mode");
    cr_assert_eq(hart.pc, CODE_BASE + 0x4000, "pc = stvec");
    cr_assert_eq(hart.scause, 8, "scause = 8 (ecall from U)");
    cr_assert_eq(hart.sepc, CODE_BASE, "sepc = the ecall");
    cr_assert_not(hart.mstatus & MSTATUS_SPP, "SPP = 0 (came from U)");
    cr_assert_eq(hart.mcause, 0, "M-mode trap registers are untouched");
}

/* --- MRET / SRET (3.3.2) --- */

/* MRET: pc = mepc, privilege = MPP, MIE = MPIE, MPIE = 1, MPP = least privileged (U). */
Test(trap, mret_to_user_pops_the_stack)
{
    hart.mepc = CODE_BASE + 0x200;
    hart.mstatus = (hart.mstatus & ~(MSTATUS_MPP | MSTATUS_MIE)) | MSTATUS_MPIE |
                   ((uint64_t)PRIV_U << MSTATUS_MPP_SHIFT);
    exec32(I_MRET);
    cr_assert_eq(hart.pc, CODE_BASE + 0x200, "mret jumps to mepc");
    cr_assert_eq(hart.priv, PRIV_U, "mret enters MPP (U)");
    cr_assert(hart.mstatus & MSTATUS_MIE, "MIE = old MPIE (1)");
    cr_assert(hart.mstatus & MSTATUS_MPIE, "MPIE = 1");
    cr_assert_eq(MPP_OF(hart.mstatus), PRIV_U, "MPP = U (least privileged mode)");
}

Test(trap, mret_to_machine_restores_mie_from_mpie)
{
    hart.mepc = CODE_BASE + 0x300;
    hart.mstatus = (hart.mstatus & ~MSTATUS_MPIE) | MSTATUS_MIE | MSTATUS_MPP;
    exec32(I_MRET);
    cr_assert_eq(hart.pc, CODE_BASE + 0x300, "mret jumps to mepc");
    cr_assert_eq(hart.priv, PRIV_M, "mret enters MPP (M)");
    cr_assert_not(hart.mstatus & MSTATUS_MIE, "MIE = old MPIE (0)");
    cr_assert(hart.mstatus & MSTATUS_MPIE, "MPIE = 1");
    cr_assert_eq(MPP_OF(hart.mstatus), PRIV_U, "MPP = U after mret");
}

Test(trap, mret_to_supervisor)
{
    hart.mepc = CODE_BASE + 0x400;
    hart.mstatus = (hart.mstatus & ~MSTATUS_MPP) | ((uint64_t)PRIV_S << MSTATUS_MPP_SHIFT);
    exec32(I_MRET);
    cr_assert_eq(hart.priv, PRIV_S, "mret enters MPP (S)");
    cr_assert_eq(hart.pc, CODE_BASE + 0x400, "mret jumps to mepc");
}

/* 3.1.6.3: an MRET to a mode below M clears MPRV. */
Test(trap, mret_below_m_clears_mprv)
{
    hart.mepc = CODE_BASE + 0x200;
    hart.mstatus = (hart.mstatus & ~MSTATUS_MPP) | MSTATUS_MPRV;
    exec32(I_MRET);
    cr_assert_eq(hart.priv, PRIV_U, "mret to U");
    cr_assert_not(hart.mstatus & MSTATUS_MPRV, "MPRV must be cleared when MPP != M");
}

/* 3.3.2: MRET is illegal below M. */
Test(trap, mret_in_user_mode_is_illegal)
{
    set_priv(PRIV_U);
    exec32(I_MRET);
    assert_exception(2, CODE_BASE, "mret in U");
    cr_assert_eq(hart.mtval, I_MRET, "mtval = the mret instruction");
}

/* SRET: pc = sepc, privilege = SPP, SIE = SPIE, SPIE = 1, SPP = U. */
Test(trap, sret_pops_the_supervisor_stack)
{
    set_priv(PRIV_S);
    hart.sepc = CODE_BASE + 0x600;
    hart.mstatus = (hart.mstatus & ~(MSTATUS_SPP | MSTATUS_SIE)) | MSTATUS_SPIE;
    exec32(I_SRET);
    cr_assert_eq(hart.pc, CODE_BASE + 0x600, "sret jumps to sepc");
    cr_assert_eq(hart.priv, PRIV_U, "sret enters SPP (U)");
    cr_assert(hart.mstatus & MSTATUS_SIE, "SIE = old SPIE");
    cr_assert(hart.mstatus & MSTATUS_SPIE, "SPIE = 1");
    cr_assert_not(hart.mstatus & MSTATUS_SPP, "SPP = U");
}

/* --- interrupts (3.1.9) --- */

static void arm_timer(void)
{
    cpu_set_irq(&hart, IRQ_MTI, true);
    hart.mie |= MIP_MTIP;
}

/* Pending MTIP + mie.MTIE + mstatus.MIE in M-mode: the next step takes the interrupt before
 * executing the instruction at pc. */
Test(trap, machine_timer_interrupt_is_taken)
{
    code_at(CODE_BASE);
    put32(i_addi(1, 0, 1));
    arm_timer();
    hart.mstatus |= MSTATUS_MIE;
    step(1);
    cr_assert_eq(hart.mcause, INTERRUPT | 7, "mcause must be interrupt 7, got %#lx",
                 (unsigned long)hart.mcause);
    cr_assert_eq(hart.mepc, CODE_BASE, "mepc = the instruction that did not run");
    cr_assert_eq(hart.pc, TRAP_VECTOR, "direct mode: interrupts go to BASE too");
    cr_assert_eq(hart.x[1], 0, "the interrupted instruction must not have executed");
    cr_assert_eq(hart.mtval, 0, "mtval is 0 for interrupts");
    cr_assert_not(hart.mstatus & MSTATUS_MIE, "MIE cleared on entry");
    cr_assert(hart.mstatus & MSTATUS_MPIE, "MPIE = old MIE (1)");
}

/* In M-mode, M interrupts are enabled only when mstatus.MIE = 1. */
Test(trap, timer_interrupt_masked_by_mstatus_mie_in_m_mode)
{
    arm_timer();
    exec32(i_addi(1, 0, 1));
    cr_assert_eq(hart.x[1], 1, "with MIE = 0 the instruction runs");
    cr_assert_eq(hart.pc, CODE_BASE + 4, "no trap with mstatus.MIE = 0 in M-mode");
    cr_assert_eq(hart.mcause, 0, "no trap recorded");
}

/* mie.MTIE gates MTIP individually. */
Test(trap, timer_interrupt_masked_by_mie_mtie)
{
    cpu_set_irq(&hart, IRQ_MTI, true);
    hart.mstatus |= MSTATUS_MIE;
    exec32(i_addi(1, 0, 1));
    cr_assert_eq(hart.pc, CODE_BASE + 4, "no trap with mie.MTIE = 0");
}

/* 3.1.6.1: in a less privileged mode, M interrupts are enabled regardless of mstatus.MIE. */
Test(trap, timer_interrupt_taken_in_user_mode_even_with_mie_clear)
{
    arm_timer();
    set_priv(PRIV_U);
    code_at(CODE_BASE);
    put32(I_NOP);
    step(1);
    cr_assert_eq(hart.mcause, INTERRUPT | 7, "U-mode is always interruptible by M interrupts");
    cr_assert_eq(hart.priv, PRIV_M, "taken in M");
    cr_assert_eq(MPP_OF(hart.mstatus), PRIV_U, "MPP = U");
}

/* 3.1.9: among M-level interrupts MEI > MSI > MTI. */
Test(trap, external_interrupt_beats_timer)
{
    arm_timer();
    cpu_set_irq(&hart, IRQ_MEI, true);
    hart.mie |= MIP_MEIP | MIP_MSIP;
    cpu_set_irq(&hart, IRQ_MSI, true);
    hart.mstatus |= MSTATUS_MIE;
    code_at(CODE_BASE);
    put32(I_NOP);
    step(1);
    cr_assert_eq(hart.mcause, INTERRUPT | 11, "MEI has the highest priority, got %#lx",
                 (unsigned long)hart.mcause);
}

/* 3.1.7: vectored mode sends interrupts to BASE + 4 * cause, exceptions to BASE. */
Test(trap, vectored_mtvec_offsets_interrupts_only)
{
    hart.mtvec = TRAP_VECTOR | 1;
    arm_timer();
    hart.mstatus |= MSTATUS_MIE;
    code_at(CODE_BASE);
    put32(I_NOP);
    step(1);
    cr_assert_eq(hart.pc, TRAP_VECTOR + 4 * 7, "timer interrupt in vectored mode: BASE + 28");

    harness_fini();
    harness_init();
    hart.mtvec = TRAP_VECTOR | 1;
    exec32(I_ECALL);
    cr_assert_eq(hart.pc, TRAP_VECTOR, "exceptions go to BASE even in vectored mode");
    cr_assert_eq(hart.mcause, 11, "ecall from M");
}

/* mret with an interrupt pending and MPIE = 1: the interrupt is taken at the mret target
 * (the return re-enables interrupts). */
Test(trap, interrupt_taken_after_mret_reenables)
{
    arm_timer();
    hart.mepc = CODE_BASE + 0x200;
    hart.mstatus |= MSTATUS_MPIE | MSTATUS_MPP; /* back to M with MIE = 1 */
    code_at(CODE_BASE + 0x200);
    put32(i_addi(1, 0, 1));
    exec32(I_MRET);
    if (hart.pc == CODE_BASE + 0x200) step(1); /* interrupt taken on the following step */
    cr_assert_eq(hart.mcause, INTERRUPT | 7, "the pending timer interrupt must be taken");
    cr_assert_eq(hart.mepc, CODE_BASE + 0x200, "mepc = the mret target");
    cr_assert_eq(hart.x[1], 0, "the instruction at the target has not run yet");
}

/* Setting mstatus.MIE with a timer interrupt pending: the interrupt is taken before the next
 * instruction, also under the threaded interpreter (priv spec 3.1.9: interrupts are taken
 * as soon as they are pending and enabled). */
Test(trap, enabling_mie_takes_pending_interrupt_at_next_instruction)
{
    arm_timer();
    code_at(CODE_BASE);
    put32(i_csrrsi(0, 0x300, 8)); /* 0x0: csrsi mstatus, MIE */
    put32(i_addi(1, 0, 1));       /* 0x4: must not run before the interrupt */
    put32(i_jal(0, 0));           /* 0x8 */
    code_at(TRAP_VECTOR);
    put32(i_jal(0, 0)); /* handler: spin */
    cpu_run(&hart, 50);
    cr_assert_eq(hart.mcause, INTERRUPT | 7, "timer interrupt must be taken, mcause %#lx",
                 (unsigned long)hart.mcause);
    cr_assert_eq(hart.mepc, CODE_BASE + 4, "mepc = the instruction after the csrsi");
    cr_assert_eq(hart.x[1], 0, "the addi after csrsi must not run before the interrupt");
}

/* priv spec 3.3.3: WFI with an interrupt pending (even if globally disabled) does not stall;
 * execution continues at the next instruction. */
Test(trap, wfi_with_pending_enabled_interrupt_continues)
{
    arm_timer(); /* pending in mip and enabled in mie, mstatus.MIE = 0 */
    exec32(I_WFI);
    cr_assert_eq(hart.pc, CODE_BASE + 4, "wfi retires");
    cr_assert_not(hart.wfi, "with an interrupt pending wfi must not stall");
    cr_assert_eq(hart.mcause, 0, "MIE = 0 in M-mode: no trap");
}

/* priv spec 3.3.3: WFI in U-mode raises illegal instruction unless it completes within an
 * implementation-specific time limit, so both outcomes are legal; a privilege change without
 * a trap is not. */
Test(trap, wfi_in_user_mode_traps_or_retires)
{
    set_priv(PRIV_U);
    exec32(I_WFI);
    if (hart.pc == TRAP_VECTOR)
        assert_exception(2, CODE_BASE, "wfi in U");
    else
        cr_assert_eq(hart.priv, PRIV_U, "a wfi that retires stays in U-mode");
}

/* 3.1.8/3.1.9: a delegated interrupt (mideleg) is taken in S-mode when running in S with
 * sstatus.SIE = 1: scause = interrupt | 1, sepc, pc = stvec, SPP = S. */
Test(trap, delegated_supervisor_interrupt_goes_to_s_mode)
{
    hart.mideleg = MIP_SSIP;
    hart.mie = MIP_SSIP;
    hart.mip = MIP_SSIP;
    hart.stvec = CODE_BASE + 0x4000;
    hart.mstatus |= MSTATUS_SIE;
    set_priv(PRIV_S);
    code_at(CODE_BASE);
    put32(I_NOP);
    step(1);
    cr_assert_eq(hart.priv, PRIV_S, "delegated interrupt is taken in S-mode");
    cr_assert_eq(hart.scause, INTERRUPT | 1, "scause = supervisor software interrupt, got %#lx",
                 (unsigned long)hart.scause);
    cr_assert_eq(hart.sepc, CODE_BASE, "sepc = the interrupted instruction");
    cr_assert_eq(hart.pc, CODE_BASE + 0x4000, "pc = stvec");
    cr_assert(hart.mstatus & MSTATUS_SPP, "SPP = S");
    cr_assert(hart.mstatus & MSTATUS_SPIE, "SPIE = old SIE");
    cr_assert_not(hart.mstatus & MSTATUS_SIE, "SIE cleared");
}

/* 3.1.6.1: interrupts delegated to S are never taken while in M-mode, even with MIE = 1. */
Test(trap, delegated_interrupt_not_taken_in_m_mode)
{
    hart.mideleg = MIP_SSIP;
    hart.mie = MIP_SSIP;
    hart.mip = MIP_SSIP;
    hart.mstatus |= MSTATUS_MIE | MSTATUS_SIE;
    exec32(i_addi(1, 0, 1));
    cr_assert_eq(hart.x[1], 1, "the instruction runs");
    cr_assert_eq(hart.pc, CODE_BASE + 4, "no trap: S-level interrupts are disabled in M-mode");
}

/* 3.1.9: M-level interrupts take precedence over S-level ones when both are enabled. */
Test(trap, machine_interrupt_beats_supervisor_interrupt_from_user)
{
    hart.mideleg = MIP_SSIP;
    hart.mie = MIP_SSIP | MIP_MTIP;
    hart.mip = MIP_SSIP | MIP_MTIP;
    set_priv(PRIV_U);
    code_at(CODE_BASE);
    put32(I_NOP);
    step(1);
    cr_assert_eq(hart.priv, PRIV_M, "the M-level timer interrupt wins");
    cr_assert_eq(hart.mcause, INTERRUPT | 7, "mcause = machine timer");
}

/* priv spec 3.1.6.5 / 10.2.1: SFENCE.VMA is illegal in U-mode. */
Test(trap, sfence_vma_in_user_mode_is_illegal)
{
    set_priv(PRIV_U);
    exec32(0x12000073); /* sfence.vma x0, x0 */
    assert_exception(2, CODE_BASE, "sfence.vma in U");
}

/* 3.3.2: SRET is illegal in U-mode, and in S-mode when mstatus.TSR = 1. */
Test(trap, sret_illegal_in_user_mode_and_under_tsr)
{
    set_priv(PRIV_U);
    exec32(I_SRET);
    assert_exception(2, CODE_BASE, "sret in U");

    harness_fini();
    harness_init();
    hart.mstatus |= MSTATUS_TSR;
    set_priv(PRIV_S);
    exec32(I_SRET);
    assert_exception(2, CODE_BASE, "sret in S with TSR = 1");
}

/* 3.1.16: an instruction access fault on the second half of a 32-bit instruction: mepc points
 * to the instruction's start, mtval (if nonzero) to the portion that faulted. */
Test(trap, fetch_fault_on_second_half_reports_the_faulting_portion)
{
    uint64_t at = RAM_BASE + RAM_SIZE - 2; /* low parcel in RAM, high parcel beyond it */
    poke16(at, 0x0513);                    /* low half of addi x10, x0, ... */
    hart.pc = at;
    step(1);
    assert_exception(1, at, "32-bit instruction whose second half is outside RAM");
    cr_assert(hart.mtval == at + 2 || hart.mtval == 0,
              "mtval must be the faulting portion's address %#lx (or 0), got %#lx",
              (unsigned long)(at + 2), (unsigned long)hart.mtval);
}

Test(trap, fetch_fault_on_second_half_under_cpu_run)
{
    uint64_t at = RAM_BASE + RAM_SIZE - 2;
    hart.x[1] = at;
    code_at(CODE_BASE);
    put32(i_jalr(0, 1, 0));
    poke16(at, 0x0513);
    code_at(TRAP_VECTOR);
    put32(i_jal(0, 0));
    cpu_run(&hart, 20);
    cr_assert_eq(hart.mcause, 1, "instruction access fault expected, mcause %lu",
                 (unsigned long)hart.mcause);
    cr_assert_eq(hart.mepc, at, "mepc = start of the instruction");
    cr_assert(hart.mtval == at + 2 || hart.mtval == 0, "mtval %#lx", (unsigned long)hart.mtval);
}

/* Illegal instruction met by the threaded interpreter: same cause and mtval as stepping. */
Test(trap, illegal_instruction_under_cpu_run)
{
    code_at(CODE_BASE);
    put32(I_NOP);
    put32(0x04000033); /* reserved funct7 */
    code_at(TRAP_VECTOR);
    put32(i_jal(0, 0));
    cpu_run(&hart, 20);
    assert_exception(2, CODE_BASE + 4, "illegal word under cpu_run");
    cr_assert_eq(hart.mtval, 0x04000033, "mtval = the instruction bits, got %#lx",
                 (unsigned long)hart.mtval);
}

/* cpu.h contract: cpu_step executes exactly one instruction *or* takes one pending
 * interrupt. An instruction that enables a pending interrupt retires in one step; the
 * interrupt is taken by the next (a debugger single-stepping csrsi must stop after it). */
Test(trap, cpu_step_does_not_retire_and_take_an_interrupt_in_one_call)
{
    arm_timer();
    code_at(CODE_BASE);
    put32(i_csrrsi(0, 0x300, 8)); /* csrsi mstatus, MIE */
    put32(I_NOP);
    step(1);
    cr_assert_eq(hart.pc, CODE_BASE + 4,
                 "one cpu_step must stop after the csrsi (pc %#lx, mcause %#lx): the interrupt "
                 "belongs to the next step",
                 (unsigned long)hart.pc, (unsigned long)hart.mcause);
    step(1);
    cr_assert_eq(hart.mcause, INTERRUPT | 7, "the second step takes the timer interrupt");
    cr_assert_eq(hart.mepc, CODE_BASE + 4, "mepc = the instruction after the csrsi");
}

/* cpu.h: cpu_run returns early for wfi; with nothing pending the hart is left stalled
 * (c->wfi) at the instruction after the wfi, for the machine loop to sleep on. */
Test(trap, wfi_without_pending_interrupt_stalls_the_run)
{
    code_at(CODE_BASE);
    put32(I_NOP);
    put32(I_WFI);
    put32(i_addi(1, 0, 1));
    put32(i_jal(0, 0));
    cpu_run(&hart, 100);
    cr_assert(hart.wfi, "the hart must be stalled in wfi");
    cr_assert_eq(hart.pc, CODE_BASE + 8, "pc = the instruction after the wfi");
    cr_assert_eq(hart.x[1], 0, "nothing after the wfi has run");
}
