/* The page-table walk for Sv39, Sv48 and Sv57: priv spec "Virtual Address Translation Process"
 * (written for Sv32) with the parameters of sections "Sv39", "Sv48" and "Sv57" (PTESIZE = 8,
 * PAGESIZE = 4096, LEVELS = 3, 4 or 5: one walker, a table row per mode). The walk is a loop
 * over levels; every check carries the number of the spec step it implements, and every
 * failure names its rule (enum walk_fault) instead of a bare "fault".
 *
 *   va (LEVELS = 3/4/5, VAbits = 12 + 9 * LEVELS = 39/48/57):
 *        63..VAbits (= bit VAbits-1) | VPN[LEVELS-1] | ... | VPN[0] 20..12 | offset 11..0
 *        (VPN[i] is bits 12+9i+8..12+9i; the layouts are drawn in walk.h)
 *   pte: rsvd 63..54 | PPN 53..10 | RSW 9..8 | D A G U X W R V (7..0)
 *
 *   satp.PPN -> [VPN[L-1]] -> pointer -> ... -> [VPN[1]] -> pointer -> [VPN[0]] -> leaf (4 KiB)
 *                   \-> leaf (4 KiB << 9(L-1))      \-> leaf (2 MiB)
 */
#include "walk.h"

#include <string.h>

#define PTESIZE 8u
#define VPN_BITS 9u
#define VPN_MASK ((1u << VPN_BITS) - 1)
#define PTE_PPN_MASK ((1ull << 44) - 1)
/* Bits a pointer (non-leaf) PTE must leave clear: priv spec "Addressing and Memory Protection"
 * (Sv32) says "For non-leaf PTEs, the D, A, and U bits are reserved for future standard use",
 * and step 3 faults on any reserved bit that is set (QEMU and Spike do the same). */
#define PTE_POINTER_RESERVED (PTE_D | PTE_A | PTE_U)

/* Exception codes, priv spec table "Supervisor cause register (scause) values". */
enum {
    CAUSE_FETCH_ACCESS = 1,
    CAUSE_LOAD_ACCESS = 5,
    CAUSE_STORE_ACCESS = 7,
    CAUSE_FETCH_PAGE = 12,
    CAUSE_LOAD_PAGE = 13,
    CAUSE_STORE_PAGE = 15,
};

static const struct vm_mode vm_modes[] = {
    {SATP_MODE_SV39, "Sv39", 3, 39},
    {SATP_MODE_SV48, "Sv48", 4, 48},
    {SATP_MODE_SV57, "Sv57", 5, 57},
};

const struct vm_mode *vm_mode_by_number(uint64_t mode)
{
    for (unsigned i = 0; i < sizeof vm_modes / sizeof vm_modes[0]; i++)
        if (vm_modes[i].satp_mode == mode) return &vm_modes[i];
    return NULL;
}

const struct vm_mode *vm_mode_of_satp(uint64_t satp)
{
    return vm_mode_by_number(satp >> SATP_MODE_SHIFT);
}

/* "Addressing and Memory Protection" of each mode: an address is valid only if bits
 * 63..VAbits all equal bit VAbits-1 (63..39 = bit 38 in Sv39, 63..48 = bit 47 in Sv48,
 * 63..57 = bit 56 in Sv57). */
static bool va_is_canonical(uint64_t va, unsigned va_bits)
{
    unsigned unused = 64 - va_bits;
    int64_t sign_extended = (int64_t)(va << unused) >> unused;
    return (uint64_t)sign_extended == va;
}

static unsigned vpn(uint64_t va, int level)
{
    return (unsigned)(va >> (PAGE_SHIFT + VPN_BITS * (unsigned)level)) & VPN_MASK;
}

