/* The CSR table (cpu/csrs.def) as data: what the disassembler, the monitor, the GDB stub and
 * the tests need to know about a CSR without touching a hart. Reads and writes go through
 * csr_read/csr_write (cpu/cpu.h), which dispatch on the same rows. */
#ifndef RV39_CSR_TABLE_H
#define RV39_CSR_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csr_numbers.h"

enum csr_gate {
    CSR_GATE_NONE,
    CSR_GATE_FP,
    CSR_GATE_COUNTER,
    CSR_GATE_SSTC,
    CSR_GATE_TVM,
    CSR_GATE_SCOF,
};

enum {
    CSR_RESYNC = 1 << 0, /* a write must return to the outer loop (interrupts, translation) */
    CSR_GDB = 1 << 1,    /* in GDB's org.gnu.gdb.riscv.csr feature */
    CSR_GDB_FP = 1 << 2, /* in GDB's org.gnu.gdb.riscv.fpu feature */
};

/* GDB's RISC-V register numbers: x0..x31 (0..31), pc (32), f0..f31 (33..64), then CSR n as
 * 65 + n (GDB's riscv-tdep.h, RISCV_FIRST_CSR_REGNUM). */
#define CSR_GDB_REGNUM(number) (65u + (number))

/* Row indexes, in table order. */
enum csr_row {
#define CSR(id, ...) CSR_ROW_##id,
#include "csrs.def"
#undef CSR
    CSR_ROWS
};

struct csr_info {
    const char *name; /* the name, or a numbered family's prefix ("pmpaddr") */
    uint16_t number;  /* of the first register */
    uint16_t count;   /* registers in the family, 1 for a single CSR */
    uint16_t first;   /* a family's first suffix (hpmcounter3: 3) */
    uint8_t priv;     /* lowest privilege that may access it (enum priv) */
    uint8_t gate;     /* enum csr_gate */
    uint8_t flags;    /* CSR_RESYNC, CSR_GDB, CSR_GDB_FP */
    uint8_t info;     /* place in `info registers` (1..), 0: not listed */
};

extern const struct csr_info csr_table[CSR_ROWS];

/* The row that holds CSR `number`, or NULL when rv39 has no such CSR. */
const struct csr_info *csr_find(unsigned number);
/* The CSR's name ("mstatus", "pmpaddr3"), or NULL for a number rv39 does not know. `buf`
 * holds a family member's name. */
const char *csr_name(unsigned number, char *buf, size_t len);
/* A CSR by its name; false if rv39 has none of that name. */
bool csr_by_name(const char *name, unsigned *number);

#endif
