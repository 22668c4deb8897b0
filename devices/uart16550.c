/* NS16550A UART, modelled at the level Linux's 8250 driver and OpenSBI program it.
 *
 * Register map (byte offsets, QEMU virt uses reg-shift 0):
 *
 *   off  read            write           with LCR.DLAB = 1
 *   0    RBR rx data     THR tx data     DLL divisor low
 *   1    IER             IER             DLM divisor high
 *   2    IIR             FCR
 *   3    LCR             LCR
 *   4    MCR             MCR
 *   5    LSR             -
 *   6    MSR             -
 *   7    SCR             SCR
 *
 * Simplifications, each invisible to those drivers: transmission is instantaneous (THR is
 * always empty, so LSR.THRE and LSR.TEMT are always set), the receive FIFO is always a
 * UART_RX_FIFO-byte buffer whatever FCR says, and receive data raises "received data
 * available" at once rather than waiting for a trigger level or a character timeout. The
 * divisor latch is stored but the baud rate has no effect. */
#include "uart16550.h"

#include <string.h>

enum uart_reg {
    REG_RBR_THR = 0,
    REG_IER = 1,
    REG_IIR_FCR = 2,
    REG_LCR = 3,
    REG_MCR = 4,
    REG_LSR = 5,
    REG_MSR = 6,
    REG_SCR = 7,
    REG_COUNT = 8,
};

/* IER: which interrupt sources are enabled. */
#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* transmitter holding register empty */
#define IER_ELSI 0x04  /* receiver line status (errors) */
#define IER_EDSSI 0x08 /* modem status (never raised: MSR deltas stay 0) */
#define IER_MASK 0x0f

/* IIR: the highest-priority pending interrupt, in priority order. Bit 0 set means none. */
#define IIR_LINE_STATUS 0x06
#define IIR_RX_DATA 0x04
#define IIR_THR_EMPTY 0x02
#define IIR_NONE 0x01
#define IIR_FIFO_ENABLED 0xc0

/* FCR */
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_STORED 0xc9 /* enable, DMA mode, trigger level: the bits that persist */

#define LCR_DLAB 0x80

/* MCR */
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

/* LSR */
#define LSR_DR 0x01   /* data ready */
#define LSR_OE 0x02   /* overrun error */
#define LSR_THRE 0x20 /* transmitter holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty */
#define LSR_ERRORS 0x1e

/* MSR: with nothing attached to the modem lines, report a connected, ready peer (DCD, DSR,
 * CTS), as QEMU does for a console. */
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

void uart_init(struct uart16550 *u, FILE *out, struct irq_line irq)
{
    memset(u, 0, sizeof(*u));
    u->out = out;
    u->irq = irq;
    /* Word length 8 bits after reset, as QEMU has it; the value is only ever read back. */
    u->lcr = 0x03;
}

unsigned uart_rx_space(const struct uart16550 *u)
{
    return UART_RX_FIFO - u->rx_count;
}

static bool rx_ready(const struct uart16550 *u)
{
    return u->rx_count != 0;
}

/* The highest-priority pending interrupt as IIR encodes it (without the FIFO bits). */
static uint8_t pending_interrupt(const struct uart16550 *u)
{
    if ((u->ier & IER_ELSI) && (u->lsr_extra & LSR_ERRORS)) return IIR_LINE_STATUS;
    if ((u->ier & IER_ERBFI) && rx_ready(u)) return IIR_RX_DATA;
    if ((u->ier & IER_ETBEI) && u->thr_empty_irq) return IIR_THR_EMPTY;
    return IIR_NONE;
}

/* Signal the interrupt output: high while any enabled source is pending. Called where QEMU's
 * 16550 (hw/char/serial.c, serial_update_irq) re-evaluates its output, and nowhere else: at
 * the PLIC every signal with the line high is a new request (devices/irq.h), so an extra
 * call would be an extra interrupt. Those points: receiving a byte, reading RBR, reading IIR
 * when it reports THRE, reading LSR with an error bit set, writing THR (before and after the
 * byte leaves), writing IER, and a write to FCR that changes it. Not: reading LSR otherwise,
 * IER, LCR, MCR, MSR or SCR, nor writing LCR, MCR or SCR. */
static void update_irq(struct uart16550 *u)
{
    irq_set(&u->irq, pending_interrupt(u) != IIR_NONE);
}

static void rx_enqueue(struct uart16550 *u, uint8_t byte)
{
    if (u->rx_count == UART_RX_FIFO) {
        u->lsr_extra |= LSR_OE; /* the new character is lost, as on the chip */
        return;
    }
    u->rx_fifo[(u->rx_head + u->rx_count) % UART_RX_FIFO] = byte;
    u->rx_count++;
}

