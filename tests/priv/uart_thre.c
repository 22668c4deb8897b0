/* The 16550 THRE interrupt as xv6-riscv (its 2022 releases) drives it, through the PLIC.
 *
 * xv6's uartinit enables both the receive and the transmit-holding-empty interrupt (IER = 3)
 * and its uartintr reads only LSR and, while data is ready, RHR: never IIR. So the UART's
 * THRE condition, and its interrupt line, stay high from then on. On QEMU 7.2 the kernel
 * takes one interrupt for the IER write, then one per byte its polled printf writes to THR
 * (each write makes the 16550 re-evaluate its line), and reaches its shell. A PLIC whose
 * gateway re-samples the line at completion (the spec's level gateway) delivers the same
 * interrupt forever at the same sepc instead. devices/plic.c, "Gateways", has the model.
 *
 * This program does what xv6 does, in S-mode with the external interrupt delegated: the
 * same UART and PLIC set-up, the same handler, a polled printf with interrupts off around
 * each byte, then idles. It checks the interrupt counts and that the "shell" prompt is
 * printed. The same program runs on QEMU (qemu-diff/priv/uart_thre). */
#include "priv.h"

#define UART ((volatile uint8_t *)0x10000000ul)
#define RHR 0
#define THR 0
#define IER 1
#define FCR 2
#define LCR 3
#define LSR 5
#define LSR_RX_READY 0x01
#define LSR_TX_IDLE 0x20
#define UART_IRQ 10

#define PLIC 0x0c000000ul
#define PLIC_PRIORITY(src) ((volatile uint32_t *)(PLIC + 4 * (src)))
#define PLIC_SENABLE ((volatile uint32_t *)(PLIC + 0x2080))     /* context 1: hart 0 S */
#define PLIC_SPRIORITY ((volatile uint32_t *)(PLIC + 0x201000)) /* its threshold */
#define PLIC_SCLAIM ((volatile uint32_t *)(PLIC + 0x201004))    /* its claim/complete */
#define SIE_SEIE (1ul << 9)
#define STORM 1000 /* far more than this program can cause: the interrupt does not stop */

static volatile uint64_t uart_interrupts, other_interrupts, received;

/* xv6's uartintr: drain the receiver through LSR and RHR; nothing to transmit. */
static void uartintr(void)
{
    while (UART[LSR] & LSR_RX_READY) {
        (void)UART[RHR];
        received++;
    }
}

/* xv6's devintr for the PLIC: claim, handle, complete. */
static int s_irq_hook(struct pframe *f)
{
    if (!(f->cause >> 63)) return 0;
    if ((f->cause & 63) != IRQ_SEI) exit(250);
    uint32_t irq = *PLIC_SCLAIM;
    if (irq == UART_IRQ) {
        uartintr();
        if (++uart_interrupts > STORM) {
            printf("interrupt storm: UART interrupt %lu at sepc %lx\n", uart_interrupts, f->epc);
            exit(200);
        }
    } else if (irq) {
        other_interrupts++;
    }
    if (irq) *PLIC_SCLAIM = irq;
    return 1;
}

static void spin(void)
{
    for (volatile int i = 0; i < 200000; i++)
        ;
}

/* xv6's uartputc_sync under push_off/pop_off: interrupts off while writing THR. */
static void putc_sync(char c)
{
    csr_clear(sstatus, MSTATUS_SIE);
    while (!(UART[LSR] & LSR_TX_IDLE))
        ;
    UART[THR] = (uint8_t)c;
    csr_set(sstatus, MSTATUS_SIE);
}

static const char banner[] = "\nxv6 kernel is booting\n\ninit: starting sh\n$ ";
static volatile uint64_t after_init, after_banner;

static uint64_t s_kernel(uint64_t arg)
{
    (void)arg;
    /* uartinit */
    UART[IER] = 0x00;
    UART[LCR] = 0x80; /* baud latch */
    UART[0] = 0x03;
    UART[1] = 0x00;
    UART[LCR] = 0x03;
    UART[FCR] = 0x07; /* FIFOs on, cleared */
    UART[IER] = 0x03; /* RX and TX interrupts */
    /* plicinithart */
    *PLIC_SENABLE = 1u << UART_IRQ;
    *PLIC_SPRIORITY = 0;
    csr_set(sie, SIE_SEIE);
    csr_set(sstatus, MSTATUS_SIE);
    spin();
    after_init = uart_interrupts;
    for (const char *p = banner; *p; p++)
        putc_sync(*p);
    spin();
    after_banner = uart_interrupts;
    csr_clear(sstatus, MSTATUS_SIE);
    csr_clear(sie, SIE_SEIE);
    return 0;
}

int main(void)
{
    priv_init();
    s_hook = s_irq_hook;
    csr_write(mideleg, 1ul << IRQ_SEI);
    *PLIC_PRIORITY(UART_IRQ) = 1; /* plicinit */
    /* What this program printed so far left requests behind only if THRE was enabled: it
     * was not, so nothing is pending for S. Claim whatever is, to start clean. */
    for (uint32_t irq; (irq = *PLIC_SCLAIM) != 0;)
        *PLIC_SCLAIM = irq;

    RUN_S(s_kernel, 0);
    UART[IER] = 0; /* back to polled output for the report */
    printf("\n");
    CHECK("one interrupt for enabling THRE, none while idle", after_init, 1);
    CHECK("then one per byte written to THR", after_banner - after_init, sizeof banner - 1);
    CHECK("no other interrupt", other_interrupts, 0);
    CHECK("no input", received, 0);
    return done("uart_thre");
}
