/* The interpreter: threaded dispatch over pre-decoded instructions.
 *
 * Each RAM page that runs code has a struct dpage of decoded slots (cpu/icache.c), one per
 * 2-byte parcel. A slot starts out pointing at `op_decode`, which decodes the instruction
 * once, rewrites the slot with its handler and operands, and jumps to it. Every handler ends
 * by jumping straight to the next slot's handler (computed goto): no per-instruction lookup,
 * no function-pointer chain. Sequential flow and branches within the page stay inside the
 * slot array; leaving the page goes through `refetch`, which is the only place the fetch
 * TLB is consulted and the instruction budget is checked.
 *
 * Loads and stores try the fast TLB (mmu/mmu.h) inline and fall back to mmu/access.c. */
#include <string.h>

#include "cpu.h"
#include "csr_numbers.h"
#include "../mmu/sv39.h"
#include "../mmu/tlb.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* {decode, page end}: the handlers fresh decoded-page slots point at (cpu/icache.c). */
const void *const *interp_entry_points;

/* Instruction bits at pc for the illegal-instruction mtval (priv spec 3.1.16): the slot
 * does not keep them, and the instruction was fetched just now, so fetch it again. */
static uint64_t insn_bits_at(struct cpu *c, uint64_t pc)
{
    uint16_t lo, hi;
    if (!mmu_fetch_parcel(c, pc, &lo))
        return 0;
    if (rv_insn_len(lo) == 2)
        return lo;
    if (!mmu_fetch_parcel(c, pc + 2, &hi))
        return 0;
    return (uint64_t)lo | (uint64_t)hi << 16;
}

static void fill_slot(struct insn *slot, const struct decoded *d, const void *const *handlers)
{
    slot->op = handlers[d->opcode];
    slot->imm = d->imm;
    slot->rd = d->rd ? d->rd : REG_SINK;
    slot->rs1 = d->rs1;
    slot->rs2 = d->rs2;
    slot->len = d->len;
}

enum csr_kind { CSR_KIND_WRITE, CSR_KIND_SET, CSR_KIND_CLEAR };

/* Zicsr semantics (unpriv spec 7.1): CSRRW with rd = x0 does not read; CSRRS/CSRRC with a
 * zero source register (or zimm) do not write. */
static bool csr_op(struct cpu *c, enum csr_kind kind, unsigned csr, uint64_t src, bool read,
                   bool write, uint64_t *old)
{
    uint64_t value = 0;
    if (read && !csr_read(c, csr, &value))
        return false;
    if (write) {
        uint64_t v = kind == CSR_KIND_WRITE ? src : kind == CSR_KIND_SET ? value | src : value & ~src;
        if (!csr_write(c, csr, v))
            return false;
    }
    *old = value;
    return true;
}

enum amo_kind { AMO_SWAP, AMO_ADD, AMO_XOR, AMO_AND, AMO_OR, AMO_MIN, AMO_MAX, AMO_MINU, AMO_MAXU };

static uint64_t amo_apply(enum amo_kind kind, uint64_t old, uint64_t src, bool word)
{
    int64_t so = word ? (int32_t)old : (int64_t)old, ss = word ? (int32_t)src : (int64_t)src;
    uint64_t uo = word ? (uint32_t)old : old, us = word ? (uint32_t)src : src;
    switch (kind) {
    case AMO_SWAP: return src;
    case AMO_ADD: return old + src;
    case AMO_XOR: return old ^ src;
    case AMO_AND: return old & src;
    case AMO_OR: return old | src;
    case AMO_MIN: return so < ss ? old : src;
    case AMO_MAX: return so > ss ? old : src;
    case AMO_MINU: return uo < us ? old : src;
    default: return uo > us ? old : src;
    }
}

/* AMOs need natural alignment (misaligned -> cause 6) and memory that supports them: RAM
 * only, devices give a store/AMO access fault (their PMA is AMONone). Unpriv spec 14.4. */
