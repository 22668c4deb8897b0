/* The debugger (emu/debugger.h): events and the last trap, memory as the hart sees it,
 * breakpoints and watchpoints, and run control. Its commands are in emu/monitor.c (and
 * emu/monitor_mmu.c), its prompt in emu/monitor_prompt.c.
 *
 * Breakpoints are pc comparisons, never patched instructions, so guest memory and the decoded
 * instruction cache stay untouched. Watchpoints are checked by decoding the instruction about
 * to execute (through the one instruction table) and computing its effective address: the
 * interpreter's fast paths need no hook for it. */
#include "debugger.h"
#include "monitor.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../cpu/cmo.h"
#include "console_out.h"
#include "disas.h"
#include "replay_seek.h"
#include "symtab.h"
#include "timetravel.h"
#include "trace_log.h"
#include "vmmap.h"

#define SLICE_INSNS 20000     /* as machine_run: full speed when nothing needs checking */
#define POLL_EVERY_STEPS 1024 /* while stepping: look for Ctrl-C this often */

/* ---- events: trace lines, `continue until`, the last trap ---- */

unsigned dbg_data_priv(const struct cpu *c)
{
    if (c->priv == PRIV_M && (c->mstatus & MSTATUS_MPRV))
        return (unsigned)((c->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    return c->priv;
}

void dbg_request_for(const struct cpu *c, uint64_t va, enum access access, unsigned priv,
                     struct walk_request *req)
{
    *req = (struct walk_request){
        .satp = c->satp,
        .va = va,
        .access = access,
        .priv = priv,
        .sum = (c->mstatus & MSTATUS_SUM) != 0,
        .mxr = (c->mstatus & MSTATUS_MXR) != 0,
        .update_ad = false,
        .svade = !c->mmu.state.adue,
        .pbmte = c->mmu.state.pbmte,
        .svnapot = c->mmu.svnapot,
    };
}

/* The hart's number (its index in m->hart): mhartid, which the machine sets and the guest
 * cannot write; checked all the same, as it indexes the per-hart records. */
static unsigned hart_of(const struct debugger *d, const struct cpu *c)
{
    return c->mhartid < d->m->nharts ? (unsigned)c->mhartid : 0;
}

static void stop_on_event(struct debugger *d, struct cpu *c, unsigned kind, const char *what)
{
    if (!(d->until & kind) || d->event_stop) return;
    d->event_stop = true;
    d->stop_hart = hart_of(d, c);
    snprintf(d->stop_text, sizeof(d->stop_text), "%s", what);
    c->yield_request = true; /* cpu_run returns right after this event */
}

static bool is_page_fault(uint64_t mcause)
{
    return mcause == EXC_INSN_PAGE_FAULT || mcause == EXC_LOAD_PAGE_FAULT ||
           mcause == EXC_STORE_PAGE_FAULT;
}

static bool fault_wanted(const struct debugger *d, const struct cpu_event *ev, uint64_t satp)
{
    const struct dbg_fault_filter *f = &d->fault_filter;
    if (f->user && ev->from != PRIV_U) return false;
    if (f->range && (ev->tval < f->lo || ev->tval >= f->hi)) return false;
    if (f->asid && ((satp >> SATP_ASID_SHIFT) & 0xffff) != f->asid_value) return false;
    return true;
}

/* The first xRET into U-mode after a user page fault settles it: back at the faulting pc in
 * the same address space, the fault was resolved (the instruction is retried); anywhere else,
 * the process did not get its page: killed, sent a signal, or (a kernel that sleeps on a swap
 * read) another process runs first, which the stop message mentions. */
static void check_kill(struct debugger *d, struct cpu *c, const struct cpu_event *ev)
{
    unsigned h = hart_of(d, c);
    const struct dbg_trap_record *f = &d->kill_fault[h];
    if (!d->kill_pending[h] || ev->to != PRIV_U) return;
    uint64_t target = ev->from == PRIV_M ? c->mepc : c->sepc;
    d->kill_pending[h] = false;
    if (target == f->pc && c->satp == f->satp) return;
    char text[200];
    snprintf(text, sizeof text,
             "kill: the %s at pc=0x%" PRIx64 ", tval=0x%" PRIx64
             " was not resolved: the kernel returned to U-mode at 0x%" PRIx64 "%s",
             vmmap_cause_name(f->cause), f->pc, f->tval, target,
             c->satp == f->satp ? "" : " in another address space");
    stop_on_event(d, c, UNTIL_KILL, text);
}

static bool trace_wanted(const struct debugger *d, const struct cpu *c, const struct cpu_event *ev)
{
    const struct dbg_trace_filter *f = &d->trace_filter;
    unsigned kind = 0, priv = ev->access == ACCESS_EXEC ? c->priv : dbg_data_priv(c);
    uint64_t lo = ev->va, hi = ev->va; /* the addresses the event is about */
    bool has_va = true;
    uint16_t asid = (uint16_t)((c->satp >> SATP_ASID_SHIFT) & 0xffff);
    bool any_asid = false;
    switch (ev->kind) {
    case EV_TLB_MISS: kind = TRACE_K_MISS; break;
    case EV_WALK: kind = TRACE_K_WALK; break;
    case EV_TRAP:
        kind = TRACE_K_FAULT;
        priv = ev->from;
        lo = hi = ev->tval;
        break;
    case EV_SFENCE:
        kind = TRACE_K_SFENCE;
        has_va = !ev->all_va;
        asid = ev->asid;
        any_asid = ev->all_asid;
        break;
    case EV_SATP:
        kind = TRACE_K_SATP;
        has_va = false;
        asid = (uint16_t)((ev->satp >> SATP_ASID_SHIFT) & 0xffff);
        break;
    case EV_TLB_FILL:
    case EV_TLB_EVICT:
        kind = ev->kind == EV_TLB_FILL ? TRACE_K_FILL : TRACE_K_EVICT;
        lo = ev->tlb->vpage;
        hi = lo + (PAGE_SIZE << (9 * ev->tlb->level)) - 1;
        asid = ev->tlb->asid;
        any_asid = (ev->tlb->pte & PTE_G) != 0;
        break;
    case EV_XRET: return false;
    }
    if (f->kinds && !(f->kinds & kind)) return false;
    if (f->priv && priv != f->priv_value) return false;
    /* A fence of every address touches any range; an event without an address (satp) none. */
    if (f->range && !(ev->kind == EV_SFENCE && ev->all_va) && (!has_va || hi < f->lo || lo > f->hi))
        return false;
    for (unsigned i = 0; has_va && i < f->nskip; i++)
        if (lo >= f->skip[i].lo && hi <= f->skip[i].hi) return false;
    if (f->asid && !any_asid && asid != f->asid_value) return false;
    return true;
}

/* A `trace mmu` event as whole lines through the terminal's one output path, so they never
 * cut the guest's output line (emu/console_out.h). With several harts each line says whose
 * event it is. */
static void trace_mmu_line(struct debugger *d, const struct cpu *c, const struct cpu_event *ev)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) return;
    if (d->m->nharts > 1) fprintf(mem, "hart %u: ", hart_of(d, c));
    trace_print_mmu_event(mem, ev);
    fclose(mem);
    console_out_lines(d->trace, text, len);
    free(text);
}

