/* The legacy virtio-mmio interface (devices/virtio_mmio.c with virtio_mmio_set_legacy):
 * virtio 1.2, 4.2.4 "Legacy interface" and 2.7 "Legacy Interfaces: A Note on Virtqueue
 * Layout", with QEMU 7.2's hw/virtio/virtio-mmio.c where the spec leaves room. Registers
 * through the bus callbacks, the queue in a fake RAM, a device that echoes every chain. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_mmio.h"

#define FAKE_BASE 0x80000000ull
#define FAKE_SIZE (1ull << 20)
#define PAGE 4096u
#define QNUM 8u
#define QUEUE_AREA (FAKE_BASE + 0x4000) /* page 0x80004 */
#define BUF (FAKE_BASE + 0x20000)
#define ECHO_FEATURES (1ull << 0 | 1ull << 3 | 1ull << 33)

static uint8_t *ram;
static struct dma dma;
static struct virtio_mmio t;
static bool irq_level;
static unsigned served;

static void echo_notify(void *dev, struct virtio_mmio *tr, unsigned queue)
{
    (void)dev;
    struct virtq_chain c;
    while (virtio_mmio_pop(tr, queue, &c) == VIRTQ_CHAIN) {
        served++;
        virtio_mmio_push(tr, queue, c.head, (uint32_t)c.write_bytes);
    }
    virtio_mmio_signal_used(tr, queue);
}

static const struct virtio_device_ops echo_ops = {
    .name = "echo",
    .device_id = 42,
    .num_queues = 2,
    .queue_notify = echo_notify,
};

static void wire_set(void *opaque, unsigned num, bool level)
{
    (void)opaque;
    (void)num;
    irq_level = level;
}

static void setup(void)
{
    ram = calloc(1, FAKE_SIZE);
    dma = (struct dma){.ram = {.host = ram, .base = FAKE_BASE, .size = FAKE_SIZE}};
    irq_level = false;
    served = 0;
    virtio_mmio_init(&t, &echo_ops, NULL, ECHO_FEATURES, &dma,
                     (struct irq_line){wire_set, NULL, 1});
    virtio_mmio_set_legacy(&t, true);
}

static void teardown(void)
{
    free(ram);
}

TestSuite(virtio_mmio_legacy, .init = setup, .fini = teardown);

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    cr_assert(virtio_mmio_read(&t, off, 4, &v));
    return (uint32_t)v;
}
static void wr(uint64_t off, uint32_t v)
{
    cr_assert(virtio_mmio_write(&t, off, 4, v));
}
static void put16(uint64_t pa, uint16_t v)
{
    memcpy(ram + (pa - FAKE_BASE), &v, 2);
}
static uint16_t get16(uint64_t pa)
{
    uint16_t v;
    memcpy(&v, ram + (pa - FAKE_BASE), 2);
    return v;
}
static void put_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags)
{
    uint8_t *d = ram + (table + 16ull * i - FAKE_BASE);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memset(d + 14, 0, 2);
}

/* A legacy driver's queue setup (4.2.4): page size, queue size, alignment, page number. */
static void legacy_queue(uint32_t align)
{
    wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, PAGE);
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_ALIGN, align);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(QUEUE_AREA / PAGE));
}

/* One single-descriptor chain (device-writable, 64 bytes) through the queue at QUEUE_AREA;
 * returns the used ring's idx as found at `used`. */
static uint16_t round_trip(uint64_t used)
{
    uint64_t avail = QUEUE_AREA + 16 * QNUM;
    put_desc(QUEUE_AREA, 0, BUF, 64, VIRTQ_DESC_F_WRITE);
    uint16_t idx = get16(avail + 2);
    put16(avail + 4 + 2 * (idx % QNUM), 0);
    put16(avail + 2, (uint16_t)(idx + 1));
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    return get16(used + 2);
}

