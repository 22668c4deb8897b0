/* Cache-block operations: see cmo.h. Rules quoted from the CMO chapter ("Cache-Block
 * Operations"): the envcfg gating pseudo-code under "Control and Status Register State", and
 * the access rules under "Memory and Processor Exceptions". */
#include "cmo.h"

#include <string.h>

#include "cpu.h"
#include "ext.h"
#include "../devices/bus.h"
#include "../mmu/mmu.h"

uint64_t envcfg_writable(bool machine)
{
    uint64_t w = ENVCFG_FIOM;
    if (rv_ext_enabled(EXT_ZICBOM)) w |= ENVCFG_CBIE | ENVCFG_CBCFE;
    if (rv_ext_enabled(EXT_ZICBOZ)) w |= ENVCFG_CBZE;
    if (machine && rv_ext_enabled(EXT_SSTC)) w |= ENVCFG_STCE;
    /* Svpbmt and Svadu: menvcfg only (senvcfg's bits 62:61 are WPRI, no H extension). */
    if (machine && rv_ext_enabled(EXT_SVPBMT)) w |= ENVCFG_PBMTE;
    if (machine && rv_ext_enabled(EXT_SVADU)) w |= ENVCFG_ADUE;
    return w;
}

uint64_t envcfg_legalize(uint64_t value, uint64_t writable)
{
    value &= writable;
    /* CBIE = 10 is reserved: WARL, so keep a legal value (00, trap) instead. */
    if ((value & ENVCFG_CBIE) == (2ull << 4)) value &= ~ENVCFG_CBIE;
    return value;
}

/* "if ((priv_mode != M) && !menvcfg.X) || ((priv_mode == U) && !senvcfg.X): raise an
 * illegal-instruction exception" (no H extension: never a virtual-instruction exception). */
static bool enabled(const struct cpu *c, uint64_t field)
{
    if (c->priv == PRIV_M) return true;
    if (!(c->menvcfg & field)) return false;
    return c->priv == PRIV_S || (c->senvcfg & field);
}

/* "When a page-fault ... or access-fault exception is taken, the relevant *tval CSR is
 * written with the faulting effective address (i.e. the value of rs1)"; CMOs raise store
 * exceptions whatever permission they needed. */
static enum cbo_result store_fault(struct cpu *c, uint64_t rs1, bool page_fault)
{
    cpu_fault(c, page_fault ? EXC_STORE_PAGE_FAULT : EXC_STORE_ACCESS, rs1);
    return CBO_FAULT;
}

static bool is_page_fault(uint64_t cause)
{
    return cause == EXC_LOAD_PAGE_FAULT || cause == EXC_STORE_PAGE_FAULT;
}

enum cbo_result cpu_cbo(struct cpu *c, enum cbo_kind kind, uint64_t rs1)
{
    uint64_t field = kind == CBO_ZERO    ? ENVCFG_CBZE
                     : kind == CBO_INVAL ? ENVCFG_CBIE
                                         : ENVCFG_CBCFE;
    if (!enabled(c, field)) return CBO_ILLEGAL;
    uint64_t block = rs1 & ~(uint64_t)(CMO_BLOCK_SIZE - 1); /* no misaligned exceptions */
    uint64_t pa;
    if (kind == CBO_ZERO) {
        /* "permitted ... whenever a store instruction is permitted ... and when the PMAs
         * indicate that cache-block zero instructions are a supported access type": RAM is
         * the only such region here. The translation checks (and sets) A and D as a store. */
        void *host;
        if (!mmu_translate_rmw(&c->mmu, block, CMO_BLOCK_SIZE, &host, &pa))
            return store_fault(c, rs1, is_page_fault(c->exc_cause));
        if (!host) return store_fault(c, rs1, false);
        memset(host, 0, CMO_BLOCK_SIZE);
        return CBO_OK;
    }
    /* Management: "permitted ... whenever a load instruction or store instruction is
     * permitted": with no W-without-R pages, that is whenever a load is (the translation
     * checks A, never D). Nothing at the physical address: store access fault. */
    if (!mmu_translate_load(&c->mmu, block, CMO_BLOCK_SIZE, &pa))
        return store_fault(c, rs1, is_page_fault(c->exc_cause));
    bool ram = ram_contains(&c->mmu.ram, pa);
    if (!ram && !bus_find(c->bus, pa)) return store_fault(c, rs1, false);
    return CBO_OK; /* no caches: clean, flush and invalidate have nothing to do */
}
