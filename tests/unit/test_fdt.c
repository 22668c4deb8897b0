/* The device tree (emu/fdt.c), read back with libfdt the way a guest reads it: the nodes QEMU
 * 7.2's virt board has (minus the devices rv39 lacks), with properties that follow the Linux
 * bindings, and the DTB's placement in RAM (QEMU's hw/riscv/boot.c rule). */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "emu/fdt.h"

#define RAM_BASE 0x80000000ull
#define MiB (1ull << 20)
#define GiB (1ull << 30)

static uint8_t blob[FDT_MAX_SIZE];

static const void *build(uint64_t ram_size, const char *bootargs)
{
    const struct fdt_board b = {
        .ram_base = RAM_BASE, .ram_size = ram_size, .bootargs = bootargs, .virtio_slots = 8};
    size_t size = fdt_build(&b, blob, sizeof blob);
    cr_assert_gt(size, 0, "fdt_build must succeed for the default board");
    cr_assert_eq(fdt_check_header(blob), 0, "the DTB header must be valid");
    cr_assert_eq(fdt_totalsize(blob), size, "fdt_build returns the DTB's totalsize");
    return blob;
}

static int node(const void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);
    cr_assert_geq(off, 0, "node %s must exist (%s)", path, fdt_strerror(off));
    return off;
}

/* The property's cells, host order; asserts it has exactly n of them. */
static void cells(const void *fdt, const char *path, const char *prop, uint32_t *out, int n)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node(fdt, path), prop, &len);
    cr_assert_not_null(p, "%s must have %s", path, prop);
    cr_assert_eq(len, n * 4, "%s %s: %d bytes, expected %d cells", path, prop, len, n);
    for (int i = 0; i < n; i++)
        out[i] = fdt32_to_cpu(p[i]);
}

static uint32_t u32(const void *fdt, const char *path, const char *prop)
{
    uint32_t v;
    cells(fdt, path, prop, &v, 1);
    return v;
}

static const char *str(const void *fdt, const char *path, const char *prop)
{
    int len;
    const char *s = fdt_getprop(fdt, node(fdt, path), prop, &len);
    cr_assert_not_null(s, "%s must have %s", path, prop);
    cr_assert(len > 0 && s[len - 1] == '\0', "%s %s must be a NUL-terminated string", path, prop);
    return s;
}

static void assert_compatible(const void *fdt, const char *path, const char *compatible)
{
    cr_assert_eq(fdt_node_check_compatible(fdt, node(fdt, path), compatible), 0,
                 "%s must be compatible with \"%s\"", path, compatible);
}

/* reg with #address-cells = #size-cells = 2 */
static void assert_reg(const void *fdt, const char *path, uint64_t base, uint64_t size)
{
    uint32_t r[4];
    cells(fdt, path, "reg", r, 4);
    cr_assert_eq(((uint64_t)r[0] << 32) | r[1], base, "%s reg base", path);
    cr_assert_eq(((uint64_t)r[2] << 32) | r[3], size, "%s reg size", path);
}

static uint32_t phandle_of(const void *fdt, const char *path)
{
    uint32_t ph = fdt_get_phandle(fdt, node(fdt, path));
    cr_assert_neq(ph, 0, "%s must have a phandle", path);
    return ph;
}

#define CPU_INTC "/cpus/cpu@0/interrupt-controller"

Test(fdt, root_identifies_as_qemu_virt)
{
    const void *fdt = build(128 * MiB, NULL);
    cr_assert_eq(u32(fdt, "/", "#address-cells"), 2);
    cr_assert_eq(u32(fdt, "/", "#size-cells"), 2);
    cr_assert_str_eq(str(fdt, "/", "compatible"), "riscv-virtio");
    cr_assert_str_eq(str(fdt, "/", "model"), "riscv-virtio,qemu",
                     "guests match QEMU's model string");
}

Test(fdt, memory_reg_is_ram_base_and_size)
{
    const void *fdt = build(128 * MiB, NULL);
    cr_assert_str_eq(str(fdt, "/memory@80000000", "device_type"), "memory");
    assert_reg(fdt, "/memory@80000000", RAM_BASE, 128 * MiB);
    /* A size past 32 bits needs both size cells. */
    fdt = build(4 * GiB, NULL);
    assert_reg(fdt, "/memory@80000000", RAM_BASE, 4 * GiB);
}

