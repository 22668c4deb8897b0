/* The debugger (emu/debugger.h): run control, breakpoints and watchpoints, the command
 * interpreter, and the `--debug` prompt.
 *
 * Breakpoints are pc comparisons, never patched instructions, so guest memory and the decoded
 * instruction cache stay untouched. Watchpoints are checked by decoding the instruction about
 * to execute (through the one instruction table) and computing its effective address: the
 * interpreter's fast paths need no hook for it. */
#include "debugger.h"
#include "screenshot.h"

#include <ctype.h>
#include <errno.h>
#include <histedit.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disas.h"
#include "symtab.h"
#include "vmmap.h"

#define SLICE_INSNS 20000     /* as machine_run: full speed when nothing needs checking */
#define POLL_EVERY_STEPS 1024 /* while stepping: look for Ctrl-C this often */
#define MAX_ARGS 8

/* ---- events: trace lines, `continue until`, the last trap ---- */

static unsigned data_priv(const struct cpu *c)
{
    if (c->priv == PRIV_M && (c->mstatus & MSTATUS_MPRV))
        return (unsigned)((c->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    return c->priv;
}

static void request_for(const struct cpu *c, uint64_t va, enum access access, unsigned priv,
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
        .svade = c->svade,
    };
}

static void stop_on_event(struct debugger *d, struct cpu *c, unsigned kind, const char *what)
{
    if (!(d->until & kind) || d->event_stop) return;
    d->event_stop = true;
    snprintf(d->stop_text, sizeof(d->stop_text), "%s", what);
    c->yield_request = true; /* cpu_run returns right after this event */
}

static bool is_page_fault(uint64_t mcause)
{
    return mcause == EXC_INSN_PAGE_FAULT || mcause == EXC_LOAD_PAGE_FAULT ||
           mcause == EXC_STORE_PAGE_FAULT;
}

static void on_event(void *opaque, struct cpu *c, const struct cpu_event *ev)
{
    struct debugger *d = opaque;
    FILE *t = d->trace;
    char text[160];
    switch (ev->kind) {
    case EV_TLB_MISS:
        if (d->trace_mmu)
            fprintf(t, "mmu: tlb miss pc=0x%" PRIx64 " va=0x%" PRIx64 " %s\n", ev->pc, ev->va,
                    vmmap_access_name(ev->access));
        break;
    case EV_WALK:
        if (ev->walk->fault != WALK_OK) {
            /* Keep it for the trap that follows, so `fault` can show why. */
            unsigned priv = ev->access == ACCESS_EXEC ? c->priv : data_priv(c);
            request_for(c, ev->va, ev->access, priv, &d->pending_req);
            d->pending_walk = *ev->walk;
            d->pending_valid = true;
        }
        if (d->trace_mmu) {
            vmmap_print_walk_line(t, ev->pc, ev->va, ev->access, ev->walk);
            if (ev->walk->ad_updated)
                fprintf(t, "mmu: A/D update pte@0x%" PRIx64 " = 0x%" PRIx64 " (A=%d D=%d)\n",
                        ev->walk->pte_addr, ev->walk->pte, (ev->walk->pte & PTE_A) != 0,
                        (ev->walk->pte & PTE_D) != 0);
        }
        break;
    case EV_TRAP: {
        d->traps++;
        struct dbg_trap_record *r = &d->last_trap;
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
            if (d->trace_mmu)
                fprintf(t,
                        "mmu: page fault pc=0x%" PRIx64 " cause=%" PRIu64 " (%s) tval=0x%" PRIx64
                        " %s->%s\n",
                        ev->pc, code, vmmap_cause_name(ev->cause), ev->tval,
                        vmmap_priv_name(ev->from), vmmap_priv_name(ev->to));
            snprintf(text, sizeof(text), "%s at pc=0x%" PRIx64 ", tval=0x%" PRIx64,
                     vmmap_cause_name(ev->cause), ev->pc, ev->tval);
            stop_on_event(d, c, UNTIL_FAULT, text);
        }
        if (ev->from != ev->to) {
            snprintf(text, sizeof(text), "privilege %s -> %s (trap: %s)", vmmap_priv_name(ev->from),
                     vmmap_priv_name(ev->to), vmmap_cause_name(ev->cause));
            stop_on_event(d, c, UNTIL_PRIV, text);
        }
        break;
    }
    case EV_XRET:
        if (ev->from != ev->to) {
            snprintf(text, sizeof(text), "privilege %s -> %s (%s at pc=0x%" PRIx64 ")",
                     vmmap_priv_name(ev->from), vmmap_priv_name(ev->to),
                     ev->from == PRIV_M ? "mret" : "sret", ev->pc);
            stop_on_event(d, c, UNTIL_PRIV, text);
        }
        break;
    case EV_SFENCE:
        if (d->trace_mmu) {
            fprintf(t, "mmu: sfence.vma pc=0x%" PRIx64 " va=", ev->pc);
            if (ev->all_va)
                fprintf(t, "all");
            else
                fprintf(t, "0x%" PRIx64, ev->va);
            if (ev->all_asid)
                fprintf(t, " asid=all\n");
            else
                fprintf(t, " asid=%u\n", ev->asid);
        }
        snprintf(text, sizeof(text), "sfence.vma at pc=0x%" PRIx64, ev->pc);
        stop_on_event(d, c, UNTIL_SFENCE, text);
        break;
    case EV_SATP:
        if (d->trace_mmu)
            fprintf(t, "mmu: satp write pc=0x%" PRIx64 " satp=0x%" PRIx64 "\n", ev->pc, ev->satp);
        snprintf(text, sizeof(text), "satp written at pc=0x%" PRIx64 ": 0x%" PRIx64, ev->pc,
                 ev->satp);
        stop_on_event(d, c, UNTIL_SATP, text);
        break;
    }
}

