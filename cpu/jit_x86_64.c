/* The translator's back end: one template per guest instruction, written with the x86-64
 * encoder in jit_x86_64_asm.h (the bit-manipulation templates are in jit_x86_64_bitmanip.c).
 *
 * Register use inside translated code (System V ABI, callee-saved ones survive helper calls):
 *   rbx  struct cpu *c          guest registers live in c->x[], read and written per use
 *   r12  the run's budget       (`remaining` of the interpreter), lowered at each exit
 *   r13  c->mmu.data            the fast-TLB view of loads and stores (fixed during a run)
 *   rax, rcx, rdx, rsi, rdi     scratch
 * The entry stub saves the callee-saved registers and leaves rsp 16-byte aligned, with
 * [rsp] = where to write the budget back and [rsp + 8] = a scratch slot for mmu_load.
 *
 * A block is straight-line host code; a not-taken branch falls through (superblock), a taken
 * one leaves through a side exit in the cold part after the block, as do the TLB-miss slow
 * paths. An exit with a known target stores the pc, charges the instructions retired so far
 * against the budget and jumps either to the lookup stub (a C call: jit_lookup) or, once
 * patched (cpu/jit.c, chain), straight into the target block. Encodings: Intel SDM vol. 2. */
#include "jit_internal.h"

#ifdef RV39_JIT
#include "jit_x86_64_asm.h"

/* ---- the shared stubs ---- */

_Static_assert(JIT_KEY_DIRECT == 1ull << 63, "the lookup stub sets the key bit with bts 63");
_Static_assert(sizeof(struct itlb_entry) == 24 && sizeof(struct jit_jump_entry) == 24,
               "the lookup stub scales fetch-TLB and jump-cache indexes by an imm8");

bool jit_backend_init(struct jit *j)
{
    struct asm_buf a = {.j = j, .pos = 0};
    /* int enter(struct cpu *c (rdi), const void *code (rsi), int64_t *remaining (rdx)) */
    static const int saved[] = {RBX, RBP, R12, R13, R14, R15};
    for (unsigned i = 0; i < 6; i++)
        push(&a, saved[i]);
    alu_imm(&a, W64, ALU_SUB, R(RSP), 24); /* 6 pushes + return address + 24 = 16-aligned */
    mov_store(&a, W64, RDX, M(RSP, 0));
    mov_rr(&a, RBX, RDI);
    mov_load(&a, W64, R12, M(RDX, 0));
    mov_load(&a, W64, R13,
             M(RBX, (int32_t)(offsetof(struct cpu, mmu) + offsetof(struct mmu, data))));
    enc(&a, 0, 0xff, 1, 4, R(RSI)); /* jmp rsi */

    size_t epilogue = a.pos;
    mov_load(&a, W64, RDX, M(RSP, 0));
    mov_store(&a, W64, R12, M(RDX, 0));
    alu_imm(&a, W64, ALU_ADD, R(RSP), 24);
    for (int i = 5; i >= 0; i--)
        pop(&a, saved[i]);
    b1(&a, 0xc3);

    j->exit_continue = (uint32_t)a.pos;
    xor_self(&a, RAX);
    jmp_to(&a, epilogue);
    j->exit_exception = (uint32_t)a.pos;
    mov_imm(&a, RAX, JIT_STATUS_EXCEPTION);
    jmp_to(&a, epilogue);

    /* c->pc is set and the budget is not spent: find the next block, or leave. First
     * jit_lookup's hit path inline (a C call per indirect jump was most of its cost): the
     * fetch-TLB entry of pc, then the jump-cache slot of (pc, pa); anything else calls it. */
    for (unsigned direct = 0; direct < 2; direct++) {
        j->lookup[direct] = (uint32_t)a.pos;
        uint32_t slow[5];
        cmp_byte_zero(&a, CPU_FIELD(yield_request));
        slow[0] = jcc32(&a, CC_NE);
        mov_load(&a, W64, RAX, CPU_FIELD(pc));
        mov_load(&a, W64, RDX,
                 M(RBX, (int32_t)(offsetof(struct cpu, mmu) + offsetof(struct mmu, fetch))));
        enc(&a, 0, 0x8b, 1, RCX, R(RAX)); /* mov ecx, eax */
        shift_imm(&a, 0, SH_SHR, RCX, PAGE_SHIFT);
        alu_imm(&a, 0, ALU_AND, R(RCX), FTLB_SIZE - 1); /* ftlb_index(pc) */
        enc(&a, W64, 0x6b, 1, RCX, R(RCX));             /* imul rcx, rcx, imm8 */
        b1(&a, sizeof(struct itlb_entry));
        alu_rm(&a, W64, ALU_ADD, RDX, R(RCX));
        mov_rr(&a, RSI, RAX);
        alu_imm(&a, W64, ALU_AND, R(RSI), (int32_t) ~(PAGE_SIZE - 1)); /* ftlb_page_tag(pc) */
        alu_rm(&a, W64, ALU_CMP, RSI, M(RDX, (int32_t)offsetof(struct itlb_entry, tag)));
        slow[1] = jcc32(&a, CC_NE);
        mov_load(&a, W64, RSI, M(RDX, (int32_t)offsetof(struct itlb_entry, paddr)));
        enc(&a, 0, 0x8b, 1, RCX, R(RAX)); /* mov ecx, eax */
        alu_imm(&a, 0, ALU_AND, R(RCX), (int32_t)(PAGE_SIZE - 1));
        alu_rm(&a, W64, ALU_OR, RSI, R(RCX)); /* rsi = pa */
        if (direct) { /* bts rsi, 63: the key of the calling block's regime (JIT_KEY_DIRECT) */
            enc(&a, W64, 0x0fba, 2, 5, R(RSI));
            b1(&a, 63);
        }
        mov_rr(&a, RCX, RAX);
        shift_imm(&a, W64, SH_SHR, RCX, 1);
        alu_imm(&a, 0, ALU_AND, R(RCX), JIT_JUMP_CACHE_SIZE - 1);
        enc(&a, W64, 0x6b, 1, RCX, R(RCX)); /* imul rcx, rcx, imm8 */
        b1(&a, sizeof(struct jit_jump_entry));
        mov_imm(&a, RDX, (uint64_t)(uintptr_t)j->jump_cache);
        alu_rm(&a, W64, ALU_ADD, RDX, R(RCX));
        alu_rm(&a, W64, ALU_CMP, RAX, M(RDX, (int32_t)offsetof(struct jit_jump_entry, pc)));
        slow[2] = jcc32(&a, CC_NE);
        alu_rm(&a, W64, ALU_CMP, RSI, M(RDX, (int32_t)offsetof(struct jit_jump_entry, pa)));
        slow[3] = jcc32(&a, CC_NE);
        mov_load(&a, W64, RAX, M(RDX, (int32_t)offsetof(struct jit_jump_entry, code)));
        test_rr(&a, W64, RAX);
        slow[4] = jcc32(&a, CC_E);
        enc(&a, 0, 0xff, 1, 4, R(RAX)); /* jmp rax */
        for (unsigned i = 0; i < 5; i++)
            set_rel32(&a, slow[i], a.pos);
        mov_rr(&a, RDI, RBX);
        call_abs(&a, (const void *)jit_lookup);
        test_rr(&a, W64, RAX);
        jcc_to(&a, CC_E, j->exit_continue);
        enc(&a, 0, 0xff, 1, 4, R(RAX)); /* jmp rax */
    }

    j->enter = (jit_enter_fn)(void *)j->rx;
    j->used = (a.pos + 15) & ~(size_t)15;
    return !a.full;
}

