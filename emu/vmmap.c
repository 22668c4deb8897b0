/* MMU inspection without side effects (emu/vmmap.h). The walk itself is page_walk with
 * update_ad = false: the debugger sees exactly what the hart would do, because it runs the
 * same code, for every mode (Sv39, Sv48, Sv57: priv spec sections of those names, and
 * "Virtual Address Translation Process"). */
#include "vmmap.h"

#include <stdlib.h>
#include <string.h>

#include "../cpu/cpu.h"

const char *vmmap_fault_rule(enum walk_fault fault)
{
    switch (fault) {
    case WALK_OK: return "no fault";
    case WALK_NON_CANONICAL:
        return "non-canonical: bits 63:VAbits of the address must all equal bit VAbits-1 "
               "(Sv39: 63:39 = bit 38, Sv48: 63:48 = bit 47, Sv57: 63:57 = bit 56)";
    case WALK_PTE_ACCESS_FAULT:
        return "PTE address has no memory behind it: access fault (12.3.2 step 2)";
    case WALK_INVALID: return "invalid: PTE has V = 0 (12.3.2 step 3)";
    case WALK_WRITE_WITHOUT_READ: return "reserved encoding: W = 1 with R = 0 (12.3.2 step 3)";
    case WALK_RESERVED_BITS:
        return "reserved PTE bits are set: 60:54, 63 without Svnapot, 62:61 without Svpbmt or "
               "with menvcfg.PBMTE = 0, D/A/U in a pointer (12.3.2 step 3)";
    case WALK_PBMT_RESERVED: return "reserved encoding: PBMT = 3 (Svpbmt; 12.3.2 step 3)";
    case WALK_POINTER_ATTRIBUTES:
        return "pointer PTE with N or PBMT set: reserved in non-leaf PTEs (Svnapot, Svpbmt; "
               "12.3.2 step 3)";
    case WALK_NAPOT_RESERVED:
        return "reserved NAPOT encoding: N = 1 other than a 64 KiB leaf (ppn[3:0] = 1000 at "
               "level 0) (Svnapot; 12.3.2 step 3)";
    case WALK_NO_LEAF: return "no leaf: pointer PTE at level 0 (12.3.2 step 4)";
    case WALK_MISALIGNED_SUPERPAGE:
        return "misaligned superpage: low PPN bits of a superpage leaf are not zero "
               "(12.3.2 step 6)";
    case WALK_U_PAGE_FROM_S:
        return "U-page from S-mode: U = 1 and the access is a fetch, or SUM = 0 "
               "(12.3.2 step 5)";
    case WALK_S_PAGE_FROM_U: return "S-page from U-mode: U = 0 (12.3.2 step 5)";
    case WALK_NOT_READABLE: return "not readable: R = 0 (and not X with MXR = 1) (12.3.2 step 5)";
    case WALK_NOT_WRITABLE: return "not writable: W = 0 (12.3.2 step 5)";
    case WALK_NOT_EXECUTABLE: return "not executable: X = 0 (12.3.2 step 5)";
    case WALK_AD_CLEAR:
        return "Svade: A = 0, or D = 0 on a store (menvcfg.ADUE = 0 or no Svadu; 12.3.2 step 7)";
    case WALK_NO_MODE: return "satp.MODE is not a translating mode";
    case WALK_FAULT_COUNT: break;
    }
    return "?";
}

const char *vmmap_cause_name(uint64_t mcause)
{
    static const char *const exceptions[16] = {
        "instruction address misaligned",
        "instruction access fault",
        "illegal instruction",
        "breakpoint",
        "load address misaligned",
        "load access fault",
        "store/AMO address misaligned",
        "store/AMO access fault",
        "environment call from U-mode",
        "environment call from S-mode",
        "reserved",
        "environment call from M-mode",
        "instruction page fault",
        "load page fault",
        "reserved",
        "store/AMO page fault",
    };
    static const char *const interrupts[12] = {
        "reserved", "supervisor software interrupt", "reserved", "machine software interrupt",
        "reserved", "supervisor timer interrupt",    "reserved", "machine timer interrupt",
        "reserved", "supervisor external interrupt", "reserved", "machine external interrupt",
    };
    uint64_t code = mcause & ~(1ull << 63);
    if (mcause >> 63) return code < 12 ? interrupts[code] : "interrupt";
    return code < 16 ? exceptions[code] : "exception";
}

