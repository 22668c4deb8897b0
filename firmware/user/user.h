/* The user programs' library: system calls (firmware/kernel/abi.h has the numbers) and
 * console output with printf (firmware/common/printf.c, on top of putchar_ here). */
#ifndef USER_USER_H
#define USER_USER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* system calls: any call by number (abi.h), and a stub for each */
long syscall3(long number, long arg0, long arg1, long arg2);
__attribute__((noreturn)) void exit(int status);
long write(int fd, const void *buf, size_t n);
int wait(int *status);
int getpid(void);
void *sbrk(long delta); /* (void *)-1 on failure */
int sleep(unsigned long ticks);
int spawn(const char *name);
int mmu_counters(struct mmu_counters *c);
unsigned long uptime(void);
long read(int fd, void *buf, size_t n); /* fd 0: a line from the console, 0 at its end */
long bootargs(char *buf, size_t size);  /* the kernel command line; returns its length */
/* files (on the disk's ext2; fds from 3 up): read() and write() work on them too */
int open(const char *path, int flags); /* O_RDONLY, O_WRONLY, O_RDWR; -1 if there is none */
int close(int fd);
long lseek(int fd, long offset, int whence); /* SEEK_SET, SEEK_CUR, SEEK_END */
int fstat(int fd, struct stat *st);
/* memory mappings: pages come on first touch; MAP_SHARED file pages reach the file at
 * msync, munmap or exit */
#define MAP_FAILED ((void *)-1)
void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset);
int munmap(void *addr, size_t length);
int msync(void *addr, size_t length);
long virt2phys(const void *addr);     /* the physical address behind a mapped address, -1 */
int swapinfo(struct swap_info *info); /* memory and swap counts, system-wide */
/* the kernel's process table, slot by slot: 1 filled, 0 unused slot, -1 past the end (ps) */
int procinfo(int slot, struct procinfo *info);
int vmstat(struct vmstat *v); /* memory, swap, MMU and disk counts, system-wide */

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
int memcmp(const void *a, const void *b, size_t n);

#endif