Test(virtio_mmio_legacy, identifies_as_version_1_with_32_feature_bits)
{
    cr_assert_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    cr_assert_eq(rd(VIRTIO_MMIO_VERSION), 1, "4.2.4: a legacy device reports version 1");
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t lo = rd(VIRTIO_MMIO_DEVICE_FEATURES);
    cr_assert_eq(lo & 0x9u, 0x9u, "the device's low bits are offered");
    cr_assert(lo & 1u << VIRTIO_F_INDIRECT_DESC, "indirect descriptors are offered");
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    cr_assert_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0,
                 "HostFeaturesSel 1 reads nothing: no VERSION_1, no bit 33");
    struct virtio_mmio empty;
    virtio_mmio_init_empty(&empty);
    virtio_mmio_set_legacy(&empty, true);
    uint64_t v;
    virtio_mmio_read(&empty, VIRTIO_MMIO_VERSION, 4, &v);
    cr_assert_eq(v, 1, "an empty slot shows the same version (QEMU)");
}

Test(virtio_mmio_legacy, guest_features_take_only_offered_bits_from_selector_0)
{
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffffu);
    cr_assert_eq(t.driver_features, (uint32_t)t.device_features,
                 "QEMU's virtio_set_features keeps only offered bits");
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    cr_assert_eq(t.driver_features >> 32, 0, "GuestFeaturesSel 1 is ignored");
}

Test(virtio_mmio_legacy, status_is_kept_as_written_and_modern_registers_read_0)
{
    wr(VIRTIO_MMIO_STATUS, 0x0f);
    cr_assert_eq(rd(VIRTIO_MMIO_STATUS), 0x0f, "no FEATURES_OK handshake in legacy");
    legacy_queue(PAGE);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0, "QueueReady does not exist in legacy");
    cr_assert_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1234);
    cr_assert_eq(t.queue[0].desc, QUEUE_AREA, "QueueDescLow is ignored in legacy");
}

Test(virtio_mmio_legacy, queue_layout_follows_queue_align)
{
    wr(VIRTIO_MMIO_STATUS, 0x07);
    legacy_queue(PAGE);
    /* 16 * 8 + 2 * (3 + 8) = 150 bytes, then the used ring on the next page. */
    cr_assert_eq(t.queue[0].avail, QUEUE_AREA + 128);
    cr_assert_eq(t.queue[0].used, QUEUE_AREA + PAGE);
    cr_assert_eq(round_trip(QUEUE_AREA + PAGE), 1, "the used ring is where the layout says");
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_PFN), QUEUE_AREA / PAGE);
    /* QueueAlign 64: used at 192 (150 rounded up); QEMU re-lays the queue on the write. */
    wr(VIRTIO_MMIO_QUEUE_ALIGN, 64);
    cr_assert_eq(t.queue[0].used, QUEUE_AREA + 192);
    cr_assert_eq(round_trip(QUEUE_AREA + 192), 2, "the ring positions survive the move");
}

Test(virtio_mmio_legacy, notify_before_driver_ok_is_served)
{
    wr(VIRTIO_MMIO_STATUS, 0x03);
    legacy_queue(PAGE);
    cr_assert_eq(round_trip(QUEUE_AREA + PAGE), 1, "2.1.2: legacy drivers use the device early");
    cr_assert_eq(served, 1);
    cr_assert(irq_level, "and get the used-buffer interrupt");
}

Test(virtio_mmio_legacy, reset_forgets_queues_but_keeps_page_size_and_align)
{
    wr(VIRTIO_MMIO_STATUS, 0x07);
    legacy_queue(64);
    wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 2 * PAGE);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_PFN), QUEUE_AREA / (2 * PAGE),
                 "QueuePFN reads in the current page size");
    wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, PAGE);
    wr(VIRTIO_MMIO_STATUS, 0);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_PFN), 0, "a reset releases the queue");
    cr_assert_eq(t.queue[0].num, VIRTQ_MAX_SIZE, "and its size goes back to QueueNumMax");
    wr(VIRTIO_MMIO_STATUS, 0x07);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(QUEUE_AREA / PAGE)); /* no GuestPageSize, no align */
    cr_assert_eq(t.queue[0].desc, QUEUE_AREA, "GuestPageSize survives the reset (QEMU)");
    cr_assert_eq(t.queue[0].used, QUEUE_AREA + 192, "so does QueueAlign");
}

