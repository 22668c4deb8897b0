/* The firmware's per-hart memory, shared by entry.S, link.ld's arithmetic and the C code:
 * each hart h below SBI_MAX_HARTS has SBI_HART_STACKS bytes at __stacks_start + h * that, a
 * boot stack (SBI_BOOT_STACK bytes) then its trap stack. Plain numbers: assembler, linker
 * script and C all read this file. */
#ifndef RV39_SBI_SMP_LAYOUT_H
#define RV39_SBI_SMP_LAYOUT_H

#define SBI_MAX_HARTS 8
#define SBI_BOOT_STACK 0x1000  /* 4 KiB: sbi_main and the banner's printf */
#define SBI_HART_STACKS 0x4000 /* 16 KiB: the boot stack, then 12 KiB of trap stack */

#endif
