/* -initrd as QEMU does it: the file in RAM at the kernel's address + min(RAM / 2, 128 MiB),
 * its extent in /chosen as linux,initrd-start and linux,initrd-end. This program walks the
 * flattened device tree it gets in a1 (Devicetree Specification, chapter 5: header, then
 * tokens BEGIN_NODE, PROP, END_NODE, NOP, END, all big-endian), finds the two properties,
 * and prints where the initrd is, how long, its first line and a checksum of its bytes. Run
 * with -initrd LICENSE on rv39 and QEMU (qemu-diff/initrd): the lines must agree. */
#include "rv39.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t cells(const uint8_t *p, uint32_t len)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i + 4 <= len; i += 4)
        v = v << 32 | be32(p + i);
    return v;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* The value of property `name` of node /chosen, or 0 (with *found = 0). */
static uint64_t chosen_prop(const uint8_t *fdt, const char *name, int *found)
{
    const uint8_t *p = fdt + be32(fdt + 8);                   /* off_dt_struct */
    const char *strings = (const char *)fdt + be32(fdt + 12); /* off_dt_strings */
    int depth = 0, in_chosen = 0;
    *found = 0;
    for (;;) {
        uint32_t token = be32(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            const char *node = (const char *)p;
            depth++;
            if (depth == 2 && streq(node, "chosen")) in_chosen = 1;
            p += (strlen(node) + 1 + 3) & ~3ul;
        } else if (token == FDT_END_NODE) {
            if (depth-- == 2) in_chosen = 0;
        } else if (token == FDT_PROP) {
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const uint8_t *value = p + 8;
            if (in_chosen && streq(strings + nameoff, name)) {
                *found = 1;
                return cells(value, len);
            }
            p = value + ((len + 3) & ~3u);
        } else if (token != FDT_NOP) {
            return 0; /* FDT_END, or garbage */
        }
    }
}

int main(void)
{
    const uint8_t *fdt = (const uint8_t *)rv39_boot_dtb;
    if (be32(fdt) != FDT_MAGIC) {
        printf("no device tree in a1\n");
        return 1;
    }
    int has_start, has_end;
    uint64_t start = chosen_prop(fdt, "linux,initrd-start", &has_start);
    uint64_t end = chosen_prop(fdt, "linux,initrd-end", &has_end);
    if (!has_start || !has_end) {
        printf("no linux,initrd-start/-end in /chosen\n");
        return 2;
    }
    printf("initrd at 0x%lx, %lu bytes\n", start, end - start);
    const char *text = (const char *)start;
    printf("first line: ");
    for (uint64_t i = 0; i < end - start && text[i] != '\n'; i++)
        putchar_(text[i]);
    printf("\n");
    uint64_t sum = 0;
    for (uint64_t i = 0; i < end - start; i++)
        sum = sum * 31 + (uint8_t)text[i];
    printf("checksum %lx\n", sum);
    return 0;
}
