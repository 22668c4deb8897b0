/* The board's device tree, written with libfdt's sequential-write API (emu/fdt.h).
 *
 * The tree follows QEMU 7.2's `virt` (hw/riscv/virt.c) so that a guest written against QEMU
 * finds the same nodes: the same node names and unit addresses, the same compatibles, the same
 * phandle numbers (the harts from the last down, each then its interrupt controller, then the
 * PLIC and the test finisher: with one hart 1, 2, 3, 4), and nodes in
 * the order QEMU's blob lists them (its virtio slots from the highest address down, so a guest
 * that probes in tree order meets devices in the same order on both). */
#include "fdt.h"

#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../cpu/cmo.h"
#include "../cpu/cpu.h"
#include "../cpu/ext.h"
#include "../devices/clint.h"
#include "../devices/framebuffer.h"
#include "../devices/goldfish_rtc.h"
#include "../devices/plic.h"
#include "../devices/sifive_test.h"
#include "../devices/timebase.h"
#include "../devices/uart16550.h"

/* Not in a device header (yet): QEMU virt's wiring. */
#define VIRTIO_MMIO_BASE 0x10001000ull
#define VIRTIO_MMIO_SIZE 0x1000ull
#define VIRTIO_MMIO_FIRST_IRQ 1 /* slot n raises PLIC source 1 + n */
#define UART_IRQ 10
#define UART_CLOCK_HZ 3686400 /* what QEMU advertises; our UART ignores the divisor */

/* The sifive_test finisher's commands, used by the syscon-poweroff/-reboot nodes. */
#define FINISHER_PASS 0x5555
#define FINISHER_RESET 0x7777


/* QEMU 7.2 sizes its tree buffer at 1 MiB (create_device_tree) and places it by that size. */
#define QEMU_FDT_BUFFER_SIZE (1ull << 20)
#define FDT_ALIGN (2ull << 20)
#define FDT_32BIT_LIMIT (3ull << 30)

/* The writer: every call after the first libfdt error does nothing, so building the tree
 * reads as a list of nodes and the error is checked once at the end. */
struct writer {
    void *fdt;
    int err;        /* first libfdt error (negative), 0 while all is well */
    char where[64]; /* the node or property that failed: a copy, as node names are built
                       in stack buffers that are gone by the time the error is reported */
    unsigned harts;
};

/* QEMU's phandle numbers (a guest may not rely on them, but a diff of the two trees is easier
 * to read when they agree): hw/riscv/virt.c numbers the harts' nodes from the last hart down,
 * each hart then its interrupt controller, then the PLIC, then the test finisher. */
static uint32_t phandle_cpu(const struct writer *w, unsigned hart)
{
    return 2 * (w->harts - 1 - hart) + 1;
}
static uint32_t phandle_intc(const struct writer *w, unsigned hart)
{
    return phandle_cpu(w, hart) + 1;
}
static uint32_t phandle_plic(const struct writer *w)
{
    return 2 * w->harts + 1;
}
static uint32_t phandle_test(const struct writer *w)
{
    return 2 * w->harts + 2;
}

static void check(struct writer *w, int ret, const char *what)
{
    if (ret < 0 && w->err == 0) {
        w->err = ret;
        snprintf(w->where, sizeof w->where, "%s", what);
    }
}

static void begin_node(struct writer *w, const char *name)
{
    if (!w->err) check(w, fdt_begin_node(w->fdt, name), name);
}

static void end_node(struct writer *w)
{
    if (!w->err) check(w, fdt_end_node(w->fdt), "end of node");
}

static void prop_empty(struct writer *w, const char *name)
{
    if (!w->err) check(w, fdt_property(w->fdt, name, NULL, 0), name);
}

static void prop_bytes(struct writer *w, const char *name, const uint8_t *bytes, size_t n)
{
    if (!w->err) check(w, fdt_property(w->fdt, name, bytes, (int)n), name);
}

