/* One walker for Sv39, Sv48 and Sv57 (mmu/walk.c): the rules that depend on the mode's level
 * count, checked in every mode. Priv spec sections "Sv39", "Sv48" and "Sv57" (the canonical
 * VA, the page sizes) and "Virtual Address Translation Process" (steps 1-8, LEVELS = 3/4/5).
 * Every fault rule is checked in every mode here; test_sv39.c has more Sv39 detail. Also
 * Svpbmt ("Svpbmt" chapter: PBMT, menvcfg.PBMTE), Svnapot ("Svnapot": 64 KiB NAPOT leaves)
 * and the model TLB (mmu/tlb.c) with 64 KiB, Sv48's 512 GiB and Sv57's 256 TiB pages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/tlb.h"
#include "mmu/walk.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)

/* Leaf permissions with A and D set, so only the rule under test can fail. */
#define RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
/* Svpbmt's PBMT field values in place (PTE_N and PTE_PBMT come from mmu/walk.h). */
#define PTE_PBMT_NC (1ull << 61)
#define PTE_PBMT_IO (2ull << 61)

static const struct {
    uint64_t mode;
    const char *name;
    int levels;
    unsigned va_bits;
} modes[] = {
    {SATP_MODE_SV39, "Sv39", 3, 39},
    {SATP_MODE_SV48, "Sv48", 4, 48},
    {SATP_MODE_SV57, "Sv57", 5, 57},
};
#define NMODES (sizeof modes / sizeof modes[0])

static struct guest_ram mem;
static uint64_t next_free, root, satp;
static int levels;

static void setup(void)
{
    mem.host = calloc(1, RAM_SIZE);
    cr_assert_not_null(mem.host);
    mem.base = RAM_BASE;
    mem.size = RAM_SIZE;
}

static void teardown(void)
{
    free(mem.host);
}

TestSuite(walk_modes, .init = setup, .fini = teardown);

/* A fresh, empty page table for mode m. */
static void use_mode(unsigned m)
{
    memset(mem.host, 0, RAM_SIZE);
    next_free = RAM_BASE;
    root = next_free;
    next_free += 0x1000;
    levels = modes[m].levels;
    satp = modes[m].mode << SATP_MODE_SHIFT | root >> 12;
}

static uint64_t *word(uint64_t pa)
{
    cr_assert(pa >= RAM_BASE && pa + 8 <= RAM_BASE + RAM_SIZE, "PTE at 0x%llx outside test RAM",
              (unsigned long long)pa);
    return (uint64_t *)(void *)(mem.host + (pa - RAM_BASE));
}

static uint64_t pte_of(uint64_t pa, uint64_t flags)
{
    return (pa >> 12) << PTE_PPN_SHIFT | flags;
}

static uint64_t vpn(uint64_t va, int level)
{
    return (va >> (12 + 9 * level)) & 511;
}

/* Map va with a leaf PTE `leaf` at `level`, making pointer tables from the root down. Returns
 * the leaf's physical address. */
static uint64_t map_leaf(uint64_t va, int level, uint64_t leaf)
{
    uint64_t table = root;
    for (int i = levels - 1; i > level; i--) {
        uint64_t *slot = word(table + vpn(va, i) * 8);
        if (!(*slot & PTE_V)) {
            *slot = pte_of(next_free, PTE_V);
            next_free += 0x1000;
        }
        table = ((*slot >> PTE_PPN_SHIFT) & ((1ull << 44) - 1)) << 12;
    }
    *word(table + vpn(va, level) * 8) = leaf;
    return table + vpn(va, level) * 8;
}

static struct walk_result walk(uint64_t va, enum access access)
{
    struct walk_request req = {.satp = satp, .va = va, .access = access, .priv = 1};
    struct walk_result r;
    page_walk(&mem, &req, &r);
    return r;
}

/* A walk with the request's other fields as given (privilege, SUM/MXR, A/D, extensions). */
static struct walk_result walk_req(struct walk_request req)
{
    req.satp = satp;
    struct walk_result r;
    page_walk(&mem, &req, &r);
    return r;
}

#define assert_fault(r, want, m)                                                                   \
    cr_assert_eq((r).fault, (want), "%s: expected %s, got %s", modes[m].name,                      \
                 walk_fault_name(want), walk_fault_name((r).fault))