void debugger_init(struct debugger *d, struct machine *m, FILE *trace)
{
    memset(d, 0, sizeof(*d));
    d->m = m;
    d->trace = trace;
    d->hit_breakpoint = d->hit_watchpoint = -1;
    m->cpu.event_hook = on_event;
    m->cpu.event_opaque = d;
}

void debugger_detach(struct debugger *d)
{
    if (d->m->cpu.event_opaque == d) {
        d->m->cpu.event_hook = NULL;
        d->m->cpu.event_opaque = NULL;
    }
}

/* ---- memory as the hart sees it, without side effects ---- */

bool debugger_translate(struct debugger *d, uint64_t va, enum access access, uint64_t *pa)
{
    const struct cpu *c = &d->m->cpu;
    unsigned priv = access == ACCESS_EXEC ? c->priv : data_priv(c);
    if (priv == PRIV_M || (c->satp >> SATP_MODE_SHIFT) != SATP_MODE_SV39) {
        *pa = va;
        return true;
    }
    struct walk_memory mem = {c->ram, c->ram_base, c->ram_size};
    struct walk_request req;
    request_for(c, va, access, priv, &req);
    struct walk_result r;
    sv39_walk(&mem, &req, &r);
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
            cpu_invalidate_code(&d->m->cpu, pa, chunk);
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
    struct cpu *c = &d->m->cpu;
    enum priv saved = c->priv;
    c->priv = PRIV_M; /* csr_read checks privilege: the debugger sees everything */
    bool ok = csr_read(c, csr, value);
    c->priv = saved;
    return ok;
}

bool debugger_write_csr(struct debugger *d, unsigned csr, uint64_t value)
{
    struct cpu *c = &d->m->cpu;
    enum priv saved = c->priv;
    c->priv = PRIV_M;
    bool ok = csr_write(c, csr, value);
    c->priv = saved;
    /* The write may change the translation regime: rebuild the fast views. */
    mmu_flush_all(&c->mmu);
    mmu_update_views(c);
    return ok;
}

/* The instruction at va (fetched without side effects), decoded. */
static bool fetch_decoded(struct debugger *d, uint64_t va, struct decoded *out)
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

static int breakpoint_at(const struct debugger *d, uint64_t pc)
{
    for (int i = 0; i < DBG_MAX_BREAKPOINTS; i++)
        if (d->bp[i].used && d->bp[i].addr == pc) return i;
    return -1;
}

/* Which data access the instruction makes: unpriv spec ch. 2 (loads/stores, address =
 * rs1 + imm) and ch. 14 (LR/SC/AMO, address = rs1). Returns false for anything else. */
static bool data_access_of(const struct decoded *ins, const struct cpu *c, uint64_t *addr,
                           unsigned *size, bool *reads, bool *writes)
{
    const char *name = insn_table[ins->opcode].name;
    switch (insn_table[ins->opcode].format) {
    case FMT_LOAD: *reads = true, *writes = false; break;
    case FMT_S: *reads = false, *writes = true; break;
    case FMT_R:
        if (strncmp(name, "LR_", 3) == 0)
            *reads = true, *writes = false;
        else if (strncmp(name, "SC_", 3) == 0)
            *reads = false, *writes = true;
        else if (strncmp(name, "AMO", 3) == 0)
            *reads = true, *writes = true;
        else
            return false;
        *addr = c->x[ins->rs1];
        *size = name[strlen(name) - 1] == 'D' ? 8 : 4;
        return true;
    case FMT_FLOAD: *reads = true, *writes = false; break;
    case FMT_FSTORE: *reads = false, *writes = true; break;
    default: return false;
    }
    *addr = c->x[ins->rs1] + (uint64_t)(int64_t)ins->imm;
    /* LB/SB, LH/SH, LW/SW, LD/SD (and the U variants): the size is the letter after L or S;
     * FLW/FSW, FLD/FSD: the letter after FL or FS. */
    char kind = name[0] == 'F' ? name[2] : name[1];
    *size = kind == 'B' ? 1 : kind == 'H' ? 2 : kind == 'W' ? 4 : 8;
    return true;
}

