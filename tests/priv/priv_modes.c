/* Privilege modes: M -> S -> U and back, ecall causes and epcs, exception delegation,
 * xRET legality, TSR/TVM/TW, sstatus as a view of mstatus, CSR privilege and the counter
 * enables (machine.adoc 3.1.6, 3.1.8, 3.1.11, 3.3; supervisor.adoc 10.1.1). */
#include "priv.h"

PROBE(p_ecall, "ecall");
PROBE(p_sret, "sret");
PROBE(p_mret, "mret");
PROBE(p_wfi, "wfi");
PROBE(p_rd_satp, "csrr a0, satp");
PROBE(p_sfence, "sfence.vma");
PROBE(p_rd_sstatus, "csrr a0, sstatus");
PROBE(p_rd_sscratch, "csrr a0, sscratch");
PROBE(p_rd_mstatus, "csrr a0, mstatus");
PROBE(p_rd_mhartid, "csrr a0, mhartid");
PROBE(p_wr_medeleg, "csrw medeleg, zero");
PROBE(p_wr_mscratch, "csrw mscratch, zero");
PROBE(p_rd_cycle, "csrr a0, cycle");
PROBE(p_rd_time, "csrr a0, time");
PROBE(p_rd_instret, "csrr a0, instret");

/* S-mode: sret back into S at the next instruction (legal unless TSR). */
void s_sret_to_s(void);
__asm__(".text\n.balign 4\n.globl s_sret_to_s, s_sret_insn\n"
        "s_sret_to_s:\n"
        "  lla t0, 1f\n"
        "  csrw sepc, t0\n"
        "  li t0, 0x100\n" /* SPP = S */
        "  csrs sstatus, t0\n"
        "s_sret_insn: sret\n"
        "1: ret\n");
extern char s_sret_insn[];

/* S-mode: write the value of sstatus with SPIE set and return mstatus-free sstatus. */
static uint64_t s_set_spie(uint64_t v)
{
    csr_set(sstatus, v);
    return csr_read(sstatus);
}

static uint64_t mode_off(uint64_t mode)
{
    return mode == PRV_U ? user_off : 0;
}

