/* virtio-mmio transport (devices/virtio_mmio.c) driven the way a guest driver drives it:
 * registers through the bus callbacks, rings in a fake RAM. A small test device ("echo")
 * records each chain it is handed and returns it with all its writable bytes used.
 * Spec: virtio 1.x "Virtio Over MMIO", "Split Virtqueues", "Device Status Field". */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_mmio.h"

#define FAKE_BASE 0x80000000ull
#define FAKE_SIZE (1ull << 20)
#define QNUM 8u
#define DESC (FAKE_BASE + 0x1000)
#define AVAIL (FAKE_BASE + 0x2000)
#define USED (FAKE_BASE + 0x3000)
#define TABLE (FAKE_BASE + 0x4000) /* an indirect table */
#define BUF (FAKE_BASE + 0x10000)

#define ECHO_ID 42u
#define ECHO_FEATURES (1ull << 0 | 1ull << 3)

static uint8_t *ram;
static struct dma dma;
static struct virtio_mmio t;
static bool irq_level;
static unsigned resets;
static uint64_t wrote_lo, wrote_hi; /* span of everything reported through dma_wrote */
static struct virtq_chain seen[4];
static unsigned seen_count;

static void echo_notify(void *dev, struct virtio_mmio *tr, unsigned queue)
{
    (void)dev;
    struct virtq_chain c;
    while (virtio_mmio_pop(tr, queue, &c) == VIRTQ_CHAIN) {
        if (seen_count < 4) seen[seen_count] = c;
        seen_count++;
        virtio_mmio_push(tr, queue, c.head, (uint32_t)c.write_bytes);
    }
    virtio_mmio_signal_used(tr, queue);
}

static uint64_t echo_config_read(void *dev, uint64_t offset, unsigned size)
{
    (void)dev;
    static const uint8_t cfg[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        if (offset + i < sizeof(cfg)) v |= (uint64_t)cfg[offset + i] << (8 * i);
    return v;
}

static void echo_reset(void *dev)
{
    (void)dev;
    resets++;
}

static const struct virtio_device_ops echo_ops = {
    .name = "echo",
    .device_id = ECHO_ID,
    .num_queues = 2,
    .config_read = echo_config_read,
    .queue_notify = echo_notify,
    .reset = echo_reset,
};

static void wire_set(void *opaque, unsigned num, bool level)
{
    (void)opaque;
    (void)num;
    irq_level = level;
}

static void wrote(void *opaque, uint64_t pa, uint64_t len)
{
    (void)opaque;
    if (pa < wrote_lo) wrote_lo = pa;
    if (pa + len > wrote_hi) wrote_hi = pa + len;
}

static void setup(void)
{
    ram = calloc(1, FAKE_SIZE);
    dma =
        (struct dma){.ram = {.host = ram, .base = FAKE_BASE, .size = FAKE_SIZE}, .written = wrote};
    irq_level = false;
    resets = seen_count = 0;
    wrote_lo = UINT64_MAX;
    wrote_hi = 0;
    virtio_mmio_init(&t, &echo_ops, NULL, ECHO_FEATURES, &dma,
                     (struct irq_line){wire_set, NULL, 1});
}

static void teardown(void)
{
    free(ram);
}

TestSuite(virtio_mmio, .init = setup, .fini = teardown);

/* --- a fake driver --- */
static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    cr_assert(virtio_mmio_read(&t, off, 4, &v), "register 0x%llx must answer",
              (unsigned long long)off);
    return (uint32_t)v;
}
static void wr(uint64_t off, uint32_t v)
{
    cr_assert(virtio_mmio_write(&t, off, 4, v), "register 0x%llx must answer",
              (unsigned long long)off);
}
static uint8_t *at(uint64_t pa)
{
    return ram + (pa - FAKE_BASE);
}
static void put16(uint64_t pa, uint16_t v)
{
    memcpy(at(pa), &v, 2);
}
static void put32(uint64_t pa, uint32_t v)
{
    memcpy(at(pa), &v, 4);
}
static void put64(uint64_t pa, uint64_t v)
{
    memcpy(at(pa), &v, 8);
}
static uint16_t get16(uint64_t pa)
{
    uint16_t v;
    memcpy(&v, at(pa), 2);
    return v;
}
static uint32_t get32(uint64_t pa)
{
    uint32_t v;
    memcpy(&v, at(pa), 4);
    return v;
}