/* Before a step: does the instruction at pc touch a watched address? */
static int watch_hit(struct debugger *d, uint64_t *where)
{
    struct cpu *c = &d->m->cpu;
    struct decoded ins;
    if (!fetch_decoded(d, c->pc, &ins) || ins.opcode == OP_ILLEGAL) return -1;
    uint64_t addr;
    unsigned size;
    bool reads, writes;
    if (!data_access_of(&ins, c, &addr, &size, &reads, &writes)) return -1;
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

enum dbg_stop debugger_run(struct debugger *d, uint64_t steps, bool (*interrupted)(void *),
                           void *opaque)
{
    struct machine *m = d->m;
    struct cpu *c = &m->cpu;
    d->event_stop = false;
    d->hit_breakpoint = d->hit_watchpoint = -1;
    if (m->stop) return DBG_STOP_EXITED;
    /* A hook's stop request from the last run is spent (cpu_step does not clear it). */
    c->yield_request = false;

    if (steps == 0 && d->nbp == 0 && d->nwp == 0) {
        /* Nothing to check per instruction: the machine's own loop, at full speed. */
        for (;;) {
            if (!machine_service(m)) return DBG_STOP_EXITED;
            if (interrupted(opaque)) return DBG_STOP_INTERRUPTED;
            machine_advance(m, SLICE_INSNS, false);
            if (d->event_stop) return DBG_STOP_EVENT;
        }
    }

    for (uint64_t done = 0;; done++) {
        if (!machine_service(m)) return DBG_STOP_EXITED;
        if (done % POLL_EVERY_STEPS == POLL_EVERY_STEPS - 1 && interrupted(opaque))
            return DBG_STOP_INTERRUPTED;
        uint64_t where = 0;
        int w = d->nwp ? watch_hit(d, &where) : -1;
        uint64_t traps = d->traps;
        machine_advance(m, 1, true);
        if (m->stop) {
            machine_service(m);
            return DBG_STOP_EXITED;
        }
        if (w >= 0 && d->traps == traps) { /* a trapping access did not happen */
            d->hit_watchpoint = w;
            d->hit_watch_addr = where;
            return DBG_STOP_WATCHPOINT;
        }
        if (d->event_stop) return DBG_STOP_EVENT;
        if (steps && done + 1 >= steps) return DBG_STOP_STEPPED;
        int b = breakpoint_at(d, c->pc);
        if (b >= 0) {
            d->hit_breakpoint = b;
            return DBG_STOP_BREAKPOINT;
        }
    }
}

/* " <main+4>" for an address inside a known function, else "". */
static void symbolize(const struct debugger *d, uint64_t addr, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!d->m->symbols) return;
    uint64_t off;
    const struct symbol *s = symtab_lookup_addr(d->m->symbols, addr, &off);
    if (!s || (s->size && off >= s->size && off > 0x10000)) return;
    if (off)
        snprintf(buf, len, " <%s+%" PRIu64 ">", s->name, off);
    else
        snprintf(buf, len, " <%s>", s->name);
}

