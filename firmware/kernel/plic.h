/* The platform-level interrupt controller (riscv/riscv-plic-spec): device interrupts reach
 * the kernel through it as S-mode external interrupts (scause IRQ_S_EXTERNAL). A driver
 * registers a handler for its source; trap.c calls plic_dispatch on every external
 * interrupt, which claims the sources that are pending, runs their handlers and completes
 * them. */
#ifndef KERNEL_PLIC_H
#define KERNEL_PLIC_H

#include <stdint.h>

/* Interrupt sources on QEMU virt (and rv39): see memlayout.h for the devices. */
#define IRQ_VIRTIO(slot) (1u + (slot)) /* virtio-mmio slot 0..7 */
#define IRQ_UART0 10u

/* Threshold 0 for hart 0's S context, nothing enabled yet; sie.SEIE on. */
void plic_init(void);
/* Priority 1 for `source`, enabled for hart 0's S context; its interrupts run `handler`
 * (in trap context, interrupts off: it must not block). */
void plic_enable(uint32_t source, void (*handler)(void));
/* An external interrupt arrived: claim, handle and complete until nothing is pending. */
void plic_dispatch(void);

#endif
