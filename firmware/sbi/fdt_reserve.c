/* Tell the next stage which memory the firmware occupies, so that a kernel does not hand
 * it out (and then fault on it: PMP closes it to S). OpenSBI adds a /reserved-memory node;
 * without an FDT library, the simpler tool is the blob's memory reservation block (the
 * "/memreserve/" entries, devicetree spec 5.3), which kernels honour the same way.
 *
 * Blob layout (devicetree spec 5.1): header | reservation block | structure block | strings.
 * The new 16-byte entry goes just before the block's (0, 0) terminator; everything after it
 * moves up 16 bytes and the header's offsets and size follow. The blob grows in place, into
 * memory after it, which on QEMU virt and rv39 is the unused end of RAM. */
#include "sbi.h"

#define FDT_MAGIC 0xd00dfeedu
/* Header fields, as offsets of big-endian 32-bit words. */
#define FDT_TOTALSIZE 4
#define FDT_OFF_DT_STRUCT 8
#define FDT_OFF_DT_STRINGS 12
#define FDT_OFF_MEM_RSVMAP 16
#define FDT_VERSION 20
#define FDT_RSV_ENTRY_SIZE 16 /* two big-endian 64-bit words: address, size */

static uint32_t be32_read(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void be32_write(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static uint64_t be64_read(const uint8_t *p)
{
    return (uint64_t)be32_read(p) << 32 | be32_read(p + 4);
}

static void be64_write(uint8_t *p, uint64_t v)
{
    be32_write(p, (uint32_t)(v >> 32));
    be32_write(p + 4, (uint32_t)v);
}

enum fdt_reserve_result fdt_reserve(uint64_t dtb, uint64_t base, uint64_t size)
{
    if (dtb == 0) return FDT_RESERVE_NO_TREE;
    /* A blob inside the firmware's region would be overwritten by our own stacks. */
    if (dtb < FW_BASE + FW_REGION_SIZE && dtb + 64 > FW_BASE) return FDT_RESERVE_UNUSABLE;
    uint8_t *fdt = (uint8_t *)dtb;
    if (be32_read(fdt) != FDT_MAGIC || be32_read(fdt + FDT_VERSION) < 16)
        return FDT_RESERVE_UNUSABLE;
    uint32_t total = be32_read(fdt + FDT_TOTALSIZE);
    uint32_t rsvmap = be32_read(fdt + FDT_OFF_MEM_RSVMAP);
    uint32_t dt_struct = be32_read(fdt + FDT_OFF_DT_STRUCT);
    uint32_t dt_strings = be32_read(fdt + FDT_OFF_DT_STRINGS);
    /* Only the usual order is handled: reservations before both other blocks. */
    if (rsvmap % 8 != 0 || rsvmap >= dt_struct || rsvmap >= dt_strings || total > (1u << 24))
        return FDT_RESERVE_UNUSABLE;

    uint32_t end = rsvmap; /* offset of the (0, 0) terminator */
    for (;; end += FDT_RSV_ENTRY_SIZE) {
        if (end + FDT_RSV_ENTRY_SIZE > dt_struct) return FDT_RESERVE_UNUSABLE;
        uint64_t a = be64_read(fdt + end), s = be64_read(fdt + end + 8);
        if (a == 0 && s == 0) break;
        if (a <= base && base + size <= a + s) return FDT_RESERVE_ADDED; /* already there */
    }

    for (uint32_t i = total; i-- > end;) /* move up, last byte first: the ranges overlap */
        fdt[i + FDT_RSV_ENTRY_SIZE] = fdt[i];
    be64_write(fdt + end, base);
    be64_write(fdt + end + 8, size);
    be32_write(fdt + FDT_OFF_DT_STRUCT, dt_struct + FDT_RSV_ENTRY_SIZE);
    be32_write(fdt + FDT_OFF_DT_STRINGS, dt_strings + FDT_RSV_ENTRY_SIZE);
    be32_write(fdt + FDT_TOTALSIZE, total + FDT_RSV_ENTRY_SIZE);
    return FDT_RESERVE_ADDED;
}
