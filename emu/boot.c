/* Boot images (emu/boot.h), placed as QEMU 7.2's virt board places them:
 *
 *   -bios none -kernel X.elf   X's segments at their physical addresses; the hart starts at
 *                              X's entry in M-mode.
 *   -kernel K (no -bios)       rv39's SBI firmware at 0x80000000, where the hart starts, and K
 *                              for it to start in S-mode: a Linux Image at 0x80200000, an ELF
 *                              at its own addresses. An ELF linked below 0x80200000 is a
 *                              bare-metal program (riscv-tests, xv6): it runs alone, in M-mode.
 *   -bios FW [-kernel K]       FW, a raw image, at 0x80000000, where the hart starts; K, an
 *                              ELF at its own addresses or a raw image at 0x80200000 (where
 *                              OpenSBI's fw_jump looks), is left for FW to jump to.
 *   -initrd F                  at the kernel's address + min(RAM / 2, 128 MiB)
 *                              (riscv_load_initrd), announced in /chosen.
 *   the device tree            rv39's own (emu/fdt.c), or -dtb's with /chosen set; near the
 *                              end of RAM (fdt_place), its address in a1.
 * Images may not overlap one another or the device tree: QEMU refuses that too. */
#include "boot.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <string.h>

#include "fdt.h"
#include "fixed_random.h"
#include "loader.h"
#include "symtab.h"

#define KERNEL_OFFSET_WITH_FIRMWARE 0x200000ull
#define INITRD_MAX_OFFSET (128ull << 20)
/* A -dtb file larger than this is not a device tree anyone means to boot with. */
#define DTB_FILE_MAX (16u << 20)

/* The guest's symbols, kept for the life of the run (HTIF, the debugger). */
static struct symtab guest_symbols;
static bool symbols_ready;

/* The device tree, rebuilt at every (re)load and copied into RAM at m->dtb_addr. */
static uint8_t *device_tree;
static size_t device_tree_size;

/* Where the boot images went, so none overlaps another or the device tree. */
static struct loaded_image {
    const char *path;
    uint64_t low, high; /* [low, high) */
} loaded_images[4];
static unsigned loaded_count;

static bool note_loaded(const char *path, uint64_t low, uint64_t high)
{
    for (unsigned i = 0; i < loaded_count; i++) {
        const struct loaded_image *img = &loaded_images[i];
        if (img->low < high && low < img->high) {
            fprintf(stderr, "rv39: %s: overlaps %s at 0x%llx-0x%llx\n", path, img->path,
                    (unsigned long long)img->low, (unsigned long long)img->high);
            return false;
        }
    }
    if (loaded_count < sizeof loaded_images / sizeof loaded_images[0])
        loaded_images[loaded_count++] = (struct loaded_image){path, low, high};
    return true;
}

static bool load_raw(struct machine *m, const char *path, uint64_t addr, uint64_t *size)
{
    uint64_t n;
    if (!loader_load_raw(m, path, addr, &n, stderr)) return false;
    if (size) *size = n;
    return note_loaded(path, addr, addr + n);
}