static void prop_u32(struct writer *w, const char *name, uint32_t value)
{
    if (!w->err) check(w, fdt_property_u32(w->fdt, name, value), name);
}

static void prop_string(struct writer *w, const char *name, const char *value)
{
    if (!w->err) check(w, fdt_property_string(w->fdt, name, value), name);
}

/* A <stringlist>: the strings back to back, each with its NUL (DT spec 2.2.4). */
static void prop_strings(struct writer *w, const char *name, const char *const *list, size_t n)
{
    char buf[512]; /* riscv,isa-extensions: some 30 names */
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t one = strlen(list[i]) + 1;
        if (len + one > sizeof buf) {
            check(w, -FDT_ERR_NOSPACE, name);
            return;
        }
        memcpy(buf + len, list[i], one);
        len += one;
    }
    if (!w->err) check(w, fdt_property(w->fdt, name, buf, (int)len), name);
}

/* A <prop-encoded-array> of 32-bit cells, big-endian (DT spec 2.2.4). */
static void prop_cells(struct writer *w, const char *name, const uint32_t *cells, size_t n)
{
    fdt32_t be[32]; /* the longest: /pmu's raw-event map */
    if (n > sizeof be / sizeof be[0]) {
        check(w, -FDT_ERR_NOSPACE, name);
        return;
    }
    for (size_t i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    if (!w->err) check(w, fdt_property(w->fdt, name, be, (int)(n * sizeof be[0])), name);
}

/* reg = <address size> with #address-cells = #size-cells = 2, as everywhere in this tree. */
static void prop_reg(struct writer *w, uint64_t base, uint64_t size)
{
    const uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
                               (uint32_t)size};
    prop_cells(w, "reg", cells, 4);
}

#define STRINGS(...) ((const char *const[]){__VA_ARGS__})
#define COUNT(...) (sizeof(STRINGS(__VA_ARGS__)) / sizeof(const char *))
#define PROP_STRINGS(w, name, ...) prop_strings(w, name, STRINGS(__VA_ARGS__), COUNT(__VA_ARGS__))

/* /chosen: what the boot loader would pass (DT spec 3.6). */
static void add_chosen(struct writer *w, const struct fdt_board *b)
{
    char stdout_path[48];
    snprintf(stdout_path, sizeof stdout_path, "/soc/serial@%llx", (unsigned long long)UART_BASE);
    begin_node(w, "chosen");
    if (b->bootargs) prop_string(w, "bootargs", b->bootargs);
    if (b->initrd_end > b->initrd_start) {
        /* Linux reads these with as many cells as they have (drivers/of/fdt.c); two cells
         * hold any physical address. */
        const uint32_t start[2] = {(uint32_t)(b->initrd_start >> 32), (uint32_t)b->initrd_start};
        const uint32_t end[2] = {(uint32_t)(b->initrd_end >> 32), (uint32_t)b->initrd_end};
        prop_cells(w, "linux,initrd-start", start, 2);
        prop_cells(w, "linux,initrd-end", end, 2);
    }
    if (b->rng_seed) prop_bytes(w, "rng-seed", b->rng_seed, FDT_RNG_SEED_SIZE);
    prop_string(w, "stdout-path", stdout_path);
    end_node(w);
}

/* Power-off and reboot are writes of a magic value to the finisher (Linux bindings
 * power/reset/syscon-poweroff.yaml and syscon-reboot.yaml). */
static void add_syscon_action(struct writer *w, const char *node, const char *compatible,
                              uint32_t value)
{
    begin_node(w, node);
    prop_u32(w, "value", value);
    prop_u32(w, "offset", 0);
    prop_u32(w, "regmap", phandle_test(w));
    prop_string(w, "compatible", compatible);
    end_node(w);
}