const char *vmmap_access_name(enum access access)
{
    switch (access) {
    case ACCESS_READ: return "load";
    case ACCESS_WRITE: return "store";
    case ACCESS_EXEC: return "fetch";
    }
    return "?";
}

const char *vmmap_priv_name(unsigned priv)
{
    switch (priv) {
    case PRIV_U: return "U";
    case PRIV_S: return "S";
    case PRIV_M: return "M";
    }
    return "?";
}

const char *vmmap_level_size(int level)
{
    switch (level) {
    case 0: return "4K";
    case 1: return "2M";
    case 2: return "1G";
    case 3: return "512G";
    case 4: return "256T";
    }
    return "-";
}

const char *vmmap_page_size(uint64_t pte, int level)
{
    return (pte & PTE_N) ? "64K" : vmmap_level_size(level);
}

const char *vmmap_pbmt_name(uint64_t pte)
{
    static const char *const names[4] = {"PMA", "NC", "IO", "reserved"};
    return names[pte_pbmt(pte)];
}

/* " N", " PBMT=NC": Svnapot's and Svpbmt's bits when set (nothing otherwise). */
static void print_attributes(FILE *out, uint64_t pte)
{
    if (pte & PTE_N) fprintf(out, " N");
    if (pte & PTE_PBMT) fprintf(out, " PBMT=%s", vmmap_pbmt_name(pte));
}

void vmmap_pte_flags(uint64_t pte, char *buf)
{
    static const char letters[] = "VRWXUGAD";
    for (unsigned i = 0; i < 8; i++) {
        buf[2 * i] = (pte >> i) & 1 ? letters[i] : '-';
        buf[2 * i + 1] = ' ';
    }
    buf[15] = '\0';
}

/* Permissions as "rwxugad" with '-' for each clear bit (vmmap and tlb lines). */
static void perm_string(uint64_t pte, char *buf)
{
    static const struct {
        uint64_t bit;
        char letter;
    } bits[] = {{PTE_R, 'r'}, {PTE_W, 'w'}, {PTE_X, 'x'}, {PTE_U, 'u'},
                {PTE_G, 'g'}, {PTE_A, 'a'}, {PTE_D, 'd'}};
    for (unsigned i = 0; i < 7; i++)
        buf[i] = (pte & bits[i].bit) ? bits[i].letter : '-';
    buf[7] = '\0';
}

void vmmap_tlb_entry_text(const struct tlb_entry *e, char *buf, size_t len)
{
    char perm[8];
    perm_string(e->pte, perm);
    snprintf(buf, len, "asid %u page 0x%llx %s -> 0x%llx %s%s%s", e->asid,
             (unsigned long long)e->vpage, vmmap_page_size(e->pte, e->level),
             (unsigned long long)e->ppage, perm, (e->pte & PTE_PBMT) ? " " : "",
             (e->pte & PTE_PBMT) ? vmmap_pbmt_name(e->pte) : "");
}

static uint64_t pte_ppn(uint64_t pte)
{
    return (pte >> PTE_PPN_SHIFT) & ((1ull << 44) - 1);
}