Test(walk_modes, table_rows_match_the_spec)
{
    /* priv spec "Encoding of satp MODE field": 8 Sv39, 9 Sv48, 10 Sv57; 0 Bare; 11 reserved. */
    cr_assert_null(vm_mode_of_satp(0));
    cr_assert_null(vm_mode_by_number(11));
    for (unsigned m = 0; m < NMODES; m++) {
        const struct vm_mode *vm = vm_mode_by_number(modes[m].mode);
        cr_assert_not_null(vm);
        cr_assert_str_eq(vm->name, modes[m].name);
        cr_assert_eq(vm->levels, (unsigned)modes[m].levels);
        cr_assert_eq(vm->va_bits, modes[m].va_bits);
    }
}

Test(walk_modes, bare_satp_is_not_walked)
{
    struct walk_request req = {.satp = 0, .va = 0x1000, .access = ACCESS_READ, .priv = 1};
    struct walk_result r;
    page_walk(&mem, &req, &r);
    cr_assert_eq(r.fault, WALK_NO_MODE);
    cr_assert_eq(r.nsteps, 0u, "no PTE read");
}

/* Each mode: bits 63..VAbits must equal bit VAbits-1; both halves of the address space walk. */
Test(walk_modes, canonical_address_per_mode)
{
    for (unsigned m = 0; m < NMODES; m++) {
        use_mode(m);
        unsigned b = modes[m].va_bits;
        uint64_t top_low = (1ull << (b - 1)) - 0x1000;   /* highest page of the lower half */
        uint64_t bottom_high = ~((1ull << (b - 1)) - 1); /* lowest of the upper half */
        assert_fault(walk(top_low, ACCESS_READ), WALK_INVALID, m);
        assert_fault(walk(bottom_high, ACCESS_READ), WALK_INVALID, m);
        /* Bit VAbits-1 set without the bits above: non-canonical, before any PTE is read. */
        struct walk_result r = walk(1ull << (b - 1), ACCESS_READ);
        assert_fault(r, WALK_NON_CANONICAL, m);
        cr_assert_eq(r.nsteps, 0u, "%s: no PTE read for a non-canonical address", modes[m].name);
        /* One bit above the VA set alone. */
        if (b < 64) assert_fault(walk(1ull << b, ACCESS_READ), WALK_NON_CANONICAL, m);
        /* The upper half with bit 63 cleared. */
        assert_fault(walk(bottom_high & ~(1ull << 63), ACCESS_EXEC), WALK_NON_CANONICAL, m);
    }
    /* Sv39's non-canonical 1 << 40 is an ordinary lower-half address in Sv48 and Sv57. */
    use_mode(0);
    assert_fault(walk(1ull << 40, ACCESS_READ), WALK_NON_CANONICAL, 0);
    use_mode(1);
    assert_fault(walk(1ull << 40, ACCESS_READ), WALK_INVALID, 1);
}

/* Each level's leaf: a page of 4 KiB << 9 * level, read after levels - level PTEs, the offset
 * within it passed through (step 8). */
Test(walk_modes, a_leaf_at_every_level)
{
    for (unsigned m = 0; m < NMODES; m++) {
        for (int level = 0; level < modes[m].levels; level++) {
            use_mode(m);
            uint64_t size = 0x1000ull << (9 * level);
            /* An upper-half address, so the walk covers the sign-extended top too. */
            uint64_t va = ~((1ull << (modes[m].va_bits - 1)) - 1) | 3 * size | 0x123;
            uint64_t pa = 5 * size; /* aligned to its page size */
            uint64_t leaf_at = map_leaf(va, level, pte_of(pa, RWX_AD));
            struct walk_result r = walk(va + 0x10, ACCESS_WRITE);
            assert_fault(r, WALK_OK, m);
            cr_assert_eq(r.level, level, "%s: leaf level", modes[m].name);
            cr_assert_eq(r.levels, (unsigned)modes[m].levels);
            cr_assert_eq(r.nsteps, (unsigned)(modes[m].levels - level), "%s level %d: PTEs read",
                         modes[m].name, level);
            cr_assert_eq(r.steps[0].pte_addr, root + vpn(va, modes[m].levels - 1) * 8,
                         "%s: the first PTE is the root's VPN[LEVELS-1] (step 2)", modes[m].name);
            cr_assert_eq(r.pte_addr, leaf_at);
            cr_assert_eq(r.paddr, pa + ((va + 0x10) & (size - 1)), "%s level %d: pa", modes[m].name,
                         level);
        }
    }
}

