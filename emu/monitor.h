/* Inside the debugger and its monitor (emu/debugger.c, monitor*.c): helpers they share and
 * the commands the table in emu/monitor.c dispatches to. Not for the rest of rv39, which
 * uses emu/debugger.h. */
#ifndef RV39_MONITOR_H
#define RV39_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../cpu/insn.h"
#include "debugger.h"

/* The privilege a data access is checked at: M-mode with MPRV uses MPP (priv spec,
 * "Memory Privilege in mstatus Register"). */
unsigned dbg_data_priv(const struct cpu *c);
/* A side-effect-free walk request for va as the hart would make it now at `priv`. */
void dbg_request_for(const struct cpu *c, uint64_t va, enum access access, unsigned priv,
                     struct walk_request *req);
/* The instruction at va, fetched without side effects and decoded. */
bool dbg_fetch_decoded(struct debugger *d, uint64_t va, struct decoded *out);
/* " <main+4>" for an address inside a known symbol, else "". */
void dbg_symbolize(const struct debugger *d, uint64_t addr, char *buf, size_t len);
/* One disassembly line for va ("=>" at the pc); *next is the following instruction. */
void dbg_print_insn(struct debugger *d, uint64_t va, FILE *out, uint64_t *next);

/* The breakpoint at pc (index), or -1. */
int dbg_breakpoint_at(const struct debugger *d, uint64_t pc);
/* The data access the instruction at the pc makes (virtual address, size, direction); false
 * for an instruction that makes none. */
bool dbg_data_access(struct debugger *d, uint64_t *addr, unsigned *size, bool *reads, bool *writes);
/* Before a step: the watchpoint the instruction at pc touches (its address in *where), or -1. */
int dbg_watch_hit(struct debugger *d, uint64_t *where);

/* A number (C syntax), a symbol, symbol+offset, or a register ($a0, $pc). need_value also
 * says what was wrong. */
bool dbg_parse_value(struct debugger *d, const char *text, uint64_t *value);
bool dbg_need_value(struct debugger *d, const char *text, uint64_t *value, FILE *out);

/* LO-HI, or a single address as a one-byte range; says what was wrong. */
bool dbg_parse_range(struct debugger *d, const char *w, uint64_t *lo, uint64_t *hi, FILE *out);

struct command {
    const char *name, *alias;
    bool (*run)(struct debugger *d, int argc, char **argv, FILE *out);
    const char *usage;
    /* Under GDB's `monitor`: what to show instead of usage for a command GDB does itself
     * (refused there), "" to leave it out of `help`; NULL: usage as at the prompt. */
    const char *under_gdb;
};

/* emu/monitor_mmu.c */
bool cmd_xv(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_xp(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_walk(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_tlb(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_vmmap(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_satp(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_fault(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_trace(struct debugger *d, int argc, char **argv, FILE *out);

/* emu/monitor_tt.c: time travel (emu/timetravel.h) */
bool cmd_rstep(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_seek(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_rcontinue(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_whowrote(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_history(struct debugger *d, int argc, char **argv, FILE *out);

/* emu/monitor_qemu.c */
/* One line per hart, QEMU's `info cpus` ("* CPU #0: pc=0x..."), '*' on the selected one. */
bool dbg_print_harts(struct debugger *d, FILE *out);
bool cmd_info(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_gva2gpa(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_stop(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_system_reset(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_screenshot(struct debugger *d, int argc, char **argv, FILE *out);
/* emu/monitor_snapshot.c */
bool cmd_savevm(struct debugger *d, int argc, char **argv, FILE *out);
bool cmd_loadvm(struct debugger *d, int argc, char **argv, FILE *out);
/* QEMU's x/xp with a format "NFU" (after the slash): count, format, unit size. */
bool qemu_memory_dump(struct debugger *d, const char *format, uint64_t addr, bool physical,
                      FILE *out);

#endif
