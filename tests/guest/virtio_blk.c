/* A virtio-blk round trip from the guest's side (virtio 1.x: 4.2 MMIO transport, 2.7 split
 * virtqueues, 5.2 block device), with the PLIC routing the completion interrupt.
 * The host script (tests/scripts/virtio_blk.sh) prepares the image: sector 2 holds "ABCD"
 * repeated; after the run it checks that sector 5 holds "RV39" repeated, written and
 * flushed here. Runs unchanged on QEMU (drive in virtio-mmio slot 0). */
#include <stdbool.h>

#include "check.h"
#include "virtio_regs.h"

#define VIRTIO0 0x10001000ul
#define PLIC 0x0c000000ul
#define VIRTIO0_IRQ 1

enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8 };
enum { BLK_OK = 0, BLK_IOERR = 1, BLK_UNSUPP = 2 };
#define F_FLUSH (1ul << 9)
#define QSIZE 8

struct avail {
    uint16_t flags, idx, ring[QSIZE];
};
struct used {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[QSIZE];
};
struct req_header {
    uint32_t type, reserved;
    uint64_t sector;
};

static struct desc descs[QSIZE] __attribute__((aligned(16)));
static struct avail avail __attribute__((aligned(2)));
static struct used used __attribute__((aligned(4)));
static struct req_header header;
static uint8_t data[512] __attribute__((aligned(8)));
static volatile uint8_t status_byte;
static uint16_t seen_used;

static uint32_t reg(unsigned off)
{
    return *(volatile uint32_t *)(VIRTIO0 + off);
}
static void set_reg(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(VIRTIO0 + off) = v;
}
static void set_reg64(unsigned off, uint64_t v)
{
    set_reg(off, (uint32_t)v);
    set_reg(off + 4, (uint32_t)(v >> 32));
}
static uint32_t plic(unsigned long off)
{
    return *(volatile uint32_t *)(PLIC + off);
}
static void set_plic(unsigned long off, uint32_t v)
{
    *(volatile uint32_t *)(PLIC + off) = v;
}

/* One request: header, optional data buffer (written by the device for IN/GET_ID), status. */
static int request(uint32_t type, uint64_t sector, void *buf, uint32_t len, bool device_writes)
{
    header = (struct req_header){type, 0, sector};
    status_byte = 0xff;
    unsigned n = 0;
    descs[n] = (struct desc){(uint64_t)&header, sizeof(header), DESC_NEXT, 1};
    n++;
    if (buf) {
        descs[n] = (struct desc){(uint64_t)buf, len,
                                 (uint16_t)(DESC_NEXT | (device_writes ? DESC_WRITE : 0)),
                                 (uint16_t)(n + 1)};
        n++;
    }
    descs[n] = (struct desc){(uint64_t)&status_byte, 1, DESC_WRITE, 0};
    avail.ring[avail.idx % QSIZE] = 0;
    __sync_synchronize();
    avail.idx++;
    __sync_synchronize();
    set_reg(QUEUE_NOTIFY, 0);
    for (unsigned spin = 0; *(volatile uint16_t *)&used.idx == seen_used; spin++)
        if (spin > 10000000) return -1; /* the device never answered */
    seen_used++;
    return status_byte;
}

int main(void)
{
    CHECK(reg(MAGIC), 0x74726976);
    CHECK(reg(VERSION), 2);
    CHECK(reg(DEVICE_ID), 2);

    /* 3.1.1 driver initialisation: reset, ACK, DRIVER, features, FEATURES_OK, queues, OK. */
    set_reg(STATUS, 0);
    set_reg(STATUS, S_ACK);
    set_reg(STATUS, S_ACK | S_DRIVER);
    set_reg(DEV_FEATURES_SEL, 0);
    uint64_t offered = reg(DEV_FEATURES);
    set_reg(DEV_FEATURES_SEL, 1);
    offered |= (uint64_t)reg(DEV_FEATURES) << 32;
    CHECK(offered & F_VERSION_1, F_VERSION_1);
    CHECK(offered & F_FLUSH, F_FLUSH);
    uint64_t wanted = F_VERSION_1 | F_FLUSH;
    set_reg(DRV_FEATURES_SEL, 0);
    set_reg(DRV_FEATURES, (uint32_t)wanted);
    set_reg(DRV_FEATURES_SEL, 1);
    set_reg(DRV_FEATURES, (uint32_t)(wanted >> 32));
    set_reg(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    CHECK(reg(STATUS) & S_FEATURES_OK, S_FEATURES_OK);

    set_reg(QUEUE_SEL, 0);
    CHECK(reg(QUEUE_NUM_MAX) >= QSIZE, 1);
    set_reg(QUEUE_NUM, QSIZE);
    set_reg64(QUEUE_DESC, (uint64_t)descs);
    set_reg64(QUEUE_DRIVER, (uint64_t)&avail);
    set_reg64(QUEUE_DEVICE, (uint64_t)&used);
    set_reg(QUEUE_READY, 1);
    set_reg(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);

    uint64_t capacity = *(volatile uint64_t *)(VIRTIO0 + CONFIG);
    CHECK(capacity, 64); /* the script makes a 32 KiB image */

    /* The PLIC routes the queue's interrupt to context 0 (hart 0, M-mode); we poll it. */
    set_plic(4 * VIRTIO0_IRQ, 1);        /* priority */
    set_plic(0x2000, 1u << VIRTIO0_IRQ); /* context 0 enable */
    set_plic(0x200000, 0);               /* context 0 threshold */

    CHECK(request(T_IN, 2, data, sizeof(data), true), BLK_OK);
    for (unsigned i = 0; i < sizeof(data); i++)
        CHECK(data[i], "ABCD"[i % 4]);
    CHECK(reg(INTERRUPT_STATUS) & 1, 1);
    CHECK((plic(0x1000) >> VIRTIO0_IRQ) & 1, 1); /* pending at the PLIC */
    CHECK(plic(0x200004), VIRTIO0_IRQ);          /* claim */
    set_reg(INTERRUPT_ACK, reg(INTERRUPT_STATUS));
    set_plic(0x200004, VIRTIO0_IRQ);             /* complete */
    CHECK((plic(0x1000) >> VIRTIO0_IRQ) & 1, 0); /* line low after the ACK: not pending */

    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t) "RV39"[i % 4];
    CHECK(request(T_OUT, 5, data, sizeof(data), false), BLK_OK);
    CHECK(request(T_FLUSH, 0, 0, 0, false), BLK_OK);
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = 0;
    CHECK(request(T_IN, 5, data, sizeof(data), true), BLK_OK);
    CHECK(data[0] == 'R' && data[1] == 'V' && data[510] == '3' && data[511] == '9', 1);

    static char id[20];
    CHECK(request(T_GET_ID, 0, id, sizeof(id), true), BLK_OK);
    /* Malformed or unsupported requests get an error status and later ones still work. */
    CHECK(request(99, 0, 0, 0, false), BLK_UNSUPP);
    CHECK(request(T_IN, 64, data, sizeof(data), true), BLK_IOERR); /* past the end */
    CHECK(request(T_IN, 2, data, sizeof(data), true), BLK_OK);
    CHECK(data[0], 'A');
    set_reg(INTERRUPT_ACK, reg(INTERRUPT_STATUS));
    return pass("virtio_blk");
}
