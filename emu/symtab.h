/* The guest program's symbols, read from its ELF symbol table: looked up by name (the HTIF
 * words `tohost`/`fromhost`, debugger breakpoints) and by address (naming a pc as func+off). */
#ifndef RV39_SYMTAB_H
#define RV39_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symbol {
    char *name;     /* owned by the table */
    uint64_t value; /* the symbol's (virtual) address */
    uint64_t size;
    bool is_code; /* a function or an assembler label: a place a pc can be */
};

struct symtab {
    struct symbol *sym; /* sorted by value once symtab_finish has run */
    size_t count, capacity;
};

void symtab_init(struct symtab *t);
void symtab_free(struct symtab *t);
/* Copies `name`. Returns false only when memory runs out. */
bool symtab_add(struct symtab *t, const char *name, uint64_t value, uint64_t size, bool is_code);
/* Sort for address lookups; call after the last symtab_add. */
void symtab_finish(struct symtab *t);

/* The first symbol with this exact name, or NULL. */
const struct symbol *symtab_find(const struct symtab *t, const char *name);
/* The code symbol at or nearest below `addr` (the function a pc is in), or NULL when no code
 * symbol precedes it. *offset gets addr - value when offset is not NULL. */
const struct symbol *symtab_lookup_addr(const struct symtab *t, uint64_t addr, uint64_t *offset);

#endif