static void on_event(void *opaque, struct cpu *c, const struct cpu_event *ev)
{
    struct debugger *d = opaque;
    char text[160];
    trace_log_event(c, ev); /* -d / -D, whoever owns the hook */
    if (d->trace_mmu && trace_wanted(d, c, ev)) trace_mmu_line(d, c, ev);
    unsigned h = hart_of(d, c);
    switch (ev->kind) {
    case EV_TLB_MISS: break;
    case EV_WALK:
        if (ev->walk->fault != WALK_OK) {
            /* Keep it for the trap that follows, so `fault` can show why. */
            unsigned priv = ev->access == ACCESS_EXEC ? c->priv : dbg_data_priv(c);
            dbg_request_for(c, ev->va, ev->access, priv, &d->pending_req);
            d->pending_walk = *ev->walk;
            d->pending_valid = true;
        }
        break;
    case EV_TRAP: {
        d->traps++;
        struct dbg_trap_record *r = &d->last_trap[h];
        *r = (struct dbg_trap_record){.valid = true,
                                      .pc = ev->pc,
                                      .cause = ev->cause,
                                      .tval = ev->tval,
                                      .satp = c->satp,
                                      .from = ev->from,
                                      .to = ev->to};
        uint64_t code = ev->cause & ~(1ull << 63);
        bool exception = !(ev->cause >> 63);
        bool from_walk = exception && (is_page_fault(code) || code == EXC_INSN_ACCESS ||
                                       code == EXC_LOAD_ACCESS || code == EXC_STORE_ACCESS);
        if (from_walk && d->pending_valid &&
            ev->tval - d->pending_req.va < 8 /* a misaligned access may split */) {
            r->has_walk = true;
            r->walk_req = d->pending_req;
            r->walk = d->pending_walk;
        }
        d->pending_valid = false;
        if (exception && is_page_fault(code)) {
            d->last_fault[h] = *r;
            if (ev->from == PRIV_U && fault_wanted(d, ev, c->satp)) {
                d->kill_pending[h] = true;
                d->kill_fault[h] = *r;
            }
            snprintf(text, sizeof(text), "%s at pc=0x%" PRIx64 ", tval=0x%" PRIx64,
                     vmmap_cause_name(ev->cause), ev->pc, ev->tval);
            if (fault_wanted(d, ev, c->satp)) stop_on_event(d, c, UNTIL_FAULT, text);
        }
        if (ev->from != ev->to) {
            snprintf(text, sizeof(text), "privilege %s -> %s (trap: %s)", vmmap_priv_name(ev->from),
                     vmmap_priv_name(ev->to), vmmap_cause_name(ev->cause));
            stop_on_event(d, c, UNTIL_PRIV, text);
        }
        break;
    }
    case EV_XRET:
        check_kill(d, c, ev);
        if (ev->from != ev->to) {
            snprintf(text, sizeof(text), "privilege %s -> %s (%s at pc=0x%" PRIx64 ")",
                     vmmap_priv_name(ev->from), vmmap_priv_name(ev->to),
                     ev->from == PRIV_M ? "mret" : "sret", ev->pc);
            stop_on_event(d, c, UNTIL_PRIV, text);
        }
        break;
    case EV_SFENCE:
        snprintf(text, sizeof(text), "sfence.vma at pc=0x%" PRIx64, ev->pc);
        stop_on_event(d, c, UNTIL_SFENCE, text);
        break;
    case EV_SATP:
        snprintf(text, sizeof(text), "satp written at pc=0x%" PRIx64 ": 0x%" PRIx64, ev->pc,
                 ev->satp);
        stop_on_event(d, c, UNTIL_SATP, text);
        break;
    case EV_TLB_FILL:
    case EV_TLB_EVICT: break;
    }
}