static void desc_at(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                    uint16_t next)
{
    uint64_t d = table + 16ull * i;
    put64(d, addr);
    put32(d + 8, len);
    put16(d + 12, flags);
    put16(d + 14, next);
}
static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    desc_at(DESC, i, addr, len, flags, next);
}

static void setup_queue(unsigned q)
{
    wr(VIRTIO_MMIO_QUEUE_SEL, q);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0, "a fresh queue is not ready");
    cr_assert_geq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QNUM, "QueueNumMax must allow the test's size");
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
    wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(DESC >> 32));
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* "Device Initialization" for a modern driver accepting everything offered. */
static void driver_init(void)
{
    memset(at(DESC), 0, 0x3000);
    wr(VIRTIO_MMIO_STATUS, 0);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    for (unsigned sel = 0; sel < 2; sel++) {
        wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
        uint32_t f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
        wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
        wr(VIRTIO_MMIO_DRIVER_FEATURES, f);
    }
    wr(VIRTIO_MMIO_STATUS, 0x0b);
    cr_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, "offered features are accepted");
    setup_queue(0);
    wr(VIRTIO_MMIO_STATUS, 0x0f);
}

static uint16_t avail_idx;
static void submit(uint16_t head)
{
    put16(AVAIL + 4 + 2 * (avail_idx % QNUM), head);
    avail_idx++;
    put16(AVAIL + 2, avail_idx);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static bool needs_reset(void)
{
    return rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

static void start(void)
{
    avail_idx = 0;
    driver_init();
}

/* --- identification --- */

Test(virtio_mmio, identifies_as_qemu_modern_device)
{
    cr_assert_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976, "MagicValue must be 'virt'");
    cr_assert_eq(rd(VIRTIO_MMIO_VERSION), 2, "Version must be 2 (modern)");
    cr_assert_eq(rd(VIRTIO_MMIO_DEVICE_ID), ECHO_ID, "DeviceID comes from the device");
    cr_assert_eq(rd(VIRTIO_MMIO_VENDOR_ID), 0x554d4551, "VendorID must be QEMU's");
}

Test(virtio_mmio, empty_slot_shows_device_id_zero)
{
    struct virtio_mmio empty;
    virtio_mmio_init_empty(&empty);
    uint64_t v;
    virtio_mmio_read(&empty, VIRTIO_MMIO_MAGIC_VALUE, 4, &v);
    cr_assert_eq(v, 0x74726976, "an empty slot still answers the magic");
    virtio_mmio_read(&empty, VIRTIO_MMIO_VERSION, 4, &v);
    cr_assert_eq(v, 2, "an empty slot still reports version 2");
    virtio_mmio_read(&empty, VIRTIO_MMIO_VENDOR_ID, 4, &v);
    cr_assert_eq(v, 0x554d4551, "an empty slot still reports the vendor");
    virtio_mmio_read(&empty, VIRTIO_MMIO_DEVICE_ID, 4, &v);
    cr_assert_eq(v, 0, "an empty slot has DeviceID 0 (drivers skip it)");
    virtio_mmio_write(&empty, VIRTIO_MMIO_STATUS, 4, 0x0f);
    virtio_mmio_write(&empty, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
    virtio_mmio_read(&empty, VIRTIO_MMIO_STATUS, 4, &v);
    cr_assert_eq(v, 0, "an empty slot ignores writes");
    virtio_mmio_read(&empty, VIRTIO_MMIO_CONFIG, 4, &v);
    cr_assert_eq(v, 0, "an empty slot has no configuration space");
}

Test(virtio_mmio, slots_sit_at_qemu_virt_addresses)
{
    struct bus bus;
    bus_init(&bus);
    struct virtio_mmio empty;
    virtio_mmio_init_empty(&empty);
    cr_assert(virtio_mmio_register(&t, 2, &bus), "slot 2 must register");
    cr_assert(virtio_mmio_register(&empty, 7, &bus), "slot 7 must register");
    cr_assert_not(virtio_mmio_register(&empty, 8, &bus), "there are only 8 slots");
    uint64_t v;
    cr_assert(bus_read(&bus, 0x10003000 + VIRTIO_MMIO_DEVICE_ID, 4, &v), "slot 2 at 0x10003000");
    cr_assert_eq(v, ECHO_ID, "slot 2 carries the echo device");
    cr_assert(bus_read(&bus, 0x10008000, 4, &v), "slot 7 at 0x10008000");
    cr_assert_eq(v, 0x74726976, "slot 7 answers the magic");
    cr_assert_not(bus_read(&bus, 0x10009000, 4, &v), "nothing past slot 7");
}

/* --- access widths --- */

Test(virtio_mmio, registers_other_than_32_bit_read_zero)
{
    uint64_t v = 1;
    virtio_mmio_read(&t, VIRTIO_MMIO_MAGIC_VALUE, 2, &v);
    cr_assert_eq(v, 0, "16-bit register reads give 0, as on QEMU");
    virtio_mmio_read(&t, VIRTIO_MMIO_MAGIC_VALUE + 1, 1, &v);
    cr_assert_eq(v, 0, "byte register reads give 0");
    virtio_mmio_write(&t, VIRTIO_MMIO_STATUS, 1, 1);
    cr_assert_eq(rd(VIRTIO_MMIO_STATUS), 0, "byte register writes are ignored");
}

Test(virtio_mmio, wide_access_splits_into_two_words)
{
    uint64_t v;
    virtio_mmio_read(&t, VIRTIO_MMIO_MAGIC_VALUE, 8, &v);
    cr_assert_eq(v, 0x0000000274726976ull, "an 8-byte read is MagicValue then Version");
}

Test(virtio_mmio, config_space_takes_byte_half_and_word_reads)
{
    uint64_t v;
    virtio_mmio_read(&t, VIRTIO_MMIO_CONFIG + 2, 1, &v);
    cr_assert_eq(v, 3, "byte 2 of the echo config");
    virtio_mmio_read(&t, VIRTIO_MMIO_CONFIG + 2, 2, &v);
    cr_assert_eq(v, 0x0403, "16-bit little-endian read");
    virtio_mmio_read(&t, VIRTIO_MMIO_CONFIG + 4, 4, &v);
    cr_assert_eq(v, 0x08070605, "32-bit little-endian read");
    virtio_mmio_read(&t, VIRTIO_MMIO_CONFIG, 8, &v);
    cr_assert_eq(v, 0x0807060504030201ull, "64-bit read as two words");
    cr_assert_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0, "a constant config keeps generation 0");
}

/* --- "Feature Negotiation" --- */

Test(virtio_mmio, device_features_by_selector)
{
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t lo = rd(VIRTIO_MMIO_DEVICE_FEATURES);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint32_t hi = rd(VIRTIO_MMIO_DEVICE_FEATURES);
    /* QEMU keeps DeviceFeaturesSel to 0 or 1: any nonzero value selects bits 32..63. */
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    cr_assert_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), hi, "selector 2 reads as selector 1 (QEMU)");
    cr_assert_eq(lo & (uint32_t)ECHO_FEATURES, (uint32_t)ECHO_FEATURES, "device bits offered");
    cr_assert(lo & 1u << VIRTIO_F_INDIRECT_DESC, "INDIRECT_DESC offered by the transport");
    cr_assert_eq(hi, 1u << (VIRTIO_F_VERSION_1 - 32), "VERSION_1 is the only high bit");
    cr_assert_not(lo & 1u << 29, "EVENT_IDX is not offered (not implemented)");
}