static void print_insn(struct debugger *d, uint64_t va, FILE *out, uint64_t *next)
{
    char sym[96], text[96];
    symbolize(d, va, sym, sizeof(sym));
    const char *mark = va == d->m->cpu.pc ? "=>" : "  ";
    struct decoded ins;
    if (!fetch_decoded(d, va, &ins)) {
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
    struct cpu *c = &m->cpu;
    char sym[96];
    symbolize(d, c->pc, sym, sizeof(sym));
    switch (why) {
    case DBG_STOP_EXITED:
        fprintf(out, "guest powered off: exit status %d\n", m->exit_status);
        return;
    case DBG_STOP_STEPPED: break;
    case DBG_STOP_BREAKPOINT:
        fprintf(out, "breakpoint %d at 0x%" PRIx64 "%s\n", d->hit_breakpoint + 1, c->pc, sym);
        break;
    case DBG_STOP_WATCHPOINT: {
        const struct dbg_watchpoint *w = &d->wp[d->hit_watchpoint];
        fprintf(out, "watchpoint %d (%s%s 0x%" PRIx64 "): access to 0x%" PRIx64 "\n",
                DBG_MAX_BREAKPOINTS + d->hit_watchpoint + 1, w->on_read ? "r" : "",
                w->on_write ? "w" : "", w->va, d->hit_watch_addr);
        break;
    }
    case DBG_STOP_EVENT: fprintf(out, "stopped: %s\n", d->stop_text); break;
    case DBG_STOP_INTERRUPTED: fprintf(out, "interrupted\n"); break;
    }
    uint64_t next;
    fprintf(out, "[%s] ", vmmap_priv_name(c->priv));
    print_insn(d, c->pc, out, &next);
}

/* ---- commands ---- */

/* A number (C syntax), a symbol, symbol+offset, or a register ($a0, $pc). */
static bool parse_value(struct debugger *d, const char *text, uint64_t *value)
{
    const char *plus = strchr(text, '+');
    char base[128];
    size_t n = plus ? (size_t)(plus - text) : strlen(text);
    if (n == 0 || n >= sizeof(base)) return false;
    memcpy(base, text, n);
    base[n] = '\0';
    uint64_t offset = 0;
    if (plus) {
        char *end;
        offset = strtoull(plus + 1, &end, 0);
        if (end == plus + 1 || *end) return false;
    }
    char *end;
    errno = 0;
    uint64_t v = strtoull(base, &end, 0);
    if (end != base && *end == '\0' && errno == 0) {
        *value = v + offset;
        return true;
    }
    const char *reg = base[0] == '$' ? base + 1 : NULL;
    if (reg) {
        unsigned r;
        if (strcmp(reg, "pc") == 0) {
            *value = d->m->cpu.pc + offset;
            return true;
        }
        if (disas_reg_number(reg, &r)) {
            *value = d->m->cpu.x[r] + offset;
            return true;
        }
        return false;
    }
    if (strcmp(base, "pc") == 0) {
        *value = d->m->cpu.pc + offset;
        return true;
    }
    const struct symbol *s = d->m->symbols ? symtab_find(d->m->symbols, base) : NULL;
    if (!s) return false;
    *value = s->value + offset;
    return true;
}

static bool need_value(struct debugger *d, const char *text, uint64_t *value, FILE *out)
{
    if (parse_value(d, text, value)) return true;
    fprintf(out, "error: '%s' is not a number, symbol or $register\n", text);
    return false;
}

static bool running_allowed(struct debugger *d, FILE *out)
{
    if (d->in_gdb) {
        fprintf(out, "error: under GDB, use GDB's own stepi/continue/break\n");
        return false;
    }
    if (d->m->stop) {
        fprintf(out, "error: the guest has powered off (exit status %d)\n", d->m->exit_status);
        return false;
    }
    return true;
}

static bool interrupted_by_ctrl_c(void *opaque)
{
    (void)opaque;
    return machine_interrupted();
}

static bool do_run(struct debugger *d, uint64_t steps, FILE *out)
{
    struct machine *m = d->m;
    /* While the guest runs, a terminal's keys are the guest's; a script's lines are ours. */
    bool tty = isatty(STDIN_FILENO);
    m->stdin_open = tty && steps == 0;
    machine_interrupted(); /* forget a Ctrl-C pressed at the prompt */
    enum dbg_stop why = debugger_run(d, steps, interrupted_by_ctrl_c, NULL);
    m->stdin_open = false;
    d->until = 0;
    fflush(m->cfg.console);
    debugger_print_stop(d, why, out);
    return true;
}

static bool cmd_step(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t n = 1;
    if (argc > 1 && (!need_value(d, argv[1], &n, out) || n == 0)) return false;
    if (!running_allowed(d, out)) return false;
    return do_run(d, n, out);
}

static bool cmd_continue(struct debugger *d, int argc, char **argv, FILE *out)
{
    unsigned until = 0;
    if (argc > 1) {
        if (strcmp(argv[1], "until") != 0 || argc < 3) {
            fprintf(out, "usage: continue [until fault|satp|priv|sfence ...]\n");
            return false;
        }
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "fault") == 0)
                until |= UNTIL_FAULT;
            else if (strcmp(argv[i], "satp") == 0)
                until |= UNTIL_SATP;
            else if (strcmp(argv[i], "priv") == 0)
                until |= UNTIL_PRIV;
            else if (strcmp(argv[i], "sfence") == 0)
                until |= UNTIL_SFENCE;
            else {
                fprintf(out, "error: continue until: '%s' is not fault, satp, priv or sfence\n",
                        argv[i]);
                return false;
            }
        }
    }
    if (d->in_gdb) {
        /* GDB runs the hart; arm the condition for its next continue. */
        d->until = until;
        fprintf(out, "armed: the next continue stops at the first such event\n");
        return true;
    }
    if (!running_allowed(d, out)) return false;
    d->until = until;
    return do_run(d, 0, out);
}