/* The SBI PMU's event-to-counter map, where QEMU's virt has it (a /pmu node, compatible
 * "riscv,pmu") for an OpenSBI given as -bios: its generic platform offers for an SBI event only
 * the counters a row names (<first_idx last_idx counter_mask>), writes mhpmevent = the event
 * index unless event-to-mhpmevent says otherwise (<idx select_hi select_lo>), and for a raw
 * event writes its event_data where raw-event-to-mhpmcounters lets it (<select_hi select_lo
 * mask_hi mask_lo counter_mask>). rv39's numbers are cpu/csr_counters.c's; its own firmware
 * knows them itself (firmware/sbi/pmu.c). */
static void add_pmu(struct writer *w)
{
    const uint32_t hpm = 0xfffffff8u; /* hpmcounter3..31: any counts any event */
    const uint32_t to_counters[] = {
        0x00001, 0x00001, hpm | 1u << 0, /* cycles: cycle too */
        0x00002, 0x00002, hpm | 1u << 2, /* instructions: instret too */
        0x10019, 0x10019, hpm,           /* dTLB read miss */
        0x1001b, 0x1001b, hpm,           /* dTLB write miss */
        0x10021, 0x10021, hpm,           /* iTLB read miss */
    };
    const uint32_t to_mhpmevent[] = {0x10019, 0, 0x20002, 0x1001b, 0, 0x20002}; /* dTLB misses */
    uint32_t raw[5 * 5]; /* rv39's MMU events 0x20001..0x20005, each exactly */
    for (uint32_t i = 0; i < 5; i++) {
        const uint32_t row[5] = {0, 0x20001 + i, 0xffffffffu, 0xffffffffu, hpm};
        memcpy(&raw[5 * i], row, sizeof row);
    }
    begin_node(w, "pmu");
    prop_string(w, "compatible", "riscv,pmu");
    prop_cells(w, "riscv,event-to-mhpmcounters", to_counters,
               sizeof to_counters / sizeof to_counters[0]);
    prop_cells(w, "riscv,event-to-mhpmevent", to_mhpmevent,
               sizeof to_mhpmevent / sizeof to_mhpmevent[0]);
    prop_cells(w, "riscv,raw-event-to-mhpmcounters", raw, sizeof raw / sizeof raw[0]);
    end_node(w);
}

static void add_memory(struct writer *w, const struct fdt_board *b)
{
    char name[32];
    snprintf(name, sizeof name, "memory@%llx", (unsigned long long)b->ram_base);
    begin_node(w, name);
    prop_string(w, "device_type", "memory");
    prop_reg(w, b->ram_base, b->ram_size);
    end_node(w);
}

/* The extensions the hart implements, in the canonical order of the unprivileged spec's "ISA
 * Extension Naming Conventions" (single letters first, then Z* by category, then S*): one
 * list feeds both riscv,isa and riscv,isa-extensions (Linux binding riscv/extensions.yaml).
 * Zicntr: cycle, time, instret; Zihpm: hpmcounter3..31 (rv39 counts MMU events in 3..7). */
/* The hart's extensions, from the one table (cpu/ext.h), in the ISA string's order. */
static size_t isa_extensions(const char **names)
{
    size_t n = 0;
    for (unsigned e = 0; e < EXT_COUNT; e++) {
        if (rv_ext_enabled((enum rv_ext)e))
            names[n++] = ext_table[e].name;
        else if (e == EXT_SVADU)
            /* Without Svadu the walk raises a page fault where A or D would be set: that is
             * Svade (priv spec "Svade"), which the Linux binding (riscv/extensions.yaml) wants
             * named rather than assumed. Its place in the order is Svadu's. */
            names[n++] = "svade";
    }
    return n;
}

/* riscv,isa: "rv64" + the single-letter extensions, then "_" before each multi-letter one. */
static void isa_string(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t len = (size_t)snprintf(buf, size, "rv64");
    for (size_t i = 0; i < n && len < size; i++) {
        const char *ext = names[i];
        len += (size_t)snprintf(buf + len, size - len, "%s%s", ext[1] ? "_" : "", ext);
    }
}

