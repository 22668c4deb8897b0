/* The page-table walk for every translation mode the hart has: Sv39, Sv48 and Sv57, one walker
 * parameterised by the mode's level count (priv spec "Sv39", "Sv48" and "Sv57" sections, and
 * "Virtual Address Translation Process" in the Sv32 section, whose steps the walk numbers).
 * One function serves the CPU (with A/D updates), the debugger's `walk` command and the unit
 * tests (without side effects): it reports *which* rule failed and the PTE trail it read, and
 * exactly one place maps that to an exception.
 *
 *   Sv39 virtual address (3 levels)
 *   63          39 38      30 29      21 20      12 11         0
 *  +--------------+----------+----------+----------+------------+
 *  | = bit 38     |  VPN[2]  |  VPN[1]  |  VPN[0]  |   offset   |
 *  +--------------+----------+----------+----------+------------+
 *
 *   Sv48 virtual address (4 levels)
 *   63       48 47      39 38      30 29      21 20      12 11         0
 *  +-----------+----------+----------+----------+----------+------------+
 *  | = bit 47  |  VPN[3]  |  VPN[2]  |  VPN[1]  |  VPN[0]  |   offset   |
 *  +-----------+----------+----------+----------+----------+------------+
 *
 *   Sv57 virtual address (5 levels)
 *   63    57 56      48 47      39 38      30 29      21 20      12 11         0
 *  +--------+----------+----------+----------+----------+----------+------------+
 *  |= bit 56|  VPN[4]  |  VPN[3]  |  VPN[2]  |  VPN[1]  |  VPN[0]  |   offset   |
 *  +--------+----------+----------+----------+----------+----------+------------+
 *
 *   page-table entry (the same 64-bit layout in all three modes; the PPN is 44 bits, split
 *   into 9-bit PPN[i] fields with the top one taking what remains: PPN[2] is 26 bits in Sv39,
 *   PPN[3] 17 in Sv48, PPN[4] 8 in Sv57)
 *   63 62 61 60  54 53                    10 9  8 7 6 5 4 3 2 1 0
 *  +--+-----+------+------------------------+----+-+-+-+-+-+-+-+-+
 *  |N |PBMT | rsvd |          PPN           |RSW |D|A|G|U|X|W|R|V|
 *  +--+-----+------+------------------------+----+-+-+-+-+-+-+-+-+
 * N (Svnapot, priv spec "Svnapot"): a leaf at level 0 whose PPN ends in 1000 maps a 64 KiB
 * naturally aligned page (the 16 PTEs of the range say the same); any other N encoding, and
 * N on a pointer, is reserved. PBMT (Svpbmt, priv spec "Svpbmt"): 0 PMA, 1 NC, 2 IO, 3
 * reserved; usable only while menvcfg.PBMTE = 1 (else bits 62:61 are reserved), and reserved
 * on pointers. Bits 60:54 are reserved. Reserved bits or encodings: page fault (step 3).
 * rv39's memory is all main memory, coherent and idempotent, so NC and IO change nothing in
 * what an access does: the walk reports them and the debugger shows them.
 *
 * A leaf at level i maps a page of 4 KiB << 9i: 4 KiB, 2 MiB, 1 GiB, 512 GiB (Sv48, Sv57),
 * 256 TiB (Sv57); a NAPOT leaf maps 64 KiB.
 */
#ifndef RV39_WALK_H
#define RV39_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu.h"

#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_G (1u << 5)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PTE_PPN_SHIFT 10
#define PTE_RESERVED_MASK (0x7full << 54) /* bits 60:54 */
#define PTE_PBMT_SHIFT 61
#define PTE_PBMT (3ull << PTE_PBMT_SHIFT)
#define PTE_N (1ull << 63)
/* Svpbmt's page-based memory types (priv spec table "Encodings for PBMT field"). */
enum pbmt { PBMT_PMA = 0, PBMT_NC = 1, PBMT_IO = 2, PBMT_RESERVED = 3 };
/* Svnapot: the one NAPOT size defined, 64 KiB (ppn[3:0] = 1000), at level 0. */
#define NAPOT_64K_SHIFT 16
#define NAPOT_64K_PPN_LOW 0x8u