static bool cmd_break(struct debugger *d, int argc, char **argv, FILE *out)
{
    if (argc < 2) {
        bool any = false;
        for (int i = 0; i < DBG_MAX_BREAKPOINTS; i++) {
            if (d->bp[i].used) {
                char sym[96];
                symbolize(d, d->bp[i].addr, sym, sizeof(sym));
                fprintf(out, "%d: breakpoint at 0x%" PRIx64 "%s\n", i + 1, d->bp[i].addr, sym);
                any = true;
            }
        }
        for (int i = 0; i < DBG_MAX_WATCHPOINTS; i++) {
            const struct dbg_watchpoint *w = &d->wp[i];
            if (w->used) {
                fprintf(out, "%d: watchpoint (%s%s) at 0x%" PRIx64 ", %" PRIu64 " bytes\n",
                        DBG_MAX_BREAKPOINTS + i + 1, w->on_read ? "r" : "", w->on_write ? "w" : "",
                        w->va, w->len);
                any = true;
            }
        }
        if (!any) fprintf(out, "no breakpoints or watchpoints\n");
        return true;
    }
    uint64_t addr;
    if (!need_value(d, argv[1], &addr, out)) return false;
    int i = debugger_add_breakpoint(d, addr);
    if (i < 0) {
        fprintf(out, "error: all %d breakpoints are in use\n", DBG_MAX_BREAKPOINTS);
        return false;
    }
    char sym[96];
    symbolize(d, addr, sym, sizeof(sym));
    fprintf(out, "breakpoint %d at 0x%" PRIx64 "%s\n", i + 1, addr, sym);
    return true;
}

static bool cmd_delete(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t n;
    if (argc < 2 || !need_value(d, argv[1], &n, out)) {
        fprintf(out, "usage: delete N (see 'break' for the numbers)\n");
        return false;
    }
    if (n >= 1 && n <= DBG_MAX_BREAKPOINTS && d->bp[n - 1].used) {
        d->bp[n - 1].used = false;
        d->nbp--;
    } else if (n > DBG_MAX_BREAKPOINTS && n <= DBG_MAX_BREAKPOINTS + DBG_MAX_WATCHPOINTS &&
               d->wp[n - DBG_MAX_BREAKPOINTS - 1].used) {
        d->wp[n - DBG_MAX_BREAKPOINTS - 1].used = false;
        d->nwp--;
    } else {
        fprintf(out, "error: no breakpoint or watchpoint %" PRIu64 "\n", n);
        return false;
    }
    fprintf(out, "deleted %" PRIu64 "\n", n);
    return true;
}

static bool cmd_watch(struct debugger *d, int argc, char **argv, FILE *out)
{
    int a = 1;
    bool on_read = false, on_write = true; /* as GDB's watch: writes */
    if (a < argc &&
        (strcmp(argv[a], "r") == 0 || strcmp(argv[a], "w") == 0 || strcmp(argv[a], "rw") == 0)) {
        on_read = strchr(argv[a], 'r') != NULL;
        on_write = strchr(argv[a], 'w') != NULL;
        a++;
    }
    uint64_t va, len = 1;
    if (a >= argc) {
        fprintf(out, "usage: watch [r|w|rw] VADDR [LEN]\n");
        return false;
    }
    if (!need_value(d, argv[a], &va, out) ||
        (a + 1 < argc && !need_value(d, argv[a + 1], &len, out)))
        return false;
    int i = debugger_add_watchpoint(d, va, len ? len : 1, on_read, on_write);
    if (i < 0) {
        fprintf(out, "error: all %d watchpoints are in use\n", DBG_MAX_WATCHPOINTS);
        return false;
    }
    fprintf(out, "watchpoint %d (%s%s) at 0x%" PRIx64 ", %" PRIu64 " bytes\n",
            DBG_MAX_BREAKPOINTS + i + 1, on_read ? "r" : "", on_write ? "w" : "", va, len);
    return true;
}

static bool cmd_regs(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    const struct cpu *c = &d->m->cpu;
    for (unsigned i = 0; i < 32; i++)
        fprintf(out, "%-4s x%-2u 0x%016" PRIx64 "%s", disas_reg_name(i), i, c->x[i],
                i % 4 == 3 ? "\n" : "  ");
    char sym[96];
    symbolize(d, c->pc, sym, sizeof(sym));
    fprintf(out, "pc 0x%016" PRIx64 "%s  priv %s\n", c->pc, sym, vmmap_priv_name(c->priv));
    return true;
}

/* The FP registers as bits and as doubles (and as singles when NaN-boxed: unpriv spec
 * "NaN Boxing of Narrower Values"), then fcsr and mstatus.FS. */
