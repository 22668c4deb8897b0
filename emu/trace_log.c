/* -d / -D: see emu/trace_log.h. */
#define _GNU_SOURCE /* fopencookie, open_memstream, memrchr */
#include "trace_log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/walk.h"
#include "debugger.h"
#include "disas.h"
#include "monitor.h"
#include "vmmap.h"

static const struct {
    const char *name;
    unsigned bit;
    const char *what;
} items_table[] = {
    {"int", TRACE_INT, "every trap: cause, epc, tval and the privilege change"},
    {"cpu", TRACE_CPU, "the registers at each trap (the trapping instruction's pc and mode)"},
    {"exec", TRACE_EXEC,
     "each instruction's pc and mode before it executes (slow: one step at a time)"},
    {"in_asm", TRACE_IN_ASM, "each instruction the first time it runs, disassembled (slow too)"},
    {"mmu", TRACE_MMU,
     "TLB misses, page walks with their rule, A/D updates, page faults, sfence, satp"},
};

static unsigned log_items;
static FILE *log_out;
/* in_asm: the (pc, satp) pairs seen, open addressing; a key's pc has bit 0 set (pcs are even). */
static struct seen_key {
    uint64_t pc, satp;
} * seen;
static size_t seen_cap, seen_count;

/* The guest's console when the log shares the terminal (emu/trace_log.h): the real stream,
 * whether the guest's last byte left a line open, and the log lines held back until it ends. */
static FILE *guest_real;
static bool guest_mid_line;
static char *pending;
static size_t pending_len, pending_cap;
#define PENDING_MAX (1u << 20) /* a guest that never ends its line: let the log through */

static void flush_pending(void)
{
    if (!pending_len) return;
    fwrite(pending, 1, pending_len, log_out);
    fflush(log_out);
    pending_len = 0;
}

static ssize_t console_write(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    size_t done = 0;
    const char *nl = size ? memrchr(buf, '\n', size) : NULL;
    if (nl && pending_len) { /* the guest's line ends: the held-back lines follow it */
        done = (size_t)(nl - buf) + 1;
        fwrite(buf, 1, done, guest_real);
        fflush(guest_real);
        flush_pending();
    }
    fwrite(buf + done, 1, size - done, guest_real);
    fflush(guest_real); /* a prompt without newline shows now (fflush on the wrapper is a no-op) */
    if (size) guest_mid_line = buf[size - 1] != '\n';
    return (ssize_t)size;
}

FILE *trace_log_console(FILE *real)
{
    guest_real = real;
    FILE *f = fopencookie(NULL, "w", (cookie_io_functions_t){.write = console_write});
    if (!f) return real;
    setvbuf(f, NULL, _IONBF, 0); /* every byte reaches console_write: the line state is exact */
    return f;
}

/* One or more whole log lines: now, or after the guest's open line ends. */
static void emit(const char *text, size_t len)
{
    if (!len) return;
    if (guest_real && guest_mid_line && pending_len + len <= PENDING_MAX) {
        if (pending_len + len > pending_cap) {
            size_t cap = pending_cap ? pending_cap : 4096;
            while (cap < pending_len + len)
                cap *= 2;
            char *grown = realloc(pending, cap);
            if (!grown) {
                flush_pending();
                fwrite(text, 1, len, log_out);
                return;
            }
            pending = grown;
            pending_cap = cap;
        }
        memcpy(pending + pending_len, text, len);
        pending_len += len;
        return;
    }
    if (guest_real) fflush(guest_real); /* the guest's finished lines first */
    flush_pending();
    fwrite(text, 1, len, log_out);
}

