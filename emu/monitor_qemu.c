/* The monitor's commands named as in QEMU's human monitor (QEMU docs, "QEMU Monitor"), with
 * QEMU's output formats where tools parse them: `info registers` (target/riscv/cpu.c,
 * riscv_cpu_dump_state), `info mem` (target/riscv/monitor.c), `gva2gpa`, `stop`, `cont`,
 * `system_reset`, `screendump`. The rest of QEMU's `info` that rv39 can answer maps onto
 * its own views (`info tlb` is rv39's TLB model: QEMU has no `info tlb` for RISC-V). */
#include "monitor.h"

#include <inttypes.h>
#include <string.h>

#include "disas.h"
#include "screenshot.h"
#include "vmmap.h"

/* The CSRs QEMU 7.2 lists after pc, in its order (M and S mode; no hypervisor). */
static const char *const dumped_csrs[] = {
    "mhartid", "mstatus", "mip",    "mie",   "mideleg", "medeleg",  "mtvec",    "stvec", "mepc",
    "sepc",    "mcause",  "scause", "mtval", "stval",   "mscratch", "sscratch", "satp",
};

static void info_registers(struct debugger *d, FILE *out)
{
    const struct cpu *c = &d->m->cpu;
    fprintf(out, " %-8s %016" PRIx64 "\n", "pc", c->pc);
    for (size_t i = 0; i < sizeof dumped_csrs / sizeof dumped_csrs[0]; i++) {
        unsigned csr;
        uint64_t v;
        if (disas_csr_number(dumped_csrs[i], &csr) && debugger_read_csr(d, csr, &v))
            fprintf(out, " %-8s %016" PRIx64 "\n", dumped_csrs[i], v);
    }
    for (unsigned i = 0; i < 32; i++) {
        char name[16];
        snprintf(name, sizeof name, "x%u/%s", i, disas_reg_name(i));
        fprintf(out, " %-8s %016" PRIx64 "%s", name, c->x[i], (i & 3) == 3 ? "\n" : "");
    }
    fprintf(out, " %-8s %016" PRIx64 "\n", "fcsr", (uint64_t)c->fcsr);
    for (unsigned i = 0; i < 32; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%u/%s", i, disas_freg_name(i));
        fprintf(out, " %-8s %016" PRIx64 "%s", name, c->f[i], (i & 3) == 3 ? "\n" : "");
    }
}

bool cmd_info(struct debugger *d, int argc, char **argv, FILE *out)
{
    const struct cpu *c = &d->m->cpu;
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "registers") == 0) {
        info_registers(d, out);
        return true;
    }
    if (strcmp(what, "mem") == 0) {
        struct walk_memory mem = {c->ram, c->ram_base, c->ram_size};
        vmmap_print_qemu(out, &mem, c->satp);
        return true;
    }
    if (strcmp(what, "tlb") == 0) return cmd_tlb(d, argc - 1, argv + 1, out);
    fprintf(out, "usage: info registers|mem|tlb\n");
    return false;
}

/* QEMU's gva2gpa: "gpa: 0x..." or "Unmapped". A fetch-only page counts as mapped, as for
 * QEMU (it asks for the physical page of any access). */
bool cmd_gva2gpa(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t va, pa;
    if (argc != 2) {
        fprintf(out, "usage: gva2gpa ADDR\n");
        return false;
    }
    if (!dbg_need_value(d, argv[1], &va, out)) return false;
    if (debugger_translate(d, va, ACCESS_READ, &pa) || debugger_translate(d, va, ACCESS_EXEC, &pa))
        fprintf(out, "gpa: 0x%" PRIx64 "\n", pa);
    else
        fprintf(out, "Unmapped\n");
    return true;
}

bool cmd_stop(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    if (d->in_gdb)
        fprintf(out, "error: under GDB, interrupt with Ctrl-C in GDB (GDB runs the hart)\n");
    else
        fprintf(out, "the guest is stopped: rv39's monitor holds it while it has the terminal\n");
    return !d->in_gdb;
}

/* As the guest's own reset through the test finisher: devices and hart back to power-on,
 * boot images loaded again (machine_service does the work). */
bool cmd_system_reset(struct debugger *d, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    struct machine *m = d->m;
    if (m->stop) {
        fprintf(out, "error: the guest has powered off (exit status %d)\n", m->exit_status);
        return false;
    }
    m->reset = true;
    bool stdin_open = m->stdin_open;
    m->stdin_open = false; /* the prompt keeps the terminal's input */
    machine_service(m);
    m->stdin_open = stdin_open;
    char sym[96];
    dbg_symbolize(d, m->cpu.pc, sym, sizeof sym);
    fprintf(out, "system reset: the hart is at 0x%" PRIx64 "%s\n", m->cpu.pc, sym);
    return true;
}

bool cmd_screenshot(struct debugger *d, int argc, char **argv, FILE *out)
{
    if (argc != 2) {
        fprintf(out, "usage: %s FILE.png\n", argv[0]);
        return true;
    }
    char err[256];
    if (framebuffer_screenshot(&d->m->fb, argv[1], err, sizeof(err)))
        fprintf(out, "framebuffer (%ux%u) written to %s\n", d->m->fb.width, d->m->fb.height,
                argv[1]);
    else
        fprintf(out, "%s: %s\n", argv[0], err);
    return true;
}
