/* virtio-gpu 2D (virtio 1.2, 5.7 "GPU Device", device ID 16) over the virtio-mmio transport:
 * no 3D (VIRTIO_GPU_F_VIRGL is not offered), one scanout shown on the board's framebuffer
 * (devices/framebuffer.h), so the SDL window and --screenshot show it. Debian's kernel drives
 * it with its virtio_gpu module (DRM, with an fbdev console on top).
 *
 * The driver creates 2D resources (host-side images), attaches guest pages to them as their
 * backing, copies rectangles from the backing into the resource (TRANSFER_TO_HOST_2D), points
 * the scanout at a resource (SET_SCANOUT) and asks for rectangles to be shown
 * (RESOURCE_FLUSH). Every request and its response is one chain on the controlq; cursor
 * updates on the cursorq are taken and ignored (no hardware cursor is drawn). */
#ifndef RV39_VIRTIO_GPU_H
#define RV39_VIRTIO_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "dma.h"
#include "framebuffer.h"
#include "irq.h"
#include "virtio_mmio.h"

#define VIRTIO_ID_GPU 16u
#define VIRTIO_GPU_CONTROLQ 0u
#define VIRTIO_GPU_CURSORQ 1u
#define VIRTIO_GPU_MAX_RESOURCES 64u
#define VIRTIO_GPU_MAX_DIMENSION 16384u
#define VIRTIO_GPU_MAX_HOSTMEM (256ull << 20) /* all resources together, as QEMU's default */
#define VIRTIO_GPU_MAX_BACKING 16384u         /* entries of one ATTACH_BACKING */
/* The longest request read: ATTACH_BACKING with VIRTIO_GPU_MAX_BACKING entries. */
#define VIRTIO_GPU_MAX_REQUEST (32u + 16u * VIRTIO_GPU_MAX_BACKING)

struct virtio_gpu_rect {
    uint32_t x, y, width, height;
};

struct virtio_gpu_backing {
    uint64_t addr;  /* guest-physical, checked to be RAM when attached */
    uint64_t start; /* its offset within the backing as one linear image */
    uint32_t len;
};

struct virtio_gpu_resource {
    uint32_t id; /* 0: a free slot */
    uint32_t format, width, height;
    uint8_t *pixels; /* width * height * 4 bytes, host memory */
    struct virtio_gpu_backing *backing;
    uint32_t nr_backing;
    uint64_t backing_bytes;
};

struct virtio_gpu {
    struct virtio_mmio *t;
    struct framebuffer *fb; /* scanout 0 */
    struct virtio_gpu_resource res[VIRTIO_GPU_MAX_RESOURCES];
    uint64_t hostmem; /* bytes of resource pixels allocated */
    uint32_t scanout_resource;
    struct virtio_gpu_rect scanout_rect;
    struct virtq_chain chain;
    uint8_t request[VIRTIO_GPU_MAX_REQUEST];
    uint64_t commands, errors; /* counters, for tests */
};

/* The device half, scanning out to `fb`. */
void virtio_gpu_init(struct virtio_gpu *g, struct framebuffer *fb);
/* Free every resource (at power-off). */
void virtio_gpu_free(struct virtio_gpu *g);
/* Is this state one the device could have reached (every resource well formed, backings in
 * RAM, the scanout on a resource)? NULL if so, else why not. For state restored from a
 * snapshot file, which is untrusted input. */
const char *virtio_gpu_check(const struct virtio_gpu *g, const struct dma *dma);
bool virtio_gpu_attach(struct virtio_gpu *g, struct virtio_mmio *t, unsigned slot,
                       const struct dma *dma, struct irq_line irq, struct bus *bus);

/* For tests: virtio_mmio_init(t, &virtio_gpu_ops, g, 0, ...), g->t = t. */
extern const struct virtio_device_ops virtio_gpu_ops;

#endif
