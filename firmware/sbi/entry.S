/* rv39 SBI firmware: reset entry and M-mode trap vector.
 *
 * Boot protocol (QEMU virt, rv39): every hart starts here in M-mode with a0 = hart id and
 * a1 = device-tree address. One hart wins the boot and runs the firmware; any other parks,
 * because this firmware serves a single hart. */

#include "gprs.h"

    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    csrw    mie, zero
    /* The winner is the first to swap the word from 0 to 1. The word lives in .data, which
     * the raw image carries, so it is 0 at every (re)load of the image. */
    la      t0, boot_claimed
    li      t1, 1
    amoswap.w t1, t1, (t0)
    bnez    t1, park

    la      sp, __boot_stack_top
    la      t0, __trap_stack_top
    csrw    mscratch, t0
    la      t0, trap_vector
    csrw    mtvec, t0

    /* A loader need not zero .bss (a raw image has none), so do it here. a0/a1 are kept. */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    sbi_main        /* sbi_main(hartid, dtb) does not return */

park:
    wfi
    j       park

/* Trap vector (direct mode). The frame is struct sbi_trap_frame (sbi.h): x1..x31 with x2 =
 * the interrupted sp, then mepc, the mscratch value to restore, and mstatus.
 *
 * mscratch holds the top of the trap stack while S-mode (or the boot code) runs, so the first
 * instruction swaps the interrupted sp for the firmware's own. While the C handler runs,
 * mscratch is 0: a trap taken then (a guarded access, trap.c) comes from M-mode, swaps back
 * to the handler's own sp and pushes its frame below the handler's frames instead of over
 * them. mstatus is saved and restored because the inner trap rewrites MPP and MPIE, which the
 * outer mret still needs. */
    .section .text, "ax", @progbits
    .balign 4
trap_vector:
    csrrw   sp, mscratch, sp
    bnez    sp, 1f
    csrrw   sp, mscratch, sp        /* nested: back onto the handler's stack, mscratch = 0 */
1:  addi    sp, sp, -36*8
    SAVE_GPRS sp
    csrr    t0, mscratch            /* the interrupted sp, or 0 when nested */
    addi    t1, sp, 36*8            /* this frame's top = the trap stack top when not nested */
    bnez    t0, 2f
    mv      t0, t1                  /* nested: the interrupted sp is just above this frame */
    li      t1, 0                   /* and mscratch stays 0 when we return to the handler */
2:  sd      t0, 2*8(sp)
    sd      t1, 33*8(sp)
    csrw    mscratch, zero
    csrr    t0, mepc
    sd      t0, 32*8(sp)
    csrr    t0, mstatus
    sd      t0, 34*8(sp)

    mv      a0, sp
    call    sbi_trap

    ld      t0, 33*8(sp)
    csrw    mscratch, t0
    ld      t0, 32*8(sp)
    csrw    mepc, t0
    ld      t0, 34*8(sp)
    csrw    mstatus, t0
    RESTORE_GPRS sp
    ld      sp, 2*8(sp)
    mret

    .section .data, "aw", @progbits
    .balign 4
boot_claimed:
    .word 0
