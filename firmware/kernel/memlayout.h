/* Physical memory map of the board (QEMU virt, which rv39 models) as the kernel uses it, and
 * the kernel's own sizes. See /work/shared/NOTES.md's board table. */
#ifndef KERNEL_MEMLAYOUT_H
#define KERNEL_MEMLAYOUT_H

#define RAM_BASE 0x80000000ul
#define RAM_DEFAULT_SIZE (128ul << 20) /* when the device tree has no /memory node */
#define KERNEL_BASE 0x80200000ul       /* where fw_jump-style firmware starts us */

/* MMIO regions the kernel maps (identity, R+W, no U). */
#define UART0_BASE 0x10000000ul
#define UART0_SIZE 0x1000ul
#define PLIC_BASE 0x0c000000ul
#define PLIC_SIZE 0x600000ul
#define VIRTIO_MMIO_BASE 0x10001000ul
#define VIRTIO_MMIO_SIZE (8 * 0x1000ul) /* slots 0..7 */

/* The `time` CSR's rate on QEMU virt and rv39 (device tree /cpus/timebase-frequency). */
#define TIMEBASE_HZ 10000000ul

/* Processes and their kernel stacks. */
#define NPROC 16
#define KSTACK_SIZE (4 * 4096ul)

#endif