Test(virtio_mmio, features_ok_sticks_for_offered_subset)
{
    wr(VIRTIO_MMIO_STATUS, 3);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1u << 3);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(VIRTIO_MMIO_STATUS, 0x0b);
    cr_assert_eq(rd(VIRTIO_MMIO_STATUS), 0x0b, "FEATURES_OK stays for a subset of the offer");
    cr_assert_eq(t.driver_features, 1ull << 32 | 1u << 3, "accepted features recorded");
}

Test(virtio_mmio, features_ok_refused_for_unoffered_bit)
{
    wr(VIRTIO_MMIO_STATUS, 3);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1u << 1); /* not offered */
    wr(VIRTIO_MMIO_STATUS, 0x0b);
    cr_assert_eq(rd(VIRTIO_MMIO_STATUS), 0x03, "FEATURES_OK must not stick for unoffered bits");
}

Test(virtio_mmio, features_ok_sticks_for_low_32_bit_only_driver)
{
    /* xv6's driver: no selector writes, low word only, never VERSION_1. QEMU accepts it. */
    wr(VIRTIO_MMIO_STATUS, 3);
    uint32_t f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
    f &= ~(1u << VIRTIO_F_INDIRECT_DESC);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, f);
    wr(VIRTIO_MMIO_STATUS, 0x0b);
    cr_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK,
              "a driver without VERSION_1 negotiating the low word must be accepted");
}