Test(virtio_mmio_legacy, pfn_0_releases_only_the_selected_queue)
{
    wr(VIRTIO_MMIO_STATUS, 0x07);
    legacy_queue(PAGE);
    wr(VIRTIO_MMIO_QUEUE_SEL, 1);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(QUEUE_AREA / PAGE) + 4);
    cr_assert(t.queue[1].ready);
    wr(VIRTIO_MMIO_QUEUE_PFN, 0);
    cr_assert_not(t.queue[1].ready, "4.2.4: writing 0 stops the use of the queue");
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_PFN), 0);
    cr_assert(t.queue[0].ready, "the other queue is untouched");
    cr_assert_eq(rd(VIRTIO_MMIO_STATUS), 0x07, "and so is the device");
}

/* Hostile values: each makes the device stop (no DEVICE_NEEDS_RESET bit and no interrupt,
 * which a legacy driver would not understand: QEMU's virtio_error likewise) until a reset,
 * and no ring is ever touched outside RAM. */
static void assert_broken(const char *rule)
{
    cr_assert(t.broken, "%s: the device must stop", rule);
    cr_assert_not(t.queue[0].ready, "%s: the queue must not be live", rule);
    cr_assert_eq(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0,
                 "%s: no NEEDS_RESET bit on a legacy device", rule);
    cr_assert_not(irq_level, "%s: no configuration interrupt either", rule);
    wr(VIRTIO_MMIO_STATUS, 0);
    cr_assert_not(t.broken, "%s: a reset restarts the device", rule);
}

Test(virtio_mmio_legacy, hostile_queue_settings_stop_the_device)
{
    wr(VIRTIO_MMIO_STATUS, 0x07);
    wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, PAGE);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_PFN, 0xffffffffu); /* far outside RAM */
    assert_broken("a PFN outside RAM");

    wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 1u << 31); /* shift 31: 2^63 and up */
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_PFN, 0xffffffffu);
    assert_broken("a PFN shifted to the top of the address space");

    wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, PAGE);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_ALIGN, 3000);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(QUEUE_AREA / PAGE));
    assert_broken("QueueAlign not a power of 2");

    wr(VIRTIO_MMIO_QUEUE_ALIGN, 1u << 31);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(QUEUE_AREA / PAGE));
    assert_broken("a used ring aligned past the end of RAM");

    wr(VIRTIO_MMIO_QUEUE_ALIGN, 2);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(QUEUE_AREA / PAGE));
    assert_broken("a used ring only 2-byte aligned");

    wr(VIRTIO_MMIO_QUEUE_ALIGN, PAGE);
    wr(VIRTIO_MMIO_QUEUE_NUM, 12);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(QUEUE_AREA / PAGE));
    assert_broken("a queue size that is not a power of 2");

    /* The last page of RAM: the descriptors fit, the used ring does not. */
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)((FAKE_BASE + FAKE_SIZE) / PAGE - 1));
    assert_broken("a queue running off the end of RAM");

    /* GuestPageSize 0 counts as 1 byte (QEMU): the PFN is a byte address, here unaligned. */
    wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)QUEUE_AREA + 8);
    assert_broken("a descriptor table that is not 16-byte aligned");
    wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)QUEUE_AREA);
    cr_assert(t.queue[0].ready, "a byte address is fine when the layout fits");
}

Test(virtio_mmio_legacy, notify_of_a_queue_without_pfn_is_ignored)
{
    wr(VIRTIO_MMIO_STATUS, 0x07);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 7);
    cr_assert_not(t.broken, "QEMU ignores a notify of a queue that has no ring");
    cr_assert_eq(served, 0);
}
