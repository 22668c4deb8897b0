/* The SBI extensions this firmware implements, one handler each, and the dispatch on the
 * extension ID. Specification: riscv-non-isa/riscv-sbi-doc, one chapter per extension.
 * Operations on other harts (IPI, RFENCE) go through smp.c; the calling hart's own part is
 * done here. */
#include "sbi.h"

/* Arguments and IDs, read from the caller's registers (a0..a7 = x10..x17). */
#define ARG(f, n) ((f)->x[10 + (n)])
#define FID(f) ((f)->x[16])
#define EID(f) ((f)->x[17])

static const struct sbiret not_supported = {SBI_ERR_NOT_SUPPORTED, 0};

static struct sbiret ok(long value)
{
    return (struct sbiret){SBI_SUCCESS, value};
}

static struct sbiret error(long code)
{
    return (struct sbiret){code, 0};
}

/* --- Base (EID 0x10) ------------------------------------------------------------------------ */
static bool extension_available(uint64_t eid);

static struct sbiret base_call(uint64_t fid, uint64_t extension)
{
    switch (fid) {
    case SBI_BASE_GET_SPEC_VERSION: return ok(SBI_SPEC_VERSION(SBI_SPEC_MAJOR, SBI_SPEC_MINOR));
    case SBI_BASE_GET_IMPL_ID: return ok(SBI_IMPL_ID_RV39);
    case SBI_BASE_GET_IMPL_VERSION: return ok(SBI_IMPL_VERSION);
    case SBI_BASE_PROBE_EXTENSION: return ok(extension_available(extension));
    case SBI_BASE_GET_MVENDORID: return ok((long)csr_read(mvendorid));
    case SBI_BASE_GET_MARCHID: return ok((long)csr_read(marchid));
    case SBI_BASE_GET_MIMPID: return ok((long)csr_read(mimpid));
    default: return not_supported;
    }
}

/* --- IPI (EID "sPI"): an IPI to a hart is a supervisor software interrupt there --------- */
static struct sbiret ipi_send(uint64_t mask, uint64_t base)
{
    bool self;
    long err = smp_send(mask, base, SMP_IPI, &self);
    if (err) return error(err);
    if (self) csr_set(mip, MIP_SSIP);
    return ok(0);
}

/* --- RFENCE (EID "RFNC") ------------------------------------------------------------------ */
#define PAGE_SIZE 4096ul
/* Beyond this many pages, one full flush is cheaper than a loop of single-page ones. */
#define RFENCE_MAX_PAGES 64ul

static void sfence_vma_range(uint64_t start, uint64_t size, bool with_asid, uint64_t asid)
{
    /* "The entire address space if start and size are both 0, or size is 2^XLEN - 1." */
    bool all = (start == 0 && size == 0) || size == ~0ul || size / PAGE_SIZE > RFENCE_MAX_PAGES;
    if (all) {
        if (with_asid)
            __asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
        else
            __asm__ volatile("sfence.vma" ::: "memory");
        return;
    }
    for (uint64_t va = start & ~(PAGE_SIZE - 1); va < start + size; va += PAGE_SIZE) {
        if (with_asid)
            __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory");
        else
            __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
    }
}

static struct sbiret rfence_call(struct sbi_trap_frame *f)
{
    if (FID(f) > SBI_RFENCE_REMOTE_SFENCE_VMA_ASID) return not_supported; /* hfence: no H */
    bool self;
    long err = smp_send(ARG(f, 0), ARG(f, 1), SMP_FENCE, &self);
    if (err) return error(err);
    if (!self) return ok(0);
    uint64_t start = ARG(f, 2), size = ARG(f, 3);
    switch (FID(f)) {
    case SBI_RFENCE_REMOTE_FENCE_I: __asm__ volatile("fence.i" ::: "memory"); break;
    case SBI_RFENCE_REMOTE_SFENCE_VMA: sfence_vma_range(start, size, false, 0); break;
    case SBI_RFENCE_REMOTE_SFENCE_VMA_ASID: sfence_vma_range(start, size, true, ARG(f, 4)); break;
    }
    return ok(0);
}