Test(fdt, bootargs_present_only_when_given)
{
    const void *fdt = build(128 * MiB, "console=ttyS0 root=/dev/vda rw");
    cr_assert_str_eq(str(fdt, "/chosen", "bootargs"), "console=ttyS0 root=/dev/vda rw");
    fdt = build(128 * MiB, NULL);
    cr_assert_null(fdt_getprop(fdt, node(fdt, "/chosen"), "bootargs", NULL),
                   "no -append, no /chosen/bootargs (as QEMU)");
}

/* QEMU 7.2's virt passes 32 random bytes in /chosen/rng-seed (its own tree and -dtb's). */
Test(fdt, rng_seed_is_passed_in_chosen_when_given)
{
    uint8_t seed[FDT_RNG_SEED_SIZE];
    for (size_t i = 0; i < sizeof seed; i++)
        seed[i] = (uint8_t)(0xa5 ^ i * 7);
    const struct fdt_board b = {
        .ram_base = RAM_BASE, .ram_size = 128 * MiB, .virtio_slots = 8, .rng_seed = seed};
    cr_assert_gt(fdt_build(&b, blob, sizeof blob), 0);
    int len;
    const void *p = fdt_getprop(blob, node(blob, "/chosen"), "rng-seed", &len);
    cr_assert_not_null(p, "/chosen must have rng-seed when the board has one");
    cr_assert_eq(len, FDT_RNG_SEED_SIZE, "rng-seed: %d bytes, expected 32", len);
    cr_assert_eq(memcmp(p, seed, sizeof seed), 0, "rng-seed must hold the board's bytes");

    /* -dtb: a tree without a seed gets the board's. */
    static uint8_t given[FDT_MAX_SIZE], adopted[FDT_MAX_SIZE];
    const void *plain = build(128 * MiB, NULL);
    cr_assert_null(fdt_getprop(plain, node(plain, "/chosen"), "rng-seed", NULL),
                   "no seed given, no rng-seed property");
    memcpy(given, plain, fdt_totalsize(plain));
    cr_assert_gt(fdt_adopt(given, fdt_totalsize(given), &b, adopted, sizeof adopted), 0);
    p = fdt_getprop(adopted, node(adopted, "/chosen"), "rng-seed", &len);
    cr_assert(p && len == FDT_RNG_SEED_SIZE && memcmp(p, seed, sizeof seed) == 0,
              "-dtb's tree must get the board's rng-seed, as QEMU sets it");
}

Test(fdt, stdout_path_resolves_to_the_uart)
{
    const void *fdt = build(128 * MiB, NULL);
    const char *path = str(fdt, "/chosen", "stdout-path");
    assert_compatible(fdt, path, "ns16550a");
    assert_reg(fdt, path, 0x10000000, 0x100);
    cr_assert_eq(u32(fdt, path, "interrupts"), 10, "UART is PLIC source 10");
    cr_assert_eq(u32(fdt, path, "interrupt-parent"), phandle_of(fdt, "/soc/plic@c000000"));
    cr_assert_eq(u32(fdt, path, "clock-frequency"), 3686400);
}

Test(fdt, cpu_describes_rv64imafdc_with_sv57)
{
    const void *fdt = build(128 * MiB, NULL);
    const char *cpu = "/cpus/cpu@0";
    cr_assert_eq(u32(fdt, "/cpus", "timebase-frequency"), 10000000, "CLINT ticks at 10 MHz");
    cr_assert_str_eq(str(fdt, cpu, "device_type"), "cpu");
    cr_assert_eq(u32(fdt, cpu, "reg"), 0, "hart id 0");
    cr_assert_str_eq(str(fdt, cpu, "status"), "okay");
    assert_compatible(fdt, cpu, "riscv");
    /* every extension, in the ISA string's canonical order (cpu/ext.h) */
    cr_assert_str_eq(str(fdt, cpu, "riscv,isa"),
                     "rv64imafdc_zic64b_zicbom_zicbop_zicboz_ziccamoa_ziccif_zicclsm_ziccrse_"
                     "zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zihpm_za64rs_zfa_zfh_"
                     "zfhmin_zba_zbb_zbc_zbs_zkt_ssccptr_sscofpmf_sscounterenw_sstc_sstvala_"
                     "sstvecd_svadu_svbare_svinval_svnapot_svpbmt");
    cr_assert_str_eq(str(fdt, cpu, "riscv,isa-base"), "rv64i");
    /* The widest mode, every one by default (-cpu rv64,mmu=... restricts it). */
    cr_assert_str_eq(str(fdt, cpu, "mmu-type"), "riscv,sv57");
    int off = node(fdt, cpu);
    /* clang-format off */
    const char *want[] = {
        "i", "m", "a", "f", "d", "c", "zic64b",
        "zicbom", "zicbop", "zicboz", "ziccamoa", "ziccif", "zicclsm", "ziccrse",
        "zicntr", "zicond", "zicsr", "zifencei", "zihintntl", "zihintpause", "zihpm",
        "za64rs", "zfa", "zfh", "zfhmin", "zba", "zbb", "zbc",
        "zbs", "zkt", "ssccptr", "sscofpmf", "sscounterenw", "sstc", "sstvala",
        "sstvecd", "svadu", "svbare", "svinval", "svnapot", "svpbmt"};
    /* clang-format on */
    int n = fdt_stringlist_count(fdt, off, "riscv,isa-extensions");
    cr_assert_eq(n, 41, "riscv,isa-extensions lists 41 extensions, not %d", n);
    for (int i = 0; i < n; i++)
        cr_assert_geq(fdt_stringlist_search(fdt, off, "riscv,isa-extensions", want[i]), 0,
                      "riscv,isa-extensions must list %s", want[i]);
    /* CMO block sizes as QEMU's virt gives them (binding riscv/cpus.yaml) */
    cr_assert_eq(u32(fdt, cpu, "riscv,cbom-block-size"), 64);
    cr_assert_eq(u32(fdt, cpu, "riscv,cboz-block-size"), 64);
    cr_assert_eq(u32(fdt, cpu, "riscv,cbop-block-size"), 64);
    cr_assert_eq(u32(fdt, "/cpus/cpu-map/cluster0/core0", "cpu"), phandle_of(fdt, cpu),
                 "cpu-map core0 points at cpu@0");
}

