/* The MMU views (emu/vmmap.c) on page tables built here in a private "RAM": vmmap merges
 * contiguous mappings with equal permissions and skips PTEs the walk would fault on;
 * the walk printer names the failing rule (priv spec 12.3.2). */
#define _GNU_SOURCE /* open_memstream */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "emu/vmmap.h"

#define BASE 0x80000000ull
#define RAM_SIZE (64ull << 12)
#define PTE(pa, flags) ((((uint64_t)(pa)) >> 12) << 10 | (flags))

static uint64_t *ram;
static struct guest_ram mem;

static uint64_t *table(unsigned page)
{
    return ram + page * 512;
}
static uint64_t pa_of(unsigned page)
{
    return BASE + ((uint64_t)page << 12);
}
static uint64_t satp_for(unsigned page)
{
    return (8ull << 60) | (pa_of(page) >> 12);
}

static void setup(void)
{
    ram = calloc(1, RAM_SIZE);
    mem = (struct guest_ram){.host = (uint8_t *)ram, .base = BASE, .size = RAM_SIZE};
}
static void teardown(void)
{
    free(ram);
}

/* root at page 0, l1 at page 1, l0 at page 2: VA 0x4000_0000 + n * 4K through l0[n]. */
static void build(void)
{
    table(0)[1] = PTE(pa_of(1), PTE_V);
    table(1)[0] = PTE(pa_of(2), PTE_V);
}

static char *capture_vmmap(uint64_t satp)
{
    char *text;
    size_t size;
    FILE *f = open_memstream(&text, &size);
    vmmap_print(f, &mem, satp, true, true);
    fclose(f);
    return text;
}

