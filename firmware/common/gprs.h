/* Assembler macros shared by the guest trap entries (firmware/common/crt0.S,
 * firmware/sbi/entry.S, tests/priv/priv_rt.S): save or restore x1 and x3..x31 at
 * n*8(base). x2 (sp) is the caller's business: it usually is the base. */
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
/* clang-format on */

#endif
