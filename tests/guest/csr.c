/* Zicsr on a scratch register: every form returns the old value and applies its write
 * (priv-csrs.adoc, zicsr.adoc), plus the read-only identity CSRs the demo relies on. */
#include "check.h"

#define CSR_OP(insn, src)                                                                          \
    ({                                                                                             \
        uint64_t old_;                                                                             \
        __asm__ volatile(insn " %0, mscratch, %1" : "=r"(old_) : "r"((uint64_t)(src)));            \
        old_;                                                                                      \
    })
#define CSR_OPI(insn, imm)                                                                         \
    ({                                                                                             \
        uint64_t old_;                                                                             \
        __asm__ volatile(insn " %0, mscratch, %1" : "=r"(old_) : "i"(imm));                        \
        old_;                                                                                      \
    })

int main(void)
{
    csr_write(mscratch, 0x1234567890abcdefull);
    CHECK(csr_read(mscratch), 0x1234567890abcdefull);
    CHECK(CSR_OP("csrrw", 0xff00), 0x1234567890abcdefull);
    CHECK(CSR_OP("csrrs", 0x00f0), 0xff00);
    CHECK(csr_read(mscratch), 0xfff0);
    CHECK(CSR_OP("csrrc", 0x0f00), 0xfff0);
    CHECK(csr_read(mscratch), 0xf0f0);
    CHECK(CSR_OPI("csrrwi", 31), 0xf0f0);
    CHECK(csr_read(mscratch), 31);
    CHECK(CSR_OPI("csrrci", 5), 31);
    CHECK(csr_read(mscratch), 26);
    CHECK(CSR_OPI("csrrsi", 1), 26);
    CHECK(csr_read(mscratch), 27);
    CHECK(CSR_OP("csrrs", 0), 27); /* rs1 = register holding 0: a read that writes 0 bits */
    CHECK(csr_read(mscratch), 27);
    CHECK(CSR_OP("csrrw", -1), 27); /* all 64 bits are writable */
    CHECK(csr_read(mscratch), 0xffffffffffffffffull);

    /* csrr is csrrs with rs1 = x0: no write at all, so it is legal on read-only CSRs. */
    CHECK(csr_read(mhartid), rv39_boot_hartid);
    CHECK(csr_read(misa) >> 62, 2); /* MXL = 64-bit */
    uint64_t misa = csr_read(misa);
    for (const char *c = "imacsu"; *c; c++)
        CHECK((misa >> (*c - 'a')) & 1, 1);
    csr_read(mvendorid);
    csr_read(marchid);
    csr_read(mimpid);

    /* Counters move forward. */
    uint64_t c0 = read_mcycle(), i0 = read_minstret();
    for (volatile int i = 0; i < 100; i++)
        ;
    CHECK(read_minstret() > i0, 1);
    CHECK(read_mcycle() > c0, 1);

    /* mstatus.MPP is WARL but holds M (3) on a machine with M-mode. */
    csr_set(mstatus, MSTATUS_MPP);
    CHECK((csr_read(mstatus) & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 3);
    return pass("csr");
}
