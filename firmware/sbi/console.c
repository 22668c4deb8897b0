/* Console input (NS16550A, polled) and power control (sifive,test0 finisher). Output is
 * firmware/common/uart.c's putchar_. */
#include "sbi.h"

#define UART_RBR 0 /* receive buffer (read) */
#define UART_LSR 5
#define LSR_DR 0x01 /* data ready */

#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u /* the status goes in the upper 16 bits */
#define FINISHER_RESET 0x7777u

int console_getchar(void)
{
    volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
    if (!(uart[UART_LSR] & LSR_DR)) return -1;
    return uart[UART_RBR];
}

static __attribute__((noreturn)) void finisher_write(uint32_t value)
{
    *(volatile uint32_t *)FINISHER_BASE = value;
    /* The write takes effect at once on QEMU and rv39; a board without the device waits. */
    for (;;)
        __asm__ volatile("wfi");
}

void power_off(bool failure)
{
    finisher_write(failure ? (1u << 16) | FINISHER_FAIL : FINISHER_PASS);
}

void power_off_status(int status)
{
    finisher_write(status ? ((uint32_t)status << 16) | FINISHER_FAIL : FINISHER_PASS);
}

void power_reboot(void)
{
    finisher_write(FINISHER_RESET);
}
