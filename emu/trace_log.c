/* -d / -D: see emu/trace_log.h. */
#define _GNU_SOURCE /* open_memstream */
#include "trace_log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/walk.h"
#include "console_out.h"
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
     "TLB misses, walks with their rule, A/D updates, faults, sfence, satp, TLB fills/evictions"},
};

static unsigned log_items;
static FILE *log_out;
/* in_asm: the (pc, satp) pairs seen, open addressing; a key's pc has bit 0 set (pcs are even). */
static struct seen_key {
    uint64_t pc, satp;
} * seen;
static size_t seen_cap, seen_count;

/* One or more whole log lines, through the terminal's one output path. */
static void emit(const char *text, size_t len)
{
    console_out_lines(log_out, text, len);
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
    console_out_close();
    free(seen);
    seen = NULL;
    seen_cap = seen_count = 0;
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
    case EV_TLB_FILL:
    case EV_TLB_EVICT: {
        char entry[128];
        vmmap_tlb_entry_text(ev->tlb, entry, sizeof entry);
        if (ev->kind == EV_TLB_FILL)
            fprintf(out, "mmu: tlb fill pc=0x%" PRIx64 " va=0x%" PRIx64 " %s: %s\n", ev->pc, ev->va,
                    vmmap_access_name(ev->access), entry);
        else /* the fill that follows needed its slot */
            fprintf(out, "mmu: tlb evict pc=0x%" PRIx64 " %s (its slot goes to the fill below)\n",
                    ev->pc, entry);
        break;
    }
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
    const struct cpu *c = machine_selected(m);
    char line[200];
    int len;
    /* A hart idling in wfi executes nothing until an interrupt is pending: the run loop's
     * idle rounds are not instructions. */
    if (c->wfi && !(c->mip & c->mie)) return;
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
