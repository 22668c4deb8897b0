/* Disassembly from the instruction table (emu/disas.h). Operand order follows the assembler
 * syntax of the unprivileged spec's listings: rd first, then sources; memory operands as
 * offset(base); CSR instructions as "csrrw rd, csr, rs1". */
#include "disas.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cpu/csr_table.h"

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* FP registers by their ABI names (psABI "Floating-point Register Convention"). */
static const char *const freg_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static const char *freg_name(unsigned reg)
{
    return reg < 32 ? freg_names[reg] : "?";
}

const char *disas_freg_name(unsigned reg)
{
    return freg_name(reg);
}

const char *disas_reg_name(unsigned reg)
{
    return reg < 32 ? reg_names[reg] : "?";
}

bool disas_reg_number(const char *name, unsigned *reg)
{
    for (unsigned i = 0; i < 32; i++) {
        if (strcmp(name, reg_names[i]) == 0) {
            *reg = i;
            return true;
        }
    }
    if (strcmp(name, "fp") == 0) {
        *reg = 8;
        return true;
    }
    if (name[0] == 'x' && isdigit((unsigned char)name[1])) {
        char *end;
        unsigned long n = strtoul(name + 1, &end, 10);
        if (*end == '\0' && n < 32) {
            *reg = (unsigned)n;
            return true;
        }
    }
    return false;
}

/* CSR names come from the one table (cpu/csrs.def). */
const char *disas_csr_name(unsigned csr, char *buf, size_t len)
{
    return csr_name(csr, buf, len);
}

bool disas_csr_number(const char *name, unsigned *csr)
{
    if (csr_by_name(name, csr)) return true;
    char *end;
    unsigned long n = strtoul(name, &end, 0);
    if (end != name && *end == '\0' && n < 4096) {
        *csr = (unsigned)n;
        return true;
    }
    return false;
}

/* "FENCE_I" -> "fence.i". */
static void mnemonic(enum opcode op, char *buf, size_t len)
{
    const char *name = insn_table[op].name;
    size_t i = 0;
    for (; name[i] && i + 1 < len; i++)
        buf[i] = name[i] == '_' ? '.' : (char)tolower((unsigned char)name[i]);
    buf[i] = '\0';
}

/* ", rtz" for an F/D instruction with a static rounding mode; nothing for DYN (the
 * assembler's default) or when bits 14:12 are not a rounding mode. */
static const char *rounding_suffix(const struct decoded *d)
{
    static const char *const names[8] = {", rne", ", rtz", ", rdn", ", rup",
                                         ", rmm", ", 5",   ", 6",   ""};
    if (insn_table[d->opcode].mask & 0x7000) return "";
    return names[d->imm & 7];
}

/* FLI's operand as the assembler takes it: the "Zfa" chapter's table, entries 1, 30 and 31 by
 * their preferred names (for FLI.H entry 29 loads +inf; the syntax still says 65536.0). */
/* clang-format off */
static const char *const fli_operand[32] = {
    "-1.0", "min", "1.52587890625e-05", "3.0517578125e-05", "0.00390625", "0.0078125",
    "0.0625", "0.125", "0.25", "0.3125", "0.375", "0.4375",
    "0.5", "0.625", "0.75", "0.875", "1.0", "1.25",
    "1.5", "1.75", "2.0", "2.5", "3.0", "4.0",
    "8.0", "16.0", "128.0", "256.0", "32768.0", "65536.0",
    "inf", "nan",
};
/* clang-format on */

