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

#include "bitmanip.h"
#include "cmo.h"
#include "divide.h"
#include "cpu.h"
#include "csr_numbers.h"
#include "exec_forms.h"
#include "jit.h"
#include "fpu.h"
#include "fpu_insn.h"
#include "../mmu/walk.h"
#include "../mmu/tlb.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* GNU C local register variables (x86-64 GCC): see interp. Elsewhere the compiler chooses. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define HOT_REG(name) __asm__(name)
/* A register variable is only bound to its register where an asm statement uses it: this
 * empty one, at every dispatch, keeps GCC from copying it to the stack and loading it back. */
#define HOT_KEEP(var) __asm__ volatile("" : "+r"(var))
#else
#define HOT_REG(name)
#define HOT_KEEP(var) ((void)0)
#endif

/* {decode, page end}: the handlers fresh decoded-page slots point at (cpu/icache.c). */
const void *const *interp_entry_points;

/* Instruction bits at pc for the illegal-instruction mtval (priv spec 3.1.16): the slot
 * does not keep them, and the instruction was fetched just now, so fetch it again. */
static uint64_t insn_bits_at(struct cpu *c, uint64_t pc)
{
    uint16_t lo, hi;
    if (!mmu_fetch_parcel(&c->mmu, pc, &lo)) return 0;
    if (rv_insn_len(lo) == 2) return lo;
    if (!mmu_fetch_parcel(&c->mmu, pc + 2, &hi)) return 0;
    return (uint64_t)lo | (uint64_t)hi << 16;
}

enum csr_kind { CSR_KIND_WRITE, CSR_KIND_SET, CSR_KIND_CLEAR };

/* Zicsr semantics (unpriv spec 7.1): CSRRW with rd = x0 does not read; CSRRS/CSRRC with a
 * zero source register (or zimm) do not write. */
