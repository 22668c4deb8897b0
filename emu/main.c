/* rv39: parse the command line, build the board, load the guest, run it, and exit with the
 * guest's status (or 2 when rv39 itself cannot run it).
 *
 * Boot flow, as QEMU's virt board does it:
 *   -bios none -kernel X.elf   X's segments at their physical addresses; the hart starts at
 *                              X's entry in M-mode. No -bios counts as none (no firmware yet).
 *   -bios FW [-kernel K]       FW, a raw image, at 0x80000000, where the hart starts; K, an
 *                              ELF at its own addresses or a raw image at 0x80200000 (where
 *                              OpenSBI's fw_jump looks), is left for FW to jump to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "../cpu/jit.h"
#include "debugger.h"
#include "display_sdl.h"
#include "fdt.h"
#include "gdbstub.h"
#include "loader.h"
#include "machine.h"
#include "options.h"
#include "screenshot.h"
#include "symtab.h"

#define KERNEL_OFFSET_WITH_FIRMWARE 0x200000ull

/* The guest's symbols, kept for the life of the run (the debugger will want them). */
static struct symtab guest_symbols;

/* The device tree, built once; copied into RAM at m->dtb_addr at every (re)load. */
static uint8_t *device_tree;
static size_t device_tree_size;

/* Where the boot images went, so the device tree can be kept clear of them. */
static struct loaded_image {
    const char *path;
    uint64_t low, high; /* [low, high) */
} loaded_images[2];
static unsigned loaded_count;

static void note_loaded(const char *path, uint64_t low, uint64_t high)
{
    if (loaded_count < sizeof loaded_images / sizeof loaded_images[0])
        loaded_images[loaded_count++] = (struct loaded_image){path, low, high};
}

static bool load_raw(struct machine *m, const char *path, uint64_t addr)
{
    uint64_t size;
    if (!loader_load_raw(m, path, addr, &size, stderr)) return false;
    note_loaded(path, addr, addr + size);
    return true;
}

/* The tree rv39 gives the guest: the board as configured on the command line. */
static size_t build_device_tree(const struct machine_config *cfg)
{
    struct fdt_board board = {
        .ram_base = RAM_BASE,
        .ram_size = cfg->ram_size,
        .bootargs = cfg->append,
        .virtio_slots = 8, /* QEMU virt lists all its slots, empty or not */
        .fb_base = FB_BASE,
        .fb_width = cfg->fb_width ? cfg->fb_width : FB_DEFAULT_WIDTH,
        .fb_height = cfg->fb_height ? cfg->fb_height : FB_DEFAULT_HEIGHT,
    };
    board.fb_stride = board.fb_width * FB_BYTES_PER_PIXEL;
    board.fb_size = framebuffer_window_size(board.fb_width, board.fb_height);
    /* Room for the fixed board plus the command line, however long: the only part that grows
     * is /chosen/bootargs, whose property needs its bytes, a NUL and a 12-byte header, padded
     * to 4 (Devicetree Specification 5.4.1). The tree is packed afterwards, so the slack costs
     * nothing in the guest's RAM. */
    size_t capacity = FDT_MAX_SIZE + (cfg->append ? strlen(cfg->append) + 16 : 0);
    free(device_tree);
    device_tree = malloc(capacity);
    if (!device_tree) {
        fprintf(stderr, "rv39: out of memory for the device tree\n");
        return device_tree_size = 0;
    }
    device_tree_size = fdt_build(&board, device_tree, capacity);
    return device_tree_size;
}

/* --dumpdtb FILE, as QEMU's -M virt,dumpdtb=FILE: the tree, and no run. */
static int dump_device_tree(const struct machine_config *cfg, const char *path)
{
    if (!build_device_tree(cfg)) return 2;
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(device_tree, 1, device_tree_size, f) != device_tree_size) {
        fprintf(stderr, "rv39: -dumpdtb %s: cannot write the device tree\n", path);
        if (f) fclose(f);
        return 2;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "rv39: -dumpdtb %s: cannot write the device tree\n", path);
        return 2;
    }
    return 0;
}

/* Copy the tree to m->dtb_addr; refuse when a boot image is already there (QEMU, too, fails
 * on overlapping images rather than let one overwrite the other). */
