/* virtio-rng (virtio 1.2, 5.4 "Entropy Device", device ID 4) over the virtio-mmio transport,
 * fed from the host's getrandom(2). One queue, requestq: the driver posts device-writable
 * buffers and the device fills them with random bytes (5.4.6). No feature bits, no
 * configuration space (5.4.3, 5.4.4). */
#ifndef RV39_VIRTIO_RNG_H
#define RV39_VIRTIO_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "dma.h"
#include "irq.h"
#include "virtio_mmio.h"

#define VIRTIO_ID_ENTROPY 4u
/* The most one request gets: the spec lets the device fill less than the buffers hold
 * (5.4.6.1 "the device MAY ... write fewer bytes"; used.len says how many), and a cap keeps a
 * driver that posts all of its RAM from stalling the hart on getrandom. */
#define VIRTIO_RNG_MAX_REQUEST (64u << 10)

struct virtio_rng {
    struct virtq_chain chain; /* the request being served (too big for the stack) */
    /* Where the bytes come from: getrandom(2) unless a test supplies its own. Returns how many
     * bytes of buf it filled (0 on failure). */
    size_t (*fill)(void *buf, size_t len);
    uint64_t requests, bytes; /* counters, for statistics and tests */
};

/* Put an rng into virtio slot `slot` (0..7): initialises transport `t` (which must live as
 * long as the bus) and registers it at 0x10001000 + slot * 0x1000. */
bool virtio_rng_attach(struct virtio_rng *r, struct virtio_mmio *t, unsigned slot,
                       const struct dma *dma, struct irq_line irq, struct bus *bus);

/* The device half, for tests that build the transport themselves (r->fill NULL: getrandom). */
extern const struct virtio_device_ops virtio_rng_ops;

#endif