void jit_backend_patch(struct jit *j, uint32_t at, const uint8_t *target)
{
    int32_t rel = (int32_t)((int64_t)(target - j->rx) - (int64_t)(at + 4));
    memcpy(j->rw + at, &rel, 4);
}

/* ---- which instructions ---- */

/* The jit column of insns.def: Y for what the emitters below (and _atomic, _bitmanip, _fp)
 * handle, N for system, CSR and CMO instructions, which end a block for the interpreter. */
bool jit_backend_translates(enum opcode op)
{
    return insn_table[op].jit;
}

bool jit_backend_ends_block(enum opcode op)
{
    return insn_table[op].cls == CLASS_JUMP;
}

/* ---- blocks ---- */

/* Guest registers a block uses most live in host registers while it runs: loaded at entry,
 * written back (those written so far) at every exit. rbp, r14, r15 survive calls; r8-r11 are
 * written back before a helper call and reloaded after it. */
static const int cache_regs[] = {RBP, R14, R15, R8, R9, R10, R11};
#define CACHE_REGS (sizeof(cache_regs) / sizeof(cache_regs[0]))
static bool call_clobbered(int host)
{
    return host >= R8 && host <= R11;
}

int cached(const struct block_asm *s, unsigned r)
{
    return s->host_of[r];
}

/* Guest register r as an operand: its host register, or its home in c->x[]. */
struct operand opnd(const struct block_asm *s, unsigned r)
{
    int h = cached(s, r);
    return h >= 0 ? R(h) : GX(r);
}

void load_x(struct block_asm *s, int host, unsigned r)
{
    if (r == 0)
        xor_self(&s->a, host);
    else if (cached(s, r) != host)
        mov_load(&s->a, W64, host, opnd(s, r));
}
void store_x(struct block_asm *s, int host, unsigned r)
{
    if (cached(s, r) != host) mov_store(&s->a, W64, host, opnd(s, r));
}

/* Write cached registers in `mask` back to c->x[]; `only_safe`: just the ones a call left. */
void write_back(struct block_asm *s, uint64_t mask, bool only_safe)
{
    for (unsigned r = 1; r < 32; r++) {
        int h = cached(s, r);
        if (h >= 0 && ((mask >> r) & 1) && !(only_safe && call_clobbered(h)))
            mov_store(&s->a, W64, h, GX(r));
    }
}
/* Around a helper call: the call-clobbered cache registers go home and come back. */
void spill_for_call(struct block_asm *s)
{
    for (unsigned r = 1; r < 32; r++)
        if (cached(s, r) >= 0 && call_clobbered(cached(s, r)))
            mov_store(&s->a, W64, cached(s, r), GX(r));
}
void reload_after_call(struct block_asm *s)
{
    for (unsigned r = 1; r < 32; r++)
        if (cached(s, r) >= 0 && call_clobbered(cached(s, r)))
            mov_load(&s->a, W64, cached(s, r), GX(r));
}

