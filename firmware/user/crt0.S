/* Where a user program starts: the kernel has set sp to the top of the stack and zeroed
 * .bss (its pages come zeroed). main's return value becomes the exit status. */
    .section .text.start, "ax", @progbits
    .globl _start
_start:
    call    main
    call    exit
1:  j       1b
