/* The assembly half of the trap benchmark (trap.c): the S-mode trap vector and the U-mode
 * program whose system calls and page faults it serves.
 *
 * The U-mode program is assembly on purpose: it runs from a U-mode alias of the image (the
 * identity map is S-only), where nothing may be reached through gp or an absolute address,
 * and only hand-written code promises that. */

#include "gprs.h"

/* System call numbers in a7, shared with trap.c. */
#define SYS_NOP 0
#define SYS_MARK 1
#define SYS_EXIT 2

/* S-mode trap vector (direct mode). Traps come only from U-mode, so sscratch always holds
 * the S stack's top: swap it with the user's sp, save a struct trap_frame (rv39.h, with
 * sepc/scause/stval/sstatus in the m* slots), let s_trap_handler() decide, and return with
 * whatever it left in the frame. */
    .section .text, "ax", @progbits
    .balign 4
    .globl s_trap_entry
s_trap_entry:
    csrrw   sp, sscratch, sp
    addi    sp, sp, -36*8
    SAVE_GPRS sp
    csrr    t0, sscratch
    sd      t0, 2*8(sp)            /* the user's sp */
    csrr    t0, sepc
    sd      t0, 32*8(sp)
    csrr    t0, scause
    sd      t0, 33*8(sp)
    csrr    t0, stval
    sd      t0, 34*8(sp)
    csrr    t0, sstatus
    sd      t0, 35*8(sp)
    /* The C handler may reach its data through gp: make sure gp is ours, whatever U did. */
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop

    mv      a0, sp
    call    s_trap_handler

    ld      t0, 32*8(sp)
    csrw    sepc, t0
    ld      t0, 35*8(sp)
    csrw    sstatus, t0
    addi    t0, sp, 36*8
    csrw    sscratch, t0           /* the S stack's top again, for the next trap */
    RESTORE_GPRS sp
    ld      sp, 2*8(sp)
    sret

/* U-mode program: user_main(a0 = system calls, a1 = page-faulting loads, a2 = the fault
 * window's first page, a3 = window pages - 1 (a power of two minus one)).
 * Phase 1 makes a0 SYS_NOP calls; phase 2 loads from page (i & a3) of the window for
 * i = 0..a1-1, and the kernel keeps only one window page mapped, so each load faults once
 * before it succeeds. A SYS_MARK call before, between and after the phases lets the kernel
 * time them; SYS_EXIT reports a checksum of what the loads read. */
    .balign 4
    .globl user_main
user_main:
    li      a7, SYS_MARK
    ecall
    mv      t0, a0
    beqz    t0, 2f
1:  li      a7, SYS_NOP
    ecall
    addi    t0, t0, -1
    bnez    t0, 1b
2:  li      a7, SYS_MARK
    ecall

    li      t1, 0                  /* i */
    li      t2, 0                  /* checksum */
    beqz    a1, 4f
3:  and     t3, t1, a3
    slli    t3, t3, 12
    add     t3, t3, a2
    ld      t4, 0(t3)              /* faults: the kernel maps the page, then this retries */
    slli    t5, t2, 5
    sub     t2, t5, t2             /* checksum = checksum * 31 + value */
    add     t2, t2, t4
    addi    t1, t1, 1
    bne     t1, a1, 3b
4:  li      a7, SYS_MARK
    ecall

    mv      a0, t2
    li      a7, SYS_EXIT
    ecall
5:  j       5b                     /* SYS_EXIT does not return */
