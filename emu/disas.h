/* One-line disassembly for the debugger's `disas`, drawn from the one instruction table
 * (cpu/insns.def) through the decoder (rv_decode_parcels): no second decoder. Also the names
 * of registers and CSRs, both ways, for `regs`, `csr NAME` and the GDB stub. */
#ifndef RV39_DISAS_H
#define RV39_DISAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cpu/insn.h"

/* "addi a0, a1, 5", "ld a0, 8(sp)", "beq a0, a1, 0x80000010" (branch and jump targets are
 * absolute, computed from pc). Compressed instructions are shown as the 32-bit instruction
 * they expand to. Returns what snprintf would. */
int disas_format(char *buf, size_t len, uint64_t pc, const struct decoded *d);

/* ABI name of x0..x31 ("zero", "ra", ...). */
const char *disas_reg_name(unsigned reg);
const char *disas_freg_name(unsigned reg); /* ft0 .. ft11, by number */
/* x0..x31 by ABI name ("a0", "fp") or by number ("x10"); false if neither. */
bool disas_reg_number(const char *name, unsigned *reg);

/* The CSR's name ("mstatus", "pmpaddr3"), or NULL for a number rv39 does not know. */
const char *disas_csr_name(unsigned csr, char *buf, size_t len);
/* A CSR by name, or by number (0x300); false if neither. */
bool disas_csr_number(const char *name, unsigned *csr);

#endif
