/* The monitor's commands named as in QEMU's human monitor (QEMU docs, "QEMU Monitor"), with
 * QEMU's output formats where tools parse them: `info registers` (target/riscv/cpu.c,
 * riscv_cpu_dump_state), `info mem` (target/riscv/monitor.c), `gva2gpa`, `stop`, `cont`,
 * `system_reset`, `screendump`. The rest of QEMU's `info` that rv39 can answer maps onto
 * its own views (`info tlb` is rv39's TLB model: QEMU has no `info tlb` for RISC-V). */
#include "monitor.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../cpu/csr_table.h"
#include "disas.h"
#include "screenshot.h"
#include "vmmap.h"

static void info_registers(struct debugger *d, FILE *out)
{
    const struct cpu *c = machine_selected(d->m);
    fprintf(out, " %-8s %016" PRIx64 "\n", "pc", c->pc);
    /* The CSRs QEMU 7.2 lists after pc, in its order: the table's `info` column. */
    for (unsigned place = 1; place < CSR_ROWS; place++) {
        for (unsigned row = 0; row < CSR_ROWS; row++) {
            uint64_t v;
            if (csr_table[row].info == place && debugger_read_csr(d, csr_table[row].number, &v))
                fprintf(out, " %-8s %016" PRIx64 "\n", csr_table[row].name, v);
        }
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

/* QEMU's `info cpus` as its human monitor printed it with the pc ("* CPU #0: pc=0x..."):
 * one line per hart, '*' on the selected one, " (halted)" for a hart in wfi. */
bool dbg_print_harts(struct debugger *d, FILE *out)
{
    const struct machine *m = d->m;
    for (unsigned h = 0; h < m->nharts; h++) {
        const struct cpu *c = m->hart[h];
        fprintf(out, "%c CPU #%u: pc=0x%016" PRIx64 "%s\n", h == m->selected ? '*' : ' ', h, c->pc,
                c->wfi ? " (halted)" : "");
    }
    return true;
}

bool cmd_info(struct debugger *d, int argc, char **argv, FILE *out)
{
    const struct cpu *c = machine_selected(d->m);
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "registers") == 0 && argc > 2 && strcmp(argv[2], "-a") == 0) {
        /* QEMU's `info registers -a`: every hart, each under a "CPU#N" line. */
        unsigned selected = d->m->selected;
        for (unsigned h = 0; h < d->m->nharts; h++) {
            d->m->selected = h;
            fprintf(out, "\nCPU#%u\n", h);
            info_registers(d, out);
        }
        d->m->selected = selected;
        return true;
    }
    if (strcmp(what, "registers") == 0) {
        info_registers(d, out);
        return true;
    }
    if (strcmp(what, "mem") == 0) {
        const struct guest_ram mem = c->mmu.ram;
        vmmap_print_qemu(out, &mem, c->satp, c->mmu.state.pbmte, c->mmu.svnapot);
        return true;
    }
    if (strcmp(what, "tlb") == 0) return cmd_tlb(d, argc - 1, argv + 1, out);
    if (strcmp(what, "cpus") == 0 || strcmp(what, "harts") == 0) return dbg_print_harts(d, out);
    fprintf(out, "usage: info registers [-a]|mem|tlb|cpus\n");
    return false;
}

/* QEMU's gva2gpa: "gpa: 0x..." or "Unmapped". Translated as a load at the hart's data
 * privilege, as QEMU's get_phys_page_debug does: an execute-only page is "Unmapped" (without
 * MXR a load could not use it); `walk VA x` shows the fetch's view. */
