/* The read and write handlers the rows of cpu/csrs.def name, for the files that implement
 * them (cpu/csr.c, cpu/csr_counters.c). `csr` is the register's number (rows can
 * share a handler, a family's members are told apart by it). A handler returning false makes the
 * access illegal. */
#ifndef RV39_CSR_HANDLERS_H
#define RV39_CSR_HANDLERS_H

#include "cpu.h"

#define CSR_READ_HANDLER(name) bool rd_##name(struct cpu *c, unsigned csr, uint64_t *value)
#define CSR_WRITE_HANDLER(name) bool wr_##name(struct cpu *c, unsigned csr, uint64_t value)

/* Zicntr, Zihpm (cpu/csr_counters.c) */
CSR_READ_HANDLER(mcycle);
CSR_WRITE_HANDLER(mcycle);
CSR_READ_HANDLER(minstret);
CSR_WRITE_HANDLER(minstret);
CSR_READ_HANDLER(time);
CSR_READ_HANDLER(mhpmcounter);
CSR_WRITE_HANDLER(mhpmcounter);
CSR_READ_HANDLER(mhpmevent);
CSR_WRITE_HANDLER(mhpmevent);
CSR_READ_HANDLER(mcountinhibit);
CSR_WRITE_HANDLER(mcountinhibit);
CSR_READ_HANDLER(scountovf);

/* mcounteren/scounteren gating of counter `bit` below M (priv spec 3.1.11, 10.1.5). */
bool csr_counter_accessible(const struct cpu *c, unsigned bit);

#endif
