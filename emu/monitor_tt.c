/* The debugger's time-travel commands (emu/timetravel.h): rstep, rcontinue, whowrote,
 * history. Each question about the past re-executes a stretch of the session with an
 * observer and comes back to where it was asked. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/walk.h"
#include "disas.h"
#include "monitor.h"
#include "timetravel.h"
#include "vmmap.h"

static bool need_tt(struct debugger *d, FILE *out)
{
    if (d->tt) return true;
    if (!d->tt_tried) { /* the session has not run yet: its history starts here */
        d->tt_tried = true;
        d->tt = d->m->nharts == 1 ? tt_open(d) : NULL;
        if (d->tt) return true;
    }
    if (d->m->nharts > 1) /* debugger_run opens none: its history follows one hart */
        fprintf(out, "error: time travel follows one hart: not with -smp %u\n", d->m->nharts);
    else
        fprintf(out, "error: time travel needs a recorded run: start rv39 with -record FILE (or "
                     "-replay FILE)\n");
    return false;
}

static int cmp(struct rr_point a, struct rr_point b)
{
    if (a.progress != b.progress) return a.progress < b.progress ? -1 : 1;
    return a.ns < b.ns ? -1 : a.ns > b.ns;
}

static void print_where(struct debugger *d, FILE *out)
{
    uint64_t next;
    fprintf(out, "[%s] ", vmmap_priv_name(machine_selected(d->m)->priv));
    dbg_print_insn(d, machine_selected(d->m)->pc, out, &next);
}

/* ---- rstep ---- */

bool dbg_reverse_step(struct debugger *d, uint64_t n, bool *at_begin, FILE *out)
{
    *at_begin = false;
    if (!need_tt(d, out)) return false;
    struct rr_point now = rr_now(d->m), begin = tt_begin(d->tt);
    *at_begin = now.progress - begin.progress < n;
    struct rr_point target = {*at_begin ? begin.progress : now.progress - n, 0};
    if (*at_begin) target = begin;
    return tt_goto(d->tt, target, out);
}

/* ---- seek ---- */

bool cmd_seek(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t n;
    if (d->in_gdb) { /* GDB would go on with the registers it has */
        fprintf(out, "error: under GDB, reverse-stepi and reverse-continue do this\n");
        return false;
    }
    if (argc != 2) {
        fprintf(out, "usage: seek STEP (a step: an instruction retired or a trap taken)\n");
        return false;
    }
    if (!dbg_need_value(d, argv[1], &n, out) || !need_tt(d, out)) return false;
    struct rr_point begin = tt_begin(d->tt);
    if (n < begin.progress) n = begin.progress;
    if (!tt_goto(d->tt, (struct rr_point){n, 0}, out)) return false;
    /* As --state-hash-every prints it (there: between slices, at the first after a multiple). */
    fprintf(out, "at step %" PRIu64 ": state-hash %" PRIu64 " %016" PRIx64 "\n",
            rr_now(d->m).progress, d->m->instret, machine_state_hash(d->m));
    print_where(d, out);
    return true;
}

bool cmd_rstep(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t n = 1;
    if (d->in_gdb) {
        fprintf(out, "error: under GDB, reverse-stepi does this\n");
        return false;
    }
    if (argc > 1 && !dbg_need_value(d, argv[1], &n, out)) return false;
    if (n == 0) {
        fprintf(out, "error: rstep: N must be at least 1\n");
        return false;
    }
    bool at_begin;
    if (!dbg_reverse_step(d, n, &at_begin, out)) return false;
    if (at_begin)
        fprintf(out, "at the beginning of the recorded history (step %" PRIu64 ")\n",
                rr_now(d->m).progress);
    print_where(d, out);
    return true;
}

/* ---- rcontinue ---- */

/* What would stop a forward run, looked for backwards: a breakpoint at the pc (the point
 * before that instruction), an instruction touching a watchpoint (the point before it), an
 * armed event (the point after its step). */