static bool amo(struct cpu *c, enum amo_kind kind, uint64_t va, unsigned size, uint64_t src,
                uint64_t *result)
{
    if (va & (size - 1)) {
        c->exc_cause = EXC_STORE_MISALIGNED;
        c->exc_tval = va;
        return false;
    }
    void *host;
    uint64_t pa;
    if (!mmu_translate_rmw(c, va, size, &host, &pa))
        return false;
    if (!host) {
        c->exc_cause = EXC_STORE_ACCESS;
        c->exc_tval = va;
        return false;
    }
    if (size == 4) {
        uint32_t old;
        memcpy(&old, host, 4);
        uint32_t now = (uint32_t)amo_apply(kind, old, src, true);
        memcpy(host, &now, 4);
        *result = (uint64_t)(int64_t)(int32_t)old;
    } else {
        uint64_t old;
        memcpy(&old, host, 8);
        uint64_t now = amo_apply(kind, old, src, false);
        memcpy(host, &now, 8);
        *result = old;
    }
    return true;
}

static bool load_reserved(struct cpu *c, uint64_t va, unsigned size, uint64_t *result)
{
    if (va & (size - 1)) {
        c->exc_cause = EXC_LOAD_MISALIGNED;
        c->exc_tval = va;
        return false;
    }
    uint64_t pa, v;
    if (!mmu_translate_load(c, va, size, &pa) || !mmu_load(c, va, size, &v))
        return false;
    c->reservation = pa;
    *result = size == 4 ? (uint64_t)(int64_t)(int32_t)v : v;
    return true;
}

static bool store_conditional(struct cpu *c, uint64_t va, unsigned size, uint64_t src,
                              uint64_t *result)
{
    if (va & (size - 1)) {
        c->exc_cause = EXC_STORE_MISALIGNED;
        c->exc_tval = va;
        return false;
    }
    void *host;
    uint64_t pa;
    /* SC must fault like a store even when it would fail (unpriv spec 14.2). */
    if (!mmu_translate_rmw(c, va, size, &host, &pa))
        return false;
    bool ok = host && c->reservation == pa;
    if (ok)
        memcpy(host, &src, size);
    c->reservation = RESERVATION_NONE;
    *result = ok ? 0 : 1;
    return true;
}

/* Division per unpriv spec 13.2, table "Semantics for division by zero and division
 * overflow": no traps, defined results. */
static int64_t div_s(int64_t a, int64_t b)
{
    if (b == 0) return -1;
    if (a == INT64_MIN && b == -1) return a;
    return a / b;
}
static uint64_t div_u(uint64_t a, uint64_t b) { return b == 0 ? UINT64_MAX : a / b; }
static int64_t rem_s(int64_t a, int64_t b)
{
    if (b == 0) return a;
    if (a == INT64_MIN && b == -1) return 0;
    return a % b;
}
static uint64_t rem_u(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }
static int32_t div_w(int32_t a, int32_t b)
{
    if (b == 0) return -1;
    if (a == INT32_MIN && b == -1) return a;
    return a / b;
}
static uint32_t divu_w(uint32_t a, uint32_t b) { return b == 0 ? UINT32_MAX : a / b; }
static int32_t rem_w(int32_t a, int32_t b)
{
    if (b == 0) return a;
    if (a == INT32_MIN && b == -1) return 0;
    return a % b;
}
static uint32_t remu_w(uint32_t a, uint32_t b) { return b == 0 ? a : a % b; }

static void count_retired(struct cpu *c, uint64_t n)
{
    if (!(c->mcountinhibit & 1))
        c->mcycle += n;
    if (!(c->mcountinhibit & 4))
        c->minstret += n;
}

/* Run until `budget` instructions retire (checked when control leaves a page or jumps), or
 * earlier for wfi; `step` executes exactly one instruction or takes one trap.
 * With c == NULL it only publishes the decoder's handler addresses. */
