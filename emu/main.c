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
#include <string.h>
#include <time.h>

#include "loader.h"
#include "machine.h"
#include "options.h"
#include "symtab.h"

#define KERNEL_OFFSET_WITH_FIRMWARE 0x200000ull

/* The guest's symbols, kept for the life of the run (the debugger will want them). */
static struct symtab guest_symbols;

static bool bios_is_none(const char *bios)
{
    return bios == NULL || strcmp(bios, "none") == 0;
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
    return true;
}

/* Put the boot images into RAM and set the entry point. Also the reset handler: QEMU reloads
 * its images on a guest-requested reset, and so do we. */
static bool load_images(struct machine *m)
{
    const struct machine_config *cfg = &m->cfg;
    if (bios_is_none(cfg->bios)) return load_kernel_elf(m, cfg->kernel, &m->entry);

    if (!loader_load_raw(m, cfg->bios, RAM_BASE, NULL, stderr)) return false;
    m->entry = RAM_BASE;
    if (!cfg->kernel) return true;
    uint64_t kernel_entry;
    if (loader_file_is_elf(cfg->kernel)) return load_kernel_elf(m, cfg->kernel, &kernel_entry);
    return loader_load_raw(m, cfg->kernel, RAM_BASE + KERNEL_OFFSET_WITH_FIRMWARE, NULL, stderr);
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
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct options opts;
    switch (options_parse(argc, argv, &opts, stdout, stderr)) {
    case OPTIONS_RUN: break;
    case OPTIONS_DONE: return 0;
    case OPTIONS_ERROR: return 2;
    }
    const struct machine_config *cfg = &opts.machine;
    if (!cfg->kernel && bios_is_none(cfg->bios)) {
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
    symtab_init(&guest_symbols);
    if (!load_images(&m)) {
        symtab_free(&guest_symbols);
        machine_free(&m);
        return 2;
    }
    m.reload = load_images;
    m.symbols = &guest_symbols;

    double start = now_seconds();
    int status = machine_run(&m);
    double seconds = now_seconds() - start;
    if (cfg->stats) print_stats(&m, seconds);

    symtab_free(&guest_symbols);
    machine_free(&m);
    return status;
}