static inline unsigned pte_pbmt(uint64_t pte)
{
    return (unsigned)((pte & PTE_PBMT) >> PTE_PBMT_SHIFT);
}

/* The size of the page a valid leaf PTE at `level` maps, as a shift: 12 + 9 * level, or 16
 * for a NAPOT leaf (which the walk accepts only at level 0). */
static inline unsigned pte_page_shift(uint64_t pte, int level)
{
    return (pte & PTE_N) ? NAPOT_64K_SHIFT : 12u + 9u * (unsigned)level;
}

#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE 0ull
#define SATP_MODE_SV39 8ull
#define SATP_MODE_SV48 9ull
#define SATP_MODE_SV57 10ull
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xffffull
#define SATP_PPN_MASK ((1ull << 44) - 1)

/* Whether accesses at privilege `priv` (0 U, 1 S, 3 M) translate to themselves: M-mode, or
 * satp.MODE = Bare (priv spec 3.1.6.3, "satp"): no page table, no model TLB, no event. */
static inline bool mmu_identity(const struct mmu_state *s, unsigned priv)
{
    return priv == 3 || (s->satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE;
}

/* The most levels any mode walks (Sv57). */
#define WALK_MAX_LEVELS 5

/* A translation mode: one row per satp.MODE value that translates (priv spec table "Encoding
 * of satp MODE field"). The walk, the TLB and the debugger read the level count from here. */
struct vm_mode {
    unsigned satp_mode; /* 8, 9, 10 */
    const char *name;   /* "Sv39", "Sv48", "Sv57" */
    unsigned levels;    /* 3, 4, 5 */
    unsigned va_bits;   /* 39, 48, 57: 12 + 9 * levels */
};

/* The mode satp selects, or NULL for Bare and for MODE values no row has. */
const struct vm_mode *vm_mode_of_satp(uint64_t satp);
/* The mode with this satp.MODE value, or NULL. */
const struct vm_mode *vm_mode_by_number(uint64_t mode);

/* Why a translation failed; WALK_OK when it did not. Each names the spec rule. */
enum walk_fault {
    WALK_OK = 0,
    WALK_NON_CANONICAL,        /* bits 63:VAbits must equal bit VAbits-1 (39/48/57) */
    WALK_PTE_ACCESS_FAULT,     /* step 2: the PTE's physical address has no memory behind it */
    WALK_INVALID,              /* step 3: V = 0 */
    WALK_WRITE_WITHOUT_READ,   /* step 3: R = 0 and W = 1 (reserved) */
    WALK_RESERVED_BITS,        /* step 3: bits 60:54 set; 63 without Svnapot; 62:61 without
                                * Svpbmt or with menvcfg.PBMTE = 0; D/A/U in a pointer */
    WALK_PBMT_RESERVED,        /* step 3: PBMT = 3, a reserved encoding */
    WALK_POINTER_ATTRIBUTES,   /* step 3: a pointer PTE with N or PBMT set (reserved there) */
    WALK_NAPOT_RESERVED,       /* step 3: N = 1 but not a 64 KiB leaf (ppn[3:0] = 1000, level 0) */
    WALK_NO_LEAF,              /* step 4: pointer PTE at level 0 */
    WALK_MISALIGNED_SUPERPAGE, /* step 6: superpage PPN low bits not zero */
    WALK_U_PAGE_FROM_S,        /* step 5: U page, supervisor access without SUM, or fetch */
    WALK_S_PAGE_FROM_U,        /* step 5: supervisor page from user mode */
    WALK_NOT_READABLE,         /* step 5: load from a page without R (and not X with MXR) */
    WALK_NOT_WRITABLE,         /* step 5: store/AMO to a page without W */
    WALK_NOT_EXECUTABLE,       /* step 5: fetch from a page without X */
    WALK_AD_CLEAR,             /* step 7 with Svade: A = 0, or D = 0 on a store */
    WALK_NO_MODE,              /* satp.MODE names no translating mode (a caller's error) */
    WALK_FAULT_COUNT
};

struct walk_request {
    uint64_t satp; /* MODE must be Sv39, Sv48 or Sv57 (anything else: WALK_NO_MODE) */
    uint64_t va;
    enum access access;
    unsigned priv;  /* effective privilege: 0 = U, 1 = S (M never translates) */
    bool sum, mxr;  /* mstatus.SUM, mstatus.MXR */
    bool update_ad; /* set A/D in memory (the hardware); false for debugger walks, which
                     * then report in `pte` the A/D bits the access would have set */
    bool svade;     /* fault instead of updating A/D (Svade, or Svadu with menvcfg.ADUE = 0) */
    bool pbmte;     /* menvcfg.PBMTE: bits 62:61 are Svpbmt's PBMT field, else reserved */
    bool svnapot;   /* the hart has Svnapot: bit 63 is N, else reserved */
};

struct walk_step {
    uint64_t pte_addr;
    uint64_t pte;
};

struct walk_result {
    enum walk_fault fault;
    uint64_t paddr;    /* translated address (when fault == WALK_OK) */
    int level;         /* leaf level: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB, 4 = 256 TiB;
                        * -1 if no leaf */
    uint64_t pte;      /* leaf PTE as it is after any A/D update */
    uint64_t pte_addr; /* leaf PTE's physical address */
    unsigned levels;   /* the mode's level count (steps[0] was read at level levels - 1) */
    unsigned nsteps;   /* PTEs read (0..levels) */
    struct walk_step steps[WALK_MAX_LEVELS];
    bool ad_updated; /* this walk wrote A or D */
};

/* Walk the page table for req->va and check the leaf against the request. */
/* PTEs are read from guest RAM only (anywhere else gives an access fault, priv spec
 * "Virtual Address Translation Process" step 2 with PMA checks). */
void page_walk(const struct guest_ram *mem, const struct walk_request *req,
               struct walk_result *out);
/* What page_walk_quick reports: the leaf and the translation. */
struct walk_leaf {
    uint64_t paddr;
    uint64_t pte;
    uint64_t pte_addr;
    int level; /* 0 = 4 KiB ... (never NAPOT: page_walk_quick leaves N to page_walk) */
};

/* page_walk's common case, for the hart's own translations when nobody records the walk: every
 * PTE plainly valid (no reserved bit, PBMT or N), the leaf allows the access, and A (and D for
 * a store) already set. Then it gives what page_walk would give and returns true; in any
 * other case it returns false having written nothing (to memory or *out), and page_walk, which
 * reads the PTEs again, decides (a fault, an A/D update, NAPOT, Svpbmt). Much less work per
 * walk than page_walk: no trail, no result to clear, one test for the usual PTE. */
bool page_walk_quick(const struct guest_ram *mem, const struct walk_request *req,
                     struct walk_leaf *out);
/* Step 3 on one PTE read at `level`: reserved bits and encodings (the pointer/leaf rules
 * included, so the NAPOT shape too). The debugger's vmmap uses it to tell mappings from
 * malformed entries. */
enum walk_fault walk_check_encoding(uint64_t pte, int level, bool pbmte, bool svnapot);
/* Permission checks of step 5 on a leaf PTE (used again on TLB hits). */
enum walk_fault walk_check_leaf(uint64_t pte, enum access access, unsigned priv, bool sum,
                                bool mxr);
/* The exception a failed translation raises: page fault 12/13/15 or access fault 1/5/7
 * (meaningless for WALK_OK). */
unsigned walk_fault_cause(enum walk_fault fault, enum access access);
const char *walk_fault_name(enum walk_fault fault);

#endif