struct stop_search {
    struct debugger *d;
    struct rr_point now;
    unsigned until;
    bool event_in_step;
    uint64_t traps_before;
    int watch;
    uint64_t watch_addr;
    bool found;
    struct rr_point hit;
    int hit_bp, hit_wp;
    uint64_t hit_addr;
    char what[160];
};

static void search_before(void *opaque, struct rr_point at)
{
    struct stop_search *s = opaque;
    struct cpu *c = machine_selected(s->d->m);
    s->event_in_step = false;
    s->traps_before = c->stats.traps;
    int b = dbg_breakpoint_at(s->d, c->pc);
    if (b >= 0) {
        s->found = true;
        s->hit = at;
        s->hit_bp = b;
        s->hit_wp = -1;
    }
    s->watch = s->d->nwp ? dbg_watch_hit(s->d, &s->watch_addr) : -1;
}

static void search_after(void *opaque, struct rr_point at)
{
    struct stop_search *s = opaque;
    const struct cpu *c = machine_selected(s->d->m);
    if (s->watch >= 0 && c->stats.traps == s->traps_before) { /* the access happened */
        s->found = true;
        /* At the prompt: before the access (the pc at it). For GDB: after it, since GDB
         * steps back over a RISC-V watchpoint's access itself (see debugger_run). */
        s->hit = s->d->in_gdb ? rr_now(s->d->m) : at;
        s->hit_bp = -1;
        s->hit_wp = s->watch;
        s->hit_addr = s->watch_addr;
    }
    struct rr_point after = rr_now(s->d->m);
    if (s->event_in_step && cmp(after, s->now) < 0) {
        s->found = true;
        s->hit = after;
        s->hit_bp = s->hit_wp = -1;
    }
}

static void search_event(void *opaque, const struct cpu_event *ev)
{
    struct stop_search *s = opaque;
    unsigned kind = 0;
    char text[160] = "";
    switch (ev->kind) {
    case EV_TRAP:
        if (!(ev->cause >> 63) && (ev->cause == EXC_INSN_PAGE_FAULT ||
                                    ev->cause == EXC_LOAD_PAGE_FAULT ||
                                    ev->cause == EXC_STORE_PAGE_FAULT)) {
            kind = UNTIL_FAULT;
            snprintf(text, sizeof text, "%s at pc=0x%" PRIx64 ", tval=0x%" PRIx64,
                     vmmap_cause_name(ev->cause), ev->pc, ev->tval);
        }
        break;
    case EV_SATP:
        kind = UNTIL_SATP;
        snprintf(text, sizeof text, "satp written at pc=0x%" PRIx64 ": 0x%" PRIx64, ev->pc,
                 ev->satp);
        break;
    case EV_SFENCE:
        kind = UNTIL_SFENCE;
        snprintf(text, sizeof text, "sfence.vma at pc=0x%" PRIx64, ev->pc);
        break;
    default: break;
    }
    if (kind & s->until) {
        s->event_in_step = true;
        memcpy(s->what, text, sizeof text);
    }
}

static bool search_done(void *opaque)
{
    return ((struct stop_search *)opaque)->found;
}

/* Back to the last point before now where a forward run would have stopped (GDB's
 * reverse-continue). Returns how it ended, for the GDB stub's stop reply too. */
enum dbg_stop dbg_reverse_continue(struct debugger *d, unsigned until, bool *at_begin, FILE *out)
{
    *at_begin = false;
    if (!need_tt(d, out)) return DBG_STOP_INTERRUPTED;
    struct stop_search *s = calloc(1, sizeof *s);
    if (!s) return DBG_STOP_INTERRUPTED;
    *s = (struct stop_search){.d = d, .now = rr_now(d->m), .until = until, .hit_bp = -1,
                              .hit_wp = -1};
    struct tt_observer obs = {NULL, search_before, search_after, until ? search_event : NULL, s, 0};
    enum dbg_stop why = DBG_STOP_INTERRUPTED;
    if (tt_scan(d->tt, s->now, false, &obs, search_done, out)) {
        struct rr_point target = s->found ? s->hit : tt_begin(d->tt);
        if (tt_goto(d->tt, target, out)) {
            d->hit_breakpoint = s->hit_bp;
            d->hit_watchpoint = s->hit_wp;
            d->hit_watch_addr = s->hit_addr;
            why = !s->found           ? DBG_STOP_STEPPED
                  : s->hit_bp >= 0    ? DBG_STOP_BREAKPOINT
                  : s->hit_wp >= 0    ? DBG_STOP_WATCHPOINT
                                      : DBG_STOP_EVENT;
            if (why == DBG_STOP_EVENT) snprintf(d->stop_text, sizeof d->stop_text, "%s", s->what);
            *at_begin = !s->found;
        }
    } else {
        tt_goto(d->tt, s->now, out);
    }
    free(s);
    return why;
}

