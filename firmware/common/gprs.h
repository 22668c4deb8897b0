/* Assembler macros shared by the guest trap entries (crt0.S, firmware/sbi/entry.S, the
 * kernel's trap.S, tests/sbi/payload_entry.S): save or restore x1 and x3..x31 at n*8(base)
 * (x2, sp, is the caller's business: it usually is the base), or just the caller-saved
 * registers ra, t0-t6, a0-a7 at 0..15*8(base) for handlers that call C. */
#ifndef RV39_GUEST_GPRS_H
#define RV39_GUEST_GPRS_H

/* clang-format off */
.macro SAVE_GPRS base
    sd x1, 1*8(\base)
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd x\n, \n*8(\base)
    .endr
.endm

.macro RESTORE_GPRS base
    ld x1, 1*8(\base)
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld x\n, \n*8(\base)
    .endr
.endm
.macro SAVE_CALLER_SAVED base   /* ra, t0-t6, a0-a7 at 0*8 .. 15*8(base) */
    .set .Lcs_off, 0
    .irp r, ra,t0,t1,t2,t3,t4,t5,t6,a0,a1,a2,a3,a4,a5,a6,a7
    sd \r, .Lcs_off(\base)
    .set .Lcs_off, .Lcs_off + 8
    .endr
.endm

.macro RESTORE_CALLER_SAVED base
    .set .Lcs_off, 0
    .irp r, ra,t0,t1,t2,t3,t4,t5,t6,a0,a1,a2,a3,a4,a5,a6,a7
    ld \r, .Lcs_off(\base)
    .set .Lcs_off, .Lcs_off + 8
    .endr
.endm
/* clang-format on */

#endif
