/* Kernel entry. The firmware starts us here in S-mode with paging off, a0 = hart id and
 * a1 = physical address of the device tree. Single hart: any other hart parks itself. */

    .section .text.entry, "ax", @progbits
    .globl _entry
_entry:
    bnez    a0, park                /* only hart 0 runs the kernel (a0 = mhartid) */
    la      sp, boot_stack_top
    csrw    sscratch, zero          /* 0 = "trapped from the kernel" (trap.S) */
    la      t0, kernel_bss_start
    la      t1, kernel_bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    kmain                   /* kmain(hartid, dtb) never returns */
park:
    wfi
    j       park
