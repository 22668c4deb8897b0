/* Difftest harness: runs the random programs that tests/difftest/gen.c wrote into the
 * .randprog area of a copy of this ELF, one after the other, and prints a dump of each
 * program's final state on the UART. The same ELF runs on rv39 and on QEMU; run.sh compares
 * the dumps. Built once; the generator never needs a compiler.
 *
 * Each program runs in M, S or U mode with every trap taken to M here: the handler logs
 * cause, epc, tval, the mode and the instruction, then skips the instruction (2 or 4 bytes,
 * from its low bits: unpriv spec "Base Instruction-Length Encoding"). An instruction-fetch
 * fault has no instruction to skip: the generator set ra to the continuation before every
 * jump that may fault, so the handler resumes there. A trap from the final ecall ends the
 * program. */
#include "layout.h"
#include "rv39.h"

#define MSTATUS_SIE (1ul << 1)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_SPP (1ul << 8)
#define MSTATUS_FS (3ul << 13)
#define MSTATUS_MPRV (1ul << 17)
#define MIP_SSIP (1ul << 1)

struct frame {
    uint64_t x[32];
    uint64_t harness_gp, harness_sp, scratch;
};

extern char dt_trap_entry[];
extern __attribute__((noreturn)) void dt_resume(void);
void dt_load_fregs(const uint64_t f[32]);
void dt_save_fregs(uint64_t f[32]);
void dt_handle_trap(struct frame *fr);

__attribute__((section(".randprog"), used)) static uint8_t randprog[DT_RANDPROG_SIZE];

static struct frame frame;
static uint8_t handler_stack[16384] __attribute__((aligned(16)));
static uint64_t pt_copy[DT_PT_PAGES * DT_PAGE / 8];
static unsigned current, nprogs;

/* Per-program trap record. */
struct trap_rec {
    uint64_t cause, epc, tval, mode, insn;
};
static struct trap_rec tlog[DT_LOG_MAX];
static unsigned ntraps, nfetch;
/* Traps counted by cause (0..15) and by whether the instruction was an AMO (QEMU 7.2
 * reports AMO page faults as load page faults: DEVIATIONS.md). */
static unsigned hist[32][2]; /* 16 + n: interrupt n */
static int in_handler;

static const struct dt_desc *desc(unsigned i)
{
    return (const struct dt_desc *)(DT_RANDPROG_BASE + (uint64_t)i * DT_SLOT_SIZE);
}

static uint64_t *pt_pages(unsigned i)
{
    return (uint64_t *)(DT_RANDPROG_BASE + (uint64_t)i * DT_SLOT_SIZE + DT_PT_OFF);
}

static void put_hex(uint64_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; i--)
        putchar_(hex[(v >> (4 * i)) & 15]);
}

static void put_field(const char *name, uint64_t v)
{
    puts_(name);
    putchar_(' ');
    put_hex(v, 16);
    putchar_('\n');
}

static __attribute__((noreturn)) void start_program(unsigned i);

/* The final state: registers, FP registers and fcsr, the CSRs programs may write, the trap
 * log, and every DATA word and PTE that differs from what it was at the start. */