/* /cpus/cpu@N: one hart with what rv39 implements (Linux binding riscv/cpus.yaml). */
static void add_cpu(struct writer *w, unsigned hart)
{
    char name[16];
    snprintf(name, sizeof name, "cpu@%u", hart);
    begin_node(w, name);
    prop_u32(w, "phandle", phandle_cpu(w, hart));
    prop_string(w, "device_type", "cpu");
    prop_u32(w, "reg", hart); /* the hart's mhartid */
    prop_string(w, "status", "okay");
    prop_string(w, "compatible", "riscv");
    const char *exts[EXT_COUNT];
    size_t n = isa_extensions(exts);
    char isa[512];
    isa_string(isa, sizeof isa, exts, n);
    prop_string(w, "riscv,isa", isa);
    /* The newer form of the same facts (Linux 6.7+ reads these first). */
    prop_string(w, "riscv,isa-base", "rv64i");
    prop_strings(w, "riscv,isa-extensions", exts, n);
    /* Cache-block sizes for Zicbom/Zicboz/Zicbop (binding riscv/cpus.yaml), as QEMU's virt
     * gives them: CMOs act on 64-byte blocks (cpu/cmo.h). */
    if (rv_ext_enabled(EXT_ZICBOM)) prop_u32(w, "riscv,cbom-block-size", CMO_BLOCK_SIZE);
    if (rv_ext_enabled(EXT_ZICBOZ)) prop_u32(w, "riscv,cboz-block-size", CMO_BLOCK_SIZE);
    if (rv_ext_enabled(EXT_ZICBOP)) prop_u32(w, "riscv,cbop-block-size", CMO_BLOCK_SIZE);
    /* The widest translation mode (binding riscv/cpus.yaml: riscv,sv39/sv48/sv57), which Linux
     * takes as the mode to start from. QEMU 8 writes its hart's widest the same way; QEMU 7.2
     * writes "riscv,sv48" although its hart accepts Sv57 in satp (Linux probes and takes it). */
    static const char *const mmu_types[] = {"riscv,sv39", "riscv,sv48", "riscv,sv57"};
    prop_string(w, "mmu-type", mmu_types[rv_vm_max() - RV_VM_SV39]);

    /* The hart-local interrupt controller: its interrupt numbers are mcause codes
     * (privileged spec, "Machine Cause Register"); binding riscv/cpus.yaml. */
    begin_node(w, "interrupt-controller");
    prop_u32(w, "#interrupt-cells", 1);
    /* QEMU omits this; without it dtc warns (interrupt_provider), and the binding allows 0. */
    prop_u32(w, "#address-cells", 0);
    prop_empty(w, "interrupt-controller");
    prop_string(w, "compatible", "riscv,cpu-intc");
    prop_u32(w, "phandle", phandle_intc(w, hart));
    end_node(w);
    end_node(w); /* cpu@N */
}

/* /cpus: every hart, and the topology as QEMU's virt gives it by default: one cluster with
 * one core per hart (binding cpu/cpu-topology.txt). */
static void add_cpus(struct writer *w)
{
    begin_node(w, "cpus");
    prop_u32(w, "#address-cells", 1);
    prop_u32(w, "#size-cells", 0);
    prop_u32(w, "timebase-frequency", (uint32_t)TIMEBASE_HZ);
    for (unsigned h = 0; h < w->harts; h++)
        add_cpu(w, h);

    begin_node(w, "cpu-map");
    begin_node(w, "cluster0");
    for (unsigned h = 0; h < w->harts; h++) {
        char name[16];
        snprintf(name, sizeof name, "core%u", h);
        begin_node(w, name);
        prop_u32(w, "cpu", phandle_cpu(w, h));
        end_node(w);
    }
    end_node(w);
    end_node(w);

    end_node(w); /* cpus */
}

