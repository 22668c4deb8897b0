/* Control and status registers: priv spec ch. 2 (access rules), 3 (machine), 10 (supervisor),
 * unpriv spec ch. 8 "Counters", and Sstc. */
#include "cpu.h"
#include "cmo.h"
#include "ext.h"
#include "csr_numbers.h"
#include "../mmu/walk.h"
#include "../mmu/tlb.h"

/* Writable mstatus bits. FS is writable (F/D); XS stays 0 (no other extension state), so SD
 * is FS == Dirty; UXL/SXL are fixed at 64 bits; big-endian modes are not supported
 * (UBE/SBE/MBE read 0). */
#define MSTATUS_WRITABLE                                                                           \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP |         \
     MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |            \
     MSTATUS_TSR)
#define MSTATUS_FIXED ((2ull << 32) | (2ull << 34)) /* UXL = SXL = 64-bit */
/* sstatus is a restricted view of mstatus (priv spec 10.1.1). */
#define SSTATUS_MASK                                                                               \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_XS |            \
     MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)

#define MIE_WRITABLE (MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP)
#define MIDELEG_WRITABLE (MIP_SSIP | MIP_STIP | MIP_SEIP)
/* medeleg: every synchronous exception but ecall from M (bit 11, read-only zero). */
#define MEDELEG_WRITABLE 0xb3ffull

static uint64_t hpm_event_count(const struct cpu *c, unsigned i)
{
    switch (i) {
    case 0: return c->stats.itlb_misses;
    case 1: return c->stats.dtlb_misses;
    case 2: return c->stats.walks;
    case 3: return c->stats.page_faults;
    case 4: return c->stats.sfences;
    default: return 0;
    }
}

/* mhpmcounter3+i: the event count plus what writes added, or, while mcountinhibit's bit
 * 3+i stops it ("Machine Counter-Inhibit Register", priv spec 3.1.13), the value it froze at. */
static bool hpm_inhibited(const struct cpu *c, unsigned i)
{
    return (c->mcountinhibit >> (3 + i)) & 1;
}

static uint64_t hpm_value(const struct cpu *c, unsigned i)
{
    return hpm_inhibited(c, i) ? c->hpm_frozen[i] : hpm_event_count(c, i) + c->hpm_adjust[i];
}

static void hpm_set(struct cpu *c, unsigned i, uint64_t value)
{
    if (hpm_inhibited(c, i))
        c->hpm_frozen[i] = value;
    else
        c->hpm_adjust[i] = value - hpm_event_count(c, i);
}

static void set_mcountinhibit(struct cpu *c, uint64_t value)
{
    uint64_t values[HPM_EVENTS];
    for (unsigned i = 0; i < HPM_EVENTS; i++)
        values[i] = hpm_value(c, i);
    c->mcountinhibit = value & 0xfffffffd; /* TM is read-only zero */
    for (unsigned i = 0; i < HPM_EVENTS; i++)
        hpm_set(c, i, values[i]); /* a counter stops or goes on from where it was */
}

/* Counter-enable gating for cycle/time/instret/hpmcounterN (priv spec 3.1.11, 10.1.5):
 * S-mode needs the mcounteren bit, U-mode needs mcounteren and scounteren. */
static bool counter_accessible(const struct cpu *c, unsigned bit)
{
    if (c->priv == PRIV_M) return true;
    if (!((c->mcounteren >> bit) & 1)) return false;
    return c->priv == PRIV_S || ((c->scounteren >> bit) & 1);
}

/* Sstc: M-mode always reaches stimecmp; below M it needs menvcfg.STCE and mcounteren.TM.
 * Without Sstc (-cpu rv64,sstc=off) there is no stimecmp at all. */
static bool stimecmp_accessible(const struct cpu *c)
{
    if (!rv_ext_enabled(EXT_SSTC)) return false;
    return c->priv == PRIV_M || ((c->menvcfg & ENVCFG_STCE) && (c->mcounteren & 2));
}

/* With Sstc enabled, STIP is the comparison time >= stimecmp and not writable. */
void cpu_update_stip(struct cpu *c)
{
    if (c->menvcfg & ENVCFG_STCE) {
        if (cpu_time(c) >= c->stimecmp)
            c->mip |= MIP_STIP;
        else
            c->mip &= ~MIP_STIP;
    }
}

