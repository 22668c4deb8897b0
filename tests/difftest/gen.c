/* difftest_gen HARNESS.elf OUT.elf SEED FIRST COUNT [SLOT]
 *
 * Writes a copy of the difftest harness with programs FIRST .. FIRST+COUNT-1 of SEED in its
 * .randprog slots SLOT.. (default 0; layout.h). Program n of a seed depends on (SEED, n) and
 * its slot alone (its addresses shape the code), so any one can be regenerated on its own
 * in the slot it had. Each program gets: a privilege mode, random registers, FP
 * registers and fcsr, initial CSR values, Sv39 page tables with random permission, U, G, A,
 * D and reserved bits (4 KiB pages, 2 MiB and 1 GiB superpages, misaligned superpages), walked
 * as Sv39, or as Sv48 or Sv57 through one or two more levels above the Sv39 root (priv spec
 * "Sv48", "Sv57": the lower and upper halves of the Sv39 space map the same there, and the
 * addresses Sv39 calls non-canonical reach empty entries of the new top tables), and the code
 * from gen_insn.c.
 *
 * Page tables never let a program write outside DATA, nor execute anything but its own
 * code: every leaf with W (and R) points into DATA or to no memory, and every leaf with X
 * points to no memory or is the program's own code (identity mapped). Non-leaf PTEs only
 * ever point to our own tables. So whatever a program does, the harness survives it and
 * both machines see the same memory. */
#include "gen.h"
#include "layout.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    PTE_V = 1,
    PTE_R = 2,
    PTE_W = 4,
    PTE_X = 8,
    PTE_U = 16,
    PTE_G = 32,
    PTE_A = 64,
    PTE_D = 128
};

/* Where the generator's windows sit in the virtual address space (layout.h for physical). */
#define VA_A3 0xbfe00000ull        /* L1_A[511]: 4 KiB pages onto DATA */
#define VA_B 0xc0000000ull         /* root[3] -> L1_B */
#define VA_GIGA 0x100000000ull     /* root[4]: a 1 GiB leaf */
#define VA_BAD 0x140000000ull      /* root[5]: a leaf that always faults */
#define VA_C 0xffffffc000000000ull /* root[256] -> L1_C */
#define NO_MEMORY 0xc0000000ull    /* nothing there on QEMU virt or rv39 (-m 128M) */
#define PTES_PER_TABLE 20          /* leaves per 4 KiB-page table; the rest are zero */

enum { T_ROOT, T_L1A, T_L0CODE, T_L1B, T_L0B0, T_L0B1, T_L1C, T_L0C, T_L0A3, T_ROOTB, T_TOP57 };
/* A program with two Sv39 roots has no Sv48 one: the page is shared. */
#define T_TOP48 T_ROOTB

struct prog {
    struct rng r;
    struct dt_desc *d;
    uint64_t *pt[DT_PT_PAGES];
    uint64_t pt_pa[DT_PT_PAGES];
    unsigned mode;
};

static uint64_t pte(uint64_t pa, uint64_t flags)
{
    return (pa >> 12) << 10 | flags;
}

static uint64_t pointer(struct prog *p, unsigned table)
{
    return pte(p->pt_pa[table], PTE_V | (rn(&p->r, 5) ? 0 : PTE_G));
}

/* Random leaf flags. Without `x_ok` the leaf is never executable; without `w_ok` it is never
 * writable (W without R is reserved and faults, so it stays allowed). At level 0 a valid
 * PTE with R = W = X = 0 faults too; above, it would be a pointer, so it is not made. */