bool cmd_rcontinue(struct debugger *d, int argc, char **argv, FILE *out)
{
    unsigned until = 0;
    if (argc > 1) {
        if (strcmp(argv[1], "until") != 0 || argc < 3) {
            fprintf(out, "usage: rcontinue [until fault|satp|sfence]\n");
            return false;
        }
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "fault") == 0)
                until |= UNTIL_FAULT;
            else if (strcmp(argv[i], "satp") == 0)
                until |= UNTIL_SATP;
            else if (strcmp(argv[i], "sfence") == 0)
                until |= UNTIL_SFENCE;
            else {
                fprintf(out, "error: rcontinue until: '%s' is not fault, satp or sfence\n", argv[i]);
                return false;
            }
        }
    }
    if (d->in_gdb) {
        fprintf(out, "error: under GDB, reverse-continue does this\n");
        return false;
    }
    if (!need_tt(d, out)) return false;
    bool at_begin;
    enum dbg_stop why = dbg_reverse_continue(d, until, &at_begin, out);
    if (why == DBG_STOP_INTERRUPTED) return false;
    if (at_begin)
        fprintf(out, "reached the beginning of the recorded history (step %" PRIu64 ")\n",
                rr_now(d->m).progress);
    debugger_print_stop(d, why, out);
    return true;
}

/* ---- whowrote ---- */

/* The last write to [pa, pa + 8) before now: by an instruction, by the page walker's A/D
 * update, or by a device (DMA, between steps). */
struct writer_search {
    struct debugger *d;
    uint64_t pa;
    uint64_t value;     /* the doubleword before the current step */
    bool store;         /* the current step's instruction stores over pa */
    bool walker;        /* a walk in the current step wrote A/D into that PTE */
    uint64_t traps;     /* the hart's trap count before the current step */
    unsigned priv;
    uint64_t pc;
    struct decoded ins;
    bool found;
    struct {
        struct rr_point at;
        uint64_t pc, before, after;
        unsigned priv;
        bool by_walker, by_device;
        struct decoded ins;
    } hit;
};

static uint64_t read_pa(struct debugger *d, uint64_t pa)
{
    uint64_t v = 0;
    const uint8_t *p = machine_ram_ptr(d->m, pa, 8);
    if (p) memcpy(&v, p, 8);
    return v;
}

static void writer_before(void *opaque, struct rr_point at)
{
    struct writer_search *s = opaque;
    struct cpu *c = machine_selected(s->d->m);
    uint64_t v = read_pa(s->d, s->pa);
    if (v != s->value) { /* changed while the board was serviced: a device's DMA */
        s->found = true;
        s->hit.at = at;
        s->hit.before = s->value;
        s->hit.after = v;
        s->hit.by_device = true;
        s->hit.by_walker = false;
        s->value = v;
    }
    s->store = s->walker = false;
    s->traps = c->stats.traps;
    s->pc = c->pc;
    s->priv = c->priv;
    uint64_t va, pa;
    unsigned size;
    bool reads, writes;
    if (dbg_data_access(s->d, &va, &size, &reads, &writes) && writes &&
        debugger_translate(s->d, va, ACCESS_WRITE, &pa) && pa < s->pa + 8 && s->pa < pa + size) {
        s->store = dbg_fetch_decoded(s->d, c->pc, &s->ins);
        s->priv = dbg_data_priv(c);
    }
}

