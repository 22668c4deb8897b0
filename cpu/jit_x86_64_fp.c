/* F, D, Zfh and Zfa in translated code: loads and stores take the integer ones' fast-TLB path
 * (cpu/jit_x86_64.c, tlb_probe); every other instruction calls cpu_fp_exec (cpu/fpu_insn.h),
 * the interpreter's own code for it, without leaving the block.
 *
 * The common double and single arithmetic runs inline on the host's SSE unit where that is
 * exactly right (see "the inline fast path" below), with the call as its slow path.
 *
 * FP registers stay in c->f[] (they are not cached in host registers). What the interpreter
 * does per instruction about mstatus.FS (priv spec 3.1.6.6) is done here once per block where
 * that is the same thing: FS is checked before the block's first FP instruction (Off: illegal
 * instruction, precisely there), and made Dirty at the first one that writes FP state
 * unconditionally; nothing a block runs can turn FS off or clean in between (CSR writes are
 * not translated). Encodings: Intel SDM vol. 2. */
#include "jit_internal.h"

#ifdef RV39_JIT
#include <cpuid.h>

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

/* cpu_fp_exec(c, op, rd, rs1, rs2, imm): the interpreter's code for the instruction; al =
 * false for an illegal one. */
static void emit_call_only(struct block_asm *s, const struct jit_insn *in)
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
}

static void emit_call(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    emit_call_only(s, in);
    cold_add(s, COLD_ILLEGAL, in, index, jcc32(&s->a, CC_E));
}

/* ---- the inline fast path ----
 * Round to nearest even with NX already accrued is what FP programs run in (as cpu/fpu.c's
 * host fast path knows). Then for add, sub, mul, div, sqrt and the fused forms, a result the
 * host computes in its own RNE that is finite, normal and not in the smallest binade is the
 * exact answer (IEEE 754 results are unique) and raised no flag but NX: a NaN or infinite
 * operand, an invalid operation, a division by zero or an overflow would have made it NaN or
 * infinite, and underflow (tiny after rounding, as RISC-V and x86 detect it) needs a result
 * below 2^(emin+1). Everything else (another rounding mode, NX clear, an improperly boxed
 * single, any other result) takes the call, which the checks jump to. The host's MXCSR must
 * be its default (RNE, no DAZ/FTZ): probed once, the inline paths are off otherwise. */
static struct {
    bool probed, sse, fma;
} host;

static void probe(void)
{
    if (host.probed) return;
    host.probed = true;
    /* MXCSR: exception masks on (0x1f80), rounding RNE, FTZ and DAZ off; flags don't matter. */
    host.sse = (__builtin_ia32_stmxcsr() & ~0x3fu) == 0x1f80;
    unsigned a, b, c, d;
    /* FMA3 is a VEX encoding: CPUID.1:ECX.FMA[12], AVX[28], OSXSAVE[27], and the OS must
     * save the SSE and AVX state (XCR0 bits 1, 2). Intel SDM vol. 1, 14.3. */
    if (__get_cpuid(1, &a, &b, &c, &d) && (c >> 12 & 1) && (c >> 27 & 1) && (c >> 28 & 1)) {
        uint32_t lo, hi;
        __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        host.fma = (lo & 6) == 6;
    }
}

enum { XMM0, XMM1 };

/* A scalar SSE instruction 0f `op` on xmm and an operand, double (f2) or single (f3). */
static void sse(struct asm_buf *a, bool dbl, unsigned op, int xmm, struct operand m)
{
    enc(a, dbl ? PF2 : PF3, 0x0f00u | op, 2, xmm, m);
}

/* vfm*213s{d,s} xmm0, xmm1, [f[rs3]] (VEX.LIG.66.0F38.W{1,0}): xmm0 = ±(xmm0 * xmm1) ± c. */
static void fma213(struct asm_buf *a, bool dbl, unsigned op, struct operand m)
{
    b1(a, 0xc4);
    b1(a, 0xe2);                                      /* R X B = 1 (not extended), map 0f38 */
    b1(a, (dbl ? 0x80 : 0) | (~XMM1 & 0xf) << 3 | 1); /* W, vvvv = ~xmm1, L = 0, pp = 66 */
    b1(a, op);
    enc(a, 0, 0, 0, XMM0, m); /* ModRM onwards (rbx-based: no REX) */
}

/* Jumps to the slow path: collected, then given to the cold entry. */
struct checks {
    uint32_t at[5];
    unsigned n;
};
static void check(struct checks *k, uint32_t at)
{
    if (k->n < 5) k->at[k->n++] = at;
}

