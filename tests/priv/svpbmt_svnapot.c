/* Svpbmt and Svnapot (priv spec chapters "Svpbmt" and "Svnapot"), as a supervisor sees them:
 *  - menvcfg.PBMTE gates the PBMT field (bits 62:61): with PBMTE = 0 a leaf with PBMT != 0
 *    faults (reserved bits, "Virtual Address Translation Process" step 3); with PBMTE = 1
 *    NC (1) and IO (2) pages load and store like any other (rv39's and QEMU's memory is main
 *    memory whatever the type, so the data is the same);
 *  - a NAPOT leaf (N = 1, ppn[3:0] = 1000) at level 0 maps a naturally aligned 64 KiB page:
 *    each of its 16 PTEs maps the 4 KiB of the page the address selects, pa.ppn[3:0] =
 *    va.vpn[3:0]; other ppn[3:0] encodings, N on a megapage leaf and N on a pointer fault.
 * Diffed against QEMU 7.2 with -cpu rv64,svpbmt=on,svnapot=on. Built with -DSTRICT, it also
 * checks what QEMU 7.2 does not: with PBMTE = 0 a PBMT leaf faults, PBMT = 3 (reserved) and
 * PBMT on a pointer fault, and bits 60:54 stay reserved with the extensions on (QEMU 7.2 reads
 * PBMT whatever PBMTE says, masks bits 63:54 off whenever Svpbmt or Svnapot is on, and takes
 * PBMT = 3 and a pointer's PBMT as they come; QEMU 8 added the PBMTE check). */
#include "priv.h"

#define PTE_N (1ul << 63)
#define PBMT_NC (1ul << 61)
#define PBMT_IO (2ul << 61)
#define PBMT_RSVD (3ul << 61)
#define MENVCFG_PBMTE (1ul << 62)
#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)
#define K64 0x10000ul
#define RW_AD (PTE_V | PTE_R | PTE_W | PTE_AD)

/* 64 KiB of RAM aligned to 64 KiB: a NAPOT page's physical side. */
static uint8_t napot_frame[K64] __attribute__((aligned(K64)));

static uint64_t n;
static void expect_load_fault(const char *what, uint64_t va)
{
    check_ctx = what;
    RUN_S(probe_ld, va);
    CHECK("one trap", mtrap.count, n + 1);
    CHECK("load page fault", mtrap.cause, 13);
    CHECK("tval", mtrap.tval, va);
    check_ctx = 0;
    n = mtrap.count;
}

static void expect_load(const char *what, uint64_t va, uint64_t want)
{
    check_ctx = what;
    CHECK("value", RUN_S(probe_ld, va), want);
    CHECK("no trap", mtrap.count, n);
    check_ctx = 0;
}

static void svpbmt(void)
{
    volatile uint64_t *f0 = (volatile uint64_t *)frames[0];
    f0[0] = 0x9b47;
    l0_pt[0] = pte_leaf((uint64_t)frames[0], RW_AD | PBMT_NC);
    l0_pt[1] = pte_leaf((uint64_t)frames[0], RW_AD | PBMT_IO);
    l0_pt[2] = pte_leaf((uint64_t)frames[0], RW_AD);

    csr_clear(menvcfg, MENVCFG_PBMTE);
    CHECK("menvcfg.PBMTE clears", csr_read(menvcfg) & MENVCFG_PBMTE, 0);
    sfence_all();
#ifdef STRICT
    expect_load_fault("PBMTE = 0: a PBMT=NC leaf faults", VA(0));
    expect_load_fault("PBMTE = 0: a PBMT=IO leaf faults", VA(1) + 8);
#endif
    expect_load("PBMTE = 0: a PBMT=0 leaf loads", VA(2), 0x9b47);

    csr_set(menvcfg, MENVCFG_PBMTE);
    CHECK("menvcfg.PBMTE sets", csr_read(menvcfg) & MENVCFG_PBMTE, MENVCFG_PBMTE);
    sfence_all();
    expect_load("PBMTE = 1: NC page loads", VA(0), 0x9b47);
    expect_load("PBMTE = 1: IO page loads", VA(1), 0x9b47);
    probe_val = 0x10;
    RUN_S(probe_sd, VA(1) + 16);
    CHECK("PBMTE = 1: a store to the IO page reaches RAM", f0[2], 0x10);
    CHECK("  no trap", mtrap.count, n);
#ifdef STRICT
    l0_pt[3] = pte_leaf((uint64_t)frames[0], RW_AD | PBMT_RSVD);
    l1_pt[2] = pte_table(l0_pt) | PBMT_NC; /* TEST_VA + 4 MiB: through a pointer with PBMT */
    l0_pt[4] = pte_leaf((uint64_t)frames[0], RW_AD | (1ul << 58));
    sfence_all();
    expect_load_fault("PBMT = 3 is reserved", VA(3));
    expect_load_fault("PBMT on a pointer is reserved", TEST_VA + 2 * MEGA);
    expect_load_fault("bit 58 is reserved with Svpbmt on", VA(4));
    l1_pt[2] = 0;
#endif
    for (unsigned i = 0; i < 5; i++)
        l0_pt[i] = 0;
    sfence_all();
}