/* --- SRST (EID "SRST") -------------------------------------------------------------------- */
static struct sbiret system_reset(uint64_t type, uint64_t reason)
{
    if (type > SBI_SRST_TYPE_WARM_REBOOT) return error(SBI_ERR_INVALID_PARAM);
    /* Our one vendor-specific reason: shut down with exit status N (sbi_abi.h). */
    uint64_t code = reason - SBI_SRST_REASON_RV39_EXIT;
    if (type == SBI_SRST_TYPE_SHUTDOWN && code >= 1 && code <= 255) power_off_status((int)code);
    /* Other reasons are reserved or vendor-specific and not implemented. */
    if (reason != SBI_SRST_REASON_NONE && reason != SBI_SRST_REASON_SYSTEM_FAILURE)
        return error(SBI_ERR_INVALID_PARAM);
    if (type == SBI_SRST_TYPE_SHUTDOWN) power_off(reason == SBI_SRST_REASON_SYSTEM_FAILURE);
    power_reboot(); /* cold and warm alike: the finisher resets the whole board */
}

/* --- DBCN (EID "DBCN") -------------------------------------------------------------------- */
/* Spec "Shared memory physical address range parameter": the range must be memory S may
 * access. S may not touch the firmware's region (PMP entry 0) nor anything below DRAM
 * (devices); beyond the end of DRAM, which the firmware does not know, the access faults
 * and the guard turns that into an error. */
static bool dbcn_range_ok(uint64_t len, uint64_t lo, uint64_t hi)
{
    if (hi != 0 || lo + len < lo) return false;
    return lo >= FW_BASE + FW_REGION_SIZE;
}

static struct sbiret dbcn_write(uint64_t len, uint64_t lo, uint64_t hi)
{
    if (!dbcn_range_ok(len, lo, hi)) return error(SBI_ERR_INVALID_PARAM);
    const volatile uint8_t *p = (const volatile uint8_t *)lo;
    uint64_t done = 0;
    for (; done < len; done++) {
        trap_guard_arm();
        uint8_t byte = p[done];
        if (trap_guard_tripped()) return error(SBI_ERR_INVALID_PARAM);
        putchar_(byte);
    }
    return ok((long)done);
}

static struct sbiret dbcn_read(uint64_t len, uint64_t lo, uint64_t hi)
{
    if (!dbcn_range_ok(len, lo, hi)) return error(SBI_ERR_INVALID_PARAM);
    volatile uint8_t *p = (volatile uint8_t *)lo;
    uint64_t done = 0;
    for (int c; done < len && (c = console_getchar()) >= 0; done++) {
        trap_guard_arm();
        p[done] = (uint8_t)c;
        if (trap_guard_tripped()) return error(SBI_ERR_INVALID_PARAM);
    }
    return ok((long)done);
}

static struct sbiret dbcn_call(struct sbi_trap_frame *f)
{
    switch (FID(f)) {
    case SBI_DBCN_CONSOLE_WRITE: return dbcn_write(ARG(f, 0), ARG(f, 1), ARG(f, 2));
    case SBI_DBCN_CONSOLE_READ: return dbcn_read(ARG(f, 0), ARG(f, 1), ARG(f, 2));
    case SBI_DBCN_CONSOLE_WRITE_BYTE: putchar_((uint8_t)ARG(f, 0)); return ok(0);
    default: return not_supported;
    }
}

/* --- dispatch ----------------------------------------------------------------------------- */
static bool extension_available(uint64_t eid)
{
    switch (eid) {
    case SBI_EXT_LEGACY_SET_TIMER:
    case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
    case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
    case SBI_EXT_LEGACY_CLEAR_IPI:
    case SBI_EXT_LEGACY_SEND_IPI:
    case SBI_EXT_LEGACY_REMOTE_FENCE_I:
    case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA:
    case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID:
    case SBI_EXT_LEGACY_SHUTDOWN:
    case SBI_EXT_BASE:
    case SBI_EXT_TIME:
    case SBI_EXT_IPI:
    case SBI_EXT_RFENCE:
    case SBI_EXT_SRST:
    case SBI_EXT_HSM:
    case SBI_EXT_PMU:
    case SBI_EXT_DBCN: return true;
    default: return false;
    }
}

/* The legacy calls' hart mask: a0 is the S virtual address of an unsigned long, read as S
 * would read it (mstatus.MPRV with MPP = S, the trap's); 0 means every hart. False when S
 * could not read it. */