void debugger_init(struct debugger *d, struct machine *m, FILE *trace)
{
    memset(d, 0, sizeof(*d));
    d->m = m;
    d->trace = trace;
    d->hit_breakpoint = d->hit_watchpoint = -1;
    for (unsigned h = 0; h < m->nharts; h++) {
        m->hart[h]->event_hook = on_event;
        m->hart[h]->event_opaque = d;
    }
}

void debugger_detach(struct debugger *d)
{
    tt_close(d->tt); /* the run goes on in slices: the history ends here */
    d->tt = NULL;
    d->tt_tried = false;
    for (unsigned h = 0; h < d->m->nharts; h++) {
        struct cpu *c = d->m->hart[h];
        if (c->event_opaque == d) {
            c->event_hook = NULL;
            c->event_opaque = NULL;
        }
    }
}

/* ---- memory as the hart sees it, without side effects ---- */

bool debugger_translate(struct debugger *d, uint64_t va, enum access access, uint64_t *pa)
{
    const struct cpu *c = machine_selected(d->m);
    unsigned priv = access == ACCESS_EXEC ? c->priv : dbg_data_priv(c);
    if (priv == PRIV_M || !vm_mode_of_satp(c->satp)) {
        *pa = va;
        return true;
    }
    struct walk_request req;
    dbg_request_for(c, va, access, priv, &req);
    struct walk_result r;
    page_walk(&c->mmu.ram, &req, &r);
    *pa = r.paddr;
    return r.fault == WALK_OK;
}

