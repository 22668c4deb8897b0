/* Putting a guest program into RAM: RISC-V ELF64 executables (through libelf) and raw images.
 *
 * Every failure prints exactly one line "rv39: FILE: problem" to `err` and returns false;
 * main turns that into exit status 2. A corrupt symbol table is not a failure (the program
 * runs without names): it is skipped with one line "rv39: FILE: warning: ...". */
#ifndef RV39_LOADER_H
#define RV39_LOADER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "machine.h"
#include "symtab.h"

struct elf_image {
    uint64_t entry;     /* physical address of e_entry (see loader.c) */
    uint64_t low, high; /* physical extent of the loaded segments: [low, high) */
    bool has_tohost;    /* the symbol table defines `tohost` */
    uint64_t tohost;    /* physical addresses of the HTIF words; fromhost 0 if absent */
    uint64_t fromhost;
};

/* Copy every PT_LOAD segment of the ELF at `path` to its physical address (p_paddr, as QEMU
 * does) and zero its bss tail. Segments must not overlap, p_filesz must not exceed p_memsz,
 * and `tohost`/`fromhost` must be 8-byte aligned. Nothing is written to RAM unless every check
 * passes. When `syms` is not NULL the ELF's symbols are added to it (and symtab_finish is
 * called). */
bool loader_load_elf(struct machine *m, const char *path, struct elf_image *img,
                     struct symtab *syms, FILE *err);

/* Copy the whole file at `path` to physical address `addr`. An empty file is an error, as
 * is one that does not fit in RAM from `addr`. *size gets the byte count when size is not
 * NULL. */
bool loader_load_raw(struct machine *m, const char *path, uint64_t addr, uint64_t *size, FILE *err);

/* True when the file starts with the ELF magic; false otherwise, including when it cannot be
 * read (the load that follows reports why). */
bool loader_file_is_elf(const char *path);

#endif
