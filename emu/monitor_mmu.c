/* The monitor's memory and MMU commands (emu/monitor.h): x and xp, walk, tlb, vmmap, satp,
 * fault and trace. They call the same Sv39 walk as the hart (mmu/sv39.c), with its side
 * effects (A/D updates) turned off. */
#include "monitor.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "vmmap.h"

/* Why the debugger cannot read va: the walk's failing rule, or no RAM behind it. */
static void explain_unreadable(struct debugger *d, uint64_t va, bool physical, FILE *out)
{
    const struct cpu *c = machine_selected(d->m);
    unsigned priv = dbg_data_priv(c);
    if (physical || priv == PRIV_M || !vm_mode_of_satp(c->satp)) {
        fprintf(out, "not RAM (physical 0x%" PRIx64 ")\n", va);
        return;
    }
    const struct guest_ram mem = c->mmu.ram;
    struct walk_request req;
    dbg_request_for(c, va, ACCESS_READ, priv, &req);
    struct walk_result r;
    page_walk(&mem, &req, &r);
    if (r.fault == WALK_OK)
        fprintf(out, "not RAM (maps to physical 0x%" PRIx64 ")\n", r.paddr);
    else
        fprintf(out, "not mapped for a %s-mode load: %s\n", vmmap_priv_name(priv),
                vmmap_fault_rule(r.fault));
}

/* Hex dump, 16 bytes a line, with the bytes as text. `read` fills one line. */
static bool dump(struct debugger *d, uint64_t addr, uint64_t len, bool physical, FILE *out)
{
    for (uint64_t done = 0; done < len; done += 16) {
        uint64_t n = len - done < 16 ? len - done : 16;
        uint8_t buf[16];
        bool ok;
        if (physical) {
            const uint8_t *h = machine_ram_ptr(d->m, addr + done, n);
            ok = h != NULL;
            if (ok) memcpy(buf, h, n);
        } else {
            ok = debugger_read_virtual(d, addr + done, buf, n);
        }
        if (!ok) {
            fprintf(out, "0x%016" PRIx64 ": ", addr + done);
            explain_unreadable(d, addr + done, physical, out);
            return false;
        }
        fprintf(out, "0x%016" PRIx64 ":", addr + done);
        for (uint64_t i = 0; i < 16; i++) {
            if (i < n)
                fprintf(out, " %02x", buf[i]);
            else
                fprintf(out, "   ");
        }
        fprintf(out, "  |");
        for (uint64_t i = 0; i < n; i++)
            fputc(isprint(buf[i]) ? buf[i] : '.', out);
        fprintf(out, "|\n");
    }
    return true;
}

bool cmd_walk(struct debugger *d, int argc, char **argv, FILE *out)
{
    const struct cpu *c = machine_selected(d->m);
    uint64_t va;
    if (argc < 2) {
        fprintf(out, "usage: walk VADDR [r|w|x] [u|s]\n");
        return false;
    }
    if (!dbg_need_value(d, argv[1], &va, out)) return false;
    enum access access = ACCESS_READ;
    int priv = -1;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "r") == 0)
            access = ACCESS_READ;
        else if (strcmp(argv[i], "w") == 0)
            access = ACCESS_WRITE;
        else if (strcmp(argv[i], "x") == 0)
            access = ACCESS_EXEC;
        else if (strcmp(argv[i], "u") == 0)
            priv = PRIV_U;
        else if (strcmp(argv[i], "s") == 0)
            priv = PRIV_S;
        else {
            fprintf(out, "error: walk: '%s' is not r, w, x, u or s\n", argv[i]);
            return false;
        }
    }
    vmmap_print_satp(out, c->satp);
    if (!vm_mode_of_satp(c->satp)) {
        fprintf(out, "satp.MODE is Bare: no translation, pa = va = 0x%" PRIx64 "\n", va);
        return true;
    }
    bool assumed = priv < 0;
    if (assumed) {
        priv = (int)(access == ACCESS_EXEC ? c->priv : dbg_data_priv(c));
        if (priv == PRIV_M) {
            fprintf(out, "(M-mode does not translate; walking as S-mode)\n");
            priv = PRIV_S;
        }
    }
    /* Say which privilege the walk assumed: stopped in S-mode, a user page "faults" only
     * because S-mode may not touch it (SUM clear), which misleads. */
    fprintf(out, "walking as a %s-mode %s%s\n", vmmap_priv_name((unsigned)priv),
            vmmap_access_name(access), assumed ? " (the hart's privilege now)" : "");
    const struct guest_ram mem = c->mmu.ram;
    struct walk_request req;
    dbg_request_for(c, va, access, (unsigned)priv, &req);
    struct walk_result r;
    page_walk(&mem, &req, &r);
    vmmap_print_walk(out, &req, &r);
    if (r.nsteps) { /* for `whowrote` without an address */
        d->walk_pte_valid = true;
        d->walk_pte = r.steps[r.nsteps - 1].pte_addr;
    }
    if (r.fault == WALK_U_PAGE_FROM_S)
        fprintf(out, "hint: a U page; 'walk 0x%" PRIx64 " %s u' walks it as U-mode would\n", va,
                access == ACCESS_EXEC    ? "x"
                : access == ACCESS_WRITE ? "w"
                                         : "r");
    return true;
}