/* A device whose one interrupt goes to the PLIC; clock_hz 0 = no clock-frequency. */
static void add_plic_device(struct writer *w, const char *kind, uint64_t base, uint64_t size,
                            uint32_t irq, const char *compatible, uint32_t clock_hz)
{
    char name[48];
    snprintf(name, sizeof name, "%s@%llx", kind, (unsigned long long)base);
    begin_node(w, name);
    prop_u32(w, "interrupts", irq);
    prop_u32(w, "interrupt-parent", phandle_plic(w));
    if (clock_hz) prop_u32(w, "clock-frequency", clock_hz);
    prop_reg(w, base, size);
    prop_string(w, "compatible", compatible);
    end_node(w);
}

static void add_soc(struct writer *w, const struct fdt_board *b)
{
    char name[48];
    begin_node(w, "soc");
    prop_u32(w, "#address-cells", 2);
    prop_u32(w, "#size-cells", 2);
    prop_string(w, "compatible", "simple-bus");
    prop_empty(w, "ranges"); /* child addresses are physical addresses */

    add_plic_device(w, "serial", UART_BASE, UART_SIZE, UART_IRQ, "ns16550a", UART_CLOCK_HZ);
    add_plic_device(w, "rtc", GOLDFISH_RTC_BASE, GOLDFISH_RTC_SIZE, GOLDFISH_RTC_IRQ,
                    "google,goldfish-rtc", 0);

    snprintf(name, sizeof name, "test@%llx", (unsigned long long)SIFIVE_TEST_BASE);
    begin_node(w, name);
    prop_u32(w, "phandle", phandle_test(w));
    prop_reg(w, SIFIVE_TEST_BASE, SIFIVE_TEST_SIZE);
    PROP_STRINGS(w, "compatible", "sifive,test1", "sifive,test0", "syscon");
    end_node(w);

    for (unsigned i = b->virtio_slots; i-- > 0;)
        add_plic_device(w, "virtio_mmio", VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SIZE, VIRTIO_MMIO_SIZE,
                        VIRTIO_MMIO_FIRST_IRQ + i, "virtio,mmio", 0);

    /* A linear framebuffer a guest can draw into at once (Linux binding
     * display/simple-framebuffer.yaml: reg, width, height, stride, format). */
    if (b->fb_size) {
        snprintf(name, sizeof name, "framebuffer@%llx", (unsigned long long)b->fb_base);
        begin_node(w, name);
        prop_string(w, "compatible", "simple-framebuffer");
        prop_reg(w, b->fb_base, b->fb_size);
        prop_u32(w, "width", b->fb_width);
        prop_u32(w, "height", b->fb_height);
        prop_u32(w, "stride", b->fb_stride);
        prop_string(w, "format", FB_FORMAT);
        end_node(w);
    }

    /* PLIC contexts 2h and 2h+1 drive hart h's M- and S-mode external interrupts (binding
     * interrupt-controller/sifive,plic-1.0.0.yaml: the n-th pair of interrupts-extended is
     * context n; QEMU virt's context order). */
    snprintf(name, sizeof name, "plic@%llx", (unsigned long long)PLIC_BASE);
    begin_node(w, name);
    prop_u32(w, "phandle", phandle_plic(w));
    prop_u32(w, "riscv,ndev", PLIC_SOURCES - 1); /* highest source id: ids 1..ndev exist */
    prop_reg(w, PLIC_BASE, PLIC_SIZE);
    uint32_t irqs[4 * PLIC_MAX_HARTS];
    for (unsigned h = 0; h < w->harts; h++) {
        irqs[4 * h] = irqs[4 * h + 2] = phandle_intc(w, h);
        irqs[4 * h + 1] = IRQ_MEI;
        irqs[4 * h + 3] = IRQ_SEI;
    }
    prop_cells(w, "interrupts-extended", irqs, 4 * w->harts);
    prop_empty(w, "interrupt-controller");
    PROP_STRINGS(w, "compatible", "sifive,plic-1.0.0", "riscv,plic0");
    prop_u32(w, "#address-cells", 0);
    prop_u32(w, "#interrupt-cells", 1);
    end_node(w);

    /* The CLINT raises each hart's M-mode software and timer interrupts, in hart order
     * (binding timer/sifive,clint.yaml). */
    snprintf(name, sizeof name, "clint@%llx", (unsigned long long)CLINT_BASE);
    begin_node(w, name);
    for (unsigned h = 0; h < w->harts; h++) {
        irqs[4 * h] = irqs[4 * h + 2] = phandle_intc(w, h);
        irqs[4 * h + 1] = IRQ_MSI;
        irqs[4 * h + 3] = IRQ_MTI;
    }
    prop_cells(w, "interrupts-extended", irqs, 4 * w->harts);
    prop_reg(w, CLINT_BASE, CLINT_SIZE);
    PROP_STRINGS(w, "compatible", "sifive,clint0", "riscv,clint0");
    end_node(w);

    end_node(w); /* soc */
}

