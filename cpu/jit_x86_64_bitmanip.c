/* The translator's templates for Zba, Zbb, Zbc, Zbs and Zicond (riscv-bitmanip 1.0.0 ch. 2,
 * the unprivileged spec's "Zicond"): host instructions where x86-64 has them (shifts and adds,
 * rotates, bt/bts/btr/btc, bswap, movsx/movzx, cmov), popcnt/lzcnt/tzcnt only where CPUID says
 * the host has them (else bsr/bsf with a cmov for the zero case, or a C helper), and C helpers
 * for the carry-less products and orc.b. The block code (cpu/jit_x86_64.c) puts rs1 in rax
 * and rs2 in rcx and stores rax to rd. */
#include "jit_x86_64_asm.h"

#ifdef RV39_JIT
#include <cpuid.h>

#include "bitmanip.h"

/* Optional host instructions (Intel SDM vol. 2, CPUID): POPCNT = CPUID.1:ECX[23], LZCNT =
 * CPUID.80000001H:ECX[5] (ABM), TZCNT = BMI1 = CPUID.(7,0):EBX[3], RORX = BMI2 =
 * CPUID.(7,0):EBX[8]. Without them, lzcnt and tzcnt would silently run as bsr and bsf (the
 * f3 prefix is ignored): wrong for zero; rorx would raise #UD. */
static struct {
    bool probed, popcnt, lzcnt, tzcnt, rorx, use;
} host = {.use = true};

static void probe(void)
{
    if (host.probed) return;
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) host.popcnt = (c >> 23) & 1;
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) host.lzcnt = (c >> 5) & 1;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        host.tzcnt = (b >> 3) & 1;
        host.rorx = (b >> 8) & 1;
    }
    host.probed = true;
}

void jit_use_host_bitops(bool use)
{
    host.use = use;
}

static bool has(bool feature)
{
    probe();
    return host.use && feature;
}

bool jit_host_rorx(void)
{
    return has(host.rorx);
}

static uint64_t h_cpop(uint64_t a, uint64_t b)
{
    (void)b;
    return bm_cpop(a);
}
static uint64_t h_cpopw(uint64_t a, uint64_t b)
{
    (void)b;
    return bm_cpop((uint32_t)a);
}
static uint64_t h_orc_b(uint64_t a, uint64_t b)
{
    (void)b;
    return bm_orc_b(a);
}

jit_helper2 jit_bitmanip_helper(enum opcode op)
{
    switch (op) {
    case OP_CLMUL: return bm_clmul;
    case OP_CLMULH: return bm_clmulh;
    case OP_CLMULR: return bm_clmulr;
    case OP_ORC_B: return h_orc_b;
    case OP_CPOP: return has(host.popcnt) ? NULL : h_cpop;
    case OP_CPOPW: return has(host.popcnt) ? NULL : h_cpopw;
    default: return NULL;
    }
}

static void mov32(struct asm_buf *a, int r) /* mov r32, r32: zero-extend the low word */
{
    enc(a, 0, 0x8b, 1, r, R(r));
}
static void cmov(struct asm_buf *a, unsigned w, enum cc cc, int dst, int src)
{
    enc(a, w, 0x0f40u | cc, 2, dst, R(src));
}
static void not_r(struct asm_buf *a, int r)
{
    enc(a, W64, 0xf7, 1, 2, R(r));
}

/* clz/clzw: lzcnt, or bsr (index of the top set bit, ZF when the source is 0) turned into a
 * count with xor (width - 1), and 2 * width - 1 in the zero case so that the xor gives width. */
static void count_leading(struct asm_buf *a, bool word)
{
    unsigned w = word ? 0 : W64;
    if (has(host.lzcnt)) {
        enc(a, w | PF3, 0x0fbd, 2, RAX, R(RAX));
        return;
    }
    enc(a, w, 0x0fbd, 2, RAX, R(RAX)); /* bsr */
    mov_imm(a, RCX, word ? 63 : 127);
    cmov(a, 0, CC_E, RAX, RCX);
    alu_imm(a, 0, ALU_XOR, R(RAX), word ? 31 : 63);
}

/* ctz/ctzw: tzcnt, or bsf with the width for a zero source. */
static void count_trailing(struct asm_buf *a, bool word)
{
    unsigned w = word ? 0 : W64;
    if (has(host.tzcnt)) {
        enc(a, w | PF3, 0x0fbc, 2, RAX, R(RAX));
        return;
    }
    enc(a, w, 0x0fbc, 2, RAX, R(RAX)); /* bsf */
    mov_imm(a, RCX, word ? 32 : 64);
    cmov(a, 0, CC_E, RAX, RCX);
}

/* bt-family: bt /4, bts /5, btr /6, btc /7 (0f ba with imm8; 0f a3/ab/b3/bb with rcx). With
 * a register operand the bit index is taken mod 64, as Zbs takes it mod XLEN. */
static void bit_op(struct asm_buf *a, unsigned digit, const struct decoded *d, bool imm)
{
    static const uint32_t by_reg[8] = {[5] = 0x0fab, [6] = 0x0fb3, [7] = 0x0fbb};
    if (imm) {
        enc(a, W64, 0x0fba, 2, (int)digit, R(RAX));
        b1(a, (unsigned)d->imm & 63);
    } else {
        enc(a, W64, by_reg[digit], 2, RCX, R(RAX));
    }
}

