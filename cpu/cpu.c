/* Hart life cycle: creation, reset state (priv spec 3.4 "Reset"), teardown. */
#include "cpu.h"

#include <stdlib.h>
#include <string.h>

#include "../devices/timebase.h"
#include "cmo.h"
#include "ext.h"

extern void interp_publish_labels(void);

/* The MMU's hooks (mmu/mmu.h): how the layer below reaches the hart. */
static void mmu_fault(void *opaque, unsigned cause, uint64_t tval)
{
    cpu_fault(opaque, cause, tval);
}

static void mmu_event(void *opaque, const struct mmu_event *ev)
{
    struct cpu *c = opaque;
    static const enum cpu_event_kind kinds[] = {
        [MMU_EV_TLB_MISS] = EV_TLB_MISS,
        [MMU_EV_WALK] = EV_WALK,
        [MMU_EV_TLB_FILL] = EV_TLB_FILL,
        [MMU_EV_TLB_EVICT] = EV_TLB_EVICT,
    };
    cpu_emit(c, &(struct cpu_event){.kind = kinds[ev->kind],
                                    .pc = c->pc,
                                    .va = ev->va,
                                    .access = ev->access,
                                    .walk = ev->walk,
                                    .tlb = ev->tlb});
}

static bool mmu_code_written(void *opaque, uint64_t pa, uint64_t len)
{
    struct cpu *c = opaque;
    if (!cpu_page_has_code(c, pa)) return false;
    cpu_invalidate_code(c, pa, len);
    return true;
}

static bool mmu_code_present(void *opaque, uint64_t pa)
{
    return cpu_page_has_code(opaque, pa);
}

static struct dpage *mmu_code_page(void *opaque, uint64_t pa)
{
    return cpu_dpage(opaque, pa);
}

static bool mmu_bus_read(void *bus, uint64_t pa, unsigned size, uint64_t *value)
{
    return bus_read(bus, pa, size, value);
}

static bool mmu_bus_write(void *bus, uint64_t pa, unsigned size, uint64_t value)
{
    return bus_write(bus, pa, size, value);
}

bool cpu_load(struct cpu *c, uint64_t va, unsigned size, uint64_t *value)
{
    return mmu_load(&c->mmu, va, size, value);
}

bool cpu_store(struct cpu *c, uint64_t va, unsigned size, uint64_t value)
{
    return mmu_store(&c->mmu, va, size, value);
}