static uint64_t leaf_flags(struct prog *p, int x_ok, int w_ok, int level0)
{
    struct rng *r = &p->r;
    static const uint8_t perms[] = {
        PTE_R, PTE_R | PTE_W, PTE_R,         PTE_R | PTE_W,         PTE_R | PTE_W, PTE_W,
        0,     PTE_X,         PTE_R | PTE_X, PTE_R | PTE_W | PTE_X, PTE_W | PTE_X};
    uint64_t f;
    do {
        f = perms[rn(r, x_ok ? 11 : 7)];
        if (!w_ok && (f & PTE_R)) f &= ~(uint64_t)PTE_W;
    } while (!f && !level0);
    if (rn(r, 12)) f |= PTE_V;
    /* U mostly as the program's mode wants it, so that most accesses get through */
    int u = p->mode == 0 ? rn(r, 4) != 0 : rn(r, 4) == 0;
    if (u) f |= PTE_U;
    if (!rn(r, 5)) f |= PTE_G;
    if (rn(r, 4)) f |= PTE_A;
    if (rn(r, 2)) f |= PTE_D;
    f |= (uint64_t)rn(r, 4) << 8; /* RSW: software's, ignored by the walk */
    /* Bits 63:54 are reserved without Svpbmt/Svnapot: the walk must fault (priv spec
     * "Sv39: Page-Based 39-bit Virtual-Memory System", step 3 of the translation process). */
    if (!rn(r, 25)) f |= 1ull << (54 + rn(r, 10));
    return f;
}

static uint64_t data_page(struct prog *p)
{
    return DT_DATA_BASE + rn(&p->r, 16) * DT_PAGE;
}

static void fill_l0_data(struct prog *p, unsigned table)
{
    for (unsigned i = 0; i < PTES_PER_TABLE; i++)
        p->pt[table][i] = rn(&p->r, 8) ? pte(data_page(p), leaf_flags(p, 0, 1, 1)) : 0;
}

/* A 2 MiB leaf onto DATA (aligned), or misaligned (always a page fault), or nothing. */
static uint64_t data_superpage(struct prog *p)
{
    switch (rn(&p->r, 4)) {
    case 0: return pte(DT_DATA_BASE + DT_PAGE * (1 + rn(&p->r, 511)), leaf_flags(p, 0, 1, 0));
    case 1: return 0;
    default: return pte(DT_DATA_BASE, leaf_flags(p, 0, 1, 0));
    }
}

/* root[4]: a 1 GiB leaf onto no memory, misaligned (always faults), onto the harness
 * read-only, or nothing */
static uint64_t gigapage(struct prog *p)
{
    switch (rn(&p->r, 4)) {
    case 0: return pte(NO_MEMORY, leaf_flags(p, 1, 1, 0));
    case 1:
        return pte(DT_HARNESS_BASE + (1 + rn(&p->r, 511)) * 0x200000ull, leaf_flags(p, 1, 1, 0));
    case 2: return pte(DT_HARNESS_BASE, leaf_flags(p, 0, 0, 0));
    default: return 0;
    }
}

/* A second address space for programs that switch satp between two ASIDs: the same tables
 * below the root (so the code maps the same), but 0xc000_0000 and 0xffff_ffc0_0000_0000
 * swapped and another gigapage. Global mappings would have to agree between the two
 * (priv spec "Sv32/Sv39: G bit"; otherwise what a hart uses is unspecified), so the
 * program has none. */
static void second_root(struct prog *p)
{
    uint64_t **t = p->pt;
    memcpy(t[T_ROOTB], t[T_ROOT], DT_PAGE);
    t[T_ROOTB][3] = t[T_ROOT][256];
    t[T_ROOTB][256] = t[T_ROOT][3];
    t[T_ROOTB][4] = gigapage(p);
    for (unsigned i = 0; i < DT_PT_PAGES; i++)
        for (unsigned k = 0; k < DT_PAGE / 8; k++)
            t[i][k] &= ~(uint64_t)PTE_G;
}

