/* Entry and trap glue for rv39's bare-metal guests.
 *
 * Both QEMU virt (with -bios none) and rv39 start the hart in M-mode at the ELF entry with
 * a0 = hart id and a1 = device tree address; nothing else about the machine state is
 * promised, so set up gp, sp, .bss and mtvec ourselves before C runs. */

    .section .text.init, "ax", @progbits
    .globl _start
_start:
    /* gp must be set without relaxation: a relaxed `la gp` would be gp-relative itself. */
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top

    /* .bss is 8-byte aligned at both ends (link.ld), so whole doublewords cover it. */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    /* Stored after the clear, which would otherwise wipe them. */
    la      t0, rv39_boot_hartid
    sd      a0, 0(t0)
    la      t0, rv39_boot_dtb
    sd      a1, 0(t0)

    la      t0, trap_entry
    csrw    mtvec, t0

    call    main
    call    exit
3:  j       3b

/* Direct-mode trap vector: save every register into a struct trap_frame (rv39.h) on the
 * current stack, let C decide, then restore and mret. The C handler may edit the frame
 * (mepc to skip an instruction, mstatus to change the privilege mret returns to, or any
 * register) and the edit takes effect on return. */
    .section .text, "ax", @progbits
    .balign 4
    .globl trap_entry
trap_entry:
    addi    sp, sp, -36*8
    /* x0's slot holds nothing; x2 (sp) is stored as its value before the trap. */
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    sd      x4, 4*8(sp)
    sd      x5, 5*8(sp)
    sd      x6, 6*8(sp)
    sd      x7, 7*8(sp)
    sd      x8, 8*8(sp)
    sd      x9, 9*8(sp)
    sd      x10, 10*8(sp)
    sd      x11, 11*8(sp)
    sd      x12, 12*8(sp)
    sd      x13, 13*8(sp)
    sd      x14, 14*8(sp)
    sd      x15, 15*8(sp)
    sd      x16, 16*8(sp)
    sd      x17, 17*8(sp)
    sd      x18, 18*8(sp)
    sd      x19, 19*8(sp)
    sd      x20, 20*8(sp)
    sd      x21, 21*8(sp)
    sd      x22, 22*8(sp)
    sd      x23, 23*8(sp)
    sd      x24, 24*8(sp)
    sd      x25, 25*8(sp)
    sd      x26, 26*8(sp)
    sd      x27, 27*8(sp)
    sd      x28, 28*8(sp)
    sd      x29, 29*8(sp)
    sd      x30, 30*8(sp)
    sd      x31, 31*8(sp)
    addi    t0, sp, 36*8
    sd      t0, 2*8(sp)
    csrr    t0, mepc
    sd      t0, 32*8(sp)
    csrr    t0, mcause
    sd      t0, 33*8(sp)
    csrr    t0, mtval
    sd      t0, 34*8(sp)
    csrr    t0, mstatus
    sd      t0, 35*8(sp)

    mv      a0, sp
    call    trap_handler

    ld      t0, 32*8(sp)
    csrw    mepc, t0
    ld      t0, 35*8(sp)
    csrw    mstatus, t0
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    ld      x4, 4*8(sp)
    ld      x5, 5*8(sp)
    ld      x6, 6*8(sp)
    ld      x7, 7*8(sp)
    ld      x8, 8*8(sp)
    ld      x9, 9*8(sp)
    ld      x10, 10*8(sp)
    ld      x11, 11*8(sp)
    ld      x12, 12*8(sp)
    ld      x13, 13*8(sp)
    ld      x14, 14*8(sp)
    ld      x15, 15*8(sp)
    ld      x16, 16*8(sp)
    ld      x17, 17*8(sp)
    ld      x18, 18*8(sp)
    ld      x19, 19*8(sp)
    ld      x20, 20*8(sp)
    ld      x21, 21*8(sp)
    ld      x22, 22*8(sp)
    ld      x23, 23*8(sp)
    ld      x24, 24*8(sp)
    ld      x25, 25*8(sp)
    ld      x26, 26*8(sp)
    ld      x27, 27*8(sp)
    ld      x28, 28*8(sp)
    ld      x29, 29*8(sp)
    ld      x30, 30*8(sp)
    ld      x31, 31*8(sp)
    addi    sp, sp, 36*8
    mret

    .section .sdata, "aw", @progbits
    .balign 8
    .globl rv39_boot_hartid
rv39_boot_hartid:
    .dword 0
    .globl rv39_boot_dtb
rv39_boot_dtb:
    .dword 0
