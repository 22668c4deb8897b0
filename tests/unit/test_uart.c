/* NS16550A (devices/uart16550.c) as Linux's 8250 driver and OpenSBI use it. Register offsets
 * and bit meanings follow the 16550 datasheet; see the table at the top of uart16550.c. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "devices/uart16550.h"

enum {
    RBR = 0,
    THR = 0,
    DLL = 0,
    IER = 1,
    DLM = 1,
    IIR = 2,
    FCR = 2,
    LCR = 3,
    MCR = 4,
    LSR = 5,
    MSR = 6,
    SCR = 7
};

/* A fake interrupt wire that remembers the last level driven on it, and counts the signals
 * with the level high: at the PLIC each is a request (devices/plic.c, "Gateways"). */
struct wire {
    bool level;
    unsigned sets, requests;
};

static void wire_set(void *opaque, unsigned num, bool level)
{
    struct wire *w = opaque;
    (void)num;
    w->level = level;
    w->sets++;
    w->requests += level;
}

static struct uart16550 uart;
static struct wire wire;
static char *tx_buf;
static size_t tx_len;
static FILE *tx;

static void setup(void)
{
    wire = (struct wire){0};
    tx = open_memstream(&tx_buf, &tx_len);
    uart_init(&uart, tx, (struct irq_line){wire_set, &wire, 10});
}

static void teardown(void)
{
    fclose(tx);
    free(tx_buf);
}

static uint8_t rd(unsigned reg)
{
    uint64_t v = 0xdead;
    cr_assert(uart_read(&uart, reg, 1, &v), "a byte read of register %u must succeed", reg);
    cr_assert_leq(v, 0xff, "a byte register must read as one byte");
    return (uint8_t)v;
}

static void wr(unsigned reg, uint8_t value)
{
    cr_assert(uart_write(&uart, reg, 1, value), "a byte write of register %u must succeed", reg);
}

TestSuite(uart, .init = setup, .fini = teardown);

Test(uart, thr_write_goes_to_output)
{
    wr(THR, 'h');
    wr(THR, 'i');
    fflush(tx);
    cr_assert_eq(tx_len, 2, "each THR write transmits one byte");
    cr_assert_arr_eq(tx_buf, "hi", 2, "bytes are transmitted in order");
}

Test(uart, dlab_switches_offsets_0_and_1_to_divisor_latch)
{
    wr(IER, 0x01);
    wr(LCR, 0x83); /* DLAB=1, 8N1 */
    wr(DLL, 0x0c);
    wr(DLM, 0x00);
    cr_assert_eq(rd(DLL), 0x0c, "with DLAB set, offset 0 is DLL");
    cr_assert_eq(rd(DLM), 0x00, "with DLAB set, offset 1 is DLM");
    fflush(tx);
    cr_assert_eq(tx_len, 0, "a DLL write must not transmit");
    wr(LCR, 0x03);
    cr_assert_eq(rd(IER), 0x01, "with DLAB clear, offset 1 is IER again and kept its value");
    cr_assert_eq(rd(LCR), 0x03, "LCR reads back");
}

Test(uart, lsr_reports_transmitter_always_empty)
{
    uint8_t lsr = rd(LSR);
    cr_assert_eq(lsr & 0x60, 0x60, "LSR.THRE and LSR.TEMT are set: TX is instantaneous");
    wr(THR, 'x');
    cr_assert_eq(rd(LSR) & 0x60, 0x60, "THRE/TEMT stay set right after a THR write");
}

Test(uart, lsr_data_ready_tracks_rx_fifo)
{
    cr_assert_eq(rd(LSR) & 0x01, 0, "LSR.DR is clear with an empty RX FIFO");
    cr_assert(uart_rx_push(&uart, 'a'));
    cr_assert(uart_rx_push(&uart, 'b'));
    cr_assert_eq(rd(LSR) & 0x01, 1, "LSR.DR is set when the RX FIFO holds data");
    cr_assert_eq(rd(RBR), 'a', "RBR returns bytes in arrival order");
    cr_assert_eq(rd(LSR) & 0x01, 1, "LSR.DR stays set while bytes remain");
    cr_assert_eq(rd(RBR), 'b');
    cr_assert_eq(rd(LSR) & 0x01, 0, "LSR.DR clears once the FIFO is drained");
}

