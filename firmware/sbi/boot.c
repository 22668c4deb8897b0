/* Hart setup and the jump to the next stage in S-mode. */
#include "sbi.h"

/* PMP (privileged spec "Physical Memory Protection"): with any entry in use, S and U may
 * access only what an entry allows, and QEMU implements PMP, so S would see nothing at all
 * without them. Entry 0 closes the firmware's region to S/U (M is not bound by unlocked
 * entries); entry 1, lower priority, opens everything else. Both NAPOT. */
#define PMP_R 0x01u
#define PMP_W 0x02u
#define PMP_X 0x04u
#define PMP_A_NAPOT 0x18u
/* NAPOT encoding of a naturally aligned power-of-two region: base >> 2 with the low bits
 * set to (size / 8) - 1, which is (base + size/2 - 1) >> 2. */
#define PMP_NAPOT(base, size) (((base) + (size) / 2 - 1) >> 2)

static void pmp_setup(void)
{
    csr_write(pmpaddr0, PMP_NAPOT(FW_BASE, FW_REGION_SIZE));
    csr_write(pmpaddr1, ~0ul);   /* all ones: NAPOT over the whole address space */
    uint64_t cfg0 = PMP_A_NAPOT; /* no R/W/X for S and U */
    uint64_t cfg1 = PMP_A_NAPOT | PMP_R | PMP_W | PMP_X;
    csr_write(pmpcfg0, cfg0 | (cfg1 << 8));
}

/* Exceptions S-mode handles itself (priv spec "Machine Trap Delegation Registers").
 * Page faults, ecalls from U and breakpoints are the kernel's by nature. Misaligned accesses
 * go to S too: this firmware emulates nothing, and a kernel can. Access faults and illegal
 * instructions also go to S rather than being redirected by hand as OpenSBI does: they are
 * the kernel's business (a bad user pointer, a user's illegal opcode), and the firmware
 * has no instruction to emulate (mcounteren lets S read time/cycle/instret directly).
 * Kept in M: ecall from S (the SBI itself) and from M. */
static const uint64_t delegated_exceptions =
    (1ul << CAUSE_MISALIGNED_FETCH) | (1ul << CAUSE_FETCH_ACCESS) |
    (1ul << CAUSE_ILLEGAL_INSTRUCTION) | (1ul << CAUSE_BREAKPOINT) |
    (1ul << CAUSE_MISALIGNED_LOAD) | (1ul << CAUSE_LOAD_ACCESS) | (1ul << CAUSE_MISALIGNED_STORE) |
    (1ul << CAUSE_STORE_ACCESS) | (1ul << CAUSE_USER_ECALL) | (1ul << CAUSE_FETCH_PAGE_FAULT) |
    (1ul << CAUSE_LOAD_PAGE_FAULT) | (1ul << CAUSE_STORE_PAGE_FAULT);

/* The supervisor-level interrupts belong to S; M keeps only its timer (for the CLINT path).
 * Sscofpmf's counter-overflow interrupt (13) is S's too, for its perf sampling; on a hart
 * without Sscofpmf that bit of mideleg is read-only zero. */
static const uint64_t delegated_interrupts = MIP_SSIP | MIP_STIP | MIP_SEIP | (1ul << 13);

static void banner(uint64_t hartid, uint64_t dtb, bool sstc, enum fdt_reserve_result reserved)
{
    printf("\nrv39 SBI %d.%d (SBI spec %d.%d, implementation id 0x%lx)\n", SBI_IMPL_VERSION_MAJOR,
           SBI_IMPL_VERSION_MINOR, SBI_SPEC_MAJOR, SBI_SPEC_MINOR, (uint64_t)SBI_IMPL_ID_RV39);
    printf("rv39 SBI: platform: QEMU virt board (UART 0x%lx, CLINT 0x%lx, finisher 0x%lx)\n",
           UART0_BASE, CLINT_BASE, FINISHER_BASE);
    printf("rv39 SBI: hart %lu, device tree at 0x%lx%s, timer: %s\n", hartid, dtb,
           dtb ? "" : " (none)", sstc ? "Sstc stimecmp" : "CLINT mtimecmp");
    if (reserved == FDT_RESERVE_ADDED)
        printf("rv39 SBI: device tree: /memreserve/ 0x%lx+0x%lx (this firmware)\n", FW_BASE,
               FW_REGION_SIZE);
    else if (reserved == FDT_RESERVE_UNUSABLE)
        printf("rv39 SBI: warning: device tree at 0x%lx not understood; firmware memory "
               "not reserved in it\n",
               dtb);
    printf("rv39 SBI: next stage at 0x%lx in S-mode\n", NEXT_STAGE_ADDR);
}