/* Step 6: a superpage whose PPN is not aligned to its size faults, at every superpage level;
 * the same PTE at level 0 is fine. */
Test(walk_modes, misaligned_superpage_at_every_level)
{
    for (unsigned m = 0; m < NMODES; m++) {
        for (int level = 1; level < modes[m].levels; level++) {
            use_mode(m);
            uint64_t size = 0x1000ull << (9 * level);
            uint64_t va = 7 * size;
            /* Off by one 4 KiB page, then by the next level's page: both misaligned. */
            map_leaf(va, level, pte_of(2 * size + 0x1000, RWX_AD));
            assert_fault(walk(va, ACCESS_READ), WALK_MISALIGNED_SUPERPAGE, m);
            map_leaf(va, level, pte_of(2 * size + (size >> 9), RWX_AD));
            assert_fault(walk(va, ACCESS_READ), WALK_MISALIGNED_SUPERPAGE, m);
            map_leaf(va, level, pte_of(2 * size, RWX_AD));
            assert_fault(walk(va, ACCESS_READ), WALK_OK, m);
        }
    }
}

/* Step 3: with neither Svnapot nor Svpbmt, N (bit 63) and PBMT (62:61) are reserved: a leaf or
 * a pointer with them set faults, at the root and at a leaf, in every mode. */
Test(walk_modes, n_and_pbmt_bits_are_reserved_without_the_extensions)
{
    static const uint64_t bits[] = {PTE_N, PTE_PBMT_IO, 1ull << 54};
    for (unsigned m = 0; m < NMODES; m++) {
        for (unsigned b = 0; b < 3; b++) {
            use_mode(m);
            uint64_t va = 0x5000;
            uint64_t leaf_at = map_leaf(va, 0, pte_of(0x9000, RWX_AD) | bits[b]);
            struct walk_result r = walk(va, ACCESS_READ);
            assert_fault(r, WALK_RESERVED_BITS, m);
            cr_assert_eq(r.steps[r.nsteps - 1].pte_addr, leaf_at, "the leaf is the PTE at fault");
            *word(leaf_at) &= ~bits[b];
            assert_fault(walk(va, ACCESS_READ), WALK_OK, m);
            *word(root) |= bits[b]; /* the root's pointer for va */
            r = walk(va, ACCESS_READ);
            assert_fault(r, WALK_RESERVED_BITS, m);
            cr_assert_eq(r.nsteps, 1u, "%s: the root pointer faults", modes[m].name);
        }
    }
}

/* Step 4: a pointer at level 0 has nowhere to go, in every mode; step 3: V = 0 at each level
 * stops the walk there. */
Test(walk_modes, invalid_at_each_level_and_no_leaf)
{
    for (unsigned m = 0; m < NMODES; m++) {
        use_mode(m);
        uint64_t va = 0x7000;
        uint64_t at = map_leaf(va, 0, pte_of(next_free, PTE_V)); /* a pointer at level 0 */
        next_free += 0x1000;
        assert_fault(walk(va, ACCESS_READ), WALK_NO_LEAF, m);
        *word(at) = 0;
        struct walk_result r = walk(va, ACCESS_READ);
        assert_fault(r, WALK_INVALID, m);
        cr_assert_eq(r.nsteps, (unsigned)modes[m].levels, "%s: every level read", modes[m].name);
    }
}

/* The model TLB holds every page size: a 512 GiB (Sv48/Sv57) and a 256 TiB (Sv57) entry cover
 * their whole page, and sfence.vma by an address inside drops them (priv spec "Supervisor
 * Memory-Management Fence Instruction"); an address outside leaves them. */
Test(walk_modes, tlb_holds_512g_and_256t_pages)
{
    struct tlb t;
    struct tlb_config cfg = {4, 2, 4};
    cr_assert(tlb_init(&t, &cfg));
    for (int level = 3; level <= 4; level++) {
        uint64_t size = 0x1000ull << (9 * level);
        uint64_t vpage = (level == 3 ? 0xffffff8000000000ull : 0xffff000000000000ull);
        struct tlb_entry e = {.valid = true,
                              .level = (uint8_t)level,
                              .asid = 1,
                              .vpage = vpage,
                              .ppage = size,
                              .pte = pte_of(size, RWX_AD)};
        tlb_insert(&t, &e);
        struct tlb_entry *hit = tlb_lookup(&t, vpage + size - 8, 1);
        cr_assert_not_null(hit, "level %d: the last doubleword of the page hits", level);
        cr_assert_eq(hit->level, level);
        cr_assert_null(tlb_lookup(&t, vpage - 0x1000, 1), "level %d: below the page", level);
        tlb_flush(&t, false, vpage - 0x1000, true, 0);
        cr_assert_not_null(tlb_lookup(&t, vpage, 1), "level %d: a fence outside keeps it", level);
        tlb_flush(&t, false, vpage + size / 2, true, 0);
        cr_assert_null(tlb_lookup(&t, vpage, 1), "level %d: a fence inside drops it", level);
    }
    tlb_free(&t);
}