/* RNE from the instruction or (DYN) frm = RNE, and NX accrued: fcsr & (frm | NX) == NX. */
static void check_rne_nx(struct block_asm *s, struct checks *k, bool dyn)
{
    struct asm_buf *a = &s->a;
    if (dyn) {
        mov_load(a, 0, RAX, CPU_FIELD(fcsr));
        alu_imm(a, 0, ALU_AND, R(RAX), 0xe1);
        alu_imm(a, 0, ALU_CMP, R(RAX), FFLAG_NX);
        check(k, jcc32(a, CC_NE));
    } else {
        enc(a, 0, 0xf6, 1, 0, CPU_FIELD(fcsr)); /* test byte [fcsr], NX */
        b1(a, FFLAG_NX);
        check(k, jcc32(a, CC_E));
    }
}

/* A single operand must be NaN-boxed (else it reads as the canonical NaN). */
static void check_boxed(struct block_asm *s, struct checks *k, unsigned f)
{
    enc(&s->a, 0, 0x83, 1, ALU_CMP, M(RBX, (int32_t)(offsetof(struct cpu, f) + 8 * f + 4)));
    b1(&s->a, 0xff); /* cmp dword [f + 4], -1 */
    check(k, jcc32(&s->a, CC_NE));
}

/* xmm0 holds the result: finite, normal, biased exponent >= 2, or the slow path. Stores it
 * to f[rd] (a single boxed). */
static void check_and_store(struct block_asm *s, struct checks *k, bool dbl, unsigned rd)
{
    struct asm_buf *a = &s->a;
    enc(a, P66 | (dbl ? W64 : 0), 0x0f7e, 2, XMM0, R(RAX)); /* mov{q,d} rax, xmm0 */
    mov_rr(a, RDX, RAX);
    shift_imm(a, W64, SH_SHR, RDX, dbl ? 52 : 23);
    alu_imm(a, 0, ALU_AND, R(RDX), dbl ? 0x7ff : 0xff);
    alu_imm(a, 0, ALU_SUB, R(RDX), 2);
    alu_imm(a, 0, ALU_CMP, R(RDX), dbl ? 0x7fc : 0xfc);
    check(k, jcc32(a, CC_A));
    if (dbl) {
        mov_store(a, W64, RAX, GF(rd));
    } else {
        mov_store(a, 0, RAX, GF(rd));
        enc(a, 0, 0xc7, 1, 0, M(RBX, (int32_t)(offsetof(struct cpu, f) + 8 * rd + 4)));
        b4(a, 0xffffffffu); /* the box */
    }
}

/* The slow path entry for the checks, and where it comes back. */
static void fast_done(struct block_asm *s, struct checks *k, const struct jit_insn *in,
                      unsigned index)
{
    struct cold *c = cold_add(s, COLD_FP, in, index, k->at[0]);
    for (unsigned i = 1; i < k->n; i++)
        c->also_from[i - 1] = k->at[i];
    c->resume = s->a.pos;
}

/* Which arithmetic runs inline: its SSE opcode (0f xx) or FMA opcode (0f38 xx). */
static bool inline_arith(enum opcode op, bool *dbl, bool *fused, unsigned *code)
{
    static const struct {
        enum opcode s, d;
        bool fused;
        unsigned code;
    } table[] = {
        {OP_FADD_S, OP_FADD_D, false, 0x58},    {OP_FSUB_S, OP_FSUB_D, false, 0x5c},
        {OP_FMUL_S, OP_FMUL_D, false, 0x59},    {OP_FDIV_S, OP_FDIV_D, false, 0x5e},
        {OP_FSQRT_S, OP_FSQRT_D, false, 0x51},  {OP_FMADD_S, OP_FMADD_D, true, 0xa9},
        {OP_FMSUB_S, OP_FMSUB_D, true, 0xab},   /* a*b - c */
        {OP_FNMSUB_S, OP_FNMSUB_D, true, 0xad}, /* -(a*b) + c: vfnmadd */
        {OP_FNMADD_S, OP_FNMADD_D, true, 0xaf}, /* -(a*b) - c: vfnmsub */
    };
    probe();
    if (!host.sse) return false;
    for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
        if (op == table[i].s || op == table[i].d) {
            if (table[i].fused && !host.fma) return false;
            *dbl = op == table[i].d;
            *fused = table[i].fused;
            *code = table[i].code;
            return true;
        }
    return false;
}

