/* Sv48 and Sv57 (priv spec sections "Sv48" and "Sv57"): satp.MODE 9 and 10 are accepted
 * (and a reserved MODE leaves satp alone, "satp" WARL), the four- and five-level walks map
 * pages through vm_init's Sv39 tables hung below one or two new top levels, a 512 GiB and a
 * 256 TiB leaf map RAM, a misaligned one faults, the canonical rule follows the mode's VA
 * width (bits 63..47 in Sv48, 63..56 in Sv57), the upper half walks from top index 256, and a
 * page unmapped and fenced faults. QEMU 7.2's hart has both modes. */
#include "priv.h"

#define SATP_SV48(root) ((9ul << 60) | ((uint64_t)(root) >> 12))
#define SATP_SV57(root) ((10ul << 60) | ((uint64_t)(root) >> 12))
#define G512 (1ul << 39) /* a level-3 page: 512 GiB */
#define T256 (1ul << 48) /* a level-4 page: 256 TiB */
#define RAM 0x80000000ul

static pte_t top48[512] __attribute__((aligned(4096)));
static pte_t top57[512] __attribute__((aligned(4096)));
static volatile uint64_t marker = 0x5748574857485748ul;

/* Where `marker` appears through a mapping of physical 0 at virtual `base`. */
static uint64_t at(uint64_t base)
{
    return base + (uint64_t)&marker;
}

static void load_faults(const char *name, uint64_t va)
{
    uint64_t n = mtrap.count;
    RUN_S(probe_ld, va);
    CHECK(name, mtrap.count, n + 1);
    CHECK("  load page fault", mtrap.cause, 13);
    CHECK("  tval is the address", mtrap.tval, va);
}

static void loads_marker(const char *name, uint64_t va)
{
    uint64_t n = mtrap.count;
    CHECK(name, RUN_S(probe_ld, va), marker);
    CHECK("  without a trap", mtrap.count, n);
}

static void sv48(void)
{
    /* VA 0..512 GiB walks into vm_init's Sv39 root, now the level-2 table. */
    top48[0] = pte_table(root_pt);
    csr_write(satp, SATP_SV48(top48));
    sfence_all();
    CHECK("Sv48: satp MODE 9 is accepted", csr_read(satp), SATP_SV48(top48));
    CHECK("Sv48: S runs on the identity gigapage", RUN_S(probe_exec, exec_tmpl), EXEC_TMPL_RESULT);
    l0_pt[0] = pte_leaf((uint64_t)frames[0], PTE_V | PTE_R | PTE_W | PTE_AD);
    ((volatile uint64_t *)frames[0])[3] = 0x4848;
    sfence_all();
    CHECK("Sv48: a 4 KiB page four levels down", RUN_S(probe_ld, TEST_VA + 24), 0x4848);

    /* VPN[3] = 2: 1 TiB, non-canonical in Sv39, another pointer to the same tables here. */
    top48[2] = pte_table(root_pt);
    sfence_all();
    loads_marker("Sv48: VA 1 TiB + x (VPN[3] = 2)", 2 * G512 + (uint64_t)&marker);
    /* A 512 GiB leaf at VPN[3] = 1 maps physical 0.. */
    top48[1] = pte_leaf(0, PTE_V | PTE_R | PTE_W | PTE_AD);
    sfence_all();
    loads_marker("Sv48: a 512 GiB page", at(G512));
    probe_val = 0x1234;
    RUN_S(probe_sd, at(G512));
    CHECK("Sv48: a store through it reaches RAM", marker, 0x1234);
    marker = 0x5748574857485748ul;
    /* ..and one whose PPN is only 1 GiB-aligned faults (step 6). */
    top48[3] = pte_leaf(RAM, PTE_V | PTE_R | PTE_W | PTE_AD);
    sfence_all();
    load_faults("Sv48: a misaligned 512 GiB page faults", 3 * G512 + 8);
    /* The upper half: 0xffff_8000_0000_0000 is top index 256. */
    top48[256] = pte_table(root_pt);
    sfence_all();
    loads_marker("Sv48: the upper half", 0xffff800000000000ul + (uint64_t)&marker);
    /* Bits 63..48 must equal bit 47. */
    load_faults("Sv48: bit 47 set alone is non-canonical", 0x0000800000000000ul + RAM);
    load_faults("Sv48: bit 48 set alone is non-canonical", 0x0001000000000000ul + RAM);
    /* Unmapped and fenced by address: the 512 GiB page is gone. */
    top48[1] = 0;
    sfence_va(at(G512));
    load_faults("Sv48: the 512 GiB page unmapped", at(G512));
}

static void sv57(void)
{
    top57[0] = pte_table(top48);
    csr_write(satp, SATP_SV57(top57));
    sfence_all();
    CHECK("Sv57: satp MODE 10 is accepted", csr_read(satp), SATP_SV57(top57));
    CHECK("Sv57: S runs five levels down", RUN_S(probe_exec, exec_tmpl), EXEC_TMPL_RESULT);
    CHECK("Sv57: a 4 KiB page five levels down", RUN_S(probe_ld, TEST_VA + 24), 0x4848);
    /* A 256 TiB leaf at VPN[4] = 1. */
    top57[1] = pte_leaf(0, PTE_V | PTE_R | PTE_W | PTE_AD);
    sfence_all();
    loads_marker("Sv57: a 256 TiB page", at(T256));
    top57[2] = pte_leaf(G512, PTE_V | PTE_R | PTE_W | PTE_AD);
    sfence_all();
    load_faults("Sv57: a misaligned 256 TiB page faults", 2 * T256 + 8);
    /* Bits 63..57 must equal bit 56; what was non-canonical in Sv48 is an address here. */
    top57[256] = pte_table(top48);
    sfence_all();
    loads_marker("Sv57: the upper half", 0xff00000000000000ul + (uint64_t)&marker);
    load_faults("Sv57: bit 56 set alone is non-canonical", 0x0100000000000000ul + RAM);
    load_faults("Sv57: bit 57 set alone is non-canonical", 0x0200000000000000ul + RAM);
    /* 0x0000_8000_0000_0000 is VPN[4] = 0, VPN[3] = 256 in Sv57: unmapped, but canonical. */
    top48[256] = pte_leaf(0, PTE_V | PTE_R | PTE_W | PTE_AD);
    sfence_all();
    loads_marker("Sv57: VA 128 TiB (bit 47) through a 512 GiB page",
                 0x0000800000000000ul + (uint64_t)&marker);
    top57[1] = 0;
    sfence_va(at(T256));
    load_faults("Sv57: the 256 TiB page unmapped", at(T256));
    CHECK("Sv57: and the 4 KiB page still maps", RUN_S(probe_ld, TEST_VA + 24), 0x4848);
}

int main(void)
{
    priv_init();
    vm_init();
    /* MODE 11 is reserved: the write has no effect. */
    csr_write(satp, 0);
    csr_write(satp, (11ul << 60) | ((uint64_t)top48 >> 12));
    CHECK("satp MODE 11 (reserved) is ignored", csr_read(satp), 0);
    sv48();
    sv57();
    /* Back to Sv39: bit 40 alone is non-canonical again. */
    csr_write(satp, satp_sv39(root_pt, 0));
    sfence_all();
    load_faults("Sv39 again: VA 1 TiB is non-canonical", 2 * G512 + (uint64_t)&marker);
    csr_write(satp, 0);
    return done("sv48_sv57");
}
