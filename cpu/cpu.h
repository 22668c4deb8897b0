/* One RV64IMAFDC hart: architectural state, CSRs, and the hot-path caches that belong to it
 * (decoded-instruction pages and the host-pointer fast TLB).
 *
 * The hart sees memory only through the MMU (mmu/) and the bus (devices/bus.h). */
#ifndef RV39_CPU_H
#define RV39_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "../devices/bus.h"
#include "../mmu/mmu.h"
#include "../mmu/tlb.h"
#include "insn.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "rv39 assumes a little-endian host, like RISC-V itself"
#endif

enum priv { PRIV_U = 0, PRIV_S = 1, PRIV_M = 3 };

/* Register index that absorbs writes to x0: the decoder redirects rd=0 here so no handler has
 * to special-case it and x[0] stays zero for free. */
#define REG_SINK 32

/* Exception causes, priv spec 3.1.15 (mcause). */
enum exc_cause {
    EXC_INSN_MISALIGNED = 0,
    EXC_INSN_ACCESS = 1,
    EXC_ILLEGAL_INSN = 2,
    EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4,
    EXC_LOAD_ACCESS = 5,
    EXC_STORE_MISALIGNED = 6,
    EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8,
    EXC_ECALL_S = 9,
    EXC_ECALL_M = 11,
    EXC_INSN_PAGE_FAULT = 12,
    EXC_LOAD_PAGE_FAULT = 13,
    EXC_STORE_PAGE_FAULT = 15,
};

/* Interrupt numbers (bit positions in mip/mie), priv spec 3.1.9. */
enum irq_num {
    IRQ_SSI = 1,
    IRQ_MSI = 3,
    IRQ_STI = 5,
    IRQ_MTI = 7,
    IRQ_SEI = 9,
    IRQ_MEI = 11,
    IRQ_LCOF = 13, /* Sscofpmf: local counter-overflow interrupt */
};
#define MIP_SSIP (1ull << IRQ_SSI)
#define MIP_MSIP (1ull << IRQ_MSI)
#define MIP_STIP (1ull << IRQ_STI)
#define MIP_MTIP (1ull << IRQ_MTI)
#define MIP_SEIP (1ull << IRQ_SEI)
#define MIP_MEIP (1ull << IRQ_MEI)
#define MIP_LCOFIP (1ull << IRQ_LCOF)

/* mstatus fields, priv spec 3.1.6. */
#define MSTATUS_SIE (1ull << 1)
#define MSTATUS_MIE (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP (1ull << 8)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3ull << MSTATUS_MPP_SHIFT)
#define MSTATUS_FS (3ull << 13)
#define MSTATUS_FS_INITIAL (1ull << 13) /* FS states: Off (0), Initial, Clean, Dirty (3.1.6.6) */
#define MSTATUS_FS_CLEAN (2ull << 13)
#define MSTATUS_FS_DIRTY (3ull << 13)
#define MSTATUS_XS (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)
#define MSTATUS_TVM (1ull << 20)
#define MSTATUS_TW (1ull << 21)
#define MSTATUS_TSR (1ull << 22)
#define MSTATUS_UXL (3ull << 32)
#define MSTATUS_SXL (3ull << 34)
#define MSTATUS_SD (1ull << 63)

/* A page of decoded instructions: one slot per 2-byte parcel of a 4 KiB physical page of RAM,
 * plus a sentinel slot whose handler moves execution to the next page. Slots start out
 * pointing at the decoder and are overwritten with the decoded form on first execution. */
#define DPAGE_SLOTS 2048
#define DPAGE_CHUNK_SHIFT 6 /* code is tracked in 64-byte chunks: 64 per page, one bit each */
struct dpage {
    struct insn slot[DPAGE_SLOTS + 1];
    uint8_t *host;        /* the RAM page these slots decode */
    uint64_t code_chunks; /* bit i: chunk i holds (part of) a decoded instruction */
};

/* What the hart counts, from reset on, never inhibited, besides what the MMU counts itself
 * (struct mmu_stats: itlb_misses, dtlb_misses, walks): the events the HPM counters count
 * (cpu/csr_counters.c; from reset mhpmcounter3..7 count the five MMU events). */
struct cpu_stats {
    uint64_t page_faults; /* page faults raised (12, 13, 15) */
    uint64_t sfences;     /* sfence.vma executed */
    uint64_t retired;     /* instructions retired (and cycles: one per instruction) */
    uint64_t traps;       /* traps taken: with `retired`, one per step of the hart (record) */
};
#define HPM_COUNTERS 29 /* mhpmcounter3..31 */

/* Events a debugger or tracer can watch (all happen on slow paths, so watching is free when
 * nobody does). A hook may set c->yield_request to stop the run right after the event. */