static bool copy_device_tree(struct machine *m)
{
    uint64_t low = m->dtb_addr, high = m->dtb_addr + device_tree_size;
    for (unsigned i = 0; i < loaded_count; i++) {
        const struct loaded_image *img = &loaded_images[i];
        if (img->low < high && low < img->high) {
            fprintf(stderr,
                    "rv39: %s: overlaps the device tree at 0x%llx-0x%llx (give more RAM with -m)\n",
                    img->path, (unsigned long long)low, (unsigned long long)high);
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
    note_loaded("the default firmware", RAM_BASE, RAM_BASE + size);
    return true;
}

static bool load_kernel_elf(struct machine *m, const char *path, uint64_t *entry)
{
    struct elf_image img;
    symtab_free(&guest_symbols);
    if (!loader_load_elf(m, path, &img, &guest_symbols, stderr)) return false;
    /* riscv-tests and riscv-pk talk to the host through `tohost`/`fromhost` (emu/htif.c). */
    m->htif.enabled = img.has_tohost;
    m->htif.tohost = img.tohost;
    m->htif.fromhost = img.fromhost;
    *entry = img.entry;
    note_loaded(path, img.low, img.high);
    return true;
}

/* Put the boot images into RAM and set the entry point. Also the reset handler: QEMU reloads
 * its images on a guest-requested reset, and so do we. */
static bool load_boot_images(struct machine *m)
{
    const struct machine_config *cfg = &m->cfg;
    if (bios_is_none(cfg->bios)) return load_kernel_elf(m, cfg->kernel, &m->entry);

    if (!cfg->bios) {
        /* No -bios: our firmware, then the kernel at 0x80200000 for it to start in S-mode,
         * as QEMU does with its default firmware. An ELF linked below 0x80200000 is a
         * bare-metal program (riscv-tests, xv6) that wants the machine to itself: it starts
         * in M-mode at its entry, as with -bios none. */
        if (loader_file_is_elf(cfg->kernel)) {
            if (!load_kernel_elf(m, cfg->kernel, &m->entry)) return false;
            if (loaded_images[loaded_count - 1].low < RAM_BASE + KERNEL_OFFSET_WITH_FIRMWARE)
                return true;
        } else if (!is_linux_image(cfg->kernel)) {
            /* Any other raw file could be anything (raw images run with an explicit -bios):
             * the ELF loader says precisely what is wrong with it. */
            return load_kernel_elf(m, cfg->kernel, &m->entry);
        } else if (!load_raw(m, cfg->kernel, RAM_BASE + KERNEL_OFFSET_WITH_FIRMWARE)) {
            return false;
        }
        m->entry = RAM_BASE;
        return load_default_bios(m);
    }

    if (!load_raw(m, cfg->bios, RAM_BASE)) return false;
    m->entry = RAM_BASE;
    if (!cfg->kernel) return true;
    uint64_t kernel_entry;
    if (loader_file_is_elf(cfg->kernel)) return load_kernel_elf(m, cfg->kernel, &kernel_entry);
    return load_raw(m, cfg->kernel, RAM_BASE + KERNEL_OFFSET_WITH_FIRMWARE);
}

static bool load_images(struct machine *m)
{
    loaded_count = 0;
    bool ok = load_boot_images(m) && copy_device_tree(m);
    /* On a guest-requested reset the images overwrite RAM the guest may have changed: drop
     * decoded and translated code made from what was there (the loader writes directly). */
    cpu_invalidate_code(&m->cpu, RAM_BASE, m->ram_size);
    return ok;
}

static void count_tlb_entry(void *opaque, const struct tlb_entry *e)
{
    unsigned *per_level = opaque;
    if (e->level < 3) per_level[e->level]++;
}

static void print_stats(const struct machine *m, double seconds)
{
    const struct cpu_stats *s = &m->cpu.stats;
    const struct tlb_stats *t = &m->cpu.tlb.stats;
    FILE *out = stderr;
    fprintf(out, "instret: %llu\n", (unsigned long long)m->instret);
    fprintf(out, "seconds: %.3f\n", seconds);
    fprintf(out, "mips: %.1f\n", seconds > 0 ? (double)m->instret / seconds / 1e6 : 0.0);
    fprintf(out, "itlb_misses: %llu\n", (unsigned long long)s->itlb_misses);
    fprintf(out, "dtlb_misses: %llu\n", (unsigned long long)s->dtlb_misses);
    fprintf(out, "walks: %llu\n", (unsigned long long)s->walks);
    fprintf(out, "page_faults: %llu\n", (unsigned long long)s->page_faults);
    fprintf(out, "sfences: %llu\n", (unsigned long long)s->sfences);
    fprintf(out, "tlb_hits: %llu\n", (unsigned long long)t->hits);
    fprintf(out, "tlb_misses: %llu\n", (unsigned long long)t->misses);
    fprintf(out, "tlb_fills: %llu\n", (unsigned long long)t->fills);
    fprintf(out, "tlb_evictions: %llu\n", (unsigned long long)t->evictions);
    fprintf(out, "tlb_flushes: %llu\n", (unsigned long long)t->flushes);
    /* What the model TLB holds at exit, per page size. */
    unsigned occupancy[3] = {0, 0, 0};
    tlb_for_each(&m->cpu.tlb, count_tlb_entry, occupancy);
    fprintf(out, "tlb_entries_4k: %u\n", occupancy[0]);
    fprintf(out, "tlb_entries_2m: %u\n", occupancy[1]);
    fprintf(out, "tlb_entries_1g: %u\n", occupancy[2]);
    const struct jit_stats *j = jit_get_stats(&m->cpu);
    if (j) { /* the translator at work: blocks made, whole-cache flushes, pages rewritten */
        fprintf(out, "jit_blocks: %llu\n", (unsigned long long)j->blocks);
        fprintf(out, "jit_insns: %llu\n", (unsigned long long)j->insns);
        fprintf(out, "jit_chains: %llu\n", (unsigned long long)j->chains);
        fprintf(out, "jit_flushes: %llu\n", (unsigned long long)j->flushes);
        fprintf(out, "jit_page_kills: %llu\n", (unsigned long long)j->page_kills);
    }
}

/* Our kernel as the build leaves it beside the executable: <dir of rv39>/firmware/kernel.elf,
 * or as installed: <dir>/../share/rv39/kernel.elf. */
static bool find_installed_kernel(char *path, size_t size)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return false;
    *slash = '\0';
    static const char *const candidates[] = {"%s/firmware/kernel.elf",
                                             "%s/../share/rv39/kernel.elf"};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        int len = snprintf(path, size, candidates[i], exe);
        if (len > 0 && (size_t)len < size && access(path, R_OK) == 0) return true;
    }
    return false;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The run itself, on whichever thread the window leaves for it (emu/display_sdl.h). */
static int run_guest(struct machine *m, void *opaque)
{
    const struct options *opts = opaque;
    return opts->debug      ? debugger_main(m)
           : opts->gdb_port ? gdbstub_main(m, opts->gdb_port, opts->start_halted)
                            : machine_run(m);
}

int main(int argc, char **argv)
{
    struct options opts;
    switch (options_parse(argc, argv, &opts, stdout, stderr)) {
    case OPTIONS_RUN: break;
    case OPTIONS_DONE: return 0;
    case OPTIONS_ERROR: return 2;
    }
    for (unsigned i = 0; i < opts.drive_count; i++)
        opts.machine.drives[i] = (struct drive_config){opts.drives[i].file, opts.drives[i].readonly,
                                                       opts.drives[i].slot};
    opts.machine.drive_count = opts.drive_count;
    /* Neither -bios nor -kernel: our firmware and our kernel, installed beside rv39, so that
     * `rv39 --drive file=disk.img` is all it takes to boot the demo system. */
    static char installed_kernel[4096];
    if (!opts.machine.kernel && !opts.machine.bios &&
        find_installed_kernel(installed_kernel, sizeof(installed_kernel)))
        opts.machine.kernel = installed_kernel;
    const struct machine_config *cfg = &opts.machine;
    if (opts.dumpdtb) return dump_device_tree(cfg, opts.dumpdtb);
    if (!cfg->kernel && (!cfg->bios || bios_is_none(cfg->bios))) {
        fprintf(stderr, "rv39: nothing to run (give --kernel FILE or --bios FILE)\n");
        return 2;
    }
    if (cfg->append && !cfg->kernel) {
        fprintf(stderr, "rv39: -append: only allowed with -kernel (as in QEMU)\n");
        return 2;
    }

    static struct machine m; /* large (the hart's caches): keep it off the stack */
    if (!machine_init(&m, cfg)) return 2;
    if (opts.tlb_given && !cpu_configure_tlb(&m.cpu, &opts.tlb)) {
        fprintf(stderr, "rv39: -tlb %s: cannot build this TLB (out of memory?)\n", opts.tlb_spec);
        machine_free(&m);
        return 2;
    }
    if (!build_device_tree(cfg)) {
        machine_free(&m);
        return 2;
    }
    m.dtb_addr = fdt_place(RAM_BASE, cfg->ram_size, device_tree_size);
    symtab_init(&guest_symbols);
    if (!load_images(&m)) {
        symtab_free(&guest_symbols);
        machine_free(&m);
        return 2;
    }
    m.reload = load_images;
    m.symbols = &guest_symbols;

    /* Under a debugger the interpreter alone runs: it stops at any instruction. */
    if (opts.jit && !opts.debug && !opts.gdb_port && !jit_attach(&m.cpu) && RV39_HAS_JIT)
        fprintf(stderr, "rv39: -jit: cannot set up the translator, interpreting\n");
    double start = now_seconds();
    char why[256];
    struct display *window = display_open(&m, opts.display, why, sizeof why);
    if (!window && opts.display == DISPLAY_SDL) {
        fprintf(stderr, "rv39: -display sdl: %s\n", why);
        symtab_free(&guest_symbols);
        machine_free(&m);
        return 2;
    }
    if (!window && opts.display == DISPLAY_AUTO)
        fprintf(stderr, "rv39: %s: running without a window, as with -nographic\n", why);
    int status = window ? display_run(window, run_guest, &opts) : run_guest(&m, &opts);
    display_close(window);
    double seconds = now_seconds() - start;
    if (opts.screenshot && !framebuffer_screenshot(&m.fb, opts.screenshot, why, sizeof why)) {
        fprintf(stderr, "rv39: -screenshot %s: %s\n", opts.screenshot, why);
        if (status == 0) status = 2;
    }
    if (cfg->stats) print_stats(&m, seconds);

    jit_detach(&m.cpu);
    symtab_free(&guest_symbols);
    machine_free(&m);
    free(device_tree);
    return status;
}
