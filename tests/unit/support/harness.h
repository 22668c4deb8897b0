/* Shared harness for the instruction-level unit tests: one hart in M-mode, 1 MiB of RAM at
 * the DRAM base, an empty bus (so every other physical address gives an access fault), a
 * little assembler, and ways to run exactly N instructions.
 *
 * Usage in a test file:
 *
 *     TestSuite(rv64i, .init = harness_init, .fini = harness_fini);
 *     Test(rv64i, addw_sign_extends_bit_31) {
 *         hart.x[1] = 0x7fffffff;
 *         put32(i_addiw(2, 1, 1));
 *         step(1);
 *         cr_assert_eq(hart.x[2], 0xffffffff80000000ull, "...");
 *     }
 *
 * The encoders are written from the instruction formats of unpriv spec 2.2/2.3 and were
 * checked against riscv64-unknown-elf-as (see test_decode.c, suite `encoder`), so the tests
 * do not depend on the emulator's own decoder to build their programs. */
#ifndef RV39_TEST_HARNESS_H
#define RV39_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "devices/bus.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
/* Where put32/put16 start writing, where the hart starts, and where traps go. */
#define CODE_BASE RAM_BASE
#define TRAP_VECTOR (RAM_BASE + 0x8000)
/* Scratch data, far from code so stores never touch decoded pages. */
#define DATA_BASE (RAM_BASE + 0x40000)
/* A physical address with nothing behind it (no RAM, no device): access faults. */
#define UNMAPPED_ADDR 0x40000000ull

extern struct cpu hart;
extern struct bus hbus;
extern uint8_t *hram;

/* criterion .init/.fini: fresh hart at CODE_BASE in M-mode, mtvec = TRAP_VECTOR (direct). */
void harness_init(void);
void harness_fini(void);

/* --- writing code --- */
/* Move the assembly cursor (a guest physical address in RAM). */
void code_at(uint64_t addr);
uint64_t code_cursor(void);
/* Write one 32-bit instruction / one 16-bit parcel at the cursor and advance it. */
void put32(uint32_t insn);
void put16(uint16_t parcel);

/* --- guest memory, by physical address (must lie in RAM). Pokes act like DMA: they drop
 * decoded instructions they overwrite (cpu_invalidate_code). --- */
void poke8(uint64_t pa, uint8_t v);
void poke16(uint64_t pa, uint16_t v);
void poke32(uint64_t pa, uint32_t v);
void poke64(uint64_t pa, uint64_t v);
uint8_t peek8(uint64_t pa);
uint16_t peek16(uint64_t pa);
uint32_t peek32(uint64_t pa);
uint64_t peek64(uint64_t pa);

/* --- running --- */
/* Execute exactly n instructions (or traps) with cpu_step. */
void step(unsigned n);
/* Write one instruction at the current pc and execute it (one cpu_step). */
void exec32(uint32_t insn);
void exec16(uint16_t parcel);
/* Step until pc == stop, at most max_steps; true if it got there. */
bool run_until(uint64_t stop, unsigned max_steps);
/* Enter privilege p (as if an xRET had taken us there). */
void set_priv(enum priv p);

/* --- the assembler: unpriv spec 2.2 "Base Instruction Formats", 2.3 immediates --- */
enum {
    OPC_LOAD = 0x03,
    OPC_MISC_MEM = 0x0f,
    OPC_OP_IMM = 0x13,
    OPC_AUIPC = 0x17,
    OPC_OP_IMM_32 = 0x1b,
    OPC_STORE = 0x23,
    OPC_AMO = 0x2f,
    OPC_OP = 0x33,
    OPC_LUI = 0x37,
    OPC_OP_32 = 0x3b,
    OPC_BRANCH = 0x63,
    OPC_JALR = 0x67,
    OPC_JAL = 0x6f,
    OPC_SYSTEM = 0x73,
};