static bool emit_arith(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    const struct decoded *d = &in->d;
    bool dbl, fused;
    unsigned code, rm = (unsigned)d->imm & 7, rs3 = (unsigned)d->imm >> 3;
    if ((rm != RM_RNE && rm != RM_DYN) || !inline_arith(d->opcode, &dbl, &fused, &code))
        return false;
    struct asm_buf *a = &s->a;
    struct checks k = {.n = 0};
    check_rne_nx(s, &k, rm == RM_DYN);
    bool sqrt = code == 0x51;
    if (!dbl) {
        check_boxed(s, &k, d->rs1);
        if (!sqrt && d->rs2 != d->rs1) check_boxed(s, &k, d->rs2);
        if (fused && rs3 != d->rs1 && rs3 != d->rs2) check_boxed(s, &k, rs3);
    }
    if (sqrt) {
        sse(a, dbl, 0x51, XMM0, GF(d->rs1));
    } else if (fused) {
        sse(a, dbl, 0x10, XMM0, GF(d->rs1)); /* movs{d,s} */
        sse(a, dbl, 0x10, XMM1, GF(d->rs2));
        fma213(a, dbl, code, GF(rs3));
    } else {
        sse(a, dbl, 0x10, XMM0, GF(d->rs1));
        sse(a, dbl, code, XMM0, GF(d->rs2));
    }
    check_and_store(s, &k, dbl, d->rd);
    fast_done(s, &k, in, index);
    make_dirty(s);
    return true;
}

/* Moves, sign injection (D), compares (D) and conversions between doubles and integers, inline
 * where the result and flags are plain: no flags at all (moves, sign injection, an exact
 * conversion, a compare without NaNs), or only NX, with NX accrued (rounding conversions).
 * False: not one of these, the call does it. */