static uint64_t interp(struct cpu *c, int64_t budget, bool step)
{
    static const void *const handlers[OP_COUNT + 1] = {
#define INSN(name, match, mask, fmt) [OP_##name] = &&op_##name,
#include "insns.def"
#undef INSN
        [OP_ILLEGAL] = &&op_ILLEGAL,
    };
    static const void *const entry_points[] = {&&op_decode, &&op_page_end};
    if (!c) {
        interp_entry_points = entry_points;
        return 0;
    }

    uint64_t *const x = c->x;
    struct insn *insn;
    struct dpage *page = NULL;
    uint64_t page_vbase = FTLB_INVALID; /* virtual page of `page`; never matches in one-offs */
    struct ftlb_set *dview;
    uint64_t pc;
    int64_t remaining = budget, counted = budget;

#define RD x[insn->rd]
#define RS1 x[insn->rs1]
#define RS2 x[insn->rs2]
#define IMM ((int64_t)insn->imm)
#define DISPATCH() goto *insn->op
#define NEXT()                                                                                     \
    do {                                                                                           \
        unsigned len_ = insn->len;                                                                 \
        pc += len_;                                                                                \
        insn += len_ >> 1;                                                                         \
        remaining--;                                                                               \
        DISPATCH();                                                                                \
    } while (0)
#define JUMP(target)                                                                               \
    do {                                                                                           \
        pc = (target);                                                                             \
        remaining--;                                                                               \
        if (likely((pc & ~(PAGE_SIZE - 1)) == page_vbase && remaining > 0)) {                      \
            insn = &page->slot[(pc & (PAGE_SIZE - 1)) >> 1];                                       \
            DISPATCH();                                                                            \
        }                                                                                          \
        goto refetch;                                                                              \
    } while (0)
#define BRANCH(cond)                                                                               \
    do {                                                                                           \
        if (cond)                                                                                  \
            JUMP(pc + IMM);                                                                        \
        NEXT();                                                                                    \
    } while (0)
#define RAISE(cause, tval)                                                                         \
    do {                                                                                           \
        c->exc_cause = (cause);                                                                    \
        c->exc_tval = (tval);                                                                      \
        goto exception;                                                                            \
    } while (0)
#define SYNC_COUNTERS()                                                                            \
    do {                                                                                           \
        count_retired(c, (uint64_t)(counted - remaining));                                         \
        counted = remaining;                                                                       \
    } while (0)
/* After an instruction that changes privilege, translation or interrupt state. */
#define RETIRE_AND_SYNC(next_pc)                                                                   \
    do {                                                                                           \
        c->pc = (next_pc);                                                                         \
        remaining--;                                                                               \
        goto sync;                                                                                 \
    } while (0)
#define LOAD(ctype, size)                                                                          \
    do {                                                                                           \
        uint64_t a_ = RS1 + IMM;                                                                   \
        const struct ftlb_entry *e_ = &dview->read[ftlb_index(a_)];                                \
        if (likely(e_->tag == ftlb_tag(a_, size))) {                                               \
            RD = (uint64_t)(int64_t)*(const ctype *)(e_->addend + a_);                             \
            NEXT();                                                                                \
        }                                                                                          \
        uint64_t v_;                                                                               \
        if (!mmu_load(c, a_, size, &v_))                                                           \
            goto exception;                                                                        \
        RD = (uint64_t)(int64_t)(ctype)v_;                                                         \
        NEXT();                                                                                    \
    } while (0)
#define STORE(ctype, size)                                                                         \
    do {                                                                                           \
        uint64_t a_ = RS1 + IMM;                                                                   \
        const struct ftlb_entry *e_ = &dview->write[ftlb_index(a_)];                               \
        if (likely(e_->tag == ftlb_tag(a_, size))) {                                               \
            *(ctype *)(e_->addend + a_) = (ctype)RS2;                                              \
            NEXT();                                                                                \
        }                                                                                          \
        if (!mmu_store(c, a_, size, RS2))                                                          \
            goto exception;                                                                        \
        NEXT();                                                                                    \
    } while (0)
#define CSR_INSN(kind, src, src_nonzero)                                                           \
    do {                                                                                           \
        uint64_t old_;                                                                             \
        unsigned csr_ = (unsigned)insn->imm;                                                       \
        bool write_ = (kind) == CSR_KIND_WRITE || (src_nonzero);                                   \
        bool read_ = (kind) != CSR_KIND_WRITE || insn->rd != REG_SINK;                             \
        SYNC_COUNTERS();                                                                           \
        c->pc = pc;                                                                                \
        if (!csr_op(c, kind, csr_, (src), read_, write_, &old_))                                   \
            goto illegal;                                                                          \
        RD = old_;                                                                                 \
        if (write_ && csr_write_needs_resync(csr_))                                                \
            RETIRE_AND_SYNC(pc + insn->len);                                                       \
        NEXT();                                                                                    \
    } while (0)
#define AMO_INSN(kind, size)                                                                       \
    do {                                                                                           \
        uint64_t r_;                                                                               \
        if (!amo(c, kind, RS1, size, RS2, &r_))                                                    \
            goto exception;                                                                        \
        RD = r_;                                                                                   \
        NEXT();                                                                                    \
    } while (0)

sync:
    /* c->pc is where execution continues: take an interrupt if one is pending and enabled. */
    {
        int irq = cpu_pending_irq(c);
        if (irq >= 0) {
            cpu_take_trap(c, true, (uint64_t)irq, 0);
            if (step)
                goto out;
        }
    }
    pc = c->pc;
refetch:
    dview = c->mmu.data;
    if (remaining <= 0) {
        c->pc = pc;
        goto out;
    }
    if (unlikely(step))
        goto one_off;
    {
        struct itlb_entry *e = &c->mmu.fetch[ftlb_index(pc)];
        if (unlikely(e->tag != (pc & ~(PAGE_SIZE - 1)))) {
            e = mmu_fetch(c, pc);
            if (!e)
                goto exception;
        }
        page = e->page;
        page_vbase = pc & ~(PAGE_SIZE - 1);
        insn = &page->slot[(pc & (PAGE_SIZE - 1)) >> 1];
        DISPATCH();
    }

op_decode: {
    unsigned index = (unsigned)(insn - page->slot);
    const uint8_t *host = page->host + 2 * index;
    uint16_t lo = (uint16_t)(host[0] | host[1] << 8), hi = 0;
    if (rv_insn_len(lo) == 4) {
        if (unlikely(index == DPAGE_SLOTS - 1))
            goto one_off; /* the instruction's second half is on the next page */
        hi = (uint16_t)(host[2] | host[3] << 8);
    }
    struct decoded d;
    rv_decode_parcels(lo, hi, &d);
    fill_slot(insn, &d, handlers);
    if (!page->code_chunks)
        mmu_drop_writers(&c->mmu, page->host); /* from now on stores must see this page */
    unsigned offset = 2 * index;
    page->code_chunks |= 1ull << (offset >> DPAGE_CHUNK_SHIFT);
    page->code_chunks |= 1ull << ((offset + d.len - 1) >> DPAGE_CHUNK_SHIFT);
    DISPATCH();
}

one_off: {
    /* Decode the instruction at pc afresh into a private slot followed by two slots that
     * return to refetch: for instructions crossing a page, and for single-stepping. */
    uint16_t lo, hi = 0;
    if (!mmu_fetch_parcel(c, pc, &lo))
        goto exception;
    if (rv_insn_len(lo) == 4 && !mmu_fetch_parcel(c, pc + 2, &hi))
        goto exception;
    struct decoded d;
    rv_decode_parcels(lo, hi, &d);
    insn = c->straddle;
    fill_slot(insn, &d, handlers);
    insn[1].op = insn[2].op = &&op_page_end;
    page_vbase = FTLB_INVALID;
    DISPATCH();
}

op_page_end:
    /* Fell off the end of a page (or of a one-off slot): pc already points past it. */
    goto refetch;

exception:
    c->pc = pc;
    cpu_take_trap(c, false, c->exc_cause, c->exc_tval);
    if (step)
        goto out;
    goto sync;

illegal:
    c->pc = pc;
    cpu_take_trap(c, false, EXC_ILLEGAL_INSN, insn_bits_at(c, pc));
    if (step)
        goto out;
    goto sync;

out:
    count_retired(c, (uint64_t)(counted - remaining));
    return (uint64_t)(budget - remaining);

    /* ---- RV64I ---- */
op_LUI: RD = (uint64_t)IMM; NEXT();
op_AUIPC: RD = pc + (uint64_t)IMM; NEXT();
op_JAL: {
    uint64_t link = pc + insn->len;
    RD = link;
    JUMP(pc + (uint64_t)IMM);
}
op_JALR: {
    uint64_t target = (RS1 + (uint64_t)IMM) & ~1ull; /* read rs1 before writing rd */
    RD = pc + insn->len;
    JUMP(target);
}
op_BEQ: BRANCH(RS1 == RS2);
op_BNE: BRANCH(RS1 != RS2);
op_BLT: BRANCH((int64_t)RS1 < (int64_t)RS2);
op_BGE: BRANCH((int64_t)RS1 >= (int64_t)RS2);
op_BLTU: BRANCH(RS1 < RS2);
op_BGEU: BRANCH(RS1 >= RS2);
op_LB: LOAD(int8_t, 1);
op_LH: LOAD(int16_t, 2);
op_LW: LOAD(int32_t, 4);
op_LD: LOAD(int64_t, 8);
op_LBU: LOAD(uint8_t, 1);
op_LHU: LOAD(uint16_t, 2);
op_LWU: LOAD(uint32_t, 4);
op_SB: STORE(uint8_t, 1);
op_SH: STORE(uint16_t, 2);
op_SW: STORE(uint32_t, 4);
op_SD: STORE(uint64_t, 8);
op_ADDI: RD = RS1 + (uint64_t)IMM; NEXT();
op_SLTI: RD = (int64_t)RS1 < IMM; NEXT();
op_SLTIU: RD = RS1 < (uint64_t)IMM; NEXT();
op_XORI: RD = RS1 ^ (uint64_t)IMM; NEXT();
op_ORI: RD = RS1 | (uint64_t)IMM; NEXT();
op_ANDI: RD = RS1 & (uint64_t)IMM; NEXT();
op_SLLI: RD = RS1 << insn->imm; NEXT();
op_SRLI: RD = RS1 >> insn->imm; NEXT();
op_SRAI: RD = (uint64_t)((int64_t)RS1 >> insn->imm); NEXT();
op_ADD: RD = RS1 + RS2; NEXT();
op_SUB: RD = RS1 - RS2; NEXT();
op_SLL: RD = RS1 << (RS2 & 63); NEXT();
op_SLT: RD = (int64_t)RS1 < (int64_t)RS2; NEXT();
op_SLTU: RD = RS1 < RS2; NEXT();
op_XOR: RD = RS1 ^ RS2; NEXT();
op_SRL: RD = RS1 >> (RS2 & 63); NEXT();
op_SRA: RD = (uint64_t)((int64_t)RS1 >> (RS2 & 63)); NEXT();
op_OR: RD = RS1 | RS2; NEXT();
op_AND: RD = RS1 & RS2; NEXT();
op_ADDIW: RD = (uint64_t)(int64_t)(int32_t)(uint32_t)(RS1 + (uint64_t)IMM); NEXT();
op_SLLIW: RD = (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 << insn->imm); NEXT();
op_SRLIW: RD = (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 >> insn->imm); NEXT();
op_SRAIW: RD = (uint64_t)(int64_t)((int32_t)RS1 >> insn->imm); NEXT();
op_ADDW: RD = (uint64_t)(int64_t)(int32_t)(uint32_t)(RS1 + RS2); NEXT();
op_SUBW: RD = (uint64_t)(int64_t)(int32_t)(uint32_t)(RS1 - RS2); NEXT();
op_SLLW: RD = (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 << (RS2 & 31)); NEXT();
op_SRLW: RD = (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 >> (RS2 & 31)); NEXT();
op_SRAW: RD = (uint64_t)(int64_t)((int32_t)RS1 >> (RS2 & 31)); NEXT();
op_FENCE: NEXT(); /* one hart, sequentially consistent */
op_FENCE_I: NEXT(); /* decoded pages are invalidated on every write: nothing is stale */
op_ECALL: RAISE(EXC_ECALL_U + c->priv, 0); /* 8, 9 or 11 by privilege */
op_EBREAK: RAISE(EXC_BREAKPOINT, pc);

    /* ---- privileged ---- */
op_MRET: {
    if (c->priv != PRIV_M)
        goto illegal;
    /* priv spec 3.3.2: pop the privilege stack. */
    uint64_t s = c->mstatus;
    enum priv to = (enum priv)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    s = (s & ~(MSTATUS_MIE | MSTATUS_MPP)) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0) | MSTATUS_MPIE;
    if (to != PRIV_M)
        s &= ~MSTATUS_MPRV;
    c->mstatus = s;
    c->priv = to;
    mmu_update_views(c);
    RETIRE_AND_SYNC(c->mepc);
}
op_SRET: {
    if (c->priv == PRIV_U || (c->priv == PRIV_S && (c->mstatus & MSTATUS_TSR)))
        goto illegal;
    uint64_t s = c->mstatus;
    enum priv to = (s & MSTATUS_SPP) ? PRIV_S : PRIV_U;
    s = (s & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV)) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0) |
        MSTATUS_SPIE;
    c->mstatus = s;
    c->priv = to;
    mmu_update_views(c);
    RETIRE_AND_SYNC(c->sepc);
}
op_WFI: {
    /* priv spec 3.3.3: illegal in U-mode, and below M with TW = 1 (our time limit is 0). */
    if (c->priv == PRIV_U || (c->priv == PRIV_S && (c->mstatus & MSTATUS_TW)))
        goto illegal;
    pc += insn->len;
    remaining--;
    if (c->mip & c->mie) { /* an interrupt is already pending: wfi is a nop */
        c->pc = pc;
        goto sync;
    }
    c->wfi = true; /* the machine loop sleeps until an interrupt is pending */
    c->pc = pc;
    goto out;
}
op_SFENCE_VMA: {
    if (c->priv == PRIV_U || (c->priv == PRIV_S && (c->mstatus & MSTATUS_TVM)))
        goto illegal;
    /* priv spec 12.2.1: rs1 = x0 means every address, rs2 = x0 every address space. */
    tlb_flush(&c->tlb, insn->rs1 == 0, RS1, insn->rs2 == 0, (uint16_t)(RS2 & SATP_ASID_MASK));
    mmu_flush_all(&c->mmu);
    c->stats.sfences++;
    RETIRE_AND_SYNC(pc + insn->len);
}

    /* ---- Zicsr ---- */
