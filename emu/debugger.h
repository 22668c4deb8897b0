/* The debugger: breakpoints, watchpoints, stepping and running the machine, and the command
 * interpreter behind `--debug` (a prompt on the terminal, libedit line editing) and behind
 * the GDB stub's `monitor` commands (emu/gdbstub.c).
 *
 * It watches the hart through cpu event hooks (cpu/cpu.h) only: when no breakpoint or
 * watchpoint is set, `continue` runs the machine in full-speed slices; with some, it steps
 * one instruction at a time and checks before and after each. */
#ifndef RV39_DEBUGGER_H
#define RV39_DEBUGGER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../mmu/walk.h"
#include "machine.h"

#define DBG_MAX_BREAKPOINTS 64
#define DBG_MAX_WATCHPOINTS 16
#define DBG_TRACE_SKIPS 4

/* `continue until ...`: stop right after the next event of these kinds. */
enum dbg_until {
    UNTIL_FAULT = 1 << 0,  /* page fault (cause 12, 13, 15) */
    UNTIL_SATP = 1 << 1,   /* satp written */
    UNTIL_PRIV = 1 << 2,   /* privilege change (trap or xRET) */
    UNTIL_SFENCE = 1 << 3, /* sfence.vma */
    UNTIL_KILL = 1 << 4,   /* a user page fault the kernel did not resolve (see below) */
};

/* Which page faults `continue until fault` stops at (all when nothing is set): ordinary
 * demand paging makes many, a learner usually wants one process or one range. */
struct dbg_fault_filter {
    bool user;  /* taken from U-mode */
    bool range; /* tval in [lo, hi) */
    uint64_t lo, hi;
    bool asid; /* satp.ASID at the fault */
    uint16_t asid_value;
};

/* `trace mmu on [asid N] [priv u|s] [va LO-HI] [skip LO-HI] [kinds K,...]`: which MMU events
 * are traced (every one when nothing is set). A TLB fill or eviction is judged by its entry:
 * its ASID (a global entry has every one), its page overlapping the range. */
enum dbg_trace_kind {
    TRACE_K_MISS = 1 << 0,   /* TLB miss */
    TRACE_K_WALK = 1 << 1,   /* page walk (and its A/D update) */
    TRACE_K_FAULT = 1 << 2,  /* page fault */
    TRACE_K_SFENCE = 1 << 3, /* sfence.vma */
    TRACE_K_SATP = 1 << 4,   /* satp write */
    TRACE_K_FILL = 1 << 5,   /* a translation enters the model TLB */
    TRACE_K_EVICT = 1 << 6,  /* a live TLB entry pushed out for lack of room */
};
struct dbg_trace_filter {
    unsigned kinds; /* enum dbg_trace_kind bits; 0: all */
    bool asid;      /* satp.ASID (an sfence's own ASID) equals asid_value */
    uint16_t asid_value;
    bool priv; /* the access's privilege (a fault's: the trapping one) is priv_value */
    unsigned priv_value;
    bool range; /* va (a fault's tval) in [lo, hi] (inclusive: `va LO-HI` excludes HI) */
    uint64_t lo, hi;
    /* `skip LO-HI`: drop the events inside these ranges (a framebuffer's pages, say: a
     * console that redraws them makes thousands of misses and walks). */
    unsigned nskip;
    struct {
        uint64_t lo, hi;
    } skip[DBG_TRACE_SKIPS];
};

enum dbg_stop {
    DBG_STOP_STEPPED,     /* the requested steps are done */
    DBG_STOP_BREAKPOINT,  /* pc reached a breakpoint */
    DBG_STOP_WATCHPOINT,  /* an instruction touched a watched address */
    DBG_STOP_EVENT,       /* a `continue until` event happened */
    DBG_STOP_INTERRUPTED, /* Ctrl-C, or GDB's interrupt */
    DBG_STOP_EXITED,      /* the guest powered off */
};

struct dbg_breakpoint {
    bool used;
    uint64_t addr; /* virtual: compared with pc */
};

struct dbg_watchpoint {
    bool used;
    bool on_read, on_write;
    uint64_t va, len;
};

/* The last trap the hart took, and the page walk that raised it (if one did). */
struct dbg_trap_record {
    bool valid;
    uint64_t pc, cause, tval, satp;
    unsigned from, to;
    bool has_walk;
    struct walk_request walk_req;
    struct walk_result walk;
};