static bool csr_op(struct cpu *c, enum csr_kind kind, unsigned csr, uint64_t src, bool read,
                   bool write, uint64_t *old)
{
    uint64_t value = 0;
    if (read && !csr_read(c, csr, &value)) return false;
    if (write) {
        uint64_t base = value;
        if (csr == CSR_MIP) /* read-modify-write sees SEIP's software bit only (3.1.9) */
            base = (base & ~MIP_SEIP) | (c->seip_software ? MIP_SEIP : 0);
        uint64_t v = kind == CSR_KIND_WRITE ? src : kind == CSR_KIND_SET ? base | src : base & ~src;
        if (!csr_write(c, csr, v)) return false;
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

/* Where an AMO or SC writes: naturally aligned (else cause 6), translated for a store, and
 * in RAM: devices do not support atomics (their PMA is AMONone: store/AMO access fault).
 * Unpriv spec 14.2 and 14.4, priv spec 3.6.3.2. NULL with the exception set otherwise. */
static void *atomic_target(struct cpu *c, uint64_t va, unsigned size, uint64_t *pa)
{
    void *host;
    if (va & (size - 1)) return cpu_fault(c, EXC_STORE_MISALIGNED, va), NULL;
    if (!mmu_translate_rmw(&c->mmu, va, size, &host, pa)) return NULL;
    if (!host) return cpu_fault(c, EXC_STORE_ACCESS, va), NULL;
    return host;
}

/* The read-modify-write is one host atomic operation on guest RAM, so AMOs are atomic across
 * harts running on other host threads (unpriv spec 14.4). x86-64 locked operations are full
 * barriers, stronger than any aq/rl combination asks (README, "Memory model"). Min/max have
 * no host instruction: a compare-and-swap loop, which retries only when another hart wrote
 * the word in between. */
#define AMO_ON(type, host, kind, src, old)                                                         \
    do {                                                                                           \
        type *p_ = (type *)(host), s_ = (type)(src);                                               \
        switch (kind) {                                                                            \
        case AMO_SWAP: old = __atomic_exchange_n(p_, s_, __ATOMIC_SEQ_CST); break;                 \
        case AMO_ADD: old = __atomic_fetch_add(p_, s_, __ATOMIC_SEQ_CST); break;                   \
        case AMO_XOR: old = __atomic_fetch_xor(p_, s_, __ATOMIC_SEQ_CST); break;                   \
        case AMO_AND: old = __atomic_fetch_and(p_, s_, __ATOMIC_SEQ_CST); break;                   \
        case AMO_OR: old = __atomic_fetch_or(p_, s_, __ATOMIC_SEQ_CST); break;                     \
        default:                                                                                   \
            old = __atomic_load_n(p_, __ATOMIC_RELAXED);                                           \
            while (!__atomic_compare_exchange_n(                                                   \
                p_, &old, (type)amo_apply(kind, old, src, sizeof(type) == 4), false,               \
                __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))                                               \
                ;                                                                                  \
        }                                                                                          \
    } while (0)

static bool amo(struct cpu *c, enum amo_kind kind, uint64_t va, unsigned size, uint64_t src,
                uint64_t *result)
{
    uint64_t pa;
    void *host = atomic_target(c, va, size, &pa);
    if (!host) return false;
    if (size == 4) {
        uint32_t old;
        AMO_ON(uint32_t, host, kind, src, old);
        *result = (uint64_t)(int64_t)(int32_t)old;
    } else {
        uint64_t old;
        AMO_ON(uint64_t, host, kind, src, old);
        *result = old;
    }
    mmu_written(&c->mmu, pa, size); /* other harts' code there (mmu/coherence.h, rule 2) */
    return true;
}

/* LR/SC across harts (unpriv spec 14.2, "Zalrsc"): the reservation is the LR's physical
 * address and the value it read (as rd got it: sign-extended for LR.W). An SC to that address
 * stores with a host compare-and-swap against that value, so it fails if any store (another
 * hart's, a device's DMA, or this hart's own) changed those bytes since the LR: the
 * reservation set is the bytes the LR read. Deviation, as QEMU's: a store that writes back the
 * value that was there (or A -> B -> A) is not seen (ABA), so such an SC succeeds; it stores
 * what it would have stored had it run first, atomically, which is what LR/SC sequences rely
 * on. An SC of another size at the same address compares its own bytes: SC.W after LR.D the
 * low word, SC.D after LR.W the sign-extended word. */
static bool load_reserved(struct cpu *c, uint64_t va, unsigned size, uint64_t *result)
{
    uint64_t pa, v;
    if (va & (size - 1)) return cpu_fault(c, EXC_LOAD_MISALIGNED, va);
    if (!mmu_translate_load(&c->mmu, va, size, &pa)) return false;
    if (!ram_contains(&c->mmu.ram, pa)) /* devices do not support LR/SC either */
        return cpu_fault(c, EXC_LOAD_ACCESS, va);
    if (!mmu_load(&c->mmu, va, size, &v)) return false;
    *result = size == 4 ? (uint64_t)(int64_t)(int32_t)v : v;
    c->reservation = pa;
    c->reservation_value = *result;
    return true;
}

static bool store_conditional(struct cpu *c, uint64_t va, unsigned size, uint64_t src,
                              uint64_t *result)
{
    uint64_t pa;
    /* SC must fault like a store even when it would fail (unpriv spec 14.2). */
    void *host = atomic_target(c, va, size, &pa);
    if (!host) return false;
    bool ok = c->reservation == pa;
    if (ok && size == 4) {
        uint32_t expected = (uint32_t)c->reservation_value;
        ok = __atomic_compare_exchange_n((uint32_t *)host, &expected, (uint32_t)src, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
    } else if (ok) {
        uint64_t expected = c->reservation_value;
        ok = __atomic_compare_exchange_n((uint64_t *)host, &expected, src, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_RELAXED);
    }
    c->reservation = RESERVATION_NONE;
    if (ok) mmu_written(&c->mmu, pa, size);
    *result = ok ? 0 : 1;
    return true;
}

bool cpu_atomic(struct cpu *c, uint64_t va, uint64_t src, enum opcode op, uint64_t *result)
{
    switch (op) {
    case OP_LR_W: return load_reserved(c, va, 4, result);
    case OP_LR_D: return load_reserved(c, va, 8, result);
    case OP_SC_W: return store_conditional(c, va, 4, src, result);
    case OP_SC_D: return store_conditional(c, va, 8, src, result);
    case OP_AMOSWAP_W: return amo(c, AMO_SWAP, va, 4, src, result);
    case OP_AMOADD_W: return amo(c, AMO_ADD, va, 4, src, result);
    case OP_AMOXOR_W: return amo(c, AMO_XOR, va, 4, src, result);
    case OP_AMOAND_W: return amo(c, AMO_AND, va, 4, src, result);
    case OP_AMOOR_W: return amo(c, AMO_OR, va, 4, src, result);
    case OP_AMOMIN_W: return amo(c, AMO_MIN, va, 4, src, result);
    case OP_AMOMAX_W: return amo(c, AMO_MAX, va, 4, src, result);
    case OP_AMOMINU_W: return amo(c, AMO_MINU, va, 4, src, result);
    case OP_AMOMAXU_W: return amo(c, AMO_MAXU, va, 4, src, result);
    case OP_AMOSWAP_D: return amo(c, AMO_SWAP, va, 8, src, result);
    case OP_AMOADD_D: return amo(c, AMO_ADD, va, 8, src, result);
    case OP_AMOXOR_D: return amo(c, AMO_XOR, va, 8, src, result);
    case OP_AMOAND_D: return amo(c, AMO_AND, va, 8, src, result);
    case OP_AMOOR_D: return amo(c, AMO_OR, va, 8, src, result);
    case OP_AMOMIN_D: return amo(c, AMO_MIN, va, 8, src, result);
    case OP_AMOMAX_D: return amo(c, AMO_MAX, va, 8, src, result);
    case OP_AMOMINU_D: return amo(c, AMO_MINU, va, 8, src, result);
    case OP_AMOMAXU_D: return amo(c, AMO_MAXU, va, 8, src, result);
    default: return cpu_fault(c, EXC_ILLEGAL_INSN, 0);
    }
}

static void count_retired(struct cpu *c, uint64_t n)
{
    if (!(c->mcountinhibit & 1)) c->mcycle += n;
    if (!(c->mcountinhibit & 4)) c->minstret += n;
    c->stats.retired += n;
    /* Sscofpmf: a counter of instructions is checked for a wrap at each sync (its runs end
     * there), the others when the run ends (LCOFI comes "eventually", says the spec). */
    if (unlikely(c->hpm_armed_retired)) cpu_hpm_check_overflow(c);
}

/* Run until `budget` instructions retire (checked when control leaves a page or jumps), or
 * earlier for wfi; `step` executes exactly one instruction or takes one trap.
 * With c == NULL it only publishes the decoder's handler addresses. */
static uint64_t interp(struct cpu *c, int64_t budget, bool step)
{
    static const void *const handlers4[OP_COUNT + 1] = {
#define INSN(name, ...) [OP_##name] = &&op_##name##_4,
#include "insns.def"
#undef INSN
        [OP_ILLEGAL] = &&op_ILLEGAL_4,
    };
    static const void *const handlers2[OP_COUNT + 1] = {
#define INSN(name, ...) [OP_##name] = &&op_##name##_2,
#include "insns.def"
#undef INSN
        [OP_ILLEGAL] = &&op_ILLEGAL_2,
    };
    static const void *const entry_points[] = {&&op_decode, &&op_page_end};
#define BRANCH_FORM_TABLE(form, ilen)                                                              \
    {                                                                                              \
        &&op_BEQ##form##_##ilen, &&op_BNE##form##_##ilen, &&op_BLT##form##_##ilen,                 \
            &&op_BGE##form##_##ilen, &&op_BLTU##form##_##ilen, &&op_BGEU##form##_##ilen            \
    }
    static const void *const near4[BRANCH_KINDS] = BRANCH_FORM_TABLE(_NEAR, 4);
    static const void *const near_zero4[BRANCH_KINDS] = BRANCH_FORM_TABLE(_NEARZ, 4);
    static const void *const near2[BRANCH_KINDS] = BRANCH_FORM_TABLE(_NEAR, 2);
    static const void *const near_zero2[BRANCH_KINDS] = BRANCH_FORM_TABLE(_NEARZ, 2);
#undef BRANCH_FORM_TABLE
#define SELF(name, ilen) [OP_##name] = &&op_##name##_SELF_##ilen
#define SELF_FORM_TABLE(ilen)                                                                      \
    {                                                                                              \
        SELF(ADDI, ilen), SELF(ANDI, ilen), SELF(ORI, ilen), SELF(XORI, ilen), SELF(SLLI, ilen),   \
            SELF(SRLI, ilen), SELF(SRAI, ilen), SELF(ADD, ilen), SELF(SUB, ilen), SELF(AND, ilen), \
            SELF(OR, ilen), SELF(XOR, ilen), SELF(ADDIW, ilen), SELF(ADDW, ilen),                  \
    }
    static const void *const self4[OP_COUNT + 1] = SELF_FORM_TABLE(4);
    static const void *const self2[OP_COUNT + 1] = SELF_FORM_TABLE(2);
#undef SELF_FORM_TABLE
#undef SELF
#define FUSED(name)                                                                                \
    {                                                                                              \
        &&op_##name##_4, &&op_##name##_6, &&op_##name##_8                                          \
    }
    static const struct handler_set set4 = {
        handlers4, near4,         near_zero4, &&op_JAL_NEAR_4, &&op_LI_4,
        &&op_MV_4, &&op_MV_RS2_4, self4,      FUSED(SLLI_ADD), &&op_stretch_break};
    static const struct handler_set set2 = {
        handlers2, near2,         near_zero2, &&op_JAL_NEAR_2, &&op_LI_2,
        &&op_MV_2, &&op_MV_RS2_2, self2,      FUSED(SLLI_ADD), &&op_stretch_break};
#undef FUSED
    if (!c) {
        interp_entry_points = entry_points;
        return 0;
    }

    /* What every handler uses lives in callee-saved host registers (HOT_REG): GCC's allocator,
     * facing hundreds of handlers in one function, otherwise spills some of them to the stack
     * depending on unrelated code, adding a load to every instruction. */
    register uint64_t *x HOT_REG("r14") = c ? c->x : NULL;
    register struct insn *insn HOT_REG("r12");
    register struct ftlb_set *dview HOT_REG("r13");
    register int64_t remaining HOT_REG("r15") = budget;
    struct dpage *page = NULL;
    /* The pc is not kept up to date per instruction: it is derived from the slot pointer,
     * pc = pc_base + 2 * (insn - slot_base), where a handler needs it. */
    struct insn *slot_base = NULL;
    uint64_t pc_base = 0;
    uint64_t page_vbase = FTLB_INVALID; /* virtual page of `page`; never matches in one-offs */
    uint64_t pc;                        /* valid at refetch and one_off only */
    /* Loads while data accesses translate to themselves (M-mode, Bare: mmu_identity) read RAM
     * directly: guest address a is host id_host + (a - ram.base) when that is below id_span.
     * That takes the fast TLB's dependent load off the path from address to value (in
     * translated modes id_span is 0 and loads go through the fast TLB). A load of up to 8 bytes
     * that passes ends inside RAM: id_span = ram.size - 7. */
    register uint64_t id_span HOT_REG("rbx") = 0;
    const uint64_t id_base = c ? c->mmu.ram.base : 0;
    const uint8_t *const id_host = c ? (const uint8_t *)c->mmu.ram.host : NULL;
    int64_t counted = budget;

#define RD x[insn->rd]
#define RS1 x[insn->rs1]
#define RS2 x[insn->rs2]
#define IMM ((int64_t)insn->imm)
#define DISPATCH()                                                                                 \
    do {                                                                                           \
        HOT_KEEP(x);                                                                               \
        goto * insn->op;                                                                           \
    } while (0)
#define PC                                                                                         \
    (pc_base + (uint64_t)((uintptr_t)insn - (uintptr_t)slot_base) / (sizeof(struct insn) / 2))
/* Instructions are counted per stretch (cpu/exec_forms.h): entering a chain of slots charges
 * the budget with the entry slot's count, what runs from there to the stretch's end; within
 * the stretch an instruction just steps on. So `remaining` is exact only between stretches and
 * at a non-member instruction (count 0), which counts itself (NEXT_EXACT). A member's slow
 * path first gives back what its stretch charged beyond what has run (UNCHARGE): from there
 * on it is a non-member, trap and all. */
#define ENTER()                                                                                    \
    do {                                                                                           \
        HOT_KEEP(insn); /* (else GCC computes both in scratch registers and copies them back) */   \
        remaining -= insn->count;                                                                  \
        HOT_KEEP(remaining);                                                                       \
        DISPATCH();                                                                                \
    } while (0)
#define NEXT()                                                                                     \
    do {                                                                                           \
        insn += ILEN / 2;                                                                          \
        DISPATCH();                                                                                \
    } while (0)
/* After a stretch's last instruction: the next one starts a stretch. */
#define NEXT_ENTER()                                                                               \
    do {                                                                                           \
        insn += ILEN / 2;                                                                          \
        ENTER();                                                                                   \
    } while (0)
/* After a non-member (or a member's slow path): it counts itself, the next one starts anew. */
#define NEXT_EXACT()                                                                               \
    do {                                                                                           \
        remaining--;                                                                               \
        NEXT_ENTER();                                                                              \
    } while (0)
#define UNCHARGE() (remaining += insn->count)
/* A branch or jump ends its stretch: every instruction up to it is counted, so this is where
 * the budget is looked at. */
#define JUMP(target)                                                                               \
    do {                                                                                           \
        uint64_t t_ = (target);                                                                    \
        if (likely((t_ & ~(PAGE_SIZE - 1)) == page_vbase && remaining > 0)) {                      \
            insn = &slot_base[(t_ & (PAGE_SIZE - 1)) >> 1];                                        \
            ENTER();                                                                               \
        }                                                                                          \
        pc = t_;                                                                                   \
        goto refetch;                                                                              \
    } while (0)
#define BRANCH(cond)                                                                               \
    do {                                                                                           \
        if (cond) {                                                                                \
            if (likely(insn->rd == BRANCH_NEAR)) {                                                 \
                insn += insn->imm >> 1; /* even offset: exact */                                   \
                if (likely(remaining > 0)) ENTER();                                                \
                pc = PC;                                                                           \
                goto refetch;                                                                      \
            }                                                                                      \
            JUMP(PC + (uint64_t)IMM);                                                              \
        }                                                                                          \
        NEXT_ENTER();                                                                              \
    } while (0)
/* A taken branch or jump within the page: imm is the distance in slot bytes (fill_slot). */
#define NEAR_TAKEN()                                                                               \
    do {                                                                                           \
        insn = (struct insn *)((char *)insn + insn->imm);                                          \
        if (likely(remaining > 0)) ENTER();                                                        \
        pc = PC;                                                                                   \
        goto refetch;                                                                              \
    } while (0)
#define BRANCH_NEAR_FORM(cond)                                                                     \
    do {                                                                                           \
        if (cond) NEAR_TAKEN();                                                                    \
        NEXT_ENTER();                                                                              \
    } while (0)
/* Leave for the trap path with c->pc at the current instruction. */
#define TRAP_EXIT(label)                                                                           \
    do {                                                                                           \
        c->pc = PC;                                                                                \
        goto label;                                                                                \
    } while (0)
#define RAISE(cause, tval)                                                                         \
    do {                                                                                           \
        c->exc_cause = (cause);                                                                    \
        c->exc_tval = (tval);                                                                      \
        TRAP_EXIT(exception);                                                                      \
    } while (0)
#define SYNC_COUNTERS()                                                                            \
    do {                                                                                           \
        count_retired(c, (uint64_t)(counted - remaining));                                         \
        counted = remaining;                                                                       \
        c->time_lag = 0;                                                                           \
    } while (0)
/* After an instruction that changes privilege, translation or interrupt state. */
#define RETIRE_AND_SYNC(next_pc)                                                                   \
    do {                                                                                           \
        c->pc = (next_pc);                                                                         \
        remaining--;                                                                               \
        if (step) goto step_out_sync; /* a pending interrupt belongs to the next step */           \
        goto sync;                                                                                 \
    } while (0)
#define LOAD(ctype, size)                                                                          \
    do {                                                                                           \
        /* The offset in RAM (id_host + o_ is the host address), the address rebuilt from it       \
         * after the test: no copy of it kept live along the direct path. */                       \
        uint64_t o_ = RS1 + IMM - id_base;                                                         \
        HOT_KEEP(o_); /* (else GCC keeps the address live beside it, a copy on the path) */        \
        if (likely(o_ < id_span)) {                                                                \
            /* Any alignment here (the guest may load misaligned): memcpy, one mov on x86. */      \
            ctype d_;                                                                              \
            __builtin_memcpy(&d_, id_host + o_, sizeof d_);                                        \
            RD = (uint64_t)(int64_t)d_;                                                            \
            NEXT();                                                                                \
        }                                                                                          \
        uint64_t a_ = o_ + id_base;                                                                \
        const struct ftlb_entry *e_ = &dview->read[ftlb_index(a_)];                                \
        if (likely(e_->tag == ftlb_tag(a_, size))) {                                               \
            RD = (uint64_t)(int64_t) * (const ctype *)(e_->addend + a_);                           \
            NEXT();                                                                                \
        }                                                                                          \
        uint64_t v_;                                                                               \
        UNCHARGE();                                                                                \
        c->pc = PC; /* slow path: let the MMU (and event hooks) know where we are */               \
        if (!mmu_load(&c->mmu, a_, size, &v_)) TRAP_EXIT(exception);                               \
        RD = (uint64_t)(int64_t)(ctype)v_;                                                         \
        NEXT_EXACT();                                                                              \
    } while (0)
#define STORE(ctype, size)                                                                         \
    do {                                                                                           \
        uint64_t a_ = RS1 + IMM;                                                                   \
        const struct ftlb_entry *e_ = &dview->write[ftlb_index(a_)];                               \
        if (likely(e_->tag == ftlb_tag(a_, size))) {                                               \
            *(ctype *)(e_->addend + a_) = (ctype)RS2;                                              \
            NEXT();                                                                                \
        }                                                                                          \
        /* (the count before the store: it may drop this very slot's decoding) */                  \
        UNCHARGE();                                                                                \
        c->pc = PC;                                                                                \
        if (!mmu_store(&c->mmu, a_, size, RS2)) TRAP_EXIT(exception);                              \
        if (unlikely(c->yield_request)) {                                                          \
            c->pc = PC + ILEN;                                                                     \
            remaining--;                                                                           \
            goto out;                                                                              \
        }                                                                                          \
        NEXT_EXACT();                                                                              \
    } while (0)
#define CSR_INSN(kind, src, src_nonzero)                                                           \
    do {                                                                                           \
        uint64_t old_;                                                                             \
        unsigned csr_ = (unsigned)insn->imm;                                                       \
        bool write_ = (kind) == CSR_KIND_WRITE || (src_nonzero);                                   \
        bool read_ = (kind) != CSR_KIND_WRITE || insn->rd != REG_SINK;                             \
        SYNC_COUNTERS();                                                                           \
        c->pc = PC;                                                                                \
        if (!csr_op(c, kind, csr_, (src), read_, write_, &old_)) TRAP_EXIT(illegal);               \
        RD = old_;                                                                                 \
        if (write_ && csr_write_needs_resync(csr_)) RETIRE_AND_SYNC(PC + ILEN);                    \
        NEXT_EXACT();                                                                              \
    } while (0)
/* A cache-block operation: illegal or faulting by cpu/cmo.c's verdict. A cbo.zero over code
 * drops the decoded instructions like a store, so the next slot decodes afresh. */
#define CBO_INSN(kind)                                                                             \
    do {                                                                                           \
        c->pc = PC;                                                                                \
        enum cbo_result r_ = cpu_cbo(c, kind, RS1);                                                \
        if (r_ == CBO_ILLEGAL) TRAP_EXIT(illegal);                                                 \
        if (r_ == CBO_FAULT) TRAP_EXIT(exception);                                                 \
        NEXT_EXACT();                                                                              \
    } while (0)
#define AMO_INSN(kind, size)                                                                       \
    do {                                                                                           \
        uint64_t r_;                                                                               \
        c->pc = PC;                                                                                \
        if (!amo(c, kind, RS1, size, RS2, &r_)) TRAP_EXIT(exception);                              \
        RD = r_;                                                                                   \
        NEXT_EXACT();                                                                              \
    } while (0)

/* ---- F, D, Zfh/Zfhmin and Zfa (unpriv spec ch. 20, 21, "Zfh and Zfhmin", "Zfa") ---- */
#define FRS2 c->f[insn->rs2]
/* Every F/D instruction is illegal while mstatus.FS = Off (priv spec 3.1.6.6). */
#define FP_REQUIRE_ENABLED()                                                                       \
    do {                                                                                           \
        if (unlikely(!(c->mstatus & MSTATUS_FS))) TRAP_EXIT(illegal);                              \
    } while (0)
/* Write an FP register: the FP state becomes Dirty. */
#define FP_WRITE(value)                                                                            \
    do {                                                                                           \
        fpu_insn_write(c, insn->rd, (value), 0);                                                   \
        NEXT_EXACT();                                                                              \
    } while (0)
/* Everything but loads and stores: cpu/fpu_insn.h, shared with the translator. */
#define FPI_ARGS c, insn->rd, insn->rs1, insn->rs2, insn->imm
#define FP_EXEC(call)                                                                              \
    do {                                                                                           \
        if (unlikely(!(call))) TRAP_EXIT(illegal);                                                 \
        NEXT_EXACT();                                                                              \
    } while (0)
/* Loads and stores take the integer paths' fast TLB and slow path (same faults, same
 * misaligned handling); a loaded single is NaN-boxed ("NaN Boxing of Narrower Values"). */
#define FP_LOAD(ctype, size, box)                                                                  \
    do {                                                                                           \
        FP_REQUIRE_ENABLED();                                                                      \
        uint64_t a_ = RS1 + IMM, v_;                                                               \
        const struct ftlb_entry *e_ = &dview->read[ftlb_index(a_)];                                \
        if (likely(e_->tag == ftlb_tag(a_, size))) {                                               \
            v_ = *(const ctype *)(e_->addend + a_);                                                \
        } else {                                                                                   \
            c->pc = PC;                                                                            \
            if (!mmu_load(&c->mmu, a_, size, &v_)) TRAP_EXIT(exception);                           \
        }                                                                                          \
        FP_WRITE((box) | (ctype)v_);                                                               \
    } while (0)
#define FP_STORE(ctype, size)                                                                      \
    do {                                                                                           \
        FP_REQUIRE_ENABLED();                                                                      \
        uint64_t a_ = RS1 + IMM;                                                                   \
        const struct ftlb_entry *e_ = &dview->write[ftlb_index(a_)];                               \
        if (likely(e_->tag == ftlb_tag(a_, size))) {                                               \
            *(ctype *)(e_->addend + a_) = (ctype)FRS2;                                             \
            NEXT_EXACT();                                                                          \
        }                                                                                          \
        c->pc = PC;                                                                                \
        if (!mmu_store(&c->mmu, a_, size, (ctype)FRS2)) TRAP_EXIT(exception);                      \
        if (unlikely(c->yield_request)) {                                                          \
            c->pc = PC + ILEN;                                                                     \
            remaining--;                                                                           \
            goto out;                                                                              \
        }                                                                                          \
        NEXT_EXACT();                                                                              \
    } while (0)

/* A trap retires nothing but still uses up budget (remaining and counted move together, so
 * instret is unchanged): a trap handler that itself traps must not hold the host forever. */
#define CHARGE_TRAP() (remaining--, counted--)

    /* A run gone through in pieces (cpu_run_begin) goes on where its last piece stopped:
     * through the sync below only where the whole run would have gone through it. */
    if (unlikely(c->in_run)) {
        bool due = c->in_run_sync_due;
        c->in_run_sync_due = false;
        if (!due) goto resume;
    }
sync:
    /* Sscofpmf: a counter of instructions armed to overflow ends the run where it wraps (a CSR
     * write may just have armed it), so its LCOFI comes within a block of the wrap. The run
     * shrinks as a whole: what it retired and what it reports stay as they were. */
    if (unlikely(c->hpm_armed_retired) && remaining > 0) {
        SYNC_COUNTERS();
        int64_t cut = remaining - (int64_t)cpu_hpm_clamp_budget(c, (uint64_t)remaining);
        remaining -= cut, counted -= cut, budget -= cut;
    }
    /* c->pc is where execution continues: take an interrupt if one is pending and enabled. */
    {
        int irq = cpu_pending_irq(c);
        if (irq >= 0) {
            SYNC_COUNTERS(); /* what retired so far counts in the old privilege */
            CHARGE_TRAP();
            cpu_take_trap(c, true, (uint64_t)irq, 0);
            if (step) goto out;
        }
    }
resume:
    pc = c->pc;
refetch:
    dview = c->mmu.data;
    id_span =
        mmu_identity(&c->mmu.state, c->mmu.state.data_priv) && c->mmu.ram.size >= FTLB_MAX_ACCESS
            ? c->mmu.ram.size - (FTLB_MAX_ACCESS - 1)
            : 0;
    if (remaining <= 0 || unlikely(c->yield_request)) {
        c->pc = pc;
        goto out;
    }
    if (unlikely(step)) goto one_off;
    {
        struct itlb_entry *e = &c->mmu.fetch[ftlb_index(pc)];
        if (unlikely(e->tag != ftlb_page_tag(pc))) {
            e = mmu_fetch(&c->mmu, pc);
            if (!e) {
                c->pc = pc;
                goto exception;
            }
        }
        page = e->page;
        slot_base = page->slot;
        pc_base = page_vbase = pc & ~(PAGE_SIZE - 1);
        insn = &slot_base[(pc & (PAGE_SIZE - 1)) >> 1];
        if (c->jit && !c->event_hook) {
            /* Translated code starts at jump targets: let taken jumps come back here. */
            page_vbase = FTLB_INVALID;
            struct jit_result r = jit_run(c, e, pc, remaining);
            remaining = r.remaining;
            if (r.outcome == JIT_EXCEPTION) goto exception;
            if (r.outcome == JIT_CONTINUE) {
                pc = c->pc;
                goto refetch;
            }
        }
        ENTER();
    }

op_decode : {
    /* Control only reaches a slot not yet decoded as the start of a stretch (cpu/icache.c
     * drops a page's decoding up to a written chunk, and a member's slow path that may write
     * ends its stretch), so its count was not charged: the whole stretch decodes now. */
    unsigned index = (unsigned)(insn - page->slot);
    /* From now on stores must see this page: before its bytes are read (mmu/coherence.h). */
    if (!page->code_chunks) cpu_code_page_first(c, page);
    /* With a translator, branches leave through refetch (as from a one-off slot) and pairs
     * are not fused: the translator runs the hot code. */
    if (decode_stretch(page->slot, page->host, 2 * index, &page->code_chunks, &set4, &set2,
                       !c->jit) < 0) {
        pc = PC;
        goto one_off; /* the instruction's second half is on the next page */
    }
    ENTER();
}

op_stretch_break:
    /* A stretch too long to count ahead: this instruction by itself, as a one-off. */
    pc = PC;
    goto one_off;

one_off : {
    /* Decode the instruction at pc afresh into a private slot followed by two slots that
     * return to refetch: for instructions crossing a page, and for single-stepping. */
    uint16_t lo, hi = 0;
    c->pc = pc;
    if (!mmu_fetch_parcel(&c->mmu, pc, &lo)) goto exception;
    if (rv_insn_len(lo) == 4 && !mmu_fetch_parcel(&c->mmu, pc + 2, &hi)) goto exception;
    struct decoded d;
    rv_decode_parcels(lo, hi, &d);
    insn = slot_base = c->straddle;
    pc_base = pc;
    fill_slot(insn, &d, d.len == 4 ? &set4 : &set2, -1);
    insn[1] = insn[2] = (struct insn){.op = &&op_page_end};
    page_vbase = FTLB_INVALID;
    if (stretch_member(d.opcode)) insn->count = 1; /* a stretch of one */
    ENTER();
}

op_page_end:
    /* Fell off the end of a page (or of a one-off slot). */
    pc = PC;
    goto refetch;

exception: /* c->pc is the faulting instruction, c->exc_* say why */
    SYNC_COUNTERS();
    CHARGE_TRAP();
    cpu_take_trap(c, false, c->exc_cause, c->exc_tval);
    if (step) goto step_out_sync;
    goto sync;

illegal: /* c->pc is the illegal instruction */
    SYNC_COUNTERS();
    CHARGE_TRAP();
    cpu_take_trap(c, false, EXC_ILLEGAL_INSN, insn_bits_at(c, c->pc));
    if (step) goto step_out_sync;
    goto sync;

after_wfi:
    if (step) goto step_out_sync;
    goto sync;

step_out_sync: /* one step ended where a whole run would sync next */
    c->in_run_sync_due = true;
out:
    count_retired(c, (uint64_t)(counted - remaining));
    if (unlikely(c->in_run)) c->time_lag += (uint64_t)(counted - remaining);
    if (c->hpm_armed) cpu_hpm_check_overflow(c);
    return (uint64_t)(budget - remaining);

    /* ---- the handlers, for 32-bit and for compressed instructions ---- */
#define ILEN 4
#define OP(name) op_##name##_4
#include "exec_ops.inc"
#undef OP
#undef ILEN
#define ILEN 2
#define OP(name) op_##name##_2
#include "exec_ops.inc"
#undef OP
#undef ILEN
#include "exec_fused.inc"
}

void interp_publish_labels(void)
{
    interp(NULL, 0, false);
}

uint64_t cpu_run(struct cpu *c, uint64_t budget)
{
    c->yield_request = false;
    cpu_coherence_drain(c); /* other harts' stores into this one's code, DMA's too */
    cpu_sync_mmu(c); /* whatever the board, a debugger or a test changed while it was stopped */
    cpu_update_stip(c);
    if (c->hpm_armed_retired) budget = cpu_hpm_clamp_budget(c, budget); /* Sscofpmf: a wrap */
    return interp(c, (int64_t)budget, false);
}

void cpu_run_begin(struct cpu *c)
{
    c->yield_request = false;
    cpu_coherence_drain(c);
    cpu_sync_mmu(c);
    cpu_update_stip(c);
    c->in_run = c->in_run_sync_due = true;
    c->time_lag = 0;
}

uint64_t cpu_run_piece(struct cpu *c, uint64_t budget, bool step)
{
    c->yield_request = false; /* a debugger hook's stop request cut the last piece short */
    return interp(c, (int64_t)budget, step);
}

void cpu_run_end(struct cpu *c)
{
    c->in_run = c->in_run_sync_due = false;
    c->time_lag = 0;
}

void cpu_step(struct cpu *c)
{
    cpu_sync_mmu(c);
    cpu_update_stip(c);
    interp(c, 1, true);
}