static bool legacy_hart_mask(uint64_t va, uint64_t *mask, uint64_t *base)
{
    *mask = 0;
    *base = SBI_HART_MASK_BASE_ALL;
    if (va == 0) return true;
    uint64_t value = 0;
    trap_guard_arm();
    /* One block: nothing else (a spill to the stack) may run under S's translation. */
    __asm__ volatile("csrs mstatus, %1\n\tld %0, 0(%2)\n\tcsrc mstatus, %1"
                     : "+r"(value)
                     : "r"(MSTATUS_MPRV), "r"(va)
                     : "memory");
    if (trap_guard_tripped()) return false;
    *mask = value;
    *base = 0;
    return true;
}

/* Legacy IPI and fences (spec "Legacy Extensions", 0x03..0x07): the new calls' work with the
 * mask read from memory; only a0 returns. */
static long legacy_smp(struct sbi_trap_frame *f)
{
    uint64_t mask, base;
    if (!legacy_hart_mask(ARG(f, 0), &mask, &base)) return SBI_ERR_INVALID_ADDRESS;
    bool ipi = EID(f) == SBI_EXT_LEGACY_SEND_IPI, self;
    long err = smp_send(mask, base, ipi ? SMP_IPI : SMP_FENCE, &self);
    if (err || !self) return err;
    if (ipi)
        csr_set(mip, MIP_SSIP);
    else if (EID(f) == SBI_EXT_LEGACY_REMOTE_FENCE_I)
        __asm__ volatile("fence.i" ::: "memory");
    else
        sfence_vma_range(ARG(f, 1), ARG(f, 2), EID(f) == SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID,
                         ARG(f, 3));
    return SBI_SUCCESS;
}

/* Legacy extensions (spec "Legacy Extensions"): the EID is the function, only a0 returns. */
static bool legacy_call(struct sbi_trap_frame *f)
{
    switch (EID(f)) {
    case SBI_EXT_LEGACY_CLEAR_IPI:
        csr_clear(mip, MIP_SSIP);
        ARG(f, 0) = 0;
        return true;
    case SBI_EXT_LEGACY_SEND_IPI:
    case SBI_EXT_LEGACY_REMOTE_FENCE_I:
    case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA:
    case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID: ARG(f, 0) = (uint64_t)legacy_smp(f); return true;
    case SBI_EXT_LEGACY_SET_TIMER:
        timer_set(ARG(f, 0));
        ARG(f, 0) = 0;
        return true;
    case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
        putchar_((uint8_t)ARG(f, 0));
        ARG(f, 0) = 0;
        return true;
    case SBI_EXT_LEGACY_CONSOLE_GETCHAR: ARG(f, 0) = (uint64_t)(long)console_getchar(); return true;
    case SBI_EXT_LEGACY_SHUTDOWN: power_off(false);
    default: return false;
    }
}

bool sbi_ecall(struct sbi_trap_frame *f)
{
    if (legacy_call(f)) return true;
    bool redirected = false;

    struct sbiret r;
    /* EIDs and FIDs are signed 32-bit values in the encoding. */
    switch ((uint32_t)EID(f)) {
    case SBI_EXT_BASE: r = base_call((uint32_t)FID(f), ARG(f, 0)); break;
    case SBI_EXT_TIME:
        if (FID(f) != SBI_TIME_SET_TIMER) {
            r = not_supported;
            break;
        }
        timer_set(ARG(f, 0));
        r = ok(0);
        break;
    case SBI_EXT_IPI:
        r = FID(f) == SBI_IPI_SEND_IPI ? ipi_send(ARG(f, 0), ARG(f, 1)) : not_supported;
        break;
    case SBI_EXT_RFENCE: r = rfence_call(f); break;
    case SBI_EXT_SRST:
        r = FID(f) == SBI_SRST_SYSTEM_RESET ? system_reset((uint32_t)ARG(f, 0), (uint32_t)ARG(f, 1))
                                            : not_supported;
        break;
    case SBI_EXT_DBCN: r = dbcn_call(f); break;
    case SBI_EXT_HSM: r = hsm_call(f, &redirected); break;
    case SBI_EXT_PMU: r = pmu_call(f); break;
    default: r = not_supported; break;
    }
    if (redirected) return false; /* a0/a1 are the resume arguments, not results */
    ARG(f, 0) = (uint64_t)r.error;
    ARG(f, 1) = (uint64_t)r.value;
    return true;
}