enum cpu_event_kind {
    EV_TLB_MISS,  /* translation not in the model TLB: va, access */
    EV_WALK,      /* page-table walk done: va, access, walk (incl. A/D updates and faults) */
    EV_TRAP,      /* trap taken: cause (bit 63 = interrupt), tval, from -> to privilege */
    EV_XRET,      /* mret/sret: from -> to privilege */
    EV_SFENCE,    /* sfence.vma: va/asid and which of them apply */
    EV_SATP,      /* satp written: satp */
    EV_TLB_FILL,  /* a walk's translation entered the model TLB: va, access, tlb (the entry) */
    EV_TLB_EVICT, /* that fill pushed a live entry out for lack of room: tlb (the victim) */
};

struct walk_result;
struct tlb_entry;
struct cpu_event {
    enum cpu_event_kind kind;
    uint64_t pc;
    uint64_t va;
    enum access access;
    const struct walk_result *walk;
    const struct tlb_entry *tlb;
    uint64_t cause, tval;
    unsigned from, to;
    uint64_t satp;
    bool all_va, all_asid;
    uint16_t asid;
};

struct cpu;
typedef void (*cpu_event_hook)(void *opaque, struct cpu *c, const struct cpu_event *ev);

struct cpu {
    uint64_t x[33]; /* x0..x31 plus REG_SINK */
    uint64_t pc;
    enum priv priv;
    /* F and D (unpriv spec ch. 20, 21): 32 registers of 64 bits (singles NaN-boxed), and
     * fcsr = frm (bits 7:5) | fflags (bits 4:0). Usable while mstatus.FS != Off. */
    uint64_t f[32];
    uint32_t fcsr;

    /* Machine-level CSRs (priv spec ch. 3). */
    uint64_t mstatus, misa, medeleg, mideleg, mie, mip, mtvec, mscratch, mepc, mcause, mtval;
    uint64_t mcounteren, mcountinhibit, menvcfg;
    /* mip.SEIP is the OR of a bit M-mode software writes and the PLIC's S-context line
     * (priv spec 3.1.9); c->mip holds the OR, these the two inputs. */
    bool seip_software, seip_line;
    uint64_t mcycle, minstret; /* one cycle per instruction retired */
    /* mhpmcounter3+i (cpu/csr_counters.c): while it counts (bit i of hpm_active), the count
     * of its event plus hpm_adjust[i]; while stopped (mcountinhibit, Sscofpmf's xINH bits,
     * no event), hpm_frozen[i]. hpm_armed: counting with OF clear, so an overflow raises
     * LCOFI; hpm_last[i] is its value when last looked at, to see it wrap. */
    uint64_t mhpmevent[HPM_COUNTERS];
    uint8_t hpm_source[HPM_COUNTERS]; /* mhpmevent's event, decoded */
    uint64_t hpm_adjust[HPM_COUNTERS], hpm_frozen[HPM_COUNTERS], hpm_last[HPM_COUNTERS];
    uint32_t hpm_active, hpm_armed;
    uint32_t hpm_armed_retired; /* the armed ones counting instructions: they cut runs short */
    bool hpm_mode_filter;       /* some mhpmevent has an xINH bit: privilege changes matter */
    uint64_t pmpcfg[16], pmpaddr[64];
    /* Supervisor-level CSRs (priv spec ch. 10). */
    uint64_t stvec, sscratch, sepc, scause, stval, satp, scounteren, senvcfg, stimecmp;

    /* LR/SC reservation (unpriv spec "Zalrsc"; cpu/exec.c, load_reserved): the LR's physical
     * address and the value it read, which the SC compares and swaps against. */
    uint64_t reservation; /* physical address, or RESERVATION_NONE */
    uint64_t reservation_value;

    uint64_t mhartid; /* this hart's id (0..nharts-1), set by the board; reset keeps it */

    bool wfi; /* stalled in wfi until an interrupt is pending */
    /* Set by the board when a device access needs the run loop at once (power-off, reset):
     * cpu_run returns right after the store that caused it. */
    bool yield_request;
    /* Set by the parallel run mode: `pause` ends the run and sets paused (the thread then
     * offers its host core to the other harts' threads). */
    bool pause_yields, paused;
    /* A run gone through in pieces (cpu_run_begin): the next piece starts with the run's
     * interrupt check only when the last one stopped where the run would check
     * (in_run_sync_due); time_lag is what the run would not have counted yet of the
     * instructions retired (it counts them at its syncs), which guest time must not see. */
    bool in_run, in_run_sync_due;
    uint64_t time_lag;
    cpu_event_hook event_hook; /* NULL: nobody is watching */
    void *event_opaque;

