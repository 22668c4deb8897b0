/* Cache-block operations (CMO spec 1.0, now the unprivileged spec's "Cache-Block Operations"
 * chapter): Zicbom's cbo.clean/flush/inval and Zicboz's cbo.zero, gated from S- and U-mode by
 * menvcfg/senvcfg. The hart has no caches, so management operations only check that the
 * block may be accessed; cbo.zero stores 64 zero bytes. */
#ifndef RV39_CMO_H
#define RV39_CMO_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* The cache-block size rv39 declares (device tree riscv,cbom-block-size and
 * riscv,cboz-block-size, as QEMU's virt does). */
#define CMO_BLOCK_SIZE 64u

/* x{envcfg} fields ("Control and Status Register State" of the CMO chapter; priv spec
 * "Machine Environment Configuration Register"). */
#define ENVCFG_FIOM (1ull << 0)
#define ENVCFG_CBIE (3ull << 4) /* WARL: 00 trap, 01 flush, 11 invalidate; 10 reserved */
#define ENVCFG_CBIE_FLUSH (1ull << 4)
#define ENVCFG_CBCFE (1ull << 6)
#define ENVCFG_CBZE (1ull << 7)
#define ENVCFG_ADUE (1ull << 61)  /* Svadu: hardware A/D updates (else they page-fault) */
#define ENVCFG_PBMTE (1ull << 62) /* Svpbmt: PTE bits 62:61 are the PBMT field */
#define ENVCFG_STCE (1ull << 63)  /* Sstc, menvcfg only */

/* The writable bits of menvcfg (`machine`) or senvcfg: a field is read-only zero when the
 * hart lacks its extension (-cpu rv64,zicbom=off), and the WARL rule for CBIE's reserved 10. */
uint64_t envcfg_writable(bool machine);
uint64_t envcfg_legalize(uint64_t value, uint64_t writable);

enum cbo_kind { CBO_CLEAN, CBO_FLUSH, CBO_INVAL, CBO_ZERO };
enum cbo_result {
    CBO_OK,
    CBO_ILLEGAL, /* the envcfg fields forbid it at this privilege: illegal instruction */
    CBO_FAULT,   /* c->exc_cause/exc_tval hold a store page fault or store access fault */
};
/* Perform `kind` on the block holding effective address `rs1` at the hart's privilege. */
enum cbo_result cpu_cbo(struct cpu *c, enum cbo_kind kind, uint64_t rs1);

#endif