static __attribute__((noreturn)) void finish_program(const char *why)
{
    const struct dt_desc *d = desc(current);
    uint64_t mstatus = csr_read(mstatus);
    printf("P %lu %s\n", (unsigned long)d->index, why);
    for (int r = 1; r < 32; r++) {
        printf("x%02d ", r);
        put_hex(frame.x[r], 16);
        putchar_(r % 4 == 3 ? '\n' : ' ');
    }
    putchar_('\n');
    put_field("mstatus", mstatus);
    csr_set(mstatus, MSTATUS_FS); /* to read the FP state whatever the program left in FS */
    uint64_t f[32];
    dt_save_fregs(f);
    for (int r = 0; r < 32; r++) {
        printf("f%02d ", r);
        put_hex(f[r], 16);
        putchar_(r % 4 == 3 ? '\n' : ' ');
    }
    put_field("fcsr", csr_read(fcsr));
    put_field("mscratch", csr_read(mscratch));
    put_field("sscratch", csr_read(sscratch));
    /* not scause: every S trap's cause is in the log, and QEMU's AMO cause is filtered there */
    put_field("sepc", csr_read(sepc));
    put_field("stval", csr_read(stval));
    put_field("stvec", csr_read(stvec));
    put_field("mtvec", csr_read(mtvec));
    put_field("mie", csr_read(mie));
    put_field("satp", csr_read(satp));
    printf("T %u\n", ntraps);
    for (unsigned k = 0; k < ntraps && k < DT_LOG_MAX; k++) {
        const struct trap_rec *t = &tlog[k];
        printf("t %2u ", (unsigned)t->cause);
        put_hex(t->epc, 16);
        putchar_(' ');
        put_hex(t->tval, 16);
        printf(" %u ", (unsigned)t->mode);
        put_hex(t->insn, 8);
        putchar_('\n');
    }
    for (unsigned c = 0; c < 32; c++)
        for (unsigned a = 0; a < 2; a++)
            if (hist[c][a]) printf("h %u %s %u\n", c, a ? "amo" : "other", hist[c][a]);
    unsigned changed = 0;
    for (uint64_t a = DT_DATA_BASE; a < DT_DATA_BASE + DT_DATA_SIZE; a += 8) {
        volatile uint64_t *w = (volatile uint64_t *)a;
        int zeros = a >= DT_DATA_BASE + DT_DATA_PATTERN;
        /* the zero part (most of DATA) eight words at a time: the scan is most of the
         * harness's own work per program */
        if (zeros && !(a & 63) && !(w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])) {
            a += 56;
            continue;
        }
        uint64_t v = *w, expect = zeros ? 0 : dt_pattern(d->data_seed, a);
        if (v == expect) continue;
        if (zeros) *w = 0; /* the next program expects zeros */
        if (++changed <= 128) {
            puts_("m ");
            put_hex(a, 8);
            putchar_(' ');
            put_hex(v, 16);
            putchar_('\n');
        }
    }
    printf("M %u\n", changed);
    /* Page tables: the A and D bits the hardware set. */
    const uint64_t *pt = pt_pages(current);
    for (unsigned k = 0; k < DT_PT_PAGES * DT_PAGE / 8; k++) {
        if (pt[k] == pt_copy[k]) continue;
        puts_("p ");
        put_hex((uint64_t)&pt[k], 8);
        putchar_(' ');
        put_hex(pt[k], 16);
        putchar_(' ');
        put_hex(pt_copy[k], 16);
        putchar_('\n');
    }
    printf("E %lu\n", (unsigned long)d->index);
    for (unsigned next = current + 1; next < DT_SLOTS; next++)
        if (desc(next)->magic == DT_MAGIC) start_program(next);
    printf("DONE %u\n", nprogs);
    exit(0);
}

/* An AMO proper (not LR or SC): funct5 is neither 00010 nor 00011. */
static int is_amo(uint32_t insn)
{
    return (insn & 0x7f) == 0x2f && (insn >> 28) != 1;
}

static uint32_t insn_at(uint64_t pc)
{
    /* Code is identity mapped, so the harness reads it physically. A 4-byte instruction may
     * sit at a 2-byte boundary: read it as two halves. */
    const uint16_t *p = (const uint16_t *)pc;
    uint32_t insn = p[0];
    if ((insn & 3) == 3) insn |= (uint32_t)p[1] << 16;
    return insn;
}

