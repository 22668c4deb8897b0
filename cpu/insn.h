/* Decoded instructions and the decoder's interface. */
#ifndef RV39_INSN_H
#define RV39_INSN_H

#include <stdbool.h>
#include <stdint.h>

enum insn_format {
    FMT_R,
    FMT_I,
    FMT_LOAD,
    FMT_S,
    FMT_B,
    FMT_U,
    FMT_J,
    FMT_SHIFT,
    FMT_CSR,
    FMT_CSRI,
    FMT_NONE,
    FMT_R1,  /* rd, rs1: the unary bit-manipulation instructions (clz .. rev8) */
    FMT_CBO, /* rs1 (and imm, the prefetches' offset): cache-block operations and hints */
    /* F/D forms (f = FP register, x = integer register). Where the instruction has a
     * rounding-mode field, imm holds rm (bits 14:12); FMT_FR4 adds rs3 as imm >> 3. */
    FMT_FLOAD,  /* rd f, offset(rs1 x) */
    FMT_FSTORE, /* rs2 f, offset(rs1 x) */
    FMT_FR,     /* rd f, rs1 f, rs2 f */
    FMT_FR1,    /* rd f, rs1 f */
    FMT_FR4,    /* rd f, rs1 f, rs2 f, rs3 f */
    FMT_FCMP,   /* rd x, rs1 f, rs2 f */
    FMT_F2X,    /* rd x, rs1 f */
    FMT_X2F,    /* rd f, rs1 x */
};

/* True when rd names an FP register: f0 is an ordinary register, not a sink like x0. */
static inline bool insn_format_writes_freg(enum insn_format f)
{
    return f == FMT_FLOAD || f == FMT_FR || f == FMT_FR1 || f == FMT_FR4 || f == FMT_X2F;
}

/* The class column of insns.def. */
enum insn_class {
    CLASS_ALU,    /* integer computation (I, M, bit manipulation, Zicond, lui/auipc) */
    CLASS_BRANCH, /* conditional branches */
    CLASS_JUMP,   /* jal, jalr */
    CLASS_LOAD,   /* integer and FP loads */
    CLASS_STORE,  /* integer and FP stores */
    CLASS_LR,     /* load-reserved */
    CLASS_SC,     /* store-conditional */
    CLASS_AMO,    /* read-modify-write atomics */
    CLASS_CSR,    /* Zicsr */
    CLASS_FP,     /* FP computation, compares, conversions, moves */
    CLASS_FENCE,  /* fence, fence.i */
    CLASS_CMO,    /* cbo.* */
    CLASS_HINT,   /* prefetch.*, pause: never trap, do nothing here */
    CLASS_SYSTEM, /* ecall, ebreak, xRET, wfi, sfence.vma and Svinval */
};

enum opcode {
#define INSN(name, ...) OP_##name,
#include "insns.def"
#undef INSN
    OP_COUNT,
    OP_ILLEGAL = OP_COUNT,
};

struct insn_info {
    const char *name; /* "FENCE_I", "AMOADD_W": lower-case it and read _ as . for assembly */
    uint32_t match, mask;
    enum insn_format format;
    enum insn_class cls;
    uint8_t size; /* bytes of memory accessed, 0 for none */
    bool jit;     /* the JIT translates it */
};

/* LR, SC and the AMOs: the A extension's accesses (address = rs1, no offset). */
static inline bool insn_class_atomic(enum insn_class c)
{
    return c == CLASS_LR || c == CLASS_SC || c == CLASS_AMO;
}
extern const struct insn_info insn_table[OP_COUNT];

/* A decoded instruction. In the interpreter, `op` is the handler's address; elsewhere
 * (decoder output, disassembler, tests) `opcode` says which instruction it is. */
struct decoded {
    enum opcode opcode;
    int32_t imm; /* sign-extended immediate; CSR number for CSR forms; shamt for shifts */
    uint8_t rd, rs1, rs2;
    uint8_t len;   /* 2 (compressed) or 4 */
    uint32_t bits; /* the 32-bit (expanded, for compressed) encoding */
};

/* The slot the interpreter executes: 16 bytes, four to a cache line. The instruction's
 * length is not stored: it is built into the handler (cpu/exec_ops.inc, ILEN). */
struct insn {
    const void *op;
    union {
        int32_t imm;
        struct {
            uint8_t shamt, rd2;
        } pair; /* a fused slli + add (cpu/exec_forms.c, fuse_pair) */
    };
    uint8_t rd, rs1, rs2;
    uint8_t count; /* instructions counted ahead from here (cpu/exec_forms.h, stretches) */
};

/* Decode a 32-bit instruction. Returns false (opcode OP_ILLEGAL) if it is not one we know. */
bool rv_decode(uint32_t bits, struct decoded *out);
/* Expand a 16-bit compressed instruction into the 32-bit instruction it stands for
 * (unpriv spec ch. 16 "C" Standard Extension). Returns 0 for illegal or reserved encodings. */
uint32_t rvc_expand(uint16_t c);
/* Decode whatever starts with `lo` (and `hi`, if it is a 32-bit instruction). */
bool rv_decode_parcels(uint16_t lo, uint16_t hi, struct decoded *out);
/* Instruction length from its first parcel, unpriv spec 1.5. */
static inline unsigned rv_insn_len(uint16_t lo)
{
    return (lo & 3) == 3 ? 4 : 2;
}

#endif