/* The lookup stub of the block's regime: it finds only blocks of the same one. */
static size_t lookup_stub(const struct block_asm *s)
{
    return s->a.j->lookup[(s->b->pa & JIT_KEY_DIRECT) != 0];
}

/* The index of the block's instruction at `target`, if a jump there after `retired`
 * instructions can stay in the block; -1 if not. A forward jump must not skip an F/D
 * instruction: the code after it takes mstatus.FS as checked (block_asm.fs_on). */
static int internal_target(const struct block_asm *s, uint64_t target, unsigned retired)
{
    for (unsigned t = 0; t < s->n; t++) {
        if (s->insns[t].pc != target) continue;
        for (unsigned i = retired; i < t; i++)
            if (jit_fp_translates(s->insns[i].d.opcode)) return -1;
        return (int)t;
    }
    return -1;
}

/* Leave toward `target` with `retired` instructions done: a patchable exit.
 *     (write back) sub r12, retired; jle stub; jmp stub   <- chain() patches this jmp
 *     stub: c->pc = target; budget spent ? leave : lookup
 * so a chained exit stores no pc.
 * A target inside the block itself is a jump to its code there, with the guest registers
 * kept in host registers (a chained exit would write them back and the entry reload them:
 * a dozen moves per taken branch). The exits charge the budget with the static count of
 * the instructions before them (r12 - index is what remains), so the jump keeps that true:
 * forward it credits the skipped instructions, backward it charges the ones that ran since
 * the target and checks the budget, which bounds the time a loop runs in a block. */
static void exit_to(struct block_asm *s, uint64_t target, unsigned retired)
{
    struct asm_buf *a = &s->a;
    int t = internal_target(s, target, retired);
    if (t >= (int)retired) { /* forward: the code at t is emitted (cold paths come last) */
        if ((unsigned)t > retired) alu_imm(a, W64, ALU_ADD, R(R12), t - (int32_t)retired);
        jmp_to(a, s->insn_pos[t]);
        return;
    }
    if (t >= 0) { /* backward; the registers the body writes anywhere go home when spent */
        /* r12 - t after the jump is what remains: on while that is above 0 */
        alu_imm(a, W64, ALU_SUB, R(R12), (int32_t)retired - t);
        if (t > 0) alu_imm(a, W64, ALU_CMP, R(R12), t);
        jcc_to(a, CC_G, s->insn_pos[t]);
        if (t > 0) alu_imm(a, W64, ALU_SUB, R(R12), t);
        write_back(s, s->written[retired], false);
        mov_imm(a, RAX, target);
        mov_store(a, W64, RAX, CPU_FIELD(pc));
        jmp_to(a, a->j->exit_continue);
        return;
    }
    write_back(s, s->written[retired], false);
    alu_imm(a, W64, ALU_SUB, R(R12), (int32_t)retired);
    uint32_t spent = jcc32(a, CC_LE);
    uint32_t at = jmp32(a);
    set_rel32(a, spent, a->pos);
    set_rel32(a, at, a->pos);
    mov_imm(a, RAX, target);
    mov_store(a, W64, RAX, CPU_FIELD(pc));
    test_rr(a, W64, R12);
    jcc_to(a, CC_LE, a->j->exit_continue);
    jmp_to(a, lookup_stub(s));
    if (s->b->exit_count < JIT_MAX_EXITS)
        s->b->exits[s->b->exit_count++] = (struct jit_exit){target, at};
}

/* Leave with the target pc in rax (an indirect jump: the lookup stub finds it). */
static void exit_indirect(struct block_asm *s, unsigned retired)
{
    struct asm_buf *a = &s->a;
    write_back(s, s->written[retired], false);
    mov_store(a, W64, RAX, CPU_FIELD(pc));
    alu_imm(a, W64, ALU_SUB, R(R12), (int32_t)retired);
    jcc_to(a, CC_LE, a->j->exit_continue);
    jmp_to(a, lookup_stub(s));
}

unsigned access_size(enum opcode op)
{
    return insn_table[op].size; /* the size column of insns.def */
}

struct cold *cold_add(struct block_asm *s, enum cold_kind kind, const struct jit_insn *in,
                      unsigned index, uint32_t from)
{
    struct cold *c = &s->cold[s->cold_count++];
    *c = (struct cold){.kind = kind, .in = in, .index = index, .from = from};
    return c;
}

static void emit_load(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    struct asm_buf *a = &s->a;
    struct operand m = MI(RDX, RSI, 0);
    if (!jit_direct_address(s, in, index)) m = tlb_probe_access(s, in, COLD_LOAD, index, 0);
    int dst = cached(s, in->d.rd) >= 0 ? cached(s, in->d.rd) : RCX;
    switch (in->d.opcode) {
    case OP_LB: enc(a, W64, 0x0fbe, 2, dst, m); break;
    case OP_LBU: enc(a, 0, 0x0fb6, 2, dst, m); break;
    case OP_LH: enc(a, W64, 0x0fbf, 2, dst, m); break;
    case OP_LHU: enc(a, 0, 0x0fb7, 2, dst, m); break;
    case OP_LW: movsxd(a, dst, m); break;
    case OP_LWU: mov_load(a, 0, dst, m); break;
    default: mov_load(a, W64, dst, m); break;
    }
    store_x(s, dst, in->d.rd);
    s->cold[s->cold_count - 1].resume = a->pos;
}