/* Copy between guest virtual memory and buf, page by page. */
static bool copy_virtual(struct debugger *d, uint64_t va, void *buf, size_t len, bool write)
{
    uint8_t *p = buf;
    while (len > 0) {
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len) chunk = len;
        uint64_t pa;
        /* Writes need only read permission: like ptrace, a debugger may patch read-only
         * pages (code). */
        if (!debugger_translate(d, va, ACCESS_READ, &pa) &&
            !debugger_translate(d, va, ACCESS_EXEC, &pa))
            return false;
        uint8_t *host = machine_ram_ptr(d->m, pa, chunk);
        if (!host) return false;
        if (write) {
            memcpy(host, p, chunk);
            machine_invalidate_code(d->m, pa, chunk);
        } else {
            memcpy(p, host, chunk);
        }
        p += chunk;
        va += chunk;
        len -= chunk;
    }
    return true;
}

bool debugger_read_virtual(struct debugger *d, uint64_t va, void *buf, size_t len)
{
    return copy_virtual(d, va, buf, len, false);
}

bool debugger_write_virtual(struct debugger *d, uint64_t va, const void *buf, size_t len)
{
    return copy_virtual(d, va, (void *)buf, len, true);
}

bool debugger_read_csr(struct debugger *d, unsigned csr, uint64_t *value)
{
    struct cpu *c = machine_selected(d->m);
    enum priv saved = c->priv;
    c->priv = PRIV_M; /* csr_read checks privilege: the debugger sees everything */
    bool ok = csr_read(c, csr, value);
    c->priv = saved;
    return ok;
}

bool debugger_write_csr(struct debugger *d, unsigned csr, uint64_t value)
{
    struct cpu *c = machine_selected(d->m);
    enum priv saved = c->priv;
    c->priv = PRIV_M;
    bool ok = csr_write(c, csr, value);
    c->priv = saved;
    cpu_priv_changed(c); /* counters that filter by mode were set up for M */
    /* The write may change the translation regime: rebuild the fast views. */
    mmu_flush_all(&c->mmu);
    cpu_sync_mmu(c);
    return ok;
}

/* The instruction at va (fetched without side effects), decoded. */
bool dbg_fetch_decoded(struct debugger *d, uint64_t va, struct decoded *out)
{
    uint64_t pa;
    uint16_t lo, hi = 0;
    if (!debugger_translate(d, va, ACCESS_EXEC, &pa)) return false;
    const uint8_t *h = machine_ram_ptr(d->m, pa, 2);
    if (!h) return false;
    memcpy(&lo, h, 2);
    if (rv_insn_len(lo) == 4) {
        if (!debugger_translate(d, va + 2, ACCESS_EXEC, &pa) || !(h = machine_ram_ptr(d->m, pa, 2)))
            return false;
        memcpy(&hi, h, 2);
    }
    rv_decode_parcels(lo, hi, out);
    return true;
}

/* ---- breakpoints and watchpoints ---- */

int debugger_add_breakpoint(struct debugger *d, uint64_t addr)
{
    for (int i = 0; i < DBG_MAX_BREAKPOINTS; i++)
        if (d->bp[i].used && d->bp[i].addr == addr) return i;
    for (int i = 0; i < DBG_MAX_BREAKPOINTS; i++) {
        if (!d->bp[i].used) {
            d->bp[i] = (struct dbg_breakpoint){.used = true, .addr = addr};
            d->nbp++;
            return i;
        }
    }
    return -1;
}

bool debugger_remove_breakpoint_at(struct debugger *d, uint64_t addr)
{
    for (int i = 0; i < DBG_MAX_BREAKPOINTS; i++) {
        if (d->bp[i].used && d->bp[i].addr == addr) {
            d->bp[i].used = false;
            d->nbp--;
            return true;
        }
    }
    return false;
}

int debugger_add_watchpoint(struct debugger *d, uint64_t va, uint64_t len, bool on_read,
                            bool on_write)
{
    for (int i = 0; i < DBG_MAX_WATCHPOINTS; i++) {
        if (!d->wp[i].used) {
            d->wp[i] = (struct dbg_watchpoint){
                .used = true, .on_read = on_read, .on_write = on_write, .va = va, .len = len};
            d->nwp++;
            return i;
        }
    }
    return -1;
}

