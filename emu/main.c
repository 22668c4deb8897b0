/* rv39: parse the command line, build the board, load the guest, run it, and exit with the
 * guest's status (or 2 when rv39 itself cannot run it). Where the boot images go: emu/boot.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "../cpu/ext.h"
#include "../cpu/jit.h"
#include "boot.h"
#include "console_out.h"
#include "debugger.h"
#include "display_sdl.h"
#include "gdbstub.h"
#include "machine.h"
#include "machine_threads.h"
#include "options.h"
#include "record.h"
#include "screenshot.h"
#include "snapshot_file.h"
#include "trace_log.h"

static void count_tlb_entry(void *opaque, const struct tlb_entry *e)
{
    unsigned *per_level = opaque;
    if (e->level < 3) per_level[e->level]++;
}

/* One hart's counters (or, summed, the board's). */
struct hart_counters {
    uint64_t retired, itlb_misses, dtlb_misses, walks, page_faults, sfences;
    uint64_t tlb_hits, tlb_misses, tlb_fills, tlb_evictions, tlb_flushes;
    unsigned occupancy[3]; /* what the model TLB holds at exit, per page size */
    bool jit;
    uint64_t jit_blocks, jit_insns, jit_chains, jit_flushes, jit_page_kills;
};

static void add_counters(struct hart_counters *sum, const struct cpu *c)
{
    const struct tlb_stats *t = &c->mmu.tlb.stats;
    const struct mmu_stats *ms = &c->mmu.stats;
    sum->retired += c->stats.retired;
    sum->itlb_misses += ms->itlb_misses;
    sum->dtlb_misses += ms->dtlb_misses;
    sum->walks += ms->walks;
    sum->page_faults += c->stats.page_faults;
    sum->sfences += c->stats.sfences;
    sum->tlb_hits += t->hits;
    sum->tlb_misses += t->misses;
    sum->tlb_fills += t->fills;
    sum->tlb_evictions += t->evictions;
    sum->tlb_flushes += t->flushes;
    tlb_for_each(&c->mmu.tlb, count_tlb_entry, sum->occupancy);
    const struct jit_stats *j = jit_get_stats(c);
    if (j) { /* the translator at work: blocks made, whole-cache flushes, pages rewritten */
        sum->jit = true;
        sum->jit_blocks += j->blocks;
        sum->jit_insns += j->insns;
        sum->jit_chains += j->chains;
        sum->jit_flushes += j->flushes;
        sum->jit_page_kills += j->page_kills;
    }
}

/* The board's counters, one per line ("name: value", as scripts parse them); with several
 * harts the sums, then one line per hart with its own ("hart N: name=value ..."). */