Test(uart, rx_fifo_full_rejects_and_reports_overrun)
{
    for (unsigned i = 0; i < UART_RX_FIFO; i++)
        cr_assert(uart_rx_push(&uart, (uint8_t)i), "byte %u fits in the FIFO", i);
    cr_assert_eq(uart_rx_space(&uart), 0, "a full FIFO has no space");
    cr_assert_not(uart_rx_push(&uart, 0xff), "pushing into a full FIFO must fail");
    uint8_t lsr = rd(LSR);
    cr_assert(lsr & 0x02, "LSR.OE reports the lost byte");
    cr_assert_eq(rd(LSR) & 0x02, 0, "LSR.OE clears when LSR is read");
    for (unsigned i = 0; i < UART_RX_FIFO; i++)
        cr_assert_eq(rd(RBR), (uint8_t)i, "the FIFO keeps the bytes that fitted, in order");
    cr_assert_eq(uart_rx_space(&uart), UART_RX_FIFO, "a drained FIFO has all its space");
}

Test(uart, iir_reports_none_when_nothing_pending)
{
    cr_assert_eq(rd(IIR), 0x01, "IIR bit 0 set means no interrupt pending");
    cr_assert_not(wire.level, "the IRQ line is low with nothing pending");
}

Test(uart, iir_fifo_bits_follow_fcr_enable)
{
    wr(FCR, 0x07); /* enable, clear RX, clear TX */
    cr_assert_eq(rd(IIR) & 0xc0, 0xc0, "IIR bits 7:6 are set when FCR enabled the FIFOs");
    wr(FCR, 0x00);
    cr_assert_eq(rd(IIR) & 0xc0, 0x00, "IIR bits 7:6 are clear with FIFOs disabled");
}

Test(uart, fcr_clear_rx_empties_fifo)
{
    uart_rx_push(&uart, 'a');
    wr(FCR, 0x03);
    cr_assert_eq(rd(LSR) & 0x01, 0, "FCR bit 1 discards received data");
}

Test(uart, enabling_etbei_raises_thre_interrupt)
{
    wr(IER, 0x02);
    cr_assert(wire.level, "enabling ETBEI with THR empty raises the IRQ line");
    cr_assert_eq(rd(IIR) & 0x0f, 0x02, "IIR reports THR empty");
}

Test(uart, reading_iir_clears_thre_interrupt)
{
    wr(IER, 0x02);
    cr_assert_eq(rd(IIR) & 0x0f, 0x02);
    cr_assert_not(wire.level, "reading IIR while it reports THRE acknowledges the interrupt");
    cr_assert_eq(rd(IIR) & 0x0f, 0x01, "after the acknowledge nothing is pending");
}

Test(uart, thr_write_rearms_thre_interrupt)
{
    wr(IER, 0x02);
    rd(IIR);
    cr_assert_not(wire.level);
    wr(THR, 'x');
    cr_assert(wire.level, "the byte leaves at once, so THR is empty again: THRE re-arms");
    cr_assert_eq(rd(IIR) & 0x0f, 0x02);
}

Test(uart, thre_interrupt_masked_when_etbei_clear)
{
    wr(THR, 'x');
    cr_assert_not(wire.level, "THRE does not interrupt while IER.ETBEI is clear");
    cr_assert_eq(rd(IIR) & 0x0f, 0x01);
}

Test(uart, rx_interrupt_follows_erbfi_and_data_ready)
{
    uart_rx_push(&uart, 'a');
    cr_assert_not(wire.level, "received data does not interrupt while IER.ERBFI is clear");
    wr(IER, 0x01);
    cr_assert(wire.level, "enabling ERBFI with data waiting raises the IRQ line");
    cr_assert_eq(rd(IIR) & 0x0f, 0x04, "IIR reports received data available");
    cr_assert(wire.level, "reading IIR does not acknowledge received data");
    rd(RBR);
    cr_assert_not(wire.level, "draining the FIFO lowers the IRQ line");
    uart_rx_push(&uart, 'b');
    cr_assert(wire.level, "a byte arriving with ERBFI set raises the IRQ line");
}

Test(uart, iir_priority_rx_data_over_thr_empty)
{
    wr(IER, 0x03);
    uart_rx_push(&uart, 'a');
    cr_assert_eq(rd(IIR) & 0x0f, 0x04, "received data outranks THR empty");
    cr_assert_eq(rd(IIR) & 0x0f, 0x04, "reading IIR while it reports RX must not clear THRE");
    rd(RBR);
    cr_assert_eq(rd(IIR) & 0x0f, 0x02, "THR empty is reported once RX data is gone");
    cr_assert_eq(rd(IIR) & 0x0f, 0x01);
}

Test(uart, line_status_interrupt_outranks_rx_data)
{
    wr(IER, 0x05); /* ERBFI | ELSI */
    for (unsigned i = 0; i <= UART_RX_FIFO; i++)
        uart_rx_push(&uart, 0);
    cr_assert_eq(rd(IIR) & 0x0f, 0x06, "an overrun (line status) outranks received data");
    rd(LSR);
    cr_assert_eq(rd(IIR) & 0x0f, 0x04, "reading LSR clears the line status interrupt");
}

