/* The Sv39 walk against the priv spec, "Virtual Address Translation Process" (steps 1-8) and
 * section "Sv39". Page tables are built in a small fake RAM; each test checks one rule. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/walk.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (4ull << 20)
#define KIB4 0x1000ull
#define MIB2 0x200000ull
#define GIB1 0x40000000ull

/* Leaf permission sets with A and D already set, so only the rule under test can fail. */
#define RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define RW_AD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

static struct guest_ram mem;
static uint64_t next_free; /* bump allocator for page-table pages */
static uint64_t root;      /* physical address of the root table */

static uint64_t *ram_word(uint64_t pa)
{
    return (uint64_t *)(void *)(mem.host + (pa - RAM_BASE));
}
static uint64_t read_pte(uint64_t pa)
{
    return *ram_word(pa);
}
static void write_pte(uint64_t pa, uint64_t pte)
{
    *ram_word(pa) = pte;
}

static uint64_t alloc_table(void)
{
    uint64_t pa = next_free;
    next_free += KIB4;
    cr_assert_leq(next_free, RAM_BASE + RAM_SIZE, "test RAM exhausted");
    return pa;
}

static uint64_t make_pte(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << PTE_PPN_SHIFT) | flags;
}
static uint64_t satp(void)
{
    return (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (root >> 12);
}
static unsigned vpn(uint64_t va, int level)
{
    return (va >> (12 + 9 * level)) & 0x1ff;
}

/* Address of the PTE for va at `level`, creating pointer tables above it as needed. */
static uint64_t pte_slot(uint64_t va, int level)
{
    uint64_t table = root;
    for (int i = 2; i > level; i--) {
        uint64_t slot = table + vpn(va, i) * 8;
        uint64_t pte = read_pte(slot);
        if (!(pte & PTE_V)) {
            pte = make_pte(alloc_table(), PTE_V);
            write_pte(slot, pte);
        }
        table = ((pte >> PTE_PPN_SHIFT) & ((1ull << 44) - 1)) << 12;
    }
    return table + vpn(va, level) * 8;
}

/* Map va -> pa with a leaf at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB); returns the leaf's
 * physical address. */
static uint64_t map(uint64_t va, uint64_t pa, int level, uint64_t flags)
{
    uint64_t slot = pte_slot(va, level);
    write_pte(slot, make_pte(pa, flags));
    return slot;
}

static struct walk_request request(uint64_t va, enum access access, unsigned priv)
{
    return (struct walk_request){
        .satp = satp(),
        .va = va,
        .access = access,
        .priv = priv,
        .update_ad = true,
    };
}

static struct walk_result walk_req(const struct walk_request *req)
{
    struct walk_result r;
    page_walk(&mem, req, &r);
    return r;
}

static struct walk_result walk(uint64_t va, enum access access, unsigned priv)
{
    struct walk_request req = request(va, access, priv);
    return walk_req(&req);
}

/* A macro, so a failure points at the test's line; an optional string literal adds context. */
#define assert_fault(result, expected, ...)                                                        \
    do {                                                                                           \
        enum walk_fault got_ = (result).fault;                                                     \
        cr_assert_eq(got_, (expected), "expected %s, got %s " __VA_ARGS__,                         \
                     walk_fault_name(expected), walk_fault_name(got_));                            \
    } while (0)

/* Empty RAM with a fresh root table. */
static void reset_tables(void)
{
    memset(mem.host, 0, RAM_SIZE);
    next_free = RAM_BASE;
    root = alloc_table();
}

static void setup(void)
{
    mem.host = malloc(RAM_SIZE);
    cr_assert_not_null(mem.host);
    mem.base = RAM_BASE;
    mem.size = RAM_SIZE;
    reset_tables();
}

static void teardown(void)
{
    free(mem.host);
}

TestSuite(sv39, .init = setup, .fini = teardown);

/* ---- Step 8: successful translations ---- */

Test(sv39, page_4k_translates_with_offset)
{
    map(0x40201000, 0x80123000, 0, RW_AD);
    struct walk_result r = walk(0x40201abc, ACCESS_READ, 1);
    assert_fault(r, WALK_OK);
    cr_assert_eq(r.paddr, 0x80123abc, "step 8: pa = pte.ppn : va.pgoff, got %#lx", r.paddr);
    cr_assert_eq(r.level, 0, "a level-0 leaf is a 4 KiB page");
}

/* Step 8: "If i > 0 ... pa.ppn[i-1:0] = va.vpn[i-1:0]". */
Test(sv39, megapage_2m_passes_low_vpn_through)
{
    map(0x40200000, 0x80200000, 1, RW_AD);
    struct walk_result r = walk(0x402abcde, ACCESS_READ, 1);
    assert_fault(r, WALK_OK);
    cr_assert_eq(r.paddr, 0x802abcde, "megapage: va bits 20:0 pass through, got %#lx", r.paddr);
    cr_assert_eq(r.level, 1);
    cr_assert_eq(r.nsteps, 2, "a level-1 leaf is found after two PTE reads");
}

Test(sv39, gigapage_1g_passes_low_vpn_through)
{
    map(0x40000000, 0xc0000000, 2, RW_AD);
    struct walk_result r = walk(0x7654321f, ACCESS_READ, 1);
    assert_fault(r, WALK_OK);
    cr_assert_eq(r.paddr, 0xf654321f, "gigapage: va bits 29:0 pass through, got %#lx", r.paddr);
    cr_assert_eq(r.level, 2);
    cr_assert_eq(r.nsteps, 1);
}

/* Sv39: addresses with bits 63:39 all equal to bit 38 set (the upper half) are valid. */
Test(sv39, upper_half_canonical_address_translates)
{
    uint64_t va = 0xffffffffc0001000ull; /* vpn[2] = 511 */
    map(va, 0x80345000, 0, RW_AD);
    struct walk_result r = walk(va | 0x10, ACCESS_READ, 1);
    assert_fault(r, WALK_OK);
    cr_assert_eq(r.paddr, 0x80345010);
}

/* Step 2: the trail records every PTE read, root first. */
Test(sv39, steps_trail_records_each_pte_read)
{
    uint64_t va = 0x40201000;
    uint64_t leaf = map(va, 0x80123000, 0, RW_AD);
    struct walk_result r = walk(va, ACCESS_READ, 1);
    assert_fault(r, WALK_OK);
    cr_assert_eq(r.nsteps, 3, "a 4 KiB translation reads three PTEs");
    cr_assert_eq(r.steps[0].pte_addr, root + vpn(va, 2) * 8, "step 0 reads the root table entry");
    for (unsigned i = 0; i < 3; i++)
        cr_assert_eq(r.steps[i].pte, read_pte(r.steps[i].pte_addr), "step %u value", i);
    uint64_t l1_table = ((r.steps[0].pte >> PTE_PPN_SHIFT) << 12);
    cr_assert_eq(r.steps[1].pte_addr, l1_table + vpn(va, 1) * 8, "step 1 follows the pointer");
    cr_assert_eq(r.steps[2].pte_addr, leaf);
    cr_assert_eq(r.pte_addr, leaf, "the leaf's address is reported");
    cr_assert_eq(r.pte, read_pte(leaf), "the leaf's value is reported");
}

/* ---- Sv39: canonical addresses ---- */

Test(sv39, non_canonical_address_page_faults)
{
    struct walk_result r = walk(0x0000004000000000ull, ACCESS_READ, 1);
    assert_fault(r, WALK_NON_CANONICAL);
    cr_assert_eq(r.nsteps, 0, "a non-canonical address faults before any PTE is read");
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_READ), 13, "load page fault");
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_WRITE), 15, "store/AMO page fault");
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_EXEC), 12, "instruction page fault");
}