void vmmap_print_satp(FILE *out, uint64_t satp)
{
    uint64_t mode = satp >> SATP_MODE_SHIFT;
    const struct vm_mode *m = vm_mode_by_number(mode);
    fprintf(out, "satp = 0x%016llx: MODE=%llu (%s) ASID=%llu PPN=0x%llx (root table at 0x%llx)\n",
            (unsigned long long)satp, (unsigned long long)mode,
            m                        ? m->name
            : mode == SATP_MODE_BARE ? "Bare"
                                     : "unsupported",
            (unsigned long long)((satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK),
            (unsigned long long)(satp & SATP_PPN_MASK),
            (unsigned long long)((satp & SATP_PPN_MASK) << PAGE_SHIFT));
}

void vmmap_print_walk(FILE *out, const struct walk_request *req, const struct walk_result *r)
{
    uint64_t va = req->va;
    const struct vm_mode *mode = vm_mode_of_satp(req->satp);
    unsigned levels = mode ? mode->levels : 3;
    fprintf(out, "walk 0x%llx: %s as %s-mode, SUM=%d MXR=%d;", (unsigned long long)va,
            vmmap_access_name(req->access), vmmap_priv_name(req->priv), req->sum, req->mxr);
    if (mode && levels > 3) fprintf(out, " %s", mode->name);
    for (unsigned l = levels; l-- > 0;)
        fprintf(out, " VPN[%u]=%llu", l, (unsigned long long)((va >> (PAGE_SHIFT + 9 * l)) & 511));
    fprintf(out, " offset=0x%llx\n", (unsigned long long)(va & 0xfff));
    for (unsigned i = 0; i < r->nsteps; i++) {
        const struct walk_step *s = &r->steps[i];
        char flags[16];
        vmmap_pte_flags(s->pte, flags);
        int level = (int)levels - 1 - (int)i;
        const char *kind = !(s->pte & PTE_V)                         ? "invalid"
                           : (s->pte & (PTE_R | PTE_W | PTE_X)) == 0 ? "pointer"
                                                                     : "leaf";
        fprintf(out, "  L%d pte@0x%llx = 0x%016llx [%s] PPN=0x%llx %s", level,
                (unsigned long long)s->pte_addr, (unsigned long long)s->pte, flags,
                (unsigned long long)pte_ppn(s->pte), kind);
        print_attributes(out, s->pte);
        fprintf(out, "\n");
    }
    if (r->fault == WALK_PTE_ACCESS_FAULT && r->nsteps > 0 && r->nsteps < levels) {
        /* The PTE that could not be read: where the last pointer led (step 2). */
        unsigned level = levels - 1 - r->nsteps;
        uint64_t table = pte_ppn(r->steps[r->nsteps - 1].pte) << PAGE_SHIFT;
        fprintf(out, "  L%u pte@0x%llx: no RAM there\n", level,
                (unsigned long long)(table + 8 * ((va >> (PAGE_SHIFT + 9 * level)) & 511)));
    }
    if (r->fault == WALK_OK) {
        uint64_t size = 1ull << pte_page_shift(r->pte, r->level);
        fprintf(out, "  => pa=0x%llx (%s page at 0x%llx%s%s)", (unsigned long long)r->paddr,
                vmmap_page_size(r->pte, r->level), (unsigned long long)(r->paddr & ~(size - 1)),
                (r->pte & PTE_PBMT) ? ", memory type " : "",
                (r->pte & PTE_PBMT) ? vmmap_pbmt_name(r->pte) : "");
        uint64_t leaf = r->nsteps ? r->steps[r->nsteps - 1].pte : r->pte;
        uint64_t set = (r->pte & ~leaf) & (PTE_A | PTE_D);
        if (set)
            fprintf(out, "; the access would set %s%s%s", set & PTE_A ? "A" : "",
                    set == (PTE_A | PTE_D) ? " and " : "", set & PTE_D ? "D" : "");
        fprintf(out, "\n");
        return;
    }
    unsigned cause = walk_fault_cause(r->fault, req->access);
    fprintf(out, "  => fault: %s -> %s (cause %u), tval=0x%llx\n", vmmap_fault_rule(r->fault),
            vmmap_cause_name(cause), cause, (unsigned long long)va);
}

void vmmap_print_walk_line(FILE *out, uint64_t pc, uint64_t va, enum access access,
                           const struct walk_result *r)
{
    fprintf(out, "mmu: walk pc=0x%llx va=0x%llx %s:", (unsigned long long)pc,
            (unsigned long long)va, vmmap_access_name(access));
    for (unsigned i = 0; i < r->nsteps; i++)
        fprintf(out, " L%u[0x%llx]=0x%llx", r->levels - 1 - i,
                (unsigned long long)r->steps[i].pte_addr, (unsigned long long)r->steps[i].pte);
    if (r->fault == WALK_OK)
        fprintf(out, " -> pa=0x%llx %s%s%s\n", (unsigned long long)r->paddr,
                vmmap_page_size(r->pte, r->level), (r->pte & PTE_PBMT) ? " " : "",
                (r->pte & PTE_PBMT) ? vmmap_pbmt_name(r->pte) : "");
    else
        fprintf(out, " -> fault %s\n", walk_fault_name(r->fault));
}

/* ---- vmmap: enumerate the page table ---- */

struct vmmap_range {
    bool open;
    uint64_t va, pa, len, pte;
    int level;
    unsigned pages;
};

struct vmmap_walker {
    FILE *out;
    bool qemu; /* QEMU's `info mem` lines and merging rule, not rv39's */
    const struct guest_ram *mem;
    bool pbmte, svnapot; /* the hart's: what the walk would accept */
    struct vmmap_range cur;
    unsigned ranges, malformed, unreadable;
    int top;          /* the root table's level: the mode's level count - 1 */
    unsigned va_bits; /* 39, 48, 57: the upper half is sign-extended from bit va_bits - 1 */
};

#define PERM_BITS (PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_A | PTE_D)
/* rv39's own view keeps memory types and NAPOT pages apart too. */
#define RANGE_BITS (PERM_BITS | PTE_PBMT | PTE_N)

static void emit_range(struct vmmap_walker *w)
{
    struct vmmap_range *r = &w->cur;
    if (!r->open) return;
    if (w->qemu) {
        /* QEMU's target/riscv/monitor.c print_pte: vaddr, paddr and size as 16 hex digits,
         * then "rwxugad" with '-' for a clear bit. */
        char attr[8];
        perm_string(r->pte, attr); /* the same letters in the same order */
        fprintf(w->out, "%016llx %016llx %016llx %s\n", (unsigned long long)r->va,
                (unsigned long long)r->pa, (unsigned long long)r->len, attr);
        w->ranges++;
        r->open = false;
        return;
    }
    char perm[8];
    perm_string(r->pte, perm);
    fprintf(w->out, "0x%016llx-0x%016llx  0x%010llx-0x%010llx  %s %5u  %s%s%s\n",
            (unsigned long long)r->va, (unsigned long long)(r->va + r->len),
            (unsigned long long)r->pa, (unsigned long long)(r->pa + r->len),
            vmmap_page_size(r->pte, r->level), r->pages, perm, (r->pte & PTE_PBMT) ? " " : "",
            (r->pte & PTE_PBMT) ? vmmap_pbmt_name(r->pte) : "");
    w->ranges++;
    r->open = false;
}

/* One PTE's mapping of [va, va + 4 KiB << 9 * level): a NAPOT PTE maps its own 4 KiB of the
 * 64 KiB page, and the 16 PTEs of the page count as one page. */
static void add_page(struct vmmap_walker *w, uint64_t va, uint64_t pa, int level, uint64_t pte)
{
    uint64_t size = PAGE_SIZE << (9 * level);
    unsigned pages = (pte & PTE_N) && (va & ((1ull << NAPOT_64K_SHIFT) - 1)) ? 0 : 1;
    struct vmmap_range *r = &w->cur;
    /* One range: contiguous in both spaces with the same permissions; rv39's view also keeps
     * page sizes and memory types apart, QEMU's `info mem` merges across them (its low 8 PTE
     * bits only). */
    uint64_t same = w->qemu ? PERM_BITS : RANGE_BITS;
    if (r->open && r->va + r->len == va && r->pa + r->len == pa && (w->qemu || r->level == level) &&
        (r->pte & same) == (pte & same)) {
        r->len += size;
        r->pages += pages;
        return;
    }
    emit_range(w);
    *r = (struct vmmap_range){
        .open = true, .va = va, .pa = pa, .len = size, .pte = pte, .level = level, .pages = 1};
}

static bool read_pte(const struct guest_ram *mem, uint64_t pa, uint64_t *pte)
{
    const uint8_t *p = ram_span(mem, pa, 8);
    if (!p) return false;
    memcpy(pte, p, 8);
    return true;
}

/* The same validity rules as the walk (12.3.2 steps 3, 4 and 6): an entry the hardware would
 * fault on is counted as malformed, not shown as a mapping. */
static void visit_table(struct vmmap_walker *w, uint64_t table, int level, uint64_t va_base)
{
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t pte;
        if (!read_pte(w->mem, table + 8 * i, &pte)) {
            w->unreadable++;
            return;
        }
        if (!(pte & PTE_V)) continue;
        uint64_t va = va_base | i << (PAGE_SHIFT + 9 * level);
        if (level == w->top && (va & (1ull << (w->va_bits - 1))))
            va |= ~((1ull << w->va_bits) - 1); /* sign-extend: the upper half */
        if (walk_check_encoding(pte, level, w->pbmte, w->svnapot) != WALK_OK) {
            w->malformed++;
            continue;
        }
        uint64_t pa = pte_ppn(pte) << PAGE_SHIFT;
        if (pte & PTE_N) /* Svnapot: the low 4 PPN bits come from the address */
            pa = (pa & ~((1ull << NAPOT_64K_SHIFT) - 1)) | (va & ((1ull << NAPOT_64K_SHIFT) - 1));
        if (pte & (PTE_R | PTE_X)) {
            if (pte_ppn(pte) & ((1ull << (9 * level)) - 1)) {
                w->malformed++; /* misaligned superpage */
                continue;
            }
            add_page(w, va, pa, level, pte);
        } else if (level == 0) {
            w->malformed++; /* pointer at the last level */
        } else {
            /* No emit_range here: the tables are visited in address order, so a range may go
             * on across the next table's pages (a kernel map is one line, not one per 2 MiB). */
            visit_table(w, pa, level - 1, va);
        }
    }
}

