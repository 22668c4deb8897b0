/* The one CSR table (cpu/csrs.def) walked row by row: every CSR is readable at the privilege
 * its row gives (priv spec 2.1: bits 9:8 of the number), read-only rows are the numbers with
 * bits 11:10 = 3, names and numbers are unique, and what the GDB stub describes is numbered
 * as GDB numbers CSRs. */
#include <criterion/criterion.h>
#include <string.h>

#include "cpu/cmo.h"
#include "cpu/csr_table.h"
#include "support/harness.h"

TestSuite(csr_table, .init = harness_init, .fini = harness_fini);

/* Open every gate below M: counters enabled for S and U, Sstc's STCE, the FP state on. */
static void open_gates(void)
{
    hart.mcounteren = hart.scounteren = 0xffffffff;
    hart.menvcfg |= ENVCFG_STCE;
    hart.mstatus |= MSTATUS_FS;
}

/* priv spec 2.1: bits 9:8 of the address are the lowest privilege that may access it. */
Test(csr_table, priv_column_is_the_numbers_bits_9_8)
{
    for (unsigned row = 0; row < CSR_ROWS; row++) {
        const struct csr_info *r = &csr_table[row];
        for (unsigned k = 0; k < r->count; k++)
            cr_assert_eq((r->number + k) >> 8 & 3, r->priv, "%s (+%u): priv %u, number %#x",
                         r->name, k, r->priv, r->number + k);
    }
}

Test(csr_table, every_csr_readable_at_its_privilege_and_not_below)
{
    open_gates();
    for (unsigned row = 0; row < CSR_ROWS; row++) {
        const struct csr_info *r = &csr_table[row];
        for (unsigned k = 0; k < r->count; k++) {
            unsigned csr = r->number + k;
            uint64_t v;
            hart.priv = (enum priv)r->priv;
            cr_assert(csr_read(&hart, csr, &v), "%s (%#x) readable at privilege %u", r->name, csr,
                      r->priv);
            if (r->priv > PRIV_U) {
                hart.priv = r->priv == PRIV_M ? PRIV_S : PRIV_U;
                cr_assert(!csr_read(&hart, csr, &v), "%s (%#x) not readable below %u", r->name, csr,
                          r->priv);
            }
        }
    }
}

/* priv spec 2.1: bits 11:10 = 3 mark read-only CSRs; a write to one is illegal. */
Test(csr_table, read_only_numbers_refuse_writes)
{
    open_gates();
    for (unsigned row = 0; row < CSR_ROWS; row++) {
        const struct csr_info *r = &csr_table[row];
        if (r->number >> 10 != 3) continue;
        for (unsigned k = 0; k < r->count; k++) {
            hart.priv = PRIV_M;
            cr_assert(!csr_write(&hart, r->number + k, 0), "%s (+%u) is read-only", r->name, k);
        }
    }
}

Test(csr_table, numbers_are_unique_and_found)
{
    static uint8_t owner[4096];
    memset(owner, 0, sizeof owner);
    for (unsigned row = 0; row < CSR_ROWS; row++) {
        const struct csr_info *r = &csr_table[row];
        cr_assert(r->count >= 1 && r->number + r->count <= 4096, "%s: range", r->name);
        for (unsigned k = 0; k < r->count; k++) {
            unsigned csr = r->number + k;
            cr_assert_eq(owner[csr], 0, "%#x claimed by %s and row %u", csr, r->name,
                         owner[csr] - 1);
            owner[csr] = (uint8_t)(row + 1);
            cr_assert_eq(csr_find(csr), r, "csr_find(%#x) gives %s's row", csr, r->name);
        }
    }
    for (unsigned csr = 0; csr < 4096; csr++) {
        uint64_t v;
        hart.priv = PRIV_M;
        if (!owner[csr])
            cr_assert(!csr_read(&hart, csr, &v) && !csr_find(csr), "%#x is in no row", csr);
    }
}

Test(csr_table, names_are_unique_and_round_trip)
{
    for (unsigned a = 0; a < CSR_ROWS; a++) {
        const struct csr_info *r = &csr_table[a];
        for (unsigned k = 0; k < r->count; k++) {
            char buf[32];
            const char *name = csr_name(r->number + k, buf, sizeof buf);
            unsigned back = 0;
            cr_assert(name && csr_by_name(name, &back), "%#x has a name", r->number + k);
            cr_assert_eq(back, r->number + k, "%s names %#x, not %#x", name, back, r->number + k);
        }
        for (unsigned b = a + 1; b < CSR_ROWS; b++)
            cr_assert(strcmp(r->name, csr_table[b].name) != 0, "%s twice", r->name);
    }
    unsigned n;
    cr_assert(!csr_by_name("pmpaddr64", &n) && !csr_by_name("hpmcounter2", &n) &&
                  !csr_by_name("mstatusx", &n) && !csr_by_name("pmpaddr01", &n),
              "names outside a family are not CSRs");
}

/* GDB numbers CSR n as register 65 + n (riscv-tdep.h): the stub's rows must be single
 * registers below GDB's "priv" (4161) and in exactly one feature; the FP feature holds the
 * FP CSRs. */
Test(csr_table, gdb_numbering)
{
    cr_assert_eq(CSR_GDB_REGNUM(CSR_MSTATUS), 65 + 0x300, "mstatus is GDB register 833");
    for (unsigned row = 0; row < CSR_ROWS; row++) {
        const struct csr_info *r = &csr_table[row];
        bool gdb = r->flags & CSR_GDB, fp = r->flags & CSR_GDB_FP;
        cr_assert(!(gdb && fp), "%s in one feature", r->name);
        cr_assert_eq(fp, r->gate == CSR_GATE_FP, "%s: the fpu feature holds the FP CSRs", r->name);
        if (gdb || fp) cr_assert(CSR_GDB_REGNUM(r->number + r->count - 1) < 4161, "%s", r->name);
    }
}

/* The `info registers` column lists QEMU's 17 CSRs, each place once. */
Test(csr_table, info_places_are_one_to_seventeen)
{
    unsigned seen = 0;
    for (unsigned row = 0; row < CSR_ROWS; row++) {
        unsigned p = csr_table[row].info;
        if (!p) continue;
        cr_assert(p <= 17 && !(seen & 1u << p), "%s: place %u", csr_table[row].name, p);
        seen |= 1u << p;
    }
    cr_assert_eq(seen, 0x3fffeu, "places 1..17 all taken");
}