static bool cmd_fregs(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    const struct cpu *c = &d->m->cpu;
    for (unsigned i = 0; i < 32; i++) {
        uint64_t bits = c->f[i];
        double as_double;
        memcpy(&as_double, &bits, sizeof as_double);
        fprintf(out, "%-4s f%-2u 0x%016" PRIx64 "  %-14.8g", disas_freg_name(i), i, bits,
                as_double);
        if (bits >> 32 == 0xffffffffu) {
            uint32_t low = (uint32_t)bits;
            float as_single;
            memcpy(&as_single, &low, sizeof as_single);
            fprintf(out, "  single %.8g", (double)as_single);
        }
        fputc('\n', out);
    }
    static const char *const fs_names[4] = {"Off", "Initial", "Clean", "Dirty"};
    static const char *const rm_names[8] = {"RNE", "RTZ", "RDN", "RUP", "RMM", "5?", "6?", "DYN?"};
    unsigned flags = c->fcsr & 0x1f, frm = (c->fcsr >> 5) & 7;
    fprintf(out, "fcsr 0x%02x: frm %s, flags%s%s%s%s%s%s; mstatus.FS %s\n", c->fcsr & 0xff,
            rm_names[frm], flags & 0x10 ? " NV" : "", flags & 0x08 ? " DZ" : "",
            flags & 0x04 ? " OF" : "", flags & 0x02 ? " UF" : "", flags & 0x01 ? " NX" : "",
            flags ? "" : " none", fs_names[(c->mstatus & MSTATUS_FS) >> 13]);
    return true;
}

static bool cmd_csr(struct debugger *d, int argc, char **argv, FILE *out)
{
    unsigned csr;
    if (argc < 2) {
        fprintf(out, "usage: csr NAME (e.g. csr mstatus, csr 0x180)\n");
        return false;
    }
    if (!disas_csr_number(argv[1], &csr)) {
        fprintf(out, "error: unknown CSR '%s'\n", argv[1]);
        return false;
    }
    uint64_t v;
    if (!debugger_read_csr(d, csr, &v)) {
        fprintf(out, "error: CSR 0x%03x is not implemented\n", csr);
        return false;
    }
    char buf[24];
    const char *name = disas_csr_name(csr, buf, sizeof(buf));
    fprintf(out, "%s (0x%03x) = 0x%016" PRIx64 "\n", name ? name : argv[1], csr, v);
    if (csr == 0x180) vmmap_print_satp(out, v);
    return true;
}

