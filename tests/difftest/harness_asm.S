/* Trap entry and program entry of the difftest harness (harness.c).
 *
 * tp (x4) points at the harness's frame at all times: generated programs never write it, so
 * the handler needs no scratch CSR and programs are free to write mscratch. The frame is
 * x0..x31 at 0..255, then the harness's own gp and sp, and a word for the SC below. */

#include "gprs.h"

#define FRAME_HGP (32 * 8)
#define FRAME_HSP (33 * 8)
#define FRAME_SCRATCH (34 * 8)

    .section .text, "ax", @progbits
    /* Programs may switch mtvec to vectored mode: exceptions still go to BASE, interrupt n
     * to BASE + 4n (priv spec "Machine Trap-Vector Base-Address Register"). So a table of
     * jumps, 256-aligned for any extra alignment vectored mode asks of BASE. */
    .balign 256
    .globl dt_trap_entry
dt_trap_entry:
    .option push
    .option norvc
    .rept 16
    j       dt_trap_common
    .endr
    .option pop
dt_trap_common:
    sd      x2, 2*8(tp)
    SAVE_GPRS tp
    ld      gp, FRAME_HGP(tp)
    ld      sp, FRAME_HSP(tp)
    /* Drop any LR reservation: whether a trap does is the implementation's choice, and an SC
     * in the program after a trap must fail on both machines (unpriv spec "Load-Reserved/
     * Store-Conditional Instructions": an SC with no reservation fails; the recommended
     * context-switch idiom is this dummy SC). */
    addi    t0, tp, FRAME_SCRATCH
    sc.d    zero, zero, (t0)
    mv      a0, tp
    call    dt_handle_trap
    /* fall through: resume the program with the (possibly edited) frame */
    .globl dt_resume
dt_resume:
    RESTORE_GPRS tp
    ld      x2, 2*8(tp)
    mret

/* void dt_load_fregs(const uint64_t f[32]): FS must be on. */
    .globl dt_load_fregs
dt_load_fregs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fld     f\n, \n*8(a0)
    .endr
    ret

/* void dt_save_fregs(uint64_t f[32]): FS must be on. */
    .globl dt_save_fregs
dt_save_fregs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fsd     f\n, \n*8(a0)
    .endr
    ret
