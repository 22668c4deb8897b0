/* Runtime for tests/priv: trap handlers, checks, probes, the common page table. */
#include "priv.h"

volatile struct trap_rec mtrap, strap;
int (*m_hook)(struct pframe *f);
int (*s_hook)(struct pframe *f);
uint64_t user_off;
uint64_t probe_val;

static uint8_t m_stack[8192] __attribute__((aligned(16)));
static uint8_t s_stack[8192] __attribute__((aligned(16)));
static int nchecks;
const char *check_ctx;
uint64_t traps_seen;

void expect_one_trap(const char *what, uint64_t cause, uint64_t tval)
{
    check_ctx = what;
    CHECK("one trap", mtrap.count, traps_seen + 1);
    CHECK("cause", mtrap.cause, cause);
    CHECK("tval", mtrap.tval, tval);
    check_ctx = 0;
    traps_seen = mtrap.count;
}

pte_t root_pt[512] __attribute__((aligned(4096)));
pte_t l1_pt[512] __attribute__((aligned(4096)));
pte_t l0_pt[512] __attribute__((aligned(4096)));
uint8_t frames[NFRAMES][4096] __attribute__((aligned(4096)));

void mode_resume(void);

__asm__(".text\n"
        ".balign 4\n"
        ".globl probe_ld, probe_ld_insn\n"
        "probe_ld:\n"
        "probe_ld_insn: ld a0, 0(a0)\n"
        "  ret\n"
        ".globl probe_sd, probe_sd_insn\n"
        "probe_sd:\n"
        "  lla t0, probe_val\n"
        "  ld t1, 0(t0)\n"
        "probe_sd_insn: sd t1, 0(a0)\n"
        "  li a0, 0\n"
        "  ret\n"
        ".globl probe_amo, probe_amo_insn\n"
        "probe_amo:\n"
        "probe_amo_insn: amoor.d a0, zero, (a0)\n"
        "  ret\n"
        ".globl probe_exec\n"
        "probe_exec:\n"
        "  addi sp, sp, -16\n"
        "  sd ra, 8(sp)\n"
        "  li t0, -1\n"
        "  mv t1, a0\n"
        "  mv a0, t0\n"
        "  jalr ra, 0(t1)\n"
        "  ld ra, 8(sp)\n"
        "  addi sp, sp, 16\n"
        "  ret\n"
        ".globl exec_tmpl, exec_tmpl_end\n"
        ".option push\n.option norvc\n"
        "exec_tmpl: li a0, 0x5a5\n"
        "  ret\n"
        "exec_tmpl_end:\n"
        ".option pop\n");

void trap_reset(void)
{
    mtrap.count = mtrap.cause = mtrap.epc = mtrap.tval = mtrap.status = 0;
    mtrap.vec = 0;
    strap.count = strap.cause = strap.epc = strap.tval = strap.status = 0;
    strap.vec = 0;
}

void priv_init(void)
{
    /* QEMU checks PMP for S and U: one NAPOT region over everything, RWX. */
    csr_write(pmpaddr0, ~0ul);
    csr_write(pmpcfg0, 0x1f);
    csr_write(mscratch, (uint64_t)(m_stack + sizeof m_stack));
    csr_write(sscratch, (uint64_t)(s_stack + sizeof s_stack));
    csr_write(mtvec, (uint64_t)m_trap_entry);
    csr_write(stvec, (uint64_t)s_trap_entry);
    csr_write(medeleg, 0);
    csr_write(mideleg, 0);
    csr_write(mie, 0);
    csr_write(satp, 0);
    csr_clear(mstatus, MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |
                           MSTATUS_TSR | MSTATUS_MIE | MSTATUS_SIE);
    trap_reset();
}

void check_(const char *name, uint64_t got, uint64_t want)
{
    nchecks++;
    if (got != want) {
        printf("FAIL %d %s%s%s: got %lx, expected %lx\n", nchecks, check_ctx ? check_ctx : "",
               check_ctx ? ": " : "", name, got, want);
        exit(nchecks < 255 ? nchecks : 255);
    }
    printf("ok %d %s%s%s\n", nchecks, check_ctx ? check_ctx : "", check_ctx ? ": " : "", name);
}

int done(const char *prog)
{
    printf("%s: %d checks passed\n", prog, nchecks);
    return 0;
}

/* Code addresses in the user alias read through the identity mapping. */
static uint64_t code_addr(uint64_t va)
{
    if (va >= 0x80000000ul + USER_ALIAS && va < 0x100000000ul) return va - USER_ALIAS;
    return va;
}

static void default_resume(struct pframe *f)
{
    if (f->cause == 1 || f->cause == 12) { /* fetch fault: epc is the target; back to ra */
        f->epc = f->x[1];
        return;
    }
    uint16_t low = *(volatile uint16_t *)code_addr(f->epc);
    f->epc += (low & 3) == 3 ? 4 : 2;
}

static int is_return_call(const struct pframe *f)
{
    return !(f->cause >> 63) && (f->cause == 8 || f->cause == 9 || f->cause == 11) &&
           f->x[17] == MAGIC_RETURN;
}

void m_trap_handler(struct pframe *f)
{
    if (is_return_call(f)) {
        f->epc = (uint64_t)mode_resume;
        f->status = (f->status & ~MSTATUS_MPRV) | MSTATUS_MPP;
        return;
    }
    mtrap.count++;
    mtrap.cause = f->cause;
    mtrap.epc = f->epc;
    mtrap.tval = f->tval;
    mtrap.status = f->status;
    mtrap.vec = f->vec;
    /* A fault under MPRV must not leave the handler's return translated. */
    f->status &= ~MSTATUS_MPRV;
    if (m_hook && m_hook(f)) return;
    if (f->cause >> 63) {
        printf("unexpected M interrupt %lx at %lx\n", f->cause, f->epc);
        exit(250);
    }
    default_resume(f);
}

void s_trap_handler(struct pframe *f)
{
    if (is_return_call(f)) {
        /* A U-mode return delegated to S: hand it on to M with the result. */
        register uint64_t a0 __asm__("a0") = f->x[10];
        register uint64_t a7 __asm__("a7") = MAGIC_RETURN;
        __asm__ volatile("ecall" ::"r"(a0), "r"(a7) : "memory");
        for (;;)
            ;
    }
    strap.count++;
    strap.cause = f->cause;
    strap.epc = f->epc;
    strap.tval = f->tval;
    strap.status = f->status;
    strap.vec = f->vec;
    if (s_hook && s_hook(f)) return;
    if (f->cause >> 63) {
        printf("unexpected S interrupt %lx at %lx\n", f->cause, f->epc);
        exit(251);
    }
    default_resume(f);
}

pte_t ident_pte(uint64_t extra)
{
    return pte_leaf(0x80000000ul, PTE_V | PTE_RWX | PTE_AD | extra);
}

void vm_init(void)
{
    memset(root_pt, 0, sizeof root_pt);
    memset(l1_pt, 0, sizeof l1_pt);
    memset(l0_pt, 0, sizeof l0_pt);
    root_pt[0] = pte_leaf(0, PTE_V | PTE_R | PTE_W | PTE_AD);
    root_pt[1] = pte_table(l1_pt);
    root_pt[2] = ident_pte(0);
    root_pt[3] = ident_pte(PTE_U);
    l1_pt[0] = pte_table(l0_pt);
    user_off = USER_ALIAS;
}