Test(sv39, upper_bits_not_matching_bit38_fault)
{
    assert_fault(walk(0xffffffbfc0000000ull, ACCESS_READ, 1), WALK_NON_CANONICAL);
    assert_fault(walk(0x8000000000001000ull, ACCESS_READ, 1), WALK_NON_CANONICAL);
}

/* ---- Step 2: PTE outside memory is an access fault ---- */

Test(sv39, root_table_outside_ram_access_faults)
{
    root = 0x10000000; /* the UART, not RAM */
    struct walk_result r = walk(0x1000, ACCESS_READ, 1);
    assert_fault(r, WALK_PTE_ACCESS_FAULT);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_EXEC), 1, "instruction access fault");
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_READ), 5, "load access fault");
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_WRITE), 7, "store/AMO access fault");
}

Test(sv39, pointer_outside_ram_access_faults)
{
    write_pte(root + vpn(0x1000, 2) * 8, make_pte(RAM_BASE + RAM_SIZE, PTE_V));
    struct walk_result r = walk(0x1000, ACCESS_WRITE, 1);
    assert_fault(r, WALK_PTE_ACCESS_FAULT);
    cr_assert_eq(r.nsteps, 1, "only the root PTE was read");
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_WRITE), 7);
}

/* ---- Step 3: invalid encodings ---- */

