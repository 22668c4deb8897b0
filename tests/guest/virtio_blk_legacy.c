/* virtio-blk through the LEGACY virtio-mmio interface (virtio 1.2, 4.2.4 "Legacy interface"),
 * set up exactly as the xv6-riscv teaching kernel's virtio_disk.c did before its 2022 move to
 * the modern interface, which guests written against QEMU's default (force-legacy=true) still
 * do: check version 1, acknowledge, take the 32 feature bits minus the ones it does not want,
 * FEATURES_OK and DRIVER_OK before any queue exists, GuestPageSize 4096, QueueNum 8, QueuePFN
 * of a zeroed two-page area; descriptors at its start, the available ring right after them,
 * the used ring on the second page (QueueAlign left at its default, 4096).
 *
 * Then what such drivers rely on and QEMU 7.2 shows (hw/virtio/virtio-mmio.c, legacy mode):
 * QueuePFN reads back in units of the current GuestPageSize (the lowest set bit of what was
 * written), the modern registers read 0, HostFeaturesSel 1 reads no features, a Status = 0
 * reset forgets the queue but keeps the page size (Linux writes it once, before its reset), a
 * QueueAlign other than 4096 moves the used ring (2.7 "Legacy Interfaces: A Note on Virtqueue
 * Layout"), and a request notified before DRIVER_OK is served (2.1.2).
 *
 * The host script (tests/scripts/virtio_blk_legacy.sh) makes the 32 KiB image (sector 2 =
 * "ABCD" repeated), runs this on rv39 and on QEMU, both with their default options, compares
 * what they print, and checks that sector 5 holds "RV39" repeated and nothing else changed. */
#include <stdbool.h>

#include "check.h"
#include "virtio_regs.h"

#define VIRTIO0 0x10001000ul
#define PLIC 0x0c000000ul
#define VIRTIO0_IRQ 1
#define PGSIZE 4096ul
#define PGSHIFT 12

enum { T_IN = 0, T_OUT = 1 };
enum { BLK_OK = 0 };
/* The bits xv6 turned off before accepting the rest. */
enum { F_RO = 5, F_SCSI = 7, F_CONFIG_WCE = 11, F_MQ = 12, F_ANY_LAYOUT = 27 };
enum { F_INDIRECT_DESC = 28, F_EVENT_IDX = 29 };
#define NUM 8

struct avail {
    uint16_t flags, idx, ring[NUM];
};
struct used {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[NUM];
};
struct req_header {
    uint32_t type, reserved;
    uint64_t sector;
};

/* xv6's `disk.pages`: two pages for one queue. A second area for the QueueAlign check. */
static uint8_t pages[2 * PGSIZE] __attribute__((aligned(PGSIZE)));
static uint8_t pages2[PGSIZE] __attribute__((aligned(PGSIZE)));
static struct desc *descs;
static struct avail *avail;
static struct used *used;

static struct req_header header;
static uint8_t block[1024] __attribute__((aligned(8))); /* xv6's BSIZE: two sectors */
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
static uint32_t plic(unsigned long off)
{
    return *(volatile uint32_t *)(PLIC + off);
}
static void set_plic(unsigned long off, uint32_t v)
{
    *(volatile uint32_t *)(PLIC + off) = v;
}

/* The queue inside a zeroed area: descriptors, available ring, used ring at `used_offset`. */
static void lay_out(uint8_t *area, unsigned long used_offset)
{
    for (unsigned long i = 0; i < used_offset + sizeof(struct used); i++)
        area[i] = 0;
    descs = (struct desc *)area;
    avail = (struct avail *)(area + NUM * sizeof(struct desc));
    used = (struct used *)(area + used_offset);
    seen_used = 0;
}

