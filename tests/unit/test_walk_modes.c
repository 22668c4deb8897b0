/* One walker for Sv39, Sv48 and Sv57 (mmu/walk.c): the rules that depend on the mode's level
 * count, checked in every mode. Priv spec sections "Sv39", "Sv48" and "Sv57" (the canonical
 * VA, the page sizes) and "Virtual Address Translation Process" (steps 1-8, LEVELS = 3/4/5).
 * The rules that do not depend on the mode are tests/unit/test_sv39.c's. Also the model TLB
 * (mmu/tlb.c) with Sv48's 512 GiB and Sv57's 256 TiB pages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/tlb.h"
#include "mmu/walk.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)

/* Leaf permissions with A and D set, so only the rule under test can fail. */
#define RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
/* Svnapot's N bit and Svpbmt's PBMT field: reserved while rv39 has neither extension. */
#define PTE_N (1ull << 63)
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