static void build_tables(struct prog *p, uint64_t code_pa)
{
    struct rng *r = &p->r;
    uint64_t **t = p->pt;
    t[T_ROOT][2] = pointer(p, T_L1A);
    t[T_ROOT][3] = pointer(p, T_L1B);
    t[T_ROOT][256] = pointer(p, T_L1C);
    t[T_ROOT][4] = gigapage(p);
    /* root[5]: W without R, reserved bits, or invalid: faults whatever else is set */
    static const uint64_t bad[] = {PTE_V | PTE_W | PTE_A | PTE_D, PTE_V | PTE_R | 1ull << 60,
                                   PTE_R | PTE_W | PTE_X | PTE_A};
    t[T_ROOT][5] = pte(DT_DATA_BASE, bad[rn(r, 3)] | (rn(r, 2) ? PTE_U : 0));

    /* L1_A: 0x8000_0000 .. 0xbfff_ffff, physical addresses as themselves where mapped */
    if (rn(r, 2)) t[T_L1A][0] = pte(DT_HARNESS_BASE, leaf_flags(p, 0, 0, 0));
    t[T_L1A][2] = data_superpage(p);
    t[T_L1A][(code_pa >> 21) & 511] = pointer(p, T_L0CODE);
    t[T_L1A][511] = pointer(p, T_L0A3);
    fill_l0_data(p, T_L0A3);
    /* the code, identity mapped; in a few programs not executable in their mode */
    uint64_t cf = PTE_V | PTE_X | (p->mode == 0 ? PTE_U : 0);
    if (!rn(r, 40)) cf ^= rn(r, 2) ? PTE_U : PTE_X;
    for (unsigned i = 0; i < DT_CODE_PAGES; i++) {
        uint64_t pa = code_pa + i * DT_PAGE, f = cf;
        if (i == DT_CODE_PAGES - 1) f = PTE_V | PTE_X; /* the S-mode stub's page */
        if (rn(r, 2)) f |= PTE_R;
        if (rn(r, 4)) f |= PTE_A;
        if (rn(r, 3) == 0) f |= PTE_G | PTE_D;
        t[T_L0CODE][(pa >> 12) & 511] = pte(pa, f);
    }

    /* L1_B: 0xc000_0000 .. */
    t[T_L1B][0] = pointer(p, T_L0B0);
    t[T_L1B][1] = pointer(p, T_L0B1);
    fill_l0_data(p, T_L0B0);
    fill_l0_data(p, T_L0B1);
    t[T_L1B][2] = data_superpage(p);
    t[T_L1B][3] = rn(r, 2) ? pte(NO_MEMORY, leaf_flags(p, 1, 1, 0)) : data_superpage(p);

    /* L1_C: 0xffff_ffc0_0000_0000 .. */
    t[T_L1C][0] = pointer(p, T_L0C);
    fill_l0_data(p, T_L0C);
    t[T_L1C][1] = data_superpage(p);
}

static void add_pool(struct gen *g, uint64_t base, uint64_t span, unsigned flags)
{
    g->pools[g->npools++] = (struct pool){base, span, flags};
}

static void add_pools(struct gen *g, uint64_t code_pa, unsigned mode)
{
    const unsigned far = POOL_STORE | POOL_ATOMIC | POOL_JUMP;
    g->npools = 0;
    /* DATA by its physical address: RAM in every mode (M, satp bare, L1_A[2]) */
    const unsigned data = POOL_STORE | POOL_ATOMIC | POOL_MISALIGN | POOL_RAM;
    add_pool(g, DT_DATA_BASE, 0x10000, data);
    add_pool(g, DT_DATA_BASE, 0x10000, data);
    /* Virtual windows: where they map, they map to DATA or to no memory; as physical
     * addresses (M-mode, satp bare) there is no memory there. Aligned accesses only: QEMU
     * 7.2 reports a misaligned access to no memory with a rounded-down mtval
     * (DEVIATIONS.md). */
    add_pool(g, VA_A3, PTES_PER_TABLE * DT_PAGE, far | POOL_MISALIGN_VM);
    add_pool(g, VA_B, PTES_PER_TABLE * DT_PAGE, far | POOL_MISALIGN_VM);
    add_pool(g, VA_B + 0x200000, PTES_PER_TABLE * DT_PAGE, far | POOL_MISALIGN_VM);
    add_pool(g, VA_B + 0x400000, 0x10000, far);
    /* these two may map to no memory: no AMOs there (see gen_insn.c, atomic_pools) */
    add_pool(g, VA_B + 0x600000, 0x10000, far & ~POOL_ATOMIC);
    add_pool(g, VA_GIGA, 0x10000, far & ~POOL_ATOMIC);
    add_pool(g, VA_BAD, DT_PAGE, far);
    add_pool(g, VA_C, PTES_PER_TABLE * DT_PAGE, far | POOL_MISALIGN_VM);
    add_pool(g, VA_C + 0x200000, 0x10000, far);
    add_pool(g, 0x0000004000000000ull, DT_PAGE, far); /* not canonical: bits 63:39 != 38 */
    add_pool(g, 0xffffff8000000000ull, DT_PAGE, far);
    add_pool(g, 0xa0000000ull, DT_PAGE, far); /* no memory */
    /* Loads only: the harness and the program's own code (RAM wherever they map). Not in
     * M-mode programs: QEMU 7.2 serves an MPRV load from the untranslated entry that an
     * M-mode fetch or the handler's own access left in its TLB (DEVIATIONS.md). */
    if (mode != 3) {
        add_pool(g, DT_HARNESS_BASE, 0x10000, POOL_MISALIGN);
        add_pool(g, code_pa, DT_CODE_PAGES * DT_PAGE, POOL_MISALIGN);
    }
}