Test(fdt, cpu_interrupt_controller_is_riscv_cpu_intc)
{
    const void *fdt = build(128 * MiB, NULL);
    assert_compatible(fdt, CPU_INTC, "riscv,cpu-intc");
    cr_assert_eq(u32(fdt, CPU_INTC, "#interrupt-cells"), 1);
    cr_assert_not_null(fdt_getprop(fdt, node(fdt, CPU_INTC), "interrupt-controller", NULL));
}

Test(fdt, plic_drives_machine_and_supervisor_external_interrupts)
{
    const void *fdt = build(128 * MiB, NULL);
    const char *plic = "/soc/plic@c000000";
    assert_compatible(fdt, plic, "sifive,plic-1.0.0");
    assert_compatible(fdt, plic, "riscv,plic0");
    assert_reg(fdt, plic, 0x0c000000, 0x600000);
    cr_assert_eq(u32(fdt, plic, "riscv,ndev"), 95, "sources 1..95");
    cr_assert_eq(u32(fdt, plic, "#interrupt-cells"), 1);
    cr_assert_not_null(fdt_getprop(fdt, node(fdt, plic), "interrupt-controller", NULL));
    /* context 0 -> MEI (11), context 1 -> SEI (9), both on the hart's intc */
    uint32_t ie[4], intc = phandle_of(fdt, CPU_INTC);
    cells(fdt, plic, "interrupts-extended", ie, 4);
    cr_assert(ie[0] == intc && ie[1] == 11 && ie[2] == intc && ie[3] == 9,
              "PLIC interrupts-extended must be <&intc 11 &intc 9>, got <%u %u %u %u>", ie[0],
              ie[1], ie[2], ie[3]);
}

Test(fdt, clint_drives_machine_software_and_timer_interrupts)
{
    const void *fdt = build(128 * MiB, NULL);
    const char *clint = "/soc/clint@2000000";
    assert_compatible(fdt, clint, "sifive,clint0");
    assert_compatible(fdt, clint, "riscv,clint0");
    assert_reg(fdt, clint, 0x2000000, 0x10000);
    uint32_t ie[4], intc = phandle_of(fdt, CPU_INTC);
    cells(fdt, clint, "interrupts-extended", ie, 4);
    cr_assert(ie[0] == intc && ie[1] == 3 && ie[2] == intc && ie[3] == 7,
              "CLINT interrupts-extended must be <&intc 3 &intc 7>, got <%u %u %u %u>", ie[0],
              ie[1], ie[2], ie[3]);
}