enum trace_parse trace_log_parse(const char *spec, unsigned *items, FILE *out, FILE *err)
{
    *items = 0;
    const char *p = spec;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 4 && strncmp(p, "help", 4) == 0) {
            fprintf(out, "Log items (-d ITEM[,ITEM...], to stderr or -D FILE):\n");
            for (size_t i = 0; i < sizeof items_table / sizeof items_table[0]; i++)
                fprintf(out, "  %-6s %s\n", items_table[i].name, items_table[i].what);
            return TRACE_PARSE_HELP;
        }
        size_t i = 0;
        for (; i < sizeof items_table / sizeof items_table[0]; i++)
            if (strlen(items_table[i].name) == len && strncmp(items_table[i].name, p, len) == 0)
                break;
        if (i == sizeof items_table / sizeof items_table[0]) {
            fprintf(err, "rv39: -d %.*s: unknown log item (-d help lists them)\n", (int)len, p);
            return TRACE_PARSE_ERROR;
        }
        *items |= items_table[i].bit;
        if (!comma) return TRACE_PARSE_OK;
        p = comma + 1;
    }
}

bool trace_log_open(unsigned items, const char *file)
{
    log_items = items;
    log_out = stderr;
    if (file) {
        log_out = fopen(file, "w");
        if (!log_out) {
            fprintf(stderr, "rv39: -D %s: %s\n", file, strerror(errno));
            log_out = NULL;
            log_items = 0;
            return false;
        }
    }
    setvbuf(log_out, NULL, _IOLBF, 0); /* whole lines, in order with the guest's */
    return true;
}

void trace_log_close(void)
{
    if (guest_real) fflush(guest_real);
    if (log_out) flush_pending();
    free(pending);
    pending = NULL;
    free(seen);
    seen = NULL;
    seen_cap = seen_count = 0;
    pending_len = pending_cap = 0;
    guest_real = NULL;
    if (log_out && log_out != stderr) fclose(log_out);
    log_out = NULL;
    log_items = 0;
}

static bool is_page_fault(uint64_t cause)
{
    return cause == EXC_INSN_PAGE_FAULT || cause == EXC_LOAD_PAGE_FAULT ||
           cause == EXC_STORE_PAGE_FAULT;
}

void trace_print_mmu_event(FILE *out, const struct cpu_event *ev)
{
    switch (ev->kind) {
    case EV_TLB_MISS:
        fprintf(out, "mmu: tlb miss pc=0x%" PRIx64 " va=0x%" PRIx64 " %s\n", ev->pc, ev->va,
                vmmap_access_name(ev->access));
        break;
    case EV_WALK:
        vmmap_print_walk_line(out, ev->pc, ev->va, ev->access, ev->walk);
        if (ev->walk->ad_updated)
            fprintf(out, "mmu: A/D update pte@0x%" PRIx64 " = 0x%" PRIx64 " (A=%d D=%d)\n",
                    ev->walk->pte_addr, ev->walk->pte, (ev->walk->pte & PTE_A) != 0,
                    (ev->walk->pte & PTE_D) != 0);
        break;
    case EV_TRAP:
        if (!(ev->cause >> 63) && is_page_fault(ev->cause))
            fprintf(out,
                    "mmu: page fault pc=0x%" PRIx64 " cause=%" PRIu64 " (%s) tval=0x%" PRIx64
                    " %s->%s\n",
                    ev->pc, ev->cause, vmmap_cause_name(ev->cause), ev->tval,
                    vmmap_priv_name(ev->from), vmmap_priv_name(ev->to));
        break;
    case EV_SFENCE:
        fprintf(out, "mmu: sfence.vma pc=0x%" PRIx64 " va=", ev->pc);
        if (ev->all_va)
            fprintf(out, "all");
        else
            fprintf(out, "0x%" PRIx64, ev->va);
        if (ev->all_asid)
            fprintf(out, " asid=all\n");
        else
            fprintf(out, " asid=%u\n", ev->asid);
        break;
    case EV_SATP:
        fprintf(out, "mmu: satp write pc=0x%" PRIx64 " satp=0x%" PRIx64 "\n", ev->pc, ev->satp);
        break;
    case EV_XRET: break;
    }
}