Test(virtio_mmio, features_frozen_after_features_ok)
{
    start();
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
    cr_assert_neq(t.driver_features & 0xffffffffu, 0, "DriverFeatures ignored after FEATURES_OK");
}

/* --- status and reset --- */

Test(virtio_mmio, status_zero_resets_device)
{
    start();
    desc(0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    cr_assert(irq_level, "used buffer raised the interrupt");
    wr(VIRTIO_MMIO_STATUS, 0);
    cr_assert_eq(rd(VIRTIO_MMIO_STATUS), 0, "status reads 0 after reset");
    cr_assert_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0, "reset clears InterruptStatus");
    cr_assert_not(irq_level, "reset lowers the interrupt line");
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0, "reset clears QueueReady");
    cr_assert_eq(t.driver_features, 0, "reset forgets negotiated features");
    cr_assert_geq(resets, 1, "the device's reset hook runs");
}

Test(virtio_mmio, queue_num_max_zero_for_absent_queue)
{
    wr(VIRTIO_MMIO_QUEUE_SEL, 1);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTQ_MAX_SIZE, "queue 1 exists");
    wr(VIRTIO_MMIO_QUEUE_SEL, 2);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0, "queue 2 does not exist: QueueNumMax 0");
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0, "an absent queue never becomes ready");
}

Test(virtio_mmio, queue_ready_reads_back)
{
    start();
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1, "QueueReady reads the last value written");
    wr(VIRTIO_MMIO_QUEUE_READY, 0);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0, "writing 0 stops the queue");
}

/* --- the rings --- */

Test(virtio_mmio, chain_reaches_device_and_returns_in_used_ring)
{
    start();
    desc(3, BUF, 16, VIRTQ_DESC_F_NEXT, 5);
    desc(5, BUF + 0x100, 100, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUF + 0x200, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(3);
    cr_assert_eq(seen_count, 1, "one chain handed to the device");
    cr_assert_eq(seen[0].count, 3, "three buffers in the chain");
    cr_assert_eq(seen[0].readable, 1, "one readable buffer");
    cr_assert_eq(seen[0].buf[1].addr, BUF + 0x100, "buffers in chain order");
    cr_assert_eq(seen[0].write_bytes, 101, "writable bytes summed");
    cr_assert_eq(get16(USED + 2), 1, "used idx advanced");
    cr_assert_eq(get32(USED + 4), 3, "used element names the head");
    cr_assert_eq(get32(USED + 8), 101, "used element carries the length written");
    cr_assert_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED_BUFFER, "used-buffer interrupt");
    cr_assert(irq_level, "interrupt line high while InterruptStatus != 0");
    cr_assert_leq(wrote_lo, USED + 2, "used ring writes reported through dma_wrote");
    cr_assert_geq(wrote_hi, USED + 12, "used element reported through dma_wrote");
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED_BUFFER);
    cr_assert_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0, "InterruptACK clears the bit");
    cr_assert_not(irq_level, "interrupt line low after the ack");
}