static uint8_t rx_dequeue(struct uart16550 *u)
{
    if (!rx_ready(u)) return 0;
    uint8_t byte = u->rx_fifo[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_RX_FIFO;
    u->rx_count--;
    return byte;
}

bool uart_rx_push(struct uart16550 *u, uint8_t byte)
{
    bool accepted = u->rx_count < UART_RX_FIFO;
    rx_enqueue(u, byte);
    update_irq(u);
    return accepted;
}

static uint8_t modem_status(const struct uart16550 *u)
{
    if (!(u->mcr & MCR_LOOP)) return MSR_DCD | MSR_DSR | MSR_CTS;
    /* Loopback wires the modem outputs back to the inputs (16550 datasheet, MCR bit 4):
     * RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. Linux's 8250 probe checks exactly this. */
    uint8_t msr = 0;
    if (u->mcr & MCR_RTS) msr |= MSR_CTS;
    if (u->mcr & MCR_DTR) msr |= MSR_DSR;
    if (u->mcr & MCR_OUT1) msr |= MSR_RI;
    if (u->mcr & MCR_OUT2) msr |= MSR_DCD;
    return msr;
}

static uint8_t read_register(struct uart16550 *u, unsigned reg)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (reg) {
    case REG_RBR_THR: {
        if (dlab) return u->dll;
        uint8_t byte = rx_dequeue(u);
        update_irq(u);
        return byte;
    }
    case REG_IER: return dlab ? u->dlm : u->ier;
    case REG_IIR_FCR: {
        uint8_t iir = pending_interrupt(u);
        /* Reading IIR while it reports THR empty acknowledges that interrupt. */
        if (iir == IIR_THR_EMPTY) {
            u->thr_empty_irq = false;
            update_irq(u);
        }
        return iir | ((u->fcr & FCR_ENABLE) ? IIR_FIFO_ENABLED : 0);
    }
    case REG_LCR: return u->lcr;
    case REG_MCR: return u->mcr;
    case REG_LSR: {
        uint8_t lsr = LSR_THRE | LSR_TEMT | (rx_ready(u) ? LSR_DR : 0) | u->lsr_extra;
        if (u->lsr_extra) { /* error bits clear when LSR is read */
            u->lsr_extra = 0;
            update_irq(u);
        }
        return lsr;
    }
    case REG_MSR: return modem_status(u);
    case REG_SCR: return u->scr;
    default: return 0;
    }
}

static void transmit(struct uart16550 *u, uint8_t byte)
{
    u->thr_empty_irq = false; /* the write acknowledges the THRE interrupt */
    update_irq(u);
    if (u->mcr & MCR_LOOP)
        rx_enqueue(u, byte); /* loopback: the byte never leaves the chip */
    else if (u->out)
        fputc(byte, u->out);
    /* The byte is gone at once, so THR is empty again and the interrupt re-arms. */
    u->thr_empty_irq = true;
    update_irq(u);
}

static void write_register(struct uart16550 *u, unsigned reg, uint8_t value)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (reg) {
    case REG_RBR_THR:
        if (dlab)
            u->dll = value;
        else
            transmit(u, value);
        break;
    case REG_IER:
        if (dlab) {
            u->dlm = value;
            break;
        }
        /* Any IER write while THR is empty (it always is) re-arms THRE, as QEMU's 16550 does:
         * enabling ETBEI raises it at once, which is how Linux's 8250 driver starts
         * transmission. */
        u->thr_empty_irq = true;
        u->ier = value & IER_MASK;
        update_irq(u);
        break;
    case REG_IIR_FCR:
        if (value == u->fcr) break; /* QEMU's 16550: an FCR write that changes nothing is a no-op */
        if (value & FCR_CLEAR_RX) {
            u->rx_head = 0;
            u->rx_count = 0;
        }
        /* FCR_CLEAR_TX: nothing to clear, transmission is instantaneous. */
        u->fcr = value & FCR_STORED;
        update_irq(u);
        break;
    case REG_LCR: u->lcr = value; break;
    case REG_MCR: u->mcr = value & MCR_MASK; break;
    case REG_SCR: u->scr = value; break;
    default: break; /* LSR and MSR are read-only; writes are ignored */
    }
}

/* QEMU virt's UART is byte-wide at reg-shift 0. Wider accesses are accepted and act on the
 * byte register at their offset (low byte of the value), so a careless `lw` does not fault. */
static bool valid_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

bool uart_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct uart16550 *u = opaque;
    if (!valid_size(size)) return false;
    *value = offset < REG_COUNT ? read_register(u, (unsigned)offset) : 0;
    return true;
}

bool uart_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct uart16550 *u = opaque;
    if (!valid_size(size)) return false;
    if (offset < REG_COUNT) write_register(u, (unsigned)offset, (uint8_t)value);
    return true;
}