Test(sv39, invalid_pte_page_faults)
{
    map(0x5000, 0x80100000, 0, RW_AD & ~(uint64_t)PTE_V);
    struct walk_result r = walk(0x5000, ACCESS_READ, 1);
    assert_fault(r, WALK_INVALID);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_READ), 13);
}

Test(sv39, invalid_root_entry_page_faults)
{
    assert_fault(walk(0x5000, ACCESS_EXEC, 1), WALK_INVALID);
}

Test(sv39, write_without_read_is_reserved)
{
    map(0x5000, 0x80100000, 0, PTE_V | PTE_W | PTE_A | PTE_D);
    struct walk_result r = walk(0x5000, ACCESS_WRITE, 1);
    assert_fault(r, WALK_WRITE_WITHOUT_READ);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_WRITE), 15);
}

/* Sv39 PTE: bits 63 (N), 62:61 (PBMT) and 60:54 must be zero without those extensions. */
Test(sv39, reserved_high_bits_in_leaf_page_fault)
{
    unsigned bits[] = {54, 60, 61, 63};
    for (unsigned k = 0; k < sizeof(bits) / sizeof(bits[0]); k++) {
        map(0x5000, 0x80100000, 0, RW_AD | (1ull << bits[k]));
        assert_fault(walk(0x5000, ACCESS_READ, 1), WALK_RESERVED_BITS);
    }
}

Test(sv39, reserved_high_bits_in_pointer_page_fault)
{
    map(0x5000, 0x80100000, 0, RW_AD);
    uint64_t slot = root + vpn(0x5000, 2) * 8;
    write_pte(slot, read_pte(slot) | (1ull << 58));
    assert_fault(walk(0x5000, ACCESS_READ, 1), WALK_RESERVED_BITS);
}

/* "For non-leaf PTEs, the D, A, and U bits are reserved for future standard use." */
Test(sv39, dau_bits_in_pointer_are_reserved)
{
    uint64_t reserved[] = {PTE_D, PTE_A, PTE_U};
    for (unsigned k = 0; k < 3; k++) {
        reset_tables();
        map(0x5000, 0x80100000, 0, RW_AD);
        uint64_t slot = root + vpn(0x5000, 2) * 8;
        write_pte(slot, read_pte(slot) | reserved[k]);
        struct walk_result r = walk(0x5000, ACCESS_READ, 1);
        cr_assert_eq(r.fault, WALK_RESERVED_BITS, "pointer with bit %#lx set: got %s", reserved[k],
                     walk_fault_name(r.fault));
    }
}

/* G and RSW are not reserved in a pointer. */
Test(sv39, global_and_rsw_bits_in_pointer_are_allowed)
{
    map(0x5000, 0x80100000, 0, RW_AD);
    uint64_t slot = root + vpn(0x5000, 2) * 8;
    write_pte(slot, read_pte(slot) | PTE_G | (3u << 8));
    assert_fault(walk(0x5000, ACCESS_READ, 1), WALK_OK);
}

/* ---- Step 4: a pointer at level 0 ---- */

Test(sv39, pointer_at_level_zero_page_faults)
{
    map(0x5000, 0x80100000, 0, PTE_V);
    struct walk_result r = walk(0x5000, ACCESS_EXEC, 1);
    assert_fault(r, WALK_NO_LEAF);
    cr_assert_eq(r.nsteps, 3);
    cr_assert_eq(r.level, -1, "no leaf was found");
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_EXEC), 12);
}

/* ---- Step 5: privilege (U bit, SUM) ---- */

Test(sv39, supervisor_load_of_user_page_needs_sum)
{
    map(0x5000, 0x80100000, 0, RW_AD | PTE_U);
    struct walk_request req = request(0x5000, ACCESS_READ, 1);
    assert_fault(walk_req(&req), WALK_U_PAGE_FROM_S);
    req.sum = true;
    assert_fault(walk_req(&req), WALK_OK);
}

