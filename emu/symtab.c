/* Symbol table (emu/symtab.h): a growable array, sorted by address for lookups by pc. */
#include "symtab.h"

#include <stdlib.h>
#include <string.h>

void symtab_init(struct symtab *t)
{
    *t = (struct symtab){0};
}

void symtab_free(struct symtab *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->sym[i].name);
    free(t->sym);
    symtab_init(t);
}

bool symtab_add(struct symtab *t, const char *name, uint64_t value, uint64_t size, bool is_code)
{
    if (t->count == t->capacity) {
        size_t capacity = t->capacity ? 2 * t->capacity : 64;
        struct symbol *grown = realloc(t->sym, capacity * sizeof(*grown));
        if (!grown) return false;
        t->sym = grown;
        t->capacity = capacity;
    }
    char *copy = strdup(name);
    if (!copy) return false;
    t->sym[t->count++] =
        (struct symbol){.name = copy, .value = value, .size = size, .is_code = is_code};
    return true;
}

static int by_value(const void *a, const void *b)
{
    const struct symbol *x = a, *y = b;
    if (x->value != y->value) return x->value < y->value ? -1 : 1;
    /* Among symbols at one address prefer a sized one (a function over a label at its
     * entry): it sorts last, so the backwards search below meets it first. */
    return (x->size > y->size) - (x->size < y->size);
}

void symtab_finish(struct symtab *t)
{
    if (t->count > 1) qsort(t->sym, t->count, sizeof(*t->sym), by_value);
}

const struct symbol *symtab_find(const struct symtab *t, const char *name)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->sym[i].name, name) == 0) return &t->sym[i];
    return NULL;
}

const struct symbol *symtab_lookup_addr(const struct symtab *t, uint64_t addr, uint64_t *offset)
{
    /* Binary search for the first symbol above addr, then walk back to a code symbol. */
    size_t lo = 0, hi = t->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->sym[mid].value <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i-- > 0;) {
        if (t->sym[i].is_code) {
            if (offset) *offset = addr - t->sym[i].value;
            return &t->sym[i];
        }
    }
    return NULL;
}