void trace_log_event(struct cpu *c, const struct cpu_event *ev)
{
    if (!log_items) return;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out) return;
    if ((log_items & TRACE_INT) && ev->kind == EV_TRAP) {
        bool interrupt = ev->cause >> 63;
        uint64_t code = ev->cause & ~(1ull << 63);
        fprintf(out,
                "int: pc=0x%" PRIx64 " %s=%" PRIu64 " (%s) tval=0x%" PRIx64 " epc=0x%" PRIx64
                " %s->%s\n",
                ev->pc, interrupt ? "interrupt" : "cause", code, vmmap_cause_name(ev->cause),
                ev->tval, ev->to == PRIV_M ? c->mepc : c->sepc, vmmap_priv_name(ev->from),
                vmmap_priv_name(ev->to));
    }
    if (log_items & TRACE_MMU) trace_print_mmu_event(out, ev);
    if ((log_items & TRACE_CPU) && ev->kind == EV_TRAP) {
        static const char *const abi[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
                                            "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
                                            "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
                                            "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
        fprintf(out, "cpu: pc=0x%016" PRIx64 " priv=%s\n", ev->pc, vmmap_priv_name(ev->from));
        for (unsigned r = 1; r < 32; r++)
            fprintf(out, "%s%s=0x%016" PRIx64 "%s", r % 4 == 1 ? "cpu: " : "", abi[r], c->x[r],
                    r % 4 == 0 || r == 31 ? "\n" : " ");
    }
    fclose(out);
    emit(text, len);
    free(text);
}

bool trace_log_stepping(void)
{
    return (log_items & (TRACE_EXEC | TRACE_IN_ASM)) != 0;
}

static bool seen_insert(struct seen_key *table, size_t cap, uint64_t pc, uint64_t satp)
{
    size_t i = (size_t)((pc * 0x9e3779b97f4a7c15ull) ^ satp) & (cap - 1);
    for (; table[i].pc; i = (i + 1) & (cap - 1))
        if (table[i].pc == (pc | 1) && table[i].satp == satp) return false;
    table[i] = (struct seen_key){pc | 1, satp};
    return true;
}

static bool first_time(uint64_t pc, uint64_t satp)
{
    if (seen_count * 2 >= seen_cap) {
        size_t cap = seen_cap ? seen_cap * 2 : 1 << 12;
        struct seen_key *grown = calloc(cap, sizeof *grown);
        if (!grown) return false;
        for (size_t i = 0; i < seen_cap; i++)
            if (seen[i].pc) seen_insert(grown, cap, seen[i].pc & ~1ull, seen[i].satp);
        free(seen);
        seen = grown;
        seen_cap = cap;
    }
    if (!seen_insert(seen, seen_cap, pc, satp)) return false;
    seen_count++;
    return true;
}

void trace_log_exec(struct machine *m)
{
    const struct cpu *c = &m->cpu;
    char line[200];
    int len;
    if (log_items & TRACE_IN_ASM && first_time(c->pc, c->satp)) {
        static struct debugger view; /* only for dbg_fetch_decoded: reads through satp */
        view.m = m;
        struct decoded insn;
        char text[96] = "(cannot read the instruction)";
        if (dbg_fetch_decoded(&view, c->pc, &insn)) disas_format(text, sizeof text, c->pc, &insn);
        len = snprintf(line, sizeof line, "in_asm: 0x%016" PRIx64 " %s  %s\n", c->pc,
                       vmmap_priv_name(c->priv), text);
        if (len > 0) emit(line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
    }
    if (log_items & TRACE_EXEC) {
        len = snprintf(line, sizeof line, "exec: pc=0x%016" PRIx64 " %s\n", c->pc,
                       vmmap_priv_name(c->priv));
        if (len > 0) emit(line, (size_t)len);
    }
}

void trace_log_hook(void *opaque, struct cpu *c, const struct cpu_event *ev)
{
    (void)opaque;
    trace_log_event(c, ev);
}