Test(fdt, eight_virtio_slots_with_irqs_1_to_8)
{
    const void *fdt = build(128 * MiB, NULL);
    uint32_t plic = phandle_of(fdt, "/soc/plic@c000000");
    for (unsigned n = 0; n < 8; n++) {
        char path[64];
        uint64_t base = 0x10001000 + n * 0x1000;
        snprintf(path, sizeof path, "/soc/virtio_mmio@%llx", (unsigned long long)base);
        assert_compatible(fdt, path, "virtio,mmio");
        assert_reg(fdt, path, base, 0x1000);
        cr_assert_eq(u32(fdt, path, "interrupts"), 1 + n, "virtio slot %u is PLIC source %u", n,
                     1 + n);
        cr_assert_eq(u32(fdt, path, "interrupt-parent"), plic);
    }
    int count = 0, off;
    fdt_for_each_subnode(off, fdt, node(fdt, "/soc"))
    {
        if (fdt_node_check_compatible(fdt, off, "virtio,mmio") == 0) count++;
    }
    cr_assert_eq(count, 8, "exactly 8 virtio-mmio nodes, found %d", count);
}

Test(fdt, poweroff_and_reboot_write_the_finisher)
{
    const void *fdt = build(128 * MiB, NULL);
    const char *test = "/soc/test@100000";
    assert_compatible(fdt, test, "sifive,test0");
    assert_compatible(fdt, test, "syscon");
    assert_reg(fdt, test, 0x100000, 0x1000);
    uint32_t finisher = phandle_of(fdt, test);

    assert_compatible(fdt, "/poweroff", "syscon-poweroff");
    cr_assert_eq(u32(fdt, "/poweroff", "regmap"), finisher, "poweroff's regmap is the finisher");
    cr_assert_eq(u32(fdt, "/poweroff", "offset"), 0);
    cr_assert_eq(u32(fdt, "/poweroff", "value"), 0x5555, "0x5555 = pass, power off");

    assert_compatible(fdt, "/reboot", "syscon-reboot");
    cr_assert_eq(u32(fdt, "/reboot", "regmap"), finisher);
    cr_assert_eq(u32(fdt, "/reboot", "value"), 0x7777, "0x7777 = reset");
}

/* Describing a device that is not there makes a guest probe it and fail. */
Test(fdt, no_devices_rv39_lacks)
{
    const void *fdt = build(128 * MiB, NULL);
    const char *absent[] = {"pci", "flash", "fw-cfg", "platform-bus"};
    for (int off = fdt_next_node(fdt, -1, NULL); off >= 0; off = fdt_next_node(fdt, off, NULL)) {
        const char *name = fdt_get_name(fdt, off, NULL);
        for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
            cr_assert(strncmp(name, absent[i], strlen(absent[i])) != 0,
                      "node %s describes a device rv39 does not have", name);
    }
}

/* The SBI PMU's event map where QEMU's virt has it (/pmu, OpenSBI's docs/pmu_support.md):
 * instructions may go to instret or any hpmcounter, so an OpenSBI firmware can sample them;
 * dTLB misses are rv39's mhpmevent 0x20002. */
Test(fdt, pmu_maps_events_to_the_programmable_counters)
{
    const void *fdt = build(128 * MiB, NULL);
    int off = fdt_path_offset(fdt, "/pmu");
    cr_assert_geq(off, 0, "/pmu exists");
    cr_assert_eq(fdt_node_check_compatible(fdt, off, "riscv,pmu"), 0);
    int len;
    const fdt32_t *map = fdt_getprop(fdt, off, "riscv,event-to-mhpmcounters", &len);
    cr_assert(map && len % 12 == 0, "event-to-mhpmcounters: rows of 3 cells");
    bool instructions = false;
    for (int i = 0; i < len / 4; i += 3)
        if (fdt32_to_cpu(map[i]) == 2) instructions = fdt32_to_cpu(map[i + 2]) == 0xfffffffcu;
    cr_assert(instructions, "instructions on instret and hpmcounter3..31");
    const fdt32_t *ev = fdt_getprop(fdt, off, "riscv,event-to-mhpmevent", &len);
    cr_assert(ev && len == 24, "two rows: the dTLB misses");
    cr_assert_eq(fdt32_to_cpu(ev[0]), 0x10019);
    cr_assert_eq(fdt32_to_cpu(ev[2]), 0x20002, "dTLB read miss is rv39's event 0x20002");
}

/* The Goldfish RTC, where QEMU's virt board has it (devices/goldfish_rtc.h). */
Test(fdt, describes_the_rtc)
{
    const void *fdt = build(128 * MiB, NULL);
    int off = fdt_path_offset(fdt, "/soc/rtc@101000");
    cr_assert_geq(off, 0, "/soc/rtc@101000 exists");
    cr_assert_eq(fdt_node_check_compatible(fdt, off, "google,goldfish-rtc"), 0);
    const fdt32_t *irq = fdt_getprop(fdt, off, "interrupts", NULL);
    cr_assert(irq && fdt32_to_cpu(*irq) == 11, "interrupt 11");
}

