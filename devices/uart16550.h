/* NS16550A UART as on QEMU's virt board (registers at byte offsets 0..7, 8-bit access).
 * TX bytes go to a host stdio stream; RX bytes are pushed in by the host side and never
 * block the CPU. LSR/IER/IIR behave as Linux's 8250 driver and OpenSBI expect. */
#ifndef RV39_UART16550_H
#define RV39_UART16550_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "irq.h"

#define UART_BASE 0x10000000ull
#define UART_SIZE 0x100ull
#define UART_IRQ 10 /* PLIC source on QEMU virt */
#define UART_RX_FIFO 256

struct uart16550 {
    uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
    uint8_t lsr_extra; /* sticky LSR error bits (overrun), cleared by reading LSR */
    uint8_t rx_fifo[UART_RX_FIFO];
    unsigned rx_head, rx_count;
    bool thr_empty_irq; /* THRE pending: cleared by reading it in IIR, re-armed by each THR write */
    FILE *out;
    struct irq_line irq;
};

void uart_init(struct uart16550 *u, FILE *out, struct irq_line irq);
bool uart_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bool uart_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);
/* Host side: queue a received byte. Returns false when the FIFO is full: the byte is lost and
 * LSR reports an overrun, as the chip would; check uart_rx_space() first to avoid that. */
bool uart_rx_push(struct uart16550 *u, uint8_t byte);
unsigned uart_rx_space(const struct uart16550 *u);

#endif