static bool emit_other(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    struct asm_buf *a = &s->a;
    const struct decoded *d = &in->d;
    unsigned rm = (unsigned)d->imm & 7;
    struct checks k = {.n = 0};
    probe();
    switch (d->opcode) {
    case OP_FMV_X_D: /* moves copy bits */
        mov_load(a, W64, RCX, GF(d->rs1));
        store_x(s, RCX, d->rd);
        return true;
    case OP_FMV_X_W:
        movsxd(a, RCX, GF(d->rs1));
        store_x(s, RCX, d->rd);
        return true;
    case OP_FMV_D_X:
        load_x(s, RCX, d->rs1);
        mov_store(a, W64, RCX, GF(d->rd));
        make_dirty(s);
        return true;
    case OP_FMV_W_X:
        load_x(s, RCX, d->rs1);
        mov_store(a, 0, RCX, GF(d->rd));
        enc(a, 0, 0xc7, 1, 0, M(RBX, (int32_t)(offsetof(struct cpu, f) + 8 * d->rd + 4)));
        b4(a, 0xffffffffu); /* NaN-boxed */
        make_dirty(s);
        return true;
    case OP_FSGNJ_D:
    case OP_FSGNJN_D:
    case OP_FSGNJX_D:
        /* rcx = rs2's sign (inverted for FSGNJN) at bit 63; rax = rs1 without (or with, for
         * FSGNJX) its own */
        mov_load(a, W64, RCX, GF(d->rs2));
        shift_imm(a, W64, SH_SHR, RCX, 63);
        if (d->opcode == OP_FSGNJN_D) alu_imm(a, 0, ALU_XOR, R(RCX), 1);
        shift_imm(a, W64, SH_SHL, RCX, 63);
        mov_load(a, W64, RAX, GF(d->rs1));
        if (d->opcode != OP_FSGNJX_D) {
            shift_imm(a, W64, SH_SHL, RAX, 1); /* clear bit 63 */
            shift_imm(a, W64, SH_SHR, RAX, 1);
        }
        alu_rm(a, W64, d->opcode == OP_FSGNJX_D ? ALU_XOR : ALU_OR, RAX, R(RCX));
        mov_store(a, W64, RAX, GF(d->rd));
        make_dirty(s);
        return true;
    case OP_FEQ_D:
    case OP_FLT_D:
    case OP_FLE_D:
        /* Without a NaN no flag is raised: the host's compare says it (ZF, CF); with one
         * (PF) the call raises NV as FEQ, FLT and FLE each do. */
        if (!host.sse) return false;
        xor_self(a, RCX);
        sse(a, true, 0x10, XMM0, GF(d->rs1));
        enc(a, P66, 0x0f2e, 2, XMM0, GF(d->rs2)); /* ucomisd xmm0, [rs2] */
        check(&k, jcc32(a, 0xa));                 /* jp: unordered */
        setcc(a, d->opcode == OP_FEQ_D ? CC_E : d->opcode == OP_FLT_D ? CC_B : 6 /* be */, RCX);
        store_x(s, RCX, d->rd);
        fast_done(s, &k, in, index);
        return true;
    case OP_FCVT_D_W:
    case OP_FCVT_D_WU:
        /* Exact: every 32-bit integer is a double. The rounding mode must still be valid. */
        if (!host.sse || rm == 5 || rm == 6) return false;
        if (rm == RM_DYN) {
            mov_load(a, 0, RAX, CPU_FIELD(fcsr));
            alu_imm(a, 0, ALU_AND, R(RAX), 0xe0);
            alu_imm(a, 0, ALU_CMP, R(RAX), RM_RMM << 5);
            check(&k, jcc32(a, CC_A));
        }
        load_x(s, RAX, d->rs1);
        if (d->opcode == OP_FCVT_D_WU)
            enc(a, 0, 0x8b, 1, RAX, R(RAX)); /* mov eax, eax: zero-extend */
        else
            movsxd(a, RAX, R(RAX));
        enc(a, PF2 | W64, 0x0f2a, 2, XMM0, R(RAX)); /* cvtsi2sd xmm0, rax */
        sse(a, true, 0x11, XMM0, GF(d->rd));        /* movsd [rd], xmm0 */
        if (k.n) fast_done(s, &k, in, index);
        make_dirty(s);
        return true;
    case OP_FCVT_D_L:
        /* Rounds (above 2^53): in RNE with NX accrued the host's result is the answer. */
        if (!host.sse || (rm != RM_RNE && rm != RM_DYN)) return false;
        check_rne_nx(s, &k, rm == RM_DYN);
        load_x(s, RAX, d->rs1);
        enc(a, PF2 | W64, 0x0f2a, 2, XMM0, R(RAX)); /* cvtsi2sd xmm0, rax */
        sse(a, true, 0x11, XMM0, GF(d->rd));
        fast_done(s, &k, in, index);
        make_dirty(s);
        return true;
    case OP_FCVT_L_D:
    case OP_FCVT_W_D: {
        /* RTZ (C's casts) with NX accrued: the host truncates; its "indefinite" answer (out
         * of range, NaN, and the most negative value itself) goes to the call (NV). Inexact:
         * NX again, which changes the FP state (Dirty). */
        if (!host.sse || rm != RM_RTZ) return false;
        bool l = d->opcode == OP_FCVT_L_D;
        check_rne_nx(s, &k, false);
        sse(a, true, 0x10, XMM0, GF(d->rs1));
        enc(a, PF2 | (l ? W64 : 0), 0x0f2c, 2, RAX, R(XMM0)); /* cvttsd2si rax, xmm0 */
        if (l) {
            mov_imm(a, RDX, 0x8000000000000000ull);
            alu_rm(a, W64, ALU_CMP, RAX, R(RDX));
        } else {
            alu_imm(a, 0, ALU_CMP, R(RAX), INT32_MIN);
        }
        check(&k, jcc32(a, CC_E));
        if (!l) movsxd(a, RAX, R(RAX));
        enc(a, PF2 | W64, 0x0f2a, 2, XMM1, R(RAX)); /* cvtsi2sd xmm1, rax: exact */
        enc(a, P66, 0x0f2e, 2, XMM1, R(XMM0));      /* ucomisd xmm1, xmm0 */
        uint32_t exact = jcc32(a, CC_E);
        mov_imm(a, RDX, MSTATUS_FS_DIRTY | MSTATUS_SD);
        enc(a, W64, 0x09, 1, RDX, CPU_FIELD(mstatus)); /* or [mstatus], rdx */
        set_rel32(a, exact, a->pos);
        store_x(s, RAX, d->rd);
        fast_done(s, &k, in, index);
        return true;
    }
    default: return false;
    }
}

void jit_fp_emit(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    require_fs(s, in, index);
    switch (insn_table[in->d.opcode].format) {
    case FMT_FLOAD: emit_load(s, in, index); break;
    case FMT_FSTORE: emit_store(s, in, index); break;
    default:
        if (!emit_arith(s, in, index) && !emit_other(s, in, index)) emit_call(s, in, index);
        break;
    }
}

void jit_fp_emit_cold(struct block_asm *s, struct cold *c)
{
    struct asm_buf *a = &s->a;
    const struct jit_insn *in = c->in;
    set_rel32(a, c->from, a->pos);
    if (c->kind == COLD_FP) { /* the inline path could not: the call, then back */
        for (unsigned i = 0; i < 4 && c->also_from[i]; i++)
            set_rel32(a, c->also_from[i], a->pos);
        emit_call_only(s, in);
        jcc_to(a, CC_NE, c->resume);
    }
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
