/* Control and status registers: priv spec ch. 2 (access rules), 3 (machine), 10 (supervisor),
 * unpriv spec "Zicsr" and Sstc. Which CSRs exist, who may reach them and which handler
 * reads or writes each is the table cpu/csrs.def; this file holds the handlers and the
 * dispatch (the counters: cpu/csr_counters.c). */
#include "cpu.h"
#include "cmo.h"
#include "ext.h"
#include "csr_handlers.h"
#include "csr_table.h"
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

/* Sscofpmf's LCOFI (bit 13): its pending bit is software's to clear (and M's to set), it is
 * enabled and delegated like the others; without Sscofpmf all three are read-only zero. */
static uint64_t lcofi(void)
{
    return rv_ext_enabled(EXT_SSCOFPMF) ? MIP_LCOFIP : 0;
}
/* medeleg: every synchronous exception but ecall from M (bit 11, read-only zero). */
#define MEDELEG_WRITABLE 0xb3ffull

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
        cpu_mip_update(c, MIP_STIP, cpu_time(c) >= c->stimecmp ? MIP_STIP : 0);
    }
}

/* A CSR whose value is one field of struct cpu, read and written whole. */
#define PLAIN_READ(name, field)                                                                    \
    static CSR_READ_HANDLER(name)                                                                  \
    {                                                                                              \
        (void)csr;                                                                                 \
        *value = c->field;                                                                         \
        return true;                                                                               \
    }
#define PLAIN(name, field)                                                                         \
    PLAIN_READ(name, field)                                                                        \
    static CSR_WRITE_HANDLER(name)                                                                 \
    {                                                                                              \
        (void)csr;                                                                                 \
        c->field = value;                                                                          \
        return true;                                                                               \
    }
PLAIN(sscratch, sscratch)
PLAIN(scause, scause)
PLAIN(stval, stval)
PLAIN(mscratch, mscratch)
PLAIN(mcause, mcause)
PLAIN(mtval, mtval)
PLAIN_READ(stvec, stvec)
PLAIN_READ(sepc, sepc)
PLAIN_READ(scounteren, scounteren)
PLAIN_READ(senvcfg, senvcfg)
PLAIN_READ(stimecmp, stimecmp)
PLAIN_READ(satp, satp)
PLAIN_READ(mstatus, mstatus)
PLAIN_READ(misa, misa)
PLAIN_READ(medeleg, medeleg)
PLAIN_READ(mideleg, mideleg)
PLAIN_READ(mie, mie)
PLAIN_READ(mip, mip)
PLAIN_READ(mtvec, mtvec)
PLAIN_READ(mepc, mepc)
PLAIN_READ(mcounteren, mcounteren)
PLAIN_READ(menvcfg, menvcfg)

/* mhartid: the board numbers its harts from 0 (emu/machine.c). */
PLAIN_READ(mhartid, mhartid)

/* mvendorid, marchid, mimpid (a non-commercial implementation),
 * mconfigptr (no configuration structure); tselect/tdata1..3 with no triggers (debug spec
 * 5.7: tdata1 type 0 is "no trigger"). Software that probes for triggers finds none instead
 * of trapping. */
static CSR_READ_HANDLER(zero)
{
    (void)c, (void)csr;
    *value = 0;
    return true;
}
static CSR_READ_HANDLER(tinfo)
{
    (void)c, (void)csr;
    *value = 1; /* only type 0 exists */
    return true;
}
/* WARL registers with nothing writable: misa (extensions cannot be switched off), the
 * trigger registers. */
static CSR_WRITE_HANDLER(ignore)
{
    (void)c, (void)csr, (void)value;
    return true;
}

/* fflags, frm, fcsr (unpriv spec "Floating-Point Control and Status Register"): views of one
 * register (the FP gate keeps them unreachable while mstatus.FS = Off); a write makes the FP
 * state Dirty. */
