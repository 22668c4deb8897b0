/* The MBR partition table in sector 0, as sfdisk writes it ("label: dos"): four 16-byte
 * entries from byte 446, the signature 0x55 0xAA in bytes 510-511. An entry: boot flag,
 * CHS start, type, CHS end, then the first sector (LBA) and the sector count, both 32-bit
 * little-endian. Only the LBA fields matter to us; extended partitions are not followed. */
#include "fs.h"
#include "kernel.h"

#define MBR_TABLE_OFFSET 446
#define MBR_ENTRY_SIZE 16
#define MBR_TYPE_OFFSET 4
#define MBR_LBA_OFFSET 8
#define MBR_COUNT_OFFSET 12

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Partition `number` (1..4): 0, or -1 when the disk cannot be read, has no MBR, the entry is
 * empty or it points past the end of the disk. */
int mbr_partition(int number, struct partition *out)
{
    static uint8_t sector[SECTOR_SIZE] __attribute__((aligned(8)));
    if (number < 1 || number > 4) return -1;
    if (virtio_disk_rw(0, sector, SECTOR_SIZE, false) < 0) return -1;
    if (sector[510] != 0x55 || sector[511] != 0xaa) return -1;
    const uint8_t *e = sector + MBR_TABLE_OFFSET + (number - 1) * MBR_ENTRY_SIZE;
    out->type = e[MBR_TYPE_OFFSET];
    out->first_sector = le32(e + MBR_LBA_OFFSET);
    out->sectors = le32(e + MBR_COUNT_OFFSET);
    if (out->type == 0 || out->sectors == 0) return -1;
    if (out->first_sector + out->sectors > virtio_disk_sectors()) return -1;
    return 0;
}
