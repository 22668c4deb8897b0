/* Direct loads: in blocks translated while data accesses translate to themselves (M-mode
 * without MPRV, or satp Bare: mmu_identity; the block's key has JIT_KEY_DIRECT), a load's
 * guest address is its physical address, so RAM is read straight after one range check
 * instead of through the fast TLB, whose tag compare and addend load sat between address and
 * value (as the interpreter's direct loads, cpu/exec.c):
 *
 *     lea rsi, [rs1 + imm - ram.base]  the offset in RAM (wraps below the base)
 *     cmp rsi, ram.size - size         unsigned: the whole access inside RAM
 *     ja  cold                         devices, faults, the end of RAM: cpu_load
 *     mov rdx, ram.host
 *     (load) [rdx + rsi]
 *
 * Only loads: a store must still reach the slow path where the page holds code (the fast
 * write table keeps those pages out) and mark pages written for snapshots. A misaligned load
 * inside RAM reads the same bytes the slow path would put together (loads have no side
 * effects and RAM is one host range). Layouts whose base or size do not fit the sign-extended
 * 32-bit immediates keep the fast TLB. */
#include "jit_internal.h"

#ifdef RV39_JIT
#include "jit_x86_64_asm.h"

bool jit_direct_address(struct block_asm *s, const struct jit_insn *in, unsigned index)
{
    const struct guest_ram *ram = s->a.j->ram;
    unsigned size = access_size(in->d.opcode);
    if (!(s->b->pa & JIT_KEY_DIRECT) || ram->size < size || ram->size - size > INT32_MAX ||
        ram->base > (uint64_t)INT32_MAX + 1)
        return false;
    struct asm_buf *a = &s->a;
    /* lea rsi, [rs1 + imm - base] straight from rs1's host register when it has one and the
     * displacement fits (the slow path then sets rax), else from rax = the address */
    int base = cached(s, in->d.rs1);
    int64_t disp = (int64_t)in->d.imm - (int64_t)ram->base;
    if (base < 0 || disp < INT32_MIN) {
        effective_address(s, in);
        base = RAX;
        disp = 0 - (int64_t)ram->base;
    }
    /* lea rsi, [base + disp32]: a 64-bit sum (disp32 = -base fits: base <= 2^31), so an
     * address below the base wraps to a huge offset and fails the check */
    enc(a, W64, 0x8d, 1, RSI, M(base, (int32_t)disp));
    alu_imm(a, W64, ALU_CMP, R(RSI), (int32_t)(ram->size - size));
    struct cold *c = cold_add(s, COLD_LOAD_DIRECT, in, index, jcc32(a, CC_A));
    if (base != RAX) {
        c->addr_lea = true;
        c->addr_base = base;
        c->addr_disp = in->d.imm;
    }
    mov_imm(a, RDX, (uint64_t)(uintptr_t)ram->host);
    return true;
}
#endif