static void svnapot(void)
{
    for (unsigned i = 0; i < K64 / 8; i++)
        ((volatile uint64_t *)napot_frame)[i] = 0x4e000000ul + i;
    /* VA(16)..VA(31): one 64 KiB page, its 16 PTEs alike: ppn = frame's ppn | 1000. */
    uint64_t leaf = pte_leaf((uint64_t)napot_frame | 0x8000, RW_AD) | PTE_N;
    for (unsigned i = 16; i < 32; i++)
        l0_pt[i] = leaf;
    sfence_all();
    /* Word k of the 64 KiB page is 0x4e000000 + k, whichever 4 KiB of it the address is in. */
    expect_load("64 KiB page: first word", VA(16), 0x4e000000ul);
    expect_load("64 KiB page: in its 2nd 4 KiB", VA(17) + 8, 0x4e000000ul + 512 + 1);
    expect_load("64 KiB page: in its 9th 4 KiB", VA(24) + 0x7f8, 0x4e000000ul + 8 * 512 + 255);
    expect_load("64 KiB page: last word", VA(31) + 0xff8, 0x4e000000ul + K64 / 8 - 1);
    probe_val = 0xabc;
    RUN_S(probe_sd, VA(27) + 0x100);
    CHECK("64 KiB page: a store lands at the same offset of the frame",
          ((volatile uint64_t *)napot_frame)[(11 * PAGE + 0x100) / 8], 0xabc);
    CHECK("  no trap", mtrap.count, n);

    /* Reserved encodings of ppn[3:0] with N = 1 (only 1000 is defined). */
    l0_pt[32] = pte_leaf((uint64_t)napot_frame, RW_AD) | PTE_N;          /* 0000 */
    l0_pt[33] = pte_leaf((uint64_t)napot_frame | 0x4000, RW_AD) | PTE_N; /* 0100 */
    l0_pt[34] = pte_leaf((uint64_t)napot_frame | 0x9000, RW_AD) | PTE_N; /* 1001 */
    /* N on a megapage leaf (TEST_VA + 2 MiB) and on the pointer to a level-0 table (+ 4 MiB). */
    l1_pt[1] = pte_leaf(0x80000000ul | 0x8000, RW_AD) | PTE_N;
    l1_pt[2] = pte_table(l0_pt) | PTE_N;
    sfence_all();
    expect_load_fault("N with ppn[3:0] = 0000", VA(32));
    expect_load_fault("N with ppn[3:0] = 0100", VA(33));
    expect_load_fault("N with ppn[3:0] = 1001", VA(34));
    expect_load_fault("N on a 2 MiB leaf", TEST_VA + MEGA + 0x8000);
    expect_load_fault("N on a pointer", TEST_VA + 2 * MEGA + 16 * PAGE);

    /* Unmapped and fenced by one address inside: the whole 64 KiB page is gone. */
    for (unsigned i = 16; i < 32; i++)
        l0_pt[i] = 0;
    l1_pt[1] = l1_pt[2] = 0;
    sfence_va(VA(20));
    expect_load_fault("64 KiB page unmapped, fenced at one address", VA(20));
}

int main(void)
{
    priv_init();
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    sfence_all();
    n = mtrap.count;
    svpbmt();
    svnapot();
    csr_write(satp, 0);
    return done("svpbmt_svnapot");
}