/* LO-HI or a single address (a one-byte range). */
bool dbg_parse_range(struct debugger *d, const char *w, uint64_t *lo, uint64_t *hi, FILE *out)
{
    char first[64];
    const char *dash = strchr(w, '-');
    size_t n = dash ? (size_t)(dash - w) : strlen(w);
    if (n == 0 || n >= sizeof first) {
        fprintf(out, "error: '%s' is not an address or LO-HI range\n", w);
        return false;
    }
    memcpy(first, w, n);
    first[n] = '\0';
    if (!dbg_need_value(d, first, lo, out)) return false;
    *hi = *lo + 1;
    if (dash && !dbg_need_value(d, dash + 1, hi, out)) return false;
    if (*hi <= *lo) {
        fprintf(out, "error: empty range %s\n", w);
        return false;
    }
    return true;
}

static const char tlb_usage[] =
    "usage: tlb [flush] | tlb [asid N] [LO-HI|VADDR] [4k|64k|2m|1g|512g|256t]\n";

/* A page size as vmmap_level_size spells it, any case ("4k" .. "256t"): its leaf level, or
 * -1. */
static int level_by_size(const char *w)
{
    for (int level = 0; level < WALK_MAX_LEVELS; level++)
        if (strcasecmp(w, vmmap_level_size(level)) == 0) return level;
    return -1;
}

bool cmd_tlb(struct debugger *d, int argc, char **argv, FILE *out)
{
    struct cpu *c = machine_selected(d->m);
    if (argc == 2 && strcmp(argv[1], "flush") == 0) {
        tlb_flush(&c->mmu.tlb, true, 0, true, 0);
        mmu_flush_all(&c->mmu);
        fprintf(out, "tlb flushed\n");
        return true;
    }
    struct vmmap_tlb_filter f = {.level = -1};
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        if (strcmp(w, "asid") == 0 && i + 1 < argc) {
            uint64_t v;
            if (!dbg_need_value(d, argv[++i], &v, out)) return false;
            f.asid = true;
            f.asid_value = (uint16_t)v;
        } else if (strcasecmp(w, "64k") == 0) { /* Svnapot's pages */
            f.napot = true;
        } else if (level_by_size(w) >= 0) {
            f.level = level_by_size(w);
        } else if (isdigit((unsigned char)w[0]) || w[0] == '$' || strchr(w, '-')) {
            if (!dbg_parse_range(d, w, &f.lo, &f.hi, out)) return false;
            f.range = true;
        } else {
            fprintf(out, "%s", tlb_usage);
            return false;
        }
    }
    vmmap_print_tlb(out, &c->mmu.tlb, &f);
    return true;
}

bool cmd_vmmap(struct debugger *d, int argc, char **argv, FILE *out)
{
    const struct cpu *c = machine_selected(d->m);
    uint64_t satp = c->satp;
    if (argc > 1 && !dbg_need_value(d, argv[1], &satp, out)) return false;
    const struct guest_ram mem = c->mmu.ram;
    vmmap_print(out, &mem, satp, c->mmu.state.pbmte, c->mmu.svnapot);
    return true;
}