Test(uart, scratch_and_mcr_read_back)
{
    wr(SCR, 0x5a);
    cr_assert_eq(rd(SCR), 0x5a, "SCR holds what was written");
    wr(MCR, 0x0b);
    cr_assert_eq(rd(MCR), 0x0b, "MCR holds what was written");
}

Test(uart, msr_reports_connected_peer)
{
    cr_assert_eq(rd(MSR) & 0xf0, 0xb0, "outside loopback DCD, DSR and CTS are asserted");
}

Test(uart, loopback_returns_tx_to_rx_and_wires_modem_lines)
{
    wr(MCR, 0x1a); /* LOOP | OUT2 | RTS: Linux's 8250 probe value */
    cr_assert_eq(rd(MSR) & 0xf0, 0x90, "loopback maps RTS->CTS and OUT2->DCD");
    wr(THR, 'L');
    fflush(tx);
    cr_assert_eq(tx_len, 0, "in loopback nothing is transmitted");
    cr_assert_eq(rd(LSR) & 0x01, 1, "in loopback the byte is received");
    cr_assert_eq(rd(RBR), 'L');
}

Test(uart, wide_access_acts_on_the_byte_register)
{
    uint64_t v;
    cr_assert(uart_write(&uart, SCR, 4, 0xffffff42), "a 32-bit write is accepted");
    cr_assert(uart_read(&uart, SCR, 4, &v), "a 32-bit read is accepted");
    cr_assert_eq(v, 0x42, "a wide access uses only the low byte");
    cr_assert(uart_read(&uart, LSR, 8, &v));
    cr_assert_eq(v & 0x60, 0x60, "a 64-bit LSR read sees THRE/TEMT");
}

Test(uart, offsets_past_register_file_read_zero)
{
    uint64_t v = 1;
    cr_assert(uart_write(&uart, 0x10, 1, 0xff), "writes beyond offset 7 are ignored, not refused");
    cr_assert(uart_read(&uart, 0x10, 1, &v));
    cr_assert_eq(v, 0, "offsets beyond 7 read 0");
    cr_assert(uart_read(&uart, 0xff, 1, &v));
    cr_assert_eq(v, 0);
}

Test(uart, odd_sizes_are_refused)
{
    uint64_t v;
    cr_assert_not(uart_read(&uart, 0, 3, &v), "a 3-byte access is not a bus access size");
}

/* What xv6-riscv's uartintr does with THRE enabled and never reading IIR: LSR and, when data
 * is ready, RBR. QEMU's 16550 signals its line on the RBR read and on receiving a byte, not on
 * an LSR read without errors: so the line stays high but makes no new request, and the guest
 * takes no interrupt storm (hw/char/serial.c, serial_ioport_read). */
Test(uart, lsr_polling_makes_no_request)
{
    wr(IER, 0x03); /* RX and TX interrupts, as xv6's uartinit */
    cr_assert(wire.level, "THRE pending: the line is high");
    unsigned before = wire.requests;
    for (int i = 0; i < 10; i++)
        rd(LSR);
    rd(IER), rd(LCR), rd(MCR), rd(MSR), rd(SCR);
    wr(LCR, 0x03), wr(MCR, 0x0b), wr(SCR, 1);
    cr_assert_eq(wire.requests, before, "reads and writes QEMU does not update on make no request");
    uart_rx_push(&uart, 'a');
    cr_assert_eq(wire.requests, before + 1, "a received byte is a request");
    rd(LSR);
    cr_assert_eq(rd(RBR), 'a');
    cr_assert_eq(wire.requests, before + 2, "the RBR read re-evaluates (THRE still pending)");
    rd(LSR);
    cr_assert_eq(wire.requests, before + 2, "LSR without data: no request");
}

/* The points where QEMU's 16550 re-evaluates: each is one signal. */
Test(uart, signals_where_qemu_updates)
{
    wr(IER, 0x02);
    unsigned before = wire.requests;
    wr(IER, 0x02);
    cr_assert_eq(wire.requests, before + 1, "every IER write re-arms THRE and signals");
    wr(THR, 'x');
    cr_assert_eq(wire.requests, before + 2, "a THR write signals once the byte has left");
    wr(FCR, 0x01);
    cr_assert_eq(wire.requests, before + 3, "an FCR write that changes FCR signals");
    wr(FCR, 0x01);
    cr_assert_eq(wire.requests, before + 3, "an FCR write that changes nothing does not");
    cr_assert_eq(rd(IIR) & 0x0f, 0x02);
    cr_assert_not(wire.level, "reading IIR reporting THRE acknowledges it and signals low");
}
