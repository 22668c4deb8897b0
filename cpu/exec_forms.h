/* Handler forms the interpreter chooses when it decodes an instruction (cpu/exec.c owns the
 * handlers and passes their addresses in a struct handler_set). */
#ifndef RV39_EXEC_FORMS_H
#define RV39_EXEC_FORMS_H

#include <stdint.h>

#include "insn.h"

/* Conditional branches have no rd; in a decoded page the field instead says whether the
 * target lies in the same page. That depends only on the offset within the page, so it holds
 * for every virtual alias of the page, and a near branch can step the slot pointer directly. */
#define BRANCH_FAR 0
#define BRANCH_NEAR 1

/* Specialised handlers for common forms of an instruction, chosen once at decode time so the
 * handler does not test for them on every execution: conditional branches and jal whose
 * target lies in the same page (imm then holds the distance in slot bytes, ready to add to
 * the slot pointer), branches against x0 (beqz, bnez, ...: one register read fewer), li/mv,
 * and ALU instructions whose rd is their rs1 (rd op= rs2 or imm, read-modify-write). */
struct handler_set {
    const void *const *base;      /* by opcode: the general handlers */
    const void *const *near;      /* by opcode - OP_BEQ: target in this page */
    const void *const *near_zero; /* the same with rs2 = x0 */
    const void *jal_near;         /* jal to this page */
    const void *li, *mv, *mv_rs2; /* rd = imm, rd = rs1, rd = rs2: addi/add with x0 or 0 */
    const void *const *self;      /* by opcode, rd = rs1 != x0: rd op= rs2 or imm; or NULL */
    const void *slli_add[3];      /* slli t, s, k; add d, t, o: by the pair's length 4, 6, 8 */
    const void *stretch_break;    /* a stretch too long to count ahead (decode_stretch) */
};
_Static_assert(OP_BNE == OP_BEQ + 1 && OP_BLT == OP_BEQ + 2 && OP_BGE == OP_BEQ + 3 &&
                   OP_BLTU == OP_BEQ + 4 && OP_BGEU == OP_BEQ + 5,
               "the conditional branches are one run of insns.def");
#define BRANCH_KINDS 6
/* A near target's distance in slot bytes: one slot per 2-byte parcel. */
#define SLOT_BYTES(offset) ((int32_t)(offset) * (int32_t)(sizeof(struct insn) / 2))

/* Fill `slot` from `d` with its handler (general or a form). `page_offset` is the
 * instruction's offset in its page, or -1 for a one-off slot. */
void fill_slot(struct insn *slot, const struct decoded *d, const struct handler_set *h,
               int page_offset);

/* Superinstructions: `slot` (just filled from `d`, at `offset` in a decoded page whose bytes
 * are `page`) becomes one handler for it and the instruction after it when the pair is one
 * of the fused ones. Only within one 64-byte chunk of code (DPAGE_CHUNK_SHIFT), so a store
 * into either instruction drops the fused slot with its chunk (cpu/icache.c). The second
 * instruction keeps its own slot for code that jumps to it. */
void fuse_pair(struct insn *slot, const struct decoded *d, const uint8_t *page, unsigned offset,
               const struct handler_set *h);

/* Instructions are counted ahead, per stretch, not one by one (cpu/exec.c): a stretch is a
 * chain of member instructions (integer ALU, integer loads and stores, branches and jumps)
 * that ends after its first branch or jump, before a non-member, or at the page's end. Each
 * member's slot holds in `count` the instructions from it to its stretch's end, charged to
 * the budget when control enters the chain there; a non-member's count is 0 and it counts
 * itself. */
#define STRETCH_MAX 255 /* counts fit the slot's byte */
bool stretch_member(enum opcode op);

/* Decode the stretch that starts at `offset` of a decoded page (slots, the page's bytes) into
 * its slots, with near forms and fused pairs when `near_forms`, and mark the chunks its code
 * lies in. Returns the count of the first slot (0: not a member, or a break slot), or -1 when
 * the first instruction crosses the page's end. */
int decode_stretch(struct insn *slots, const uint8_t *page, unsigned offset, uint64_t *code_chunks,
                   const struct handler_set *h4, const struct handler_set *h2, bool near_forms);

#endif
