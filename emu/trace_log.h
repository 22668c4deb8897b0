/* QEMU's -d ITEM[,ITEM...] and -D FILE with rv39's own line formats: one formatter turns
 * cpu events (cpu/cpu.h) into text, for -d and for the monitor's `trace mmu`.
 *
 *   int  every trap: "int: pc=... cause=N (name) tval=... epc=... S->M"
 *   mmu  TLB misses, walks (with the rule that decided), A/D updates, page faults, sfence,
 *        satp writes, model-TLB fills and evictions: the lines `trace mmu on` prints
 *   exec each instruction before it executes: "exec: pc=... S" (the run steps one instruction at
 *        a time, under --debug and --gdb too)
 *   in_asm each instruction the first time it runs (per pc and satp), disassembled:
 *        "in_asm: 0x... S  addi a0, a0, 1" (steps one at a time too)
 *   cpu  the registers as each trap is taken: "cpu: pc=... priv=S", then x1..x31 four to a
 *        line ("cpu: ra=... sp=... gp=... tp=...")
 *
 * Lines go to -D FILE, or to stderr, whole lines only, never inside a guest's output line
 * (emu/console_out.h). */
#ifndef RV39_TRACE_LOG_H
#define RV39_TRACE_LOG_H

#include <stdbool.h>
#include <stdio.h>

#include "../cpu/cpu.h"

enum trace_item {
    TRACE_INT = 1u << 0,
    TRACE_MMU = 1u << 1,
    TRACE_CPU = 1u << 2,
    TRACE_EXEC = 1u << 3,
    TRACE_IN_ASM = 1u << 4,
};

enum trace_parse { TRACE_PARSE_OK, TRACE_PARSE_HELP, TRACE_PARSE_ERROR };

/* Parse -d's argument into *items. "help" lists the items on `out`; an unknown item prints one
 * line "rv39: -d ITEM: ..." on `err`. */
enum trace_parse trace_log_parse(const char *spec, unsigned *items, FILE *out, FILE *err);

/* Start logging `items` to `file` (NULL: stderr). False, after one line on stderr, when the file
 * cannot be opened. */
bool trace_log_open(unsigned items, const char *file);
void trace_log_close(void);

/* Log one event if its item is on (called by whoever owns the cpu's event hook). */
void trace_log_event(struct cpu *c, const struct cpu_event *ev);
/* -d exec, in_asm: the run loop steps one instruction at a time and calls trace_log_exec
 * before each. */
struct machine;
bool trace_log_stepping(void);
void trace_log_exec(struct machine *m);

/* The hook to install when nobody else watches the hart. */
void trace_log_hook(void *opaque, struct cpu *c, const struct cpu_event *ev);

/* The mmu item's line(s) for one event, to `out` (nothing for events that are not MMU ones). */
void trace_print_mmu_event(FILE *out, const struct cpu_event *ev);

#endif