static void emit_store(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    struct asm_buf *a = &s->a;
    struct operand m =
        tlb_probe_access(s, in, COLD_STORE, index, (int32_t)offsetof(struct ftlb_set, write));
    int src = cached(s, in->d.rs2);
    if (src < 0) {
        load_x(s, RCX, in->d.rs2);
        src = RCX;
    }
    switch (access_size(in->d.opcode)) {
    case 1: enc(a, BYTE_REGS, 0x88, 1, src, m); break;
    case 2: enc(a, P66, 0x89, 1, src, m); break;
    case 4: enc(a, 0, 0x89, 1, src, m); break;
    default: enc(a, W64, 0x89, 1, src, m); break;
    }
    s->cold[s->cold_count - 1].resume = a->pos;
}

/* LR, SC, AMOs: inline on a fast-TLB hit (cpu/jit_x86_64_atomic.c), cpu_atomic otherwise. */
static void emit_atomic(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    enum opcode op = in->d.opcode;
    bool lr = op == OP_LR_W || op == OP_LR_D;
    tlb_probe(s, in, COLD_ATOMIC, index, lr ? 0 : (int32_t)offsetof(struct ftlb_set, write));
    if (!lr) load_x(s, RDI, in->d.rs2);
    jit_atomic_emit(&s->a, op);
    store_x(s, RCX, in->d.rd);
    s->cold[s->cold_count - 1].resume = s->a.pos;
}

static void emit_branch(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    struct asm_buf *a = &s->a;
    enum cc cc;
    switch (in->d.opcode) {
    case OP_BEQ: cc = CC_E; break;
    case OP_BNE: cc = CC_NE; break;
    case OP_BLT: cc = CC_L; break;
    case OP_BGE: cc = CC_GE; break;
    case OP_BLTU: cc = CC_B; break;
    default: cc = CC_AE; break;
    }
    int left = cached(s, in->d.rs1);
    if (left < 0 || in->d.rs1 == 0) {
        load_x(s, RAX, in->d.rs1);
        left = RAX;
    }
    if (in->d.rs2 == 0)
        test_rr(a, W64, left); /* compare with x0: flags as cmp left, 0 */
    else
        alu_rm(a, W64, ALU_CMP, left, opnd(s, in->d.rs2));
    cold_add(s, COLD_BRANCH, in, index, jcc32(a, cc));
}

/* rd = rs1 OP (register rs2, or imm when rs2 < 0), on 64 bits or as a W form (32 bits,
 * sign-extended). Works in rd's host register when it has one and rs2 is not in it. */
static void emit_binop(struct block_asm *s, const struct decoded *d, enum alu op, int rs2,
                       bool word)
{
    struct asm_buf *a = &s->a;
    unsigned w = word ? 0 : W64, rs1 = d->rs1;
    /* rd = rs1 op rd, commutative: as rd = rd op rs1, in rd's register */
    if (rs2 >= 0 && (unsigned)rs2 == d->rd && d->rd != rs1 && rs1 != 0 &&
        (op == ALU_ADD || op == ALU_AND || op == ALU_OR || op == ALU_XOR)) {
        rs2 = (int)rs1;
        rs1 = d->rd;
    }
    int dst = cached(s, d->rd);
    if (dst < 0 || (rs2 >= 0 && (unsigned)rs2 == d->rd && d->rd != rs1)) dst = RAX;
    if (rs2 >= 0 && rs1 == 0 && !word && (op == ALU_ADD || op == ALU_OR || op == ALU_XOR)) {
        load_x(s, dst, (unsigned)rs2); /* c.mv is add rd, x0, rs2: a move */
        store_x(s, dst, d->rd);
        return;
    }
    /* A sum into another register: lea dst, [rs1 + imm] or [rs1 + rs2] for mov and add. */
    int src1 = rs1 ? cached(s, rs1) : -1, src2 = rs2 > 0 ? cached(s, (unsigned)rs2) : -1;
    if (op == ALU_ADD && src1 >= 0 && src1 != dst && (rs2 < 0 || src2 >= 0)) {
        enc(a, w, 0x8d, 1, dst, rs2 < 0 ? M(src1, d->imm) : MI(src1, src2, 0));
        if (word) movsxd(a, dst, R(dst));
        store_x(s, dst, d->rd);
        return;
    }
    load_x(s, dst, rs1);
    if (rs2 >= 0)
        alu_rm(a, w, op, dst, opnd(s, (unsigned)rs2)); /* x[0] reads 0 from memory */
    else if (d->imm || op == ALU_AND)
        alu_imm(a, w, op, R(dst), d->imm);
    if (word) movsxd(a, dst, R(dst)); /* (it reads the low half only) */
    store_x(s, dst, d->rd);
}

static void emit_set_less(struct block_asm *s, const struct decoded *d, enum cc cc, bool imm)
{
    struct asm_buf *a = &s->a;
    int left = cached(s, d->rs1);
    if (left < 0 || d->rs1 == 0) {
        load_x(s, RAX, d->rs1);
        left = RAX;
    }
    if (imm)
        alu_imm(a, W64, ALU_CMP, R(left), d->imm);
    else
        alu_rm(a, W64, ALU_CMP, left, opnd(s, d->rs2));
    /* setcc cl; movzx dst, cl: the 0/1 result in rd's host register (or rcx) whatever the
     * operands (rd may be one of them, which a zeroing xor before the compare could not) */
    setcc(a, cc, RCX);
    int dst = cached(s, d->rd) >= 0 ? cached(s, d->rd) : RCX;
    enc(a, 0, 0x0fb6, 2, dst, R(RCX)); /* movzx r32, cl (Intel SDM vol. 2: 0F B6 /r) */
    store_x(s, dst, d->rd);
}

