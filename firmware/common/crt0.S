/* Entry and trap glue for rv39's bare-metal guests.
 *
 * Both QEMU virt (with -bios none) and rv39 start the hart in M-mode at the ELF entry with
 * a0 = hart id and a1 = device tree address; nothing else about the machine state is
 * promised, so set up gp, sp, .bss and mtvec ourselves before C runs. */

#include "gprs.h"

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
    SAVE_GPRS sp
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
    RESTORE_GPRS sp
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
