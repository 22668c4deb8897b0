/* A linear 32-bit framebuffer, as Linux's `simple-framebuffer` binding describes one
 * (Documentation/devicetree/bindings/display/simple-framebuffer.yaml): `width` x `height`
 * pixels, `stride` bytes per row, format "a8r8g8b8" (one little-endian 32-bit word per pixel,
 * blue in the low byte, alpha ignored). simplefb and simpledrm drive it unchanged.
 *
 * Where it lives: FB_BASE = 0x2800_0000, outside DRAM and outside every range QEMU's `virt`
 * board uses (its flash ends at 0x2400_0000, PCIe ECAM starts at 0x3000_0000), so a guest
 * written for QEMU never finds it in the way. Up to FB_MAX_SIZE bytes fit before 0x3000_0000.
 *
 * The guest's view is plain memory behind the bus (devices/bus.h): every store lands in
 * `pixels` and marks its row dirty. The pixels belong to the emulator thread. A display on
 * another thread never reads them: framebuffer_publish (emulator thread, between slices)
 * copies the rows dirtied since its last call into a front copy under a lock it only
 * *tries* to take, so the display can never block the emulator; the display takes those rows
 * with framebuffer_collect. Headless runs attach no front and pay for none of this. */
#ifndef RV39_FRAMEBUFFER_H
#define RV39_FRAMEBUFFER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FB_BASE 0x28000000ull
#define FB_MAX_SIZE 0x08000000ull /* 128 MiB: up to the PCIe ECAM window at 0x3000_0000 */
#define FB_DEFAULT_WIDTH 800
#define FB_DEFAULT_HEIGHT 600
#define FB_MAX_DIMENSION 8192
#define FB_BYTES_PER_PIXEL 4
#define FB_FORMAT "a8r8g8b8" /* the binding's name for the pixel layout above */

/* The display's side: what framebuffer_publish has handed over and it has not yet taken. */
struct fb_front {
    pthread_mutex_t lock;
    uint8_t *pixels; /* same geometry as the framebuffer's */
    uint64_t *dirty; /* one bit per row */
    bool any_dirty;
    uint64_t last_publish_ns; /* emulator thread only */
};

struct framebuffer {
    uint32_t width, height;
    uint32_t stride; /* bytes per row */
    uint64_t size;   /* the bus window: stride * height rounded up to 4 KiB */
    uint8_t *pixels; /* guest-visible bytes, `size` of them, zero (black) at power-on */
    uint64_t *dirty; /* one bit per row written since the last publish */
    bool any_dirty;
    struct fb_front *front; /* NULL while no display is attached */
};

/* The bus window (and the DT node's reg size) for a width x height framebuffer: the rows,
 * rounded up to whole 4 KiB pages. */
uint64_t framebuffer_window_size(uint32_t width, uint32_t height);

/* Allocate a width x height framebuffer (black). false when the geometry is out of range
 * (0, or over FB_MAX_DIMENSION, or too big for the window) or the host is out of memory. */
bool framebuffer_init(struct framebuffer *fb, uint32_t width, uint32_t height);
void framebuffer_free(struct framebuffer *fb);

/* Bus callbacks (devices/bus.h): any aligned or unaligned access of 1..8 bytes inside the
 * window reads or writes the bytes, little-endian, as RAM would. */
bool framebuffer_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bool framebuffer_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);

/* Rows [y0, y1) were changed through `pixels` directly (virtio-gpu's scanout): mark them
 * dirty so the display takes them. */
void framebuffer_mark_rows(struct framebuffer *fb, uint32_t y0, uint32_t y1);
/* Is row y dirty (written since the last publish)? For tests and the display. */
bool framebuffer_row_dirty(const struct framebuffer *fb, uint32_t y);

/* Create the front copy a display reads from (holding the current picture, all rows dirty). */
bool framebuffer_attach_front(struct framebuffer *fb);
/* Emulator thread: hand the rows written since the last call to the front, at most every
 * `min_interval_ns` (0: now), and only if the display is not holding the lock right now
 * (then the rows stay dirty for next time). Returns true when the front got everything. */
bool framebuffer_publish(struct framebuffer *fb, uint64_t min_interval_ns);
/* Display thread: call `take` for each run of dirty rows [y0, y1) in the front copy, then
 * mark them clean; rows point into the front's pixels and stay valid only during the call.
 * Returns the number of rows taken. */
unsigned framebuffer_collect(struct framebuffer *fb,
                             void (*take)(void *opaque, uint32_t y0, uint32_t y1,
                                          const uint8_t *rows, uint32_t stride),
                             void *opaque);

#endif