/* Every rule the walk names, in every mode, with the leaf at level 0 and at the top level
 * (the widest page the mode has), and at the pointer one level up: the rules do not depend on
 * the level count, and this shows it (priv spec "Virtual Address Translation Process"). */
Test(walk_modes, every_fault_rule_in_every_mode)
{
    for (unsigned m = 0; m < NMODES; m++) {
        int top = modes[m].levels - 1;
        for (int level = 0; level <= top; level += top) {
            uint64_t size = 0x1000ull << (9 * level);
            uint64_t va = size * 3 + 0x10, pa = size * 4;
            const char *name = modes[m].name;
            struct {
                uint64_t flags;
                struct walk_request req;
                enum walk_fault want;
            } cases[] = {
                {PTE_V | PTE_W | PTE_A | PTE_D,
                 {.access = ACCESS_READ, .priv = 1},
                 WALK_WRITE_WITHOUT_READ},
                {RWX_AD | (1ull << 57), {.access = ACCESS_READ, .priv = 1}, WALK_RESERVED_BITS},
                {RWX_AD | PTE_U, {.access = ACCESS_READ, .priv = 1}, WALK_U_PAGE_FROM_S},
                {RWX_AD | PTE_U, {.access = ACCESS_READ, .priv = 1, .sum = true}, WALK_OK},
                {RWX_AD | PTE_U,
                 {.access = ACCESS_EXEC, .priv = 1, .sum = true},
                 WALK_U_PAGE_FROM_S},
                {RWX_AD, {.access = ACCESS_READ, .priv = 0}, WALK_S_PAGE_FROM_U},
                {PTE_V | PTE_X | PTE_A, {.access = ACCESS_READ, .priv = 1}, WALK_NOT_READABLE},
                {PTE_V | PTE_X | PTE_A, {.access = ACCESS_READ, .priv = 1, .mxr = true}, WALK_OK},
                {PTE_V | PTE_R | PTE_A | PTE_D,
                 {.access = ACCESS_WRITE, .priv = 1},
                 WALK_NOT_WRITABLE},
                {PTE_V | PTE_R | PTE_W | PTE_A | PTE_D,
                 {.access = ACCESS_EXEC, .priv = 1},
                 WALK_NOT_EXECUTABLE},
                {PTE_V | PTE_R | PTE_W | PTE_X,
                 {.access = ACCESS_READ, .priv = 1, .svade = true},
                 WALK_AD_CLEAR},
                {RWX_AD & ~PTE_D,
                 {.access = ACCESS_WRITE, .priv = 1, .svade = true},
                 WALK_AD_CLEAR},
                {RWX_AD & ~PTE_D, {.access = ACCESS_READ, .priv = 1, .svade = true}, WALK_OK},
            };
            for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
                use_mode(m);
                map_leaf(va, level, pte_of(pa, cases[k].flags));
                cases[k].req.va = va;
                struct walk_result r = walk_req(cases[k].req);
                cr_assert_eq(r.fault, cases[k].want, "%s level %d case %u: expected %s, got %s",
                             name, level, k, walk_fault_name(cases[k].want),
                             walk_fault_name(r.fault));
                if (r.fault == WALK_OK) cr_assert_eq(r.paddr, pa + 0x10);
            }
            /* D, A or U in the pointer above a level-0 leaf: reserved there. */
            if (level == 0) {
                static const uint64_t dau[] = {PTE_D, PTE_A, PTE_U};
                for (unsigned k = 0; k < 3; k++) {
                    use_mode(m);
                    map_leaf(va, 0, pte_of(pa, RWX_AD));
                    *word(root + vpn(va, top) * 8) |= dau[k];
                    struct walk_result r = walk(va, ACCESS_READ);
                    assert_fault(r, WALK_RESERVED_BITS, m);
                    cr_assert_eq(r.nsteps, 1u);
                }
            }
        }
        /* Step 2: a pointer to no RAM: access fault (cause 5/7/1, not a page fault). */
        use_mode(m);
        *word(root + vpn(0x5000, top) * 8) = pte_of(0x1000, PTE_V); /* 0x1000: not RAM */
        struct walk_result r = walk(0x5000, ACCESS_WRITE);
        assert_fault(r, WALK_PTE_ACCESS_FAULT, m);
        cr_assert_eq(walk_fault_cause(r.fault, ACCESS_WRITE), 7u);
        cr_assert_eq(walk_fault_cause(WALK_NAPOT_RESERVED, ACCESS_EXEC), 12u);
    }
}