/* One request as xv6's virtio_disk_rw builds it: header, data, status; chain head 0. */
static int request(uint32_t type, uint64_t sector, void *buf, uint32_t len, bool device_writes)
{
    header = (struct req_header){type, 0, sector};
    status_byte = 0xff;
    descs[0] = (struct desc){(uint64_t)&header, sizeof(header), DESC_NEXT, 1};
    descs[1] = (struct desc){(uint64_t)buf, len,
                             (uint16_t)(DESC_NEXT | (device_writes ? DESC_WRITE : 0)), 2};
    descs[2] = (struct desc){(uint64_t)&status_byte, 1, DESC_WRITE, 0};
    avail->ring[avail->idx % NUM] = 0;
    __sync_synchronize();
    avail->idx++;
    __sync_synchronize();
    set_reg(QUEUE_NOTIFY, 0);
    for (unsigned spin = 0; *(volatile uint16_t *)&used->idx == seen_used; spin++)
        if (spin > 10000000) return -1; /* the device never answered */
    seen_used++;
    CHECK(used->ring[(seen_used - 1) % NUM].id, 0);
    /* xv6's virtio_disk_intr: acknowledge what InterruptStatus says. */
    set_reg(INTERRUPT_ACK, reg(INTERRUPT_STATUS) & 0x3);
    return status_byte;
}

