/* The fast-TLB probe of translated loads and stores (and the effective address it starts
 * from): the code between a guest address and the host address of its bytes, inlined in
 * every block, so the instruction count per access matters most here (see probe). The slow
 * paths it jumps to are emit_cold's (cpu/jit_x86_64.c). */
#include "jit_internal.h"

#ifdef RV39_JIT
#include "jit_x86_64_asm.h"

/* The entry layout tlb_probe encodes: index * 16 addresses an entry, tag and addend are
 * 64-bit, reads at the start of a set. */
_Static_assert(sizeof(struct ftlb_entry) == 16, "fast-TLB entries are 16 bytes");
_Static_assert(sizeof(((struct ftlb_entry *)0)->tag) == 8 &&
                   sizeof(((struct ftlb_entry *)0)->addend) == 8,
               "tag and addend are compared and loaded as 64-bit words");
_Static_assert(offsetof(struct ftlb_set, read) == 0, "the read table starts a set");
_Static_assert(PAGE_SHIFT == 12 && FTLB_SIZE <= (1u << 20),
               "index * 16 = (va >> 8) & ((FTLB_SIZE - 1) << 4), a 32-bit mask");
_Static_assert(FTLB_MAX_ACCESS == 8, "loads and stores of at most 8 bytes probe the fast TLB");

void effective_address(struct block_asm *s, const struct jit_insn *in)
{
    int base = cached(s, in->d.rs1);
    if (base >= 0) {
        enc(&s->a, W64, 0x8d, 1, RAX, M(base, in->d.imm)); /* lea rax, [base + imm] */
    } else {
        load_x(s, RAX, in->d.rs1);
        if (in->d.imm) alu_imm(&s->a, W64, ALU_ADD, R(RAX), in->d.imm);
    }
}

/* The probe, with the address at [base + disp] (base is rax after effective_address, or the
 * host register of rs1): rdx = fast-TLB index * 16; jne to the slow path on a miss, with
 * rsi = the addend on a hit. `table` is 0 (read) or the offset of the write table.
 *     lea rsi, [base + disp]; rorx edx, esi, 8; and edx, (FTLB_SIZE - 1) << 4
 *     and rsi, tag mask; cmp rsi, [r13 + rdx + table]; jne slow; mov rsi, [r13 + rdx + 8]
 * Nothing in it writes base, so the access is [rsi + base + disp]: no copy of the address. */
static struct operand probe(struct block_asm *s, const struct jit_insn *in, enum cold_kind kind,
                            unsigned index, int32_t table, int base, int32_t disp)
{
    struct asm_buf *a = &s->a;
    unsigned size = access_size(in->d.opcode);
    if (disp)
        enc(a, W64, 0x8d, 1, RSI, M(base, disp)); /* lea rsi, [base + disp] */
    else
        mov_rr(a, RSI, base);
    /* index * 16 = ((va >> 12) & (FTLB_SIZE - 1)) << 4 = (va >> 8) & ((FTLB_SIZE - 1) << 4)
     * (mmu.h: ftlb_index) */
    if (jit_host_rorx()) { /* rorx edx, esi, 8 (VEX.LZ.F2.0F3A.W0 F0 /r ib): one for two */
        static const uint8_t rorx_edx_esi_8[] = {0xc4, 0xe3, 0x7b, 0xf0, 0xd6, 8};
        for (unsigned i = 0; i < sizeof rorx_edx_esi_8; i++)
            b1(a, rorx_edx_esi_8[i]);
    } else {
        enc(a, 0, 0x8b, 1, RDX, R(RSI)); /* mov edx, esi */
        shift_imm(a, 0, SH_SHR, RDX, 8);
    }
    /* (the bits rorx rotates in land in 31:24, above the mask) */
    alu_imm(a, 0, ALU_AND, R(RDX), (FTLB_SIZE - 1) << 4);
    /* ftlb_tag: the same mask as the interpreter's (a misaligned access misses, no address
     * matches an empty entry); it fits a sign-extended imm32 (asserted in mmu.h) */
    alu_imm(a, W64, ALU_AND, R(RSI), (int32_t)(int64_t)ftlb_tag_mask(size));
    alu_rm(a, W64, ALU_CMP, RSI, MI(R13, RDX, table + (int32_t)offsetof(struct ftlb_entry, tag)));
    struct cold *c = cold_add(s, kind, in, index, jcc32(a, CC_NE));
    c->hit = a->pos;
    c->table = table;
    if (base != RAX) {
        c->addr_lea = true;
        c->addr_base = base;
        c->addr_disp = disp;
    }
    mov_load(a, W64, RSI, MI(R13, RDX, table + (int32_t)offsetof(struct ftlb_entry, addend)));
    return MI(RSI, base, disp);
}

/* rax = effective address; rdx = fast-TLB index * 16; jne to the slow path on a miss, with
 * rsi = the addend on a hit. `table` is 0 (read) or the offset of the write table. */
void tlb_probe(struct block_asm *s, const struct jit_insn *in, enum cold_kind kind, unsigned index,
               int32_t table)
{
    effective_address(s, in);
    probe(s, in, kind, index, table, RAX, 0);
}

struct operand tlb_probe_access(struct block_asm *s, const struct jit_insn *in, enum cold_kind kind,
                                unsigned index, int32_t table)
{
    int base = cached(s, in->d.rs1);
    if (base >= 0) return probe(s, in, kind, index, table, base, in->d.imm);
    effective_address(s, in);
    return probe(s, in, kind, index, table, RAX, 0);
}
#endif
