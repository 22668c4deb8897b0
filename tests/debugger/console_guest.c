/* For the console tests (console.sh): reports every byte the UART receives as "byte 0xNN",
 * so a test sees exactly what reached the guest (Ctrl-C as 0x03, C-a C-a as one 0x01).
 * 'q' powers off with status 0. */
#include "rv39.h"

#define UART_RBR ((volatile uint8_t *)(UART0_BASE + 0))
#define UART_LSR ((volatile uint8_t *)(UART0_BASE + 5))
#define LSR_DATA_READY 0x01

int main(void)
{
    printf("console guest ready\n");
    for (;;) {
        while (!(*UART_LSR & LSR_DATA_READY))
            ;
        unsigned c = *UART_RBR;
        printf("byte 0x%02x\n", c);
        if (c == 'q') return 0;
    }
}
