/* The translator's templates for the A extension (unpriv spec ch. 14): LR, SC and the AMOs.
 *
 * Harts may run on other host threads over the same guest RAM, so the read-modify-writes are
 * host atomic instructions, as in the interpreter (cpu/exec.c): xchg (locked by itself) for
 * amoswap, lock xadd for amoadd, a lock cmpxchg loop for the others, and SC a lock cmpxchg
 * against the value its LR read. Locked instructions are full barriers on x86-64, so aq and
 * rl need nothing more (README, "Memory model").
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
        mov_store(a, W64, RCX, CPU_FIELD(reservation_value));
        return;
    case OP_SC_W:
    case OP_SC_D: {
        /* The reservation goes either way; rd = 1 unless it was this address and memory
         * still holds the value the LR read, then the store and rd = 0 (cpu/exec.c,
         * store_conditional). */
        physical_address(a);
        alu_rm(a, W64, ALU_CMP, RDX, CPU_FIELD(reservation));
        mov_imm(a, RDX, RESERVATION_NONE); /* mov: the flags survive */
        mov_store(a, W64, RDX, CPU_FIELD(reservation));
        mov_imm(a, RCX, 1);
        uint32_t failed = jcc32(a, CC_NE);
        enc(a, W64, 0x8d, 1, RSI, m); /* lea rsi, [rsi + rax] */
        mov_load(a, w, RAX, CPU_FIELD(reservation_value));
        enc(a, w | LOCK, 0x0fb1, 2, RDI, M(RSI, 0)); /* lock cmpxchg [rsi], rdi */
        setcc(a, CC_NE, RCX);
        set_rel32(a, failed, a->pos);
        return;
    }
    case OP_AMOSWAP_W:
    case OP_AMOSWAP_D:
        mov_rr(a, RCX, RDI);
        enc(a, w, 0x87, 1, RCX, m); /* xchg [rsi + rax], rcx: locked by itself */
        if (size == 4) movsxd(a, RCX, R(RCX));
        return;
    case OP_AMOADD_W:
    case OP_AMOADD_D:
        mov_rr(a, RCX, RDI);
        enc(a, w | LOCK, 0x0fc1, 2, RCX, m); /* lock xadd [rsi + rax], rcx */
        if (size == 4) movsxd(a, RCX, R(RCX));
        return;
    default: break;
    }
    /* The others: rax = old; rdx = the value to store, computed on `size` bytes (so the W
     * forms compare 32-bit values as amo_apply does); lock cmpxchg stores it if memory still
     * holds old, else loads the new old into rax and the loop computes again. */
    enc(a, W64, 0x8d, 1, RSI, m); /* lea rsi, [rsi + rax] */
    mov_load(a, w, RAX, M(RSI, 0));
    size_t again = a->pos;
    mov_rr(a, RDX, RDI);
    switch (op) {
    case OP_AMOXOR_W:
    case OP_AMOXOR_D: alu_rm(a, w, ALU_XOR, RDX, R(RAX)); break;
    case OP_AMOAND_W:
    case OP_AMOAND_D: alu_rm(a, w, ALU_AND, RDX, R(RAX)); break;
    case OP_AMOOR_W:
    case OP_AMOOR_D: alu_rm(a, w, ALU_OR, RDX, R(RAX)); break;
    default: {
        enum cc keep_old = op == OP_AMOMIN_W || op == OP_AMOMIN_D     ? CC_L
                           : op == OP_AMOMAX_W || op == OP_AMOMAX_D   ? CC_G
                           : op == OP_AMOMINU_W || op == OP_AMOMINU_D ? CC_B
                                                                      : CC_A;
        alu_rm(a, w, ALU_CMP, RAX, R(RDI)); /* old vs src */
        cmov(a, w, keep_old, RDX, RAX);
        break;
    }
    }
    enc(a, w | LOCK, 0x0fb1, 2, RDX, M(RSI, 0)); /* lock cmpxchg [rsi], rdx */
    jcc_to(a, CC_NE, again);
    if (size == 4)
        movsxd(a, RCX, R(RAX));
    else
        mov_rr(a, RCX, RAX);
}
#endif
