/* Trap entry and exit, and the kernel-thread switch.
 *
 * There is no trampoline page: the kernel is identity mapped (without the U bit) in every
 * process's page table, so the trap vector, the process table and the kernel stacks are
 * reachable whatever satp holds. One vector serves both origins, told apart by sscratch:
 *
 *   in U-mode  sscratch = &current process's trapframe (struct proc starts with it)
 *   in S-mode  sscratch = 0
 *
 * `csrrw sp, sscratch, sp` swaps the two: a non-zero sp afterwards means we came from U and
 * now point at the trapframe; zero means we came from S, and swapping back restores both. */

#include "gprs.h"

#define TF_EPC 256
#define TF_KERNEL_SP 264

    .section .text, "ax", @progbits
    .balign 4
    .globl trap_vector
trap_vector:
    csrrw   sp, sscratch, sp
    beqz    sp, from_kernel

    /* From U-mode: sp = trapframe; save every user register but sp, which is in sscratch. */
    SAVE_GPRS sp                    /* x1, x3..x31 (firmware/common/gprs.h) */
    csrrw   t0, sscratch, zero      /* the user sp; sscratch = 0: we are in the kernel now */
    sd      t0, 2*8(sp)
    csrr    t0, sepc
    sd      t0, TF_EPC(sp)
    mv      a0, sp
    ld      sp, TF_KERNEL_SP(a0)    /* the process's kernel stack, empty */
    call    user_trap               /* user_trap(tf) leaves through user_return */
1:  j       1b

    /* From S-mode: an interrupt while the scheduler idles, or a kernel exception. Save what
     * C may clobber on the current stack and call kernel_trap(frame). */
from_kernel:
    csrrw   sp, sscratch, sp        /* sp back; sscratch = 0 again */
    addi    sp, sp, -20*8
    SAVE_CALLER_SAVED sp
    csrr    t0, sepc
    sd      t0, 16*8(sp)
    csrr    t0, sstatus
    sd      t0, 17*8(sp)
    mv      a0, sp
    call    kernel_trap             /* may edit the saved sepc (struct kernel_frame) */
    ld      t0, 16*8(sp)
    csrw    sepc, t0
    ld      t0, 17*8(sp)
    csrw    sstatus, t0
    RESTORE_CALLER_SAVED sp
    addi    sp, sp, 20*8
    sret

/* user_return(tf): back to U-mode with the registers in tf. The caller (usertrap_return) has
 * set sstatus.SPP = U and SPIE, and interrupts are off until sret. */
    .globl user_return
user_return:
    csrw    sscratch, a0            /* the next trap from U finds its trapframe here */
    ld      t0, TF_EPC(a0)
    csrw    sepc, t0
    ld      x1, 1*8(a0)
    ld      x2, 2*8(a0)
    ld      x3, 3*8(a0)
    ld      x4, 4*8(a0)
    ld      x5, 5*8(a0)
    ld      x6, 6*8(a0)
    ld      x7, 7*8(a0)
    ld      x8, 8*8(a0)
    ld      x9, 9*8(a0)
    ld      x11, 11*8(a0)
    ld      x12, 12*8(a0)
    ld      x13, 13*8(a0)
    ld      x14, 14*8(a0)
    ld      x15, 15*8(a0)
    ld      x16, 16*8(a0)
    ld      x17, 17*8(a0)
    ld      x18, 18*8(a0)
    ld      x19, 19*8(a0)
    ld      x20, 20*8(a0)
    ld      x21, 21*8(a0)
    ld      x22, 22*8(a0)
    ld      x23, 23*8(a0)
    ld      x24, 24*8(a0)
    ld      x25, 25*8(a0)
    ld      x26, 26*8(a0)
    ld      x27, 27*8(a0)
    ld      x28, 28*8(a0)
    ld      x29, 29*8(a0)
    ld      x30, 30*8(a0)
    ld      x31, 31*8(a0)
    ld      x10, 10*8(a0)           /* a0 last: it held the trapframe's address */
    sret

/* swtch(save, load): saves the callee-saved registers of the running kernel thread in
 * *save and resumes the one in *load (struct context: ra, sp, s0..s11). */
    .globl swtch
swtch:
    sd      ra, 0*8(a0)
    sd      sp, 1*8(a0)
    sd      s0, 2*8(a0)
    sd      s1, 3*8(a0)
    sd      s2, 4*8(a0)
    sd      s3, 5*8(a0)
    sd      s4, 6*8(a0)
    sd      s5, 7*8(a0)
    sd      s6, 8*8(a0)
    sd      s7, 9*8(a0)
    sd      s8, 10*8(a0)
    sd      s9, 11*8(a0)
    sd      s10, 12*8(a0)
    sd      s11, 13*8(a0)
    ld      ra, 0*8(a1)
    ld      sp, 1*8(a1)
    ld      s0, 2*8(a1)
    ld      s1, 3*8(a1)
    ld      s2, 4*8(a1)
    ld      s3, 5*8(a1)
    ld      s4, 6*8(a1)
    ld      s5, 7*8(a1)
    ld      s6, 8*8(a1)
    ld      s7, 9*8(a1)
    ld      s8, 10*8(a1)
    ld      s9, 11*8(a1)
    ld      s10, 12*8(a1)
    ld      s11, 13*8(a1)
    ret
