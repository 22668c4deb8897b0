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
    slot->count = 0; /* decode_stretch sets it for the instructions a stretch counts ahead */
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
 * instructions in the integer kernels. The slot holds k, t, s, o and d (k | d << 8 in imm:
 * the count byte is taken, decode_stretch); the handler
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
    slot->imm = 0;
    slot->pair.shamt = (uint8_t)d->imm;
    slot->pair.rd2 = add.rd ? add.rd : REG_SINK;
}

bool stretch_member(enum opcode op)
{
    if (op == OP_ILLEGAL) return false;
    const struct insn_info *i = &insn_table[op];
    switch (i->cls) {
    case CLASS_ALU:
    case CLASS_BRANCH:
    case CLASS_JUMP: return true;
    case CLASS_LOAD: return i->format == FMT_LOAD; /* not FP loads: they check mstatus.FS */
    case CLASS_STORE: return i->format == FMT_S;
    default: return false;
    }
}

/* Where the stretch from `offset` ends: after a branch or jump; before an instruction that is
 * not a member, one that crosses the page's end, or the page's end; or nowhere within
 * STRETCH_MAX instructions, and then `offset` is a break slot. A pure function of the bytes
 * from `offset` on, so every entry into a chain of slots sees the same counts. */
int decode_stretch(struct insn *slots, const uint8_t *page, unsigned offset, uint64_t *code_chunks,
                   const struct handler_set *h4, const struct handler_set *h2, bool near_forms)
{
    struct decoded d[STRETCH_MAX];
    unsigned at[STRETCH_MAX], n = 0, o = offset;
    while (o + 2 <= PAGE_SIZE) {
        uint16_t lo = (uint16_t)(page[o] | page[o + 1] << 8), hi = 0;
        if (rv_insn_len(lo) == 4) {
            if (o + 4 > PAGE_SIZE) break;
            hi = (uint16_t)(page[o + 2] | page[o + 3] << 8);
        }
        struct decoded next;
        rv_decode_parcels(lo, hi, &next);
        if (!stretch_member(next.opcode)) {
            if (n == 0) { /* counted as it runs, as before stretches */
                fill_slot(&slots[o / 2], &next, next.len == 4 ? h4 : h2, near_forms ? (int)o : -1);
                *code_chunks |= 1ull << (o >> DPAGE_CHUNK_SHIFT);
                *code_chunks |= 1ull << ((o + next.len - 1) >> DPAGE_CHUNK_SHIFT);
                return 0;
            }
            break;
        }
        if (n == STRETCH_MAX) { /* too long to count ahead: run it one instruction at a time */
            slots[offset / 2] = (struct insn){.op = h4->stretch_break};
            *code_chunks |= 1ull << (offset >> DPAGE_CHUNK_SHIFT);
            return 0;
        }
        d[n] = next;
        at[n++] = o;
        if (insn_table[next.opcode].cls == CLASS_BRANCH ||
            insn_table[next.opcode].cls == CLASS_JUMP)
            break;
        o += next.len;
    }
    if (n == 0) return -1; /* the first instruction crosses the page's end */
    for (unsigned i = 0; i < n; i++) {
        const struct handler_set *h = d[i].len == 4 ? h4 : h2;
        struct insn *slot = &slots[at[i] / 2];
        fill_slot(slot, &d[i], h, near_forms ? (int)at[i] : -1);
        slot->count = (uint8_t)(n - i);
        if (near_forms) fuse_pair(slot, &d[i], page, at[i], h);
        *code_chunks |= 1ull << (at[i] >> DPAGE_CHUNK_SHIFT);
        *code_chunks |= 1ull << ((at[i] + d[i].len - 1) >> DPAGE_CHUNK_SHIFT);
    }
    return (int)n;
}