uint32_t enc_r(unsigned funct7, unsigned rs2, unsigned rs1, unsigned funct3, unsigned rd,
               unsigned opcode);
uint32_t enc_i(int32_t imm, unsigned rs1, unsigned funct3, unsigned rd, unsigned opcode);
uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned funct3, unsigned opcode);
/* imm is the byte offset (even, -4096..4094). */
uint32_t enc_b(int32_t imm, unsigned rs2, unsigned rs1, unsigned funct3, unsigned opcode);
/* imm20 is the value placed in bits 31:12, as assembly syntax writes it (lui x1, 0x12345). */
uint32_t enc_u(uint32_t imm20, unsigned rd, unsigned opcode);
/* imm is the byte offset (even, -1 MiB..1 MiB-2). */
uint32_t enc_j(int32_t imm, unsigned rd, unsigned opcode);

/* Named instructions: i_<mnemonic>, operands in assembly order. (A prefix, because `div`,
 * `and`, `or` and friends collide with libc or read badly as C.) */
#define HARNESS_R(name, f7, f3, opc)                                                               \
    static inline uint32_t i_##name(unsigned rd, unsigned rs1, unsigned rs2)                       \
    {                                                                                              \
        return enc_r(f7, rs2, rs1, f3, rd, opc);                                                   \
    }
#define HARNESS_I(name, f3, opc)                                                                   \
    static inline uint32_t i_##name(unsigned rd, unsigned rs1, int32_t imm)                        \
    {                                                                                              \
        return enc_i(imm, rs1, f3, rd, opc);                                                       \
    }
/* Shift-immediates: shamt in imm[5:0] (imm[4:0] for W forms), funct6/7 above it. */
#define HARNESS_SHIFT(name, hi, f3, opc)                                                           \
    static inline uint32_t i_##name(unsigned rd, unsigned rs1, unsigned shamt)                     \
    {                                                                                              \
        return enc_i((int32_t)((hi) << 5 | shamt), rs1, f3, rd, opc);                              \
    }
/* Loads: i_ld(rd, offset, rs1) as in `ld rd, offset(rs1)`. */
#define HARNESS_LOAD(name, f3)                                                                     \
    static inline uint32_t i_##name(unsigned rd, int32_t offset, unsigned rs1)                     \
    {                                                                                              \
        return enc_i(offset, rs1, f3, rd, OPC_LOAD);                                               \
    }
/* Stores: i_sd(rs2, offset, rs1) as in `sd rs2, offset(rs1)`. */
#define HARNESS_STORE(name, f3)                                                                    \
    static inline uint32_t i_##name(unsigned rs2, int32_t offset, unsigned rs1)                    \
    {                                                                                              \
        return enc_s(offset, rs2, rs1, f3, OPC_STORE);                                             \
    }
#define HARNESS_BRANCH(name, f3)                                                                   \
    static inline uint32_t i_##name(unsigned rs1, unsigned rs2, int32_t offset)                    \
    {                                                                                              \
        return enc_b(offset, rs2, rs1, f3, OPC_BRANCH);                                            \
    }
/* AMOs: i_amoadd_w(rd, rs2, rs1) as in `amoadd.w rd, rs2, (rs1)`; aq = rl = 0. */
#define HARNESS_AMO(name, f5, f3)                                                                  \
    static inline uint32_t i_##name(unsigned rd, unsigned rs2, unsigned rs1)                       \
    {                                                                                              \
        return enc_r((f5) << 2, rs2, rs1, f3, rd, OPC_AMO);                                        \
    }
/* CSRs: i_csrrw(rd, csr, rs1); immediate forms take the 5-bit zimm in place of rs1. */
#define HARNESS_CSR(name, f3)                                                                      \
    static inline uint32_t i_##name(unsigned rd, unsigned csr, unsigned rs1)                       \
    {                                                                                              \
        return enc_i((int32_t)csr, rs1, f3, rd, OPC_SYSTEM);                                       \
    }