    /* Pending exception, filled by whoever detects it and delivered by cpu_take_trap. */
    uint64_t exc_cause, exc_tval;

    /* Memory: through the MMU (mmu/mmu.h), which holds guest RAM (mmu.ram), the model and
     * fast TLBs, and a copy of the translation state (cpu_sync_mmu). The bus is here for
     * what the hart does with physical addresses itself (cbo.* on devices). */
    struct bus *bus;
    struct mmu mmu;
    struct dpage **dpages;   /* per RAM page, NULL until code runs there */
    struct insn straddle[3]; /* an instruction that crosses a page boundary, decoded afresh */
    struct jit *jit;         /* block translator (cpu/jit.h), or NULL: interpreter only */

    struct cpu_stats stats;
};

#define RESERVATION_NONE UINT64_MAX

/* Set up a hart at reset state with the given RAM and bus. Returns false on allocation
 * failure. `ram` must stay valid for the hart's lifetime. */
bool cpu_init(struct cpu *c, uint8_t *ram, uint64_t ram_base, uint64_t ram_size, struct bus *bus);
void cpu_free(struct cpu *c);
/* Reshape the model TLB (--tlb); drops every cached translation. */
bool cpu_configure_tlb(struct cpu *c, const struct tlb_config *cfg);
void cpu_reset(struct cpu *c, uint64_t pc);

/* Execute until about `budget` instructions have retired (the run stops at the next control
 * transfer after that), or earlier when a trap, CSR write or wfi needs the outer loop to look
 * at the machine. Returns the number of instructions retired. */
uint64_t cpu_run(struct cpu *c, uint64_t budget);
/* Execute exactly one instruction, or take one pending interrupt (debugger, tests). */
void cpu_step(struct cpu *c);
/* One cpu_run gone through in pieces, each ending exactly where asked (time travel over a
 * recorded run's slice schedule, emu/replay_seek.h): begin does what cpu_run does before it
 * runs; a piece of `budget` instructions and traps (step: exactly one of either; otherwise it
 * ends at the first point after the budget where a run looks at it, see cpu_run) does what
 * that stretch of the whole run does: interrupts are taken, counters synced and guest time
 * moved only where the run would. Returns what the piece used of the budget. */
void cpu_run_begin(struct cpu *c);
uint64_t cpu_run_piece(struct cpu *c, uint64_t budget, bool step);
void cpu_run_end(struct cpu *c);
/* One A-extension instruction (LR, SC, AMO*) at va with rs2 = src, as the interpreter runs
 * it: *result is rd's new value. False with the exception recorded (c->pc must be the
 * instruction's). For translated code's slow path (cpu/jit_x86_64.c, emit_cold): the
 * arguments come in the order that code has them at hand. */
bool cpu_atomic(struct cpu *c, uint64_t va, uint64_t src, enum opcode op, uint64_t *result);

/* Hand the MMU the translation state (priv, mstatus's MPRV/MPP/SUM/MXR, satp, menvcfg's
 * PBMTE/ADUE) after any of it changed. Cheap when only the privilege changed. */
void cpu_sync_mmu(struct cpu *c);
/* mmu_load/mmu_store for translated code's slow path (it has the hart at hand, not the MMU). */
bool cpu_load(struct cpu *c, uint64_t va, unsigned size, uint64_t *value);
bool cpu_store(struct cpu *c, uint64_t va, unsigned size, uint64_t value);

/* Record the exception an access or instruction raises (delivered later by cpu_take_trap);
 * returns false so failure paths can `return cpu_fault(...)`. */
static inline bool cpu_fault(struct cpu *c, unsigned cause, uint64_t tval)
{
    c->exc_cause = cause;
    c->exc_tval = tval;
    return false;
}

/* Report an event to the hook, if one is installed. */
static inline void cpu_emit(struct cpu *c, const struct cpu_event *ev)
{
    if (__builtin_expect(c->event_hook != NULL, 0)) c->event_hook(c->event_opaque, c, ev);
}

/* mip's bits come from this hart (CSR writes, Sstc, Sscofpmf) and from devices, which with
 * harts on host threads run on another thread: every change is one atomic read-modify-write
 * of the bits in `mask`, so neither side loses the other's. */
