/* F, D, Zfh and Zfa in translated code: loads and stores take the integer ones' fast-TLB path
 * (cpu/jit_x86_64.c, tlb_probe); every other instruction calls cpu_fp_exec (cpu/fpu_insn.h),
 * the interpreter's own code for it, without leaving the block.
 *
 * FP registers stay in c->f[] (they are not cached in host registers). What the interpreter
 * does per instruction about mstatus.FS (priv spec 3.1.6.6) is done here once per block where
 * that is the same thing: FS is checked before the block's first FP instruction (Off: illegal
 * instruction, precisely there), and made Dirty at the first one that writes FP state
 * unconditionally; nothing a block runs can turn FS off or clean in between (CSR writes are
 * not translated). Encodings: Intel SDM vol. 2. */
#include "jit_internal.h"

#ifdef RV39_JIT
#include "fpu.h"
#include "fpu_insn.h"
#include "jit_x86_64_asm.h"

bool jit_fp_translates(enum opcode op)
{
    switch (insn_table[op].format) {
    case FMT_FLOAD:
    case FMT_FSTORE:
    case FMT_FR:
    case FMT_FR1:
    case FMT_FR4:
    case FMT_FCMP:
    case FMT_F2X:
    case FMT_X2F: return true;
    default: return false;
    }
}

/* FS = Off makes every FP instruction illegal: checked before the block's first one. */
static void require_fs(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    if (s->fs_on) return;
    struct asm_buf *a = &s->a;
    enc(a, 0, 0xf7, 1, 0, CPU_FIELD(mstatus)); /* test dword [mstatus], imm32 */
    b4(a, (uint32_t)MSTATUS_FS);
    cold_add(s, COLD_ILLEGAL, in, index, jcc32(a, CC_E));
    s->fs_on = true;
}

/* The FP state becomes Dirty (the first time in the block it is sure to). */
static void make_dirty(struct block_asm *s)
{
    if (s->fs_dirty) return;
    mov_imm(&s->a, RAX, MSTATUS_FS_DIRTY | MSTATUS_SD);
    enc(&s->a, W64, 0x09, 1, RAX, CPU_FIELD(mstatus)); /* or [mstatus], rax */
    s->fs_dirty = true;
}

void jit_fp_load_result(struct block_asm *s, const struct jit_insn *in)
{
    struct asm_buf *a = &s->a;
    /* A loaded single or half is NaN-boxed ("NaN Boxing of Narrower Values"). */
    uint64_t box = in->d.opcode == OP_FLW ? FPU_BOX_S : in->d.opcode == OP_FLH ? FPU_BOX_H : 0;
    if (box) {
        mov_imm(a, RDX, box);
        alu_rm(a, W64, ALU_OR, RCX, R(RDX));
    }
    mov_store(a, W64, RCX, GF(in->d.rd));
}

static void emit_load(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    struct asm_buf *a = &s->a;
    tlb_probe(s, in, COLD_LOAD, index, 0);
    struct operand m = MI(RSI, RAX, 0);
    switch (access_size(in->d.opcode)) {
    case 2: enc(a, 0, 0x0fb7, 2, RCX, m); break; /* movzx ecx, word */
    case 4: mov_load(a, 0, RCX, m); break;
    default: mov_load(a, W64, RCX, m); break;
    }
    jit_fp_load_result(s, in);
    s->cold[s->cold_count - 1].resume = a->pos;
    make_dirty(s);
}

static void emit_store(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    struct asm_buf *a = &s->a;
    tlb_probe(s, in, COLD_STORE, index, (int32_t)offsetof(struct ftlb_set, write));
    /* The low bits of the register, boxed or not: stores copy bits. */
    mov_load(a, W64, RCX, GF(in->d.rs2));
    struct operand m = MI(RSI, RAX, 0);
    switch (access_size(in->d.opcode)) {
    case 2: enc(a, P66, 0x89, 1, RCX, m); break;
    case 4: mov_store(a, 0, RCX, m); break;
    default: mov_store(a, W64, RCX, m); break;
    }
    s->cold[s->cold_count - 1].resume = a->pos;
}

/* cpu_fp_exec(c, op, rd, rs1, rs2, imm): the interpreter's code for the instruction. */
static void emit_call(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    struct asm_buf *a = &s->a;
    const struct decoded *d = &in->d;
    enum insn_format f = insn_table[d->opcode].format;
    /* It reads an integer rs1 from c->x[]: bring a cached one home first. */
    if (f == FMT_X2F && d->rs1 != 0 && cached(s, d->rs1) >= 0)
        mov_store(a, W64, cached(s, d->rs1), GX(d->rs1));
    spill_for_call(s);
    mov_rr(a, RDI, RBX);
    mov_imm(a, RSI, d->opcode);
    mov_imm(a, RDX, d->rd);
    mov_imm(a, RCX, d->rs1);
    mov_imm(a, R8, d->rs2);
    mov_imm(a, R9, (uint32_t)d->imm);
    call_abs(a, (const void *)cpu_fp_exec);
    reload_after_call(s);
    /* It wrote an integer rd in c->x[]: a cached one comes back from there. */
    bool x_rd = f == FMT_FCMP || f == FMT_F2X;
    if (x_rd && cached(s, d->rd) >= 0) mov_load(a, W64, cached(s, d->rd), GX(d->rd));
    enc(a, 0, 0x84, 1, RAX, R(RAX)); /* test al, al */
    cold_add(s, COLD_ILLEGAL, in, index, jcc32(a, CC_E));
}

void jit_fp_emit(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    require_fs(s, in, index);
    switch (insn_table[in->d.opcode].format) {
    case FMT_FLOAD: emit_load(s, in, index); break;
    case FMT_FSTORE: emit_store(s, in, index); break;
    default: emit_call(s, in, index); break;
    }
}

void jit_fp_emit_cold(struct block_asm *s, struct cold *c)
{
    struct asm_buf *a = &s->a;
    const struct jit_insn *in = c->in;
    set_rel32(a, c->from, a->pos);
    /* Illegal instruction at in->pc (priv spec 3.1.16: mtval = its bits), the ones before it
     * retired. Every cached register holds its value here (after a call, reloaded). */
    mov_imm(a, RAX, in->pc);
    mov_store(a, W64, RAX, CPU_FIELD(pc));
    mov_imm(a, RAX, EXC_ILLEGAL_INSN);
    mov_store(a, W64, RAX, CPU_FIELD(exc_cause));
    mov_imm(a, RAX, in->raw);
    mov_store(a, W64, RAX, CPU_FIELD(exc_tval));
    write_back(s, s->written[c->index], false);
    if (c->index) alu_imm(a, W64, ALU_SUB, R(R12), (int32_t)c->index);
    jmp_to(a, a->j->exit_exception);
}
#endif
