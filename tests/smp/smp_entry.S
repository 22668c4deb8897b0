/* Entry for the multi-hart guest (smp_harts.c), as xv6's entry.S: every hart starts here in
 * M-mode (QEMU virt's and rv39's reset: a0 = hart id) and takes its own stack; hart 0 clears
 * .bss and goes on while the others wait for it in a loop that touches nothing it clears. */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    csrw    mie, zero
    csrr    t0, mhartid
    li      t1, 8
    bgeu    t0, t1, park            /* no stack for it: it takes no part */
    la      sp, smp_stacks
    addi    t1, t0, 1
    li      t2, 8192
    mul     t1, t1, t2
    add     sp, sp, t1
    bnez    t0, wait

    la      t1, __bss_start
    la      t2, __bss_end
1:  bgeu    t1, t2, 2f
    sd      zero, 0(t1)
    addi    t1, t1, 8
    j       1b
2:  fence   rw, rw
    la      t1, smp_bss_ready
    li      t2, 1
    sw      t2, 0(t1)
    mv      a0, t0
    call    smp_main
    j       park

wait:
    la      t1, smp_bss_ready
3:  lw      t2, 0(t1)
    beqz    t2, 3b
    fence   r, rw
    mv      a0, t0
    call    smp_main

park:
    wfi
    j       park

    .section .data, "aw", @progbits
    .balign 4
smp_bss_ready:
    .word 0

    /* Eight 8 KiB stacks, outside .bss (hart 0 clears .bss while the others hold theirs). */
    .section .smp_stacks, "aw", @nobits
    .balign 16
    .globl smp_stacks
smp_stacks:
    .space 8 * 8192