/* fflags, frm, fcsr (unpriv spec "Floating-Point Control and Status Register"): views of one
 * register, unreachable while mstatus.FS = Off (priv spec 3.1.6.6); a write makes the FP state
 * Dirty. */
static bool fp_csr_read(const struct cpu *c, unsigned csr, uint64_t *value)
{
    if (!(c->mstatus & MSTATUS_FS)) return false;
    switch (csr) {
    case CSR_FFLAGS: *value = c->fcsr & 0x1f; return true;
    case CSR_FRM: *value = (c->fcsr >> 5) & 7; return true;
    default: *value = c->fcsr & 0xff; return true;
    }
}
static bool fp_csr_write(struct cpu *c, unsigned csr, uint64_t value)
{
    if (!(c->mstatus & MSTATUS_FS)) return false;
    switch (csr) {
    case CSR_FFLAGS: c->fcsr = (c->fcsr & ~0x1fu) | (uint32_t)(value & 0x1f); break;
    case CSR_FRM: c->fcsr = (c->fcsr & 0x1fu) | (uint32_t)(value & 7) << 5; break;
    default: c->fcsr = (uint32_t)(value & 0xff); break;
    }
    c->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
    return true;
}

bool csr_read(struct cpu *c, unsigned csr, uint64_t *value)
{
    /* priv spec 2.1: bits 9:8 give the lowest privilege that may access the CSR. */
    if (((csr >> 8) & 3) > c->priv) return false;
    if (csr >= CSR_FFLAGS && csr <= CSR_FCSR) return fp_csr_read(c, csr, value);

    if (csr >= CSR_HPMCOUNTER3 && csr <= CSR_HPMCOUNTER31) {
        unsigned i = csr - CSR_HPMCOUNTER3;
        if (!counter_accessible(c, 3 + i)) return false;
        *value = i < HPM_EVENTS ? hpm_value(c, i) : 0;
        return true;
    }
    if (csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) {
        unsigned i = csr - CSR_MHPMCOUNTER3;
        *value = i < HPM_EVENTS ? hpm_value(c, i) : 0;
        return true;
    }
    if (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31) {
        /* Events are fixed: mhpmevent3+i reads event i+1 (see struct cpu_stats). */
        unsigned i = csr - CSR_MHPMEVENT3;
        *value = i < HPM_EVENTS ? i + 1 : 0;
        return true;
    }
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
        if (csr & 1) return false; /* RV64 has only the even pmpcfg registers (priv spec 3.7.1) */
        *value = c->pmpcfg[csr - CSR_PMPCFG0];
        return true;
    }
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
        *value = c->pmpaddr[csr - CSR_PMPADDR0];
        return true;
    }

    switch (csr) {
    case CSR_CYCLE:
        if (!counter_accessible(c, 0)) return false;
        *value = c->mcycle;
        return true;
    case CSR_TIME:
        if (!counter_accessible(c, 1)) return false;
        *value = cpu_time(c);
        return true;
    case CSR_INSTRET:
        if (!counter_accessible(c, 2)) return false;
        *value = c->minstret;
        return true;

    case CSR_SSTATUS: *value = c->mstatus & SSTATUS_MASK; return true;
    case CSR_SIE: *value = c->mie & c->mideleg; return true;
    case CSR_STVEC: *value = c->stvec; return true;
    case CSR_SCOUNTEREN: *value = c->scounteren; return true;
    case CSR_SENVCFG: *value = c->senvcfg; return true;
    case CSR_SSCRATCH: *value = c->sscratch; return true;
    case CSR_SEPC: *value = c->sepc; return true;
    case CSR_SCAUSE: *value = c->scause; return true;
    case CSR_STVAL: *value = c->stval; return true;
    case CSR_SIP: *value = c->mip & c->mideleg; return true;
    case CSR_STIMECMP:
        if (!stimecmp_accessible(c)) return false;
        *value = c->stimecmp;
        return true;
    case CSR_SATP:
        if (c->priv == PRIV_S && (c->mstatus & MSTATUS_TVM)) return false; /* priv spec 3.1.6.5 */
        *value = c->satp;
        return true;

    case CSR_MVENDORID: *value = 0; return true; /* non-commercial implementation */
    case CSR_MARCHID: *value = 0; return true;
    case CSR_MIMPID: *value = 0; return true;
    case CSR_MHARTID: *value = 0; return true;
    case CSR_MCONFIGPTR: *value = 0; return true; /* no configuration structure */
    case CSR_MSTATUS: *value = c->mstatus; return true;
    case CSR_MISA: *value = c->misa; return true;
    case CSR_MEDELEG: *value = c->medeleg; return true;
    case CSR_MIDELEG: *value = c->mideleg; return true;
    case CSR_MIE: *value = c->mie; return true;
    case CSR_MTVEC: *value = c->mtvec; return true;
    case CSR_MCOUNTEREN: *value = c->mcounteren; return true;
    case CSR_MENVCFG: *value = c->menvcfg; return true;
    case CSR_MCOUNTINHIBIT: *value = c->mcountinhibit; return true;
    case CSR_MSCRATCH: *value = c->mscratch; return true;
    case CSR_MEPC: *value = c->mepc; return true;
    case CSR_MCAUSE: *value = c->mcause; return true;
    case CSR_MTVAL: *value = c->mtval; return true;
    case CSR_MIP: *value = c->mip; return true;
    case CSR_MCYCLE: *value = c->mcycle; return true;
    case CSR_MINSTRET: *value = c->minstret; return true;
    /* No triggers (debug spec 5.7): tselect stays 0, tdata1 reads type 0 ("no trigger"),
     * tinfo says only type 0 exists. Software that probes for triggers finds none instead
     * of trapping. */
    case CSR_TSELECT:
    case CSR_TDATA1:
    case CSR_TDATA2:
    case CSR_TDATA3: *value = 0; return true;
    case CSR_TINFO: *value = 1; return true;
    default: return false;
    }
}