static void log_trap(uint64_t cause, uint64_t epc, uint64_t tval, uint64_t mode, uint32_t insn)
{
    /* mtval/stval on an illegal instruction (and on a breakpoint) may be zero or the
     * instruction bits (or the PC): the implementation's choice (priv spec "Machine Trap
     * Value Register"). */
    if (cause == 2 || cause == 3) {
        tval = 0;
        /* the same in the CSR itself: programs read mtval, stval is in the dump */
        if (mode >= 4)
            csr_write(stval, 0);
        else
            csr_write(mtval, 0);
    }
    if (ntraps < DT_LOG_MAX) tlog[ntraps] = (struct trap_rec){cause, epc, tval, mode, insn};
    ntraps++;
    if (cause < 32) hist[cause][is_amo(insn)]++;
    if (ntraps >= DT_TRAP_LIMIT) {
        in_handler = 0;
        finish_program("trap-limit");
    }
}

/* A trap delegated to S arrived at the stub (`ecall; ecall; sret`: the second ecall is the
 * software interrupt's vector when stvec is vectored), whose ecall brought it here: log it
 * (mode 4 + SPP: taken in S), skip the instruction through sepc, and let the sret return. */
static void s_trap(const struct dt_desc *d)
{
    uint64_t scause = csr_read(scause), sepc = csr_read(sepc), stval = csr_read(stval);
    uint64_t spp = (csr_read(sstatus) >> 8) & 1;
    if (scause >> 63) { /* the supervisor software interrupt: resume where it came */
        log_trap(16 + (scause & 15), sepc, 0, 4 + spp, 0);
        csr_clear(mip, MIP_SSIP);
        csr_write(mepc, d->stub + 8);
        return;
    }
    if (scause == 8 && sepc == d->end_pc) {
        in_handler = 0;
        finish_program("end");
    }
    int in_code = sepc >= d->entry && sepc < d->code_end;
    uint32_t insn = in_code ? insn_at(sepc) : 0;
    log_trap(scause, sepc, stval, 4 + spp, insn);
    if (!in_code) { /* fetch faults are not delegated: this is the stub's own sret */
        in_handler = 0;
        finish_program("stub-stop");
    }
    csr_write(sepc, sepc + ((insn & 3) == 3 ? 4 : 2));
    csr_write(mepc, d->stub + 8);
}

void dt_handle_trap(struct frame *fr)
{
    uint64_t cause = csr_read(mcause), epc = csr_read(mepc), tval = csr_read(mtval);
    uint64_t mode = (csr_read(mstatus) >> MSTATUS_MPP_SHIFT) & 3;
    const struct dt_desc *d = desc(current);
    if (in_handler || ((cause >> 63) && (cause & 63) != 1)) {
        printf("HARNESS FAULT cause %lx epc %lx tval %lx\n", (unsigned long)cause,
               (unsigned long)epc, (unsigned long)tval);
        exit(3);
    }
    in_handler = 1;
    /* The supervisor software interrupt, the one interrupt programs raise (mip/sip.SSIP):
     * logged as 16 + 1, cleared, and the program resumes where it was (mepc). It is taken
     * right after the instruction that made it pending and enabled: "immediately following
     * the execution of an xRET instruction or an explicit write to a CSR on which these
     * interrupt trap conditions expressly depend" (priv spec "Machine Interrupt Registers"). */
    if (cause >> 63) {
        log_trap(16 + (cause & 15), epc, 0, mode, 0);
        csr_clear(mip, MIP_SSIP);
        if (mode == 3) __asm__ volatile("sfence.vma" ::: "memory");
        in_handler = 0;
        return;
    }
    if ((cause == 8 || cause == 9 || cause == 11) && epc == d->end_pc) {
        in_handler = 0;
        finish_program("end");
    }
    if (cause == 9 && d->stub && (epc == d->stub || epc == d->stub + 4)) {
        s_trap(d);
        in_handler = 0;
        return;
    }
    int in_code = epc >= d->entry && epc < d->code_end;
    int fetch = cause == 1 || cause == 12;
    uint32_t insn = !fetch && in_code ? insn_at(epc) : 0;
    log_trap(cause, epc, tval, mode, insn);
    if (fetch || !in_code) {
        /* No instruction to skip: continue at ra, which the generator pointed at the next
         * unit; unless the code itself cannot be fetched any more, then stop. */
        uint64_t ra = fr->x[1];
        if (in_code || ++nfetch > DT_FETCH_FAULT_LIMIT || ra < d->entry || ra >= d->code_end) {
            in_handler = 0;
            finish_program("fetch-stop");
        }
        csr_write(mepc, ra);
    } else {
        csr_write(mepc, epc + ((insn & 3) == 3 ? 4 : 2));
    }
    /* QEMU 7.2 keeps M-mode translations across the MPP changes of a trap and mret, though
     * with MPRV set they change what an M-mode load means (priv spec "Memory Privilege in
     * mstatus Register"): the handler's own accesses (MPP = M) would be reused by the
     * program's (MPP = U after mret). Flushing costs the program nothing it can observe:
     * its page tables never change (DEVIATIONS.md). */
    if (mode == 3) __asm__ volatile("sfence.vma" ::: "memory");
    in_handler = 0;
}

