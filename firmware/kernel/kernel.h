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

/* sbi.c: calls into the M-mode firmware (riscv-non-isa/riscv-sbi-doc) */
void sbi_console_putchar(int c);
void sbi_set_timer(uint64_t stime_value);
__attribute__((noreturn)) void sbi_shutdown(bool failure);

/* kalloc.c: 4 KiB physical frames */
void kalloc_init(uint64_t start, uint64_t end, uint64_t hole_start, uint64_t hole_end);
void *kalloc(void); /* a zeroed frame, or NULL when memory is exhausted */
void kfree(void *frame);
uint64_t kalloc_free_count(void);

/* fdt.c: what the kernel reads from the device tree */
bool fdt_memory(uint64_t dtb, uint64_t *base, uint64_t *size);
uint64_t fdt_total_size(uint64_t dtb);

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
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void strlcpy_(char *dst, const char *src, size_t size);

/* linker symbols (kernel.ld) */
extern char kernel_text_end[], kernel_rodata_end[], kernel_end[];

#endif