Test(virtio_mmio, several_chains_in_one_notify_and_ring_wraps)
{
    start();
    for (unsigned round = 0; round < 3 * QNUM; round++) {
        desc(round % QNUM, BUF, 8, VIRTQ_DESC_F_WRITE, 0);
        put16(AVAIL + 4 + 2 * (avail_idx % QNUM), (uint16_t)(round % QNUM));
        avail_idx++;
        if (round % 4 == 3) {
            put16(AVAIL + 2, avail_idx);
            wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
        }
    }
    cr_assert_eq(seen_count, 3 * QNUM, "every chain served across ring wrap-around");
    cr_assert_eq(get16(USED + 2), 3 * QNUM, "used idx counts past the ring size");
    cr_assert_not(needs_reset(), "no rule broken");
}

Test(virtio_mmio, no_interrupt_flag_suppresses_used_interrupt)
{
    start();
    put16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
    desc(0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    cr_assert_eq(get16(USED + 2), 1, "the chain is still used");
    cr_assert_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0, "VIRTQ_AVAIL_F_NO_INTERRUPT suppresses it");
    cr_assert_not(irq_level, "no interrupt raised");
}

Test(virtio_mmio, indirect_table_is_walked)
{
    start();
    desc_at(TABLE, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
    desc_at(TABLE, 2, BUF + 0x100, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    desc_at(TABLE, 1, BUF + 0x400, 1, VIRTQ_DESC_F_WRITE, 0);
    desc(4, TABLE, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    submit(4);
    cr_assert_not(needs_reset(), "a good indirect table is accepted (%s)", t.fault);
    cr_assert_eq(seen[0].count, 3, "all three indirect entries in the chain");
    cr_assert_eq(seen[0].buf[1].addr, BUF + 0x100, "indirect entries follow their next fields");
    cr_assert_eq(get32(USED + 4), 4, "the used element names the main-table head");
}

/* virtio 1.2, 3.1.2: "The device MUST NOT consume buffers ... before DRIVER_OK". A notify
 * that comes early is ignored; the chains wait in the available ring for the first notify
 * after DRIVER_OK. */
Test(virtio_mmio, notify_before_driver_ok_is_ignored_until_driver_ok)
{
    avail_idx = 0;
    memset(at(DESC), 0, 0x3000);
    wr(VIRTIO_MMIO_STATUS, 0);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_STATUS,
       VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    setup_queue(0);
    desc(2, BUF, 8, VIRTQ_DESC_F_WRITE, 0);
    submit(2); /* QueueNotify with FEATURES_OK but no DRIVER_OK yet */
    cr_assert_eq(seen_count, 0, "no buffer may be consumed before DRIVER_OK");
    cr_assert_eq(get16(USED + 2), 0, "the used ring must not move before DRIVER_OK");
    cr_assert_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0, "no used-buffer interrupt before DRIVER_OK");
    cr_assert_not(needs_reset(), "an early notify is ignored, not a reason to stop the device");

    wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    cr_assert_eq(seen_count, 1, "the first notify after DRIVER_OK serves the waiting chain");
    cr_assert_eq(seen[0].head, 2, "it is the chain made available before DRIVER_OK");
    cr_assert_eq(get16(USED + 2), 1, "and it is returned in the used ring");
    cr_assert_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED_BUFFER);
}

Test(virtio_mmio, notify_on_unready_queue_before_driver_ok_is_ignored)
{
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
    cr_assert_not(needs_reset(), "before DRIVER_OK a notify is ignored whatever its queue");
}

/* A rule broken: DEVICE_NEEDS_RESET, a configuration-change interrupt, and a device that
 * works again after the driver resets it. */
static void expect_needs_reset_then_recovery(const char *rule)
{
    cr_assert(needs_reset(), "%s: DEVICE_NEEDS_RESET must be set", rule);
    cr_assert(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG_CHANGE,
              "%s: configuration-change interrupt must be raised", rule);
    cr_assert(irq_level, "%s: interrupt line must be high", rule);
    cr_assert_not_null(t.fault, "%s: the reason is recorded", rule);
    unsigned before = seen_count;
    submit(0);
    cr_assert_eq(seen_count, before, "%s: a broken device ignores notifies until reset", rule);

    start();
    cr_assert_not(needs_reset(), "%s: reset clears DEVICE_NEEDS_RESET", rule);
    desc(0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    cr_assert_eq(seen_count, before + 1, "%s: after reset a good chain is served", rule);
    cr_assert_eq(get16(USED + 2), 1, "%s: after reset the used ring works", rule);
}

Test(virtio_mmio, notify_on_unready_queue_needs_reset)
{
    start();
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1); /* queue 1 exists but was never set up */
    expect_needs_reset_then_recovery("notify on a queue that is not ready");
}

Test(virtio_mmio, notify_on_absent_queue_needs_reset)
{
    start();
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 9);
    expect_needs_reset_then_recovery("notify on a queue that does not exist");
}