static void writer_after(void *opaque, struct rr_point at)
{
    struct writer_search *s = opaque;
    const struct cpu *c = machine_selected(s->d->m);
    uint64_t v = read_pa(s->d, s->pa);
    /* A store that trapped wrote nothing, nor did an SC that failed (an AMO or SC that wrote
     * the value there already is not told apart from one that failed). */
    bool stored = s->store && c->stats.traps == s->traps &&
                  (v != s->value || insn_table[s->ins.opcode].cls == CLASS_STORE);
    if (stored || s->walker || v != s->value) {
        s->found = true;
        s->hit.at = at;
        s->hit.pc = s->pc;
        s->hit.priv = s->priv;
        s->hit.before = s->value;
        s->hit.after = v;
        s->hit.by_walker = !stored && s->walker;
        s->hit.by_device = !stored && !s->walker;
        s->hit.ins = s->ins;
    }
    s->value = v;
}

static void writer_event(void *opaque, const struct cpu_event *ev)
{
    struct writer_search *s = opaque;
    if (ev->kind == EV_WALK && ev->walk->ad_updated && ev->walk->pte_addr < s->pa + 8 &&
        s->pa < ev->walk->pte_addr + 8)
        s->walker = true;
}

static void writer_start(void *opaque)
{
    struct writer_search *s = opaque;
    s->value = read_pa(s->d, s->pa);
}

static bool writer_done(void *opaque)
{
    return ((struct writer_search *)opaque)->found;
}

bool cmd_whowrote(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t pa;
    if (argc > 1) {
        if (!dbg_need_value(d, argv[1], &pa, out)) return false;
    } else if (d->walk_pte_valid) {
        pa = d->walk_pte;
        fprintf(out, "the PTE the last walk ended at: 0x%" PRIx64 "\n", pa);
    } else {
        fprintf(out, "usage: whowrote PADDR (or 'walk VADDR' first: then the PTE it ended at)\n");
        return false;
    }
    pa &= ~7ull;
    if (!machine_ram_ptr(d->m, pa, 8)) {
        fprintf(out, "error: whowrote: 0x%" PRIx64 " is not RAM\n", pa);
        return false;
    }
    if (!need_tt(d, out)) return false;
    struct writer_search *s = calloc(1, sizeof *s);
    if (!s) return false;
    s->d = d;
    s->pa = pa;
    struct rr_point now = rr_now(d->m);
    struct tt_observer obs = {writer_start, writer_before, writer_after, writer_event, s, pa};
    bool ok = tt_scan(d->tt, now, false, &obs, writer_done, out);
    ok = tt_goto(d->tt, now, out) && ok;
    if (ok && !s->found) {
        fprintf(out, "no write to 0x%" PRIx64 " since the beginning of the recorded history (step "
                     "%" PRIu64 ")\n", pa, tt_begin(d->tt).progress);
    } else if (ok) {
        char sym[96], text[96] = "";
        fprintf(out, "last write to 0x%" PRIx64 " before step %" PRIu64 ": step %" PRIu64, pa,
                now.progress, s->hit.at.progress);
        if (s->hit.by_device) {
            fprintf(out, ", by a device (DMA) while the board was serviced\n");
        } else {
            dbg_symbolize(d, s->hit.pc, sym, sizeof sym);
            fprintf(out, ", pc 0x%" PRIx64 "%s [%s]\n", s->hit.pc, sym,
                    vmmap_priv_name(s->hit.priv));
            if (s->hit.by_walker) {
                fprintf(out, "  the hardware page walker's A/D update, for the access of the "
                             "instruction there\n");
            } else {
                disas_format(text, sizeof text, s->hit.pc, &s->hit.ins);
                fprintf(out, "  %s\n", text);
            }
        }
        fprintf(out, "  value 0x%016" PRIx64 " -> 0x%016" PRIx64 "\n", s->hit.before, s->hit.after);
    }
    free(s);
    return ok;
}

/* ---- history ---- */