void vmmap_print(FILE *out, const struct guest_ram *mem, uint64_t satp, bool pbmte, bool svnapot)
{
    vmmap_print_satp(out, satp);
    const struct vm_mode *mode = vm_mode_of_satp(satp);
    if (!mode) {
        fprintf(out, "no translation: every virtual address is the physical address\n");
        return;
    }
    fprintf(out, "perms: r w x read/write/execute, u user, g global, a d accessed/dirty, - clear; "
                 "NC/IO: Svpbmt memory type; pg 64K: Svnapot\n");
    fprintf(out, "%-37s  %-25s  %s %5s  %s\n", "virtual", "physical", "pg", "pages", "perms");
    struct vmmap_walker w = {.out = out,
                             .mem = mem,
                             .pbmte = pbmte,
                             .svnapot = svnapot,
                             .top = (int)mode->levels - 1,
                             .va_bits = mode->va_bits};
    visit_table(&w, (satp & SATP_PPN_MASK) << PAGE_SHIFT, w.top, 0);
    emit_range(&w);
    fprintf(out, "%u ranges", w.ranges);
    if (w.malformed)
        fprintf(out, "; %u valid PTEs the walk would fault on (not shown)", w.malformed);
    if (w.unreadable) fprintf(out, "; %u page tables outside RAM (not shown)", w.unreadable);
    fprintf(out, "\n");
}

