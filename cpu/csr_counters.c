/* The counters: cycle, time, instret (unpriv spec "Zicntr"), hpmcounter3..31 (unpriv spec
 * "Zihpm"), their machine views and controls (priv spec 3.1.10 "Hardware Performance
 * Monitor", 3.1.11 counter-enable, 3.1.13 "Machine Counter-Inhibit Register"). */
#include "csr_handlers.h"

static uint64_t hpm_event_count(const struct cpu *c, unsigned i)
{
    switch (i) {
    case 0: return c->mmu.stats.itlb_misses;
    case 1: return c->mmu.stats.dtlb_misses;
    case 2: return c->mmu.stats.walks;
    case 3: return c->stats.page_faults;
    case 4: return c->stats.sfences;
    default: return 0;
    }
}

/* mhpmcounter3+i: the event count plus what writes added, or, while mcountinhibit's bit
 * 3+i stops it, the value it froze at. */
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

/* Counters 3 + HPM_EVENTS .. 31 count nothing and read 0 (priv spec 3.1.10 allows it). */
CSR_READ_HANDLER(mhpmcounter)
{
    unsigned i = (csr & 31) - 3; /* hpmcounterN and mhpmcounterN both end in N */
    *value = i < HPM_EVENTS ? hpm_value(c, i) : 0;
    return true;
}

CSR_WRITE_HANDLER(mhpmcounter)
{
    unsigned i = (csr & 31) - 3;
    if (i < HPM_EVENTS) hpm_set(c, i, value);
    return true;
}

/* Events are fixed: mhpmevent3+i reads event i+1 (see struct cpu_stats). */
CSR_READ_HANDLER(mhpmevent)
{
    (void)c;
    unsigned i = (csr & 31) - 3;
    *value = i < HPM_EVENTS ? i + 1 : 0;
    return true;
}

CSR_WRITE_HANDLER(mhpmevent)
{
    (void)c, (void)csr, (void)value; /* WARL, events are fixed */
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
    uint64_t values[HPM_EVENTS];
    for (unsigned k = 0; k < HPM_EVENTS; k++)
        values[k] = hpm_value(c, k);
    c->mcountinhibit = value & 0xfffffffd; /* TM is read-only zero */
    for (unsigned k = 0; k < HPM_EVENTS; k++)
        hpm_set(c, k, values[k]); /* a counter stops or goes on from where it was */
    return true;
}
