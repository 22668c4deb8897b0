/* Hart life cycle: creation, reset state (priv spec 3.4 "Reset"), teardown. */
#include "cpu.h"

#include <stdlib.h>
#include <string.h>

#include "../devices/timebase.h"

extern void interp_publish_labels(void);

static void drop_fast_entries(void *opaque, const struct tlb_entry *e)
{
    struct cpu *c = opaque;
    mmu_drop_translation(&c->mmu, e);
}

bool cpu_init(struct cpu *c, uint8_t *ram, uint64_t ram_base, uint64_t ram_size, struct bus *bus)
{
    memset(c, 0, sizeof(*c));
    interp_publish_labels();
    c->ram = ram;
    c->ram_base = ram_base;
    c->ram_size = ram_size;
    c->bus = bus;
    c->dpages = calloc(ram_size >> PAGE_SHIFT, sizeof(*c->dpages));
    if (!c->dpages) return false;
    struct tlb_config cfg = {TLB_DEFAULT_SETS, TLB_DEFAULT_WAYS, TLB_DEFAULT_SUPER};
    if (!cpu_configure_tlb(c, &cfg)) return false;
    cpu_reset(c, ram_base);
    return true;
}

bool cpu_configure_tlb(struct cpu *c, const struct tlb_config *cfg)
{
    tlb_free(&c->tlb);
    if (!tlb_init(&c->tlb, cfg)) return false;
    c->tlb.on_drop = drop_fast_entries;
    c->tlb.drop_opaque = c;
    mmu_flush_all(&c->mmu);
    return true;
}

void cpu_free(struct cpu *c)
{
    if (c->dpages) {
        for (uint64_t i = 0; i < c->ram_size >> PAGE_SHIFT; i++)
            free(c->dpages[i]);
        free(c->dpages);
        c->dpages = NULL;
    }
    tlb_free(&c->tlb);
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
    c->menvcfg = c->senvcfg = 0;
    c->stimecmp = UINT64_MAX;
    c->mcycle = c->minstret = 0;
    cpu_hpm_reset(c);
    memset(c->pmpcfg, 0, sizeof(c->pmpcfg));
    memset(c->pmpaddr, 0, sizeof(c->pmpaddr));
    c->reservation = RESERVATION_NONE;
    c->wfi = false;
    tlb_flush(&c->tlb, true, 0, true, 0);
    mmu_init(&c->mmu);
    mmu_update_views(c);
}

uint64_t cpu_time(const struct cpu *c)
{
    (void)c;
    return timebase_now();
}