bool cmd_satp(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    vmmap_print_satp(out, machine_selected(d->m)->satp);
    return true;
}

static void print_trap(struct debugger *d, const char *label, const struct dbg_trap_record *r,
                       FILE *out)
{
    char sym[96];
    dbg_symbolize(d, r->pc, sym, sizeof(sym));
    uint64_t code = r->cause & ~(1ull << 63);
    fprintf(out, "%s: %s %" PRIu64 " (%s), %s -> %s\n", label,
            r->cause >> 63 ? "interrupt" : "exception", code, vmmap_cause_name(r->cause),
            vmmap_priv_name(r->from), vmmap_priv_name(r->to));
    fprintf(out, "  epc=0x%" PRIx64 "%s tval=0x%" PRIx64 "\n", r->pc, sym, r->tval);
    if (!r->has_walk) {
        fprintf(out, "  no page walk led to it\n");
        return;
    }
    fprintf(out, "the walk that raised it (satp at the time: 0x%" PRIx64 "):\n", r->satp);
    vmmap_print_walk(out, &r->walk_req, &r->walk);
}

/* The last page fault first (what a learner stopped for), then the last trap when it is
 * another one (after Ctrl-C it is often an ecall or a timer interrupt). */
bool cmd_fault(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    const struct dbg_trap_record *f = &d->last_fault[d->m->selected],
                                 *t = &d->last_trap[d->m->selected];
    if (f->valid)
        print_trap(d, "last page fault", f, out);
    else
        fprintf(out, "no page fault yet\n");
    if (!t->valid && d->m->instret > 0) {
        /* The monitor came in (C-a c) after the guest ran unwatched: what the trap CSRs
         * still hold is all there is (priv spec: xcause, xtval, xepc of the last trap taken
         * into that mode). */
        const struct cpu *c = machine_selected(d->m);
        fprintf(out, "no trap seen since the monitor attached; the trap CSRs hold:\n");
        fprintf(out, "  into S: scause=0x%" PRIx64 " (%s) stval=0x%" PRIx64 " sepc=0x%" PRIx64 "\n",
                c->scause, vmmap_cause_name(c->scause), c->stval, c->sepc);
        fprintf(out, "  into M: mcause=0x%" PRIx64 " (%s) mtval=0x%" PRIx64 " mepc=0x%" PRIx64 "\n",
                c->mcause, vmmap_cause_name(c->mcause), c->mtval, c->mepc);
    } else if (!t->valid)
        fprintf(out, "no trap taken yet\n");
    else if (f->valid && t->pc == f->pc && t->cause == f->cause && t->tval == f->tval)
        fprintf(out, "last trap: that page fault\n");
    else
        print_trap(d, "last trap", t, out);
    return true;
}

static bool parse_trace_kinds(const char *text, unsigned *kinds, FILE *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"miss", TRACE_K_MISS},     {"walk", TRACE_K_WALK}, {"fault", TRACE_K_FAULT},
                 {"sfence", TRACE_K_SFENCE}, {"satp", TRACE_K_SATP}, {"fill", TRACE_K_FILL},
                 {"evict", TRACE_K_EVICT}};
    *kinds = 0;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, ",");
        size_t i = 0;
        while (i < sizeof names / sizeof names[0] &&
               !(strlen(names[i].name) == len && strncmp(names[i].name, p, len) == 0))
            i++;
        if (i == sizeof names / sizeof names[0]) {
            fprintf(out,
                    "trace mmu: kind '%.*s': one of miss, walk, fault, sfence, satp, fill, "
                    "evict\n",
                    (int)len, p);
            return false;
        }
        *kinds |= names[i].bit;
        p += len + (p[len] == ',');
    }
    return *kinds != 0;
}

/* `trace mmu on va|skip` take what `continue until fault` and `tlb` take (dbg_parse_range:
 * LO-HI with HI excluded, or one address); the filter keeps [lo, hi] inclusive. */
