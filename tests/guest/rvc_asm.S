/* Hand-written compressed instructions (c-st-ext.adoc), each followed by a check.
 * uint64_t rvc_check(void): 0 when all hold, else the number of the first that failed.
 * Only a0-a5 (x10-x15, in the 3-bit register field's range) and t6 are used, so no
 * callee-saved register needs saving. */

    .option rvc

/* If reg != val, return n. t6 holds the expected value. */
.macro expect n, reg, val
    li      t6, \val
    beq     \reg, t6, .Lok\@
    li      a0, \n
    j       .Lfail
.Lok\@:
.endm

    .text
    .balign 4
    .globl rvc_check
rvc_check:
    c.addi16sp sp, -64
    c.sdsp  ra, 56(sp)

    c.li    a0, -32
    expect  1, a0, -32
    c.li    a1, 31
    expect  2, a1, 31
    c.lui   a2, 0x1f
    expect  3, a2, 0x1f000
    c.lui   a2, 0xfffe0             /* the 6-bit field is signed: -32 << 12 */
    expect  4, a2, -0x20000
    c.addi  a1, -1
    expect  5, a1, 30
    li      a0, 0x7fffffff
    c.addiw a0, 1                   /* 32-bit add, sign-extended */
    expect  6, a0, 0xffffffff80000000
    c.addiw a0, 0                   /* sext.w */
    expect  7, a0, 0xffffffff80000000
    c.nop

    /* Stack-pointer forms. */
    c.addi4spn a3, sp, 16
    addi    t6, sp, 16
    beq     a3, t6, 1f
    li      a0, 8
    j       .Lfail
1:  mv      a4, sp
    c.addi16sp sp, -32
    c.addi16sp sp, 32
    beq     a4, sp, 1f
    li      a0, 9
    j       .Lfail

    /* Shifts and immediates on x8-x15. */
1:  c.li    a0, 1
    c.slli  a0, 63
    expect  10, a0, 0x8000000000000000
    c.mv    a1, a0
    c.srai  a1, 3
    expect  11, a1, 0xf000000000000000
    c.srli  a0, 63
    expect  12, a0, 1
    c.li    a2, -1
    c.andi  a2, -16
    expect  13, a2, -16
    c.andi  a2, 5
    expect  14, a2, 0

    /* Register-register forms. */
    c.li    a0, 12
    c.li    a1, 10
    c.mv    a2, a0
    c.add   a2, a1
    expect  15, a2, 22
    c.mv    a2, a0
    c.sub   a2, a1
    expect  16, a2, 2
    c.mv    a2, a0
    c.xor   a2, a1
    expect  17, a2, 6
    c.mv    a2, a0
    c.or    a2, a1
    expect  18, a2, 14
    c.mv    a2, a0
    c.and   a2, a1
    expect  19, a2, 8
    li      a3, 0x7fffffff
    c.li    a4, 1
    c.addw  a3, a4
    expect  20, a3, 0xffffffff80000000
    c.li    a3, 0
    c.subw  a3, a4
    expect  21, a3, -1
    li      a3, 0x100000000
    c.subw  a3, a4                  /* low word 0 - 1 */
    expect  22, a3, -1

    /* Loads and stores: register-based and sp-based; c.lw sign-extends. */
    c.mv    a5, sp
    li      a0, 0x80000001
    c.sw    a0, 0(a5)
    c.lw    a1, 0(a5)
    expect  23, a1, 0xffffffff80000001
    li      a0, 0x1122334455667788
    c.sd    a0, 8(a5)
    c.ld    a1, 8(a5)
    expect  24, a1, 0x1122334455667788
    c.lw    a1, 12(a5)
    expect  25, a1, 0x11223344
    c.swsp  a0, 16(sp)
    c.lwsp  a2, 16(sp)
    expect  26, a2, 0x55667788
    c.sdsp  a0, 24(sp)
    c.ldsp  a3, 24(sp)
    expect  27, a3, 0x1122334455667788

    /* Control flow. */
    c.li    a0, 0
    c.j     1f
    c.li    a0, 1                   /* skipped */
1:  expect  28, a0, 0
    c.li    a1, 0
    c.beqz  a1, 1f
    c.li    a0, 2
1:  expect  29, a0, 0
    c.bnez  a1, 1f                  /* not taken */
    c.li    a0, 3
1:  expect  30, a0, 3
    lla     a2, 2f
    c.jr    a2
    c.li    a0, 4                   /* skipped */
2:  expect  31, a0, 3
    lla     a2, .Lleaf
    c.jalr  a2                      /* ra = address of the next instruction (pc + 2) */
.Lret:
    lla     t6, .Lret
    beq     ra, t6, 1f
    li      a0, 32
    j       .Lfail
1:  expect  33, a0, 77

    c.li    a0, 0
.Lfail:
    c.ldsp  ra, 56(sp)
    c.addi16sp sp, 64
    c.jr    ra

.Lleaf:
    li      a0, 77
    c.jr    ra
