/* Shared support for the privileged-architecture and Sv39 tests (tests/priv): trap records,
 * running code in S- or U-mode, numbered checks, page-table helpers. Our own code. */
#ifndef RV39_PRIV_H
#define RV39_PRIV_H

#include "rv39.h"

#define MAGIC_RETURN 0x5e75e7ul
#define PRV_U 0ul
#define PRV_S 1ul
#define PRV_M 3ul

#define MSTATUS_SIE (1ul << 1)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_SPP (1ul << 8)
#define MSTATUS_MPRV (1ul << 17)
#define MSTATUS_SUM (1ul << 18)
#define MSTATUS_MXR (1ul << 19)
#define MSTATUS_TVM (1ul << 20)
#define MSTATUS_TW (1ul << 21)
#define MSTATUS_TSR (1ul << 22)

#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define INTR (1ul << 63)

/* The trap frame priv_rt.S builds: vec is the vector slot (-1: direct entry). */
struct pframe {
    uint64_t x[32];
    uint64_t epc, cause, tval, status;
    int64_t vec;
    uint64_t pad;
};

struct trap_rec {
    uint64_t count, cause, epc, tval, status;
    int64_t vec;
};
extern volatile struct trap_rec mtrap, strap;
/* Per-test hooks, called after the trap is recorded; return 1 when they handled it (the
 * frame as they left it is resumed), 0 for the default: skip the instruction (or, for a
 * fetch fault, return to ra). */
extern int (*m_hook)(struct pframe *f);
extern int (*s_hook)(struct pframe *f);

/* Where U-mode code runs: 0 without translation, USER_ALIAS with vm_init's page table (the
 * same RAM mapped again with U = 1 one gigapage higher). */
#define USER_ALIAS 0x40000000ul
extern uint64_t user_off;

uint64_t call_in_mode(uint64_t fn, uint64_t arg, uint64_t mode, uint64_t off);
#define RUN_S(fn, arg) call_in_mode((uint64_t)(fn), (uint64_t)(arg), PRV_S, 0)
#define RUN_U(fn, arg) call_in_mode((uint64_t)(fn), (uint64_t)(arg), PRV_U, user_off)
#define RUN_M(fn, arg) call_in_mode((uint64_t)(fn), (uint64_t)(arg), PRV_M, 0)

void m_trap_entry(void), s_trap_entry(void), m_vector_table(void), s_vector_table(void);

/* PMP open for S/U (QEMU enforces it), trap vectors and stacks, no delegation, no paging. */
void priv_init(void);

/* Numbered checks: one "ok" line each; the first failure exits with its number. */
extern const char *check_ctx; /* printed before each check's name when set */
void check_(const char *name, uint64_t got, uint64_t want);
#define CHECK(name, got, want) check_(name, (uint64_t)(got), (uint64_t)(want))
/* Exactly one more M-mode trap since the last: its cause and tval (named by `what`).
 * traps_seen: the M-mode traps seen so far; "no trap" is mtrap.count == traps_seen. */
extern uint64_t traps_seen;
void expect_one_trap(const char *what, uint64_t cause, uint64_t tval);
int done(const char *prog);
/* Reset the trap records. */
void trap_reset(void);

/* PROBE(name, "insn"): a function `name` whose first instruction is insn, then ret. */
#define PROBE(name, insn)                                                                          \
    void name(void);                                                                               \
    __asm__(".text\n.balign 4\n.globl " #name "\n" #name ":\n" insn "\nret\n")

/* ---- probes (priv_rt.c): single instructions with known addresses ---- */
extern uint64_t probe_val;
uint64_t probe_ld(uint64_t va);   /* ld a0, 0(a0) at probe_ld_insn */
uint64_t probe_sd(uint64_t va);   /* sd probe_val, 0(va) at probe_sd_insn; returns 0 */
uint64_t probe_amo(uint64_t va);  /* amoor.d a0, zero, (va) at probe_amo_insn */
uint64_t probe_exec(uint64_t va); /* jalr to va; returns what the code there returns */
extern char probe_ld_insn[], probe_sd_insn[], probe_amo_insn[];
/* A position-independent snippet `li a0, 0x5a5; ret` to copy into a page. */
extern char exec_tmpl[], exec_tmpl_end[];
#define EXEC_TMPL_RESULT 0x5a5

/* ---- Sv39 ---- */
#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_AD (PTE_A | PTE_D)
#define PAGE 4096ul
#define MEGA (1ul << 21)
#define GIGA (1ul << 30)

typedef uint64_t pte_t;
static inline pte_t pte_leaf(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << 10) | flags;
}
static inline pte_t pte_table(const void *t)
{
    return (((uint64_t)t >> 12) << 10) | PTE_V;
}
static inline uint64_t satp_sv39(const void *root, uint64_t asid)
{
    return (8ul << 60) | (asid << 44) | ((uint64_t)root >> 12);
}
#define VPN2(va) (((va) >> 30) & 511)
#define VPN1(va) (((va) >> 21) & 511)
#define VPN0(va) (((va) >> 12) & 511)

/* vm_init's tables: root[0] = devices gigapage (S, RW), root[2] = RAM identity gigapage
 * (S, RWX), root[3] = RAM again with U (the user alias). root[1] (0x40000000..0x7fffffff)
 * points at l1, whose entry 0 points at l0: the test area (TEST_VA) the programs edit. */
extern pte_t root_pt[512], l1_pt[512], l0_pt[512];
#define TEST_VA 0x40000000ul
#define NFRAMES 8
extern uint8_t frames[NFRAMES][4096];
void vm_init(void); /* builds the tables; does not write satp */
pte_t ident_pte(uint64_t flags_extra);
static inline void sfence_all(void)
{
    __asm__ volatile("sfence.vma" ::: "memory");
}
/* Run `sfence.vma` of each form from M. */
static inline void sfence_va(uint64_t va)
{
    __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}
static inline void sfence_asid(uint64_t asid)
{
    __asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
}
static inline void sfence_va_asid(uint64_t va, uint64_t asid)
{
    __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory");
}

#endif