static void emit_shift(struct block_asm *s, const struct decoded *d, enum shift op, bool word,
                       bool imm)
{
    struct asm_buf *a = &s->a;
    if (!imm) load_x(s, RCX, d->rs2);
    int dst = cached(s, d->rd) >= 0 ? cached(s, d->rd) : RAX;
    int src = d->rs1 ? cached(s, d->rs1) : -1;
    unsigned k = (unsigned)d->imm & (word ? 31 : 63);
    if (imm && op == SH_SHL && src >= 0 && src != dst && k >= 1 && k <= 3) {
        /* into another register, an index scaled by 2, 4, 8 (array subscripts): one lea
         * instead of mov and shl. lea dst, [src + src], or [src * 2^k + disp32 0] (SIB with
         * no base; Intel SDM vol. 2, table 2-3) */
        if (k == 1) {
            enc(a, word ? 0 : W64, 0x8d, 1, dst, MI(src, src, 0));
        } else {
            b1(a, 0x40u | (word ? 0u : 8u) | (dst & 8 ? 4u : 0u) | (src & 8 ? 2u : 0u));
            b1(a, 0x8d);
            b1(a, (unsigned)(dst & 7) << 3 | 4);
            b1(a, k << 6 | (unsigned)(src & 7) << 3 | 5);
            b4(a, 0);
        }
        if (word) movsxd(a, dst, R(dst));
        store_x(s, dst, d->rd);
        return;
    }
    load_x(s, dst, d->rs1);
    /* x86 masks the count to 6 bits (5 for 32-bit operands), as RISC-V does (2.4.2). */
    if (imm)
        shift_imm(a, word ? 0 : W64, op, dst, k);
    else
        shift_cl(a, word ? 0 : W64, op, dst);
    if (word) movsxd(a, dst, R(dst));
    store_x(s, dst, d->rd);
}

static void emit_call2(struct block_asm *s, const struct decoded *d,
                       uint64_t (*fn)(uint64_t, uint64_t))
{
    load_x(s, RDI, d->rs1);
    load_x(s, RSI, d->rs2);
    spill_for_call(s);
    call_abs(&s->a, (const void *)fn);
    reload_after_call(s);
    store_x(s, RAX, d->rd);
}