op_CSRRW: CSR_INSN(CSR_KIND_WRITE, RS1, true);
op_CSRRS: CSR_INSN(CSR_KIND_SET, RS1, insn->rs1 != 0);
op_CSRRC: CSR_INSN(CSR_KIND_CLEAR, RS1, insn->rs1 != 0);
op_CSRRWI: CSR_INSN(CSR_KIND_WRITE, (uint64_t)insn->rs1, true);
op_CSRRSI: CSR_INSN(CSR_KIND_SET, (uint64_t)insn->rs1, insn->rs1 != 0);
op_CSRRCI: CSR_INSN(CSR_KIND_CLEAR, (uint64_t)insn->rs1, insn->rs1 != 0);

    /* ---- M ---- */
op_MUL: RD = RS1 * RS2; NEXT();
op_MULH: RD = (uint64_t)(((__int128)(int64_t)RS1 * (__int128)(int64_t)RS2) >> 64); NEXT();
op_MULHSU: RD = (uint64_t)(((__int128)(int64_t)RS1 * (__int128)(unsigned __int128)RS2) >> 64); NEXT();
op_MULHU: RD = (uint64_t)(((unsigned __int128)RS1 * (unsigned __int128)RS2) >> 64); NEXT();
op_DIV: RD = (uint64_t)div_s((int64_t)RS1, (int64_t)RS2); NEXT();
op_DIVU: RD = div_u(RS1, RS2); NEXT();
op_REM: RD = (uint64_t)rem_s((int64_t)RS1, (int64_t)RS2); NEXT();
op_REMU: RD = rem_u(RS1, RS2); NEXT();
op_MULW: RD = (uint64_t)(int64_t)(int32_t)(uint32_t)(RS1 * RS2); NEXT();
op_DIVW: RD = (uint64_t)(int64_t)div_w((int32_t)RS1, (int32_t)RS2); NEXT();
op_DIVUW: RD = (uint64_t)(int64_t)(int32_t)divu_w((uint32_t)RS1, (uint32_t)RS2); NEXT();
op_REMW: RD = (uint64_t)(int64_t)rem_w((int32_t)RS1, (int32_t)RS2); NEXT();
op_REMUW: RD = (uint64_t)(int64_t)(int32_t)remu_w((uint32_t)RS1, (uint32_t)RS2); NEXT();

    /* ---- A ---- */