/* Why the debugger cannot read va: the walk's failing rule, or no RAM behind it. */
static void explain_unreadable(struct debugger *d, uint64_t va, bool physical, FILE *out)
{
    const struct cpu *c = &d->m->cpu;
    unsigned priv = data_priv(c);
    if (physical || priv == PRIV_M || (c->satp >> SATP_MODE_SHIFT) != SATP_MODE_SV39) {
        fprintf(out, "not RAM (physical 0x%" PRIx64 ")\n", va);
        return;
    }
    struct walk_memory mem = {c->ram, c->ram_base, c->ram_size};
    struct walk_request req;
    request_for(c, va, ACCESS_READ, priv, &req);
    struct walk_result r;
    sv39_walk(&mem, &req, &r);
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

static bool cmd_x(struct debugger *d, int argc, char **argv, FILE *out, bool physical)
{
    uint64_t addr, len = 64;
    if (argc < 2) {
        fprintf(out, "usage: %s ADDR [LEN]\n", physical ? "xp" : "x");
        return false;
    }
    if (!need_value(d, argv[1], &addr, out) || (argc > 2 && !need_value(d, argv[2], &len, out)))
        return false;
    if (len > 1 << 20) len = 1 << 20;
    return dump(d, addr, len, physical, out);
}

static bool cmd_disas(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t va = d->m->cpu.pc, n = 8;
    if ((argc > 1 && !need_value(d, argv[1], &va, out)) ||
        (argc > 2 && !need_value(d, argv[2], &n, out)))
        return false;
    for (uint64_t i = 0; i < n && i < 1000; i++)
        print_insn(d, va, out, &va);
    return true;
}

static bool cmd_walk(struct debugger *d, int argc, char **argv, FILE *out)
{
    const struct cpu *c = &d->m->cpu;
    uint64_t va;
    if (argc < 2) {
        fprintf(out, "usage: walk VADDR [r|w|x] [u|s]\n");
        return false;
    }
    if (!need_value(d, argv[1], &va, out)) return false;
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
    if ((c->satp >> SATP_MODE_SHIFT) != SATP_MODE_SV39) {
        fprintf(out, "satp.MODE is Bare: no translation, pa = va = 0x%" PRIx64 "\n", va);
        return true;
    }
    if (priv < 0) {
        priv = (int)(access == ACCESS_EXEC ? c->priv : data_priv(c));
        if (priv == PRIV_M) {
            fprintf(out, "(M-mode does not translate; walking as S-mode)\n");
            priv = PRIV_S;
        }
    }
    struct walk_memory mem = {c->ram, c->ram_base, c->ram_size};
    struct walk_request req;
    request_for(c, va, access, (unsigned)priv, &req);
    struct walk_result r;
    sv39_walk(&mem, &req, &r);
    vmmap_print_walk(out, &req, &r);
    return true;
}

static bool cmd_tlb(struct debugger *d, int argc, char **argv, FILE *out)
{
    struct cpu *c = &d->m->cpu;
    if (argc > 1) {
        if (strcmp(argv[1], "flush") != 0) {
            fprintf(out, "usage: tlb [flush]\n");
            return false;
        }
        tlb_flush(&c->tlb, true, 0, true, 0);
        mmu_flush_all(&c->mmu);
        fprintf(out, "tlb flushed\n");
        return true;
    }
    vmmap_print_tlb(out, &c->tlb);
    return true;
}

static bool cmd_vmmap(struct debugger *d, int argc, char **argv, FILE *out)
{
    const struct cpu *c = &d->m->cpu;
    uint64_t satp = c->satp;
    if (argc > 1 && !need_value(d, argv[1], &satp, out)) return false;
    struct walk_memory mem = {c->ram, c->ram_base, c->ram_size};
    vmmap_print(out, &mem, satp);
    return true;
}

static bool cmd_satp(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    vmmap_print_satp(out, d->m->cpu.satp);
    return true;
}

static bool cmd_screenshot(struct debugger *d, int argc, char **argv, FILE *out)
{
    if (argc != 2) {
        fprintf(out, "usage: screenshot FILE.png\n");
        return true;
    }
    char err[256];
    if (framebuffer_screenshot(&d->m->fb, argv[1], err, sizeof(err)))
        fprintf(out, "framebuffer (%ux%u) written to %s\n", d->m->fb.width, d->m->fb.height,
                argv[1]);
    else
        fprintf(out, "screenshot: %s\n", err);
    return true;
}

static bool cmd_fault(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    const struct dbg_trap_record *r = &d->last_trap;
    if (!r->valid) {
        fprintf(out, "no trap taken yet\n");
        return true;
    }
    char sym[96];
    symbolize(d, r->pc, sym, sizeof(sym));
    uint64_t code = r->cause & ~(1ull << 63);
    fprintf(out, "last trap: %s %" PRIu64 " (%s), %s -> %s\n",
            r->cause >> 63 ? "interrupt" : "exception", code, vmmap_cause_name(r->cause),
            vmmap_priv_name(r->from), vmmap_priv_name(r->to));
    fprintf(out, "  epc=0x%" PRIx64 "%s tval=0x%" PRIx64 "\n", r->pc, sym, r->tval);
    if (!r->has_walk) {
        fprintf(out, "  no page walk led to it\n");
        return true;
    }
    fprintf(out, "the walk that raised it (satp at the time: 0x%" PRIx64 "):\n", r->satp);
    vmmap_print_walk(out, &r->walk_req, &r->walk);
    return true;
}

static bool cmd_trace(struct debugger *d, int argc, char **argv, FILE *out)
{
    if (argc != 3 || strcmp(argv[1], "mmu") != 0 ||
        (strcmp(argv[2], "on") != 0 && strcmp(argv[2], "off") != 0)) {
        fprintf(out, "usage: trace mmu on|off\n");
        return false;
    }
    d->trace_mmu = strcmp(argv[2], "on") == 0;
    fprintf(out, "mmu trace %s\n", d->trace_mmu ? "on" : "off");
    return true;
}

static bool cmd_quit(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv, (void)out;
    if (d->in_gdb) {
        fprintf(out, "error: under GDB, use GDB's kill or detach\n");
        return false;
    }
    d->quit = true;
    return true;
}

static bool cmd_help(struct debugger *d, int argc, char **argv, FILE *out);

struct command {
    const char *name, *alias;
    bool (*run)(struct debugger *d, int argc, char **argv, FILE *out);
    const char *usage;
};

static bool cmd_xv(struct debugger *d, int argc, char **argv, FILE *out)
{
    return cmd_x(d, argc, argv, out, false);
}
static bool cmd_xp(struct debugger *d, int argc, char **argv, FILE *out)
{
    return cmd_x(d, argc, argv, out, true);
}

static const struct command commands[] = {
    {"step", "s", cmd_step, "step [N]            execute N instructions (a trap counts as one)"},
    {"continue", "c", cmd_continue, "continue [until fault|satp|priv|sfence]  run (Ctrl-C stops)"},
    {"break", "b", cmd_break, "break [ADDR|SYMBOL] set a breakpoint (none: list them)"},
    {"delete", "d", cmd_delete, "delete N            remove breakpoint or watchpoint N"},
    {"watch", NULL, cmd_watch, "watch [r|w|rw] VADDR [LEN]  stop after an access to VADDR"},
    {"regs", "r", cmd_regs, "regs                integer registers, pc, privilege"},
    {"fregs", NULL, cmd_fregs, "fregs               FP registers, fcsr, mstatus.FS"},
    {"csr", NULL, cmd_csr, "csr NAME            a CSR by name or number"},
    {"x", NULL, cmd_xv, "x VADDR [LEN]       memory at a virtual address (current translation)"},
    {"xp", NULL, cmd_xp, "xp PADDR [LEN]      memory at a physical address"},
    {"disas", NULL, cmd_disas, "disas [VADDR] [N]   disassemble N instructions"},
    {"walk", NULL, cmd_walk, "walk VADDR [r|w|x] [u|s]  the Sv39 walk, without side effects"},
    {"tlb", NULL, cmd_tlb, "tlb [flush]         model TLB entries and counters"},
    {"vmmap", NULL, cmd_vmmap, "vmmap [SATP]        the address space as merged ranges"},
    {"satp", NULL, cmd_satp, "satp                satp decoded"},
    {"fault", NULL, cmd_fault, "fault               the last trap and the walk behind it"},
    {"screenshot", NULL, cmd_screenshot, "screenshot FILE.png the framebuffer as a PNG"},
    {"trace", NULL, cmd_trace,
     "trace mmu on|off    one line per TLB miss, walk, A/D, fault, sfence"},
    {"help", "h", cmd_help, "help                this list"},
    {"quit", "q", cmd_quit, "quit                leave rv39"},
};

static bool cmd_help(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)d, (void)argc, (void)argv;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %s\n", commands[i].usage);
    fprintf(out, "ADDR: a number, a symbol, symbol+offset, or $reg ($pc, $a0)\n");
    return true;
}