bool cmd_gva2gpa(struct debugger *d, int argc, char **argv, FILE *out)
{
    uint64_t va, pa;
    if (argc != 2) {
        fprintf(out, "usage: gva2gpa ADDR\n");
        return false;
    }
    if (!dbg_need_value(d, argv[1], &va, out)) return false;
    if (debugger_translate(d, va, ACCESS_READ, &pa))
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
    dbg_symbolize(d, machine_selected(m)->pc, sym, sizeof sym);
    fprintf(out, "system reset: the hart is at 0x%" PRIx64 "%s\n", machine_selected(m)->pc, sym);
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

/* QEMU's monitor_printc: quoted, with C escapes for the unprintable. */
static void print_char(FILE *out, uint8_t c)
{
    switch (c) {
    case '\'': fprintf(out, " '\\''"); break;
    case '\\': fprintf(out, " '\\\\'"); break;
    case '\n': fprintf(out, " '\\n'"); break;
    case '\r': fprintf(out, " '\\r'"); break;
    default:
        if (c >= 32 && c <= 126)
            fprintf(out, " '%c'", c);
        else
            fprintf(out, " '\\x%02x'", c);
    }
}

static bool read_memory(struct debugger *d, uint64_t addr, void *buf, size_t len, bool physical)
{
    if (!physical) return debugger_read_virtual(d, addr, buf, len);
    const uint8_t *h = machine_ram_ptr(d->m, addr, len);
    if (h) memcpy(buf, h, len);
    return h != NULL;
}

/* QEMU's memory_dump (monitor/hmp-cmds-target.c), its layout: the address as 16 hex digits
 * and a colon, then up to 16 bytes of values a line (8 for bytes), each after one space:
 * x as 0x and 2/4/8/16 digits, d and u right-aligned, o with a leading 0, c as the character.
 * i disassembles. */
bool qemu_memory_dump(struct debugger *d, const char *format, uint64_t addr, bool physical,
                      FILE *out)
{
    unsigned long count = 1;
    char fmt = 'x';
    unsigned size = 4;
    const char *p = format;
    if (*p >= '0' && *p <= '9') count = strtoul(p, (char **)&p, 10);
    for (; *p; p++) {
        if (strchr("xduoci", *p))
            fmt = *p;
        else if (strchr("bhwg", *p))
            size = *p == 'b' ? 1 : *p == 'h' ? 2 : *p == 'w' ? 4 : 8;
        else {
            fprintf(out, "error: '%c' in /%s is not a format (x d u o c i) or size (b h w g)\n", *p,
                    format);
            return false;
        }
    }
    if (count > 4096) count = 4096;
    if (fmt == 'i') {
        if (physical) {
            fprintf(out, "error: xp /i: disassemble virtual addresses (x /i, disas)\n");
            return false;
        }
        for (unsigned long i = 0; i < count; i++)
            dbg_print_insn(d, addr, out, &addr);
        return true;
    }
    /* As QEMU: the length and line size come from the unit size before 'c' makes it 1. */
    uint64_t len = count * size, line = size == 1 ? 8 : 16;
    if (fmt == 'c') size = 1;
    unsigned digits = fmt == 'o'   ? (size * 8 + 2) / 3
                      : fmt == 'x' ? size * 2
                      : fmt == 'c' ? 1
                                   : (size * 80 + 32) / 33;
    for (; len > 0;) {
        uint64_t n = len < line ? len : line;
        uint8_t buf[16];
        if (!read_memory(d, addr, buf, n, physical)) {
            fprintf(out, "Cannot access memory\n");
            return false;
        }
        fprintf(out, "%016" PRIx64 ":", addr);
        for (uint64_t i = 0; i < n; i += size) {
            uint64_t v = 0;
            memcpy(&v, buf + i, size); /* little-endian host and guest */
            int64_t sv =
                size == 8 ? (int64_t)v : (int64_t)(v << (64 - 8 * size)) >> (64 - 8 * size);
            switch (fmt) {
            case 'x': fprintf(out, " 0x%0*" PRIx64, (int)digits, v); break;
            case 'o': fprintf(out, " %#*" PRIo64, (int)digits, v); break;
            case 'u': fprintf(out, " %*" PRIu64, (int)digits, v); break;
            case 'd': fprintf(out, " %*" PRId64, (int)digits, sv); break;
            case 'c': print_char(out, (uint8_t)v); break;
            }
        }
        fputc('\n', out);
        addr += n;
        len -= n;
    }
    return true;
}