/* Every change of one virtual address's translation, in the address space satp has now:
 * stores (and the walker's A/D updates, and DMA) to the PTEs its walk reads, sfence.vma
 * that covers it, TLB fills and evictions of it, satp writes. The walk path is recomputed
 * after any of its PTEs changes, from the root satp names now. */
#define HISTORY_MAX_LINES 400

struct history {
    struct debugger *d;
    FILE *out;
    uint64_t va, satp;
    unsigned npath;
    uint64_t path[WALK_MAX_LEVELS], value[WALK_MAX_LEVELS];
    uint64_t pc, traps;
    unsigned priv;
    int store_level; /* the path PTE the current instruction stores to, or -1 */
    bool walker[WALK_MAX_LEVELS];
    struct rr_point at;
    unsigned lines;
    uint64_t dropped;
};

static bool history_line(struct history *h);

/* The walk path now; a PTE that joins it (its parent now points at its table) is shown with
 * what it holds, written while it was not on the path. */
static void history_path(struct history *h, bool report)
{
    unsigned old_n = h->npath;
    uint64_t old_path[WALK_MAX_LEVELS];
    memcpy(old_path, h->path, sizeof old_path);
    struct walk_request req;
    dbg_request_for(machine_selected(h->d->m), h->va, ACCESS_READ, PRIV_S, &req);
    req.satp = h->satp;
    struct walk_result r;
    page_walk(&h->d->m->ram, &req, &r);
    h->npath = r.nsteps;
    for (unsigned i = 0; i < r.nsteps; i++) {
        h->path[i] = r.steps[i].pte_addr;
        h->value[i] = r.steps[i].pte;
        if (report && (i >= old_n || old_path[i] != h->path[i]) && history_line(h))
            fprintf(h->out, "PTE level %u at 0x%" PRIx64 " joins the walk: 0x%016" PRIx64 "\n",
                    vm_mode_of_satp(h->satp)->levels - 1 - i, h->path[i], h->value[i]);
    }
}

static bool history_line(struct history *h)
{
    if (h->lines >= HISTORY_MAX_LINES) {
        h->dropped++;
        return false;
    }
    h->lines++;
    fprintf(h->out, "step %-10" PRIu64 " ", h->at.progress);
    return true;
}

static void history_where(struct history *h, uint64_t pc)
{
    char sym[96];
    dbg_symbolize(h->d, pc, sym, sizeof sym);
    fprintf(h->out, " at pc 0x%" PRIx64 "%s [%s]\n", pc, sym, vmmap_priv_name(h->priv));
}

static void history_start(void *opaque)
{
    struct history *h = opaque;
    history_path(h, false);
    if (!h->lines) /* the first stretch: where the path stands at the beginning */
        for (unsigned i = 0; i < h->npath; i++)
            if (history_line(h))
                fprintf(h->out, "PTE level %u at 0x%" PRIx64 " = 0x%016" PRIx64 "\n",
                        vm_mode_of_satp(h->satp)->levels - 1 - i, h->path[i], h->value[i]);
}

static void history_before(void *opaque, struct rr_point at)
{
    struct history *h = opaque;
    struct cpu *c = machine_selected(h->d->m);
    h->at = at;
    h->pc = c->pc;
    h->priv = c->priv;
    h->traps = c->stats.traps;
    h->store_level = -1;
    memset(h->walker, 0, sizeof h->walker);
    uint64_t va, pa;
    unsigned size;
    bool reads, writes;
    if (dbg_data_access(h->d, &va, &size, &reads, &writes) && writes &&
        debugger_translate(h->d, va, ACCESS_WRITE, &pa))
        for (unsigned i = 0; i < h->npath; i++)
            if (pa < h->path[i] + 8 && h->path[i] < pa + size) h->store_level = (int)i;
}