/* A whole file in a malloc'd buffer (for -dtb); NULL with one line on failure. */
static uint8_t *read_small_file(const char *path, size_t max, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "rv39: -dtb %s: cannot open it\n", path);
        return NULL;
    }
    uint8_t *buf = malloc(max);
    size_t n = buf ? fread(buf, 1, max, f) : 0;
    bool too_big = n == max && fgetc(f) != EOF;
    fclose(f);
    if (!buf || n == 0 || too_big) {
        fprintf(stderr, "rv39: -dtb %s: %s\n", path,
                !buf     ? "out of memory"
                : n == 0 ? "empty or unreadable"
                         : "larger than 16 MiB");
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

/* The tree the guest gets: the board as configured, or -dtb's file with /chosen set. */
static size_t build_device_tree(const struct machine_config *cfg, uint64_t initrd_start,
                                uint64_t initrd_end)
{
    struct fdt_board board = {
        .harts = cfg->harts,
        .ram_base = RAM_BASE,
        .ram_size = cfg->ram_size,
        .bootargs = cfg->append,
        .initrd_start = initrd_start,
        .initrd_end = initrd_end,
        .virtio_slots = 8, /* QEMU virt lists all its slots, empty or not */
        .fb_base = FB_BASE,
        .fb_width = cfg->fb_width ? cfg->fb_width : FB_DEFAULT_WIDTH,
        .fb_height = cfg->fb_height ? cfg->fb_height : FB_DEFAULT_HEIGHT,
    };
    board.fb_stride = board.fb_width * FB_BYTES_PER_PIXEL;
    /* A fresh seed for the guest's RNG each boot, as QEMU's virt gives (/chosen/rng-seed). */
    uint8_t rng_seed[FDT_RNG_SEED_SIZE];
    if (cfg->icount) { /* deterministic execution: the same seed every run */
        uint64_t state = FIXED_RANDOM_SEED;
        fixed_random(&state, rng_seed, sizeof rng_seed);
        board.rng_seed = rng_seed;
    } else if (getrandom(rng_seed, sizeof rng_seed, 0) == (ssize_t)sizeof rng_seed) {
        board.rng_seed = rng_seed;
    }
    board.fb_size = framebuffer_window_size(board.fb_width, board.fb_height);
    uint8_t *given = NULL;
    size_t given_size = 0;
    if (cfg->dtb && !(given = read_small_file(cfg->dtb, DTB_FILE_MAX, &given_size)))
        return device_tree_size = 0;
    /* Room for the fixed board (or the given tree) plus the command line, however long: the
     * only part that grows is /chosen (bootargs, whose property needs its bytes, a NUL and a
     * 12-byte header, padded to 4, Devicetree Specification 5.4.1; the initrd's two 8-byte
     * properties). The tree is packed afterwards, so the slack costs nothing in guest RAM. */
    size_t capacity = FDT_MAX_SIZE + given_size + (cfg->append ? strlen(cfg->append) + 16 : 0);
    free(device_tree);
    device_tree = malloc(capacity);
    if (!device_tree) {
        fprintf(stderr, "rv39: out of memory for the device tree\n");
        free(given);
        return device_tree_size = 0;
    }
    device_tree_size = given ? fdt_adopt(given, given_size, &board, device_tree, capacity)
                             : fdt_build(&board, device_tree, capacity);
    free(given);
    return device_tree_size;
}

int boot_dump_device_tree(const struct machine_config *cfg, const char *path)
{
    if (!build_device_tree(cfg, 0, 0)) return 2;
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(device_tree, 1, device_tree_size, f) == device_tree_size;
    if (f && fclose(f) != 0) ok = false;
    if (!ok) {
        fprintf(stderr, "rv39: -dumpdtb %s: cannot write the device tree\n", path);
        return 2;
    }
    return 0;
}

/* Copy the tree to m->dtb_addr, clear of every boot image. */
static bool copy_device_tree(struct machine *m)
{
    for (unsigned i = 0; i < loaded_count; i++) {
        const struct loaded_image *img = &loaded_images[i];
        if (img->low < m->dtb_addr + device_tree_size && m->dtb_addr < img->high) {
            fprintf(stderr,
                    "rv39: %s: overlaps the device tree at 0x%llx-0x%llx (give more RAM with -m)\n",
                    img->path, (unsigned long long)m->dtb_addr,
                    (unsigned long long)(m->dtb_addr + device_tree_size));
            return false;
        }
    }
    uint8_t *ram = machine_ram_ptr(m, m->dtb_addr, device_tree_size);
    if (!ram) {
        fprintf(stderr, "rv39: the device tree does not fit in RAM (give more RAM with -m)\n");
        return false;
    }
    memcpy(ram, device_tree, device_tree_size);
    return true;
}

static bool bios_is_none(const char *bios)
{
    return bios && strcmp(bios, "none") == 0;
}

/* A RISC-V Linux `Image` (Linux, Documentation/riscv/boot-image-header.rst): magic
 * "RISCV\0\0\0" at byte 48 (deprecated) or "RSC\x05" at byte 56. */
static bool is_linux_image(const char *path)
{
    uint8_t header[64];
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    size_t n = fread(header, 1, sizeof(header), f);
    fclose(f);
    return n == sizeof(header) &&
           (memcmp(header + 48, "RISCV\0\0\0", 8) == 0 || memcmp(header + 56, "RSC\x05", 4) == 0);
}

/* Our SBI firmware, built with rv39 and linked into it (emu/default_bios.S). */
extern const uint8_t rv39_default_bios[], rv39_default_bios_end[];

static bool load_default_bios(struct machine *m)
{
    uint64_t size = (uint64_t)(rv39_default_bios_end - rv39_default_bios);
    uint8_t *ram = machine_ram_ptr(m, RAM_BASE, size);
    if (!ram) {
        fprintf(stderr, "rv39: the firmware (%llu bytes) does not fit in RAM\n",
                (unsigned long long)size);
        return false;
    }
    memcpy(ram, rv39_default_bios, size);
    return note_loaded("the default firmware", RAM_BASE, RAM_BASE + size);
}

static bool load_kernel_elf(struct machine *m, const char *path, uint64_t *entry)
{
    struct elf_image img;
    symtab_free(&guest_symbols); /* and ready for the new ELF's */
    if (!loader_load_elf(m, path, &img, &guest_symbols, stderr)) return false;
    /* riscv-tests and riscv-pk talk to the host through `tohost`/`fromhost` (emu/htif.c). */
    m->htif.enabled = img.has_tohost;
    m->htif.tohost = img.tohost;
    m->htif.fromhost = img.fromhost;
    *entry = img.entry;
    return note_loaded(path, img.low, img.high);
}

/* Firmware and kernel; *kernel_at is where the kernel starts (QEMU's kernel_entry, which the
 * initrd is placed after), 0 without one. */
static bool load_firmware_and_kernel(struct machine *m, uint64_t *kernel_at)
{
    const struct machine_config *cfg = &m->cfg;
    const uint64_t raw_kernel_at = RAM_BASE + KERNEL_OFFSET_WITH_FIRMWARE;
    *kernel_at = 0;
    if (bios_is_none(cfg->bios)) {
        if (!load_kernel_elf(m, cfg->kernel, &m->entry)) return false;
        *kernel_at = m->entry;
        return true;
    }
    if (!cfg->bios) {
        if (loader_file_is_elf(cfg->kernel)) {
            if (!load_kernel_elf(m, cfg->kernel, kernel_at)) return false;
            if (loaded_images[loaded_count - 1].low < raw_kernel_at) { /* bare metal, M-mode */
                m->entry = *kernel_at;
                return true;
            }
        } else if (!is_linux_image(cfg->kernel)) {
            /* Any other raw file could be anything (raw images run with an explicit -bios):
             * the ELF loader says precisely what is wrong with it. */
            return load_kernel_elf(m, cfg->kernel, &m->entry);
        } else {
            if (!load_raw(m, cfg->kernel, raw_kernel_at, NULL)) return false;
            *kernel_at = raw_kernel_at;
        }
        m->entry = RAM_BASE;
        return load_default_bios(m);
    }
    if (!load_raw(m, cfg->bios, RAM_BASE, NULL)) return false;
    m->entry = RAM_BASE;
    if (!cfg->kernel) return true;
    if (loader_file_is_elf(cfg->kernel)) return load_kernel_elf(m, cfg->kernel, kernel_at);
    *kernel_at = raw_kernel_at;
    return load_raw(m, cfg->kernel, raw_kernel_at, NULL);
}

/* QEMU 7.2 riscv_load_initrd: far enough above the kernel that a decompressing kernel does
 * not overwrite it, low enough to stay in reach: kernel + min(RAM / 2, 128 MiB). */
static bool load_initrd(struct machine *m, uint64_t kernel_at, uint64_t *start, uint64_t *end)
{
    const struct machine_config *cfg = &m->cfg;
    *start = *end = 0;
    if (!cfg->initrd) return true;
    if (!kernel_at) {
        fprintf(stderr, "rv39: -initrd %s: needs -kernel (as in QEMU)\n", cfg->initrd);
        return false;
    }
    uint64_t offset = cfg->ram_size / 2 < INITRD_MAX_OFFSET ? cfg->ram_size / 2 : INITRD_MAX_OFFSET;
    uint64_t size;
    if (!load_raw(m, cfg->initrd, kernel_at + offset, &size)) return false;
    *start = kernel_at + offset;
    *end = *start + size;
    return true;
}

bool boot_load(struct machine *m)
{
    if (!symbols_ready) {
        symtab_init(&guest_symbols);
        symbols_ready = true;
    }
    m->symbols = &guest_symbols;
    loaded_count = 0;
    uint64_t kernel_at, initrd_start, initrd_end;
    bool ok = load_firmware_and_kernel(m, &kernel_at) &&
              load_initrd(m, kernel_at, &initrd_start, &initrd_end) &&
              build_device_tree(&m->cfg, initrd_start, initrd_end);
    if (ok) {
        m->dtb_addr = fdt_place(RAM_BASE, m->cfg.ram_size, device_tree_size);
        ok = copy_device_tree(m);
    }
    /* On a guest-requested reset the images overwrite RAM the guest may have changed: drop
     * decoded and translated code made from what was there (the loader writes directly). */
    machine_invalidate_code(m, m->ram.base, m->ram.size);
    return ok;
}

void boot_free(void)
{
    if (symbols_ready) symtab_free(&guest_symbols);
    symbols_ready = false;
    free(device_tree);
    device_tree = NULL;
    device_tree_size = 0;
}