Test(vmmap, contiguous_pages_with_equal_permissions_merge, .init = setup, .fini = teardown)
{
    build();
    for (unsigned i = 0; i < 4; i++)
        table(2)[i] = PTE(pa_of(10 + i), PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    char *text = capture_vmmap(satp_for(0));
    cr_assert(strstr(text, "0x0000000040000000-0x0000000040004000  0x008000a000-0x008000e000  "
                           "4K     4  rw---ad"),
              "four contiguous rw pages must be one range:\n%s", text);
    cr_assert(strstr(text, "1 ranges"), "one range in all:\n%s", text);
    free(text);
}

Test(vmmap, different_permissions_or_discontiguous_frames_split, .init = setup, .fini = teardown)
{
    build();
    table(2)[0] = PTE(pa_of(10), PTE_V | PTE_R | PTE_A);
    table(2)[1] = PTE(pa_of(11), PTE_V | PTE_R | PTE_W | PTE_A | PTE_D); /* other perms */
    table(2)[2] = PTE(pa_of(20), PTE_V | PTE_R | PTE_W | PTE_A | PTE_D); /* frame jumps */
    char *text = capture_vmmap(satp_for(0));
    cr_assert(strstr(text, "3 ranges"), "three ranges expected:\n%s", text);
    free(text);
}

Test(vmmap, faulting_ptes_are_counted_not_shown, .init = setup, .fini = teardown)
{
    build();
    table(2)[0] = PTE(pa_of(10), PTE_V | PTE_W);         /* W without R */
    table(2)[1] = PTE(pa_of(10), PTE_V);                 /* pointer at level 0 */
    table(1)[1] = PTE(pa_of(11), PTE_V | PTE_R | PTE_A); /* misaligned 2M superpage */
    char *text = capture_vmmap(satp_for(0));
    cr_assert(strstr(text, "0 ranges; 3 valid PTEs the walk would fault on"),
              "three malformed PTEs expected:\n%s", text);
    free(text);
}

Test(vmmap, upper_half_addresses_are_sign_extended, .init = setup, .fini = teardown)
{
    table(0)[256] = PTE(0x80000000ull, PTE_V | PTE_R | PTE_X | PTE_A);
    char *text = capture_vmmap(satp_for(0));
    cr_assert(strstr(text, "0xffffffc000000000-0xffffffc040000000"),
              "root[256] maps the first negative gigabyte:\n%s", text);
    free(text);
}

Test(vmmap, bare_satp_has_no_translation, .init = setup, .fini = teardown)
{
    char *text = capture_vmmap(0);
    cr_assert(strstr(text, "no translation"), "Bare mode must say so:\n%s", text);
    free(text);
}

Test(vmmap, walk_printer_names_the_rule_and_exception, .init = setup, .fini = teardown)
{
    build();
    struct walk_request req = {
        .satp = satp_for(0), .va = 0x40000010, .access = ACCESS_WRITE, .priv = 1};
    struct walk_result r;
    page_walk(&mem, &req, &r);
    char *text;
    size_t size;
    FILE *f = open_memstream(&text, &size);
    vmmap_print_walk(f, &req, &r);
    fclose(f);
    cr_assert(strstr(text, "L0 pte@0x80002000 = 0x0000000000000000"),
              "the level-0 PTE is shown:\n%s", text);
    cr_assert(strstr(text, "=> fault: invalid: PTE has V = 0"), "invalid rule:\n%s", text);
    cr_assert(strstr(text, "store/AMO page fault (cause 15), tval=0x40000010"),
              "store page fault with tval:\n%s", text);
    free(text);
}

/* Sv48 (priv spec "Sv48"): the walk printer names four VPNs and four levels, L3 first; the
 * table at page 3 is the root and its entry 1 (VA 512 GiB..1 TiB) leads to build()'s tables. */
Test(vmmap, walk_printer_shows_the_four_sv48_levels, .init = setup, .fini = teardown)
{
    build();
    table(3)[1] = PTE(pa_of(0), PTE_V);
    table(2)[0] = PTE(pa_of(10), PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    uint64_t va = (1ull << 39) + 0x40000010;
    struct walk_request req = {
        .satp = (9ull << 60) | (pa_of(3) >> 12), .va = va, .access = ACCESS_READ, .priv = 1};
    struct walk_result r;
    page_walk(&mem, &req, &r);
    char *text;
    size_t size;
    FILE *f = open_memstream(&text, &size);
    vmmap_print_walk(f, &req, &r);
    vmmap_print_walk_line(f, 0x80000000, va, ACCESS_READ, &r);
    fclose(f);
    cr_assert(strstr(text, "Sv48 VPN[3]=1 VPN[2]=1 VPN[1]=0 VPN[0]=0 offset=0x10"),
              "the Sv48 VA split:\n%s", text);
    cr_assert(strstr(text, "L3 pte@0x80003008 = "), "the root PTE is level 3:\n%s", text);
    cr_assert(strstr(text, "L2 pte@0x80000008 = "), "then level 2:\n%s", text);
    cr_assert(strstr(text, "L0 pte@0x80002000 = "), "down to level 0:\n%s", text);
    cr_assert(strstr(text, "=> pa=0x8000a010 (4K page at 0x8000a000)"), "the translation:\n%s",
              text);
    cr_assert(strstr(text, " L3[0x80003008]=") && strstr(text, " L0[0x80002000]="),
              "the trace line's levels:\n%s", text);
    free(text);
}

/* Sv48's non-canonical rule in the printer: bit 47 alone. */
Test(vmmap, walk_printer_sv48_non_canonical, .init = setup, .fini = teardown)
{
    struct walk_request req = {.satp = (9ull << 60) | (pa_of(3) >> 12),
                               .va = 1ull << 47,
                               .access = ACCESS_READ,
                               .priv = 1};
    struct walk_result r;
    page_walk(&mem, &req, &r);
    char *text;
    size_t size;
    FILE *f = open_memstream(&text, &size);
    vmmap_print_walk(f, &req, &r);
    fclose(f);
    cr_assert(strstr(text, "=> fault: non-canonical"), "non-canonical in Sv48:\n%s", text);
    cr_assert(strstr(text, "load page fault (cause 13), tval=0x800000000000"), "%s", text);
    free(text);
}

/* vmmap in Sv48 and Sv57: 512 GiB and 256 TiB leaves, the upper half sign-extended from bit 47
 * (Sv48) or 56 (Sv57). */
Test(vmmap, sv48_and_sv57_large_pages_and_upper_halves, .init = setup, .fini = teardown)
{
    table(3)[256] = PTE(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    char *text = capture_vmmap((9ull << 60) | (pa_of(3) >> 12));
    cr_assert(strstr(text, "MODE=9 (Sv48)"), "satp decoded:\n%s", text);
    cr_assert(strstr(text, "0xffff800000000000-0xffff808000000000  0x0000000000-0x8000000000  "
                           "512G     1"),
              "a 512 GiB page in the upper half:\n%s", text);
    free(text);
    memset(ram, 0, RAM_SIZE);
    table(4)[256] = PTE(0, PTE_V | PTE_R | PTE_A);
    table(4)[1] = PTE(pa_of(3), PTE_V);
    table(3)[0] = PTE(0, PTE_V | PTE_R | PTE_A);
    text = capture_vmmap((10ull << 60) | (pa_of(4) >> 12));
    cr_assert(strstr(text, "MODE=10 (Sv57)"), "satp decoded:\n%s", text);
    cr_assert(strstr(text, "0xff00000000000000-0xff01000000000000") && strstr(text, "256T"),
              "a 256 TiB page in the upper half:\n%s", text);
    cr_assert(strstr(text, "0x0001000000000000-0x0001008000000000") && strstr(text, "512G"),
              "a 512 GiB page below VPN[4] = 1:\n%s", text);
    free(text);
}