Test(sv39, supervisor_store_to_user_page_needs_sum)
{
    map(0x5000, 0x80100000, 0, RW_AD | PTE_U);
    struct walk_request req = request(0x5000, ACCESS_WRITE, 1);
    struct walk_result r = walk_req(&req);
    assert_fault(r, WALK_U_PAGE_FROM_S);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_WRITE), 15);
    req.sum = true;
    assert_fault(walk_req(&req), WALK_OK);
}

/* "S-mode can never execute instructions from user pages, regardless of the state of SUM." */
Test(sv39, supervisor_fetch_from_user_page_faults_even_with_sum)
{
    map(0x5000, 0x80100000, 0, RWX_AD | PTE_U);
    struct walk_request req = request(0x5000, ACCESS_EXEC, 1);
    req.sum = true;
    struct walk_result r = walk_req(&req);
    assert_fault(r, WALK_U_PAGE_FROM_S);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_EXEC), 12);
}

Test(sv39, user_access_to_supervisor_page_faults)
{
    map(0x5000, 0x80100000, 0, RWX_AD);
    assert_fault(walk(0x5000, ACCESS_READ, 0), WALK_S_PAGE_FROM_U);
    assert_fault(walk(0x5000, ACCESS_WRITE, 0), WALK_S_PAGE_FROM_U);
    assert_fault(walk(0x5000, ACCESS_EXEC, 0), WALK_S_PAGE_FROM_U);
}

Test(sv39, user_access_to_user_page_succeeds)
{
    map(0x5000, 0x80100000, 0, RWX_AD | PTE_U);
    assert_fault(walk(0x5000, ACCESS_READ, 0), WALK_OK);
    assert_fault(walk(0x5000, ACCESS_WRITE, 0), WALK_OK);
    assert_fault(walk(0x5000, ACCESS_EXEC, 0), WALK_OK);
}

/* SUM has no effect in U-mode: it only widens what S-mode may touch. */
Test(sv39, sum_does_not_let_user_reach_supervisor_page)
{
    map(0x5000, 0x80100000, 0, RW_AD);
    struct walk_request req = request(0x5000, ACCESS_READ, 0);
    req.sum = true;
    assert_fault(walk_req(&req), WALK_S_PAGE_FROM_U);
}

/* ---- Step 5: R/W/X and MXR ---- */

Test(sv39, load_from_execute_only_page_needs_mxr)
{
    map(0x5000, 0x80100000, 0, PTE_V | PTE_X | PTE_A | PTE_D);
    struct walk_request req = request(0x5000, ACCESS_READ, 1);
    struct walk_result r = walk_req(&req);
    assert_fault(r, WALK_NOT_READABLE);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_READ), 13);
    req.mxr = true;
    assert_fault(walk_req(&req), WALK_OK);
}

Test(sv39, store_to_read_only_page_faults)
{
    map(0x5000, 0x80100000, 0, PTE_V | PTE_R | PTE_X | PTE_A | PTE_D);
    struct walk_result r = walk(0x5000, ACCESS_WRITE, 1);
    assert_fault(r, WALK_NOT_WRITABLE);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_WRITE), 15);
}

Test(sv39, fetch_from_non_executable_page_faults)
{
    map(0x5000, 0x80100000, 0, RW_AD);
    struct walk_result r = walk(0x5000, ACCESS_EXEC, 1);
    assert_fault(r, WALK_NOT_EXECUTABLE);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_EXEC), 12);
}

/* MXR does not make a page writable or a readable page executable. */
Test(sv39, mxr_only_affects_loads)
{
    map(0x5000, 0x80100000, 0, PTE_V | PTE_X | PTE_A | PTE_D);
    struct walk_request req = request(0x5000, ACCESS_WRITE, 1);
    req.mxr = true;
    assert_fault(walk_req(&req), WALK_NOT_WRITABLE);
}

Test(sv39, check_leaf_matches_walk_on_cached_pte)
{
    uint64_t pte = make_pte(0x80100000, PTE_V | PTE_R | PTE_U | PTE_A);
    cr_assert_eq(walk_check_leaf(pte, ACCESS_READ, 0, false, false), WALK_OK);
    cr_assert_eq(walk_check_leaf(pte, ACCESS_READ, 1, false, false), WALK_U_PAGE_FROM_S);
    cr_assert_eq(walk_check_leaf(pte, ACCESS_WRITE, 0, false, false), WALK_NOT_WRITABLE);
    cr_assert_eq(walk_check_leaf(pte, ACCESS_EXEC, 0, false, false), WALK_NOT_EXECUTABLE);
}