static uint64_t reg_value(struct rng *r)
{
    static const uint64_t edge[] = {0,
                                    1,
                                    ~0ull,
                                    0x8000000000000000ull,
                                    0x7fffffffffffffffull,
                                    0x80000000ull,
                                    0xffffffff7fffffffull,
                                    0xfffffffe};
    switch (rn(r, 3)) {
    case 0: return edge[rn(r, 8)];
    case 1: return (uint64_t)(int64_t)(int16_t)rnd(r);
    default: return rnd(r);
    }
}

static uint64_t freg_value(struct rng *r)
{
    static const uint64_t edge[] = {
        0x0000000000000000ull,
        0x8000000000000000ull,
        0x7ff0000000000000ull,
        0xfff0000000000000ull,
        0x7ff8000000000000ull,
        0x7ff4000000000000ull, /* sNaN */
        0x0000000000000001ull,
        0x000fffffffffffffull,
        0x3ff0000000000000ull,
        0x43e0000000000000ull,
        /* 2^63 */ 0xc3e0000000000000ull,
        0xffffffff00000000ull,
        /* boxed +0.0f */ 0xffffffff7f800000ull, /* boxed inf */
        0xffffffff7fa00000ull,
        /* boxed sNaN */ 0xffffffff00000001ull, /* boxed denormal */
        0xffffffff4f000000ull,
        /* boxed 2^31 */ 0x000000003f800000ull, /* 1.0f, not boxed */
    };
    switch (rn(r, 4)) {
    case 0: return edge[rn(r, sizeof edge / sizeof edge[0])];
    case 1: return 0xffffffff00000000ull | (uint32_t)rnd(r); /* a boxed single */
    case 2:                                                  /* a double of moderate exponent */
        return (rnd(r) & 0x800fffffffffffffull) | (uint64_t)(0x3c0 + rn(r, 128)) << 52;
    default: return rnd(r);
    }
}