static void history_after(void *opaque, struct rr_point at)
{
    struct history *h = opaque;
    (void)at;
    bool changed = false;
    for (unsigned i = 0; i < h->npath; i++) {
        uint64_t v = read_pa(h->d, h->path[i]);
        bool by_insn = h->store_level == (int)i && machine_selected(h->d->m)->stats.traps == h->traps;
        if (v == h->value[i] && !by_insn) continue;
        if (history_line(h)) {
            unsigned level = vm_mode_of_satp(h->satp)->levels - 1 - i;
            fprintf(h->out, "PTE level %u at 0x%" PRIx64 ": 0x%016" PRIx64 " -> 0x%016" PRIx64 ", %s",
                    level, h->path[i], h->value[i], v,
                    by_insn ? "stored" : h->walker[i] ? "A/D set by the page walker" : "written by DMA");
            history_where(h, h->pc);
        }
        changed = changed || v != h->value[i];
        h->value[i] = v;
    }
    if (changed) history_path(h, true);
}

static bool covers(const struct tlb_entry *t, uint64_t va)
{
    return va - t->vpage < (1ull << t->shift);
}

static void history_event(void *opaque, const struct cpu_event *ev)
{
    struct history *h = opaque;
    switch (ev->kind) {
    case EV_WALK:
        for (unsigned i = 0; i < h->npath; i++)
            if (ev->walk->ad_updated && ev->walk->pte_addr == h->path[i]) h->walker[i] = true;
        break;
    case EV_SATP:
        if (history_line(h)) {
            fprintf(h->out, "satp <- 0x%" PRIx64 "%s", ev->satp,
                    ev->satp == h->satp ? " (this address space)" : "");
            history_where(h, ev->pc);
        }
        break;
    case EV_SFENCE:
        if (!ev->all_va && (ev->va ^ h->va) >> 12) break;
        if (!ev->all_asid && ev->asid != ((h->satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK)) break;
        if (history_line(h)) {
            fprintf(h->out, "sfence.vma %s, %s", ev->all_va ? "all addresses" : "this page",
                    ev->all_asid ? "all ASIDs" : "this ASID");
            history_where(h, ev->pc);
        }
        break;
    case EV_TLB_FILL:
    case EV_TLB_EVICT:
        if (!covers(ev->tlb, h->va)) break;
        if (history_line(h)) {
            fprintf(h->out, "TLB %s: 0x%" PRIx64 " -> 0x%" PRIx64 " (%s page, ASID %u, PTE 0x%" PRIx64 ")",
                    ev->kind == EV_TLB_FILL ? "fill" : "evict", ev->tlb->vpage, ev->tlb->ppage,
                    ev->tlb->shift == 12 ? "4 KiB" : ev->tlb->shift == 16 ? "64 KiB"
                    : ev->tlb->shift == 21 ? "2 MiB" : "huge", ev->tlb->asid, ev->tlb->pte);
            history_where(h, ev->pc);
        }
        break;
    default: break;
    }
}

bool cmd_history(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t va;
    if (argc != 2) {
        fprintf(out, "usage: history VADDR\n");
        return false;
    }
    if (!dbg_need_value(d, argv[1], &va, out)) return false;
    const struct cpu *c = machine_selected(d->m);
    if (!vm_mode_of_satp(c->satp)) {
        fprintf(out, "error: history: satp is Bare now: no translation to follow\n");
        return false;
    }
    if (!need_tt(d, out)) return false;
    struct history *h = calloc(1, sizeof *h);
    if (!h) return false;
    *h = (struct history){.d = d, .out = out, .va = va, .satp = c->satp};
    struct rr_point now = rr_now(d->m);
    fprintf(out, "history of 0x%" PRIx64 " in the address space of satp 0x%" PRIx64
                 ", steps %" PRIu64 " to %" PRIu64 ":\n", va, h->satp, tt_begin(d->tt).progress,
            now.progress);
    struct tt_observer obs = {history_start, history_before, history_after, history_event, h, 0};
    bool ok = tt_scan(d->tt, now, true, &obs, NULL, out);
    ok = tt_goto(d->tt, now, out) && ok;
    if (h->dropped) fprintf(out, "(%" PRIu64 " more events not shown)\n", h->dropped);
    if (ok && !h->lines) fprintf(out, "no change since the beginning of the recorded history\n");
    free(h);
    return ok;
}
