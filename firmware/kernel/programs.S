/* The user programs, built into the kernel image until there is a file system: each
 * firmware/user program's ELF file (from the build's user directory, found through the
 * assembler's include path) and a table of {name, start, end} for find_program(). Adding a
 * program: a line here and one in CMakeLists.txt's KERNEL_USER_PROGRAMS. */

    .macro program name
    .pushsection .rodata.user_images, "a", @progbits
    .balign 8
1:  .incbin "\name\().elf"
2:
    .popsection
    .pushsection .rodata.user_names, "a", @progbits
3:  .string "\name"
    .popsection
    .dword 3b, 1b, 2b
    .endm

    .section .rodata.user_table, "a", @progbits
    .balign 8
    .globl embedded_programs
embedded_programs:
    program init
    program hello
    program wild
    program touch
    program spin
    program scribble
    program sh
    .dword 0, 0, 0