static void make_program(uint8_t *slot, uint64_t slot_pa, uint64_t seed, uint64_t n,
                         uint64_t trap_entry)
{
    struct prog p = {.r = {seed * 0x2545f4914f6cdd1dull ^ (n + 1) * 0x9e3779b97f4a7c15ull}};
    struct rng *r = &p.r;
    rnd(r);
    memset(slot, 0, DT_SLOT_SIZE);
    struct dt_desc *d = p.d = (struct dt_desc *)slot;
    static const uint8_t modes[] = {0, 0, 1, 1, 1, 3, 3};
    p.mode = modes[rn(r, 7)];
    for (unsigned i = 0; i < DT_PT_PAGES; i++) {
        p.pt[i] = (uint64_t *)(slot + DT_PT_OFF + i * DT_PAGE);
        p.pt_pa[i] = slot_pa + DT_PT_OFF + i * DT_PAGE;
    }
    uint64_t code_pa = slot_pa + DT_CODE_OFF;
    build_tables(&p, code_pa);

    /* satp values: this root with ASID a; the second root (or this one again) with ASID b;
     * Bare. Every change of satp changes the ASID, so a switch between the two address
     * spaces needs no sfence.vma (their tables never change; priv spec "Supervisor Address
     * Translation and Protection (satp) Register"), and QEMU, which flushes its TLB when the
     * ASID changes and ignores it otherwise, still sees no stale entry. */
    unsigned asid_a = 1 + rn(r, 65535), asid_b = 1 + rn(r, 65535);
    if (asid_b == asid_a) asid_b = asid_a % 65535 + 1;
    int two_roots = rn(r, 2);
    if (two_roots) second_root(&p);
    /* The translation mode: Sv39 with two roots; else Sv39, Sv48 or Sv57, the wider ones
     * through top tables whose first and last entries lead to the Sv39 root (Sv57: to the
     * Sv48 top), so the same Sv39 layout serves, the upper half included. */
    static const uint8_t vm_modes[] = {8, 8, 9, 10};
    uint64_t vm = two_roots ? 8 : vm_modes[rn(r, 4)];
    uint64_t root_a = p.pt_pa[T_ROOT], root_b = p.pt_pa[two_roots ? T_ROOTB : T_ROOT];
    if (vm >= 9) {
        p.pt[T_TOP48][0] = p.pt[T_TOP48][511] = pointer(&p, T_ROOT);
        root_a = root_b = p.pt_pa[T_TOP48];
    }
    if (vm == 10) {
        p.pt[T_TOP57][0] = p.pt[T_TOP57][511] = pointer(&p, T_TOP48);
        root_a = root_b = p.pt_pa[T_TOP57];
    }
    uint64_t satp_a = vm << 60 | (uint64_t)asid_a << 44 | root_a >> 12;
    uint64_t satp_b = vm << 60 | (uint64_t)asid_b << 44 | root_b >> 12;
    struct gen g = {.r = r,
                    .code = slot + DT_CODE_OFF,
                    .pc0 = code_pa,
                    .cap = (DT_CODE_PAGES - 1) * DT_PAGE,
                    .mode = p.mode,
                    .satp_values = {satp_a, satp_b, 0},
                    .trap_entry = trap_entry};
    add_pools(&g, code_pa, p.mode);
    d->satp = p.mode == 3 ? (rn(r, 2) ? satp_a : 0) : (rn(r, 10) ? satp_a : 0);
    g.far_atomics = p.mode != 3 && d->satp;
    g.bare_start = !d->satp;
    /* Half the programs delegate some exceptions to S (never instruction-fetch faults: a
     * stub that could not be fetched would trap to itself forever; never ecall from S: the
     * stub's own way to the harness). */
    if (rn(r, 2)) {
        static const uint8_t delegable[] = {2, 3, 4, 5, 6, 7, 8};
        for (unsigned i = 0; i < sizeof delegable; i++)
            if (rn(r, 2)) d->medeleg |= 1ull << delegable[i];
        /* load and store/AMO page faults together: QEMU 7.2 reports AMO page faults as load
         * page faults (DEVIATIONS.md), which must not change where they go */
        if (rn(r, 2)) d->medeleg |= 1ull << 13 | 1ull << 15;
        g.stub = d->stub = code_pa + (DT_CODE_PAGES - 1) * DT_PAGE + 16;
        /* ecall; ecall (the vector of the software interrupt, BASE + 4); sret */
        const uint32_t stub[] = {0x00000073, 0x00000073, 0x10200073};
        memcpy(slot + DT_CODE_OFF + (DT_CODE_PAGES - 1) * DT_PAGE + 16, stub, sizeof stub);
    }
    /* An instruction across the boundary into the stub's page (addi x31, x31, 0x123), then
     * c.jr ra: U-mode cannot fetch its second half (that page has U clear; a fetch fault
     * at the second page, priv spec "Machine Trap Value Register"), the other modes run it. */
    uint8_t *last = slot + DT_CODE_OFF + (DT_CODE_PAGES - 1) * DT_PAGE;
    const uint8_t straddle[] = {0x93, 0x8f, 0x3f, 0x12, 0x82, 0x80};
    memcpy(last - 2, straddle, sizeof straddle);
    g.straddle = code_pa + (DT_CODE_PAGES - 1) * DT_PAGE - 2;
    size_t ecall = gen_program(&g, 30 + rn(r, 220));

    d->magic = DT_MAGIC;
    d->seed = seed;
    d->index = n;
    d->mode = p.mode;
    uint64_t fs = rn(r, 20) ? 3 : 0; /* Off or Dirty only: see gen_insn.c, u_csr */
    d->mstatus = fs << 13 | (uint64_t)rn(r, 2) << 18 /* SUM */ | (uint64_t)!rn(r, 3) << 19 /* MXR */
                 | (uint64_t)!rn(r, 10) << 20 /* TVM */ | (uint64_t)!rn(r, 10) << 22 /* TSR */;
    d->entry = code_pa;
    d->code_end = code_pa + g.len;
    d->end_pc = code_pa + ecall;
    /* Half the programs loop often enough for rv39's JIT to translate them (it does so for
     * blocks run 32 times, cpu/jit.c). */
    d->loops = rn(r, 2) ? 40 : 1 + rn(r, 3);
    d->data_seed = rnd(r);
    d->fcsr = (rn(r, 8) ? rn(r, 5) : rn(r, 8)) << 5 | rn(r, 32);
    for (unsigned i = 0; i < 5; i++)
        d->csr_init[i] = reg_value(r) & ~3ull;
    /* the supervisor software interrupt: enabled in half the programs, delegated to the
     * stub in half of those that have one */
    d->mie = rn(r, 4) ? 2 : 0;
    if (d->stub && rn(r, 2)) d->mideleg = 2;
    /* interrupts on at the start in some: SIE, and MPIE, which the harness's mret makes MIE */
    d->mstatus |= (uint64_t)rn(r, 2) << 1 | (uint64_t)rn(r, 2) << 7;
    if (d->stub) {
        d->csr_init[3] = d->stub;
        d->mstatus &= ~(1ull << 22); /* TSR would make the stub's sret illegal */
    }
    for (unsigned i = 1; i < 32; i++)
        d->x[i] = reg_value(r);
    for (unsigned i = 0; i < 32; i++)
        d->f[i] = freg_value(r);
}