static inline uint32_t i_lui(unsigned rd, uint32_t imm20)
{
    return enc_u(imm20, rd, OPC_LUI);
}
static inline uint32_t i_auipc(unsigned rd, uint32_t imm20)
{
    return enc_u(imm20, rd, OPC_AUIPC);
}
static inline uint32_t i_jal(unsigned rd, int32_t offset)
{
    return enc_j(offset, rd, OPC_JAL);
}
static inline uint32_t i_jalr(unsigned rd, unsigned rs1, int32_t imm)
{
    return enc_i(imm, rs1, 0, rd, OPC_JALR);
}
HARNESS_BRANCH(beq, 0)
HARNESS_BRANCH(bne, 1)
HARNESS_BRANCH(blt, 4)
HARNESS_BRANCH(bge, 5)
HARNESS_BRANCH(bltu, 6)
HARNESS_BRANCH(bgeu, 7)
HARNESS_LOAD(lb, 0)
HARNESS_LOAD(lh, 1)
HARNESS_LOAD(lw, 2)
HARNESS_LOAD(ld, 3)
HARNESS_LOAD(lbu, 4)
HARNESS_LOAD(lhu, 5)
HARNESS_LOAD(lwu, 6)
HARNESS_STORE(sb, 0)
HARNESS_STORE(sh, 1)
HARNESS_STORE(sw, 2)
HARNESS_STORE(sd, 3)
HARNESS_I(addi, 0, OPC_OP_IMM)
HARNESS_I(slti, 2, OPC_OP_IMM)
HARNESS_I(sltiu, 3, OPC_OP_IMM)
HARNESS_I(xori, 4, OPC_OP_IMM)
HARNESS_I(ori, 6, OPC_OP_IMM)
HARNESS_I(andi, 7, OPC_OP_IMM)
HARNESS_SHIFT(slli, 0x00, 1, OPC_OP_IMM)
HARNESS_SHIFT(srli, 0x00, 5, OPC_OP_IMM)
HARNESS_SHIFT(srai, 0x20, 5, OPC_OP_IMM)
HARNESS_R(add, 0x00, 0, OPC_OP)
HARNESS_R(sub, 0x20, 0, OPC_OP)
HARNESS_R(sll, 0x00, 1, OPC_OP)
HARNESS_R(slt, 0x00, 2, OPC_OP)
HARNESS_R(sltu, 0x00, 3, OPC_OP)
HARNESS_R(xor, 0x00, 4, OPC_OP)
HARNESS_R(srl, 0x00, 5, OPC_OP)
HARNESS_R(sra, 0x20, 5, OPC_OP)
HARNESS_R(or, 0x00, 6, OPC_OP)
HARNESS_R(and, 0x00, 7, OPC_OP)
HARNESS_I(addiw, 0, OPC_OP_IMM_32)
HARNESS_SHIFT(slliw, 0x00, 1, OPC_OP_IMM_32)
HARNESS_SHIFT(srliw, 0x00, 5, OPC_OP_IMM_32)
HARNESS_SHIFT(sraiw, 0x20, 5, OPC_OP_IMM_32)
HARNESS_R(addw, 0x00, 0, OPC_OP_32)
HARNESS_R(subw, 0x20, 0, OPC_OP_32)
HARNESS_R(sllw, 0x00, 1, OPC_OP_32)
HARNESS_R(srlw, 0x00, 5, OPC_OP_32)
HARNESS_R(sraw, 0x20, 5, OPC_OP_32)
/* M extension */
HARNESS_R(mul, 0x01, 0, OPC_OP)
HARNESS_R(mulh, 0x01, 1, OPC_OP)
HARNESS_R(mulhsu, 0x01, 2, OPC_OP)
HARNESS_R(mulhu, 0x01, 3, OPC_OP)
HARNESS_R(div, 0x01, 4, OPC_OP)
HARNESS_R(divu, 0x01, 5, OPC_OP)
HARNESS_R(rem, 0x01, 6, OPC_OP)
HARNESS_R(remu, 0x01, 7, OPC_OP)
HARNESS_R(mulw, 0x01, 0, OPC_OP_32)
HARNESS_R(divw, 0x01, 4, OPC_OP_32)
HARNESS_R(divuw, 0x01, 5, OPC_OP_32)
HARNESS_R(remw, 0x01, 6, OPC_OP_32)
HARNESS_R(remuw, 0x01, 7, OPC_OP_32)
/* A extension (funct5 in bits 31:27) */
static inline uint32_t i_lr_w(unsigned rd, unsigned rs1)
{
    return enc_r(0x02 << 2, 0, rs1, 2, rd, OPC_AMO);
}
static inline uint32_t i_lr_d(unsigned rd, unsigned rs1)
{
    return enc_r(0x02 << 2, 0, rs1, 3, rd, OPC_AMO);
}
HARNESS_AMO(sc_w, 0x03, 2)
HARNESS_AMO(sc_d, 0x03, 3)
HARNESS_AMO(amoswap_w, 0x01, 2)
HARNESS_AMO(amoadd_w, 0x00, 2)
HARNESS_AMO(amoxor_w, 0x04, 2)
HARNESS_AMO(amoand_w, 0x0c, 2)
HARNESS_AMO(amoor_w, 0x08, 2)
HARNESS_AMO(amomin_w, 0x10, 2)
HARNESS_AMO(amomax_w, 0x14, 2)
HARNESS_AMO(amominu_w, 0x18, 2)
HARNESS_AMO(amomaxu_w, 0x1c, 2)
HARNESS_AMO(amoswap_d, 0x01, 3)
HARNESS_AMO(amoadd_d, 0x00, 3)
HARNESS_AMO(amoxor_d, 0x04, 3)
HARNESS_AMO(amoand_d, 0x0c, 3)
HARNESS_AMO(amoor_d, 0x08, 3)
HARNESS_AMO(amomin_d, 0x10, 3)
HARNESS_AMO(amomax_d, 0x14, 3)
HARNESS_AMO(amominu_d, 0x18, 3)
HARNESS_AMO(amomaxu_d, 0x1c, 3)
/* Zicsr */
HARNESS_CSR(csrrw, 1)
HARNESS_CSR(csrrs, 2)
HARNESS_CSR(csrrc, 3)
HARNESS_CSR(csrrwi, 5)
HARNESS_CSR(csrrsi, 6)
HARNESS_CSR(csrrci, 7)
/* Fixed encodings (unpriv spec 2.7/2.8, priv spec 3.3) */
#define I_NOP 0x00000013u /* addi x0, x0, 0 */
#define I_ECALL 0x00000073u
#define I_EBREAK 0x00100073u
#define I_MRET 0x30200073u
#define I_SRET 0x10200073u
#define I_WFI 0x10500073u
#define I_FENCE 0x0ff0000fu /* fence iorw, iorw */