/* ---- Step 6: misaligned superpages ---- */

Test(sv39, megapage_with_misaligned_ppn_faults)
{
    map(0x40200000, 0x80201000, 1, RW_AD); /* ppn[0] = 1 */
    struct walk_result r = walk(0x40200000, ACCESS_READ, 1);
    assert_fault(r, WALK_MISALIGNED_SUPERPAGE);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_READ), 13);
}

Test(sv39, gigapage_with_misaligned_ppn_faults)
{
    map(0x40000000, 0x80200000, 2, RW_AD); /* ppn[1] = 1 */
    assert_fault(walk(0x40000000, ACCESS_WRITE, 1), WALK_MISALIGNED_SUPERPAGE);
}

/* Step 5 comes before step 6: a misaligned superpage the access may not use reports the
 * permission rule. */
Test(sv39, permission_checked_before_superpage_alignment)
{
    map(0x40200000, 0x80201000, 1, RW_AD | PTE_U);
    assert_fault(walk(0x40200000, ACCESS_READ, 1), WALK_U_PAGE_FROM_S);
}

/* ---- Step 7: accessed and dirty bits ---- */

Test(sv39, load_sets_accessed_bit_only)
{
    uint64_t leaf = map(0x5000, 0x80100000, 0, PTE_V | PTE_R | PTE_W);
    struct walk_result r = walk(0x5000, ACCESS_READ, 1);
    assert_fault(r, WALK_OK);
    cr_assert(read_pte(leaf) & PTE_A, "step 7: a load sets A in memory");
    cr_assert_not(read_pte(leaf) & PTE_D, "step 7: a load leaves D alone");
    cr_assert(r.ad_updated, "the walk reports that it wrote the PTE");
    cr_assert_eq(r.pte, read_pte(leaf), "the reported PTE is the updated one");
}

Test(sv39, store_sets_accessed_and_dirty_bits)
{
    uint64_t leaf = map(0x5000, 0x80100000, 0, PTE_V | PTE_R | PTE_W);
    struct walk_result r = walk(0x5000, ACCESS_WRITE, 1);
    assert_fault(r, WALK_OK);
    cr_assert_eq(read_pte(leaf) & (PTE_A | PTE_D), PTE_A | PTE_D,
                 "step 7: a store sets A and D in memory");
    cr_assert(r.ad_updated);
}

Test(sv39, fetch_sets_accessed_bit)
{
    uint64_t leaf = map(0x5000, 0x80100000, 0, PTE_V | PTE_X);
    assert_fault(walk(0x5000, ACCESS_EXEC, 1), WALK_OK);
    cr_assert(read_pte(leaf) & PTE_A, "step 7: a fetch sets A");
}

Test(sv39, superpage_store_sets_bits_in_its_leaf)
{
    uint64_t leaf = map(0x40200000, 0x80200000, 1, PTE_V | PTE_R | PTE_W);
    assert_fault(walk(0x40234567, ACCESS_WRITE, 1), WALK_OK);
    cr_assert_eq(read_pte(leaf) & (PTE_A | PTE_D), PTE_A | PTE_D);
}

Test(sv39, bits_already_set_are_not_rewritten)
{
    map(0x5000, 0x80100000, 0, RW_AD);
    struct walk_result r = walk(0x5000, ACCESS_WRITE, 1);
    assert_fault(r, WALK_OK);
    cr_assert_not(r.ad_updated, "step 7 only acts when A (or D for a store) is clear");
}

/* The update happens only for an access the PTE permits (step 7 follows steps 5 and 6). */
Test(sv39, faulting_access_leaves_ad_alone)
{
    uint64_t leaf = map(0x5000, 0x80100000, 0, PTE_V | PTE_R);
    uint64_t before = read_pte(leaf);
    struct walk_result r = walk(0x5000, ACCESS_WRITE, 1);
    assert_fault(r, WALK_NOT_WRITABLE);
    cr_assert_eq(read_pte(leaf), before, "a refused store must not set A or D");
    cr_assert_not(r.ad_updated);
}