static uint64_t pte_ppn(uint64_t pte)
{
    return (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
}

/* The host word holding the PTE at physical address pa, or NULL when no RAM is there (the PMA
 * check of step 2). Page tables are page aligned, so the word is naturally aligned. */
static uint64_t *pte_slot(const struct guest_ram *mem, uint64_t pa)
{
    return (uint64_t *)(void *)ram_span(mem, pa, PTESIZE);
}

/* Step 3: encodings that make any PTE unusable, in the order the spec lists them ("if any
 * bits or encodings that are reserved for future standard use are set within pte"). Inline
 * in the walk: it runs at every level of every walk. */
static inline enum walk_fault check_encoding(uint64_t pte, int level, bool pbmte, bool svnapot)
{
    if (!(pte & PTE_V)) return WALK_INVALID;
    if (!(pte & PTE_R) && (pte & PTE_W)) return WALK_WRITE_WITHOUT_READ;
    bool pointer = !(pte & (PTE_R | PTE_X));
    /* The common case: none of bits 63:54 set. */
    if (__builtin_expect(!(pte & (PTE_N | PTE_PBMT | PTE_RESERVED_MASK)), 1))
        return pointer && (pte & PTE_POINTER_RESERVED) ? WALK_RESERVED_BITS : WALK_OK;
    if (pte & PTE_RESERVED_MASK) return WALK_RESERVED_BITS;
    /* Without Svnapot bit 63 is reserved; without Svpbmt or with menvcfg.PBMTE = 0, bits
     * 62:61 are ("Svpbmt": "If ... PBMTE = 0, ... bits 62-61 are reserved"). */
    if ((pte & PTE_N) && !svnapot) return WALK_RESERVED_BITS;
    if ((pte & PTE_PBMT) && !pbmte) return WALK_RESERVED_BITS;
    if (pte_pbmt(pte) == PBMT_RESERVED) return WALK_PBMT_RESERVED;
    if (pointer) {
        if (pte & PTE_POINTER_RESERVED) return WALK_RESERVED_BITS;
        /* "For non-leaf PTEs, bits 62-61 are reserved" (Svpbmt); N likewise (Svnapot). */
        if (pte & (PTE_N | PTE_PBMT)) return WALK_POINTER_ATTRIBUTES;
        return WALK_OK;
    }
    /* Svnapot: "If the PTE is a leaf with N = 1 ... the encoding of pte.ppn[0][3:0] other
     * than 1000 is reserved", and NAPOT superpages are not defined: level 0 only. */
    if ((pte & PTE_N) && (level != 0 || (pte_ppn(pte) & 0xf) != NAPOT_64K_PPN_LOW))
        return WALK_NAPOT_RESERVED;
    return WALK_OK;
}

enum walk_fault walk_check_encoding(uint64_t pte, int level, bool pbmte, bool svnapot)
{
    return check_encoding(pte, level, pbmte, svnapot);
}

/* Inline in both walkers and behind walk_check_leaf: it runs on every walk and model-TLB hit. */
static inline enum walk_fault check_leaf(uint64_t pte, enum access access, unsigned priv, bool sum,
                                         bool mxr)
{
    /* Step 5, privilege half (the PTE's U bit; sstatus "Memory Privilege"): U-mode may only touch
     * U pages; S-mode may load/store U pages only with SUM, and never executes from them. */
    bool user_page = pte & PTE_U;
    if (priv == 0) {
        if (!user_page) return WALK_S_PAGE_FROM_U;
    } else if (user_page && (access == ACCESS_EXEC || !sum)) {
        return WALK_U_PAGE_FROM_S;
    }
    /* Step 5, permission half (R/W/X; MXR makes executable pages readable). */
    switch (access) {
    case ACCESS_READ:
        if (!(pte & PTE_R) && !(mxr && (pte & PTE_X))) return WALK_NOT_READABLE;
        break;
    case ACCESS_WRITE:
        if (!(pte & PTE_W)) return WALK_NOT_WRITABLE;
        break;
    case ACCESS_EXEC:
        if (!(pte & PTE_X)) return WALK_NOT_EXECUTABLE;
        break;
    }
    return WALK_OK;
}

enum walk_fault walk_check_leaf(uint64_t pte, enum access access, unsigned priv, bool sum, bool mxr)
{
    return check_leaf(pte, access, priv, sum, mxr);
}

void page_walk(const struct guest_ram *mem, const struct walk_request *req, struct walk_result *out)
{
    memset(out, 0, sizeof(*out));
    out->level = -1;
    uint64_t va = req->va;
    const struct vm_mode *mode = vm_mode_of_satp(req->satp);
    if (!mode) {
        out->fault = WALK_NO_MODE;
        return;
    }
    const int levels = (int)mode->levels;
    out->levels = mode->levels;

    /* A non-canonical address faults before any PTE is read. */
    if (!va_is_canonical(va, mode->va_bits)) {
        out->fault = WALK_NON_CANONICAL;
        return;
    }

    /* Step 1: a = satp.ppn * PAGESIZE, i = LEVELS - 1. */
    uint64_t a = (req->satp & SATP_PPN_MASK) << PAGE_SHIFT;
    int i = levels - 1;

    for (;;) {
        /* Step 2: read the PTE at a + va.vpn[i] * PTESIZE; no RAM there is an access fault. */
        uint64_t pte_addr = a + (uint64_t)vpn(va, i) * PTESIZE;
        unsigned step = (unsigned)(levels - 1 - i);
        uint64_t *slot = pte_slot(mem, pte_addr);
        if (!slot) {
            out->fault = WALK_PTE_ACCESS_FAULT;
            return;
        }
        /* Width PTESIZE in one access, as the spec requires (host is little-endian). */
        uint64_t pte = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
        out->steps[step] = (struct walk_step){pte_addr, pte};
        out->nsteps = step + 1;

        /* Step 3: V = 0, R = 0 with W = 1, or reserved bits or encodings set. */
        out->fault = check_encoding(pte, i, req->pbmte, req->svnapot);
        if (out->fault != WALK_OK) return;

        /* Step 4: R = X = 0 is a pointer to the next level; none below level 0. */
        if (!(pte & (PTE_R | PTE_X))) {
            if (i == 0) {
                out->fault = WALK_NO_LEAF;
                return;
            }
            i--;
            a = pte_ppn(pte) << PAGE_SHIFT;
            continue;
        }

        out->level = i;
        out->pte = pte;
        out->pte_addr = pte_addr;

        /* Step 5: the leaf's U/R/W/X against privilege, SUM and MXR. */
        out->fault = check_leaf(pte, req->access, req->priv, req->sum, req->mxr);
        if (out->fault != WALK_OK) return;

        /* Step 6: a superpage's PPN must be aligned to its size (pte.ppn[i-1:0] == 0). */
        uint64_t low_ppn_mask = (1ull << (VPN_BITS * (unsigned)i)) - 1;
        if (pte_ppn(pte) & low_ppn_mask) {
            out->fault = WALK_MISALIGNED_SUPERPAGE;
            return;
        }

        /* Step 7: A must be set, and D too for a store. Svade faults; otherwise the hardware
         * sets them with an atomic compare-and-swap against the PTE it read, and a PTE that
         * changed meanwhile sends the walk back to step 2 at this level. */
        uint64_t needed = PTE_A | (req->access == ACCESS_WRITE ? PTE_D : 0);
        if ((pte & needed) != needed) {
            if (req->svade) {
                out->fault = WALK_AD_CLEAR;
                return;
            }
            if (req->update_ad) {
                uint64_t expected = pte;
                if (!__atomic_compare_exchange_n(slot, &expected, pte | needed, false,
                                                 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                    /* "If the comparison fails, return to step 2": re-read this level. */
                    out->level = -1;
                    out->pte = out->pte_addr = 0;
                    continue;
                }
                out->ad_updated = true;
            }
            /* Without update_ad (debugger walks) memory is left alone, but the PTE is
             * reported as the translation would use it. */
            pte |= needed;
            out->pte = pte;
        }

        /* Step 8: pa.ppn[LEVELS-1:i] = pte.ppn[LEVELS-1:i]; lower VPN bits and the offset
         * pass through from va. Svnapot: "if pte.n = 1, pa.ppn[0][3:0] = va.vpn[0][3:0]"
         * too, so a NAPOT leaf maps a 64 KiB page. */
        uint64_t page_mask = (1ull << pte_page_shift(pte, i)) - 1;
        out->paddr = ((pte_ppn(pte) << PAGE_SHIFT) & ~page_mask) | (va & page_mask);
        return;
    }
}

/* page_walk_quick for a mode of `levels` levels and `va_bits`-bit addresses; inline, so that
 * with constants (Sv39) the loop unrolls and every shift and mask is an immediate. */
static inline __attribute__((always_inline)) bool walk_quick(const struct guest_ram *mem,
                                                             const struct walk_request *req,
                                                             struct walk_leaf *out, unsigned levels,
                                                             unsigned va_bits)
{
    uint64_t va = req->va;
    if (!va_is_canonical(va, va_bits)) return false;
    uint64_t a = (req->satp & SATP_PPN_MASK) << PAGE_SHIFT; /* step 1 */
    for (int i = (int)levels - 1; i >= 0; i--) {
        uint64_t pte_addr = a + (uint64_t)vpn(va, i) * PTESIZE; /* step 2 */
        const uint64_t *slot = pte_slot(mem, pte_addr);
        if (!slot) return false;
        uint64_t pte = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
        /* Step 3 in one test for the usual entry: V set, none of bits 63:54 (reserved, PBMT,
         * N: page_walk sorts those out). */
        if ((pte & (PTE_V | PTE_N | PTE_PBMT | PTE_RESERVED_MASK)) != PTE_V) return false;
        if (!(pte & (PTE_R | PTE_X))) {
            /* Step 4, a pointer: W without R, or D/A/U set, is reserved (step 3). */
            if (pte & (PTE_W | PTE_POINTER_RESERVED)) return false;
            a = pte_ppn(pte) << PAGE_SHIFT;
            continue;
        }
        if (!(pte & PTE_R) && (pte & PTE_W)) return false; /* step 3 */
        /* Steps 5 to 7: the permissions allow the access, a superpage is aligned, and A (and
         * D for a store) are already set, so nothing is written. */
        if (check_leaf(pte, req->access, req->priv, req->sum, req->mxr) != WALK_OK) return false;
        if (pte_ppn(pte) & ((1ull << (VPN_BITS * (unsigned)i)) - 1)) return false;
        uint64_t needed = PTE_A | (req->access == ACCESS_WRITE ? PTE_D : 0);
        if ((pte & needed) != needed) return false;
        /* Step 8. */
        uint64_t page_mask = (1ull << (PAGE_SHIFT + VPN_BITS * (unsigned)i)) - 1;
        out->paddr = ((pte_ppn(pte) << PAGE_SHIFT) & ~page_mask) | (va & page_mask);
        out->pte = pte;
        out->pte_addr = pte_addr;
        out->level = i;
        return true;
    }
    return false; /* step 4: a pointer at level 0 */
}

bool page_walk_quick(const struct guest_ram *mem, const struct walk_request *req,
                     struct walk_leaf *out)
{
    /* Sv39, what rv39 guests use, with its shape as constants: the 4 KiB miss path of a
     * large working set walks here once per access. */
    if (req->satp >> SATP_MODE_SHIFT == SATP_MODE_SV39) return walk_quick(mem, req, out, 3, 39);
    const struct vm_mode *mode = vm_mode_of_satp(req->satp);
    if (!mode) return false;
    return walk_quick(mem, req, out, mode->levels, mode->va_bits);
}

unsigned walk_fault_cause(enum walk_fault fault, enum access access)
{
    bool access_fault = fault == WALK_PTE_ACCESS_FAULT;
    switch (access) {
    case ACCESS_EXEC: return access_fault ? CAUSE_FETCH_ACCESS : CAUSE_FETCH_PAGE;
    case ACCESS_WRITE: return access_fault ? CAUSE_STORE_ACCESS : CAUSE_STORE_PAGE;
    case ACCESS_READ: break;
    }
    return access_fault ? CAUSE_LOAD_ACCESS : CAUSE_LOAD_PAGE;
}

const char *walk_fault_name(enum walk_fault fault)
{
    static const char *const names[WALK_FAULT_COUNT] = {
        [WALK_OK] = "ok",
        [WALK_NON_CANONICAL] = "non-canonical",
        [WALK_PTE_ACCESS_FAULT] = "pte-access-fault",
        [WALK_INVALID] = "invalid",
        [WALK_WRITE_WITHOUT_READ] = "write-without-read",
        [WALK_RESERVED_BITS] = "reserved-bits",
        [WALK_PBMT_RESERVED] = "pbmt-reserved",
        [WALK_POINTER_ATTRIBUTES] = "pointer-with-n-or-pbmt",
        [WALK_NAPOT_RESERVED] = "napot-reserved",
        [WALK_NO_LEAF] = "no-leaf",
        [WALK_MISALIGNED_SUPERPAGE] = "misaligned-superpage",
        [WALK_U_PAGE_FROM_S] = "user-page-from-supervisor",
        [WALK_S_PAGE_FROM_U] = "supervisor-page-from-user",
        [WALK_NOT_READABLE] = "not-readable",
        [WALK_NOT_WRITABLE] = "not-writable",
        [WALK_NOT_EXECUTABLE] = "not-executable",
        [WALK_AD_CLEAR] = "ad-clear",
        [WALK_NO_MODE] = "no-translation-mode",
    };
    if ((unsigned)fault >= WALK_FAULT_COUNT) return "unknown";
    return names[fault];
}
