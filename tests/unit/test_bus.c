/* The system bus (devices/bus.c): ranges never overlap, and an access reaches a device only
 * when every byte of it lies inside that device's range. */
#include <criterion/criterion.h>

#include "devices/bus.h"

/* A device that records the last access it saw and answers with a fixed value. */
struct probe {
    uint64_t offset, value;
    unsigned size, calls;
    bool refuse;
};

static bool probe_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct probe *p = opaque;
    p->offset = offset;
    p->size = size;
    p->calls++;
    *value = p->value;
    return !p->refuse;
}

static bool probe_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct probe *p = opaque;
    p->offset = offset;
    p->size = size;
    p->value = value;
    p->calls++;
    return !p->refuse;
}

static struct bus_device probe_device(const char *name, uint64_t base, uint64_t size,
                                      struct probe *p)
{
    return (struct bus_device){name, base, size, p, probe_read, probe_write};
}

Test(bus, overlapping_ranges_are_rejected)
{
    struct bus bus;
    struct probe a = {0}, b = {0};
    bus_init(&bus);
    struct bus_device first = probe_device("a", 0x1000, 0x100, &a);
    cr_assert(bus_register(&bus, &first), "a device on an empty bus must register");

    uint64_t clashing[][2] = {
        {0x1000, 0x100},  /* identical */
        {0x0f00, 0x101},  /* ends on the first byte */
        {0x10ff, 0x10},   /* starts on the last byte */
        {0x1010, 0x10},   /* inside */
        {0x0800, 0x1000}, /* covers it */
    };
    for (size_t i = 0; i < sizeof(clashing) / sizeof(clashing[0]); i++) {
        struct bus_device d = probe_device("b", clashing[i][0], clashing[i][1], &b);
        cr_assert_not(bus_register(&bus, &d), "range [%#lx,+%#lx) overlaps [0x1000,+0x100)",
                      (unsigned long)clashing[i][0], (unsigned long)clashing[i][1]);
    }
    cr_assert_eq(bus.count, 1, "a rejected device must not be added");

    struct bus_device below = probe_device("below", 0x0f00, 0x100, &b);
    struct bus_device above = probe_device("above", 0x1100, 0x100, &b);
    cr_assert(bus_register(&bus, &below), "a range ending just before another is not an overlap");
    cr_assert(bus_register(&bus, &above), "a range starting just after another is not an overlap");
}

Test(bus, empty_and_wrapping_ranges_are_rejected)
{
    struct bus bus;
    struct probe p = {0};
    bus_init(&bus);
    struct bus_device empty = probe_device("empty", 0x1000, 0, &p);
    struct bus_device wraps = probe_device("wraps", UINT64_MAX - 0xf, 0x20, &p);
    struct bus_device top = probe_device("top", UINT64_MAX - 0xf, 0x10, &p);
    cr_assert_not(bus_register(&bus, &empty), "a zero-sized range must be rejected");
    cr_assert_not(bus_register(&bus, &wraps), "a range wrapping past 2^64 must be rejected");
    cr_assert(bus_register(&bus, &top), "a range ending at the last address is valid");
    uint64_t v;
    cr_assert(bus_read(&bus, UINT64_MAX - 7, 8, &v), "the top 8 bytes belong to 'top'");
}

Test(bus, full_table_is_rejected)
{
    struct bus bus;
    struct probe p = {0};
    bus_init(&bus);
    for (unsigned i = 0; i < BUS_MAX_DEVICES; i++) {
        struct bus_device d =
            probe_device("d", 0x10000 * (uint64_t)(BUS_MAX_DEVICES - i), 0x1000, &p);
        cr_assert(bus_register(&bus, &d), "device %u of %u must fit", i + 1, BUS_MAX_DEVICES);
    }
    struct bus_device extra = probe_device("extra", 0x10000000, 0x1000, &p);
    cr_assert_not(bus_register(&bus, &extra), "registering past BUS_MAX_DEVICES must fail");
}