bool debugger_remove_watchpoint_at(struct debugger *d, uint64_t va, bool on_read, bool on_write)
{
    for (int i = 0; i < DBG_MAX_WATCHPOINTS; i++) {
        struct dbg_watchpoint *w = &d->wp[i];
        if (w->used && w->va == va && w->on_read == on_read && w->on_write == on_write) {
            w->used = false;
            d->nwp--;
            return true;
        }
    }
    return false;
}

int dbg_breakpoint_at(const struct debugger *d, uint64_t pc)
{
    for (int i = 0; i < DBG_MAX_BREAKPOINTS; i++)
        if (d->bp[i].used && d->bp[i].addr == pc) return i;
    return -1;
}

/* Which data access the instruction makes (insns.def's class and size columns): unpriv spec
 * ch. 2 (loads/stores, address = rs1 + imm), "A" (LR/SC/AMO, address = rs1) and the CMO
 * spec (cbo.zero writes its whole block; the other CMOs and the hints move no data). Returns
 * false for anything else. */
static bool data_access_of(const struct decoded *ins, const struct cpu *c, uint64_t *addr,
                           unsigned *size, bool *reads, bool *writes)
{
    const struct insn_info *info = &insn_table[ins->opcode];
    if (!info->size) return false;
    *size = info->size;
    *addr = c->x[ins->rs1];
    switch (info->cls) {
    case CLASS_LOAD: *reads = true, *writes = false; break;
    case CLASS_STORE: *reads = false, *writes = true; break;
    case CLASS_LR: *reads = true, *writes = false; return true;
    case CLASS_SC: *reads = false, *writes = true; return true;
    case CLASS_AMO: *reads = true, *writes = true; return true;
    case CLASS_CMO:
        *reads = false, *writes = true;
        *addr &= ~(uint64_t)(info->size - 1);
        return true;
    default: return false;
    }
    *addr += (uint64_t)(int64_t)ins->imm;
    return true;
}

bool dbg_data_access(struct debugger *d, uint64_t *addr, unsigned *size, bool *reads, bool *writes)
{
    const struct cpu *c = machine_selected(d->m);
    struct decoded ins;
    if (!dbg_fetch_decoded(d, c->pc, &ins) || ins.opcode == OP_ILLEGAL) return false;
    return data_access_of(&ins, c, addr, size, reads, writes);
}

int dbg_watch_hit(struct debugger *d, uint64_t *where)
{
    uint64_t addr;
    unsigned size;
    bool reads, writes;
    if (!dbg_data_access(d, &addr, &size, &reads, &writes)) return -1;
    for (int i = 0; i < DBG_MAX_WATCHPOINTS; i++) {
        const struct dbg_watchpoint *w = &d->wp[i];
        if (!w->used || !((w->on_read && reads) || (w->on_write && writes))) continue;
        if (addr < w->va + w->len && w->va < addr + size) {
            *where = addr;
            return i;
        }
    }
    return -1;
}

/* ---- running ---- */

/* A stop on hart h: it becomes the selected hart (GDB reports its thread, the prompt shows
 * it). */
static enum dbg_stop stop_on(struct debugger *d, unsigned h, enum dbg_stop why)
{
    d->stop_hart = h;
    d->m->selected = h;
    return why;
}

/* Nothing to check per instruction: every hart in its turn at full speed (machine_advance's
 * round-robin), the round cut short after an armed event so no other hart runs on past it. */
static enum dbg_stop run_free(struct debugger *d, bool (*interrupted)(void *), void *opaque)
{
    struct machine *m = d->m;
    for (;;) {
        if (!machine_service(m)) return DBG_STOP_EXITED;
        if (interrupted(opaque)) return DBG_STOP_INTERRUPTED;
        bool all_idle = true, idle;
        for (unsigned h = 0; h < m->nharts; h++) {
            machine_advance_hart(m, m->hart[h], SLICE_INSNS, false, &idle);
            all_idle &= idle;
            if (d->event_stop) return stop_on(d, d->stop_hart, DBG_STOP_EVENT);
        }
        if (all_idle) machine_idle(m);
    }
}

