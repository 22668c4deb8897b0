/* The F, D, Zfh and Zfa instructions that do not touch memory, written once for the
 * interpreter (cpu/exec_ops.inc) and the translator (cpu/jit_x86_64_fp.c, through
 * cpu_fp_exec): what each reads and writes, its rounding mode, the flags it accrues and the FP
 * state it dirties. The arithmetic is cpu/fpu.c's.
 *
 * One function per kind of instruction below; cpu/fpu_insns.def says which instruction is
 * which kind, and both users expand that table: the interpreter into one handler per
 * instruction (the kind's function inlined with constant arguments), cpu_fp_exec into a
 * switch on the opcode. Loads and stores are not here: they take each one's memory path. */
#ifndef RV39_FPU_INSN_H
#define RV39_FPU_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "fpu.h"

/* Execute FP instruction `op` (operand fields as the interpreter's slot holds them: rd is
 * REG_SINK for an integer x0 destination, imm holds rm and, for the fused forms, rs3 << 3).
 * False: illegal instruction (mstatus.FS = Off, or a reserved rounding mode; priv spec 3.1.6.6,
 * unpriv spec "Rounding mode encoding"), nothing changed. */
bool cpu_fp_exec(struct cpu *c, enum opcode op, unsigned rd, unsigned rs1, unsigned rs2,
                 int32_t imm);

/* The operands every kind takes first (FPI_ARGS in cpu/fpu_insns.def names them). */
#define FPI_PARAMS struct cpu *c, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm

/* The rounding mode of an instruction: the rm field, or frm when rm is DYN; above RM_RMM
 * (5, 6, or an frm of 5..7) it is reserved and the instruction illegal. */
static inline unsigned fpu_insn_rm(const struct cpu *c, int32_t imm)
{
    unsigned rm = (unsigned)imm & 7;
    return rm == RM_DYN ? (c->fcsr >> 5) & 7 : rm;
}

/* Every F/D instruction is illegal while mstatus.FS = Off (priv spec 3.1.6.6). */
static inline bool fpu_insn_enabled(const struct cpu *c)
{
    return __builtin_expect((c->mstatus & MSTATUS_FS) != 0, 1);
}

/* Accrue exception flags; changing FP state makes it Dirty (priv spec 3.1.6.6). */
static inline void fpu_insn_accrue(struct cpu *c, unsigned flags)
{
    if (flags) {
        c->fcsr |= flags;
        c->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
    }
}

/* An FP register written (with the flags raised): the FP state becomes Dirty. */
static inline void fpu_insn_write(struct cpu *c, unsigned rd, uint64_t value, unsigned flags)
{
    c->f[rd] = value;
    c->fcsr |= flags;
    c->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
}

/* FADD .. FSQRT and the fused forms: the flags accrued so far go in (fpu.c's fast path). */
static inline bool fpi_arith(FPI_PARAMS, enum fpu_arith op, enum fpu_fmt fmt)
{
    unsigned rm = fpu_insn_rm(c, imm);
    if (!fpu_insn_enabled(c) || rm > RM_RMM) return false;
    unsigned fl = c->fcsr & 0x1f;
    uint64_t c3 = op >= FPU_MADD ? c->f[(unsigned)imm >> 3] : 0;
    uint64_t r = fpu_arith(op, fmt, c->f[rs1], c->f[rs2], c3, rm, &fl);
    fpu_insn_write(c, rd, r, fl);
    return true;
}

static inline bool fpi_sgnj(FPI_PARAMS, enum fpu_sgnj kind, enum fpu_fmt fmt)
{
    (void)imm;
    if (!fpu_insn_enabled(c)) return false;
    fpu_insn_write(c, rd, fpu_sgnj(kind, fmt, c->f[rs1], c->f[rs2]), 0);
    return true;
}

/* FMIN, FMAX; Zfa's FMINM, FMAXM (any NaN gives NaN). */
static inline bool fpi_minmax(FPI_PARAMS, bool max, bool nan_wins, enum fpu_fmt fmt)
{
    (void)imm;
    if (!fpu_insn_enabled(c)) return false;
    unsigned fl = 0;
    uint64_t a = c->f[rs1], b = c->f[rs2];
    uint64_t r = nan_wins ? fpu_minmax_nan(max, fmt, a, b, &fl) : fpu_minmax(max, fmt, a, b, &fl);
    fpu_insn_write(c, rd, r, fl);
    return true;
}

/* FCVT between formats. */
static inline bool fpi_convert(FPI_PARAMS, enum fpu_fmt to, enum fpu_fmt from)
{
    (void)rs2;
    unsigned rm = fpu_insn_rm(c, imm), fl = 0;
    if (!fpu_insn_enabled(c) || rm > RM_RMM) return false;
    uint64_t r = fpu_convert(to, from, c->f[rs1], rm, &fl);
    fpu_insn_write(c, rd, r, fl);
    return true;
}

