/* Trap entries and mode switching for the privileged-architecture tests (tests/priv).
 *
 * Both trap entries swap to a dedicated trap stack through mscratch/sscratch, so a trap from
 * code running on a stack the handler cannot use (a user alias, a page the test unmapped)
 * is still handled. The frame is struct pframe (priv.h): x1..x31, epc, cause, tval, status,
 * and the vector slot the trap came through (-1 for the direct entry). */

#define FRAME_BYTES (38 * 8)
#define MAGIC_RETURN 0x5e75e7

/* The common part of an entry: sp is the trap frame, t0 (saved) the vector slot. */
.macro TRAP_BODY epc, cause, tval, status, scratch, handler, xret
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    sd      x4, 4*8(sp)
    /* x5 (t0) was saved by the entry stub, and t0 holds the vector slot */
    sd      t0, 36*8(sp)
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
    csrr    t0, \scratch      /* the interrupted sp */
    sd      t0, 2*8(sp)
    csrr    t0, \epc
    sd      t0, 32*8(sp)
    csrr    t0, \cause
    sd      t0, 33*8(sp)
    csrr    t0, \tval
    sd      t0, 34*8(sp)
    csrr    t0, \status
    sd      t0, 35*8(sp)

    mv      a0, sp
    call    \handler

    ld      t0, 32*8(sp)
    csrw    \epc, t0
    ld      t0, 35*8(sp)
    csrw    \status, t0
    addi    t0, sp, FRAME_BYTES
    csrw    \scratch, t0      /* trap stack top again for the next trap */
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
    ld      sp, 2*8(sp)
    \xret
.endm

    .text
/* ---- M-mode: direct entry and a 16-slot vector table ---- */
    .balign 64
    .globl m_trap_entry
m_trap_entry:
    csrrw   sp, mscratch, sp
    addi    sp, sp, -FRAME_BYTES
    sd      t0, 5*8(sp)
    li      t0, -1
m_trap_common:
    TRAP_BODY mepc, mcause, mtval, mstatus, mscratch, m_trap_handler, mret


    .balign 256
    .globl m_vector_table
m_vector_table:
    .option push
    .option norvc
    j       m_trap_entry            /* slot 0: exceptions */
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j       m_vec_\n
    .endr
    .option pop
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
m_vec_\n:
    csrrw   sp, mscratch, sp
    addi    sp, sp, -FRAME_BYTES
    sd      t0, 5*8(sp)
    li      t0, \n
    j       m_trap_common
    .endr

/* ---- S-mode ---- */
    .balign 64
    .globl s_trap_entry
s_trap_entry:
    csrrw   sp, sscratch, sp
    addi    sp, sp, -FRAME_BYTES
    sd      t0, 5*8(sp)
    li      t0, -1
s_trap_common:
    TRAP_BODY sepc, scause, stval, sstatus, sscratch, s_trap_handler, sret

    .balign 256
    .globl s_vector_table
s_vector_table:
    .option push
    .option norvc
    j       s_trap_entry
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j       s_vec_\n
    .endr
    .option pop
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
s_vec_\n:
    csrrw   sp, sscratch, sp
    addi    sp, sp, -FRAME_BYTES
    sd      t0, 5*8(sp)
    li      t0, \n
    j       s_trap_common
    .endr

/* uint64_t call_in_mode(uint64_t fn, uint64_t arg, uint64_t mode, uint64_t off)
 * From M: runs fn(arg) in `mode` (0 = U, 1 = S, 3 = M) with pc, sp and return address
 * shifted by `off` (the user alias of the identity mapping), and returns fn's result once
 * fn returns (its return lands on an ecall the M handler turns into a return here). */
    .globl call_in_mode
call_in_mode:
    la      t0, mode_ctx
    sd      ra, 0(t0)
    sd      sp, 8(t0)
    sd      s0, 16(t0)
    sd      s1, 24(t0)
    sd      s2, 32(t0)
    sd      s3, 40(t0)
    sd      s4, 48(t0)
    sd      s5, 56(t0)
    sd      s6, 64(t0)
    sd      s7, 72(t0)
    sd      s8, 80(t0)
    sd      s9, 88(t0)
    sd      s10, 96(t0)
    sd      s11, 104(t0)
    add     a0, a0, a3
    csrw    mepc, a0
    li      t1, 0x1880              /* MPP and MPIE */
    csrc    mstatus, t1
    slli    t2, a2, 11
    csrs    mstatus, t2
    mv      a0, a1
    la      ra, mode_return_stub
    add     ra, ra, a3
    add     sp, sp, a3
    mret

    .balign 4
    .globl mode_return_stub
mode_return_stub:
    li      a7, MAGIC_RETURN
    ecall
1:  j       1b

    .globl mode_resume
mode_resume:
    la      t0, mode_ctx
    ld      ra, 0(t0)
    ld      sp, 8(t0)
    ld      s0, 16(t0)
    ld      s1, 24(t0)
    ld      s2, 32(t0)
    ld      s3, 40(t0)
    ld      s4, 48(t0)
    ld      s5, 56(t0)
    ld      s6, 64(t0)
    ld      s7, 72(t0)
    ld      s8, 80(t0)
    ld      s9, 88(t0)
    ld      s10, 96(t0)
    ld      s11, 104(t0)
    ret

    .bss
    .balign 16
mode_ctx:
    .skip 16 * 8