size_t fdt_build(const struct fdt_board *b, void *buf, size_t bufsize)
{
    if (bufsize > INT32_MAX) bufsize = INT32_MAX;
    unsigned harts = b->harts ? b->harts : 1;
    if (harts > PLIC_MAX_HARTS || harts > CLINT_MAX_HARTS) {
        fprintf(stderr, "rv39: device tree: %u harts, at most %u\n", harts, PLIC_MAX_HARTS);
        return 0;
    }
    struct writer w = {.fdt = buf, .err = 0, .where = "header", .harts = harts};
    check(&w, fdt_create(buf, (int)bufsize), "header");
    if (!w.err) check(&w, fdt_finish_reservemap(buf), "memory reservation map");

    begin_node(&w, ""); /* the root */
    prop_u32(&w, "#address-cells", 2);
    prop_u32(&w, "#size-cells", 2);
    prop_string(&w, "compatible", "riscv-virtio");
    prop_string(&w, "model", "riscv-virtio,qemu"); /* QEMU's: some guests match on it */
    add_chosen(&w, b);
    add_syscon_action(&w, "poweroff", "syscon-poweroff", FINISHER_PASS);
    add_syscon_action(&w, "reboot", "syscon-reboot", FINISHER_RESET);
    add_memory(&w, b);
    add_pmu(&w);
    add_cpus(&w);
    add_soc(&w, b);
    end_node(&w);

    if (!w.err) check(&w, fdt_finish(buf), "finish");
    if (!w.err) check(&w, fdt_pack(buf), "pack");
    if (w.err) {
        fprintf(stderr, "rv39: device tree: %s: %s\n", w.where, fdt_strerror(w.err));
        return 0;
    }
    return fdt_totalsize(buf);
}

uint64_t fdt_place(uint64_t ram_base, uint64_t ram_size, size_t dtb_size)
{
    uint64_t size = dtb_size < QEMU_FDT_BUFFER_SIZE ? QEMU_FDT_BUFFER_SIZE : dtb_size;
    uint64_t top = ram_base + ram_size;
    /* Keep it where a 32-bit guest can reach it, as long as RAM starts below that. */
    if (ram_base < FDT_32BIT_LIMIT && top > FDT_32BIT_LIMIT) top = FDT_32BIT_LIMIT;
    if (top - ram_base < size) return ram_base;
    uint64_t addr = (top - size) & ~(FDT_ALIGN - 1);
    return addr < ram_base ? ram_base : addr;
}

/* Every property's name lies in the strings block. libfdt 1.6's fdt_check_full dereferences a
 * name it could not resolve (a NULL pointer: found by fuzz_dtb), so this walk, which only
 * uses libfdt's bounds-checked tag reader, comes first. */
