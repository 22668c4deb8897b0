/* The counters: cycle, time, instret (unpriv spec "Zicntr"), hpmcounter3..31 (unpriv spec
 * "Zihpm"), their machine views and controls (priv spec 3.1.10 "Hardware Performance
 * Monitor", 3.1.11 counter-enable, 3.1.13 "Machine Counter-Inhibit Register"), and Sscofpmf
 * (priv spec "Sscofpmf": mhpmevent's OF and xINH bits, scountovf, the LCOFI interrupt).
 *
 * Any of mhpmcounter3..31 counts the event its mhpmevent names (bits 55:0; another value
 * reads back 0, "no event"). rv39's event numbers: where QEMU 7.2's virt has the event, its
 * number, which is the SBI PMU's event_idx (target/riscv/pmu.c); rv39's own MMU events as the
 * SBI's raw type (2) with the code that `perf stat -e rN` passes to rv39's firmware:
 *
 *   0x00001  cycles (one per instruction retired)      SBI HW_CPU_CYCLES, QEMU
 *   0x00002  instructions retired                      SBI HW_INSTRUCTIONS, QEMU
 *   0x10021  instruction-TLB misses                    SBI ITLB read miss, QEMU
 *   0x20001  instruction-TLB misses                    rv39 raw 1: mhpmcounter3 at reset
 *   0x20002  data-TLB misses (loads, stores, AMOs)     rv39 raw 2: mhpmcounter4 at reset
 *   0x20003  page-table walks                          rv39 raw 3: mhpmcounter5 at reset
 *   0x20004  page faults raised                        rv39 raw 4: mhpmcounter6 at reset
 *   0x20005  sfence.vma executed                       rv39 raw 5: mhpmcounter7 at reset
 *
 * (QEMU's data-TLB events tell reads from writes, 0x10019/0x1001b: rv39 counts them together,
 * so it offers neither.) */
#include "csr_handlers.h"
#include "ext.h"

#define MHPMEVENT_OF (1ull << 63)
#define MHPMEVENT_MINH (1ull << 62)
#define MHPMEVENT_SINH (1ull << 61)
#define MHPMEVENT_UINH (1ull << 60)
#define MHPMEVENT_EVENT ((1ull << 56) - 1)
/* VSINH/VUINH: read-only zero without the hypervisor extension. */
#define MHPMEVENT_SSCOF (MHPMEVENT_OF | MHPMEVENT_MINH | MHPMEVENT_SINH | MHPMEVENT_UINH)

enum hpm_source { SRC_NONE, SRC_RETIRED, SRC_ITLB, SRC_DTLB, SRC_WALKS, SRC_FAULTS, SRC_SFENCES };

static const struct {
    uint64_t id;
    enum hpm_source source;
} hpm_events[] = {
    {0x00001, SRC_RETIRED}, {0x00002, SRC_RETIRED}, {0x10021, SRC_ITLB},   {0x20001, SRC_ITLB},
    {0x20002, SRC_DTLB},    {0x20003, SRC_WALKS},   {0x20004, SRC_FAULTS}, {0x20005, SRC_SFENCES},
};

static enum hpm_source source_of(uint64_t event)
{
    for (unsigned k = 0; k < sizeof(hpm_events) / sizeof(hpm_events[0]); k++)
        if (hpm_events[k].id == (event & MHPMEVENT_EVENT)) return hpm_events[k].source;
    return SRC_NONE;
}

static uint64_t source_count(const struct cpu *c, unsigned i)
{
    switch ((enum hpm_source)c->hpm_source[i]) {
    case SRC_RETIRED: return c->stats.retired;
    case SRC_ITLB: return c->mmu.stats.itlb_misses;
    case SRC_DTLB: return c->mmu.stats.dtlb_misses;
    case SRC_WALKS: return c->mmu.stats.walks;
    case SRC_FAULTS: return c->stats.page_faults;
    case SRC_SFENCES: return c->stats.sfences;
    case SRC_NONE: break;
    }
    return 0;
}

