/* A GDB remote-serial-protocol stub (GDB manual, appendix "Remote Protocol") for Debian's
 * gdb-multiarch: `rv39 --gdb PORT [-S] ...` then `target remote :PORT`.
 *
 * It serves a target description (org.gnu.gdb.riscv.cpu and .csr), registers (g/G/p/P),
 * memory at virtual addresses through the current translation without side effects (m/M),
 * breakpoints as pc checks, never patched memory (Z0/z0, Z1/z1), single step and continue (s/c,
 * Ctrl-C = 0x03), and `monitor CMD` (qRcmd) through the debugger's command interpreter
 * (emu/debugger.c). Watchpoints are left to GDB (it single-steps and compares when Z2..Z4 get an
 * empty reply). */
#ifndef RV39_GDBSTUB_H
#define RV39_GDBSTUB_H

#include <stdbool.h>
#include <stdio.h>

#include "machine.h"

/* Boot the machine and serve GDB on 127.0.0.1:port. With start_halted (-S) the hart waits
 * for GDB; otherwise it runs until GDB connects, and GDB's arrival stops it. Returns the
 * guest's exit status, or 2 when the port cannot be opened. */
int gdbstub_main(struct machine *m, int port, bool start_halted);

/* One session on an already-connected descriptor (a socket, or one end of a socketpair), the
 * hart stopped where it is: serves packets until GDB detaches, kills or hangs up, or the guest
 * exits (then returns true). The debugger's trace lines go to `trace`. For tests and the
 * fuzzer (tests/fuzz/fuzz_gdb.c), which need no TCP port. */
bool gdbstub_serve_fd(struct machine *m, int fd, FILE *trace);

#endif