bool debugger_command(struct debugger *d, const char *line, FILE *out)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", line);
    char *argv[MAX_ARGS];
    int argc = 0;
    for (char *save, *tok = strtok_r(buf, " \t\r\n", &save); tok && argc < MAX_ARGS;
         tok = strtok_r(NULL, " \t\r\n", &save))
        argv[argc++] = tok;
    if (argc == 0 || argv[0][0] == '#') return true;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct command *cmd = &commands[i];
        if (strcmp(argv[0], cmd->name) == 0 || (cmd->alias && strcmp(argv[0], cmd->alias) == 0))
            return cmd->run(d, argc, argv, out);
    }
    fprintf(out, "error: unknown command '%s' (try 'help')\n", argv[0]);
    return false;
}

/* ---- the prompt ---- */

static const char *prompt(EditLine *el)
{
    (void)el;
    return "(rv39) ";
}

int debugger_main(struct machine *m)
{
    static struct debugger d; /* large: off the stack */
    debugger_init(&d, m, stdout);
    m->debugging = true;
    m->stdin_open = false; /* the prompt owns stdin; do_run lends a terminal to the guest */
    machine_boot(m);
    /* Install the Ctrl-C handler but keep the terminal as it is: libedit manages it at the
     * prompt. */
    machine_console_begin();
    machine_console_end(m);

    bool tty = isatty(STDIN_FILENO);
    EditLine *el = NULL;
    History *hist = NULL;
    HistEvent ev;
    if (tty) {
        el = el_init("rv39", stdin, stdout, stderr);
        hist = history_init();
        if (el && hist) {
            history(hist, &ev, H_SETSIZE, 1000);
            el_set(el, EL_PROMPT, prompt);
            el_set(el, EL_EDITOR, "emacs");
            el_set(el, EL_HIST, history, hist);
        }
    }
    char sym[96];
    symbolize(&d, m->cpu.pc, sym, sizeof(sym));
    printf("rv39 debugger: hart halted at 0x%" PRIx64 "%s. 'help' lists the commands.\n", m->cpu.pc,
           sym);
    char line[512];
    while (!d.quit) {
        fflush(stdout);
        const char *text = NULL;
        if (el && hist) {
            int count;
            text = el_gets(el, &count);
            if (text && count > 1) history(hist, &ev, H_ENTER, text);
        } else {
            text = fgets(line, sizeof(line), stdin);
            if (text) printf("(rv39) %s%s", text, strchr(text, '\n') ? "" : "\n");
        }
        if (!text) {
            if (machine_interrupted()) { /* Ctrl-C at the prompt: a fresh line */
                clearerr(stdin);
                printf("\n");
                continue;
            }
            break; /* end of input */
        }
        debugger_command(&d, text, stdout);
    }
    fflush(stdout);
    if (el) el_end(el);
    if (hist) history_end(hist);
    debugger_detach(&d);
    return m->stop ? m->exit_status : 0;
}
