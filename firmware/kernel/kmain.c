/* The kernel's C entry point: from the firmware's hand-off to the first user process. */
#include "abi.h"
#include "kernel.h"
#include "memlayout.h"
#include "proc.h"
#include "riscv.h"
#include "vm.h"

__attribute__((noreturn)) void kmain(uint64_t hartid, uint64_t dtb);

void kmain(uint64_t hartid, uint64_t dtb)
{
    printf("\nrv39 kernel: S-mode on hart %lu, device tree at 0x%lx\n", hartid, dtb);

    /* RAM: from the device tree's /memory node, else QEMU virt's default. */
    uint64_t ram_base = RAM_BASE, ram_size = RAM_DEFAULT_SIZE;
    if (!fdt_memory(dtb, &ram_base, &ram_size))
        printf("kernel: no /memory in the device tree, assuming %lu MiB\n", ram_size >> 20);
    uint64_t ram_end = ram_base + ram_size;
    if (ram_end > USER_BASE) ram_end = USER_BASE; /* the user half starts there */
    kalloc_init((uint64_t)kernel_end, ram_end, dtb, dtb + fdt_total_size(dtb));
    printf("kernel: RAM 0x%lx..0x%lx, %lu free 4 KiB frames after the kernel image\n", ram_base,
           ram_end, kalloc_free_count());

    kvm_init(ram_end);
    kvm_enable();
    printf("kernel: Sv39 paging on\n");

    trap_init();
    proc_init();
    if (proc_spawn("init", NULL) < 0) panic("cannot start init");
    printf("kernel: starting init\n");
    scheduler();
}
