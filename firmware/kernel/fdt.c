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

/* --- A general walk, for everything past the RAM: nodes with their depth and properties ---
 *
 * visit_prop sees each property with the node it belongs to (depth 1 = the root) and the
 * #address-cells that applies to the node's reg (its parent's, spec 2.3.5); end_node is
 * called as each node closes. Either may be NULL. */
struct fdt_visitor {
    void (*visit_prop)(void *ctx, int depth, const char *node, uint32_t address_cells,
                       const char *name, const uint8_t *value, uint32_t len);
    void (*end_node)(void *ctx, int depth);
    void *ctx;
};

#define FDT_MAX_DEPTH 16

static void fdt_walk(uint64_t dtb, const struct fdt_visitor *v)
{
    if (!fdt_total_size(dtb)) return;
    const uint8_t *h = (const uint8_t *)dtb;
    const uint8_t *p = h + be32(h + 8);
    const char *strings = (const char *)h + be32(h + 12);
    uint32_t cells[FDT_MAX_DEPTH + 1]; /* cells[d]: #address-cells declared by the node at d */
    const char *names[FDT_MAX_DEPTH + 1];
    int depth = 0;
    cells[0] = 2;
    for (;;) {
        uint32_t token = be32(p);
        p += 4;
        switch (token) {
        case FDT_BEGIN_NODE: {
            const char *name = (const char *)p;
            if (++depth > FDT_MAX_DEPTH) return; /* deeper than any tree we know */
            names[depth] = name;
            cells[depth] = 2; /* default for its children (spec 2.3.5) */
            p += (strlen(name) + 1 + 3) & ~3ul;
            break;
        }
        case FDT_END_NODE:
            if (v->end_node) v->end_node(v->ctx, depth);
            depth--;
            break;
        case FDT_PROP: {
            uint32_t len = be32(p);
            const char *name = strings + be32(p + 4);
            const uint8_t *value = p + 8;
            if (depth >= 1 && strcmp(name, "#address-cells") == 0 && len == 4)
                cells[depth] = be32(value);
            if (depth >= 1 && v->visit_prop)
                v->visit_prop(v->ctx, depth, names[depth], cells[depth - 1], name, value, len);
            p += 8 + ((len + 3) & ~3u);
            break;
        }
        case FDT_NOP: break;
        default: return; /* FDT_END or garbage */
        }
    }
}

static void bootargs_prop(void *ctx, int depth, const char *node, uint32_t address_cells,
                          const char *name, const uint8_t *value, uint32_t len)
{
    (void)address_cells;
    if (depth == 2 && strcmp(node, "chosen") == 0 && strcmp(name, "bootargs") == 0 && len > 0 &&
        value[len - 1] == '\0')
        *(const char **)ctx = (const char *)value;
}

const char *fdt_bootargs(uint64_t dtb)
{
    const char *args = "";
    fdt_walk(dtb, &(struct fdt_visitor){bootargs_prop, NULL, &args});
    return args;
}

/* The framebuffer search: the properties of the node being read, judged at its END_NODE
 * (a simple-framebuffer node has no children, so nothing resets them in between). */
struct fb_search {
    struct fdt_framebuffer candidate, found;
    bool compatible, argb, have_reg, done;
};

static bool stringlist_has(const char *list, uint32_t len, const char *s)
{
    for (uint32_t i = 0; i < len; i += (uint32_t)strlen(list + i) + 1)
        if (strcmp(list + i, s) == 0) return true;
    return false;
}

static void fb_prop(void *ctx, int depth, const char *node, uint32_t address_cells,
                    const char *name, const uint8_t *value, uint32_t len)
{
    (void)depth, (void)node;
    struct fb_search *s = ctx;
    if (strcmp(name, "compatible") == 0) {
        s->compatible = stringlist_has((const char *)value, len, "simple-framebuffer");
    } else if (strcmp(name, "format") == 0) {
        s->argb = len > 0 && value[len - 1] == '\0' && strcmp((const char *)value, "a8r8g8b8") == 0;
    } else if (strcmp(name, "reg") == 0 && address_cells <= 2 && len >= 4 * address_cells) {
        s->candidate.base = read_cells(value, address_cells);
        s->have_reg = true;
    } else if (len == 4 && strcmp(name, "width") == 0) {
        s->candidate.width = be32(value);
    } else if (len == 4 && strcmp(name, "height") == 0) {
        s->candidate.height = be32(value);
    } else if (len == 4 && strcmp(name, "stride") == 0) {
        s->candidate.stride = be32(value);
    }
}

static void fb_end_node(void *ctx, int depth)
{
    (void)depth;
    struct fb_search *s = ctx;
    const struct fdt_framebuffer *c = &s->candidate;
    if (!s->done && s->compatible && s->argb && s->have_reg && c->width && c->height &&
        c->stride >= 4ull * c->width) {
        s->found = *c;
        s->done = true;
    }
    s->compatible = s->argb = s->have_reg = false;
    s->candidate = (struct fdt_framebuffer){0};
}

bool fdt_framebuffer(uint64_t dtb, struct fdt_framebuffer *fb)
{
    struct fb_search s = {0};
    fdt_walk(dtb, &(struct fdt_visitor){fb_prop, fb_end_node, &s});
    if (s.done) *fb = s.found;
    return s.done;
}