static CSR_READ_HANDLER(fp)
{
    switch (csr) {
    case CSR_FFLAGS: *value = c->fcsr & 0x1f; return true;
    case CSR_FRM: *value = (c->fcsr >> 5) & 7; return true;
    default: *value = c->fcsr & 0xff; return true;
    }
}
static CSR_WRITE_HANDLER(fp)
{
    switch (csr) {
    case CSR_FFLAGS: c->fcsr = (c->fcsr & ~0x1fu) | (uint32_t)(value & 0x1f); break;
    case CSR_FRM: c->fcsr = (c->fcsr & 0x1fu) | (uint32_t)(value & 7) << 5; break;
    default: c->fcsr = (uint32_t)(value & 0xff); break;
    }
    c->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
    return true;
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

bool csr_mstatus_possible(uint64_t value)
{
    uint64_t sd = (value & MSTATUS_FS) == MSTATUS_FS_DIRTY ? MSTATUS_SD : 0;
    return (value & ~(MSTATUS_WRITABLE | MSTATUS_SD)) == MSTATUS_FIXED &&
           (value & MSTATUS_SD) == sd && (value & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT != 2;
}

static CSR_READ_HANDLER(sstatus)
{
    (void)csr;
    *value = c->mstatus & SSTATUS_MASK;
    return true;
}
static CSR_WRITE_HANDLER(sstatus)
{
    (void)csr;
    write_mstatus(c, (c->mstatus & ~SSTATUS_MASK) | (value & SSTATUS_MASK));
    return true;
}
static CSR_READ_HANDLER(sie)
{
    (void)csr;
    *value = c->mie & c->mideleg;
    return true;
}
static CSR_WRITE_HANDLER(sie)
{
    (void)csr;
    c->mie = (c->mie & ~c->mideleg) | (value & c->mideleg);
    return true;
}
static CSR_WRITE_HANDLER(stvec)
{
    (void)csr;
    c->stvec = value & ~2ull; /* modes 0 and 1 only */
    return true;
}
static CSR_WRITE_HANDLER(scounteren)
{
    (void)csr;
    c->scounteren = value & 0xffffffff;
    return true;
}
static CSR_WRITE_HANDLER(senvcfg)
{
    (void)csr;
    c->senvcfg = envcfg_legalize(value, envcfg_writable(false));
    return true;
}
static CSR_WRITE_HANDLER(sepc)
{
    (void)csr;
    c->sepc = value & ~1ull;
    return true;
}
static CSR_READ_HANDLER(sip)
{
    (void)csr;
    *value = c->mip & c->mideleg;
    return true;
}
/* Only SSIP (and Sscofpmf's LCOFIP) is writable through sip, and only when delegated (priv
 * spec 10.1.3). */
static CSR_WRITE_HANDLER(sip)
{
    (void)csr;
    uint64_t writable = (MIP_SSIP | lcofi()) & c->mideleg;
    cpu_mip_update(c, writable, value);
    return true;
}
static CSR_WRITE_HANDLER(stimecmp)
{
    (void)csr;
    c->stimecmp = value;
    cpu_update_stip(c);
    return true;
}
static CSR_WRITE_HANDLER(satp)
{
    (void)csr;
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
static CSR_WRITE_HANDLER(mstatus)
{
    (void)csr;
    write_mstatus(c, value);
    return true;
}
static CSR_WRITE_HANDLER(medeleg)
{
    (void)csr;
    c->medeleg = value & MEDELEG_WRITABLE;
    return true;
}
static CSR_WRITE_HANDLER(mideleg)
{
    (void)csr;
    c->mideleg = value & (MIDELEG_WRITABLE | lcofi());
    return true;
}
static CSR_WRITE_HANDLER(mie)
{
    (void)csr;
    c->mie = value & (MIE_WRITABLE | lcofi());
    return true;
}
static CSR_WRITE_HANDLER(mtvec)
{
    (void)csr;
    c->mtvec = value & ~2ull;
    return true;
}
static CSR_WRITE_HANDLER(mcounteren)
{
    (void)csr;
    c->mcounteren = value & 0xffffffff;
    return true;
}
static CSR_WRITE_HANDLER(menvcfg)
{
    (void)csr;
    c->menvcfg = envcfg_legalize(value, envcfg_writable(true));
    cpu_sync_mmu(c); /* PBMTE, ADUE */
    cpu_update_stip(c);
    return true;
}
static CSR_WRITE_HANDLER(mepc)
{
    (void)csr;
    c->mepc = value & ~1ull;
    return true;
}
/* SSIP and SEIP are writable by M-mode; STIP too unless Sstc drives it. MSIP, MTIP, MEIP are
 * driven by the CLINT/PLIC (priv spec 3.1.9). */
static CSR_WRITE_HANDLER(mip)
{
    (void)csr;
    uint64_t writable = MIP_SSIP | MIP_SEIP | lcofi();
    if (!(c->menvcfg & ENVCFG_STCE)) writable |= MIP_STIP;
    c->seip_software = value & MIP_SEIP;
    if (c->seip_line) value |= MIP_SEIP;
    cpu_mip_update(c, writable, value);
    return true;
}

/* pmpcfg0, 2, .., 14 (RV64 has no odd ones, priv spec 3.7.1) and pmpaddr0..63. Accepted and
 * read back; rv39 does not enforce PMP (all of memory is accessible). */
static CSR_READ_HANDLER(pmpcfg)
{
    *value = c->pmpcfg[csr - CSR_PMPCFG0];
    return true;
}
/* Keep R/W/X/A/L bits; W without R is reserved (priv spec 3.7.1): clear W there. */
static CSR_WRITE_HANDLER(pmpcfg)
{
    uint64_t v = value & 0x9f9f9f9f9f9f9f9full;
    for (unsigned b = 0; b < 8; b++) {
        uint64_t cfg = (v >> (8 * b)) & 0xff;
        if ((cfg & 3) == 2) v &= ~(2ull << (8 * b));
    }
    c->pmpcfg[csr - CSR_PMPCFG0] = v;
    return true;
}
static CSR_READ_HANDLER(pmpaddr)
{
    *value = c->pmpaddr[csr - CSR_PMPADDR0];
    return true;
}
static CSR_WRITE_HANDLER(pmpaddr)
{
    c->pmpaddr[csr - CSR_PMPADDR0] = value & ((1ull << 54) - 1);
    return true;
}

/* ---- dispatch on the table ---- */

#define wr_none NULL /* a read-only row */

static bool (*const csr_readers[CSR_ROWS])(struct cpu *, unsigned, uint64_t *) = {
#define CSR(id, number, count, first, name, priv, gate, read, write, ...)                          \
    [CSR_ROW_##id] = rd_##read,
#include "csrs.def"
#undef CSR
};
static bool (*const csr_writers[CSR_ROWS])(struct cpu *, unsigned, uint64_t) = {
#define CSR(id, number, count, first, name, priv, gate, read, write, ...)                          \
    [CSR_ROW_##id] = wr_##write,
#include "csrs.def"
#undef CSR
};

/* The row of an accessible CSR at the hart's privilege, or NULL (illegal instruction).
 * priv spec 2.1: bits 9:8 give the lowest privilege that may access the CSR. */
static const struct csr_info *accessible(const struct cpu *c, unsigned csr)
{
    const struct csr_info *r = csr_find(csr);
    if (!r || r->priv > c->priv) return NULL;
    switch ((enum csr_gate)r->gate) {
    case CSR_GATE_NONE: return r;
    case CSR_GATE_FP: return (c->mstatus & MSTATUS_FS) ? r : NULL;
    case CSR_GATE_COUNTER: return csr_counter_accessible(c, csr & 31) ? r : NULL;
    case CSR_GATE_SSTC: return stimecmp_accessible(c) ? r : NULL;
    case CSR_GATE_TVM: return c->priv == PRIV_S && (c->mstatus & MSTATUS_TVM) ? NULL : r;
    case CSR_GATE_SCOF: return rv_ext_enabled(EXT_SSCOFPMF) ? r : NULL;
    }
    return NULL;
}

bool csr_read(struct cpu *c, unsigned csr, uint64_t *value)
{
    const struct csr_info *r = accessible(c, csr);
    return r && csr_readers[r - csr_table](c, csr, value);
}

bool csr_write(struct cpu *c, unsigned csr, uint64_t value)
{
    if ((csr >> 10) == 3) return false; /* read-only (bits 11:10 = 3, priv spec 2.1) */
    const struct csr_info *r = accessible(c, csr);
    if (!r || !csr_writers[r - csr_table]) return false;
    return csr_writers[r - csr_table](c, csr, value);
}

bool csr_write_needs_resync(unsigned csr)
{
    const struct csr_info *r = csr_find(csr);
    return r && (r->flags & CSR_RESYNC);
}