enum dbg_stop debugger_run(struct debugger *d, uint64_t steps, bool (*interrupted)(void *),
                           void *opaque)
{
    struct machine *m = d->m;
    unsigned home = m->selected; /* the hart `steps` counts */
    unsigned held = d->held & ~(1u << home);
    d->event_stop = false;
    d->hit_breakpoint = d->hit_watchpoint = -1;
    d->stop_hart = home;
    if (m->stop) return DBG_STOP_EXITED;
    /* A hook's stop request from the last run is spent (cpu_step does not clear it). */
    for (unsigned h = 0; h < m->nharts; h++)
        m->hart[h]->yield_request = false;

    /* Time travel (emu/timetravel.h) needs every run cut the same way: one step at a time.
     * It follows one hart: with several, there is none. */
    if (!d->tt_tried) {
        d->tt_tried = true;
        d->tt = m->nharts == 1 ? tt_open(d) : NULL;
    }
    if (steps == 0 && held == 0 && d->nbp == 0 && d->nwp == 0 && !trace_log_stepping() && !d->tt)
        return run_free(d, interrupted, opaque);
    /* A full-speed log replayed: its slices (emu/replay_seek.h), whole when nothing needs
     * checking, else one step at a time within them. */
    struct sched *sched = tt_sched(d->tt);
    if (sched && steps == 0 && d->nbp == 0 && d->nwp == 0 && !trace_log_stepping()) {
        for (;;) {
            if (!sched_run_slice(sched)) {
                machine_service(m);
                return DBG_STOP_EXITED;
            }
            if (d->event_stop) return stop_on(d, d->stop_hart, DBG_STOP_EVENT);
            if (interrupted(opaque)) return DBG_STOP_INTERRUPTED;
        }
    }

    /* One instruction per hart per round, in hart order; each hart is the selected one for
     * its step, so the watchpoint check and -d exec see it. With one hart a round is
     * time travel's step (service, then one step of the hart). */
    uint64_t done = 0;
    for (uint64_t round = 0;; round++) {
        m->selected = home;
        if (d->tt) tt_before_step(d->tt);
        if (!(sched ? sched_service(sched) : machine_service(m))) return DBG_STOP_EXITED;
        if (round % POLL_EVERY_STEPS == POLL_EVERY_STEPS - 1 && interrupted(opaque))
            return DBG_STOP_INTERRUPTED;
        bool all_idle = true;
        for (unsigned h = 0; h < m->nharts; h++) {
            if (held & (1u << h)) continue;
            struct cpu *c = m->hart[h];
            m->selected = h;
            uint64_t where = 0;
            int w = d->nwp ? dbg_watch_hit(d, &where) : -1;
            /* For GDB a watchpoint stops before the access, as RISC-V's triggers do (GDB's
             * riscv target steps over it itself: "nonsteppable" watchpoints); not at the
             * instruction a run starts from (that step-over). At the prompt, after it. */
            if (w >= 0 && d->in_gdb) {
                if (round > 0) {
                    d->hit_watchpoint = w;
                    d->hit_watch_addr = where;
                    return stop_on(d, h, DBG_STOP_WATCHPOINT);
                }
                w = -1;
            }
            uint64_t traps = d->traps;
            if (trace_log_stepping()) trace_log_exec(m); /* -d exec, in_asm */
            bool idle;
            if (sched)
                sched_advance(sched, &idle);
            else
                machine_advance_hart(m, c, 1, true, &idle);
            all_idle &= idle;
            if (m->stop) {
                m->selected = home;
                machine_service(m);
                return DBG_STOP_EXITED;
            }
            /* In wfi it did not move; a trapping access did not happen. */
            if (w >= 0 && !idle && d->traps == traps) {
                d->hit_watchpoint = w;
                d->hit_watch_addr = where;
                return stop_on(d, h, DBG_STOP_WATCHPOINT);
            }
            if (d->event_stop) return stop_on(d, h, DBG_STOP_EVENT);
            if (h == home && steps && ++done >= steps) return DBG_STOP_STEPPED;
            if (idle) continue;
            int b = dbg_breakpoint_at(d, c->pc);
            if (b >= 0) {
                d->hit_breakpoint = b;
                return stop_on(d, h, DBG_STOP_BREAKPOINT);
            }
        }
        m->selected = home;
        if (all_idle) machine_idle(m);
    }
}

