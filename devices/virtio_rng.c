/* virtio-rng fed from getrandom(2) (devices/virtio_rng.h).
 *
 * A request (virtio 1.2, 5.4.6 "Device Operation") is one descriptor chain of device-writable
 * buffers; the device writes random bytes into them, front to back, and returns the chain with
 * used.len = the bytes written. The driver "MUST NOT place driver-readable buffers into the
 * queue" (5.4.6.1): such buffers are skipped, never read, and a chain with nothing writable
 * comes back with used.len 0. A buffer outside RAM ends the filling there. */
#include "virtio_rng.h"

#include <errno.h>
#include <sys/random.h>

static size_t host_random(void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom((uint8_t *)buf + done, len - done, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += (size_t)n;
    }
    return done;
}

/* Fill the writable buffers of r->chain; returns the bytes written (at most
 * VIRTIO_RNG_MAX_REQUEST). */
static uint32_t serve(struct virtio_rng *r, const struct dma *dma)
{
    const struct virtq_chain *c = &r->chain;
    size_t (*fill)(void *, size_t) = r->fill ? r->fill : host_random;
    uint32_t written = 0;
    for (unsigned i = c->readable; i < c->count && written < VIRTIO_RNG_MAX_REQUEST; i++) {
        const struct virtq_buf *b = &c->buf[i];
        uint32_t len = b->len;
        if (len > VIRTIO_RNG_MAX_REQUEST - written) len = VIRTIO_RNG_MAX_REQUEST - written;
        uint8_t *host = dma_ptr(dma, b->addr, len);
        if (!host) break; /* outside RAM: what was written so far stands */
        size_t n = fill(host, len);
        if (n) dma_wrote(dma, b->addr, n);
        written += (uint32_t)n;
        if (n < len) break; /* the host ran dry: hand over what there is */
    }
    return written;
}

static void rng_queue_notify(void *dev, struct virtio_mmio *t, unsigned queue)
{
    struct virtio_rng *r = dev;
    while (virtio_mmio_pop(t, queue, &r->chain) == VIRTQ_CHAIN) {
        uint32_t written = serve(r, t->dma);
        r->requests++;
        r->bytes += written;
        virtio_mmio_push(t, queue, r->chain.head, written);
    }
    virtio_mmio_signal_used(t, queue);
}

/* 5.4.4: no device configuration space; reads give 0 (virtio_mmio.h). */
static uint64_t rng_config_read(void *dev, uint64_t offset, unsigned size)
{
    (void)dev;
    (void)offset;
    (void)size;
    return 0;
}

const struct virtio_device_ops virtio_rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_ENTROPY,
    .num_queues = 1, /* 5.4.2: requestq */
    .config_read = rng_config_read,
    .config_write = NULL,
    .queue_notify = rng_queue_notify,
    .reset = NULL,
};

bool virtio_rng_attach(struct virtio_rng *r, struct virtio_mmio *t, unsigned slot,
                       const struct dma *dma, struct irq_line irq, struct bus *bus)
{
    if (slot >= VIRTIO_MMIO_SLOTS) return false;
    virtio_mmio_init(t, &virtio_rng_ops, r, 0, dma, irq); /* 5.4.3: no feature bits */
    return virtio_mmio_register(t, slot, bus);
}
