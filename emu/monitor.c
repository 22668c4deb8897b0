/* The monitor's commands (emu/debugger.h's debugger_command): one command set for the
 * `--debug` prompt, the Ctrl-A c escape, `-monitor stdio` and GDB's `monitor`. Run control,
 * breakpoints, registers and the command table are here; memory and the MMU are in
 * emu/monitor_mmu.c. */
#include "monitor.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "console_out.h"
#include "disas.h"
#include "screenshot.h"
#include "symtab.h"
#include "vmmap.h"

#define MAX_ARGS 24 /* trace mmu on with every filter and four skips fits */

/* A number (C syntax), a symbol, symbol+offset, or a register ($a0, $pc). */
bool dbg_parse_value(struct debugger *d, const char *text, uint64_t *value)
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
            *value = machine_selected(d->m)->pc + offset;
            return true;
        }
        if (disas_reg_number(reg, &r)) {
            *value = machine_selected(d->m)->x[r] + offset;
            return true;
        }
        return false;
    }
    if (strcmp(base, "pc") == 0) {
        *value = machine_selected(d->m)->pc + offset;
        return true;
    }
    const struct symbol *s = d->m->symbols ? symtab_find(d->m->symbols, base) : NULL;
    if (!s) return false;
    *value = s->value + offset;
    return true;
}

bool dbg_need_value(struct debugger *d, const char *text, uint64_t *value, FILE *out)
{
    if (dbg_parse_value(d, text, value)) return true;
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

/* SIGINT from outside, or C-a c typed while the guest had the terminal. */
static bool interrupted_by_user(void *opaque)
{
    (void)opaque;
    bool signal = machine_interrupted();
    return console_take_monitor_request() || signal;
}

/* `step` moves the selected hart alone (its neighbours stay where they are, so N steps are
 * N of its instructions); `continue` runs every hart. */
static bool do_run(struct debugger *d, uint64_t steps, FILE *out)
{
    struct machine *m = d->m;
    d->held = steps ? ~0u : 0;
    /* While the guest runs, a terminal is the guest's console (raw, Ctrl-C is the guest's,
     * C-a c comes back here); a script's lines stay ours. */
    bool lend = isatty(STDIN_FILENO) && steps == 0;
    if (lend) {
        fprintf(out, "[the guest has the terminal: C-a c returns to the monitor, C-a x quits, "
                     "C-a h lists the escapes]\n");
        fflush(out);
        console_raw_begin();
    }
    m->stdin_open = lend;
    machine_interrupted(); /* forget a Ctrl-C pressed at the prompt */
    console_clear_requests();
    enum dbg_stop why = debugger_run(d, steps, interrupted_by_user, NULL);
    m->stdin_open = false;
    if (lend) console_raw_end();
    d->until = 0;
    console_out_end_guest_line(); /* the stop message on a line of its own */
    if (console_quit_requested()) {
        d->quit = true; /* C-a x: rv39 ends, as from the guest's console */
        return true;
    }
    debugger_print_stop(d, why, out);
    return true;
}

static bool cmd_step(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t n = 1;
    if (argc > 1 && (!dbg_need_value(d, argv[1], &n, out) || n == 0)) return false;
    if (!running_allowed(d, out)) return false;
    return do_run(d, n, out);
}

/* The words after `until fault`: user, asid N, and a range LO-HI (or a single VADDR). */
static bool parse_fault_filter(struct debugger *d, int argc, char **argv, int *i,
                               struct dbg_fault_filter *f, FILE *out)
{
    for (; *i + 1 < argc; ++*i) {
        const char *w = argv[*i + 1];
        if (strcmp(w, "user") == 0) {
            f->user = true;
        } else if (strcmp(w, "asid") == 0 && *i + 2 < argc) {
            uint64_t v;
            if (!dbg_need_value(d, argv[*i + 2], &v, out)) return false;
            f->asid = true;
            f->asid_value = (uint16_t)v;
            ++*i;
        } else if (w[0] == '0' || strchr(w, '-')) {
            if (!dbg_parse_range(d, w, &f->lo, &f->hi, out)) return false;
            f->range = true;
        } else {
            return true; /* the next event kind */
        }
    }
    return true;
}

static const char continue_usage[] =
    "usage: continue [until EVENT...]: fault [user] [asid N] [LO-HI], kill, satp, priv, sfence\n";

static bool cmd_continue(struct debugger *d, int argc, char **argv, FILE *out)
{
    unsigned until = 0;
    struct dbg_fault_filter filter = {0};
    if (argc > 1) {
        if (strcmp(argv[1], "until") != 0 || argc < 3) {
            fprintf(out, "%s", continue_usage);
            return false;
        }
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "fault") == 0) {
                until |= UNTIL_FAULT;
                if (!parse_fault_filter(d, argc, argv, &i, &filter, out)) return false;
            } else if (strcmp(argv[i], "kill") == 0) {
                until |= UNTIL_KILL;
            } else if (strcmp(argv[i], "satp") == 0) {
                until |= UNTIL_SATP;
            } else if (strcmp(argv[i], "priv") == 0) {
                until |= UNTIL_PRIV;
            } else if (strcmp(argv[i], "sfence") == 0) {
                until |= UNTIL_SFENCE;
            } else {
                fprintf(out, "error: continue until: '%s' is not an event\n%s", argv[i],
                        continue_usage);
                return false;
            }
        }
    }
    d->fault_filter = filter; /* a fault already pending for `until kill` stays pending */
    if (d->in_gdb) {
        if (!until) {
            fprintf(out, "error: under GDB, use GDB's continue (GDB runs the hart)\n");
            return false;
        }
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
                dbg_symbolize(d, d->bp[i].addr, sym, sizeof(sym));
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
    if (!dbg_need_value(d, argv[1], &addr, out)) return false;
    int i = debugger_add_breakpoint(d, addr);
    if (i < 0) {
        fprintf(out, "error: all %d breakpoints are in use\n", DBG_MAX_BREAKPOINTS);
        return false;
    }
    char sym[96];
    dbg_symbolize(d, addr, sym, sizeof(sym));
    fprintf(out, "breakpoint %d at 0x%" PRIx64 "%s\n", i + 1, addr, sym);
    return true;
}

