/* The CSR table's rows and lookups (cpu/csr_table.h). */
#include "csr_table.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"

#define U PRIV_U
#define S PRIV_S
#define M PRIV_M
#define NONE CSR_GATE_NONE
#define FP CSR_GATE_FP
#define COUNTER CSR_GATE_COUNTER
#define SSTC CSR_GATE_SSTC
#define TVM CSR_GATE_TVM
#define SCOF CSR_GATE_SCOF
#define RESYNC CSR_RESYNC
#define GDB CSR_GDB
#define GDB_FP CSR_GDB_FP

const struct csr_info csr_table[CSR_ROWS] = {
#define CSR(id, number_, count_, first_, name_, priv_, gate_, read, write, flags_, info_)          \
    [CSR_ROW_##id] = {.name = name_,                                                               \
                      .number = number_,                                                           \
                      .count = count_,                                                             \
                      .first = first_,                                                             \
                      .priv = priv_,                                                               \
                      .gate = gate_,                                                               \
                      .flags = flags_,                                                             \
                      .info = info_},
#include "csrs.def"
#undef CSR
};

/* Row + 1 per CSR number, 0 for none: one load finds a CSR's row. Built by the compiler
 * (GNU range designators); test_csr_table checks no two rows claim a number. */
_Static_assert(CSR_ROWS < 255, "csr_slot holds a row index in a byte");
static const uint8_t csr_slot[4096] = {
#define CSR(id, number_, count_, ...) [(number_)...(number_) + (count_)-1] = CSR_ROW_##id + 1,
#include "csrs.def"
#undef CSR
};

const struct csr_info *csr_find(unsigned number)
{
    if (number >= 4096 || !csr_slot[number]) return NULL;
    return &csr_table[csr_slot[number] - 1];
}

const char *csr_name(unsigned number, char *buf, size_t len)
{
    const struct csr_info *r = csr_find(number);
    if (!r) return NULL;
    if (r->count == 1) return r->name;
    snprintf(buf, len, "%s%u", r->name, number - r->number + r->first);
    return buf;
}

bool csr_by_name(const char *name, unsigned *number)
{
    for (unsigned i = 0; i < CSR_ROWS; i++) {
        const struct csr_info *r = &csr_table[i];
        size_t n = strlen(r->name);
        if (strncmp(name, r->name, n) != 0) continue;
        if (r->count == 1) {
            if (name[n] != '\0') continue;
            *number = r->number;
            return true;
        }
        if (!isdigit((unsigned char)name[n]) || (name[n] == '0' && name[n + 1])) continue;
        char *end;
        unsigned long index = strtoul(name + n, &end, 10);
        if (*end == '\0' && index >= r->first && index < (unsigned long)r->first + r->count) {
            *number = r->number + (unsigned)(index - r->first);
            return true;
        }
    }
    return false;
}
