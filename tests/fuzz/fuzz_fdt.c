/* fuzz_fdt: the device-tree builder (emu/fdt.c) with fuzzed RAM sizes, virtio slot counts,
 * framebuffer sizes, command lines and buffer sizes, and fdt_place on the result.
 *
 * Input: u8 flags | u64 RAM size | u8 virtio slots | u16 fb width | u16 fb height |
 * u16 buffer size | the command line (the rest; flags bit 0: none at all).
 *
 * Oracles: a tree that is built passes libfdt's fdt_check_full and says what the board is
 * (memory node and reg, /chosen/bootargs byte for byte, one virtio,mmio node per slot with its
 * address and interrupt, the simple-framebuffer node with the geometry, the PLIC and CPU
 * phandles); the board rv39 can be given on its command line (8 slots, RAM 1M..16G, a
 * framebuffer --fb accepts, a command line up to 8 KiB) always fits in FDT_MAX_SIZE; fdt_place
 * puts the tree inside RAM, 2 MiB aligned. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "devices/framebuffer.h"
#include "emu/fdt.h"
#include "emu/machine.h"
#include "emu/options.h"
#include "fuzz.h"

#define BIG_BUFFER (4 * FDT_MAX_SIZE)
#define LONGEST_NORMAL_ARGS 8192

static uint8_t tree[BIG_BUFFER];
static char bootargs[BIG_BUFFER];
static uint64_t *built, *refused;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    built = fuzz_counter("trees built");
    refused = fuzz_counter("did not fit");
    return 0;
}

static const void *prop(int node, const char *name, int *len)
{
    const void *p = fdt_getprop(tree, node, name, len);
    if (!p) fuzz_fail("node %s has no %s", fdt_get_name(tree, node, NULL), name);
    return p;
}

static uint32_t prop_u32(int node, const char *name)
{
    int len;
    const fdt32_t *p = prop(node, name, &len);
    if (len != 4) fuzz_fail("%s is %d bytes, not one cell", name, len);
    return fdt32_to_cpu(*p);
}

/* reg = <base size> in two cells each. */
static void check_reg(int node, uint64_t base, uint64_t size)
{
    int len;
    const fdt32_t *r = prop(node, "reg", &len);
    if (len != 16) fuzz_fail("reg of %s is %d bytes", fdt_get_name(tree, node, NULL), len);
    uint64_t b = (uint64_t)fdt32_to_cpu(r[0]) << 32 | fdt32_to_cpu(r[1]);
    uint64_t s = (uint64_t)fdt32_to_cpu(r[2]) << 32 | fdt32_to_cpu(r[3]);
    if (b != base || s != size)
        fuzz_fail("%s: reg <0x%llx 0x%llx>, board says <0x%llx 0x%llx>",
                  fdt_get_name(tree, node, NULL), (unsigned long long)b, (unsigned long long)s,
                  (unsigned long long)base, (unsigned long long)size);
}

static void check_tree(const struct fdt_board *b, size_t size, size_t bufsize)
{
    if (size > bufsize || fdt_totalsize(tree) != size) fuzz_fail("size %zu in %zu", size, bufsize);
    int err = fdt_check_full(tree, size);
    if (err) fuzz_fail("fdt_check_full: %s", fdt_strerror(err));

    char path[64];
    snprintf(path, sizeof path, "/memory@%llx", (unsigned long long)b->ram_base);
    int memory = fdt_path_offset(tree, path);
    if (memory < 0) fuzz_fail("no %s", path);
    check_reg(memory, b->ram_base, b->ram_size);

    int chosen = fdt_path_offset(tree, "/chosen");
    if (chosen < 0) fuzz_fail("no /chosen");
    int len;
    const char *args = fdt_getprop(tree, chosen, "bootargs", &len);
    if (!b->bootargs != !args) fuzz_fail("bootargs present in only one of board and tree");
    if (args && ((size_t)len != strlen(b->bootargs) + 1 || memcmp(args, b->bootargs, len) != 0))
        fuzz_fail("bootargs differ from the command line");

    unsigned slots = 0;
    for (int n = fdt_node_offset_by_compatible(tree, -1, "virtio,mmio"); n >= 0;
         n = fdt_node_offset_by_compatible(tree, n, "virtio,mmio")) {
        /* Listed from the highest slot down, as QEMU lists them. */
        unsigned slot = b->virtio_slots - 1 - slots++;
        check_reg(n, VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_STRIDE, VIRTIO_MMIO_SIZE);
        if (prop_u32(n, "interrupts") != VIRTIO_MMIO_IRQ(slot))
            fuzz_fail("virtio slot %u: wrong interrupt", slot);
        if (prop_u32(n, "interrupt-parent") != 3)
            fuzz_fail("virtio slot %u: not on the PLIC", slot);
    }
    if (slots != b->virtio_slots) fuzz_fail("%u virtio nodes for %u slots", slots, b->virtio_slots);

    int fb = fdt_node_offset_by_compatible(tree, -1, "simple-framebuffer");
    if ((fb >= 0) != (b->fb_size != 0)) fuzz_fail("framebuffer node and board disagree");
    if (fb >= 0) {
        check_reg(fb, b->fb_base, b->fb_size);
        if (prop_u32(fb, "width") != b->fb_width || prop_u32(fb, "height") != b->fb_height ||
            prop_u32(fb, "stride") != b->fb_stride)
            fuzz_fail("framebuffer geometry differs from the board's");
        const char *format = prop(fb, "format", &len);
        if ((size_t)len != sizeof FB_FORMAT || memcmp(format, FB_FORMAT, len) != 0)
            fuzz_fail("framebuffer format");
    }
    int plic = fdt_node_offset_by_phandle(tree, 3), cpu = fdt_node_offset_by_phandle(tree, 1);
    if (plic < 0 || fdt_node_check_compatible(tree, plic, "riscv,plic0") != 0)
        fuzz_fail("phandle 3 is not the PLIC");
    if (cpu < 0 || fdt_node_check_compatible(tree, cpu, "riscv") != 0)
        fuzz_fail("phandle 1 is not the hart");
}