int main(void)
{
    /* xv6: "could not find virtio disk" unless all four hold. */
    CHECK(reg(MAGIC), 0x74726976);
    CHECK(reg(VERSION), 1);
    CHECK(reg(DEVICE_ID), 2);
    CHECK(reg(VENDOR_ID), 0x554d4551);

    uint32_t status = 0;
    status |= S_ACK;
    set_reg(STATUS, status);
    status |= S_DRIVER;
    set_reg(STATUS, status);

    uint32_t features = reg(DEV_FEATURES);
    features &= ~(1u << F_RO | 1u << F_SCSI | 1u << F_CONFIG_WCE | 1u << F_MQ | 1u << F_ANY_LAYOUT |
                  1u << F_EVENT_IDX | 1u << F_INDIRECT_DESC);
    set_reg(DRV_FEATURES, features);
    status |= S_FEATURES_OK;
    set_reg(STATUS, status);
    status |= S_DRIVER_OK;
    set_reg(STATUS, status);
    /* A legacy device keeps Status as written: there is no FEATURES_OK handshake. */
    CHECK(reg(STATUS), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);

    set_reg(GUEST_PAGE_SIZE, PGSIZE);
    set_reg(QUEUE_SEL, 0);
    uint32_t max = reg(QUEUE_NUM_MAX);
    CHECK(max != 0, 1);   /* "virtio disk has no queue 0" */
    CHECK(max >= NUM, 1); /* "virtio disk max queue too short" */
    CHECK(reg(QUEUE_PFN), 0);
    set_reg(QUEUE_NUM, NUM);
    lay_out(pages, PGSIZE);
    set_reg(QUEUE_PFN, (uint32_t)((uint64_t)pages >> PGSHIFT));

    /* What the queue registers say now. */
    CHECK(reg(QUEUE_PFN), (uint64_t)pages >> PGSHIFT);
    CHECK(reg(QUEUE_READY), 0);       /* a modern register: reads 0 */
    CHECK(reg(CONFIG_GENERATION), 0); /* likewise */
    set_reg(DEV_FEATURES_SEL, 1);
    CHECK(reg(DEV_FEATURES), 0); /* legacy: 32 feature bits only, no VERSION_1 */
    set_reg(DEV_FEATURES_SEL, 0);
    set_reg(QUEUE_SEL, 1);
    CHECK(reg(QUEUE_NUM_MAX), 0); /* virtio-blk has one queue */
    set_reg(QUEUE_SEL, 0);
    /* QueuePFN is read in pages of the current GuestPageSize: its lowest set bit counts. */
    set_reg(GUEST_PAGE_SIZE, 2 * PGSIZE);
    CHECK(reg(QUEUE_PFN), (uint64_t)pages >> (PGSHIFT + 1));
    set_reg(GUEST_PAGE_SIZE, 3 * PGSIZE);
    CHECK(reg(QUEUE_PFN), (uint64_t)pages >> PGSHIFT);
    set_reg(GUEST_PAGE_SIZE, 0);
    CHECK(reg(QUEUE_PFN), (uint32_t)(uint64_t)pages);
    set_reg(GUEST_PAGE_SIZE, PGSIZE);

    uint64_t capacity = *(volatile uint64_t *)(VIRTIO0 + CONFIG);
    CHECK(capacity, 64); /* the script makes a 32 KiB image */

    /* The PLIC routes the queue's interrupt to context 0 (hart 0, M-mode); we poll it. */
    set_plic(4 * VIRTIO0_IRQ, 1);        /* priority */
    set_plic(0x2000, 1u << VIRTIO0_IRQ); /* context 0 enable */
    set_plic(0x200000, 0);               /* context 0 threshold */

    /* An xv6 block: sectors 2 and 3. */
    for (unsigned i = 0; i < sizeof(block); i++)
        block[i] = 0x55;
    {
        header = (struct req_header){T_IN, 0, 2};
        status_byte = 0xff;
        descs[0] = (struct desc){(uint64_t)&header, sizeof(header), DESC_NEXT, 1};
        descs[1] = (struct desc){(uint64_t)block, sizeof(block), DESC_NEXT | DESC_WRITE, 2};
        descs[2] = (struct desc){(uint64_t)&status_byte, 1, DESC_WRITE, 0};
        avail->ring[avail->idx % NUM] = 0;
        __sync_synchronize();
        avail->idx++;
        __sync_synchronize();
        set_reg(QUEUE_NOTIFY, 0);
        for (unsigned spin = 0; *(volatile uint16_t *)&used->idx == seen_used; spin++)
            if (spin > 10000000) break;
        CHECK(*(volatile uint16_t *)&used->idx, 1);
        seen_used++;
        CHECK(status_byte, BLK_OK);
        CHECK(used->ring[0].len, sizeof(block) + 1); /* data and status written */
        /* The interrupt went through the PLIC, as xv6 takes it. */
        CHECK(reg(INTERRUPT_STATUS) & 1, 1);
        CHECK((plic(0x1000) >> VIRTIO0_IRQ) & 1, 1); /* pending at the PLIC */
        CHECK(plic(0x200004), VIRTIO0_IRQ);          /* claim */
        set_reg(INTERRUPT_ACK, reg(INTERRUPT_STATUS) & 0x3);
        set_plic(0x200004, VIRTIO0_IRQ);             /* complete */
        CHECK((plic(0x1000) >> VIRTIO0_IRQ) & 1, 0); /* line low after the ACK */
    }
    for (unsigned i = 0; i < 512; i++)
        CHECK(block[i], "ABCD"[i % 4]);
    for (unsigned i = 512; i < sizeof(block); i++)
        CHECK(block[i], 0);

    /* A write, then the same sector read back. */
    for (unsigned i = 0; i < 512; i++)
        block[i] = (uint8_t) "RV39"[i % 4];
    CHECK(request(T_OUT, 5, block, 512, false), BLK_OK);
    for (unsigned i = 0; i < 512; i++)
        block[i] = 0;
    CHECK(request(T_IN, 5, block, 512, true), BLK_OK);
    CHECK(block[0] == 'R' && block[1] == 'V' && block[510] == '3' && block[511] == '9', 1);

    /* Reset: the queue is forgotten, the page size is not. Set up again without writing
     * GuestPageSize, with the used ring at the next 64-byte boundary after the available
     * ring (16 * 8 + 2 * (3 + 8) = 150 -> 192), and notify before DRIVER_OK. */
    set_reg(STATUS, 0);
    CHECK(reg(STATUS), 0);
    CHECK(reg(QUEUE_PFN), 0);
    set_reg(STATUS, S_ACK | S_DRIVER);
    set_reg(DRV_FEATURES, 0);
    set_reg(QUEUE_SEL, 0);
    set_reg(QUEUE_NUM, NUM);
    set_reg(QUEUE_ALIGN, 64);
    lay_out(pages2, 192);
    set_reg(QUEUE_PFN, (uint32_t)((uint64_t)pages2 >> PGSHIFT));
    CHECK(reg(QUEUE_PFN), (uint64_t)pages2 >> PGSHIFT);
    for (unsigned i = 0; i < 512; i++)
        block[i] = 0;
    CHECK(request(T_IN, 2, block, 512, true), BLK_OK);
    CHECK(block[0] == 'A' && block[511] == 'D', 1);
    set_reg(STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
    CHECK(request(T_IN, 5, block, 512, true), BLK_OK);
    CHECK(block[0] == 'R' && block[511] == '9', 1);
    CHECK(used->idx, 2);

    set_reg(INTERRUPT_ACK, reg(INTERRUPT_STATUS));
    return pass("virtio_blk_legacy");
}