/* Step 7 without Svade: the hardware sets A (and D for a store) in memory, once, in every mode;
 * a debugger walk (update_ad = false) reports them set and leaves memory alone. */
Test(walk_modes, hardware_ad_update_in_every_mode)
{
    for (unsigned m = 0; m < NMODES; m++) {
        use_mode(m);
        uint64_t at = map_leaf(0x5000, 0, pte_of(0x9000, PTE_V | PTE_R | PTE_W));
        struct walk_result r = walk_req((struct walk_request){
            .va = 0x5000, .access = ACCESS_READ, .priv = 1, .update_ad = false});
        assert_fault(r, WALK_OK, m);
        cr_assert_eq(*word(at) & (PTE_A | PTE_D), 0, "a debugger walk writes nothing");
        cr_assert_eq(r.pte & PTE_A, PTE_A, "but reports A as the access would set it");
        r = walk_req((struct walk_request){
            .va = 0x5000, .access = ACCESS_WRITE, .priv = 1, .update_ad = true});
        assert_fault(r, WALK_OK, m);
        cr_assert(r.ad_updated);
        cr_assert_eq(*word(at) & (PTE_A | PTE_D), PTE_A | PTE_D, "%s: A and D set", modes[m].name);
        r = walk_req((struct walk_request){
            .va = 0x5000, .access = ACCESS_WRITE, .priv = 1, .update_ad = true});
        cr_assert_not(r.ad_updated, "already set: no second write");
    }
}

/* Svpbmt: with menvcfg.PBMTE = 1 a leaf's PBMT is NC or IO and the walk reports it; 3 is
 * reserved; a pointer may not carry one; with PBMTE = 0 the bits are reserved (page fault). */
Test(walk_modes, svpbmt_memory_types)
{
    for (unsigned m = 0; m < NMODES; m++) {
        struct walk_request pbmte = {.va = 0x5000, .access = ACCESS_READ, .priv = 1, .pbmte = true};
        use_mode(m);
        uint64_t at = map_leaf(0x5000, 0, pte_of(0x9000, RWX_AD) | PTE_PBMT_NC);
        struct walk_result r = walk_req(pbmte);
        assert_fault(r, WALK_OK, m);
        cr_assert_eq(pte_pbmt(r.pte), (unsigned)PBMT_NC);
        cr_assert_eq(r.paddr, 0x9000ull, "the memory type does not change the address");
        *word(at) = pte_of(0x9000, RWX_AD) | PTE_PBMT_IO;
        r = walk_req(pbmte);
        assert_fault(r, WALK_OK, m);
        cr_assert_eq(pte_pbmt(r.pte), (unsigned)PBMT_IO);
        *word(at) = pte_of(0x9000, RWX_AD) | PTE_PBMT;
        assert_fault(walk_req(pbmte), WALK_PBMT_RESERVED, m);
        struct walk_request off = pbmte;
        off.pbmte = false;
        *word(at) = pte_of(0x9000, RWX_AD) | PTE_PBMT_IO;
        assert_fault(walk_req(off), WALK_RESERVED_BITS, m);
        *word(at) = pte_of(0x9000, RWX_AD);
        *word(root) |= PTE_PBMT_NC; /* the root's pointer for 0x5000 */
        r = walk_req(pbmte);
        assert_fault(r, WALK_POINTER_ATTRIBUTES, m);
        cr_assert_eq(r.nsteps, 1u);
        /* Bits 60:54 stay reserved with Svpbmt and Svnapot on. */
        *word(root) &= ~PTE_PBMT;
        *word(at) |= 1ull << 60;
        pbmte.svnapot = true;
        assert_fault(walk_req(pbmte), WALK_RESERVED_BITS, m);
    }
}