void cpu_sync_mmu(struct cpu *c)
{
    unsigned data_priv = c->priv;
    if (c->priv == PRIV_M && (c->mstatus & MSTATUS_MPRV)) /* priv spec 3.1.6.3 */
        data_priv = (unsigned)((c->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    /* The MMU reports events only while someone watches (a debugger or -d sets the hook
     * while the hart is stopped; cpu_run and cpu_step sync first). */
    c->mmu.hooks.event = c->event_hook ? mmu_event : NULL;
    mmu_set_state(&c->mmu, &(struct mmu_state){
                               .satp = c->satp,
                               .priv = c->priv,
                               .data_priv = data_priv,
                               .sum = c->mstatus & MSTATUS_SUM,
                               .mxr = c->mstatus & MSTATUS_MXR,
                               .pbmte = c->menvcfg & ENVCFG_PBMTE,
                               .adue = c->menvcfg & ENVCFG_ADUE,
                           });
}

bool cpu_init(struct cpu *c, uint8_t *ram, uint64_t ram_base, uint64_t ram_size, struct bus *bus)
{
    memset(c, 0, sizeof(*c));
    interp_publish_labels();
    c->mmu.ram = (struct guest_ram){.host = ram, .base = ram_base, .size = ram_size};
    c->mmu.hooks = (struct mmu_hooks){
        .opaque = c,
        .fault = mmu_fault,
        .code_written = mmu_code_written,
        .code_present = mmu_code_present,
        .code_page = mmu_code_page,
        .bus = bus,
        .bus_read = mmu_bus_read,
        .bus_write = mmu_bus_write,
    };
    c->bus = bus;
    c->dpages = calloc(ram_size >> PAGE_SHIFT, sizeof(*c->dpages));
    if (!c->dpages) return false;
    /* Alone in its RAM until cpu_share_ram says otherwise. */
    struct coherence *co = coherence_new(ram_size);
    int self = co ? coherence_join(co) : -1;
    if (self < 0) {
        free(co);
        return false;
    }
    c->mmu.co = co;
    c->mmu.co_self = (unsigned)self;
    c->mmu.co_box = co->box[self];
    struct tlb_config cfg = {TLB_DEFAULT_SETS, TLB_DEFAULT_WAYS, TLB_DEFAULT_SUPER};
    if (!cpu_configure_tlb(c, &cfg)) return false;
    cpu_reset(c, ram_base);
    return true;
}

bool cpu_configure_tlb(struct cpu *c, const struct tlb_config *cfg)
{
    tlb_free(&c->mmu.tlb);
    if (!tlb_init(&c->mmu.tlb, cfg)) return false;
    c->mmu.tlb.on_drop = mmu_tlb_dropped;
    c->mmu.tlb.drop_opaque = &c->mmu;
    mmu_flush_all(&c->mmu);
    return true;
}

void cpu_free(struct cpu *c)
{
    if (c->dpages) {
        for (uint64_t i = 0; i < c->mmu.ram.size >> PAGE_SHIFT; i++)
            free(c->dpages[i]);
        free(c->dpages);
        c->dpages = NULL;
    }
    tlb_free(&c->mmu.tlb);
    if (c->mmu.co) coherence_leave(c->mmu.co, c->mmu.co_self);
    c->mmu.co = NULL;
    c->mmu.co_box = NULL;
}

bool cpu_share_ram(struct cpu *c, struct cpu *peer)
{
    struct coherence *co = peer->mmu.co;
    if (c->mmu.co == co) return true;
    int self = coherence_join(co);
    if (self < 0) return false;
    coherence_leave(c->mmu.co, c->mmu.co_self);
    c->mmu.co = co;
    c->mmu.co_self = (unsigned)self;
    c->mmu.co_box = co->box[self];
    return true;
}

void cpu_reset(struct cpu *c, uint64_t pc)
{
    memset(c->x, 0, sizeof(c->x));
    c->pc = pc;
    c->priv = PRIV_M;
    c->misa = (2ull << 62) | (1u << ('A' - 'A')) | (1u << ('C' - 'A')) | (1u << ('D' - 'A')) |
              (1u << ('F' - 'A')) | (1u << ('I' - 'A')) | (1u << ('M' - 'A')) |
              (1u << ('S' - 'A')) | (1u << ('U' - 'A'));
    /* F/D: FS = Off at reset (set in mstatus below), as on QEMU and real harts: software
     * turns the unit on before its first FP instruction. */
    memset(c->f, 0, sizeof(c->f));
    c->fcsr = 0;
    c->mstatus = (2ull << 32) | (2ull << 34); /* UXL = SXL = 64; MIE = MPRV = 0 at reset */
    c->medeleg = c->mideleg = c->mie = c->mip = 0;
    c->seip_software = c->seip_line = false;
    c->mtvec = c->mepc = c->mcause = c->mtval = c->mscratch = 0;
    c->stvec = c->sepc = c->scause = c->stval = c->sscratch = 0;
    c->satp = 0;
    c->mcounteren = c->scounteren = c->mcountinhibit = 0;
    /* Svpbmt's PBMTE and Svadu's ADUE start set, as QEMU resets them, so that software
     * written before these bits existed finds what it expects: PBMT usable, A/D bits set by
     * the hardware. A hart without Svadu (svadu=off, --svade) always faults instead. */
    c->menvcfg = (rv_ext_enabled(EXT_SVPBMT) ? ENVCFG_PBMTE : 0) |
                 (rv_ext_enabled(EXT_SVADU) ? ENVCFG_ADUE : 0);
    c->senvcfg = 0;
    c->stimecmp = UINT64_MAX;
    c->mcycle = c->minstret = 0;
    cpu_hpm_reset(c);
    memset(c->pmpcfg, 0, sizeof(c->pmpcfg));
    memset(c->pmpaddr, 0, sizeof(c->pmpaddr));
    c->reservation = RESERVATION_NONE;
    c->wfi = false;
    tlb_flush(&c->mmu.tlb, true, 0, true, 0);
    mmu_init(&c->mmu);
    c->mmu.svnapot = rv_ext_enabled(EXT_SVNAPOT);
    cpu_sync_mmu(c);
}

uint64_t cpu_time(const struct cpu *c)
{
    (void)c;
    return timebase_now();
}