static void print_stats(const struct machine *m, double seconds)
{
    FILE *out = stderr;
    struct hart_counters all = {0};
    for (unsigned h = 0; h < m->nharts; h++)
        add_counters(&all, m->hart[h]);
    fprintf(out, "instret: %llu\n", (unsigned long long)m->instret);
    fprintf(out, "seconds: %.3f\n", seconds);
    fprintf(out, "mips: %.1f\n", seconds > 0 ? (double)m->instret / seconds / 1e6 : 0.0);
    fprintf(out, "itlb_misses: %llu\n", (unsigned long long)all.itlb_misses);
    fprintf(out, "dtlb_misses: %llu\n", (unsigned long long)all.dtlb_misses);
    fprintf(out, "walks: %llu\n", (unsigned long long)all.walks);
    fprintf(out, "page_faults: %llu\n", (unsigned long long)all.page_faults);
    fprintf(out, "sfences: %llu\n", (unsigned long long)all.sfences);
    fprintf(out, "tlb_hits: %llu\n", (unsigned long long)all.tlb_hits);
    fprintf(out, "tlb_misses: %llu\n", (unsigned long long)all.tlb_misses);
    fprintf(out, "tlb_fills: %llu\n", (unsigned long long)all.tlb_fills);
    fprintf(out, "tlb_evictions: %llu\n", (unsigned long long)all.tlb_evictions);
    fprintf(out, "tlb_flushes: %llu\n", (unsigned long long)all.tlb_flushes);
    fprintf(out, "tlb_entries_4k: %u\n", all.occupancy[0]);
    fprintf(out, "tlb_entries_2m: %u\n", all.occupancy[1]);
    fprintf(out, "tlb_entries_1g: %u\n", all.occupancy[2]);
    if (all.jit) {
        fprintf(out, "jit_blocks: %llu\n", (unsigned long long)all.jit_blocks);
        fprintf(out, "jit_insns: %llu\n", (unsigned long long)all.jit_insns);
        fprintf(out, "jit_chains: %llu\n", (unsigned long long)all.jit_chains);
        fprintf(out, "jit_flushes: %llu\n", (unsigned long long)all.jit_flushes);
        fprintf(out, "jit_page_kills: %llu\n", (unsigned long long)all.jit_page_kills);
    }
    for (unsigned h = 0; m->nharts > 1 && h < m->nharts; h++) {
        struct hart_counters one = {0};
        add_counters(&one, m->hart[h]);
        fprintf(out,
                "hart %u: instret=%llu itlb_misses=%llu dtlb_misses=%llu walks=%llu "
                "page_faults=%llu sfences=%llu tlb_hits=%llu tlb_misses=%llu tlb_fills=%llu "
                "tlb_evictions=%llu tlb_flushes=%llu tlb_entries_4k=%u tlb_entries_2m=%u "
                "tlb_entries_1g=%u",
                h, (unsigned long long)one.retired, (unsigned long long)one.itlb_misses,
                (unsigned long long)one.dtlb_misses, (unsigned long long)one.walks,
                (unsigned long long)one.page_faults, (unsigned long long)one.sfences,
                (unsigned long long)one.tlb_hits, (unsigned long long)one.tlb_misses,
                (unsigned long long)one.tlb_fills, (unsigned long long)one.tlb_evictions,
                (unsigned long long)one.tlb_flushes, one.occupancy[0], one.occupancy[1],
                one.occupancy[2]);
        if (one.jit)
            fprintf(out, " jit_blocks=%llu jit_insns=%llu", (unsigned long long)one.jit_blocks,
                    (unsigned long long)one.jit_insns);
        fputc('\n', out);
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

/* -smp N: the harts on host threads (-accel tcg,thread=multi, the default, as QEMU's) unless
 * something needs them in a fixed order on one (thread=single, the round-robin mode): guest
 * time from instructions, record/replay, a debugger, instruction logs, state hashes. */
static bool choose_run_mode(struct machine *m, const struct options *opts)
{
    const struct machine_config *cfg = &opts->machine;
    const char *needs_single = opts->record_file     ? "-record" /* it implies -icount */
                               : opts->replay_file   ? "-replay"
                               : cfg->icount         ? "-icount"
                               : opts->debug         ? "-debug"
                               : opts->gdb_port      ? "-gdb"
                               : opts->log_items     ? "-d"
                               : cfg->state_hash_every ? "-state-hash-every"
                                                     : NULL;
    if (opts->accel_thread == ACCEL_THREAD_MULTI && needs_single) {
        fprintf(stderr, "rv39: -accel tcg,thread=multi: not with %s (it needs thread=single)\n",
                needs_single);
        return false;
    }
    if (m->nharts < 2 || opts->accel_thread == ACCEL_THREAD_SINGLE || needs_single) return true;
    if (machine_threads_init(m)) return true;
    fprintf(stderr, "rv39: out of host memory for the hart threads\n");
    return false;
}

/* The run itself, on whichever thread the window leaves for it (emu/display_sdl.h). */
/* Take the machine down (translators, -d log, boot images, devices and RAM) and return
 * `status`: the one way out once the harts exist, whether the run happened or was refused. */
static int end_run(struct machine *m, int status)
{
    trace_log_close();
    for (unsigned h = 0; h < m->nharts; h++)
        jit_detach(m->hart[h]);
    boot_free();
    machine_free(m);
    return status;
}

static int run_guest(struct machine *m, void *opaque)
{
    const struct options *opts = opaque;
    return opts->debug      ? debugger_main(m)
           : opts->gdb_port ? gdbstub_main(m, opts->gdb_port, opts->start_halted)
                            : monitor_run(m); /* machine_run, with C-a c to the monitor */
}

int main(int argc, char **argv)
{
    struct options opts;
    switch (options_parse(argc, argv, &opts, stdout, stderr)) {
    case OPTIONS_RUN: /* before any device tree or decode */
        rv_ext_set(opts.extensions);
        rv_vm_set_max(opts.vm_max);
        break;
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
    if (opts.replay_file) { /* the record's timing: -icount's shift and the RTC's base */
        uint64_t ram_size;
        if (!rr_replay_config(opts.replay_file, &opts.machine.icount_shift,
                              &opts.machine.rtc_base_ns, &ram_size))
            return 2;
        opts.machine.icount = true;
    }
    const struct machine_config *cfg = &opts.machine;
    if (opts.dumpdtb) {
        int status = boot_dump_device_tree(cfg, opts.dumpdtb);
        boot_free();
        return status;
    }
    if (!cfg->kernel && (!cfg->bios || strcmp(cfg->bios, "none") == 0)) {
        fprintf(stderr, "rv39: nothing to run (give --kernel FILE or --bios FILE)\n");
        return 2;
    }
    if (cfg->append && !cfg->kernel) {
        fprintf(stderr, "rv39: -append: only allowed with -kernel (as in QEMU)\n");
        return 2;
    }
    if (cfg->initrd && !cfg->kernel) {
        fprintf(stderr, "rv39: -initrd: only allowed with -kernel (as in QEMU)\n");
        return 2;
    }

    /* The guest's console and rv39's own lines (logs, traces, the monitor's notes) share the
     * terminal through one path that keeps rv39's lines out of the guest's (console_out.h). */
    opts.machine.console = console_out_guest(stdout);
    static struct machine m; /* large (the hart's caches): keep it off the stack */
    if (!machine_init(&m, cfg)) return 2;
    for (unsigned h = 0; h < m.nharts; h++) {
        if (opts.tlb_given && !cpu_configure_tlb(m.hart[h], &opts.tlb)) {
            fprintf(stderr, "rv39: -tlb %s: cannot build this TLB (out of memory?)\n",
                    opts.tlb_spec);
            machine_free(&m);
            return 2;
        }
    }
    if (!boot_load(&m)) {
        boot_free();
        machine_free(&m);
        return 2;
    }
    m.reload = boot_load;

    if (opts.log_items && !trace_log_open(opts.log_items, opts.log_file)) {
        boot_free();
        machine_free(&m);
        return 2;
    }
    for (unsigned h = 0; h < m.nharts; h++) {
        if (opts.log_items) m.hart[h]->event_hook = trace_log_hook; /* a debugger's logs too */
        /* Under a debugger the interpreter alone runs: it stops at any instruction. A
         * debugger's replay of a full-speed log learns its slices as it ran: translated. */
        bool debugger = opts.debug || opts.gdb_port;
        if (opts.jit && (!debugger || opts.replay_file) && !trace_log_stepping() &&
            !jit_attach(m.hart[h]) && RV39_HAS_JIT) {
            fprintf(stderr, "rv39: -jit: cannot set up the translator, interpreting\n");
            break;
        }
    }
    if (opts.record_file || opts.replay_file) { /* after -jit: the record says which ran */
        bool debugger = opts.debug || opts.gdb_port;
        m.rr = opts.record_file ? rr_record_open(&m, opts.record_file, debugger)
                                : rr_replay_open(&m, opts.replay_file, debugger);
        if (!m.rr) {
            return end_run(&m, 2);
        }
        if (debugger && !rr_full_speed(m.rr)) /* stepped from the start, as it was recorded */
            for (unsigned h = 0; h < m.nharts; h++)
                jit_detach(m.hart[h]);
    }
    if (opts.loadvm_file) { /* after -jit: a restore drops translated code where it writes */
        char err[256];
        if (!snapshot_load_file(&m, opts.loadvm_file, err, sizeof err)) {
            fprintf(stderr, "rv39: %s: %s\n", opts.loadvm_file, err);
            return end_run(&m, 2);
        }
        m.resumed = true;
    }
    if (!choose_run_mode(&m, &opts)) {
        return end_run(&m, 2);
    }
    double start = now_seconds();
    char why[256];
    struct display *window = display_open(&m, opts.display, why, sizeof why);
    if (!window && opts.display == DISPLAY_SDL) {
        fprintf(stderr, "rv39: -display sdl: %s\n", why);
        boot_free();
        machine_free(&m);
        return 2;
    }
    if (!window && opts.display == DISPLAY_AUTO)
        fprintf(stderr, "rv39: %s: running without a window, as with -nographic\n", why);
    int status = window ? display_run(window, run_guest, &opts) : run_guest(&m, &opts);
    display_close(window);
    status = rr_close(m.rr, &m, status);
    m.rr = NULL;
    if (cfg->state_hash_every) machine_print_state_hash(&m); /* the state at exit */
    double seconds = now_seconds() - start;
    if (opts.screenshot && !framebuffer_screenshot(&m.fb, opts.screenshot, why, sizeof why)) {
        fprintf(stderr, "rv39: -screenshot %s: %s\n", opts.screenshot, why);
        if (status == 0) status = 2;
    }
    if (cfg->stats) print_stats(&m, seconds);

    return end_run(&m, status);
}