/* FCVT.fmt.{W,WU,L,LU}: from integer register rs1. */
static inline bool fpi_from_int(FPI_PARAMS, enum fpu_int type, enum fpu_fmt fmt)
{
    (void)rs2;
    unsigned rm = fpu_insn_rm(c, imm), fl = 0;
    if (!fpu_insn_enabled(c) || rm > RM_RMM) return false;
    uint64_t r = fpu_from_int(type, fmt, c->x[rs1], rm, &fl);
    fpu_insn_write(c, rd, r, fl);
    return true;
}

/* Zfa's FROUND (exact = false), FROUNDNX. */
static inline bool fpi_round(FPI_PARAMS, bool exact, enum fpu_fmt fmt)
{
    (void)rs2;
    unsigned rm = fpu_insn_rm(c, imm), fl = 0;
    if (!fpu_insn_enabled(c) || rm > RM_RMM) return false;
    uint64_t r = fpu_round_int(fmt, c->f[rs1], rm, exact, &fl);
    fpu_insn_write(c, rd, r, fl);
    return true;
}

/* Results in an integer register: the FP state changes only if flags are raised. */
static inline bool fpi_to_int(FPI_PARAMS, enum fpu_int type, enum fpu_fmt fmt)
{
    (void)rs2;
    unsigned rm = fpu_insn_rm(c, imm), fl = 0;
    if (!fpu_insn_enabled(c) || rm > RM_RMM) return false;
    uint64_t r = fpu_to_int(type, fmt, c->f[rs1], rm, &fl);
    fpu_insn_accrue(c, fl);
    c->x[rd] = r;
    return true;
}

/* FEQ, FLT, FLE; Zfa's quiet FLEQ, FLTQ. */
static inline bool fpi_compare(FPI_PARAMS, enum fpu_cmp kind, bool quiet, enum fpu_fmt fmt)
{
    (void)imm;
    if (!fpu_insn_enabled(c)) return false;
    unsigned fl = 0;
    uint64_t a = c->f[rs1], b = c->f[rs2];
    bool r = quiet ? fpu_compare_quiet(kind, fmt, a, b, &fl) : fpu_compare(kind, fmt, a, b, &fl);
    fpu_insn_accrue(c, fl);
    c->x[rd] = r;
    return true;
}

static inline bool fpi_classify(FPI_PARAMS, enum fpu_fmt fmt)
{
    (void)rs2, (void)imm;
    if (!fpu_insn_enabled(c)) return false;
    c->x[rd] = fpu_classify(fmt, c->f[rs1]);
    return true;
}

/* Zfa's FCVTMOD.W.D: rm is RTZ, fixed by the encoding. */
static inline bool fpi_cvtmod(FPI_PARAMS)
{
    (void)rs2, (void)imm;
    if (!fpu_insn_enabled(c)) return false;
    unsigned fl = 0;
    uint64_t r = fpu_cvtmod_w_d(c->f[rs1], &fl);
    fpu_insn_accrue(c, fl);
    c->x[rd] = r;
    return true;
}

/* Moves copy bits: to an integer register sign-extended from the format's width, no NaN-boxing
 * check on the way out; into an FP register boxed. */
static inline bool fpi_move_to_x(FPI_PARAMS, enum fpu_fmt fmt)
{
    (void)rs2, (void)imm;
    if (!fpu_insn_enabled(c)) return false;
    uint64_t a = c->f[rs1];
    c->x[rd] = fmt == FPU_D   ? a
               : fmt == FPU_S ? (uint64_t)(int64_t)(int32_t)(uint32_t)a
                              : (uint64_t)(int64_t)(int16_t)(uint16_t)a;
    return true;
}
static inline bool fpi_move_from_x(FPI_PARAMS, enum fpu_fmt fmt)
{
    (void)rs2, (void)imm;
    if (!fpu_insn_enabled(c)) return false;
    uint64_t x = c->x[rs1];
    fpu_insn_write(c, rd,
                   fmt == FPU_D   ? x
                   : fmt == FPU_S ? fpu_box_s((uint32_t)x)
                                  : fpu_box_h((uint16_t)x),
                   0);
    return true;
}

/* Zfa's FLI: rs1 is the index into the constant table, not a register. */
static inline bool fpi_fli(FPI_PARAMS, enum fpu_fmt fmt)
{
    (void)rs2, (void)imm;
    if (!fpu_insn_enabled(c)) return false;
    fpu_insn_write(c, rd, fpu_fli(fmt, rs1), 0);
    return true;
}

#endif