/* Let S (and, through senvcfg, U) use the cache-block operations the hart has, as OpenSBI
 * does: CBIE = 11 (invalidate), CBCFE, CBZE. The fields are WARL and read-only zero on a hart
 * without Zicbom/Zicboz (CMO chapter, "Control and Status Register State"), so setting them
 * is safe anywhere; a hart without menvcfg at all traps, which the guard absorbs. Linux uses
 * cbo.zero to clear pages once the device tree says Zicboz. */
static void cmo_enable(void)
{
    trap_guard_arm();
    __asm__ volatile("csrs %0, %1" ::"i"(CSR_MENVCFG),
                     "r"(MENVCFG_CBIE | MENVCFG_CBCFE | MENVCFG_CBZE));
    (void)trap_guard_tripped();
}

void hart_setup(void)
{
    pmp_setup();
    csr_write(medeleg, delegated_exceptions);
    csr_write(mideleg, delegated_interrupts);
    /* S may read cycle, time, instret and the HPM counters; scounteren is S's to set. */
    csr_write(mcounteren, 0xffffffffu);
    pmu_init();
    timer_init();
    cmo_enable();
    /* Nothing pending from before the reset that S could mistake for its own. */
    csr_clear(mip, MIP_SSIP | MIP_STIP);
    /* Other harts' requests (smp.c) come as machine software interrupts; timer_set enables
     * MTIE when the CLINT path needs it. */
    csr_write(mie, MIE_MSIE);
}

void enter_supervisor(uint64_t hartid, uint64_t addr, uint64_t arg)
{
    /* mret to S-mode, interrupts off there (SIE = 0), MPIE irrelevant: M-mode interrupts
     * are always enabled while the hart runs below M. */
    uint64_t mstatus = csr_read(mstatus);
    /* MPRV off: the firmware's own loads and stores must stay physical (DBCN buffers). */
    mstatus &= ~(MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SIE);
    mstatus |= MSTATUS_MPP_S;
    csr_write(mstatus, mstatus);
    csr_write(mepc, addr);
    csr_write(satp, 0);
    __asm__ volatile("sfence.vma" ::: "memory"); /* a restarted hart's old translations */
    csr_write(stvec, addr);
    csr_write(sie, 0);
    register uint64_t a0 __asm__("a0") = hartid;
    register uint64_t a1 __asm__("a1") = arg;
    __asm__ volatile("mret" ::"r"(a0), "r"(a1));
    __builtin_unreachable();
}

extern char __stacks_start[], __stacks_end[];

void sbi_main(uint64_t hartid, uint64_t dtb)
{
    if ((uint64_t)(__stacks_end - __stacks_start) != SBI_MAX_HARTS * SBI_HART_STACKS) {
        printf("rv39 SBI: link.ld's stacks disagree with smp_layout.h\n");
        power_off(true);
    }
    hart_setup();
    smp_init(hartid);
    enum fdt_reserve_result reserved = fdt_reserve(dtb, FW_BASE, FW_REGION_SIZE);
    banner(hartid, dtb, timer_uses_sstc(), reserved);
    if (smp_harts() > 1)
        printf("rv39 SBI: %u harts, the others stopped until hart_start\n", smp_harts());
    enter_supervisor(hartid, NEXT_STAGE_ADDR, dtb);
}