/* " <main+4>" for an address inside a known function, else "". */
void dbg_symbolize(const struct debugger *d, uint64_t addr, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!d->m->symbols) return;
    uint64_t off;
    const struct symbol *s = symtab_lookup_addr(d->m->symbols, addr, &off);
    /* Only inside the symbol's extent: a user pc far above the kernel's last symbol is not
     * "<kernel_end+2144450580>". A symbol without a size (assembly labels, linker symbols)
     * covers at most a page after it. */
    if (!s || (s->size ? off >= s->size : off >= 0x1000)) return;
    if (off)
        snprintf(buf, len, " <%s+%" PRIu64 ">", s->name, off);
    else
        snprintf(buf, len, " <%s>", s->name);
}

void dbg_print_insn(struct debugger *d, uint64_t va, FILE *out, uint64_t *next)
{
    char sym[96], text[96];
    dbg_symbolize(d, va, sym, sizeof(sym));
    const char *mark = va == machine_selected(d->m)->pc ? "=>" : "  ";
    struct decoded ins;
    if (!dbg_fetch_decoded(d, va, &ins)) {
        fprintf(out, "%s 0x%" PRIx64 "%s: (not mapped or not RAM)\n", mark, va, sym);
        *next = va + 4;
        return;
    }
    disas_format(text, sizeof(text), va, &ins);
    uint64_t pa;
    debugger_translate(d, va, ACCESS_EXEC, &pa);
    const uint8_t *h = machine_ram_ptr(d->m, pa, 2);
    uint16_t lo;
    memcpy(&lo, h, 2);
    char where[128], bits[12];
    snprintf(where, sizeof(where), "0x%" PRIx64 "%s:", va, sym);
    if (ins.len == 2)
        snprintf(bits, sizeof(bits), "    %04x", lo);
    else
        snprintf(bits, sizeof(bits), "%08x", ins.bits);
    fprintf(out, "%s %-30s %s  %s\n", mark, where, bits, text);
    *next = va + (ins.len ? ins.len : 2);
}

void debugger_print_stop(struct debugger *d, enum dbg_stop why, FILE *out)
{
    struct machine *m = d->m;
    struct cpu *c = machine_selected(m);
    char sym[96], on[24] = "";
    dbg_symbolize(d, c->pc, sym, sizeof(sym));
    /* With several harts, which one it was (it is now the selected one). */
    if (m->nharts > 1) snprintf(on, sizeof on, " on hart %u", m->selected);
    switch (why) {
    case DBG_STOP_EXITED:
        fprintf(out, "guest powered off: exit status %d\n", m->exit_status);
        return;
    case DBG_STOP_STEPPED: break;
    case DBG_STOP_BREAKPOINT:
        fprintf(out, "breakpoint %d at 0x%" PRIx64 "%s%s\n", d->hit_breakpoint + 1, c->pc, sym, on);
        break;
    case DBG_STOP_WATCHPOINT: {
        const struct dbg_watchpoint *w = &d->wp[d->hit_watchpoint];
        fprintf(out, "watchpoint %d (%s%s 0x%" PRIx64 "): access to 0x%" PRIx64 "%s\n",
                DBG_MAX_BREAKPOINTS + d->hit_watchpoint + 1, w->on_read ? "r" : "",
                w->on_write ? "w" : "", w->va, d->hit_watch_addr, on);
        break;
    }
    case DBG_STOP_EVENT: fprintf(out, "stopped: %s%s\n", d->stop_text, on); break;
    case DBG_STOP_INTERRUPTED: fprintf(out, "interrupted\n"); break;
    }
    uint64_t next;
    if (m->nharts > 1) fprintf(out, "hart %u ", m->selected);
    fprintf(out, "[%s] ", vmmap_priv_name(c->priv));
    dbg_print_insn(d, c->pc, out, &next);
}