static void expect_trap(const char *what, void (*fn)(void), uint64_t mode, uint64_t cause)
{
    uint64_t n = mtrap.count;
    check_ctx = what;
    call_in_mode((uint64_t)fn, 0, mode, mode_off(mode));
    CHECK("trapped to M once", mtrap.count, n + 1);
    CHECK("mcause", mtrap.cause, cause);
    CHECK("mepc", mtrap.epc, (uint64_t)fn + mode_off(mode));
    CHECK("MPP", (mtrap.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, mode);
    if (cause == 2) CHECK("mtval = the instruction", mtrap.tval, *(volatile uint32_t *)fn);
    check_ctx = 0;
}

static void expect_no_trap(const char *what, void (*fn)(void), uint64_t mode)
{
    uint64_t n = mtrap.count, ns = strap.count;
    check_ctx = what;
    call_in_mode((uint64_t)fn, 0, mode, mode_off(mode));
    CHECK("no trap", mtrap.count + strap.count, n + ns);
    check_ctx = 0;
}

int main(void)
{
    priv_init();
    uint64_t pc;

    /* --- ecall from each mode --- */
    __asm__ volatile("lla %0, 1f\n1: ecall" : "=r"(pc)::"memory");
    CHECK("M ecall: one trap", mtrap.count, 1);
    CHECK("M ecall: mcause 11", mtrap.cause, 11);
    CHECK("M ecall: mepc", mtrap.epc, pc);
    CHECK("M ecall: MPP = M", (mtrap.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 3);
    expect_trap("S ecall", p_ecall, PRV_S, 9);
    expect_trap("U ecall", p_ecall, PRV_U, 8);

    /* --- delegation of the U ecall to S --- */
    csr_write(medeleg, 1ul << 8);
    CHECK("medeleg bit 8 writable", csr_read(medeleg), 1ul << 8);
    uint64_t n = mtrap.count;
    RUN_U(p_ecall, 0);
    CHECK("delegated U ecall: not in M", mtrap.count, n);
    CHECK("delegated U ecall: one S trap", strap.count, 1);
    CHECK("delegated U ecall: scause 8", strap.cause, 8);
    CHECK("delegated U ecall: sepc", strap.epc, (uint64_t)p_ecall + user_off);
    CHECK("delegated U ecall: SPP = U", strap.status & MSTATUS_SPP, 0);
    /* the trap into S stacks SIE into SPIE */
    csr_set(mstatus, MSTATUS_SIE);
    RUN_U(p_ecall, 0);
    CHECK("delegated U ecall: SIE was 1 -> SPIE = 1", strap.status & MSTATUS_SPIE, MSTATUS_SPIE);
    CHECK("delegated U ecall: SIE = 0 in the handler", strap.status & MSTATUS_SIE, 0);
    csr_clear(mstatus, MSTATUS_SIE | MSTATUS_SPIE);
    RUN_U(p_ecall, 0);
    CHECK("delegated U ecall: SIE was 0 -> SPIE = 0", strap.status & MSTATUS_SPIE, 0);
    /* illegal instruction delegated: stval holds the instruction */
    csr_write(medeleg, (1ul << 8) | (1ul << 2));
    n = mtrap.count;
    RUN_U(p_rd_sstatus, 0);
    CHECK("delegated illegal from U: not in M", mtrap.count, n);
    CHECK("delegated illegal from U: scause 2", strap.cause, 2);
    CHECK("delegated illegal from U: sepc", strap.epc, (uint64_t)p_rd_sstatus + user_off);
    CHECK("delegated illegal from U: stval = instruction", strap.tval,
          *(volatile uint32_t *)p_rd_sstatus);
    /* delegated exceptions raised in S are taken in S: SPP = S */
    RUN_S(p_rd_mstatus, 0);
    CHECK("delegated illegal from S: scause 2", strap.cause, 2);
    CHECK("delegated illegal from S: SPP = S", strap.status & MSTATUS_SPP, MSTATUS_SPP);
    CHECK("delegated illegal from S: not in M", mtrap.count, n);
    csr_write(medeleg, 1ul << 8);
    /* S ecall is not delegated: still M. */
    expect_trap("S ecall with medeleg[8]", p_ecall, PRV_S, 9);
    csr_write(medeleg, 0);
    expect_trap("U ecall undelegated again", p_ecall, PRV_U, 8);
    /* Traps from M never go to S, whatever medeleg says (QEMU 7.2 even lets bit 11 be
     * set, which the spec now makes read-only zero, so only the behaviour is checked). */
    csr_write(medeleg, ~0ul);
    n = mtrap.count;
    uint64_t ns = strap.count;
    __asm__ volatile("lla %0, 1f\n1: ecall" : "=r"(pc)::"memory");
    CHECK("M ecall with medeleg all ones: in M", mtrap.count, n + 1);
    CHECK("M ecall with medeleg all ones: not in S", strap.count, ns);
    CHECK("M ecall with medeleg all ones: mepc", mtrap.epc, pc);
    csr_write(medeleg, 0);

    /* --- xRET legality --- */
    expect_trap("sret in U", p_sret, PRV_U, 2);
    expect_trap("mret in U", p_mret, PRV_U, 2);
    expect_trap("mret in S", p_mret, PRV_S, 2);
    expect_no_trap("sret in S (TSR=0)", s_sret_to_s, PRV_S);

    /* --- the privilege stack on mret and sret (M to M, S to S) --- */
    uint64_t st;
    csr_clear(mstatus, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE);
    csr_set(mstatus, MSTATUS_MPP | MSTATUS_MPIE); /* MPP = M, MPIE = 1 */
    __asm__ volatile("lla t0, 1f\n csrw mepc, t0\n mret\n1: csrr %0, mstatus"
                     : "=r"(st)::"t0", "memory");
    CHECK("mret to M: MIE = old MPIE", (st & MSTATUS_MIE) != 0, 1);
    CHECK("mret to M: MPIE = 1", (st & MSTATUS_MPIE) != 0, 1);
    CHECK("mret to M: MPP = U", (st & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 0);
    csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPIE);
    __asm__ volatile("li t0, 0x1800\n csrs mstatus, t0\n" /* MPP = M, MPIE = 0 */
                     "lla t0, 1f\n csrw mepc, t0\n mret\n1: csrr %0, mstatus"
                     : "=r"(st)::"t0", "memory");
    CHECK("mret to M with MPIE=0: MIE = 0", (st & MSTATUS_MIE) != 0, 0);
    CHECK("  MPIE = 1", (st & MSTATUS_MPIE) != 0, 1);
    csr_set(mstatus, MSTATUS_MPP);
    csr_clear(mstatus, MSTATUS_SIE);
    csr_set(mstatus, MSTATUS_SPIE);
    RUN_S(s_sret_to_s, 0); /* sret with SPP = S, SPIE = 1 */
    st = csr_read(mstatus);
    CHECK("sret: SPP = U", st & MSTATUS_SPP, 0);
    CHECK("sret: SIE = old SPIE", (st & MSTATUS_SIE) != 0, 1);
    CHECK("sret: SPIE = 1", (st & MSTATUS_SPIE) != 0, 1);
    csr_clear(mstatus, MSTATUS_SIE | MSTATUS_SPIE);

    /* --- TSR / TVM / TW --- */
    csr_set(mstatus, MSTATUS_TSR);
    n = mtrap.count;
    RUN_S(s_sret_to_s, 0);
    check_ctx = "sret in S with TSR";
    CHECK("trapped", mtrap.count, n + 1);
    CHECK("mcause 2", mtrap.cause, 2);
    CHECK("mepc", mtrap.epc, (uint64_t)s_sret_insn);
    check_ctx = 0;
    csr_clear(mstatus, MSTATUS_TSR);

    expect_no_trap("satp read in S (TVM=0)", p_rd_satp, PRV_S);
    expect_no_trap("sfence.vma in S (TVM=0)", p_sfence, PRV_S);
    csr_set(mstatus, MSTATUS_TVM);
    expect_trap("satp read in S with TVM", p_rd_satp, PRV_S, 2);
    expect_trap("sfence.vma in S with TVM", p_sfence, PRV_S, 2);
    expect_no_trap("satp read in M with TVM", p_rd_satp, PRV_M);
    csr_clear(mstatus, MSTATUS_TVM);
    expect_trap("sfence.vma in U", p_sfence, PRV_U, 2);

    csr_set(mstatus, MSTATUS_TW);
    expect_trap("wfi in S with TW", p_wfi, PRV_S, 2);
    csr_clear(mstatus, MSTATUS_TW);
    expect_trap("wfi in U", p_wfi, PRV_U, 2);

    /* --- sstatus is a view of mstatus --- */
    csr_clear(mstatus, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
    csr_set(sstatus, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
    CHECK("sstatus SPP/SPIE/SIE appear in mstatus",
          csr_read(mstatus) & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
          MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
    csr_clear(mstatus, MSTATUS_SPIE);
    CHECK("mstatus.SPIE clear shows in sstatus", csr_read(sstatus) & MSTATUS_SPIE, 0);
    csr_clear(sstatus, MSTATUS_SPP | MSTATUS_SIE);
    CHECK("sstatus clear shows in mstatus", csr_read(mstatus) & (MSTATUS_SPP | MSTATUS_SIE), 0);
    csr_set(mstatus, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_TSR | MSTATUS_TVM);
    CHECK("sstatus hides MPP/MPIE/MIE/TSR/TVM",
          csr_read(sstatus) &
              (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_TSR | MSTATUS_TVM),
          0);
    csr_clear(mstatus, MSTATUS_TSR | MSTATUS_TVM);
    csr_write(sstatus, ~0ul);
    CHECK("sstatus write leaves MPP", (csr_read(mstatus) & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 3);
    CHECK("sstatus write leaves MIE/TVM/TW/TSR/MPRV clear",
          csr_read(mstatus) & (MSTATUS_MIE | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV),
          0);
    csr_clear(mstatus, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP);
    uint64_t ss = RUN_S(s_set_spie, MSTATUS_SPIE);
    CHECK("S sets sstatus.SPIE: sstatus", ss & MSTATUS_SPIE, MSTATUS_SPIE);
    CHECK("S sets sstatus.SPIE: mstatus", csr_read(mstatus) & MSTATUS_SPIE, MSTATUS_SPIE);
    csr_clear(mstatus, MSTATUS_SPIE);

    /* --- CSR privilege --- */
    expect_trap("U reads sstatus", p_rd_sstatus, PRV_U, 2);
    expect_trap("U reads sscratch", p_rd_sscratch, PRV_U, 2);
    expect_no_trap("S reads sscratch", p_rd_sscratch, PRV_S);
    expect_trap("S reads mstatus", p_rd_mstatus, PRV_S, 2);
    expect_trap("S reads mhartid", p_rd_mhartid, PRV_S, 2);
    expect_trap("S writes medeleg", p_wr_medeleg, PRV_S, 2);
    expect_trap("U writes mscratch", p_wr_mscratch, PRV_U, 2);

    /* --- counter enables --- */
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    expect_trap("S cycle, mcounteren=0", p_rd_cycle, PRV_S, 2);
    expect_trap("S time, mcounteren=0", p_rd_time, PRV_S, 2);
    expect_trap("S instret, mcounteren=0", p_rd_instret, PRV_S, 2);
    expect_no_trap("M cycle, mcounteren=0", p_rd_cycle, PRV_M);
    csr_write(mcounteren, 5); /* CY and IR, not TM */
    expect_no_trap("S cycle, mcounteren=5", p_rd_cycle, PRV_S);
    expect_trap("S time, mcounteren=5", p_rd_time, PRV_S, 2);
    expect_no_trap("S instret, mcounteren=5", p_rd_instret, PRV_S);
    expect_trap("U cycle, scounteren=0", p_rd_cycle, PRV_U, 2);
    csr_write(mcounteren, 7);
    expect_no_trap("S time, mcounteren=7", p_rd_time, PRV_S);
    csr_write(scounteren, 7);
    expect_no_trap("U cycle, both 7", p_rd_cycle, PRV_U);
    expect_no_trap("U time, both 7", p_rd_time, PRV_U);
    expect_no_trap("U instret, both 7", p_rd_instret, PRV_U);
    csr_write(mcounteren, 6);
    expect_trap("U cycle, mcounteren=6 scounteren=7", p_rd_cycle, PRV_U, 2);
    csr_write(scounteren, 5);
    expect_trap("U time, scounteren=5", p_rd_time, PRV_U, 2);
    expect_no_trap("U instret, mcounteren=6 scounteren=5", p_rd_instret, PRV_U);
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);

    return done("priv_modes");
}
