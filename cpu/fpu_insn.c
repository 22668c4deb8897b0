/* The translator's call into the FP instructions (cpu/fpu_insn.h): the interpreter's own code,
 * with the opcode chosen at run time. */
#include "fpu_insn.h"

bool cpu_fp_exec(struct cpu *c, enum opcode op, unsigned rd, unsigned rs1, unsigned rs2,
                 int32_t imm)
{
    return fpu_insn(c, op, rd, rs1, rs2, imm);
}