Test(bus, find_returns_the_device_holding_the_address)
{
    struct bus bus;
    struct probe p = {0};
    bus_init(&bus);
    /* Registered out of order: lookup must not depend on registration order. */
    struct bus_device uart = probe_device("uart", 0x10000000, 0x100, &p);
    struct bus_device clint = probe_device("clint", 0x2000000, 0x10000, &p);
    struct bus_device test = probe_device("test", 0x100000, 0x1000, &p);
    cr_assert(bus_register(&bus, &uart) && bus_register(&bus, &clint) && bus_register(&bus, &test));

    cr_assert_str_eq(bus_find(&bus, 0x100000)->name, "test", "base address belongs to device");
    cr_assert_str_eq(bus_find(&bus, 0x2000000 + 0xffff)->name, "clint",
                     "last byte belongs to device");
    cr_assert_str_eq(bus_find(&bus, 0x10000005)->name, "uart");
    cr_assert_null(bus_find(&bus, 0xfffff), "the byte below the lowest device is unmapped");
    cr_assert_null(bus_find(&bus, 0x101000), "the byte after a device's end is unmapped");
    cr_assert_null(bus_find(&bus, 0x80000000), "addresses above every device are unmapped");
}

Test(bus, access_is_passed_with_offset_within_device)
{
    struct bus bus;
    struct probe p = {.value = 0x1234};
    bus_init(&bus);
    struct bus_device d = probe_device("d", 0x2000, 0x100, &p);
    bus_register(&bus, &d);

    uint64_t v = 0;
    cr_assert(bus_read(&bus, 0x2010, 4, &v), "a read inside the range must succeed");
    cr_assert_eq(v, 0x1234, "the device's value must come back");
    cr_assert_eq(p.offset, 0x10, "the device must see the offset from its base");
    cr_assert_eq(p.size, 4, "the device must see the access size");

    cr_assert(bus_write(&bus, 0x20f8, 8, 0xabcd), "an access ending on the last byte is inside");
    cr_assert_eq(p.offset, 0xf8);
    cr_assert_eq(p.value, 0xabcd, "the written value must reach the device");
}

Test(bus, unmapped_and_straddling_accesses_fail)
{
    struct bus bus;
    struct probe a = {0}, b = {0};
    bus_init(&bus);
    struct bus_device da = probe_device("a", 0x2000, 0x100, &a);
    struct bus_device db = probe_device("b", 0x2100, 0x100, &b);
    bus_register(&bus, &da);
    bus_register(&bus, &db);

    uint64_t v;
    cr_assert_not(bus_read(&bus, 0x1ff8, 8, &v), "no device below 0x2000: read must fail");
    cr_assert_not(bus_write(&bus, 0x3000, 1, 0), "no device at 0x3000: write must fail");
    cr_assert_not(bus_read(&bus, 0x20fc, 8, &v), "an access straddling two devices must fail");
    cr_assert_not(bus_write(&bus, 0x21fe, 4, 0), "an access running past a device's end must fail");
    cr_assert_eq(a.calls + b.calls, 0, "no device may see a refused access");
}

Test(bus, device_refusal_is_reported)
{
    struct bus bus;
    struct probe p = {.refuse = true};
    bus_init(&bus);
    struct bus_device d = probe_device("d", 0x2000, 0x100, &p);
    bus_register(&bus, &d);
    uint64_t v;
    cr_assert_not(bus_read(&bus, 0x2000, 4, &v), "a read the device refuses must fail");
    cr_assert_not(bus_write(&bus, 0x2000, 4, 0), "a write the device refuses must fail");
}

Test(bus, missing_callback_fails_the_access)
{
    struct bus bus;
    struct probe p = {0};
    bus_init(&bus);
    struct bus_device rom = {"rom", 0x2000, 0x100, &p, probe_read, NULL};
    bus_register(&bus, &rom);
    uint64_t v;
    cr_assert(bus_read(&bus, 0x2000, 4, &v));
    cr_assert_not(bus_write(&bus, 0x2000, 4, 0), "a device without a write callback is read-only");
}