/* fdt_place's promise (emu/fdt.h) for RAM at least as big as QEMU's 1 MiB tree buffer. */
static void check_place(const struct fdt_board *b, size_t size)
{
    uint64_t addr = fdt_place(b->ram_base, b->ram_size, size);
    uint64_t need = size < (1u << 20) ? (1u << 20) : size;
    if (addr < b->ram_base || addr - b->ram_base > b->ram_size - size)
        fuzz_fail("tree placed at 0x%llx, outside RAM", (unsigned long long)addr);
    if (b->ram_size >= need && addr != b->ram_base && addr % (2u << 20))
        fuzz_fail("tree placed at 0x%llx, not 2 MiB aligned", (unsigned long long)addr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    uint8_t flags = fuzz_u8(&in);
    /* RAM as -m allows it: 1M..16G in whole 4 KiB pages. */
    uint64_t ram = fuzz_u64(&in) % (OPTIONS_MAX_RAM - OPTIONS_MIN_RAM + 1) + OPTIONS_MIN_RAM;
    ram &= ~4095ull;
    unsigned slots = fuzz_u8(&in) % 64;
    uint32_t w = fuzz_u16(&in) % FB_MAX_DIMENSION, h = fuzz_u16(&in) % FB_MAX_DIMENSION;
    uint16_t bufsel = fuzz_u16(&in);
    size_t argslen;
    const uint8_t *args = fuzz_bytes(&in, sizeof bootargs - 1, &argslen);
    memcpy(bootargs, args, argslen);
    bootargs[argslen] = '\0'; /* a NUL inside ends the command line early, as in argv */

    struct fdt_board b = {
        .ram_base = RAM_BASE,
        .ram_size = ram,
        .bootargs = flags & 1 ? NULL : bootargs,
        .virtio_slots = slots,
    };
    if (w && h && (uint64_t)w * h * FB_BYTES_PER_PIXEL <= FB_MAX_SIZE) { /* what --fb takes */
        b.fb_base = FB_BASE;
        b.fb_width = w;
        b.fb_height = h;
        b.fb_stride = w * FB_BYTES_PER_PIXEL;
        b.fb_size = framebuffer_window_size(w, h);
    }
    /* Mostly rv39's own buffer; sometimes one that may be too small, to reach the refusals. */
    size_t bufsize = flags & 2 ? bufsel : flags & 4 ? BIG_BUFFER : FDT_MAX_SIZE;
    bool normal = slots <= VIRTIO_MMIO_SLOTS && strlen(bootargs) <= LONGEST_NORMAL_ARGS;

    /* A tree that does not fit says so in one line on stderr: keep that out of the log. */
    bool quiet = bufsize != FDT_MAX_SIZE || !normal;
    if (quiet) fuzz_stderr_off();
    size_t got = fdt_build(&b, tree, bufsize);
    if (quiet) fuzz_stderr_on();

    if (!got) {
        ++*refused;
        if (bufsize == FDT_MAX_SIZE && normal)
            fuzz_fail("a board from a valid command line does not fit in FDT_MAX_SIZE");
        return 0;
    }
    ++*built;
    check_tree(&b, got, bufsize);
    check_place(&b, got);
    return 0;
}