static uint64_t hpm_value(const struct cpu *c, unsigned i)
{
    return (c->hpm_active >> i) & 1 ? source_count(c, i) + c->hpm_adjust[i] : c->hpm_frozen[i];
}

/* A write (or a change of what the counter counts) is not an overflow (Sscofpmf). */
static void hpm_set(struct cpu *c, unsigned i, uint64_t value)
{
    if ((c->hpm_active >> i) & 1)
        c->hpm_adjust[i] = value - source_count(c, i);
    else
        c->hpm_frozen[i] = value;
    c->hpm_last[i] = value;
}

/* Counting now: it has an event, mcountinhibit does not stop it, and Sscofpmf's xINH bit for
 * the current privilege is clear. */
static bool hpm_counts(const struct cpu *c, unsigned i)
{
    static const uint64_t inhibit[4] = {
        [PRIV_U] = MHPMEVENT_UINH, [PRIV_S] = MHPMEVENT_SINH, [PRIV_M] = MHPMEVENT_MINH};
    return c->hpm_source[i] != SRC_NONE && !((c->mcountinhibit >> (3 + i)) & 1) &&
           !(c->mhpmevent[i] & inhibit[c->priv & 3]);
}

void cpu_hpm_check_overflow(struct cpu *c)
{
    for (uint32_t armed = c->hpm_armed; armed; armed &= armed - 1) {
        unsigned i = (unsigned)__builtin_ctz(armed);
        uint64_t v = hpm_value(c, i);
        if (v < c->hpm_last[i]) {
            /* Wrapped: OF set (which also disarms it) and the interrupt requested. */
            c->mhpmevent[i] |= MHPMEVENT_OF;
            c->hpm_armed &= ~(1u << i);
            c->hpm_armed_retired &= ~(1u << i);
            cpu_mip_update(c, MIP_LCOFIP, MIP_LCOFIP);
        }
        c->hpm_last[i] = v;
    }
}

void cpu_hpm_refresh(struct cpu *c)
{
    cpu_hpm_check_overflow(c); /* what the counters did under the old rules */
    uint32_t armed = 0, armed_retired = 0;
    bool filter = false;
    for (unsigned i = 0; i < HPM_COUNTERS; i++) {
        bool on = hpm_counts(c, i);
        if (on != ((c->hpm_active >> i) & 1)) {
            uint64_t v = hpm_value(c, i);
            c->hpm_active ^= 1u << i;
            hpm_set(c, i, v); /* a counter stops or goes on from where it was */
        }
        if (on && !(c->mhpmevent[i] & MHPMEVENT_OF) && rv_ext_enabled(EXT_SSCOFPMF)) {
            if (!((c->hpm_armed >> i) & 1)) c->hpm_last[i] = hpm_value(c, i);
            armed |= 1u << i;
            if (c->hpm_source[i] == SRC_RETIRED) armed_retired |= 1u << i;
        }
        if (c->mhpmevent[i] & (MHPMEVENT_MINH | MHPMEVENT_SINH | MHPMEVENT_UINH)) filter = true;
    }
    c->hpm_armed = armed;
    c->hpm_armed_retired = armed_retired;
    c->hpm_mode_filter = filter;
}

void cpu_hpm_reset(struct cpu *c)
{
    c->hpm_active = c->hpm_armed = c->hpm_armed_retired = 0;
    c->hpm_mode_filter = false;
    for (unsigned i = 0; i < HPM_COUNTERS; i++) {
        c->mhpmevent[i] = i < 5 ? 0x20001 + i : 0; /* the MMU events on counters 3..7 */
        c->hpm_source[i] = (uint8_t)source_of(c->mhpmevent[i]);
        c->hpm_adjust[i] = c->hpm_frozen[i] = c->hpm_last[i] = 0;
    }
    cpu_hpm_refresh(c);
    for (unsigned i = 0; i < HPM_COUNTERS; i++)
        hpm_set(c, i, 0);
}

