/* Kernel-wide declarations that do not belong to a subsystem header: console, SBI, memory,
 * the embedded programs, device-tree reading and panics. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* console.c (printf itself is firmware/common/printf.c, on top of putchar_) */
void putchar_(int c);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t n);
/* console.c, input: bytes from the UART (interrupt context) and the line discipline */
void console_input(uint8_t c);
bool console_input_space(void); /* room for one more byte? */
struct proc;
long console_read(struct proc *p, uint64_t user_buf, long n);

/* uart.c: the NS16550A's receive side (output goes through SBI) */
void uart_init(void);
void uart_rx_resume(void); /* the console has room again after console_input said no */

/* fbcon.c: the console drawn on the device tree's simple-framebuffer, if there is one */
void fbcon_init(uint64_t dtb);
bool fbcon_region(uint64_t *base, uint64_t *size); /* for the kernel page table */
void fbcon_putc(int c);
void fbcon_report(void); /* a line on the console saying what fbcon_init found */

/* sbi.c: calls into the M-mode firmware (riscv-non-isa/riscv-sbi-doc) */
void sbi_console_putchar(int c);
void sbi_set_timer(uint64_t stime_value);
unsigned sbi_start_mmu_counters(void); /* through the SBI PMU, if the firmware has one */
__attribute__((noreturn)) void sbi_shutdown(bool failure);
__attribute__((noreturn)) void sbi_shutdown_status(int status);

/* kalloc.c: 4 KiB physical frames. kalloc_init returns how many frames of [start, end) the
 * hole (the device tree) kept off the free list. */
uint64_t kalloc_init(uint64_t start, uint64_t end, uint64_t hole_start, uint64_t hole_end);
void *kalloc(void); /* a zeroed frame, or NULL when memory and swap are exhausted */
void kfree(void *frame);
uint64_t kalloc_free_count(void);
void kalloc_range(uint64_t *start, uint64_t *end); /* where frames come from */
void *kalloc_huge(void); /* a zeroed 2 MiB-aligned block of 2 MiB from the pool, or NULL */
void kfree_huge(void *block);
int kalloc_huge_total(void); /* blocks in the huge-page pool */
int kalloc_huge_free(void);

/* kmain.c: the frame accounts a learner can add up. Frames free at boot, and those the
 * kernel then keeps for good before the first process starts: its own page tables (kvm_init)
 * and the swap map (swap_init). At init's exit every other frame is free again, so
 * free_at_boot = free at exit + page_tables + swap_map (init_exited says so). */
struct frame_accounts {
    uint64_t free_at_boot, page_tables, swap_map;
};
extern struct frame_accounts frame_accounts;

/* fdt.c: what the kernel reads from the device tree */
bool fdt_memory(uint64_t dtb, uint64_t *base, uint64_t *size);
uint64_t fdt_total_size(uint64_t dtb);
const char *fdt_bootargs(uint64_t dtb); /* /chosen bootargs, "" when there are none */
/* A simple-framebuffer node in format a8r8g8b8 (Linux binding simple-framebuffer.yaml). */
struct fdt_framebuffer {
    uint64_t base;
    uint32_t width, height, stride;
};
bool fdt_framebuffer(uint64_t dtb, struct fdt_framebuffer *fb);

/* kmain.c: the device tree's /chosen bootargs, "" when there are none */
const char *kernel_bootargs(void);
bool kernel_bootarg(const char *word); /* a word of the command line (before init=) */

/* programs.S: user programs built into the kernel image */
struct embedded_program {
    const char *name;
    const uint8_t *start, *end;
};
extern const struct embedded_program embedded_programs[]; /* ends with a NULL name */
const struct embedded_program *find_program(const char *name);

/* trap.c */
void trap_init(void);
bool mmu_counters_readable(void);
void read_mmu_counters(uint64_t out[5]);

/* string helpers (firmware/common/string.c and kmain.c) */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void strlcpy_(char *dst, const char *src, size_t size);

/* linker symbols (kernel.ld) */
extern char _entry[], kernel_text_end[], kernel_rodata_end[], kernel_end[];

#endif