Test(virtio_mmio, looping_chain_needs_reset)
{
    start();
    desc(0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUF, 4, VIRTQ_DESC_F_NEXT, 0);
    submit(0);
    cr_assert_eq(seen_count, 0, "a looping chain never reaches the device");
    expect_needs_reset_then_recovery("looping chain");
}

Test(virtio_mmio, next_index_past_table_needs_reset)
{
    start();
    desc(0, BUF, 4, VIRTQ_DESC_F_NEXT, QNUM);
    submit(0);
    expect_needs_reset_then_recovery("descriptor index past the table");
}

Test(virtio_mmio, head_index_past_table_needs_reset)
{
    start();
    submit(QNUM + 3);
    expect_needs_reset_then_recovery("head index past the table");
}

Test(virtio_mmio, avail_index_jumping_past_queue_size_needs_reset)
{
    start();
    put16(AVAIL + 2, QNUM + 1);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    avail_idx = 0;
    expect_needs_reset_then_recovery("avail idx more than QueueNum ahead");
}

Test(virtio_mmio, readable_after_writable_needs_reset)
{
    start();
    desc(0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUF, 4, 0, 0);
    submit(0);
    expect_needs_reset_then_recovery("device-readable after device-writable");
}

Test(virtio_mmio, indirect_table_size_not_multiple_of_16_needs_reset)
{
    start();
    desc_at(TABLE, 0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    desc(0, TABLE, 20, VIRTQ_DESC_F_INDIRECT, 0);
    submit(0);
    expect_needs_reset_then_recovery("indirect table of 20 bytes");
}

Test(virtio_mmio, nested_indirect_needs_reset)
{
    start();
    desc_at(TABLE, 0, TABLE + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
    desc(0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
    submit(0);
    expect_needs_reset_then_recovery("indirect inside indirect");
}

Test(virtio_mmio, indirect_with_next_needs_reset)
{
    start();
    desc_at(TABLE, 0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    desc(0, TABLE, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    expect_needs_reset_then_recovery("INDIRECT together with NEXT");
}

Test(virtio_mmio, indirect_table_outside_ram_needs_reset)
{
    start();
    desc(0, FAKE_BASE + FAKE_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
    submit(0);
    expect_needs_reset_then_recovery("indirect table running past RAM");
}

Test(virtio_mmio, indirect_loop_needs_reset)
{
    start();
    desc_at(TABLE, 0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
    desc_at(TABLE, 1, BUF, 4, VIRTQ_DESC_F_NEXT, 0);
    desc(0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
    submit(0);
    expect_needs_reset_then_recovery("loop inside an indirect table");
}

Test(virtio_mmio, chain_longer_than_largest_queue_needs_reset)
{
    start();
    unsigned n = VIRTQ_MAX_SIZE + 10;
    for (unsigned i = 0; i < n; i++)
        desc_at(TABLE, i, BUF, 1, VIRTQ_DESC_F_WRITE | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0),
                (uint16_t)(i + 1));
    desc(0, TABLE, 16 * n, VIRTQ_DESC_F_INDIRECT, 0);
    submit(0);
    expect_needs_reset_then_recovery("chain longer than the queue size");
}

Test(virtio_mmio, queue_outside_ram_refused_at_ready)
{
    wr(VIRTIO_MMIO_STATUS, 0x0b);
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000); /* not RAM */
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0, "a queue outside RAM never becomes ready");
    avail_idx = 0;
    expect_needs_reset_then_recovery("descriptor table outside RAM");
}

Test(virtio_mmio, queue_size_not_power_of_two_refused)
{
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, 6);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0, "split queue sizes are powers of 2");
    cr_assert(needs_reset(), "the device asks for a reset");
}