uint64_t cpu_hpm_clamp_budget(const struct cpu *c, uint64_t budget)
{
    for (uint32_t armed = c->hpm_armed_retired; armed; armed &= armed - 1) {
        unsigned i = (unsigned)__builtin_ctz(armed);
        uint64_t left = -hpm_value(c, i); /* increments until it wraps to 0 */
        if (left && left < budget) budget = left;
    }
    return budget;
}

bool csr_counter_accessible(const struct cpu *c, unsigned bit)
{
    if (c->priv == PRIV_M) return true;
    if (!((c->mcounteren >> bit) & 1)) return false;
    return c->priv == PRIV_S || ((c->scounteren >> bit) & 1);
}

CSR_READ_HANDLER(mcycle)
{
    (void)csr;
    *value = c->mcycle;
    return true;
}

/* The writing instruction itself retires after the write; the next instruction must read
 * the value written (unpriv spec 7.1), so pre-subtract the count it is about to add. */
CSR_WRITE_HANDLER(mcycle)
{
    (void)csr;
    c->mcycle = value - !(c->mcountinhibit & 1);
    return true;
}

CSR_READ_HANDLER(minstret)
{
    (void)csr;
    *value = c->minstret;
    return true;
}

CSR_WRITE_HANDLER(minstret)
{
    (void)csr;
    c->minstret = value - !(c->mcountinhibit & 4);
    return true;
}

CSR_READ_HANDLER(time)
{
    (void)csr;
    *value = cpu_time(c);
    return true;
}

/* hpmcounterN and mhpmcounterN both end in N (0xc03, 0xb03: counter 3). */
static unsigned counter_index(unsigned csr)
{
    return (csr & 31) - 3;
}

CSR_READ_HANDLER(mhpmcounter)
{
    *value = hpm_value(c, counter_index(csr));
    return true;
}

/* Like mcycle: the writing instruction's own retirement must not count (for a counter of
 * instructions or cycles). */
CSR_WRITE_HANDLER(mhpmcounter)
{
    unsigned i = counter_index(csr);
    bool self = ((c->hpm_active >> i) & 1) && c->hpm_source[i] == SRC_RETIRED;
    hpm_set(c, i, value - self);
    c->hpm_last[i] = value; /* what it reads once the write retires: no overflow by writing */
    return true;
}

CSR_READ_HANDLER(mhpmevent)
{
    *value = c->mhpmevent[counter_index(csr)];
    return true;
}

/* WARL: an event rv39 does not count reads back 0; the Sscofpmf bits only with Sscofpmf. */
CSR_WRITE_HANDLER(mhpmevent)
{
    unsigned i = counter_index(csr);
    uint64_t v = hpm_value(c, i);
    enum hpm_source source = source_of(value);
    uint64_t event = source == SRC_NONE ? 0 : value & MHPMEVENT_EVENT;
    if (rv_ext_enabled(EXT_SSCOFPMF)) event |= value & MHPMEVENT_SSCOF;
    c->mhpmevent[i] = event;
    c->hpm_source[i] = (uint8_t)source;
    hpm_set(c, i, v); /* the count goes on from its value, now of the new event */
    c->hpm_armed &= ~(1u << i);
    c->hpm_armed_retired &= ~(1u << i);
    cpu_hpm_refresh(c);
    return true;
}

CSR_READ_HANDLER(mcountinhibit)
{
    (void)csr;
    *value = c->mcountinhibit;
    return true;
}

CSR_WRITE_HANDLER(mcountinhibit)
{
    (void)csr;
    cpu_hpm_check_overflow(c);
    c->mcountinhibit = value & 0xfffffffd; /* TM is read-only zero */
    cpu_hpm_refresh(c);
    return true;
}

/* Sscofpmf: bit N is mhpmevent N's OF; below M only where mcounteren lets S read counter N
 * (the SCOF gate keeps it away without Sscofpmf). */
CSR_READ_HANDLER(scountovf)
{
    (void)csr;
    uint64_t v = 0;
    for (unsigned i = 0; i < HPM_COUNTERS; i++)
        if (c->mhpmevent[i] & MHPMEVENT_OF) v |= 1ull << (3 + i);
    *value = c->priv == PRIV_M ? v : v & c->mcounteren;
    return true;
}