static bool parse_range(struct debugger *d, const char *arg, uint64_t *lo, uint64_t *hi, FILE *out)
{
    if (!dbg_parse_range(d, arg, lo, hi, out)) return false;
    --*hi;
    return true;
}

bool cmd_trace(struct debugger *d, int argc, char **argv, FILE *out)
{
    static const char usage[] =
        "usage: trace mmu off, or trace mmu on [asid N] [priv u|s] [va LO-HI] [skip LO-HI]...\n"
        "       [kinds K,...]\n";
    if (argc < 3 || strcmp(argv[1], "mmu") != 0 ||
        (strcmp(argv[2], "on") != 0 && strcmp(argv[2], "off") != 0) ||
        (strcmp(argv[2], "off") == 0 && argc != 3)) {
        fprintf(out, usage);
        return false;
    }
    struct dbg_trace_filter f = {0};
    for (int i = 3; i < argc; i += 2) {
        if (i + 1 >= argc) {
            fprintf(out, usage);
            return false;
        }
        const char *key = argv[i], *arg = argv[i + 1];
        uint64_t v;
        if (strcmp(key, "asid") == 0) {
            if (!dbg_need_value(d, arg, &v, out)) return false;
            if (v > 0xffff) {
                fprintf(out, "trace mmu: asid %s: at most 0xffff\n", arg);
                return false;
            }
            f.asid = true;
            f.asid_value = (uint16_t)v;
        } else if (strcmp(key, "priv") == 0) {
            if (strcmp(arg, "u") != 0 && strcmp(arg, "s") != 0) {
                fprintf(out, "trace mmu: priv %s: u or s\n", arg);
                return false;
            }
            f.priv = true;
            f.priv_value = arg[0] == 'u' ? PRIV_U : PRIV_S;
        } else if (strcmp(key, "va") == 0) {
            if (!parse_range(d, arg, &f.lo, &f.hi, out)) return false;
            f.range = true;
        } else if (strcmp(key, "skip") == 0) {
            if (f.nskip == DBG_TRACE_SKIPS) {
                fprintf(out, "trace mmu: at most %d skip ranges\n", DBG_TRACE_SKIPS);
                return false;
            }
            if (!parse_range(d, arg, &f.skip[f.nskip].lo, &f.skip[f.nskip].hi, out)) return false;
            f.nskip++;
        } else if (strcmp(key, "kinds") == 0) {
            if (!parse_trace_kinds(arg, &f.kinds, out)) return false;
        } else {
            fprintf(out, usage);
            return false;
        }
    }
    d->trace_mmu = strcmp(argv[2], "on") == 0;
    d->trace_filter = f;
    fprintf(out, "mmu trace %s%s\n", d->trace_mmu ? "on" : "off", argc > 3 ? " (filtered)" : "");
    return true;
}

static bool cmd_x(struct debugger *d, int argc, char **argv, FILE *out, bool physical)
{
    uint64_t addr, len = 64;
    if (argc < 2) {
        fprintf(out, "usage: %s ADDR [LEN], or QEMU's %s /NFU ADDR\n", argv[0], argv[0]);
        return false;
    }
    if (argv[1][0] == '/') { /* QEMU's spelling: x /4xw ADDR */
        if (argc != 3 || !dbg_need_value(d, argv[2], &addr, out)) {
            fprintf(out, "usage: %s /NFU ADDR (N count, F x|d|u|o|c|i, U b|h|w|g)\n", argv[0]);
            return false;
        }
        return qemu_memory_dump(d, argv[1] + 1, addr, physical, out);
    }
    if (!dbg_need_value(d, argv[1], &addr, out) ||
        (argc > 2 && !dbg_need_value(d, argv[2], &len, out)))
        return false;
    if (len > 1 << 20) len = 1 << 20;
    return dump(d, addr, len, physical, out);
}

bool cmd_xv(struct debugger *d, int argc, char **argv, FILE *out)
{
    return cmd_x(d, argc, argv, out, false);
}
bool cmd_xp(struct debugger *d, int argc, char **argv, FILE *out)
{
    return cmd_x(d, argc, argv, out, true);
}
