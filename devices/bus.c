/* The system bus: a table of non-overlapping address ranges, kept sorted by base address so a
 * lookup is a binary search. Only the CPU's slow path (MMIO) comes here; RAM never does. */
#include "bus.h"

#include <string.h>

void bus_init(struct bus *bus)
{
    memset(bus, 0, sizeof(*bus));
}

/* Last byte of a range; callers have already rejected empty and wrapping ranges. */
static uint64_t range_last(uint64_t base, uint64_t size)
{
    return base + (size - 1);
}

static bool ranges_overlap(const struct bus_device *a, const struct bus_device *b)
{
    return a->base <= range_last(b->base, b->size) && b->base <= range_last(a->base, a->size);
}

bool bus_register(struct bus *bus, const struct bus_device *dev)
{
    /* An empty range could never answer, and a range that wraps past 2^64 has no last byte
     * we could compare against. */
    if (dev->size == 0 || dev->base + (dev->size - 1) < dev->base) return false;
    if (bus->count == BUS_MAX_DEVICES) return false;

    unsigned pos = 0;
    for (unsigned i = 0; i < bus->count; i++) {
        if (ranges_overlap(&bus->dev[i], dev)) return false;
        if (bus->dev[i].base < dev->base) pos = i + 1;
    }
    memmove(&bus->dev[pos + 1], &bus->dev[pos], (bus->count - pos) * sizeof(bus->dev[0]));
    bus->dev[pos] = *dev;
    bus->count++;
    return true;
}

const struct bus_device *bus_find(const struct bus *bus, uint64_t addr)
{
    /* Find the last device whose base is <= addr; it is the only one that can contain addr. */
    unsigned lo = 0, hi = bus->count;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (bus->dev[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) return NULL;
    const struct bus_device *d = &bus->dev[lo - 1];
    return addr - d->base < d->size ? d : NULL;
}

/* The device whose range holds every byte of [addr, addr + size), or NULL. An access that
 * straddles the end of a device (or two devices) is refused whole: no device sees half of it. */
static const struct bus_device *device_for_access(const struct bus *bus, uint64_t addr,
                                                  unsigned size)
{
    const struct bus_device *d = bus_find(bus, addr);
    if (!d || size == 0 || size > d->size || addr - d->base > d->size - size) return NULL;
    return d;
}

bool bus_read(const struct bus *bus, uint64_t addr, unsigned size, uint64_t *value)
{
    const struct bus_device *d = device_for_access(bus, addr, size);
    if (!d || !d->read) return false;
    if (!bus->lock) return d->read(d->opaque, addr - d->base, size, value);
    pthread_mutex_lock(bus->lock);
    bool ok = d->read(d->opaque, addr - d->base, size, value);
    pthread_mutex_unlock(bus->lock);
    return ok;
}

bool bus_write(const struct bus *bus, uint64_t addr, unsigned size, uint64_t value)
{
    const struct bus_device *d = device_for_access(bus, addr, size);
    if (!d || !d->write) return false;
    if (!bus->lock) return d->write(d->opaque, addr - d->base, size, value);
    pthread_mutex_lock(bus->lock);
    bool ok = d->write(d->opaque, addr - d->base, size, value);
    if (bus->after_write) bus->after_write(bus->after_opaque);
    pthread_mutex_unlock(bus->lock);
    return ok;
}
