/* Entry of the debugger tests' multi-hart guest (smp_guest.c): every hart starts here in
 * M-mode with a0 = its hart id (QEMU virt's reset vector, and rv39's, for all harts), takes
 * its own 8 KiB stack and calls dbg_smp_main(hartid, a1 = the device tree). Nothing is
 * cleared: the board's RAM is zero at power-on, so .bss is already zero for every hart. */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    csrw    mie, zero
    la      t1, dbg_smp_trap
    csrw    mtvec, t1
    li      t1, 8
    bgeu    a0, t1, dbg_smp_park    /* no stack for it: it takes no part */
    la      sp, dbg_smp_stacks
    addi    t1, a0, 1
    slli    t1, t1, 13
    add     sp, sp, t1
    call    dbg_smp_main
    .globl dbg_smp_park
dbg_smp_park:
    wfi
    j       dbg_smp_park

/* No trap is expected: one means the test went wrong, exit status 99 (finisher: 0x3333 |
 * code << 16). */
    .balign 4
dbg_smp_trap:
    li      t0, 0x100000
    li      t1, (99 << 16) | 0x3333
    sw      t1, 0(t0)
    j       dbg_smp_park

    .section .smp_stacks, "aw", @nobits
    .balign 16
dbg_smp_stacks:
    .space 8 * 8192
