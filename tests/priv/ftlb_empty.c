/* Regression guest for the fast-TLB escape (issue 12): an empty fast-TLB entry must never
 * be matched, whatever the access's size and alignment, in the interpreter and in
 * translated code.
 *
 * rv39 keeps host-pointer translations in a direct-mapped cache indexed by the virtual page
 * (mmu/mmu.h). Its empty entries used to carry the tag 1, which a 2-, 4- or 8-byte access at
 * an address whose low bits read 1 and whose page indexes the same slot (0x1, say) produced:
 * the host then dereferenced the empty entry's stale addend + va, an address the guest could
 * steer below guest RAM. Here every load and store width runs at every offset 0..7 and
 * 0x800..0x807 of page 0 and of a page that shares its slot, after the slot was emptied by
 * each of the ways rv39 empties one:
 *   - never filled (M-mode, bare: page 0 holds no RAM),
 *   - sfence.vma of the page after its PTE was cleared,
 *   - a satp write (to another ASID: the page stays mapped),
 *   - an eviction from the model TLB (run again with --tlb sets=1,ways=1,super=1, where
 *     touching a second page evicts the first; with a large TLB nothing is evicted and the
 *     same results hold).
 * Every access must end as the privileged spec says: an access fault (cause 5/7, tval = va)
 * where no RAM is, a page fault (13/15) where the PTE is gone, the right bytes where the page
 * is still mapped. Each access runs 64 times in a loop so that, with --jit on, the later runs
 * execute in translated code (a jump target is translated after 32 visits). */
#include "priv.h"

#define REPEAT 64
#define TEST_SLOT_VA TEST_VA /* (0x40000000 >> 12) % 256 == 0: page 0's fast-TLB slot */
_Static_assert(((TEST_VA >> 12) & 255) == 0, "the test page shares page 0's fast-TLB slot");

/* LOOP(name, insn): name(va) runs insn REPEAT times with a0 = va; t1 holds the value stored
 * (stores) or the last value loaded, returned in a0. A trapping insn is skipped by the
 * default M-mode handler, so the loop goes on. name##_insn is the insn's address (mepc). */
#define LOOP(name, insn)                                                                           \
    uint64_t name(uint64_t va);                                                                    \
    extern char name##_insn[];                                                                     \
    __asm__(".text\n.balign 4\n.globl " #name ", " #name "_insn\n" #name ":\n"                     \
            "  li t0, " STR(REPEAT) "\n"                                                           \
                                    "  li t1, 0x8877665544332211\n"                                \
                                    "1:\n" #name "_insn: " insn "\n"                               \
                                    "  addi t0, t0, -1\n"                                          \
                                    "  bnez t0, 1b\n"                                              \
                                    "  mv a0, t1\n"                                                \
                                    "  ret\n")
#define STR_(x) #x
#define STR(x) STR_(x)

LOOP(loop_lh, "lh t1, 0(a0)");
LOOP(loop_lhu, "lhu t1, 0(a0)");
LOOP(loop_lw, "lw t1, 0(a0)");
LOOP(loop_lwu, "lwu t1, 0(a0)");
LOOP(loop_ld, "ld t1, 0(a0)");
LOOP(loop_sh, "sh t1, 0(a0)");
LOOP(loop_sw, "sw t1, 0(a0)");
LOOP(loop_sd, "sd t1, 0(a0)");

struct op {
    const char *name;
    uint64_t (*run)(uint64_t va);
    const char *insn;
    unsigned size;
    int is_signed, is_store;
};
static const struct op ops[] = {
    {"lh", loop_lh, loop_lh_insn, 2, 1, 0}, {"lhu", loop_lhu, loop_lhu_insn, 2, 0, 0},
    {"lw", loop_lw, loop_lw_insn, 4, 1, 0}, {"lwu", loop_lwu, loop_lwu_insn, 4, 0, 0},
    {"ld", loop_ld, loop_ld_insn, 8, 0, 0}, {"sh", loop_sh, loop_sh_insn, 2, 0, 1},
    {"sw", loop_sw, loop_sw_insn, 4, 0, 1}, {"sd", loop_sd, loop_sd_insn, 8, 0, 1},
};
#define NOPS (sizeof ops / sizeof ops[0])
static const uint64_t offsets[] = {0, 1, 2, 3, 4, 5, 6, 7, 0x800, 0x801, 0x802, 0x803, 0x807};
#define NOFFSETS (sizeof offsets / sizeof offsets[0])
#define STORED 0x8877665544332211ul

/* Run op at va in `mode` (PRV_M or PRV_S): every one of the REPEAT accesses must trap with
 * `cause` and tval = va at the op's instruction. */
static void expect_trap(const struct op *op, uint64_t mode, uint64_t va, uint64_t cause)
{
    call_in_mode((uint64_t)op->run, va, mode, 0);
    CHECK("every access traps", mtrap.count - traps_seen, REPEAT);
    CHECK("cause", mtrap.cause, cause);
    CHECK("tval = the address", mtrap.tval, va);
    CHECK("epc = the access", mtrap.epc, (uint64_t)op->insn);
    traps_seen = mtrap.count;
}