op_LR_W: {
    uint64_t r;
    if (!load_reserved(c, RS1, 4, &r))
        goto exception;
    RD = r;
    NEXT();
}
op_LR_D: {
    uint64_t r;
    if (!load_reserved(c, RS1, 8, &r))
        goto exception;
    RD = r;
    NEXT();
}
op_SC_W: {
    uint64_t r;
    if (!store_conditional(c, RS1, 4, RS2, &r))
        goto exception;
    RD = r;
    NEXT();
}
op_SC_D: {
    uint64_t r;
    if (!store_conditional(c, RS1, 8, RS2, &r))
        goto exception;
    RD = r;
    NEXT();
}
op_AMOSWAP_W: AMO_INSN(AMO_SWAP, 4);
op_AMOADD_W: AMO_INSN(AMO_ADD, 4);
op_AMOXOR_W: AMO_INSN(AMO_XOR, 4);
op_AMOAND_W: AMO_INSN(AMO_AND, 4);
op_AMOOR_W: AMO_INSN(AMO_OR, 4);
op_AMOMIN_W: AMO_INSN(AMO_MIN, 4);
op_AMOMAX_W: AMO_INSN(AMO_MAX, 4);
op_AMOMINU_W: AMO_INSN(AMO_MINU, 4);
op_AMOMAXU_W: AMO_INSN(AMO_MAXU, 4);
op_AMOSWAP_D: AMO_INSN(AMO_SWAP, 8);
op_AMOADD_D: AMO_INSN(AMO_ADD, 8);
op_AMOXOR_D: AMO_INSN(AMO_XOR, 8);
op_AMOAND_D: AMO_INSN(AMO_AND, 8);
op_AMOOR_D: AMO_INSN(AMO_OR, 8);
op_AMOMIN_D: AMO_INSN(AMO_MIN, 8);
op_AMOMAX_D: AMO_INSN(AMO_MAX, 8);
op_AMOMINU_D: AMO_INSN(AMO_MINU, 8);
op_AMOMAXU_D: AMO_INSN(AMO_MAXU, 8);

op_ILLEGAL:
    goto illegal;
}

void interp_publish_labels(void) { interp(NULL, 0, false); }

uint64_t cpu_run(struct cpu *c, uint64_t budget)
{
    cpu_update_stip(c);
    return interp(c, (int64_t)budget, false);
}

void cpu_step(struct cpu *c)
{
    cpu_update_stip(c);
    interp(c, 1, true);
}
