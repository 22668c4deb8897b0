/* Handler forms chosen at decode time (cpu/exec_forms.h): which handler a decoded slot gets
 * and how its operands are laid out for it. */
#include "exec_forms.h"

#include "cpu.h"

/* `page_offset` is the instruction's offset in its page, or -1 for a one-off slot. */
void fill_slot(struct insn *slot, const struct decoded *d, const struct handler_set *h,
               int page_offset)
{
    slot->op = h->base[d->opcode];
    slot->imm = d->imm;
    bool freg_rd = d->opcode != OP_ILLEGAL && insn_format_writes_freg(insn_table[d->opcode].format);
    slot->rd = d->rd || freg_rd ? d->rd : REG_SINK;
    slot->rs1 = d->rs1;
    slot->rs2 = d->rs2;
    if (d->opcode == OP_ILLEGAL) return;
    int64_t target = (int64_t)page_offset + d->imm;
    bool near = page_offset >= 0 && target >= 0 && target < (int64_t)PAGE_SIZE;
    if (insn_table[d->opcode].format == FMT_B) {
        slot->rd = near ? BRANCH_NEAR : BRANCH_FAR;
        if (near) {
            unsigned k = (unsigned)(d->opcode - OP_BEQ);
            slot->op = d->rs2 == 0 ? h->near_zero[k] : h->near[k];
            slot->imm = SLOT_BYTES(d->imm);
        }
    } else if (d->opcode == OP_JAL && near) {
        slot->op = h->jal_near;
        slot->imm = SLOT_BYTES(d->imm);
    } else if (d->opcode == OP_ADDI && d->rs1 == 0) { /* li (c.li expands to it) */
        slot->op = h->li;
    } else if (d->opcode == OP_ADDI && d->imm == 0) { /* mv (c.mv: this or add) */
        slot->op = h->mv;
    } else if (d->opcode == OP_ADD && d->rs1 == 0) {
        slot->op = h->mv_rs2;
    } else if (d->opcode == OP_ADD && d->rs2 == 0) {
        slot->op = h->mv;
    }
    if (slot->op == h->base[d->opcode] && d->rd != 0 && d->rd == d->rs1 && h->self[d->opcode])
        slot->op = h->self[d->opcode];
}

/* slli t, s, k; add d, t, o (or add d, o, t): array indexing, the most frequent pair of
 * instructions in the integer kernels. The slot holds k, t, s, o and d (in aux); the handler
 * writes t, then d from t and o read after it, as the two instructions in order would
 * (unpriv spec 2.4.1, 2.4.2). */
void fuse_pair(struct insn *slot, const struct decoded *d, const uint8_t *page, unsigned offset,
               const struct handler_set *h)
{
    if (d->opcode != OP_SLLI || d->rd == 0) return;
    unsigned next = offset + d->len, chunk_end = (offset | ((1u << DPAGE_CHUNK_SHIFT) - 1)) + 1;
    if (next + 2 > chunk_end) return;
    uint16_t lo = (uint16_t)(page[next] | page[next + 1] << 8), hi = 0;
    if (rv_insn_len(lo) == 4) {
        if (next + 4 > chunk_end) return;
        hi = (uint16_t)(page[next + 2] | page[next + 3] << 8);
    }
    struct decoded add;
    if (!rv_decode_parcels(lo, hi, &add) || add.opcode != OP_ADD) return;
    if (add.rs1 != d->rd && add.rs2 != d->rd) return;
    slot->op = h->slli_add[(d->len + add.len - 4) / 2];
    slot->rs2 = add.rs1 == d->rd ? add.rs2 : add.rs1;
    slot->aux = add.rd ? add.rd : REG_SINK;
}