static bool property_names_resolve(const void *fdt)
{
    int offset = 0, next;
    for (;;) {
        uint32_t tag = fdt_next_tag(fdt, offset, &next);
        if (tag == FDT_END) return next >= 0;
        if (next < 0) return false;
        if (tag == FDT_PROP) {
            /* tag, len, nameoff: read bytewise */
            const uint8_t *p = fdt_offset_ptr(fdt, offset, 3 * sizeof(fdt32_t));
            fdt32_t nameoff;
            int len;
            if (!p) return false;
            memcpy(&nameoff, p + 2 * sizeof(fdt32_t), sizeof nameoff);
            if (!fdt_get_string(fdt, (int)fdt32_to_cpu(nameoff), &len)) return false;
        }
        offset = next;
    }
}

size_t fdt_adopt(const void *given, size_t given_size, const struct fdt_board *b, void *buf,
                 size_t bufsize)
{
    /* The file is the user's: the whole blob is checked once, structure block and strings
     * included, before any libfdt call walks it (fuzz_dtb feeds this path). */
    if (given_size < sizeof(struct fdt_header) || fdt_check_header(given) != 0 ||
        fdt_totalsize(given) > given_size) {
        fprintf(stderr, "rv39: -dtb: not a device tree blob (bad header)\n");
        return 0;
    }
    /* Versions before 17 (v16's full-path node names and older) are what libfdt's checker
     * handles worst (a NULL dereference: fuzz_dtb) and what no current tool writes. */
    /* The blocks where dtc and the spec put them (Devicetree Specification 5.1: the
     * reservation map 8-byte aligned, the structure block 4-byte aligned); libfdt reads them
     * as aligned words. */
    if (fdt_off_mem_rsvmap(given) % 8 || fdt_off_dt_struct(given) % 4) {
        fprintf(stderr, "rv39: -dtb: a damaged device tree blob (misaligned blocks)\n");
        return 0;
    }
    if (fdt_version(given) < 17) {
        fprintf(stderr, "rv39: -dtb: device tree format version %u (17 expected, as dtc writes)\n",
                (unsigned)fdt_version(given));
        return 0;
    }
    if (!property_names_resolve(given) || fdt_check_full(given, given_size) != 0) {
        fprintf(stderr, "rv39: -dtb: a damaged device tree blob (%s)\n",
                fdt_strerror(fdt_check_full(given, given_size)));
        return 0;
    }
    if (bufsize > INT32_MAX) bufsize = INT32_MAX;
    int err = fdt_open_into(given, buf, (int)bufsize);
    const char *what = "copy";
    int chosen = err < 0 ? err : fdt_path_offset(buf, "/chosen");
    if (chosen == -FDT_ERR_NOTFOUND) chosen = fdt_add_subnode(buf, 0, "chosen");
    if (chosen < 0) {
        err = chosen;
        what = "/chosen";
    }
    /* QEMU with -dtb keeps the given tree and sets what its command line says in /chosen. */
    if (err >= 0 && b->bootargs) {
        err = fdt_setprop_string(buf, chosen, "bootargs", b->bootargs);
        what = "bootargs";
    }
    if (err >= 0 && b->initrd_end > b->initrd_start) {
        err = fdt_setprop_u64(buf, chosen, "linux,initrd-start", b->initrd_start);
        if (err >= 0) err = fdt_setprop_u64(buf, chosen, "linux,initrd-end", b->initrd_end);
        what = "linux,initrd-start/-end";
    }
    if (err >= 0 && b->rng_seed) {
        err = fdt_setprop(buf, chosen, "rng-seed", b->rng_seed, FDT_RNG_SEED_SIZE);
        what = "rng-seed";
    }
    if (err >= 0) {
        err = fdt_pack(buf);
        what = "pack";
    }
    if (err < 0) {
        fprintf(stderr, "rv39: -dtb: %s: %s\n", what, fdt_strerror(err));
        return 0;
    }
    return fdt_totalsize(buf);
}
