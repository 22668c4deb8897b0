/* Polled NS16550A output. reg-shift 0: registers are consecutive bytes. */
#include "rv39.h"

#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20 /* transmit holding register empty */

static volatile uint8_t *const uart = (volatile uint8_t *)UART0_BASE;

void putchar_(int c)
{
    if (c == '\n') putchar_('\r');
    /* Wait for room, as a driver for the real chip must; an emulator answers at once. */
    while (!(uart[UART_LSR] & LSR_THRE))
        ;
    uart[UART_THR] = (uint8_t)c;
}

void puts_(const char *s)
{
    while (*s)
        putchar_(*s++);
}
