/* The console: bytes go out through the firmware's SBI console, so the kernel needs no UART
 * driver yet. printf (firmware/common/printf.c) formats on top of putchar_. */
#include "kernel.h"

int vprintf(const char *fmt, va_list ap);

void putchar_(int c)
{
    if (c == '\n') sbi_console_putchar('\r'); /* terminals want CR LF */
    sbi_console_putchar(c);
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        putchar_(s[i]);
}

/* Something the kernel cannot recover from: report it and power off with a failure status. */
void panic(const char *fmt, ...)
{
    __asm__ volatile("csrc sstatus, %0" ::"r"(2ul)); /* no more interrupts */
    printf("kernel panic: ");
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    sbi_shutdown(true);
}
