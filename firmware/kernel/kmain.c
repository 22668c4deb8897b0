/* The kernel's C entry point: from the firmware's hand-off to the first user process. */
#include "abi.h"
#include "fs.h"
#include "kernel.h"
#include "memlayout.h"
#include "plic.h"
#include "proc.h"
#include "riscv.h"
#include "vm.h"

__attribute__((noreturn)) void kmain(uint64_t hartid, uint64_t dtb);

#define BOOTARGS_MAX 256
static char bootargs[BOOTARGS_MAX]; /* a copy: the tree itself is not mapped once paging is on */

const char *kernel_bootargs(void)
{
    return bootargs;
}

/* The command line's kernel words, one at a time: the word at the result, *len bytes long.
 * At `init=` it sets *init to what follows (like Linux's init=, the rest of the line is the
 * program's) and *len to 0. */
static const char *next_word(const char *p, size_t *len, const char **init)
{
    while (*p == ' ')
        p++;
    *len = 0;
    while (p[*len] && p[*len] != ' ')
        (*len)++;
    if (*len > 5 && memcmp(p, "init=", 5) == 0) {
        *init = p + 5;
        *len = 0;
    }
    return p;
}

/* Whether the command line holds `word` as a word of its own, before any init=. */
bool kernel_bootarg(const char *word)
{
    size_t want = strlen(word), len;
    const char *init = NULL;
    for (const char *p = bootargs; *p && !init; p += len) {
        p = next_word(p, &len, &init);
        if (len && len == want && memcmp(p, word, len) == 0) return true;
    }
    return false;
}

/* The first process: init, unless the command line names another with `init=PROGRAM ARGS`
 * (a program on the disk, say: init=/bin/fstest). Its exit ends the run either way, with
 * its status. */
static void first_program(char *out, size_t size)
{
    size_t len;
    const char *init = NULL;
    for (const char *p = bootargs; *p && !init; p += len)
        p = next_word(p, &len, &init);
    strlcpy_(out, init ? init : "init", size);
}

struct frame_accounts frame_accounts;

/* Where each of RAM's frames went at boot, so the counts add up to RAM's size: below the
 * kernel is the firmware's (fw_jump starts the kernel 2 MiB in), then the kernel image, the
 * device tree's frames, the huge-page pool (kalloc.c), and the free list. */
static void report_ram(uint64_t ram_base, uint64_t ram_end, uint64_t dtb_frames)
{
    uint64_t below = ((uint64_t)_entry - ram_base) / PAGE_SIZE;
    uint64_t image = ((uint64_t)kernel_end - (uint64_t)_entry) / PAGE_SIZE;
    uint64_t huge = (uint64_t)kalloc_huge_total() * (HUGE_PAGE_SIZE / PAGE_SIZE);
    printf("kernel: RAM 0x%lx..0x%lx: %lu frames of 4 KiB, of which\n", ram_base, ram_end,
           (ram_end - ram_base) / PAGE_SIZE);
    printf("kernel:   %lu below the kernel (the firmware's), %lu the kernel image, %lu the device "
           "tree,\n",
           below, image, dtb_frames);
    if (huge)
        printf("kernel:   %lu the huge-page pool (%d blocks of 2 MiB), %lu free\n", huge,
               kalloc_huge_total(), frame_accounts.free_at_boot);
    else
        printf("kernel:   no huge-page pool (too little RAM), %lu free\n",
               frame_accounts.free_at_boot);
}

void kmain(uint64_t hartid, uint64_t dtb)
{
    fbcon_init(dtb); /* first, so that the screen shows everything the console prints */
    printf("\nrv39 kernel: S-mode on hart %lu, device tree at 0x%lx\n", hartid, dtb);
    strlcpy_(bootargs, fdt_bootargs(dtb), sizeof bootargs);
    if (bootargs[0]) printf("kernel: command line \"%s\"\n", bootargs);
    fbcon_report();

    /* RAM: from the device tree's /memory node, else QEMU virt's default. */
    uint64_t ram_base = RAM_BASE, ram_size = RAM_DEFAULT_SIZE;
    if (!fdt_memory(dtb, &ram_base, &ram_size))
        printf("kernel: no /memory in the device tree, assuming %lu MiB\n", ram_size >> 20);
    uint64_t ram_end = ram_base + ram_size;
    if (ram_end > USER_BASE) ram_end = USER_BASE; /* the user half starts there */
    uint64_t dtb_frames =
        kalloc_init((uint64_t)kernel_end, ram_end, dtb, dtb + fdt_total_size(dtb));
    frame_accounts.free_at_boot = kalloc_free_count();
    report_ram(ram_base, ram_end, dtb_frames);

    kvm_init(ram_end);
    kvm_enable();
    frame_accounts.page_tables = frame_accounts.free_at_boot - kalloc_free_count();
    printf("kernel: Sv39 paging on\n");

    trap_init();
    plic_init();
    uart_init(); /* console input: the UART's receive interrupt */
    proc_init();
    uint64_t before_fs = kalloc_free_count();
    fs_init(); /* the virtio disk and its ext2 file system, if there is one */
    frame_accounts.swap_map = before_fs - kalloc_free_count(); /* swap_init's coremap */
    printf("kernel: %lu frames kept for good: %lu the kernel's page tables, %lu the swap map;\n",
           frame_accounts.page_tables + frame_accounts.swap_map, frame_accounts.page_tables,
           frame_accounts.swap_map);
    printf("kernel:   %lu free for programs\n", kalloc_free_count());
    char first[BOOTARGS_MAX];
    first_program(first, sizeof first);
    if (proc_spawn(first, NULL) < 0) panic("cannot start %s", first);
    printf("kernel: starting %s\n", first);
    scheduler();
}
