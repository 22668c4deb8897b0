/* System-call stubs and the console buffer of the user library. */
#include "user.h"

/* ecall with a7 = number, a0..a2 = arguments; the kernel's answer comes back in a0. */
long syscall3(long number, long arg0, long arg1, long arg2)
{
    register long a0 __asm__("a0") = arg0;
    register long a1 __asm__("a1") = arg1;
    register long a2 __asm__("a2") = arg2;
    register long a7 __asm__("a7") = number;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

void exit(int status)
{
    flush_output();
    syscall3(SYS_exit, status, 0, 0);
    for (;;) /* not reached */
        ;
}

long write(int fd, const void *buf, size_t n)
{
    return syscall3(SYS_write, fd, (long)buf, (long)n);
}

int wait(int *status)
{
    return (int)syscall3(SYS_wait, (long)status, 0, 0);
}

int getpid(void)
{
    return (int)syscall3(SYS_getpid, 0, 0, 0);
}

void *sbrk(long delta)
{
    return (void *)syscall3(SYS_sbrk, delta, 0, 0);
}

int sleep(unsigned long ticks)
{
    return (int)syscall3(SYS_sleep, (long)ticks, 0, 0);
}

int spawn(const char *name)
{
    flush_output(); /* the child's output should not overtake ours */
    return (int)syscall3(SYS_spawn, (long)name, 0, 0);
}

int mmu_counters(struct mmu_counters *c)
{
    return (int)syscall3(SYS_mmu_counters, (long)c, 0, 0);
}

unsigned long uptime(void)
{
    return (unsigned long)syscall3(SYS_uptime, 0, 0, 0);
}

long read(int fd, void *buf, size_t n)
{
    flush_output(); /* a prompt must be out before we wait for the answer */
    return syscall3(SYS_read, fd, (long)buf, (long)n);
}

long bootargs(char *buf, size_t size)
{
    return syscall3(SYS_bootargs, (long)buf, (long)size, 0);
}

int open(const char *path, int flags)
{
    return (int)syscall3(SYS_open, (long)path, flags, 0);
}

int close(int fd)
{
    return (int)syscall3(SYS_close, fd, 0, 0);
}

long lseek(int fd, long offset, int whence)
{
    return syscall3(SYS_lseek, fd, offset, whence);
}

int fstat(int fd, struct stat *st)
{
    return (int)syscall3(SYS_fstat, fd, (long)st, 0);
}

/* ecall with six arguments, for mmap. */
static long syscall6(long number, long arg0, long arg1, long arg2, long arg3, long arg4, long arg5)
{
    register long a0 __asm__("a0") = arg0;
    register long a1 __asm__("a1") = arg1;
    register long a2 __asm__("a2") = arg2;
    register long a3 __asm__("a3") = arg3;
    register long a4 __asm__("a4") = arg4;
    register long a5 __asm__("a5") = arg5;
    register long a7 __asm__("a7") = number;
    __asm__ volatile("ecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                     : "memory");
    return a0;
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset)
{
    return (void *)syscall6(SYS_mmap, (long)addr, (long)length, prot, flags, fd, offset);
}

int munmap(void *addr, size_t length)
{
    return (int)syscall3(SYS_munmap, (long)addr, (long)length, 0);
}

int msync(void *addr, size_t length)
{
    return (int)syscall3(SYS_msync, (long)addr, (long)length, 0);
}

long virt2phys(const void *addr)
{
    return syscall3(SYS_virt2phys, (long)addr, 0, 0);
}

int swapinfo(struct swap_info *info)
{
    return (int)syscall3(SYS_swapinfo, (long)info, 0, 0);
}

int procinfo(int slot, struct procinfo *info)
{
    return (int)syscall3(SYS_procinfo, slot, (long)info, 0);
}

int vmstat(struct vmstat *v)
{
    return (int)syscall3(SYS_vmstat, (long)v, 0, 0);
}

/* --- console --- */
static char line[256];
static size_t line_len;

void flush_output(void)
{
    if (line_len) write(1, line, line_len);
    line_len = 0;
}

void putchar_(int c)
{
    line[line_len++] = (char)c;
    if (c == '\n' || line_len == sizeof line) flush_output();
}

void puts_(const char *s)
{
    while (*s)
        putchar_(*s++);
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}