/* Svnapot: N = 1 on a level-0 leaf with ppn[3:0] = 1000 maps a naturally aligned 64 KiB page
 * (pa.ppn[3:0] = va.vpn[3:0]); every other N encoding is reserved, N on a superpage leaf or on
 * a pointer too; without Svnapot N is a reserved bit. */
Test(walk_modes, svnapot_64k_pages)
{
    for (unsigned m = 0; m < NMODES; m++) {
        struct walk_request req = {.access = ACCESS_READ, .priv = 1, .svnapot = true};
        use_mode(m);
        uint64_t base = 0x30000;                                  /* 64 KiB aligned */
        uint64_t leaf = pte_of(0x50000 | 0x8000, RWX_AD) | PTE_N; /* ppn[3:0] = 1000 */
        for (unsigned k = 0; k < 16; k++)                         /* the 16 PTEs of the page */
            map_leaf(base + k * 0x1000, 0, leaf);
        for (uint64_t off = 0; off < 0x10000; off += 0x1234) {
            req.va = base + off;
            struct walk_result r = walk_req(req);
            assert_fault(r, WALK_OK, m);
            cr_assert_eq(r.paddr, 0x50000 + off, "%s: va +0x%llx -> pa 0x%llx", modes[m].name,
                         (unsigned long long)off, (unsigned long long)r.paddr);
            cr_assert_eq(pte_page_shift(r.pte, r.level), 16u, "a 64 KiB page");
        }
        req.va = base;
        static const unsigned reserved_low[] = {0x0, 0x1, 0x4, 0x9, 0xc};
        for (unsigned k = 0; k < 5; k++) {
            map_leaf(base, 0, pte_of(0x50000 | reserved_low[k] << 12, RWX_AD) | PTE_N);
            assert_fault(walk_req(req), WALK_NAPOT_RESERVED, m);
        }
        struct walk_request without = req;
        without.svnapot = false;
        map_leaf(base, 0, leaf);
        assert_fault(walk_req(without), WALK_RESERVED_BITS, m);
        /* A superpage leaf with N: no NAPOT superpage size is defined. */
        use_mode(m);
        map_leaf(0x200000, 1, pte_of(0x400000 | 0x8000, RWX_AD) | PTE_N);
        req.va = 0x200000;
        assert_fault(walk_req(req), WALK_NAPOT_RESERVED, m);
        /* N on a pointer. */
        use_mode(m);
        map_leaf(0x5000, 0, pte_of(0x9000, RWX_AD));
        *word(root) |= PTE_N;
        req.va = 0x5000;
        assert_fault(walk_req(req), WALK_POINTER_ATTRIBUTES, m);
    }
}

/* The model TLB holds a 64 KiB NAPOT page as one entry: any address inside hits it, and a
 * fence for any address inside drops it (one fence per page is enough, as for superpages). */
Test(walk_modes, tlb_holds_64k_napot_pages)
{
    struct tlb t;
    struct tlb_config cfg = {4, 1, 2};
    cr_assert(tlb_init(&t, &cfg));
    struct tlb_entry e = {.valid = true,
                          .level = 0,
                          .asid = 1,
                          .vpage = 0x30000,
                          .ppage = 0x50000,
                          .pte = pte_of(0x58000, RWX_AD) | PTE_N};
    tlb_insert(&t, &e);
    for (uint64_t off = 0; off < 0x10000; off += 0x1000) {
        struct tlb_entry *hit = tlb_lookup(&t, 0x30000 + off, 1);
        cr_assert_not_null(hit, "+0x%llx hits the 64 KiB entry", (unsigned long long)off);
        cr_assert_eq(tlb_entry_size(hit), 0x10000ull);
    }
    cr_assert_null(tlb_lookup(&t, 0x40000, 1), "the next 64 KiB is not covered");
    /* A 4 KiB entry in every set does not push it out: it lives with the superpages. */
    for (unsigned k = 0; k < 4; k++) {
        struct tlb_entry small = {.valid = true,
                                  .asid = 1,
                                  .vpage = 0x100000 + k * 0x1000,
                                  .ppage = 0x9000,
                                  .pte = pte_of(0x9000, RWX_AD)};
        tlb_insert(&t, &small);
    }
    cr_assert_not_null(tlb_lookup(&t, 0x3f000, 1));
    tlb_flush(&t, false, 0x3c000, true, 0);
    cr_assert_null(tlb_lookup(&t, 0x30000, 1), "a fence inside the 64 KiB drops all of it");
    tlb_free(&t);
}
