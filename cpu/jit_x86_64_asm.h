/* The x86-64 encoder the translator's back end is written with (cpu/jit_x86_64.c: blocks and
 * the base ISA; cpu/jit_x86_64_bitmanip.c: Zba/Zbb/Zbs/Zicond). Encodings: Intel SDM vol. 2.
 * Not for use outside cpu/jit*.c. */
#ifndef RV39_JIT_X86_64_ASM_H
#define RV39_JIT_X86_64_ASM_H

#include <stddef.h>
#include <string.h>

#include "jit_internal.h"

enum reg { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
#define NOREG (-1)

/* Flags of an encoding: REX.W (64-bit operand), 0x66 (16-bit operand), and byte registers
 * (a REX prefix, even an empty one, selects sil/dil instead of dh/bh). */
#define W64 1u
#define P66 2u
#define BYTE_REGS 4u
#define PF3 8u  /* the 0xf3 prefix of popcnt, lzcnt, tzcnt (and of SSE's scalar singles) */
#define PF2 16u /* the 0xf2 prefix of SSE2's scalar doubles */
#define LOCK 32u /* the 0xf0 prefix: the read-modify-write is atomic (xadd, cmpxchg) */

/* ALU operations by their /digit (the reg-r/m form is digit * 8 + 3). */
enum alu { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
/* Shifts and rotates by their /digit in c1 (by imm8) and d3 (by cl). */
enum shift { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };
/* Condition codes (the low nibble of jcc/setcc). */
enum cc {
    CC_B = 2,
    CC_AE = 3,
    CC_E = 4,
    CC_NE = 5,
    CC_A = 7,
    CC_L = 0xc,
    CC_GE = 0xd,
    CC_LE = 0xe,
    CC_G = 0xf
};

struct operand {
    bool is_reg;
    int reg;         /* when is_reg */
    int base, index; /* memory: [base + index + disp] */
    int32_t disp;
};

static inline struct operand R(int r) {
    return (struct operand){.is_reg = true, .reg = r};
} static inline struct operand M(int base, int32_t disp) {
    return (struct operand){.base = base, .index = NOREG, .disp = disp};
} static inline struct operand MI(int base, int index, int32_t disp) {
    return (struct operand){.base = base, .index = index, .disp = disp};
}
/* Guest register r, and other fields of struct cpu, relative to rbx. */
static inline struct operand
GX(unsigned r) {
    return M(RBX, (int32_t)(offsetof(struct cpu, x) + 8 * r));
}
#define CPU_FIELD(f) M(RBX, (int32_t)offsetof(struct cpu, f))

struct asm_buf {
    struct jit *j;
    size_t pos;
    bool full;
};

static inline void b1(struct asm_buf *a, unsigned v)
{
    if (a->pos < a->j->size)
        a->j->rw[a->pos++] = (uint8_t)v;
    else
        a->full = true;
}
static inline void b4(struct asm_buf *a, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b1(a, v >> (8 * i));
}
static inline void b8(struct asm_buf *a, uint64_t v)
{
    b4(a, (uint32_t)v);
    b4(a, (uint32_t)(v >> 32));
}

/* One instruction: prefixes, REX, opcode (1 to 3 bytes, most significant first), ModRM with
 * `reg` in its reg field (a register or an opcode extension), SIB and displacement. */
static inline void enc(struct asm_buf *a, unsigned flags, uint32_t opcode, int oplen, int reg,
                       struct operand rm)
{
    if (flags & LOCK) b1(a, 0xf0);
    if (flags & P66) b1(a, 0x66);
    if (flags & PF3) b1(a, 0xf3);
    if (flags & PF2) b1(a, 0xf2);
    int base = rm.is_reg ? rm.reg : rm.base;
    unsigned rex = (flags & W64) ? 8 : 0;
    if (reg & 8) rex |= 4;
    if (!rm.is_reg && rm.index != NOREG && (rm.index & 8)) rex |= 2;
    if (base & 8) rex |= 1;
    bool byte_reg =
        (flags & BYTE_REGS) && ((reg >= 4 && reg < 8) || (rm.is_reg && base >= 4 && base < 8));
    if (rex || byte_reg) b1(a, 0x40 | rex);
    for (int i = oplen - 1; i >= 0; i--)
        b1(a, opcode >> (8 * i));
    if (rm.is_reg) {
        b1(a, 0xc0 | (reg & 7) << 3 | (base & 7));
        return;
    }
    /* rbp/r13 as base need a displacement; rsp/r12 as base need a SIB byte. */
    int mod = rm.disp == 0 && (base & 7) != 5 ? 0 : rm.disp >= -128 && rm.disp <= 127 ? 1 : 2;
    bool sib = rm.index != NOREG || (base & 7) == 4;
    b1(a, (unsigned)mod << 6 | (reg & 7) << 3 | (sib ? 4 : (base & 7)));
    if (sib) b1(a, ((rm.index == NOREG ? 4 : rm.index) & 7) << 3 | (base & 7));
    if (mod == 1) b1(a, (uint8_t)rm.disp);
    if (mod == 2) b4(a, (uint32_t)rm.disp);
}

static inline bool fits8(int64_t v)
{
    return v >= -128 && v <= 127;
}
static inline bool fits32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

static inline void mov_load(struct asm_buf *a, unsigned w, int dst, struct operand src)
{
    enc(a, w, 0x8b, 1, dst, src);
}
static inline void mov_store(struct asm_buf *a, unsigned w, int src, struct operand dst)
{
    enc(a, w, 0x89, 1, src, dst);
}
static inline void mov_rr(struct asm_buf *a, int dst, int src)
{
    enc(a, W64, 0x8b, 1, dst, R(src));
}
static inline void mov_imm(struct asm_buf *a, int r, uint64_t v)
{
    if (v <= UINT32_MAX) { /* mov r32, imm32 zero-extends */
        if (r & 8) b1(a, 0x41);
        b1(a, 0xb8 + (r & 7));
        b4(a, (uint32_t)v);
    } else if (fits32((int64_t)v)) { /* mov r/m64, imm32 sign-extends */
        enc(a, W64, 0xc7, 1, 0, R(r));
        b4(a, (uint32_t)v);
    } else {
        b1(a, 0x48 | ((r & 8) ? 1 : 0));
        b1(a, 0xb8 + (r & 7));
        b8(a, v);
    }
}
static inline void alu_rm(struct asm_buf *a, unsigned w, enum alu op, int dst, struct operand src)
{
    enc(a, w, (uint32_t)op << 3 | 3, 1, dst, src);
}
static inline void alu_imm(struct asm_buf *a, unsigned w, enum alu op, struct operand dst,
                           int32_t imm)
{
    if (fits8(imm)) {
        enc(a, w, 0x83, 1, op, dst);
        b1(a, (uint8_t)imm);
    } else {
        enc(a, w, 0x81, 1, op, dst);
        b4(a, (uint32_t)imm);
    }
}
static inline void shift_imm(struct asm_buf *a, unsigned w, enum shift op, int r, unsigned n)
{
    enc(a, w, 0xc1, 1, op, R(r));
    b1(a, n);
}
static inline void shift_cl(struct asm_buf *a, unsigned w, enum shift op, int r)
{
    enc(a, w, 0xd3, 1, op, R(r));
}
static inline void movsxd(struct asm_buf *a, int dst, struct operand src)
{
    enc(a, W64, 0x63, 1, dst, src);
}
static inline void xor_self(struct asm_buf *a, int r)
{
    enc(a, 0, 0x33, 1, r, R(r));
}
static inline void setcc(struct asm_buf *a, enum cc cc, int r)
{
    enc(a, BYTE_REGS, 0x0f90u | cc, 2, 0, R(r));
}
static inline void test_rr(struct asm_buf *a, unsigned w, int r)
{
    enc(a, w, 0x85, 1, r, R(r));
}
static inline void cmp_byte_zero(struct asm_buf *a, struct operand m)
{
    enc(a, 0, 0x80, 1, 7, m);
    b1(a, 0);
}
static inline void call_abs(struct asm_buf *a, const void *fn)
{
    mov_imm(a, RAX, (uint64_t)(uintptr_t)fn);
    b1(a, 0xff);
    b1(a, 0xd0); /* call rax */
}

/* Jumps with a rel32 to fill in: return the offset of the rel32. */
static inline uint32_t jcc32(struct asm_buf *a, enum cc cc)
{
    b1(a, 0x0f);
    b1(a, 0x80 | cc);
    uint32_t at = (uint32_t)a->pos;
    b4(a, 0);
    return at;
}
static inline uint32_t jmp32(struct asm_buf *a)
{
    b1(a, 0xe9);
    uint32_t at = (uint32_t)a->pos;
    b4(a, 0);
    return at;
}
static inline void set_rel32(struct asm_buf *a, uint32_t at, size_t target)
{
    if (a->full || at + 4 > a->j->size) return;
    int32_t rel = (int32_t)((int64_t)target - (int64_t)(at + 4));
    memcpy(a->j->rw + at, &rel, 4);
}
static inline void jcc_to(struct asm_buf *a, enum cc cc, size_t target)
{
    set_rel32(a, jcc32(a, cc), target);
}
static inline void jmp_to(struct asm_buf *a, size_t target)
{
    set_rel32(a, jmp32(a), target);
}

static inline void push(struct asm_buf *a, int r)
{
    if (r & 8) b1(a, 0x41);
    b1(a, 0x50 + (r & 7));
}
static inline void pop(struct asm_buf *a, int r)
{
    if (r & 8) b1(a, 0x41);
    b1(a, 0x58 + (r & 7));
}

/* cpu/jit_x86_64_bitmanip.c: Zba, Zbb, Zbc, Zbs and Zicond. */
/* The C helper that computes `op` (rd = f(rs1, rs2)), or NULL when inline code does. */
typedef uint64_t (*jit_helper2)(uint64_t, uint64_t);
jit_helper2 jit_bitmanip_helper(enum opcode op);
/* Whether rorx (BMI2) may be used: the host has it and jit_use_host_bitops allows it. */
bool jit_host_rorx(void);
/* Inline code for `d`: rax = d(rs1 in rax, rs2 in rcx, d->imm). Clobbers rcx, rdx, flags. */
void jit_bitmanip_emit(struct asm_buf *a, const struct decoded *d);

/* cpu/jit_x86_64_atomic.c: LR, SC, AMOs. The access size (4, 8), or 0: not an A instruction. */
unsigned jit_atomic_size(enum opcode op);
/* The fast-TLB hit path of `op`: rax = address, rsi = its addend, rdi = rs2; leaves rd's
 * value in rcx. Clobbers rax, rdx, rsi, flags. */
void jit_atomic_emit(struct asm_buf *a, enum opcode op);

/* ---- the block being emitted (cpu/jit_x86_64.c), for templates in the other files ---- */

/* Work for the cold part after the block body. */
enum cold_kind {
    COLD_BRANCH,
    COLD_LOAD,
    COLD_LOAD_DIRECT, /* a direct load outside RAM (cpu/jit_x86_64_direct.c): cpu_load */
    COLD_STORE,
    COLD_ATOMIC,
    COLD_ILLEGAL, /* raise illegal instruction at the instruction (cpu/jit_x86_64_fp.c) */
    COLD_FP,      /* an FP instruction's exact path (cpu/jit_x86_64_fp.c) */
    COLD_DRAIN,   /* a call, then leave if asked: FENCE's mailbox, PAUSE's yield */
};
struct cold {
    enum cold_kind kind;
    const struct jit_insn *in;
    unsigned index; /* the instruction's position in the block: that many retired before it */
    uint32_t from;  /* rel32 of the jcc that leads here */
    uint32_t also_from[4]; /* FP: more jccs to the same place (0: none) */
    size_t resume;         /* where the fast path goes on (loads, stores, FP) */
    size_t hit;            /* loads, stores: the fast path's addend load, after the tag compare */
    int32_t table; /* loads, stores: offset of the fast-TLB table in the set (read, write) */
    /* Integer loads and stores: the hot path kept the address as [addr_base + addr_disp]
     * (a cached register) rather than in rax, which the slow path sets first. */
    bool addr_lea;
    int addr_base;
    int32_t addr_disp;
};

struct block_asm {
    struct asm_buf a;
    struct jit_block *b;
    struct cold cold[3 * JIT_MAX_INSNS]; /* at most two per instruction, one more per block */
    unsigned cold_count;
    size_t body;                         /* where the body starts, after the entry loads */
    const struct jit_insn *insns;        /* the block's instructions */
    unsigned n;
    /* where each instruction's code starts: a branch to an instruction of the block itself
     * jumps there (exit_to) */
    size_t insn_pos[JIT_MAX_INSNS];
    int host_of[33];                     /* guest register -> host register, or -1 */
    uint64_t written[JIT_MAX_INSNS + 1]; /* bit r: cached x[r] written by insns [0, k) */
    /* FP state known at this point of the block: mstatus.FS checked (not Off), made Dirty.
     * Nothing a block runs turns FS off or clean again (CSR writes end blocks). */
    bool fs_on, fs_dirty;
};

/* Guest register r's host register, or -1; as an operand (its home in c->x[] if none). */
int cached(const struct block_asm *s, unsigned r);
struct operand opnd(const struct block_asm *s, unsigned r);
/* host = x[r]; x[r] = host (nothing when r lives in host already). */
void load_x(struct block_asm *s, int host, unsigned r);
void store_x(struct block_asm *s, int host, unsigned r);
/* Write cached registers in `mask` back to c->x[]; `only_safe`: just the ones a call left. */
void write_back(struct block_asm *s, uint64_t mask, bool only_safe);
/* Around a helper call: the call-clobbered cache registers go home and come back. */
void spill_for_call(struct block_asm *s);
void reload_after_call(struct block_asm *s);
/* The access size of a load, store or atomic (insns.def's size column). */
unsigned access_size(enum opcode op);
/* rax = rs1 + imm. */
void effective_address(struct block_asm *s, const struct jit_insn *in);
/* cpu/jit_x86_64_direct.c: in a block of the direct regime (JIT_KEY_DIRECT), a load's address
 * checked against RAM: rsi = its offset in RAM, rdx = RAM's host base, and a jump to a
 * COLD_LOAD_DIRECT slow path (which gets rax = address) when outside. False (nothing emitted) in
 * other blocks: then tlb_probe. */
bool jit_direct_address(struct block_asm *s, const struct jit_insn *in, unsigned index);
/* rax = rs1 + imm, rdx = fast-TLB index * 16, jne to a cold slow path of `kind` on a miss;
 * on a hit, rsi = the addend. `table`: 0 (read) or the offset of the write table. */
void tlb_probe(struct block_asm *s, const struct jit_insn *in, enum cold_kind kind, unsigned index,
               int32_t table);
/* The same for an integer load or store, which returns the memory operand of the access: with
 * rs1 in a host register, [rsi + that register + imm], and rax is set only on the slow path. */
struct operand tlb_probe_access(struct block_asm *s, const struct jit_insn *in, enum cold_kind kind,
                                unsigned index, int32_t table);
/* A new cold part entry, reached from the jcc whose rel32 is at `from`. */
struct cold *cold_add(struct block_asm *s, enum cold_kind kind, const struct jit_insn *in,
                      unsigned index, uint32_t from);

/* cpu/jit_x86_64_div.c: DIV[U][W], REM[U][W]: rax = rax op rcx (the spec's results for a zero
 * divisor and for overflow). Clobbers rdx and the flags. */
bool jit_div_translates(enum opcode op);
void jit_div_emit(struct asm_buf *a, enum opcode op);

/* cpu/jit_x86_64_fp.c: F, D, Zfh and Zfa. */
bool jit_fp_translates(enum opcode op);
void jit_fp_emit(struct block_asm *s, const struct jit_insn *in, unsigned index);
void jit_fp_emit_cold(struct block_asm *s, struct cold *c);
/* The slow paths of FP loads and stores: the loaded value (rcx) to f[rd] (boxed), and
 * f[rs2] into rcx. */
void jit_fp_load_result(struct block_asm *s, const struct jit_insn *in);
#define GF(r) M(RBX, (int32_t)(offsetof(struct cpu, f) + 8 * (r)))

#endif
