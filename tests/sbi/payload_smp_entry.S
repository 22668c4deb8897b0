/* Entry points of the multi-hart SBI payload (payload_smp.c), in S-mode with paging off. The
 * boot hart comes from the firmware (a0 = hart id, a1 = device tree); the others from SBI HSM
 * hart_start (a0 = hart id, a1 = opaque). Each hart takes the stack of its id. */
    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    set_stack           /* keeps a0/a1 */
    call    payload_main
3:  wfi
    j       3b

    .globl secondary_entry
    .balign 4
secondary_entry:
    call    set_stack
    call    secondary_main
4:  wfi
    j       4b

/* sp = the top of this hart's 8 KiB stack (hart id in a0, below 8). */
set_stack:
    la      t0, hart_stacks
    addi    t1, a0, 1
    li      t2, 8192
    mul     t1, t1, t2
    add     sp, t0, t1
    ret

    .section .hart_stacks, "aw", @nobits
    .balign 16
hart_stacks:
    .space 8 * 8192
