/* Instruction decoding: the table in insns.def, field extraction per format, and the
 * expansion of compressed instructions into the 32-bit instructions they stand for. */
#include "insn.h"

#include "ext.h"

#include <stddef.h>

const struct insn_info insn_table[OP_COUNT] = {
#define Y true
#define N false
#define INSN(name, match, mask, fmt, cls, size, jit)                                               \
    [OP_##name] = {#name, match, mask, FMT_##fmt, CLASS_##cls, size, jit},
#include "insns.def"
#undef INSN
#undef Y
#undef N
};

static inline uint32_t field(uint32_t bits, unsigned lo, unsigned width)
{
    return (bits >> lo) & ((1u << width) - 1);
}

static inline int32_t sign_extend(uint32_t value, unsigned bits)
{
    unsigned shift = 32 - bits;
    return (int32_t)(value << shift) >> shift;
}

/* Immediate layouts, unpriv spec 2.3 "Immediate Encoding Variants". */
static int32_t imm_i(uint32_t b)
{
    return (int32_t)b >> 20;
}
static int32_t imm_s(uint32_t b)
{
    return (int32_t)(b & 0xfe000000) >> 20 | (int32_t)field(b, 7, 5);
}
static int32_t imm_b(uint32_t b)
{
    uint32_t v =
        field(b, 31, 1) << 12 | field(b, 7, 1) << 11 | field(b, 25, 6) << 5 | field(b, 8, 4) << 1;
    return sign_extend(v, 13);
}
static int32_t imm_u(uint32_t b)
{
    return (int32_t)(b & 0xfffff000);
}
static int32_t imm_j(uint32_t b)
{
    uint32_t v = field(b, 31, 1) << 20 | field(b, 12, 8) << 12 | field(b, 20, 1) << 11 |
                 field(b, 21, 10) << 1;
    return sign_extend(v, 21);
}

bool rv_decode(uint32_t bits, struct decoded *out)
{
    *out = (struct decoded){.opcode = OP_ILLEGAL, .len = 4, .bits = bits};
    for (unsigned i = 0; i < OP_COUNT; i++) {
        const struct insn_info *info = &insn_table[i];
        if ((bits & info->mask) != info->match) continue;
        if (!rv_op_enabled((enum opcode)i)) continue; /* -cpu ...,zba=off */
        out->opcode = (enum opcode)i;
        uint8_t rd = (uint8_t)field(bits, 7, 5), rs1 = (uint8_t)field(bits, 15, 5),
                rs2 = (uint8_t)field(bits, 20, 5);
        switch (info->format) {
        case FMT_R: out->rd = rd, out->rs1 = rs1, out->rs2 = rs2; break;
        case FMT_I:
        case FMT_LOAD: out->rd = rd, out->rs1 = rs1, out->imm = imm_i(bits); break;
        case FMT_S: out->rs1 = rs1, out->rs2 = rs2, out->imm = imm_s(bits); break;
        case FMT_B: out->rs1 = rs1, out->rs2 = rs2, out->imm = imm_b(bits); break;
        case FMT_U: out->rd = rd, out->imm = imm_u(bits); break;
        case FMT_J: out->rd = rd, out->imm = imm_j(bits); break;
        case FMT_SHIFT: out->rd = rd, out->rs1 = rs1, out->imm = (int32_t)field(bits, 20, 6); break;
        case FMT_CSR:
        case FMT_CSRI: out->rd = rd, out->rs1 = rs1, out->imm = (int32_t)field(bits, 20, 12); break;
        case FMT_NONE: /* FENCE keeps fm, pred and succ (unpriv spec 2.7) */
            if (i == OP_FENCE) out->imm = (int32_t)field(bits, 20, 12);
            break;
        case FMT_R1: out->rd = rd, out->rs1 = rs1; break;
        case FMT_CBO: out->rs1 = rs1, out->imm = imm_s(bits); break; /* bits 11:7 are 0 */
        case FMT_FLOAD: out->rd = rd, out->rs1 = rs1, out->imm = imm_i(bits); break;
        case FMT_FSTORE: out->rs1 = rs1, out->rs2 = rs2, out->imm = imm_s(bits); break;
        case FMT_FR:
        case FMT_FR1:
        case FMT_FCMP:
        case FMT_F2X:
        case FMT_X2F:
            out->rd = rd, out->rs1 = rs1, out->rs2 = rs2, out->imm = (int32_t)field(bits, 12, 3);
            break;
        case FMT_FR4:
            out->rd = rd, out->rs1 = rs1, out->rs2 = rs2;
            out->imm = (int32_t)(field(bits, 12, 3) | field(bits, 27, 5) << 3);
            break;
        }
        return true;
    }
    return false;
}

/* --- 32-bit encoders used by the compressed expansion (unpriv spec 2.2 formats) --- */

enum {
    OPC_LOAD = 0x03,
    OPC_LOAD_FP = 0x07,
    OPC_STORE_FP = 0x27,
    OPC_OP_IMM = 0x13,
    OPC_OP_IMM_32 = 0x1b,
    OPC_STORE = 0x23,
    OPC_OP = 0x33,
    OPC_LUI = 0x37,
    OPC_OP_32 = 0x3b,
    OPC_BRANCH = 0x63,
    OPC_JALR = 0x67,
    OPC_JAL = 0x6f
};

static uint32_t enc_i(uint32_t opc, unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t enc_s(uint32_t opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return field(u, 5, 7) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | field(u, 0, 5) << 7 | opc;
}
static uint32_t enc_r(uint32_t opc, unsigned f7, unsigned f3, unsigned rd, unsigned rs1,
                      unsigned rs2)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t enc_b(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return field(u, 12, 1) << 31 | field(u, 5, 6) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           field(u, 1, 4) << 8 | field(u, 11, 1) << 7 | OPC_BRANCH;
}
static uint32_t enc_j(unsigned rd, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return field(u, 20, 1) << 31 | field(u, 1, 10) << 21 | field(u, 11, 1) << 20 |
           field(u, 12, 8) << 12 | rd << 7 | OPC_JAL;
}

/* Compressed register fields rd'/rs1'/rs2' name x8..x15. */
static unsigned creg(uint16_t c, unsigned lo)
{
    return 8 + field(c, lo, 3);
}

/* CI-format 6-bit immediate: imm[5] at bit 12, imm[4:0] at bits 6:2. */
static int32_t ci_imm(uint16_t c)
{
    return sign_extend(field(c, 12, 1) << 5 | field(c, 2, 5), 6);
}
static uint32_t ci_uimm(uint16_t c)
{
    return field(c, 12, 1) << 5 | field(c, 2, 5);
}

/* Unpriv spec ch. 16 (RVC), tables "RVC opcode map" and 16.3-16.8 for each form. */
uint32_t rvc_expand(uint16_t c)
{
    unsigned f3 = field(c, 13, 3);
    unsigned rd = field(c, 7, 5), rs2 = field(c, 2, 5);

    switch (c & 3) {
    case 0: /* quadrant 0 */
        switch (f3) {
        case 0: { /* C.ADDI4SPN: nzuimm[5:4|9:6|2|3] */
            uint32_t imm = field(c, 11, 2) << 4 | field(c, 7, 4) << 6 | field(c, 6, 1) << 2 |
                           field(c, 5, 1) << 3;
            if (imm == 0) return 0; /* reserved; also catches the all-zero parcel */
            return enc_i(OPC_OP_IMM, 0, creg(c, 2), 2, (int32_t)imm);
        }
        case 2: { /* C.LW: uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5 */
            uint32_t imm = field(c, 10, 3) << 3 | field(c, 6, 1) << 2 | field(c, 5, 1) << 6;
            return enc_i(OPC_LOAD, 2, creg(c, 2), creg(c, 7), (int32_t)imm);
        }
        case 1: { /* C.FLD: as C.LD, into an FP register */
            uint32_t imm = field(c, 10, 3) << 3 | field(c, 5, 2) << 6;
            return enc_i(OPC_LOAD_FP, 3, creg(c, 2), creg(c, 7), (int32_t)imm);
        }
        case 3: { /* C.LD: uimm[5:3] at 12:10, uimm[7:6] at 6:5 */
            uint32_t imm = field(c, 10, 3) << 3 | field(c, 5, 2) << 6;
            return enc_i(OPC_LOAD, 3, creg(c, 2), creg(c, 7), (int32_t)imm);
        }
        case 5: { /* C.FSD: as C.SD, from an FP register */
            uint32_t imm = field(c, 10, 3) << 3 | field(c, 5, 2) << 6;
            return enc_s(OPC_STORE_FP, 3, creg(c, 7), creg(c, 2), (int32_t)imm);
        }
        case 6: {
            uint32_t imm = field(c, 10, 3) << 3 | field(c, 6, 1) << 2 | field(c, 5, 1) << 6;
            return enc_s(OPC_STORE, 2, creg(c, 7), creg(c, 2), (int32_t)imm);
        }
        case 7: {
            uint32_t imm = field(c, 10, 3) << 3 | field(c, 5, 2) << 6;
            return enc_s(OPC_STORE, 3, creg(c, 7), creg(c, 2), (int32_t)imm);
        }
        default: return 0; /* 100 is reserved */
        }
    case 1: /* quadrant 1 */
        switch (f3) {
        case 0: return enc_i(OPC_OP_IMM, 0, rd, rd, ci_imm(c)); /* C.ADDI, C.NOP; HINTs legal */
        case 1: /* C.ADDIW (RV64; C.JAL is RV32-only) */
            return rd == 0 ? 0 : enc_i(OPC_OP_IMM_32, 0, rd, rd, ci_imm(c));
        case 2: return enc_i(OPC_OP_IMM, 0, rd, 0, ci_imm(c)); /* C.LI */
        case 3:
            if (rd == 2) { /* C.ADDI16SP: nzimm[9] at 12, [4|6|8:7|5] at 6:2 */
                uint32_t imm = field(c, 12, 1) << 9 | field(c, 6, 1) << 4 | field(c, 5, 1) << 6 |
                               field(c, 3, 2) << 7 | field(c, 2, 1) << 5;
                if (imm == 0) return 0;
                return enc_i(OPC_OP_IMM, 0, 2, 2, sign_extend(imm, 10));
            } else { /* C.LUI: nzimm[17] at 12, nzimm[16:12] at 6:2 */
                int32_t imm = sign_extend(ci_uimm(c), 6);
                if (imm == 0) return 0;
                return ((uint32_t)imm << 12) | rd << 7 | OPC_LUI;
            }
        case 4: {
            unsigned r = creg(c, 7);
            switch (field(c, 10, 2)) {
            case 0: return enc_i(OPC_OP_IMM, 5, r, r, (int32_t)ci_uimm(c));           /* C.SRLI */
            case 1: return enc_i(OPC_OP_IMM, 5, r, r, (int32_t)(ci_uimm(c) | 0x400)); /* C.SRAI */
            case 2: return enc_i(OPC_OP_IMM, 7, r, r, ci_imm(c));                     /* C.ANDI */
            default: {
                unsigned r2 = creg(c, 2);
                static const uint8_t f3_of[4] = {0, 4, 6, 7}; /* SUB XOR OR AND */
                unsigned op = field(c, 5, 2);
                if (!field(c, 12, 1)) return enc_r(OPC_OP, op == 0 ? 0x20 : 0, f3_of[op], r, r, r2);
                if (op == 0) return enc_r(OPC_OP_32, 0x20, 0, r, r, r2); /* C.SUBW */
                if (op == 1) return enc_r(OPC_OP_32, 0, 0, r, r, r2);    /* C.ADDW */
                return 0;
            }
            }
        }
        case 5: { /* C.J: imm[11|4|9:8|10|6|7|3:1|5] */
            uint32_t imm = field(c, 12, 1) << 11 | field(c, 11, 1) << 4 | field(c, 9, 2) << 8 |
                           field(c, 8, 1) << 10 | field(c, 7, 1) << 6 | field(c, 6, 1) << 7 |
                           field(c, 3, 3) << 1 | field(c, 2, 1) << 5;
            return enc_j(0, sign_extend(imm, 12));
        }
        default: { /* C.BEQZ / C.BNEZ: imm[8|4:3] at 12:10, imm[7:6|2:1|5] at 6:2 */
            uint32_t imm = field(c, 12, 1) << 8 | field(c, 10, 2) << 3 | field(c, 5, 2) << 6 |
                           field(c, 3, 2) << 1 | field(c, 2, 1) << 5;
            return enc_b(f3 == 6 ? 0 : 1, creg(c, 7), 0, sign_extend(imm, 9));
        }
        }
    case 2: /* quadrant 2 */
        switch (f3) {
        case 0: return enc_i(OPC_OP_IMM, 1, rd, rd, (int32_t)ci_uimm(c)); /* C.SLLI */
        case 2: { /* C.LWSP: uimm[5] at 12, uimm[4:2|7:6] at 6:2 */
            uint32_t imm = field(c, 12, 1) << 5 | field(c, 4, 3) << 2 | field(c, 2, 2) << 6;
            return rd == 0 ? 0 : enc_i(OPC_LOAD, 2, rd, 2, (int32_t)imm);
        }
        case 1: { /* C.FLDSP: as C.LDSP; any rd, f0 included */
            uint32_t imm = field(c, 12, 1) << 5 | field(c, 5, 2) << 3 | field(c, 2, 3) << 6;
            return enc_i(OPC_LOAD_FP, 3, rd, 2, (int32_t)imm);
        }
        case 3: { /* C.LDSP: uimm[5] at 12, uimm[4:3|8:6] at 6:2 */
            uint32_t imm = field(c, 12, 1) << 5 | field(c, 5, 2) << 3 | field(c, 2, 3) << 6;
            return rd == 0 ? 0 : enc_i(OPC_LOAD, 3, rd, 2, (int32_t)imm);
        }
        case 4:
            if (!field(c, 12, 1)) {
                if (rs2 == 0) /* C.JR */
                    return rd == 0 ? 0 : enc_i(OPC_JALR, 0, 0, rd, 0);
                return enc_r(OPC_OP, 0, 0, rd, 0, rs2); /* C.MV */
            }
            if (rs2 == 0) return rd == 0 ? 0x00100073 /* C.EBREAK */ : enc_i(OPC_JALR, 0, 1, rd, 0);
            return enc_r(OPC_OP, 0, 0, rd, rd, rs2); /* C.ADD */
        case 6: {                                    /* C.SWSP: uimm[5:2|7:6] at 12:7 */
            uint32_t imm = field(c, 9, 4) << 2 | field(c, 7, 2) << 6;
            return enc_s(OPC_STORE, 2, 2, rs2, (int32_t)imm);
        }
        case 7: { /* C.SDSP: uimm[5:3|8:6] at 12:7 */
            uint32_t imm = field(c, 10, 3) << 3 | field(c, 7, 3) << 6;
            return enc_s(OPC_STORE, 3, 2, rs2, (int32_t)imm);
        }
        case 5: { /* C.FSDSP: as C.SDSP, from an FP register */
            uint32_t imm = field(c, 10, 3) << 3 | field(c, 7, 3) << 6;
            return enc_s(OPC_STORE_FP, 3, 2, rs2, (int32_t)imm);
        }
        default: return 0; /* unreachable: every funct3 of quadrant 2 is handled */
        }
    default: return 0; /* not a compressed instruction */
    }
}

bool rv_decode_parcels(uint16_t lo, uint16_t hi, struct decoded *out)
{
    if (rv_insn_len(lo) == 4) return rv_decode((uint32_t)lo | (uint32_t)hi << 16, out);
    uint32_t expanded = rvc_expand(lo);
    bool ok = expanded != 0 && rv_decode(expanded, out);
    if (!ok) *out = (struct decoded){.opcode = OP_ILLEGAL, .bits = lo};
    out->len = 2;
    return ok;
}