/* One instruction of the block body (jal and jalr emit their exit too). */
static void emit_insn(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    struct asm_buf *a = &s->a;
    const struct decoded *d = &in->d;
    uint64_t next = in->pc + d->len;
    switch (d->opcode) {
    case OP_LUI:
        enc(a, W64, 0xc7, 1, 0, opnd(s, d->rd)); /* mov r/m64, simm32 */
        b4(a, (uint32_t)d->imm);
        break;
    case OP_AUIPC:
        mov_imm(a, RAX, in->pc + (uint64_t)(int64_t)d->imm);
        store_x(s, RAX, d->rd);
        break;
    case OP_JAL:
        mov_imm(a, RAX, next);
        store_x(s, RAX, d->rd);
        exit_to(s, in->pc + (uint64_t)(int64_t)d->imm, index + 1);
        break;
    case OP_JALR:
        load_x(s, RAX, d->rs1); /* rs1 before rd: they may be the same register */
        if (d->imm) alu_imm(a, W64, ALU_ADD, R(RAX), d->imm);
        alu_imm(a, W64, ALU_AND, R(RAX), -2);
        mov_imm(a, RCX, next);
        store_x(s, RCX, d->rd);
        exit_indirect(s, index + 1);
        break;
    case OP_BEQ:
    case OP_BNE:
    case OP_BLT:
    case OP_BGE:
    case OP_BLTU:
    case OP_BGEU: emit_branch(s, in, index); break;
    case OP_LB:
    case OP_LH:
    case OP_LW:
    case OP_LD:
    case OP_LBU:
    case OP_LHU:
    case OP_LWU: emit_load(s, in, index); break;
    case OP_SB:
    case OP_SH:
    case OP_SW:
    case OP_SD: emit_store(s, in, index); break;
    case OP_ADDI: emit_binop(s, d, ALU_ADD, -1, false); break;
    case OP_XORI: emit_binop(s, d, ALU_XOR, -1, false); break;
    case OP_ORI: emit_binop(s, d, ALU_OR, -1, false); break;
    case OP_ANDI: emit_binop(s, d, ALU_AND, -1, false); break;
    case OP_ADDIW: emit_binop(s, d, ALU_ADD, -1, true); break;
    case OP_ADD: emit_binop(s, d, ALU_ADD, d->rs2, false); break;
    case OP_SUB: emit_binop(s, d, ALU_SUB, d->rs2, false); break;
    case OP_XOR: emit_binop(s, d, ALU_XOR, d->rs2, false); break;
    case OP_OR: emit_binop(s, d, ALU_OR, d->rs2, false); break;
    case OP_AND: emit_binop(s, d, ALU_AND, d->rs2, false); break;
    case OP_ADDW: emit_binop(s, d, ALU_ADD, d->rs2, true); break;
    case OP_SUBW: emit_binop(s, d, ALU_SUB, d->rs2, true); break;
    case OP_SLTI: emit_set_less(s, d, CC_L, true); break;
    case OP_SLTIU: emit_set_less(s, d, CC_B, true); break;
    case OP_SLT: emit_set_less(s, d, CC_L, false); break;
    case OP_SLTU: emit_set_less(s, d, CC_B, false); break;
    case OP_SLLI: emit_shift(s, d, SH_SHL, false, true); break;
    case OP_SRLI: emit_shift(s, d, SH_SHR, false, true); break;
    case OP_SRAI: emit_shift(s, d, SH_SAR, false, true); break;
    case OP_SLLIW: emit_shift(s, d, SH_SHL, true, true); break;
    case OP_SRLIW: emit_shift(s, d, SH_SHR, true, true); break;
    case OP_SRAIW: emit_shift(s, d, SH_SAR, true, true); break;
    case OP_SLL: emit_shift(s, d, SH_SHL, false, false); break;
    case OP_SRL: emit_shift(s, d, SH_SHR, false, false); break;
    case OP_SRA: emit_shift(s, d, SH_SAR, false, false); break;
    case OP_SLLW: emit_shift(s, d, SH_SHL, true, false); break;
    case OP_SRLW: emit_shift(s, d, SH_SHR, true, false); break;
    case OP_SRAW: emit_shift(s, d, SH_SAR, true, false); break;
    case OP_FENCE: {
        /* As the interpreter's (cpu/exec_ops.inc): mfence where TSO needs it, then the
         * mailbox (mmu/coherence.h) if anything waits in it. */
        if (fence_orders_store_load(d->bits >> 20)) {
            b1(a, 0x0f);
            b1(a, 0xae);
            b1(a, 0xf0); /* mfence */
        }
        mov_load(a, W64, RAX, CPU_FIELD(mmu.co_box));
        cmp_byte_zero(a, M(RAX, (int32_t)offsetof(struct coherence_mailbox, pending)));
        struct cold *c = cold_add(s, COLD_DRAIN, in, index, jcc32(a, CC_NE));
        c->resume = a->pos;
        break;
    }
    case OP_PAUSE: { /* as the interpreter's: with pause_yields, leave after it */
        cmp_byte_zero(a, CPU_FIELD(pause_yields));
        struct cold *c = cold_add(s, COLD_DRAIN, in, index, jcc32(a, CC_NE));
        c->resume = a->pos;
        break;
    }
    case OP_PREFETCH_I:
    case OP_PREFETCH_R:
    case OP_PREFETCH_W: break;
    case OP_MUL:
    case OP_MULW:
        load_x(s, RAX, d->rs1);
        enc(a, d->opcode == OP_MUL ? W64 : 0, 0x0faf, 2, RAX, opnd(s, d->rs2)); /* imul */
        if (d->opcode == OP_MULW) movsxd(a, RAX, R(RAX));
        store_x(s, RAX, d->rd);
        break;
    case OP_MULH:
    case OP_MULHU:
        load_x(s, RAX, d->rs1);
        /* rdx:rax = rax * operand (imul /5 signed, mul /4 unsigned) */
        enc(a, W64, 0xf7, 1, d->opcode == OP_MULH ? 5 : 4, opnd(s, d->rs2));
        store_x(s, RDX, d->rd);
        break;
    case OP_MULHSU:
        /* signed a times unsigned b: the unsigned high half, less b when a < 0 */
        load_x(s, RAX, d->rs1);
        enc(a, W64, 0xf7, 1, 4, opnd(s, d->rs2));
        load_x(s, RAX, d->rs1);
        shift_imm(a, W64, SH_SAR, RAX, 63);
        alu_rm(a, W64, ALU_AND, RAX, opnd(s, d->rs2));
        enc(a, W64, 0x2b, 1, RDX, R(RAX)); /* sub rdx, rax */
        store_x(s, RDX, d->rd);
        break;
    case OP_DIV:
    case OP_DIVU:
    case OP_REM:
    case OP_REMU:
    case OP_DIVW:
    case OP_DIVUW:
    case OP_REMW:
    case OP_REMUW: /* cpu/jit_x86_64_div.c */
        load_x(s, RAX, d->rs1);
        load_x(s, RCX, d->rs2);
        jit_div_emit(a, d->opcode);
        store_x(s, RAX, d->rd);
        break;
    default: { /* A; Zba, Zbb, Zbc, Zbs, Zicond (cpu/jit_x86_64_bitmanip.c); F, D (_fp.c) */
        if (jit_atomic_size(d->opcode)) {
            emit_atomic(s, in, index);
            break;
        }
        if (jit_fp_translates(d->opcode)) {
            jit_fp_emit(s, in, index);
            break;
        }
        jit_helper2 helper = jit_bitmanip_helper(d->opcode);
        if (helper) {
            emit_call2(s, d, helper);
            break;
        }
        load_x(s, RAX, d->rs1);
        if (insn_table[d->opcode].format == FMT_R) load_x(s, RCX, d->rs2);
        jit_bitmanip_emit(a, d);
        store_x(s, RAX, d->rd);
        break;
    }
    }
}