static bool cmd_delete(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t n;
    if (argc < 2 || !dbg_need_value(d, argv[1], &n, out)) {
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
    if (!dbg_need_value(d, argv[a], &va, out) ||
        (a + 1 < argc && !dbg_need_value(d, argv[a + 1], &len, out)))
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
    const struct cpu *c = machine_selected(d->m);
    for (unsigned i = 0; i < 32; i++)
        fprintf(out, "%-4s x%-2u 0x%016" PRIx64 "%s", disas_reg_name(i), i, c->x[i],
                i % 4 == 3 ? "\n" : "  ");
    char sym[96];
    dbg_symbolize(d, c->pc, sym, sizeof(sym));
    fprintf(out, "pc 0x%016" PRIx64 "%s  priv %s\n", c->pc, sym, vmmap_priv_name(c->priv));
    return true;
}

/* The FP registers as bits and as doubles (and as singles when NaN-boxed: unpriv spec
 * "NaN Boxing of Narrower Values"), then fcsr and mstatus.FS. */
static bool cmd_fregs(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    const struct cpu *c = machine_selected(d->m);
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

static bool cmd_disas(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t va = machine_selected(d->m)->pc, n = 8;
    if ((argc > 1 && !dbg_need_value(d, argv[1], &va, out)) ||
        (argc > 2 && !dbg_need_value(d, argv[2], &n, out)))
        return false;
    for (uint64_t i = 0; i < n && i < 1000; i++)
        dbg_print_insn(d, va, out, &va);
    return true;
}

/* `hart N`: the hart the other commands look at (QEMU monitor's `cpu N`, GDB's `thread`);
 * `hart N CMD...`: CMD on hart N once, the selection unchanged (as GDB's `thread apply`);
 * `hart` alone: the list, as `info cpus`. */
static bool cmd_hart(struct debugger *d, int argc, char **argv, FILE *out)
{
    struct machine *m = d->m;
    if (argc < 2) return dbg_print_harts(d, out);
    char *end;
    unsigned long n = strtoul(argv[1], &end, 0);
    if (end == argv[1] || *end || n >= m->nharts) {
        fprintf(out, "error: no hart '%s' (harts 0..%u)\n", argv[1], m->nharts - 1);
        return false;
    }
    if (argc == 2) {
        if (d->in_gdb) {
            /* GDB keeps its own current thread: changing ours behind it would show one hart's
             * registers as another's. */
            fprintf(out,
                    "error: under GDB, use GDB's thread %lu (threads are harts + 1), or "
                    "'hart %lu CMD' for one command\n",
                    n + 1, n);
            return false;
        }
        m->selected = (unsigned)n;
        char sym[96];
        const struct cpu *c = machine_selected(m);
        dbg_symbolize(d, c->pc, sym, sizeof sym);
        fprintf(out, "hart %lu: pc 0x%" PRIx64 "%s [%s]%s\n", n, c->pc, sym,
                vmmap_priv_name(c->priv), c->wfi ? " in wfi" : "");
        return true;
    }
    if (strcmp(argv[2], "hart") == 0 || strcmp(argv[2], "thread") == 0 ||
        strcmp(argv[2], "step") == 0 || strcmp(argv[2], "s") == 0) {
        fprintf(out, "error: 'hart N' takes a command that looks at the hart (regs, walk, tlb, "
                     "...); select it first to step it\n");
        return false;
    }
    char line[512];
    size_t len = 0;
    line[0] = '\0';
    for (int i = 2; i < argc && len < sizeof line; i++)
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", i > 2 ? " " : "", argv[i]);
    unsigned saved = m->selected;
    m->selected = (unsigned)n;
    bool ok = debugger_command(d, line, out);
    if (m->selected == n) m->selected = saved; /* unless the command ran and stopped elsewhere */
    return ok;
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

/* Aliases: QEMU's names (cont, screendump) and one-letter shortcuts, space-separated. */
static const struct command commands[] = {
    {"step", "s", cmd_step, "step [N]            execute N instructions (a trap counts as one)",
     ""},
    {"continue", "c cont", cmd_continue,
     "continue [until ...] run; 'until fault|satp|priv|sfence' stops at that event",
     "continue until ...  arm a stop at that event for GDB's next continue"},
    {"rstep", "rs", cmd_rstep, "rstep [N]           back N instructions (-icount: time travel)",
     ""},
    {"seek", NULL, cmd_seek,
     "seek STEP           go to step STEP of the recorded run (time travel); its state hash",
     ""},
    {"rcontinue", "rc", cmd_rcontinue,
     "rcontinue [until fault|satp|sfence]  back to the last breakpoint, watchpoint or event",
     ""},
    {"whowrote", NULL, cmd_whowrote,
     "whowrote [PADDR]    the last write to PADDR (none: the PTE of the last walk)", NULL},
    {"history", NULL, cmd_history,
     "history VADDR       every change of VADDR's translation so far (time travel)", NULL},
    {"stop", NULL, cmd_stop, "stop                (QEMU) the guest is stopped while here", ""},
    {"break", "b", cmd_break, "break [ADDR|SYMBOL] set a breakpoint (none: list them)", NULL},
    {"delete", "d", cmd_delete, "delete N            remove breakpoint or watchpoint N", NULL},
    {"watch", NULL, cmd_watch, "watch [r|w|rw] VADDR [LEN]  stop after an access to VADDR", NULL},
    {"hart", "thread cpu", cmd_hart,
     "hart [N [CMD...]]   select hart N (none: list the harts); with CMD, run it on hart N", NULL},
    {"regs", "r", cmd_regs, "regs                integer registers, pc, privilege", NULL},
    {"fregs", NULL, cmd_fregs, "fregs               FP registers, fcsr, mstatus.FS", NULL},
    {"csr", NULL, cmd_csr, "csr NAME            a CSR by name or number", NULL},
    {"info", NULL, cmd_info,
     "info registers [-a]|mem|tlb|cpus  (QEMU) registers (-a: every hart's), mappings, TLB, harts",
     NULL},
    {"x", NULL, cmd_xv, "x VADDR [LEN]       memory at a virtual address; QEMU's x /Nfu VADDR too",
     NULL},
    {"xp", NULL, cmd_xp, "xp PADDR [LEN]      memory at a physical address (xp /Nfu too)", NULL},
    {"gva2gpa", NULL, cmd_gva2gpa, "gva2gpa VADDR       (QEMU) the physical address of VADDR",
     NULL},
    {"disas", NULL, cmd_disas, "disas [VADDR] [N]   disassemble N instructions", NULL},
    {"walk", NULL, cmd_walk,
     "walk VADDR [r|w|x] [u|s]  the page walk (Sv39/48/57), without side effects", NULL},
    {"tlb", NULL, cmd_tlb,
     "tlb [flush|asid N|LO-HI|4k|64k|2m|1g|512g|256t]  model TLB entries, sorted; counters", NULL},
    {"vmmap", NULL, cmd_vmmap, "vmmap [SATP]        the address space as merged ranges", NULL},
    {"satp", NULL, cmd_satp, "satp                satp decoded", NULL},
    {"fault", NULL, cmd_fault, "fault               the last page fault and the last trap", NULL},
    {"screenshot", "screendump", cmd_screenshot,
     "screenshot FILE.png the framebuffer as a PNG (QEMU: screendump)", NULL},
    {"system_reset", NULL, cmd_system_reset, "system_reset        (QEMU) reset the machine", NULL},
    {"savevm", NULL, cmd_savevm, "savevm FILE         (QEMU) save the machine, its disks too, to FILE",
     NULL},
    {"loadvm", NULL, cmd_loadvm, "loadvm FILE         (QEMU) go back to the machine saved in FILE",
     NULL},
    {"trace", NULL, cmd_trace,
     "trace mmu on|off    one line per TLB miss, walk, A/D, fault, sfence, fill, evict;\n"
     "                    after on, filters: asid N, priv u|s, va LO-HI|VADDR (keep only\n"
     "                    those), skip LO-HI (drop those: a framebuffer's pages; up to 4),\n"
     "                    kinds miss,walk,fault,sfence,satp,fill,evict",
     NULL},
    {"help", "h", cmd_help, "help                this list", NULL},
    {"quit", "q", cmd_quit, "quit                leave rv39", ""},
};

/* Is `word` the command's name or one of its aliases? */
static bool names_command(const struct command *cmd, const char *word)
{
    if (strcmp(word, cmd->name) == 0) return true;
    size_t n = strlen(word);
    for (const char *a = cmd->alias; a && *a;) {
        const char *end = strchr(a, ' ');
        size_t len = end ? (size_t)(end - a) : strlen(a);
        if (len == n && strncmp(a, word, n) == 0) return true;
        a = end ? end + 1 : NULL;
    }
    return false;
}

static bool cmd_help(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const char *usage =
            d->in_gdb && commands[i].under_gdb ? commands[i].under_gdb : commands[i].usage;
        if (*usage) fprintf(out, "  %s\n", usage);
    }
    if (d->in_gdb) /* what GDB's monitor leaves out, and why */
        fprintf(out, "GDB runs the hart: its stepi, continue, Ctrl-C and kill do what step,\n"
                     "continue, stop and quit do at rv39's own prompt.\n");
    fprintf(out, "ADDR: a number, a symbol, symbol+offset, or $reg ($pc, $a0)\n");
    return true;
}

bool debugger_command(struct debugger *d, const char *line, FILE *out)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", line);
    char *argv[MAX_ARGS];
    int argc = 0;
    char *save, *tok = strtok_r(buf, " \t\r\n", &save);
    for (; tok && argc < MAX_ARGS; tok = strtok_r(NULL, " \t\r\n", &save))
        argv[argc++] = tok;
    if (argc == 0 || argv[0][0] == '#') return true;
    if (tok) { /* never run a command with its last words silently cut off */
        fprintf(out, "error: more than %d words\n", MAX_ARGS);
        return false;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct command *cmd = &commands[i];
        if (names_command(cmd, argv[0])) return cmd->run(d, argc, argv, out);
    }
    fprintf(out, "error: unknown command '%s' (try 'help')\n", argv[0]);
    return false;
}
