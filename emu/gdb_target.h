/* What GDB sees of a hart, for the stub (emu/gdbstub.c): the target description GDB reads as
 * target.xml (GDB manual, "Target Descriptions"; the RISC-V features org.gnu.gdb.riscv.cpu,
 * .fpu, .csr and .virtual) and the registers by the numbers it gives them there. */
#ifndef RV39_GDB_TARGET_H
#define RV39_GDB_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cpu/csr_table.h"
#include "debugger.h"

#define GDB_REG_PC 32
#define GDB_REG_FIRST_FPR 33                /* f0..f31 */
#define GDB_REG_FIRST_CSR CSR_GDB_REGNUM(0) /* x0..x31, pc, f0..f31, then CSRs (cpu/csr_table.h) */
#define GDB_REG_PRIV 4161                   /* GDB's "priv" virtual register, after the 4096 CSRs */

/* target.xml into buf (NUL-terminated when it fits); its length. */
size_t gdb_target_xml(char *buf, size_t cap);
/* Register n of the debugger's selected hart; false when there is no such register (or the
 * CSR cannot be read or written now). Writes to x0 are ignored; priv takes U, S or M only. */
bool gdb_read_register(struct debugger *d, unsigned n, uint64_t *value);
bool gdb_write_register(struct debugger *d, unsigned n, uint64_t value);

#endif