int disas_format(char *buf, size_t len, uint64_t pc, const struct decoded *d)
{
    if (d->opcode == OP_ILLEGAL) return snprintf(buf, len, "(illegal)");
    char m[16];
    mnemonic(d->opcode, m, sizeof(m));
    const char *rd = disas_reg_name(d->rd), *rs1 = disas_reg_name(d->rs1),
               *rs2 = disas_reg_name(d->rs2);
    switch (insn_table[d->opcode].format) {
    case FMT_R:
        if (d->opcode == OP_SFENCE_VMA || d->opcode == OP_SINVAL_VMA)
            return snprintf(buf, len, "%s %s, %s", m, rs1, rs2);
        if (insn_table[d->opcode].cls == CLASS_LR)
            return snprintf(buf, len, "%s %s, (%s)", m, rd, rs1);
        if (insn_class_atomic(insn_table[d->opcode].cls)) /* SC, AMO */
            return snprintf(buf, len, "%s %s, %s, (%s)", m, rd, rs2, rs1);
        return snprintf(buf, len, "%s %s, %s, %s", m, rd, rs1, rs2);
    case FMT_I:
        if (d->opcode == OP_JALR) return snprintf(buf, len, "%s %s, %d(%s)", m, rd, d->imm, rs1);
        return snprintf(buf, len, "%s %s, %s, %d", m, rd, rs1, d->imm);
    case FMT_LOAD: return snprintf(buf, len, "%s %s, %d(%s)", m, rd, d->imm, rs1);
    case FMT_S: return snprintf(buf, len, "%s %s, %d(%s)", m, rs2, d->imm, rs1);
    case FMT_B:
        return snprintf(buf, len, "%s %s, %s, 0x%llx", m, rs1, rs2,
                        (unsigned long long)(pc + (uint64_t)(int64_t)d->imm));
    case FMT_U: return snprintf(buf, len, "%s %s, 0x%x", m, rd, ((uint32_t)d->imm >> 12) & 0xfffff);
    case FMT_J:
        return snprintf(buf, len, "%s %s, 0x%llx", m, rd,
                        (unsigned long long)(pc + (uint64_t)(int64_t)d->imm));
    case FMT_SHIFT: return snprintf(buf, len, "%s %s, %s, %d", m, rd, rs1, d->imm);
    case FMT_CSR:
    case FMT_CSRI: {
        char num[24];
        const char *csr = disas_csr_name((unsigned)d->imm, num, sizeof(num));
        if (!csr) {
            snprintf(num, sizeof(num), "0x%x", (unsigned)d->imm);
            csr = num;
        }
        if (insn_table[d->opcode].format == FMT_CSRI)
            return snprintf(buf, len, "%s %s, %s, %u", m, rd, csr, d->rs1);
        return snprintf(buf, len, "%s %s, %s, %s", m, rd, csr, rs1);
    }
    case FMT_NONE: break;
    case FMT_R1: return snprintf(buf, len, "%s %s, %s", m, rd, rs1);
    case FMT_CBO: /* "cbo.zero (a0)", "prefetch.r 64(a0)" as the CMO spec writes them */
        if (m[0] == 'c') return snprintf(buf, len, "%s (%s)", m, rs1);
        return snprintf(buf, len, "%s %d(%s)", m, d->imm, rs1);
    case FMT_FLOAD: return snprintf(buf, len, "%s %s, %d(%s)", m, freg_name(d->rd), d->imm, rs1);
    case FMT_FSTORE: return snprintf(buf, len, "%s %s, %d(%s)", m, freg_name(d->rs2), d->imm, rs1);
    case FMT_FR:
        return snprintf(buf, len, "%s %s, %s, %s%s", m, freg_name(d->rd), freg_name(d->rs1),
                        freg_name(d->rs2), rounding_suffix(d));
    case FMT_FR1:
        return snprintf(buf, len, "%s %s, %s%s", m, freg_name(d->rd), freg_name(d->rs1),
                        rounding_suffix(d));
    case FMT_FR4:
        return snprintf(buf, len, "%s %s, %s, %s, %s%s", m, freg_name(d->rd), freg_name(d->rs1),
                        freg_name(d->rs2), freg_name((unsigned)d->imm >> 3), rounding_suffix(d));
    case FMT_FCMP:
        return snprintf(buf, len, "%s %s, %s, %s", m, rd, freg_name(d->rs1), freg_name(d->rs2));
    case FMT_F2X: /* FCVTMOD.W.D spells out its fixed mode ("Zfa": "fcvtmod.w.d rd, rs1, rtz") */
        return snprintf(buf, len, "%s %s, %s%s", m, rd, freg_name(d->rs1),
                        d->opcode == OP_FCVTMOD_W_D ? ", rtz" : rounding_suffix(d));
    case FMT_X2F:
        if (d->opcode == OP_FLI_S || d->opcode == OP_FLI_D || d->opcode == OP_FLI_H)
            return snprintf(buf, len, "%s %s, %s", m, freg_name(d->rd), fli_operand[d->rs1 & 31]);
        return snprintf(buf, len, "%s %s, %s%s", m, freg_name(d->rd), rs1, rounding_suffix(d));
    }
    return snprintf(buf, len, "%s", m);
}