static void write_mstatus(struct cpu *c, uint64_t value)
{
    uint64_t old = c->mstatus;
    uint64_t mpp = (value & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    if (mpp == 2) /* WARL: 2 is reserved; keep the previous mode */
        value = (value & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    c->mstatus = (value & MSTATUS_WRITABLE) | MSTATUS_FIXED;
    /* SD summarizes FS/XS/VS: set when any is Dirty (priv spec 3.1.6.6); only FS exists. */
    if ((c->mstatus & MSTATUS_FS) == MSTATUS_FS_DIRTY) c->mstatus |= MSTATUS_SD;
    /* MXR changes what every cached S/U translation allows; MPRV/MPP/SUM only pick a view. */
    cpu_sync_mmu(c); /* flushes the fast TLB when MXR changed */
}

bool csr_write(struct cpu *c, unsigned csr, uint64_t value)
{
    if (((csr >> 8) & 3) > c->priv || (csr >> 10) == 3)
        return false; /* too privileged, or read-only (bits 11:10 = 3) */
    if (csr >= CSR_FFLAGS && csr <= CSR_FCSR) return fp_csr_write(c, csr, value);

    if (csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) {
        unsigned i = csr - CSR_MHPMCOUNTER3;
        if (i < HPM_EVENTS) hpm_set(c, i, value);
        return true;
    }
    if (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31) return true; /* WARL, events are fixed */
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
        if (csr & 1) return false;
        /* Accept and read back; rv39 does not enforce PMP (all of memory is accessible). Keep
         * R/W/X/A/L bits; W without R is reserved (priv spec 3.7.1): clear W there. */
        uint64_t v = value & 0x9f9f9f9f9f9f9f9full;
        for (unsigned b = 0; b < 8; b++) {
            uint64_t cfg = (v >> (8 * b)) & 0xff;
            if ((cfg & 3) == 2) v &= ~(2ull << (8 * b));
        }
        c->pmpcfg[csr - CSR_PMPCFG0] = v;
        return true;
    }
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
        c->pmpaddr[csr - CSR_PMPADDR0] = value & ((1ull << 54) - 1);
        return true;
    }

    switch (csr) {
    case CSR_SSTATUS:
        write_mstatus(c, (c->mstatus & ~SSTATUS_MASK) | (value & SSTATUS_MASK));
        return true;
    case CSR_SIE: c->mie = (c->mie & ~c->mideleg) | (value & c->mideleg); return true;
    case CSR_STVEC: c->stvec = value & ~2ull; return true; /* modes 0 and 1 only */
    case CSR_SCOUNTEREN: c->scounteren = value & 0xffffffff; return true;
    case CSR_SENVCFG: c->senvcfg = envcfg_legalize(value, envcfg_writable(false)); return true;
    case CSR_SSCRATCH: c->sscratch = value; return true;
    case CSR_SEPC: c->sepc = value & ~1ull; return true;
    case CSR_SCAUSE: c->scause = value; return true;
    case CSR_STVAL: c->stval = value; return true;
    case CSR_SIP:
        /* Only SSIP is writable through sip, and only when delegated (priv spec 10.1.3). */
        c->mip = (c->mip & ~(MIP_SSIP & c->mideleg)) | (value & MIP_SSIP & c->mideleg);
        return true;
    case CSR_STIMECMP:
        if (!stimecmp_accessible(c)) return false;
        c->stimecmp = value;
        cpu_update_stip(c);
        return true;
    case CSR_SATP: {
        if (c->priv == PRIV_S && (c->mstatus & MSTATUS_TVM)) return false;
        uint64_t mode = value >> SATP_MODE_SHIFT;
        /* Bare, Sv39, and Sv48/Sv57 when -cpu leaves them on (cpu/ext.h). */
        if (!rv_vm_mode_supported(mode))
            return true; /* unsupported MODE: the whole write has no effect (priv spec 10.1.11) */
        c->satp = value;
        cpu_emit(c, &(struct cpu_event){.kind = EV_SATP, .pc = c->pc, .satp = value});
        /* The model TLB is ASID-tagged and needs no flush; the fast TLB holds translations
         * of the current address space only. */
        mmu_flush_all(&c->mmu);
        cpu_sync_mmu(c);
        return true;
    }

    case CSR_MSTATUS: write_mstatus(c, value); return true;
    case CSR_MISA: return true; /* WARL: extensions cannot be switched off */
    case CSR_MEDELEG: c->medeleg = value & MEDELEG_WRITABLE; return true;
    case CSR_MIDELEG: c->mideleg = value & MIDELEG_WRITABLE; return true;
    case CSR_MIE: c->mie = value & MIE_WRITABLE; return true;
    case CSR_MTVEC: c->mtvec = value & ~2ull; return true;
    case CSR_MCOUNTEREN: c->mcounteren = value & 0xffffffff; return true;
    case CSR_MENVCFG:
        c->menvcfg = envcfg_legalize(value, envcfg_writable(true));
        cpu_sync_mmu(c); /* PBMTE, ADUE */
        cpu_update_stip(c);
        return true;
    case CSR_MCOUNTINHIBIT: set_mcountinhibit(c, value); return true;
    case CSR_MSCRATCH: c->mscratch = value; return true;
    case CSR_MEPC: c->mepc = value & ~1ull; return true;
    case CSR_MCAUSE: c->mcause = value; return true;
    case CSR_MTVAL: c->mtval = value; return true;
    case CSR_MIP: {
        /* SSIP and SEIP are writable by M-mode; STIP too unless Sstc drives it. MSIP, MTIP,
         * MEIP are driven by the CLINT/PLIC (priv spec 3.1.9). */
        uint64_t writable = MIP_SSIP | MIP_SEIP;
        if (!(c->menvcfg & ENVCFG_STCE)) writable |= MIP_STIP;
        c->seip_software = value & MIP_SEIP;
        c->mip = (c->mip & ~writable) | (value & writable);
        if (c->seip_line) c->mip |= MIP_SEIP;
        return true;
    }
    /* The writing instruction itself retires after the write; the next instruction must read
     * the value written (unpriv spec 7.1), so pre-subtract the count it is about to add. */
    case CSR_MCYCLE: c->mcycle = value - !(c->mcountinhibit & 1); return true;
    case CSR_MINSTRET: c->minstret = value - !(c->mcountinhibit & 4); return true;
    case CSR_TSELECT: /* WARL: with no triggers every write is ignored */
    case CSR_TDATA1:
    case CSR_TDATA2:
    case CSR_TDATA3:
    case CSR_TINFO: return true;
    default: return false;
    }
}

bool csr_write_needs_resync(unsigned csr)
{
    switch (csr) {
    case CSR_SSTATUS:
    case CSR_SIE:
    case CSR_SIP:
    case CSR_STIMECMP:
    case CSR_SATP:
    case CSR_MSTATUS:
    case CSR_MIDELEG:
    case CSR_MIE:
    case CSR_MIP:
    case CSR_MENVCFG:
    case CSR_MCYCLE:
    case CSR_MINSTRET: return true;
    default: return false;
    }
}