/* Debugger walks (update_ad = false) have no side effects but report the PTE as used. */
Test(sv39, walk_without_update_ad_leaves_memory_alone)
{
    uint64_t leaf = map(0x5000, 0x80100000, 0, PTE_V | PTE_R | PTE_W);
    uint64_t before = read_pte(leaf);
    struct walk_request req = request(0x5000, ACCESS_WRITE, 1);
    req.update_ad = false;
    struct walk_result r = walk_req(&req);
    assert_fault(r, WALK_OK);
    cr_assert_eq(read_pte(leaf), before, "update_ad=false must not write the PTE");
    cr_assert_not(r.ad_updated);
    cr_assert_eq(r.pte & (PTE_A | PTE_D), PTE_A | PTE_D, "reported PTE shows A/D as used");
    cr_assert_eq(r.steps[2].pte, before, "the trail shows memory as it is");
}

/* Svade: "a page-fault exception is raised" instead of the update. */
Test(sv39, svade_faults_when_accessed_clear)
{
    uint64_t leaf = map(0x5000, 0x80100000, 0, PTE_V | PTE_R | PTE_W | PTE_D);
    struct walk_request req = request(0x5000, ACCESS_READ, 1);
    req.svade = true;
    req.update_ad = false;
    struct walk_result r = walk_req(&req);
    assert_fault(r, WALK_AD_CLEAR);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_READ), 13);
    cr_assert_not(read_pte(leaf) & PTE_A, "Svade never writes the PTE");
}

Test(sv39, svade_faults_store_when_dirty_clear)
{
    map(0x5000, 0x80100000, 0, PTE_V | PTE_R | PTE_W | PTE_A);
    struct walk_request req = request(0x5000, ACCESS_WRITE, 1);
    req.svade = true;
    struct walk_result r = walk_req(&req);
    assert_fault(r, WALK_AD_CLEAR);
    cr_assert_eq(walk_fault_cause(r.fault, ACCESS_WRITE), 15);
    req.access = ACCESS_READ;
    assert_fault(walk_req(&req), WALK_OK, "a load needs only A");
}

Test(sv39, svade_allows_access_with_bits_set)
{
    map(0x5000, 0x80100000, 0, RW_AD);
    struct walk_request req = request(0x5000, ACCESS_WRITE, 1);
    req.svade = true;
    assert_fault(walk_req(&req), WALK_OK);
}

/* ---- Naming ---- */

Test(sv39, fault_names_are_stable_and_distinct)
{
    cr_assert_str_eq(walk_fault_name(WALK_OK), "ok");
    cr_assert_str_eq(walk_fault_name(WALK_INVALID), "invalid");
    cr_assert_str_eq(walk_fault_name(WALK_WRITE_WITHOUT_READ), "write-without-read");
    cr_assert_str_eq(walk_fault_name(WALK_RESERVED_BITS), "reserved-bits");
    cr_assert_str_eq(walk_fault_name(WALK_NO_LEAF), "no-leaf");
    cr_assert_str_eq(walk_fault_name(WALK_MISALIGNED_SUPERPAGE), "misaligned-superpage");
    cr_assert_str_eq(walk_fault_name(WALK_U_PAGE_FROM_S), "user-page-from-supervisor");
    cr_assert_str_eq(walk_fault_name(WALK_S_PAGE_FROM_U), "supervisor-page-from-user");
    cr_assert_str_eq(walk_fault_name(WALK_NOT_READABLE), "not-readable");
    cr_assert_str_eq(walk_fault_name(WALK_NOT_WRITABLE), "not-writable");
    cr_assert_str_eq(walk_fault_name(WALK_NOT_EXECUTABLE), "not-executable");
    cr_assert_str_eq(walk_fault_name(WALK_AD_CLEAR), "ad-clear");
    cr_assert_str_eq(walk_fault_name(WALK_NON_CANONICAL), "non-canonical");
    cr_assert_str_eq(walk_fault_name(WALK_PTE_ACCESS_FAULT), "pte-access-fault");
    for (int a = 0; a < WALK_FAULT_COUNT; a++)
        for (int b = a + 1; b < WALK_FAULT_COUNT; b++)
            cr_assert_str_neq(walk_fault_name(a), walk_fault_name(b), "names %d and %d clash", a,
                              b);
}