struct debugger {
    struct machine *m;
    struct dbg_breakpoint bp[DBG_MAX_BREAKPOINTS];
    struct dbg_watchpoint wp[DBG_MAX_WATCHPOINTS];
    unsigned nbp, nwp; /* how many are set */
    bool trace_mmu;    /* `trace mmu on`: one line per MMU event */
    FILE *trace;       /* where trace lines go */
    struct dbg_trace_filter trace_filter;
    unsigned until;          /* enum dbg_until bits armed for the current run */
    bool event_stop;         /* an armed event happened */
    char stop_text[200];     /* what happened, for the stop message */
    int hit_breakpoint;      /* index, after DBG_STOP_BREAKPOINT */
    int hit_watchpoint;      /* index, after DBG_STOP_WATCHPOINT */
    uint64_t hit_watch_addr; /* the address the instruction touched */
    uint64_t traps;          /* traps seen (to tell whether a step trapped) */
    /* Per hart (indexed by hart number): its last trap, and its last page fault (the last
     * trap may be an ecall). */
    struct dbg_trap_record last_trap[MACHINE_MAX_HARTS];
    struct dbg_trap_record last_fault[MACHINE_MAX_HARTS];
    struct dbg_fault_filter fault_filter;
    /* `until kill`: a page fault from U-mode is resolved when the kernel's next return to
     * U-mode on that hart goes back to the faulting pc (the instruction is retried), in the
     * same address space; returning anywhere else means the process did not get its page. */
    bool kill_pending[MACHINE_MAX_HARTS];
    struct dbg_trap_record kill_fault[MACHINE_MAX_HARTS];
    struct walk_request pending_req; /* the last walk that faulted, until its trap comes */
    struct walk_result pending_walk;
    bool pending_valid;
    bool in_gdb; /* commands come from GDB's monitor: no stepping from here */
    /* Several harts: the harts the next debugger_run leaves where they are (bit h = hart h;
     * the caller sets it before each run: 0 moves them all). The selected hart always moves. */
    unsigned held;
    unsigned stop_hart; /* the hart whose event, breakpoint or watchpoint stopped the run */
    struct tt *tt; /* time travel (emu/timetravel.h), under -icount; NULL without */
    bool tt_tried;
    /* The leaf PTE (or the last PTE read) of the last `walk`: `whowrote` without argument. */
    bool walk_pte_valid;
    uint64_t walk_pte;
    bool quit;   /* `quit` was given */
};

/* Attach to the machine (installs the event hook). Trace lines go to `trace`. */
void debugger_init(struct debugger *d, struct machine *m, FILE *trace);
void debugger_detach(struct debugger *d);

/* Run one command line; its output goes to `out`. Returns false for a line that failed
 * (unknown command, bad argument), after printing why. */
bool debugger_command(struct debugger *d, const char *line, FILE *out);

/* Execute `steps` instructions of the selected hart (0: until something stops the run); the
 * other harts not in d->held run too, in the round-robin order, one instruction each per
 * instruction of the selected hart while something is checked per instruction. `interrupted`
 * is polled between slices or steps (Ctrl-C, GDB's 0x03). Breakpoints are checked on every
 * hart after each of its steps, except at the pc the run starts from. A breakpoint,
 * watchpoint or event selects the hart it happened on (d->stop_hart), all the others stop
 * with it (all-stop, as GDB's default mode). */
enum dbg_stop debugger_run(struct debugger *d, uint64_t steps, bool (*interrupted)(void *),
                           void *opaque);
/* One line saying why the run stopped and where ("breakpoint 1 at 0x80000040 <main+4>"). */
void debugger_print_stop(struct debugger *d, enum dbg_stop why, FILE *out);

/* Time travel (emu/monitor_tt.c; under -icount): back to the last point before now where a
 * forward run would have stopped (breakpoint, watchpoint, an event of `until`), as GDB's
 * reverse-continue; *at_begin when there was none and the machine is at the beginning of
 * its history. DBG_STOP_INTERRUPTED after a failure (one line to `out`). */
enum dbg_stop dbg_reverse_continue(struct debugger *d, unsigned until, bool *at_begin, FILE *out);
/* Back `n` steps (GDB's reverse-stepi); false with one line to `out` when time travel is not
 * on or failed. *at_begin when the history began less than n steps ago. */
bool dbg_reverse_step(struct debugger *d, uint64_t n, bool *at_begin, FILE *out);

int debugger_add_breakpoint(struct debugger *d, uint64_t addr); /* index, or -1 when full */
bool debugger_remove_breakpoint_at(struct debugger *d, uint64_t addr);
int debugger_add_watchpoint(struct debugger *d, uint64_t va, uint64_t len, bool on_read,
                            bool on_write);
bool debugger_remove_watchpoint_at(struct debugger *d, uint64_t va, bool on_read, bool on_write);

/* Virtual -> physical as the hart would translate a data access (or a fetch with
 * ACCESS_EXEC) now, without side effects. false when it would fault. */
bool debugger_translate(struct debugger *d, uint64_t va, enum access access, uint64_t *pa);
/* Read or write guest memory at virtual addresses, RAM only, without side effects on the
 * MMU (a write drops decoded instructions it changes). false at the first byte that is
 * unmapped or not RAM. */
bool debugger_read_virtual(struct debugger *d, uint64_t va, void *buf, size_t len);
bool debugger_write_virtual(struct debugger *d, uint64_t va, const void *buf, size_t len);

/* Read/write a CSR as the debugger (M-mode rights, whatever the hart's privilege). */
bool debugger_read_csr(struct debugger *d, unsigned csr, uint64_t *value);
bool debugger_write_csr(struct debugger *d, unsigned csr, uint64_t value);

/* `--debug`: the interactive prompt; returns the guest's exit status (or 0 after `quit`). */
int debugger_main(struct machine *m);
/* The plain run (machine_run) with the console's C-a c leading to the same prompt, the guest
 * stopped while it is there. Returns the guest's exit status (0 after `quit` or C-a x). */
int monitor_run(struct machine *m);

#endif