void vmmap_print_qemu(FILE *out, const struct guest_ram *mem, uint64_t satp, bool pbmte,
                      bool svnapot)
{
    /* QEMU's hmp_info_mem: Bare mode has nothing to list. */
    const struct vm_mode *mode = vm_mode_of_satp(satp);
    if (!mode) {
        fprintf(out, "No translation or protection\n");
        return;
    }
    fprintf(out, "vaddr            paddr            size             attr\n"
                 "---------------- ---------------- ---------------- -------\n");
    struct vmmap_walker w = {.out = out,
                             .mem = mem,
                             .qemu = true,
                             .pbmte = pbmte,
                             .svnapot = svnapot,
                             .top = (int)mode->levels - 1,
                             .va_bits = mode->va_bits};
    visit_table(&w, (satp & SATP_PPN_MASK) << PAGE_SHIFT, w.top, 0);
    emit_range(&w);
}

/* ---- tlb ---- */

struct tlb_list {
    const struct vmmap_tlb_filter *filter;
    struct tlb_entry *entries;
    size_t count, cap, total;
    unsigned per_level[WALK_MAX_LEVELS];
    unsigned napot; /* 64 KiB entries */
};

static bool tlb_wanted(const struct vmmap_tlb_filter *f, const struct tlb_entry *e)
{
    if (!f) return true;
    if (f->asid && e->asid != f->asid_value && !(e->pte & PTE_G)) return false;
    if (f->range) { /* the page overlaps [lo, hi) */
        uint64_t size = tlb_entry_size(e);
        if (e->vpage + size <= f->lo || e->vpage >= f->hi) return false;
    }
    if (f->napot && !(e->pte & PTE_N)) return false;
    if (f->level >= 0 && (e->level != f->level || (e->pte & PTE_N))) return false;
    return true;
}