/* Zba, Zbb, Zbc, Zbs (riscv-bitmanip 1.0.0, "Instruction encodings"; checked against
 * riscv64-unknown-elf-as in test_bitmanip.c) and Zicond. Unary forms: i_clz(rd, rs1). */
#define HARNESS_R1(name, f7, rs2, f3, opc)                                                         \
    static inline uint32_t i_##name(unsigned rd, unsigned rs1)                                     \
    {                                                                                              \
        return enc_r(f7, rs2, rs1, f3, rd, opc);                                                   \
    }
HARNESS_R(sh1add, 0x10, 2, OPC_OP)
HARNESS_R(sh2add, 0x10, 4, OPC_OP)
HARNESS_R(sh3add, 0x10, 6, OPC_OP)
HARNESS_R(add_uw, 0x04, 0, OPC_OP_32)
HARNESS_R(sh1add_uw, 0x10, 2, OPC_OP_32)
HARNESS_R(sh2add_uw, 0x10, 4, OPC_OP_32)
HARNESS_R(sh3add_uw, 0x10, 6, OPC_OP_32)
HARNESS_SHIFT(slli_uw, 0x02 << 1, 1, OPC_OP_IMM_32)
HARNESS_R(andn, 0x20, 7, OPC_OP)
HARNESS_R(orn, 0x20, 6, OPC_OP)
HARNESS_R(xnor, 0x20, 4, OPC_OP)
HARNESS_R1(clz, 0x30, 0, 1, OPC_OP_IMM)
HARNESS_R1(ctz, 0x30, 1, 1, OPC_OP_IMM)
HARNESS_R1(cpop, 0x30, 2, 1, OPC_OP_IMM)
HARNESS_R1(clzw, 0x30, 0, 1, OPC_OP_IMM_32)
HARNESS_R1(ctzw, 0x30, 1, 1, OPC_OP_IMM_32)
HARNESS_R1(cpopw, 0x30, 2, 1, OPC_OP_IMM_32)
HARNESS_R(max, 0x05, 6, OPC_OP)
HARNESS_R(maxu, 0x05, 7, OPC_OP)
HARNESS_R(min, 0x05, 4, OPC_OP)
HARNESS_R(minu, 0x05, 5, OPC_OP)
HARNESS_R1(sext_b, 0x30, 4, 1, OPC_OP_IMM)
HARNESS_R1(sext_h, 0x30, 5, 1, OPC_OP_IMM)
HARNESS_R1(zext_h, 0x04, 0, 4, OPC_OP_32)
HARNESS_R(rol, 0x30, 1, OPC_OP)
HARNESS_R(rolw, 0x30, 1, OPC_OP_32)
HARNESS_R(ror, 0x30, 5, OPC_OP)
HARNESS_R(rorw, 0x30, 5, OPC_OP_32)
HARNESS_SHIFT(rori, 0x30, 5, OPC_OP_IMM)
HARNESS_SHIFT(roriw, 0x30, 5, OPC_OP_IMM_32)
HARNESS_R1(orc_b, 0x14, 7, 5, OPC_OP_IMM)
HARNESS_R1(rev8, 0x35, 0x18, 5, OPC_OP_IMM)
HARNESS_R(clmul, 0x05, 1, OPC_OP)
HARNESS_R(clmulr, 0x05, 2, OPC_OP)
HARNESS_R(clmulh, 0x05, 3, OPC_OP)
HARNESS_R(bclr, 0x24, 1, OPC_OP)
HARNESS_R(bext, 0x24, 5, OPC_OP)
HARNESS_R(binv, 0x34, 1, OPC_OP)
HARNESS_R(bset, 0x14, 1, OPC_OP)
HARNESS_SHIFT(bclri, 0x24, 1, OPC_OP_IMM)
HARNESS_SHIFT(bexti, 0x24, 5, OPC_OP_IMM)
HARNESS_SHIFT(binvi, 0x34, 1, OPC_OP_IMM)
HARNESS_SHIFT(bseti, 0x14, 1, OPC_OP_IMM)
HARNESS_R(czero_eqz, 0x07, 5, OPC_OP)
HARNESS_R(czero_nez, 0x07, 7, OPC_OP)
/* Zicbom/Zicboz (CMO spec "Instructions"): i_cbo(op, rs1), op 0 inval, 1 clean, 2 flush,
 * 4 zero. */
static inline uint32_t i_cbo(unsigned op, unsigned rs1)
{
    return enc_i((int32_t)op, rs1, 2, 0, OPC_MISC_MEM);
}

/* xorshift64 (Marsaglia, shifts 13, 7, 17): the random-program tests' generator, so that a
 * failure's seed rebuilds its program. */
static inline uint64_t xorshift64(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

#endif
