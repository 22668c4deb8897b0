/* What GDB sees of a hart (emu/gdb_target.h): the target description and the registers by
 * GDB's numbers. */
#define _GNU_SOURCE /* fmemopen */
#include "gdb_target.h"

#include <stdio.h>

#include "../cpu/csr_table.h"
#include "disas.h"

/* The CSRs of the table's rows flagged `flag` (cpu/csrs.def), numbered as GDB numbers them. */
static void describe_csrs(FILE *f, unsigned flag, const char *group)
{
    for (unsigned row = 0; row < CSR_ROWS; row++) {
        const struct csr_info *r = &csr_table[row];
        for (unsigned k = 0; (r->flags & flag) && k < r->count; k++) {
            char buf[24];
            fprintf(f, "<reg name=\"%s\" bitsize=\"64\" regnum=\"%u\" group=\"%s\"/>\n",
                    csr_name(r->number + k, buf, sizeof(buf)), CSR_GDB_REGNUM(r->number + k),
                    group);
        }
    }
}

size_t gdb_target_xml(char *buf, size_t cap)
{
    FILE *f = fmemopen(buf, cap, "w");
    if (!f) return 0;
    fprintf(f, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
               "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n"
               "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
    for (unsigned i = 0; i < 32; i++)
        fprintf(f, "<reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%u\"/>\n",
                disas_reg_name(i),
                i == 1             ? "code_ptr"
                : i == 2 || i == 8 ? "data_ptr"
                                   : "int",
                i);
    fprintf(f,
            "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%d\"/>\n</feature>\n"
            "<feature name=\"org.gnu.gdb.riscv.csr\">\n",
            GDB_REG_PC);
    describe_csrs(f, CSR_GDB, "system");
    /* F/D: the FP registers (64 bits: D holds them whole) and the FP CSRs. */
    fprintf(f, "</feature>\n<feature name=\"org.gnu.gdb.riscv.fpu\">\n");
    for (unsigned i = 0; i < 32; i++)
        fprintf(f, "<reg name=\"f%u\" bitsize=\"64\" type=\"ieee_double\" regnum=\"%u\"/>\n", i,
                GDB_REG_FIRST_FPR + i);
    describe_csrs(f, CSR_GDB_FP, "float");
    fprintf(f,
            "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
            "<reg name=\"priv\" bitsize=\"64\" regnum=\"%d\" group=\"system\"/>\n"
            "</feature>\n</target>\n",
            GDB_REG_PRIV);
    fflush(f);
    size_t len = (size_t)ftell(f);
    fclose(f);
    return len;
}

bool gdb_read_register(struct debugger *d, unsigned n, uint64_t *value)
{
    struct cpu *c = machine_selected(d->m);
    if (n < 32)
        *value = c->x[n];
    else if (n == GDB_REG_PC)
        *value = c->pc;
    else if (n >= GDB_REG_FIRST_FPR && n < GDB_REG_FIRST_FPR + 32)
        *value = c->f[n - GDB_REG_FIRST_FPR];
    else if (n == GDB_REG_PRIV)
        *value = c->priv;
    else if (n >= GDB_REG_FIRST_CSR && n < GDB_REG_FIRST_CSR + 4096)
        return debugger_read_csr(d, n - GDB_REG_FIRST_CSR, value);
    else
        return false;
    return true;
}

bool gdb_write_register(struct debugger *d, unsigned n, uint64_t value)
{
    struct cpu *c = machine_selected(d->m);
    if (n == 0) return true; /* x0 stays zero */
    if (n < 32)
        c->x[n] = value;
    else if (n == GDB_REG_PC)
        c->pc = value;
    else if (n >= GDB_REG_FIRST_FPR && n < GDB_REG_FIRST_FPR + 32)
        c->f[n - GDB_REG_FIRST_FPR] = value;
    else if (n == GDB_REG_PRIV && (value == PRIV_U || value == PRIV_S || value == PRIV_M)) {
        c->priv = (enum priv)value;
        cpu_priv_changed(c);
        cpu_sync_mmu(c);
    } else if (n >= GDB_REG_FIRST_CSR && n < GDB_REG_FIRST_CSR + 4096)
        return debugger_write_csr(d, n - GDB_REG_FIRST_CSR, value);
    else
        return false;
    return true;
}