static void collect_entry(void *opaque, const struct tlb_entry *e)
{
    struct tlb_list *l = opaque;
    l->total++;
    if (e->pte & PTE_N)
        l->napot++;
    else if (e->level < WALK_MAX_LEVELS)
        l->per_level[e->level]++;
    if (!tlb_wanted(l->filter, e) || l->count == l->cap) return;
    l->entries[l->count++] = *e;
}

static int by_asid_then_va(const void *a, const void *b)
{
    const struct tlb_entry *x = a, *y = b;
    if (x->asid != y->asid) return x->asid < y->asid ? -1 : 1;
    return x->vpage < y->vpage ? -1 : x->vpage > y->vpage;
}

void vmmap_print_tlb(FILE *out, const struct tlb *t, const struct vmmap_tlb_filter *filter)
{
    fprintf(out, "tlb: %u sets x %u ways (4K pages) + %u entries (superpages, 64K)\n", t->cfg.sets,
            t->cfg.ways, t->cfg.super);
    struct tlb_list l = {.filter = filter, .cap = (size_t)t->cfg.sets * t->cfg.ways + t->cfg.super};
    l.entries = calloc(l.cap ? l.cap : 1, sizeof *l.entries);
    if (!l.entries) {
        fprintf(out, "out of memory\n");
        return;
    }
    tlb_for_each(t, collect_entry, &l);
    /* Sorted by ASID, then virtual address: a process's pages together, in address order. */
    qsort(l.entries, l.count, sizeof *l.entries, by_asid_then_va);
    fprintf(out, "  %5s  %-18s  %-12s  %s  %-7s  %s\n", "asid", "vpage", "ppage", "pg", "perms",
            "g");
    for (size_t i = 0; i < l.count; i++) {
        const struct tlb_entry *e = &l.entries[i];
        char perm[8];
        perm_string(e->pte, perm);
        fprintf(out, "  %5u  0x%016llx  0x%010llx  %s  %s  %s%s%s\n", e->asid,
                (unsigned long long)e->vpage, (unsigned long long)e->ppage,
                vmmap_page_size(e->pte, e->level), perm, (e->pte & PTE_G) ? "G" : "-",
                (e->pte & PTE_PBMT) ? "  " : "",
                (e->pte & PTE_PBMT) ? vmmap_pbmt_name(e->pte) : "");
    }
    /* The summary: how many per ASID among those shown. */
    if (filter && (filter->asid || filter->range || filter->level >= 0 || filter->napot))
        fprintf(out, "shown: %zu of %zu entries\n", l.count, l.total);
    fprintf(out, "by asid:");
    for (size_t i = 0; i < l.count;) {
        size_t j = i;
        while (j < l.count && l.entries[j].asid == l.entries[i].asid)
            j++;
        fprintf(out, " %u: %zu", l.entries[i].asid, j - i);
        i = j;
    }
    fprintf(out, "%s\n", l.count ? "" : " none");
    free(l.entries);
    fprintf(out, "valid entries: 4K %u, 2M %u, 1G %u", l.per_level[0], l.per_level[1],
            l.per_level[2]);
    /* Sv48's and Sv57's larger pages, when there are any. */
    if (l.per_level[3] || l.per_level[4])
        fprintf(out, ", 512G %u, 256T %u", l.per_level[3], l.per_level[4]);
    if (l.napot) fprintf(out, ", 64K %u", l.napot); /* Svnapot */
    fprintf(out, "\n");
    const struct tlb_stats *s = &t->stats;
    fprintf(out, "hits %llu, misses %llu, fills %llu, evictions %llu, flushes %llu\n",
            (unsigned long long)s->hits, (unsigned long long)s->misses,
            (unsigned long long)s->fills, (unsigned long long)s->evictions,
            (unsigned long long)s->flushes);
}
