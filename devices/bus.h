/* The system bus: devices register an address range with read/write callbacks.
 *
 * RAM is not a bus device: the CPU reaches it directly through the MMU's host-pointer
 * fast path. Everything else (UART, CLINT, finisher, later PLIC and virtio) sits here and is
 * reached only on the slow path, so the bus can stay a plain sorted array. */
#ifndef RV39_BUS_H
#define RV39_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Callbacks get the offset within the device's range and an access size of 1, 2, 4 or 8
 * bytes. Returning false means "nothing answers here": the CPU raises an access fault. */
typedef bool (*bus_read_fn)(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
typedef bool (*bus_write_fn)(void *opaque, uint64_t offset, unsigned size, uint64_t value);

struct bus_device {
    const char *name;
    uint64_t base, size;
    void *opaque;
    bus_read_fn read;
    bus_write_fn write;
};

#define BUS_MAX_DEVICES 32

struct bus {
    struct bus_device dev[BUS_MAX_DEVICES];
    unsigned count;
    /* Harts on host threads (emu/machine_threads.c): every access holds `lock`, so a device
     * sees one access at a time, and the board's service work holds it too (it may reach the
     * bus itself: the mutex is recursive). After a write, `after_write` (an IPI may have
     * been raised: wake that hart). NULL: one thread, no locking. */
    pthread_mutex_t *lock;
    void (*after_write)(void *opaque);
    void *after_opaque;
};

void bus_init(struct bus *bus);
/* Returns false when the range overlaps another device or the table is full. */
bool bus_register(struct bus *bus, const struct bus_device *dev);
const struct bus_device *bus_find(const struct bus *bus, uint64_t addr);
/* false: no device at addr, the range does not cover the whole access, or the device refused. */
bool bus_read(const struct bus *bus, uint64_t addr, unsigned size, uint64_t *value);
bool bus_write(const struct bus *bus, uint64_t addr, unsigned size, uint64_t value);

#endif
