/* Just enough of a flattened-device-tree reader to find the RAM (devicetree specification,
 * chapter 5 "Flattened Devicetree (DTB) Format"): the header, then a structure block of
 * big-endian tokens: BEGIN_NODE name, PROP len nameoff value, END_NODE, NOP, END. */
#include "kernel.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A cells-long big-endian number (1 or 2 cells). */
static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++)
        v = v << 32 | be32(p + 4 * i);
    return v;
}

static bool starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++) return false;
    return true;
}

uint64_t fdt_total_size(uint64_t dtb)
{
    const uint8_t *h = (const uint8_t *)dtb;
    return dtb && be32(h) == FDT_MAGIC ? be32(h + 4) : 0;
}

/* The first (base, size) of the reg property of the first /memory node. The root node's
 * #address-cells and #size-cells say how wide the numbers are (default 2 and 1, spec 2.3.5). */
bool fdt_memory(uint64_t dtb, uint64_t *base, uint64_t *size)
{
    if (!fdt_total_size(dtb)) return false;
    const uint8_t *h = (const uint8_t *)dtb;
    const uint8_t *p = h + be32(h + 8);                   /* off_dt_struct */
    const char *strings = (const char *)h + be32(h + 12); /* off_dt_strings */
    uint32_t address_cells = 2, size_cells = 1;
    int depth = 0;
    bool in_memory = false;

    for (;;) {
        uint32_t token = be32(p);
        p += 4;
        switch (token) {
        case FDT_BEGIN_NODE: {
            const char *name = (const char *)p;
            depth++;
            /* depth 1 = the root (empty name), depth 2 = its children such as memory@... */
            in_memory = depth == 2 && starts_with(name, "memory");
            p += (strlen(name) + 1 + 3) & ~3ul;
            break;
        }
        case FDT_END_NODE:
            depth--;
            in_memory = false;
            break;
        case FDT_PROP: {
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const uint8_t *value = p + 8;
            const char *name = strings + nameoff;
            if (depth == 1 && strcmp(name, "#address-cells") == 0) address_cells = be32(value);
            if (depth == 1 && strcmp(name, "#size-cells") == 0) size_cells = be32(value);
            if (in_memory && strcmp(name, "reg") == 0 && address_cells <= 2 && size_cells <= 2 &&
                len >= 4 * (address_cells + size_cells)) {
                *base = read_cells(value, address_cells);
                *size = read_cells(value + 4 * address_cells, size_cells);
                return true;
            }
            p += 8 + ((len + 3) & ~3u);
            break;
        }
        case FDT_NOP: break;
        default: /* FDT_END or garbage */ return false;
        }
    }
}
