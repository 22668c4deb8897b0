/* The user programs' library: system calls (firmware/kernel/abi.h has the numbers) and
 * console output with printf (firmware/common/printf.c, on top of putchar_ here). */
#ifndef USER_USER_H
#define USER_USER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* system calls */
__attribute__((noreturn)) void exit(int status);
long write(int fd, const void *buf, size_t n);
int wait(int *status);
int getpid(void);
void *sbrk(long delta); /* (void *)-1 on failure */
int sleep(unsigned long ticks);
int spawn(const char *name);
int mmu_counters(struct mmu_counters *c);
unsigned long uptime(void);

/* console: output is buffered per line, so a line is one write() and never interleaves
 * with other processes' lines */
void putchar_(int c);
void puts_(const char *s);
void flush_output(void);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* memory and strings (firmware/common/string.c, ulib.c) */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
