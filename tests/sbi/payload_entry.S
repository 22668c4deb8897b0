/* S-mode payload entry and trap vector. The firmware starts us in S-mode with a0 = hart id
 * and a1 = device-tree address (or 0), paging off. */

#include "gprs.h"

    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    la      sp, __stack_top
    la      t0, s_trap_vector
    csrw    stvec, t0
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    payload_main        /* payload_main(hartid, dtb) ends with an SBI shutdown */
3:  wfi
    j       3b

/* Where a non-retentive HSM suspend resumes: only a0 (hart id) and a1 (opaque) are defined,
 * so the stack is set up again before C runs (hsm_resumed never returns). */
    .globl hsm_resume_entry
    .balign 4
hsm_resume_entry:
    la      sp, __stack_top
    call    hsm_resumed
4:  wfi
    j       4b

/* Saves the registers C may clobber (ra, t0-t6, a0-a7), calls s_trap(sepc-holder) and
 * returns with sret; s_trap edits the saved sepc to skip a faulting instruction. */
    .section .text, "ax", @progbits
    .balign 4
    .globl s_trap_vector
s_trap_vector:
    addi    sp, sp, -18*8
    SAVE_CALLER_SAVED sp
    csrr    t0, sepc
    sd      t0, 16*8(sp)
    addi    a0, sp, 16*8
    call    s_trap
    ld      t0, 16*8(sp)
    csrw    sepc, t0
    RESTORE_CALLER_SAVED sp
    addi    sp, sp, 18*8
    sret