Test(fdt, build_fails_cleanly_when_buffer_too_small)
{
    static uint8_t small[512];
    const struct fdt_board b = {.ram_base = RAM_BASE, .ram_size = 128 * MiB, .virtio_slots = 8};
    cr_assert_eq(fdt_build(&b, small, sizeof small), 0, "a tree that does not fit returns 0");
}

/* QEMU 7.2: align_down(min(end of RAM, 3 GiB) - max(size, 1 MiB), 2 MiB). The values are what
 * QEMU's virt board passes in a1 (checked with firmware/hello.elf). */
Test(fdt, place_matches_qemu)
{
    struct {
        uint64_t ram;
        uint64_t addr;
    } cases[] = {
        {128 * MiB, 0x87e00000},       {64 * MiB, 0x83e00000}, {129 * MiB, 0x88000000},
        {131584ull << 10, 0x87e00000}, /* 128.5 MiB: QEMU measures its 1 MiB buffer */
        {1 * GiB, 0xbfe00000},         {4 * GiB, 0xbfe00000}, /* kept below 3 GiB */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t got = fdt_place(RAM_BASE, cases[i].ram, 4096);
        cr_assert_eq(got, cases[i].addr, "RAM %llu KiB: DTB at 0x%llx, QEMU uses 0x%llx",
                     (unsigned long long)(cases[i].ram >> 10), (unsigned long long)got,
                     (unsigned long long)cases[i].addr);
    }
}

Test(fdt, place_keeps_a_large_tree_inside_ram)
{
    uint64_t addr = fdt_place(RAM_BASE, 128 * MiB, 3 * MiB);
    cr_assert_eq(addr, 0x87c00000, "3 MiB below the end, aligned down to 2 MiB");
    cr_assert_eq(fdt_place(RAM_BASE, 1 * MiB, 4096), RAM_BASE,
                 "RAM smaller than QEMU's buffer: the tree goes at the base of RAM");
}

/* -smp 4 as QEMU 7.2's virt gives it: /cpus/cpu@0..3 with reg = hart id, each with its own
 * interrupt controller; one cluster with a core per hart; the PLIC's contexts 2h/2h+1 and the
 * CLINT's pairs in hart order, and QEMU's phandle numbering (last hart first). */
Test(fdt, four_harts_and_their_interrupt_contexts)
{
    const struct fdt_board b = {
        .harts = 4, .ram_base = RAM_BASE, .ram_size = 128 * MiB, .virtio_slots = 8};
    cr_assert_gt(fdt_build(&b, blob, sizeof blob), 0);
    const void *fdt = blob;
    uint32_t plic_ie[16], clint_ie[16];
    cells(fdt, "/soc/plic@c000000", "interrupts-extended", plic_ie, 16);
    cells(fdt, "/soc/clint@2000000", "interrupts-extended", clint_ie, 16);
    for (unsigned h = 0; h < 4; h++) {
        char cpu[32], intc[64], core[48];
        snprintf(cpu, sizeof cpu, "/cpus/cpu@%u", h);
        snprintf(intc, sizeof intc, "/cpus/cpu@%u/interrupt-controller", h);
        snprintf(core, sizeof core, "/cpus/cpu-map/cluster0/core%u", h);
        cr_assert_eq(u32(fdt, cpu, "reg"), h, "cpu@%u's reg is its hart id", h);
        cr_assert_str_eq(str(fdt, cpu, "status"), "okay");
        cr_assert_eq(phandle_of(fdt, cpu), 2 * (3 - h) + 1, "QEMU numbers the last hart first");
        cr_assert_eq(u32(fdt, core, "cpu"), phandle_of(fdt, cpu), "core%u is cpu@%u", h, h);
        uint32_t ic = phandle_of(fdt, intc);
        cr_assert(plic_ie[4 * h] == ic && plic_ie[4 * h + 1] == 11 && plic_ie[4 * h + 2] == ic &&
                      plic_ie[4 * h + 3] == 9,
                  "PLIC contexts %u, %u: hart %u's MEI and SEI", 2 * h, 2 * h + 1, h);
        cr_assert(clint_ie[4 * h] == ic && clint_ie[4 * h + 1] == 3 &&
                      clint_ie[4 * h + 2] == ic && clint_ie[4 * h + 3] == 7,
                  "CLINT: hart %u's MSI and MTI", h);
    }
    cr_assert_lt(fdt_path_offset(fdt, "/cpus/cpu@4"), 0, "no fifth hart");
    cr_assert_eq(phandle_of(fdt, "/soc/plic@c000000"), 9, "the PLIC after the harts, as QEMU");
}