static void emit_cold(struct block_asm *s, struct cold *c)
{
    struct asm_buf *a = &s->a;
    const struct jit_insn *in = c->in;
    if (c->kind == COLD_ILLEGAL || c->kind == COLD_FP) {
        jit_fp_emit_cold(s, c);
        return;
    }
    set_rel32(a, c->from, a->pos);
    if (c->addr_lea) enc(a, W64, 0x8d, 1, RAX, M(c->addr_base, c->addr_disp)); /* lea rax */
    if (c->kind == COLD_BRANCH) {
        exit_to(s, in->pc + (uint64_t)(int64_t)in->d.imm, c->index + 1);
        return;
    }
    if (c->kind == COLD_DRAIN) { /* FENCE: take the mailbox; PAUSE: end the run */
        mov_rr(a, RDI, RBX);
        spill_for_call(s);
        call_abs(a, in->d.opcode == OP_PAUSE ? (const void *)cpu_pause_hint
                                             : (const void *)cpu_coherence_drain);
        reload_after_call(s);
    }
    enum insn_format format = insn_table[in->d.opcode].format;
    unsigned size = access_size(in->d.opcode);
    if (c->kind == COLD_DRAIN) {
        /* the fence retired; on to the stop checks below */
    } else if (size > 1 && (c->kind == COLD_LOAD || c->kind == COLD_STORE)) {
        /* (misaligned atomics fault: cpu_atomic's; a direct load came with no TLB slot) */
        /* A misaligned access that stays inside its page (the hot path's tag keeps the
         * alignment bits, so it missed): the page's own entry serves it, as in the MMU's
         * slow path (mmu/access.c), without the call. rax = address, rdx = entry offset;
         * only rsi, rax and the flags change before going back to the hot path's addend
         * load (the access there does not read rax when addr_lea set it here). */
        mov_rr(a, RSI, RAX);
        alu_imm(a, W64, ALU_AND, R(RSI), (int32_t)(int64_t)ftlb_tag_mask(1)); /* page tag */
        alu_rm(a, W64, ALU_CMP, RSI,
               MI(R13, RDX, c->table + (int32_t)offsetof(struct ftlb_entry, tag)));
        uint32_t other_page = jcc32(a, CC_NE);
        enc(a, 0, 0x8b, 1, RSI, R(RAX)); /* mov esi, eax */
        alu_imm(a, 0, ALU_AND, R(RSI), (int32_t)(PAGE_SIZE - 1));
        alu_imm(a, 0, ALU_CMP, R(RSI), (int32_t)(PAGE_SIZE - size));
        uint32_t crosses = jcc32(a, CC_A); /* offset + size > PAGE_SIZE */
        jmp_to(a, c->hit);
        set_rel32(a, other_page, a->pos);
        set_rel32(a, crosses, a->pos);
    }
    uint32_t failed = 0;
    if (c->kind == COLD_DRAIN) goto stop_checks;
    mov_imm(a, RCX, in->pc);
    mov_store(a, W64, RCX, CPU_FIELD(pc)); /* the MMU reports faults and events at c->pc */
    mov_rr(a, RDI, RBX);
    mov_rr(a, RSI, RAX);
    if (c->kind == COLD_ATOMIC) {
        load_x(s, RDX, in->d.rs2);
        spill_for_call(s);                   /* before r8 takes the result pointer */
        mov_imm(a, RCX, in->d.opcode);       /* cpu_atomic(c, va, src, op, &result) */
        enc(a, W64, 0x8d, 1, R8, M(RSP, 8)); /* lea r8, [rsp + 8] */
        call_abs(a, (const void *)cpu_atomic);
    } else if (c->kind == COLD_LOAD || c->kind == COLD_LOAD_DIRECT) {
        mov_imm(a, RDX, size);
        enc(a, W64, 0x8d, 1, RCX, M(RSP, 8)); /* lea rcx, [rsp + 8] */
        spill_for_call(s);
        call_abs(a, (const void *)cpu_load);
    } else {
        mov_imm(a, RDX, size);
        if (format == FMT_FSTORE)
            mov_load(a, W64, RCX, GF(in->d.rs2));
        else
            load_x(s, RCX, in->d.rs2);
        spill_for_call(s);
        call_abs(a, (const void *)cpu_store);
    }
    enc(a, 0, 0x84, 1, RAX, R(RAX)); /* test al, al */
    failed = jcc32(a, CC_E);
    reload_after_call(s);
    if (c->kind == COLD_LOAD || c->kind == COLD_LOAD_DIRECT || c->kind == COLD_ATOMIC) {
        mov_load(a, W64, RCX, M(RSP, 8));
        switch (in->d.opcode) { /* mmu_load zero-extends: sign-extend the signed loads */
        case OP_LB: enc(a, W64, 0x0fbe, 2, RCX, R(RCX)); break;
        case OP_LH: enc(a, W64, 0x0fbf, 2, RCX, R(RCX)); break;
        case OP_LW: movsxd(a, RCX, R(RCX)); break;
        default: break;
        }
        if (format == FMT_FLOAD)
            jit_fp_load_result(s, in);
        else
            store_x(s, RCX, in->d.rd);
    }
    /* Leave if the access dropped blocks (maybe this one: self-modifying code) or asked the
     * run loop to look at the machine, with the access retired. */
stop_checks:
    mov_imm(a, RAX, (uint64_t)(uintptr_t)&a->j->stop);
    cmp_byte_zero(a, M(RAX, 0));
    uint32_t stop1 = jcc32(a, CC_NE);
    cmp_byte_zero(a, CPU_FIELD(yield_request));
    uint32_t stop2 = jcc32(a, CC_NE);
    jmp_to(a, c->resume);
    set_rel32(a, stop1, a->pos);
    set_rel32(a, stop2, a->pos);
    write_back(s, s->written[c->index + 1], false);
    mov_imm(a, RAX, in->pc + in->d.len);
    mov_store(a, W64, RAX, CPU_FIELD(pc));
    alu_imm(a, W64, ALU_SUB, R(R12), (int32_t)(c->index + 1));
    jmp_to(a, a->j->exit_continue);
    if (c->kind == COLD_DRAIN) return; /* a drain does not fail */
    /* The access faulted: c->pc and c->exc_* are set; the instructions before it retired.
     * The call-clobbered registers were written back before the call. */
    set_rel32(a, failed, a->pos);
    write_back(s, s->written[c->index], true);
    if (c->index) alu_imm(a, W64, ALU_SUB, R(R12), (int32_t)c->index);
    jmp_to(a, a->j->exit_exception);
}

