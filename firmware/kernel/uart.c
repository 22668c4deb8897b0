/* The NS16550A UART's receive side: its "received data available" interrupt (PLIC source 10)
 * moves every byte waiting in the receiver into the console's input buffer. Output keeps
 * going through the SBI console (console.c), which polls the same UART's transmitter, so
 * only the receive interrupt is enabled here.
 *
 * Registers (PC16550D data sheet, as QEMU and rv39 model it), one byte apart, with LCR.DLAB
 * clear as the firmware leaves it: RBR (read) at 0, IER at 1, LSR at 5. */
#include "kernel.h"
#include "memlayout.h"
#include "plic.h"

#define UART_RBR 0
#define UART_IER 1
#define UART_LSR 5
#define IER_RX_AVAILABLE 0x01 /* ERBFI: interrupt while received data is waiting */
#define LSR_DATA_READY 0x01

static volatile uint8_t *uart_reg(unsigned offset)
{
    return (volatile uint8_t *)(UART0_BASE + offset);
}

/* The interrupt is level-triggered: it stays up while LSR.DR is set, so the handler drains
 * the receiver. When the console buffer is full the bytes wait in the UART (whose FIFO
 * then holds back the sender) and the interrupt is masked until the reader makes room. */
static void uart_interrupt(void)
{
    while (*uart_reg(UART_LSR) & LSR_DATA_READY) {
        if (!console_input_space()) {
            *uart_reg(UART_IER) = 0; /* until uart_rx_resume */
            return;
        }
        console_input(*uart_reg(UART_RBR));
    }
}

void uart_rx_resume(void)
{
    *uart_reg(UART_IER) = IER_RX_AVAILABLE;
}

void uart_init(void)
{
    plic_enable(IRQ_UART0, uart_interrupt);
    *uart_reg(UART_IER) = IER_RX_AVAILABLE;
}
