/* rv39 SBI firmware: reset entry and M-mode trap vector.
 *
 * Boot protocol (QEMU virt, rv39): every hart starts here in M-mode with a0 = hart id and
 * a1 = device-tree address. Each hart takes its own boot and trap stacks (by mhartid, link.ld).
 * One hart wins the boot and runs the firmware; the others wait in wfi, stopped in the SBI
 * HSM sense, until a hart_start wakes them with a machine software interrupt (smp.c). Harts
 * beyond SBI_MAX_HARTS have no stacks and park for good. */

#include "gprs.h"
#include "smp_layout.h"

    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    csrw    mie, zero
    csrr    t2, mhartid
    li      t0, SBI_MAX_HARTS
    bgeu    t2, t0, park
    /* This hart's stacks: boot stack top at base + h * HART_STACKS + BOOT_STACK, trap stack
     * top at base + (h + 1) * HART_STACKS. */
    la      t0, __stacks_start
    li      t1, SBI_HART_STACKS
    mul     t3, t2, t1
    add     t0, t0, t3
    li      t4, SBI_BOOT_STACK
    add     sp, t0, t4
    add     t0, t0, t1
    csrw    mscratch, t0
    la      t0, trap_vector
    csrw    mtvec, t0

    /* The winner is the first to swap the word from 0 to 1. The word lives in .data, which
     * the raw image carries, so it is 0 at every (re)load of the image. */
    la      t0, boot_claimed
    li      t1, 1
    amoswap.w t1, t1, (t0)
    bnez    t1, secondary

    /* A loader need not zero .bss (a raw image has none), so do it here. a0/a1 are kept.
     * The other harts touch nothing in .bss until a hart_start, which comes after this. */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    sbi_main        /* sbi_main(hartid, dtb) does not return */

secondary:
    mv      a0, t2
    call    smp_hart_stopped /* smp_hart_stopped(hartid): waits for hart_start, no return */

park:
    wfi
    j       park

/* smp_restart_stopped(hartid): hart_stop (smp.c) leaves the trap handler for good: this hart's
 * boot stack again, mscratch = its trap stack top, and wait for the next hart_start. */
    .globl smp_restart_stopped
smp_restart_stopped:
    la      t0, __stacks_start
    li      t1, SBI_HART_STACKS
    mul     t3, a0, t1
    add     t0, t0, t3
    li      t4, SBI_BOOT_STACK
    add     sp, t0, t4
    add     t0, t0, t1
    csrw    mscratch, t0
    call    smp_hart_stopped

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