static inline void cpu_mip_update(struct cpu *c, uint64_t mask, uint64_t bits)
{
    uint64_t old = __atomic_load_n(&c->mip, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&c->mip, &old, (old & ~mask) | (bits & mask), false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
}

/* Interrupt wires: devices drive mip bits through this (see devices/irq.h). */
void cpu_set_irq(void *cpu, unsigned irq, bool level);
/* Highest-priority pending and enabled interrupt, or -1 (priv spec 3.1.9). */
int cpu_pending_irq(const struct cpu *c);
/* Deliver the pending exception in c->exc_cause/exc_tval, or interrupt `irq`, with the
 * trapping instruction at c->pc. */
void cpu_take_trap(struct cpu *c, bool interrupt, uint64_t cause, uint64_t tval);

/* CSR access as the instruction would do it at the current privilege; false means the
 * access is illegal (the caller raises an illegal-instruction exception). */
bool csr_read(struct cpu *c, unsigned csr, uint64_t *value);
bool csr_write(struct cpu *c, unsigned csr, uint64_t value);
/* True when a write to this CSR can change which interrupts are pending or enabled, or the
 * translation: the interpreter then returns to the outer loop. */
bool csr_write_needs_resync(unsigned csr);
/* Can mstatus hold `value` (only bits writes and traps set, UXL/SXL fixed, MPP not the
 * reserved 2, SD exactly when FS is Dirty)? A snapshot's state is checked with it. */
bool csr_mstatus_possible(uint64_t value);

/* A write to physical [pa, pa + len) happened: drop decoded instructions it may have
 * changed. Called by the MMU slow path and by DMA. */
void cpu_invalidate_code(struct cpu *c, uint64_t pa, uint64_t len);
/* The decoded page for the RAM page at physical address `pa` (allocated on first use);
 * NULL only if memory runs out. cpu/icache.c. */
struct dpage *cpu_dpage(struct cpu *c, uint64_t pa);
/* True when the RAM page at `pa` holds decoded instructions (no fast write entries then). */
static inline bool cpu_page_has_code(const struct cpu *c, uint64_t pa)
{
    const struct dpage *p = c->dpages[ram_page_index(&c->mmu.ram, pa)];
    return p && p->code_chunks;
}
/* The RAM page of `p` gets its first decoded instruction: stores to it, by this hart or any
 * other, must reach the slow path from now on (cpu/icache.c, mmu/coherence.h). */
void cpu_code_page_first(struct cpu *c, struct dpage *p);
/* Take what other harts and DMA posted to this hart (mmu/coherence.h): drop the decoded code
 * and the fast write entries they name. Cheap when nothing waits. */
void cpu_coherence_drain(struct cpu *c);
/* A device (DMA) wrote RAM [pa, pa + len) while harts may run on other threads: every hart
 * sharing RAM with `c` that has code there is told, and drops it at its next drain. */
void cpu_written_by_device(struct cpu *c, uint64_t pa, uint64_t len);
/* Make `c` share guest RAM with `peer` (the same RAM, given to both cpu_init): both must be
 * fresh (no code run yet), and not running. False when the domain is full. */
bool cpu_share_ram(struct cpu *c, struct cpu *peer);

/* `pause` with pause_yields set: ask the run to end (c->paused, c->yield_request). */
void cpu_pause_hint(struct cpu *c);

/* FENCE's fm, pred, succ (imm bits 11:8, 7:4, 3:0; unpriv spec 2.7): whether it orders an
 * earlier store (or device output) before a later load (or device input), the one order an
 * x86-64 host (TSO) does not keep by itself. FENCE.TSO (fm = 1000) does not ask for it. */
static inline bool fence_orders_store_load(uint32_t imm)
{
    unsigned fm = (imm >> 8) & 15, pred = (imm >> 4) & 15, succ = imm & 15;
    enum { BIT_W = 1, BIT_R = 2, BIT_O = 4, BIT_I = 8 };
    return fm != 8 && (pred & (BIT_W | BIT_O)) && (succ & (BIT_R | BIT_I));
}

/* The HPM counters (cpu/csr_counters.c). Reset: mhpmcounter3..7 count the MMU events. */
void cpu_hpm_reset(struct cpu *c);
/* Which counters count changed (mcountinhibit, an mhpmevent, or the privilege while some
 * counter filters by mode): re-evaluate them, each going on from its value. */
void cpu_hpm_refresh(struct cpu *c);
/* Sscofpmf: set OF and raise LCOFI for each armed counter that wrapped since last looked at. */
void cpu_hpm_check_overflow(struct cpu *c);
/* A run budget that ends no later than the first armed instruction/cycle counter wraps
 * (call when hpm_armed_retired is not 0). */
uint64_t cpu_hpm_clamp_budget(const struct cpu *c, uint64_t budget);
/* Call after c->priv changed: counters that filter by mode start or stop. */
static inline void cpu_priv_changed(struct cpu *c)
{
    if (c->hpm_mode_filter) cpu_hpm_refresh(c);
}

/* Sstc: recompute mip.STIP from time >= stimecmp (when menvcfg.STCE). */
void cpu_update_stip(struct cpu *c);
/* The hart's view of the current time (mtime), for the time CSR and Sstc. */
uint64_t cpu_time(const struct cpu *c);

#endif