/* Which operand fields of a format name integer registers (the F/D forms name FP ones too). */
static bool x_rs1(enum insn_format f)
{
    return f != FMT_FR && f != FMT_FR1 && f != FMT_FR4 && f != FMT_FCMP && f != FMT_F2X;
}
static bool x_rd(enum insn_format f)
{
    return f != FMT_S && f != FMT_B && f != FMT_FSTORE && !insn_format_writes_freg(f);
}

/* Which guest registers get host registers: the most used (at least twice) in the block. */
static void allocate_registers(struct block_asm *s, const struct jit_insn *insns, unsigned n)
{
    unsigned uses[33] = {0};
    for (unsigned k = 0; k < n; k++) {
        const struct decoded *d = &insns[k].d;
        enum insn_format f = insn_table[d->opcode].format;
        if (x_rs1(f)) uses[d->rs1]++;
        if (f == FMT_R || f == FMT_S || f == FMT_B) uses[d->rs2]++;
        if (x_rd(f)) uses[d->rd]++;
    }
    uses[0] = uses[REG_SINK] = 0;
    for (unsigned r = 0; r < 33; r++)
        s->host_of[r] = -1;
    for (unsigned i = 0; i < CACHE_REGS; i++) {
        unsigned best = 0;
        for (unsigned r = 1; r < 32; r++)
            if (uses[r] > uses[best]) best = r;
        if (uses[best] < 2) break;
        s->host_of[best] = cache_regs[i];
        uses[best] = 0;
    }
    s->written[0] = 0;
    for (unsigned k = 0; k < n; k++) {
        const struct decoded *d = &insns[k].d;
        enum insn_format f = insn_table[d->opcode].format;
        bool writes = x_rd(f) && d->opcode != OP_FENCE && d->opcode != OP_FENCE_I;
        s->written[k + 1] =
            s->written[k] | (writes && d->rd < 32 && s->host_of[d->rd] >= 0 ? 1ull << d->rd : 0);
    }
}

const uint8_t *jit_backend_emit(struct jit *j, const struct jit_insn *insns, unsigned n,
                                uint64_t next_pc, struct jit_block *b)
{
    /* One translation at a time per host thread (harts may run on several): off the stack. */
    static _Thread_local struct block_asm s;
    s.a = (struct asm_buf){.j = j, .pos = j->used};
    s.b = b;
    s.cold_count = 0;
    s.fs_on = s.fs_dirty = false;
    b->exit_count = 0;
    allocate_registers(&s, insns, n);
    s.insns = insns;
    s.n = n;
    /* A block that jumps back into itself (exit_to) runs its body again with the registers
     * the last round wrote still only in host registers: from the first round on, any exit
     * must write back every register the body writes anywhere (before a register's first
     * write that stores the value it was loaded with). A forward jump within the block needs
     * nothing: an exit after it writes back registers the skipped code would have written,
     * which hold the values loaded at entry. */
    for (unsigned k = 0; k < n; k++) {
        const struct decoded *d = &insns[k].d;
        enum insn_format f = insn_table[d->opcode].format;
        uint64_t target = insns[k].pc + (uint64_t)(int64_t)d->imm;
        if ((f == FMT_B || d->opcode == OP_JAL) && target <= insns[k].pc &&
            internal_target(&s, target, k + 1) >= 0) {
            for (unsigned i = 0; i < n; i++)
                s.written[i] = s.written[n];
            break;
        }
    }
    size_t start = s.a.pos;
    for (unsigned r = 1; r < 32; r++)
        if (s.host_of[r] >= 0) mov_load(&s.a, W64, s.host_of[r], GX(r));
    s.body = s.a.pos;
    for (unsigned k = 0; k < n; k++) {
        s.insn_pos[k] = s.a.pos;
        emit_insn(&s, &insns[k], k);
    }
    if (!jit_backend_ends_block(insns[n - 1].d.opcode)) exit_to(&s, next_pc, n);
    for (unsigned k = 0; k < s.cold_count; k++)
        emit_cold(&s, &s.cold[k]);
    if (s.a.full) return NULL;
    j->used = (s.a.pos + 15) & ~(size_t)15;
    return j->rx + start;
}
#endif