/* --- the harness ELF: find .randprog and the trap entry's address --- */

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return b;
}

static int find_elf(uint8_t *elf, size_t size, size_t *randprog_off, uint64_t *trap_entry)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)elf;
    if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_shoff + eh->e_shnum * sizeof(Elf64_Shdr) > size)
        return -1;
    Elf64_Shdr *sh = (Elf64_Shdr *)(elf + eh->e_shoff);
    const char *names = (const char *)elf + sh[eh->e_shstrndx].sh_offset;
    *randprog_off = 0;
    *trap_entry = 0;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (!strcmp(names + sh[i].sh_name, ".randprog") && sh[i].sh_type == SHT_PROGBITS &&
            sh[i].sh_addr == DT_RANDPROG_BASE && sh[i].sh_size >= DT_RANDPROG_SIZE &&
            sh[i].sh_offset + DT_RANDPROG_SIZE <= size)
            *randprog_off = sh[i].sh_offset;
        if (sh[i].sh_type != SHT_SYMTAB) continue;
        Elf64_Sym *sym = (Elf64_Sym *)(elf + sh[i].sh_offset);
        const char *str = (const char *)elf + sh[sh[i].sh_link].sh_offset;
        for (size_t k = 0; k < sh[i].sh_size / sizeof *sym; k++)
            if (!strcmp(str + sym[k].st_name, "dt_trap_entry")) *trap_entry = sym[k].st_value;
    }
    return *randprog_off && *trap_entry ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: %s HARNESS.elf OUT.elf SEED FIRST COUNT [SLOT]\n", argv[0]);
        return 2;
    }
    uint64_t seed = strtoull(argv[3], NULL, 0), first = strtoull(argv[4], NULL, 0);
    unsigned count = (unsigned)strtoul(argv[5], NULL, 0);
    unsigned slot = argc == 7 ? (unsigned)strtoul(argv[6], NULL, 0) : 0;
    if (count < 1 || slot >= DT_SLOTS || count > DT_SLOTS - slot) {
        fprintf(stderr, "difftest_gen: need 1 <= COUNT <= %d - SLOT\n", DT_SLOTS);
        return 2;
    }
    size_t size, off;
    uint64_t trap_entry;
    uint8_t *elf = read_file(argv[1], &size);
    if (!elf || find_elf(elf, size, &off, &trap_entry)) {
        fprintf(stderr, "difftest_gen: %s: not the difftest harness\n", argv[1]);
        return 2;
    }
    for (unsigned i = slot; i < slot + count; i++)
        make_program(elf + off + i * DT_SLOT_SIZE, DT_RANDPROG_BASE + i * DT_SLOT_SIZE, seed,
                     first + i - slot, trap_entry);
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(elf, 1, size, f) != size || fclose(f)) {
        fprintf(stderr, "difftest_gen: cannot write %s\n", argv[2]);
        return 2;
    }
    free(elf);
    return 0;
}