static __attribute__((noreturn)) void start_program(unsigned i)
{
    const struct dt_desc *d = desc(i);
    current = i;
    ntraps = nfetch = 0;
    memset(hist, 0, sizeof hist);
    for (uint64_t a = DT_DATA_BASE; a < DT_DATA_BASE + DT_DATA_PATTERN; a += 8)
        *(volatile uint64_t *)a = dt_pattern(d->data_seed, a);
    memcpy(pt_copy, pt_pages(i), sizeof pt_copy);
    for (int r = 0; r < 32; r++)
        frame.x[r] = d->x[r];
    frame.x[0] = 0;
    frame.x[3] = d->loops;
    frame.x[4] = (uint64_t)&frame;

    /* Every CSR a program may touch starts from a defined value. */
    csr_write(mstatus, MSTATUS_FS);
    dt_load_fregs(d->f);
    csr_write(fcsr, d->fcsr);
    csr_write(mtvec, (uint64_t)dt_trap_entry);
    csr_write(mscratch, d->csr_init[0]);
    csr_write(sscratch, d->csr_init[1]);
    csr_write(sepc, d->csr_init[2]);
    csr_write(stvec, d->csr_init[3]);
    csr_write(scause, 0);
    csr_write(stval, 0);
    csr_write(medeleg, d->medeleg);
    csr_write(mip, 0);
    csr_write(mideleg, d->mideleg);
    csr_write(mie, d->mie);
    csr_write(satp, d->satp);
    __asm__ volatile("sfence.vma" ::: "memory");
    __asm__ volatile("fence.i" ::: "memory");
    csr_write(mepc, d->entry);
    csr_write(mstatus, d->mstatus | (d->mode << MSTATUS_MPP_SHIFT));
    dt_resume();
}

int main(void)
{
    frame.harness_sp = (uint64_t)(handler_stack + sizeof handler_stack);
    __asm__ volatile("sd gp, %0" : "=m"(frame.harness_gp));
    __asm__ volatile("mv tp, %0" ::"r"(&frame));
    /* No interrupts; exceptions are delegated per program (start_program). QEMU checks PMP for S
     * and U: one NAPOT region over everything, RWX (priv spec 3.7). */
    csr_write(mie, 0);
    csr_write(medeleg, 0);
    csr_write(mideleg, 0);
    csr_write(pmpaddr0, ~0ul >> 10);
    csr_write(pmpcfg0, 0x1f);
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    /* ADUE (bit 61, Svadu): A/D bits set by the hardware, as QEMU 7.2 always does (it has no
     * ADUE: the write leaves its menvcfg 0); everything else off. */
    csr_write(menvcfg, 1ul << 61);
    memset((void *)DT_DATA_BASE, 0, DT_DATA_SIZE);
    /* The generator may leave slots empty (a program re-run alone keeps its slot, whose
     * address its code depends on). */
    unsigned first = DT_SLOTS;
    for (unsigned i = DT_SLOTS; i-- > 0;)
        if (desc(i)->magic == DT_MAGIC) nprogs++, first = i;
    printf("difftest %u programs\n", nprogs);
    if (!nprogs) exit(0);
    start_program(first);
}
