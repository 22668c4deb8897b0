/* The translator's templates for the A extension (unpriv spec ch. 14): LR, SC and the AMOs.
 * aq/rl need nothing: this hart runs one instruction at a time, in order.
 *
 * Only the fast path is inline. The block code (cpu/jit_x86_64.c) probes the fast TLB with
 * the access size (its tag keeps the alignment bits, so a misaligned address misses): LR in
 * the read table, SC and the AMOs in the write table. A write entry exists only for a RAM page
 * that a store translated (writable, D set or set by that store) and that holds no decoded
 * code, so a hit is exactly the case in which the interpreter's atomic_target succeeds with
 * no side effect; a read hit is LR's translate-for-load in RAM. Everything else (misaligned:
 * store/AMO or load address-misaligned; faults; devices: access fault; pages with code) goes
 * to cpu_atomic, the interpreter's own code, so faults stay precise and identical. */
#include "jit_x86_64_asm.h"

#ifdef RV39_JIT

unsigned jit_atomic_size(enum opcode op)
{
    return insn_class_atomic(insn_table[op].cls) ? insn_table[op].size : 0;
}

/* rdx = the physical address behind host pointer rsi + rax (RAM is one host block), as the
 * interpreter records it in c->reservation. */
static void physical_address(struct asm_buf *a)
{
    enc(a, W64, 0x8d, 1, RDX, MI(RSI, RAX, 0)); /* lea rdx, [rsi + rax] */
    alu_rm(a, W64, ALU_SUB, RDX, CPU_FIELD(mmu.ram.host));
    alu_rm(a, W64, ALU_ADD, RDX, CPU_FIELD(mmu.ram.base));
}

static void cmov(struct asm_buf *a, unsigned w, enum cc cc, int dst, int src)
{
    enc(a, w, 0x0f40u | cc, 2, dst, R(src));
}

void jit_atomic_emit(struct asm_buf *a, enum opcode op)
{
    unsigned size = jit_atomic_size(op), w = size == 8 ? W64 : 0;
    struct operand m = MI(RSI, RAX, 0);
    switch (op) {
    case OP_LR_W:
    case OP_LR_D:
        if (size == 8)
            mov_load(a, W64, RCX, m);
        else
            movsxd(a, RCX, m);
        physical_address(a);
        mov_store(a, W64, RDX, CPU_FIELD(reservation));
        return;
    case OP_SC_W:
    case OP_SC_D: {
        /* rd = 0 and the store if the reservation is this address, else rd = 1; either
         * way the reservation goes (cpu/exec.c, store_conditional). */
        physical_address(a);
        xor_self(a, RCX); /* before the compare: xor writes the flags */
        alu_rm(a, W64, ALU_CMP, RDX, CPU_FIELD(reservation));
        setcc(a, CC_NE, RCX);
        mov_imm(a, RDX, RESERVATION_NONE); /* mov: the flags survive */
        mov_store(a, W64, RDX, CPU_FIELD(reservation));
        uint32_t failed = jcc32(a, CC_NE);
        mov_store(a, w, RDI, m);
        set_rel32(a, failed, a->pos);
        return;
    }
    default: break;
    }
    /* AMOs: rcx = old, rdi = the value to store (computed on `size` bytes, so the W forms
     * compare and add 32-bit values as amo_apply does), rd = old sign-extended. */
    mov_load(a, w, RCX, m);
    switch (op) {
    case OP_AMOADD_W:
    case OP_AMOADD_D: alu_rm(a, w, ALU_ADD, RDI, R(RCX)); break;
    case OP_AMOXOR_W:
    case OP_AMOXOR_D: alu_rm(a, w, ALU_XOR, RDI, R(RCX)); break;
    case OP_AMOAND_W:
    case OP_AMOAND_D: alu_rm(a, w, ALU_AND, RDI, R(RCX)); break;
    case OP_AMOOR_W:
    case OP_AMOOR_D: alu_rm(a, w, ALU_OR, RDI, R(RCX)); break;
    case OP_AMOMIN_W:
    case OP_AMOMIN_D:
    case OP_AMOMAX_W:
    case OP_AMOMAX_D:
    case OP_AMOMINU_W:
    case OP_AMOMINU_D:
    case OP_AMOMAXU_W:
    case OP_AMOMAXU_D: {
        enum cc keep_old = op == OP_AMOMIN_W || op == OP_AMOMIN_D     ? CC_L
                           : op == OP_AMOMAX_W || op == OP_AMOMAX_D   ? CC_G
                           : op == OP_AMOMINU_W || op == OP_AMOMINU_D ? CC_B
                                                                      : CC_A;
        alu_rm(a, w, ALU_CMP, RCX, R(RDI)); /* old vs src */
        cmov(a, w, keep_old, RDI, RCX);
        break;
    }
    default: break; /* swap: the new value is src */
    }
    mov_store(a, w, RDI, m);
    if (size == 4) movsxd(a, RCX, R(RCX));
}
#endif
