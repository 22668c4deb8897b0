/* rv39's own SBI firmware (firmware/sbi, built by this build), embedded in the executable so
 * that `rv39 --kernel X` boots like QEMU's `-kernel X` does with its default firmware,
 * wherever rv39 is run from. The build passes the image's path in RV39_DEFAULT_BIOS_FILE. */
    .section .rodata
    .balign 16
    .globl rv39_default_bios
    .globl rv39_default_bios_end
rv39_default_bios:
    .incbin RV39_DEFAULT_BIOS_FILE
rv39_default_bios_end:

    .section .note.GNU-stack,"",@progbits
