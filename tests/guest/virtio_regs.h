/* The virtio-mmio registers and split-virtqueue descriptor, as guest tests drive them
 * (virtio 1.2: 4.2.2 MMIO device register layout, 4.2.4 its legacy interface's registers,
 * 2.1 device status, 2.7.5 the descriptor table). Queue-sized rings stay with each test. */
#ifndef RV39_GUEST_VIRTIO_REGS_H
#define RV39_GUEST_VIRTIO_REGS_H

#include <stdint.h>

enum {
    MAGIC = 0x000,
    VERSION = 0x004,
    DEVICE_ID = 0x008,
    VENDOR_ID = 0x00c,
    DEV_FEATURES = 0x010,
    DEV_FEATURES_SEL = 0x014,
    DRV_FEATURES = 0x020,
    DRV_FEATURES_SEL = 0x024,
    GUEST_PAGE_SIZE = 0x028, /* legacy */
    QUEUE_SEL = 0x030,
    QUEUE_NUM_MAX = 0x034,
    QUEUE_NUM = 0x038,
    QUEUE_ALIGN = 0x03c, /* legacy */
    QUEUE_PFN = 0x040,   /* legacy */
    QUEUE_READY = 0x044,
    QUEUE_NOTIFY = 0x050,
    INTERRUPT_STATUS = 0x060,
    INTERRUPT_ACK = 0x064,
    STATUS = 0x070,
    QUEUE_DESC = 0x080,
    QUEUE_DRIVER = 0x090,
    QUEUE_DEVICE = 0x0a0,
    CONFIG_GENERATION = 0x0fc,
    CONFIG = 0x100,
};
enum { S_ACK = 1, S_DRIVER = 2, S_DRIVER_OK = 4, S_FEATURES_OK = 8, S_NEEDS_RESET = 0x40 };
#define F_VERSION_1 (1ul << 32)
#define DESC_NEXT 1
#define DESC_WRITE 2

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

#endif