static uint64_t frame_bytes(unsigned off, unsigned size)
{
    uint64_t v = 0;
    for (int i = (int)size - 1; i >= 0; i--)
        v = (v << 8) | frames[0][off + (unsigned)i];
    return v;
}

/* The page at TEST_SLOT_VA is still mapped to frames[0]: op at +off must work. */
static void expect_access(const struct op *op, unsigned off)
{
    uint64_t want = frame_bytes(off, op->size);
    uint64_t got = RUN_S(op->run, TEST_SLOT_VA + off);
    CHECK("no trap", mtrap.count, traps_seen);
    if (op->is_store) {
        uint64_t mask = op->size == 8 ? ~0ul : (1ul << (8 * op->size)) - 1;
        CHECK("the bytes stored", frame_bytes(off, op->size), STORED & mask);
        return;
    }
    if (op->is_signed && op->size < 8) {
        unsigned shift = 64 - 8 * op->size;
        want = (uint64_t)((int64_t)(want << shift) >> shift);
    }
    CHECK("the bytes loaded", got, want);
}

/* check_ctx = "WHAT OP +0xOFF" (no snprintf in the bare-metal runtime). */
static char ctx[64];
static void set_ctx(const char *what, const char *op, uint64_t off)
{
    char *p = ctx;
    for (const char *s = what; *s; s++)
        *p++ = *s;
    *p++ = ' ';
    for (const char *s = op; *s; s++)
        *p++ = *s;
    *p++ = ' ', *p++ = '+', *p++ = '0', *p++ = 'x';
    for (int shift = 12; shift >= 0; shift -= 4)
        *p++ = "0123456789abcdef"[(off >> shift) & 15];
    *p = 0;
    check_ctx = ctx;
}

static void fill_frame(void)
{
    for (unsigned k = 0; k < 4096; k++)
        frames[0][k] = (uint8_t)(k * 7 + 3);
}

/* Load and store at the test page, so both of its fast-TLB entries (read, write) are full. */
static uint64_t touch(uint64_t va)
{
    volatile uint64_t *p = (volatile uint64_t *)va;
    uint64_t v = *p;
    *p = v;
    return 0;
}

static void map_test_page(void)
{
    l0_pt[0] = pte_leaf((uint64_t)frames[0], PTE_V | PTE_R | PTE_W | PTE_AD);
    l0_pt[1] = pte_leaf((uint64_t)frames[1], PTE_V | PTE_R | PTE_W | PTE_AD);
    sfence_all();
    fill_frame();
    RUN_S(touch, TEST_SLOT_VA);
}

int main(void)
{
    priv_init();

    /* 1. M-mode, bare: page 0 holds no RAM, its slot was never filled. */
    traps_seen = mtrap.count;
    for (unsigned i = 0; i < NOPS; i++) {
        for (unsigned k = 0; k < NOFFSETS; k++) {
            set_ctx("M bare", ops[i].name, offsets[k]);
            expect_trap(&ops[i], PRV_M, offsets[k], ops[i].is_store ? 7 : 5);
        }
    }

    vm_init(); /* root[0]: page 0 is an S-mode RW gigapage over the devices: no RAM at 0x0 */
    for (unsigned i = 0; i < NOPS; i++) {
        for (unsigned k = 0; k < NOFFSETS; k++) {
            const struct op *op = &ops[i];
            uint64_t off = offsets[k];
            uint64_t access_fault = op->is_store ? 7 : 5, page_fault = op->is_store ? 15 : 13;

            /* 2. sfence.vma after the PTE was cleared. */
            csr_write(satp, satp_sv39(root_pt, 1));
            map_test_page();
            l0_pt[0] = 0;
            sfence_va(TEST_SLOT_VA);
            set_ctx("S after sfence.vma", op->name, off);
            expect_trap(op, PRV_S, off, access_fault);
            expect_trap(op, PRV_S, TEST_SLOT_VA + off, page_fault);

            /* 3. satp switch to another ASID over the same tables. */
            map_test_page();
            csr_write(satp, satp_sv39(root_pt, 2));
            set_ctx("S after a satp write", op->name, off);
            expect_trap(op, PRV_S, off, access_fault);
            expect_access(op, (unsigned)off);

            /* 4. Eviction: touching the next page evicts the test page from a 1-entry TLB. */
            csr_write(satp, satp_sv39(root_pt, 1));
            map_test_page();
            RUN_S(touch, TEST_SLOT_VA + PAGE);
            set_ctx("S after an eviction", op->name, off);
            expect_trap(op, PRV_S, off, access_fault);
            expect_access(op, (unsigned)off);
        }
    }
    check_ctx = 0;
    csr_write(satp, 0);
    return done("ftlb_empty");
}
