/* The translator's call into the FP instructions (cpu/fpu_insn.h): the interpreter's own code,
 * chosen by the opcode at run time from the same table (cpu/fpu_insns.def). */
#include "fpu_insn.h"

bool cpu_fp_exec(struct cpu *c, enum opcode op, unsigned rd, unsigned rs1, unsigned rs2,
                 int32_t imm)
{
#define FPI_ARGS c, rd, rs1, rs2, imm
#define FP_INSN(name, call)                                                                        \
    case OP_##name: return call;
    switch (op) {
#include "fpu_insns.def"
    default: return false; /* not one of them: never asked */
    }
#undef FP_INSN
#undef FPI_ARGS
}
