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
    FMT_NONE
};

enum opcode {
#define INSN(name, match, mask, fmt) OP_##name,
#include "insns.def"
#undef INSN
    OP_COUNT,
    OP_ILLEGAL = OP_COUNT,
};

struct insn_info {
    const char *name; /* "FENCE_I", "AMOADD_W": lower-case it and read _ as . for assembly */
    uint32_t match, mask;
    enum insn_format format;
};
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
    int32_t imm;
    uint8_t rd, rs1, rs2;
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