/* rd = (rs1 >> index) & 1 */
static void bit_extract(struct asm_buf *a, const struct decoded *d, bool imm)
{
    if (imm)
        shift_imm(a, W64, SH_SHR, RAX, (unsigned)d->imm & 63);
    else
        shift_cl(a, W64, SH_SHR, RAX);
    alu_imm(a, 0, ALU_AND, R(RAX), 1);
}

static void shift_add(struct asm_buf *a, unsigned n, bool uw)
{
    if (uw) mov32(a, RAX);
    if (n) shift_imm(a, W64, SH_SHL, RAX, n);
    alu_rm(a, W64, ALU_ADD, RAX, R(RCX));
}

static void rotate(struct asm_buf *a, enum shift op, bool word, const struct decoded *d, bool imm)
{
    unsigned w = word ? 0 : W64;
    if (imm)
        shift_imm(a, w, op, RAX, (unsigned)d->imm & (word ? 31 : 63));
    else
        shift_cl(a, w, op, RAX); /* the count is taken mod 32 or mod 64, as the spec's */
    if (word) movsxd(a, RAX, R(RAX));
}

/* czero: rax = (rcx ==/!= 0) ? 0 : rax. The xor goes first: it writes the flags. */
static void czero(struct asm_buf *a, enum cc when_zeroed)
{
    xor_self(a, RDX);
    test_rr(a, W64, RCX);
    cmov(a, W64, when_zeroed, RAX, RDX);
}

void jit_bitmanip_emit(struct asm_buf *a, const struct decoded *d)
{
    switch (d->opcode) {
    case OP_SH1ADD: shift_add(a, 1, false); break;
    case OP_SH2ADD: shift_add(a, 2, false); break;
    case OP_SH3ADD: shift_add(a, 3, false); break;
    case OP_ADD_UW: shift_add(a, 0, true); break;
    case OP_SH1ADD_UW: shift_add(a, 1, true); break;
    case OP_SH2ADD_UW: shift_add(a, 2, true); break;
    case OP_SH3ADD_UW: shift_add(a, 3, true); break;
    case OP_SLLI_UW:
        mov32(a, RAX);
        shift_imm(a, W64, SH_SHL, RAX, (unsigned)d->imm & 63);
        break;
    case OP_ANDN:
        not_r(a, RCX);
        alu_rm(a, W64, ALU_AND, RAX, R(RCX));
        break;
    case OP_ORN:
        not_r(a, RCX);
        alu_rm(a, W64, ALU_OR, RAX, R(RCX));
        break;
    case OP_XNOR:
        alu_rm(a, W64, ALU_XOR, RAX, R(RCX));
        not_r(a, RAX);
        break;
    case OP_CLZ: count_leading(a, false); break;
    case OP_CLZW: count_leading(a, true); break;
    case OP_CTZ: count_trailing(a, false); break;
    case OP_CTZW: count_trailing(a, true); break;
    case OP_CPOP: enc(a, W64 | PF3, 0x0fb8, 2, RAX, R(RAX)); break; /* only with POPCNT */
    case OP_CPOPW: enc(a, PF3, 0x0fb8, 2, RAX, R(RAX)); break;
    /* cmp rax, rcx; then take rcx when rax is less (max) or greater (min) */
    case OP_MAX:
    case OP_MAXU:
    case OP_MIN:
    case OP_MINU: {
        static const enum cc take_rs2[] = {CC_L, CC_B, CC_G, CC_A};
        alu_rm(a, W64, ALU_CMP, RAX, R(RCX));
        cmov(a, W64, take_rs2[d->opcode - OP_MAX], RAX, RCX);
        break;
    }
    case OP_SEXT_B: enc(a, W64, 0x0fbe, 2, RAX, R(RAX)); break; /* movsx rax, al */
    case OP_SEXT_H: enc(a, W64, 0x0fbf, 2, RAX, R(RAX)); break; /* movsx rax, ax */
    case OP_ZEXT_H: enc(a, 0, 0x0fb7, 2, RAX, R(RAX)); break;   /* movzx eax, ax */
    case OP_ROL: rotate(a, SH_ROL, false, d, false); break;
    case OP_ROLW: rotate(a, SH_ROL, true, d, false); break;
    case OP_ROR: rotate(a, SH_ROR, false, d, false); break;
    case OP_RORW: rotate(a, SH_ROR, true, d, false); break;
    case OP_RORI: rotate(a, SH_ROR, false, d, true); break;
    case OP_RORIW: rotate(a, SH_ROR, true, d, true); break;
    case OP_REV8: /* bswap rax: REX.W 0f c8+r */
        b1(a, 0x48);
        b1(a, 0x0f);
        b1(a, 0xc8);
        break;
    case OP_BSET: bit_op(a, 5, d, false); break;
    case OP_BCLR: bit_op(a, 6, d, false); break;
    case OP_BINV: bit_op(a, 7, d, false); break;
    case OP_BSETI: bit_op(a, 5, d, true); break;
    case OP_BCLRI: bit_op(a, 6, d, true); break;
    case OP_BINVI: bit_op(a, 7, d, true); break;
    case OP_BEXT: bit_extract(a, d, false); break;
    case OP_BEXTI: bit_extract(a, d, true); break;
    case OP_CZERO_EQZ: czero(a, CC_E); break;
    case OP_CZERO_NEZ: czero(a, CC_NE); break;
    default: break; /* the helpers' instructions: see jit_bitmanip_helper */
    }
}
#endif
