/* virtio-gpu 2D (devices/virtio_gpu.h).
 *
 * Every controlq request starts with the control header (5.7.6.7):
 *
 *   le32 type | le32 flags (FENCE) | le64 fence_id | le32 ctx_id | u8 ring_idx | u8 pad[3]
 *
 * followed by the command's fields; the response, in the chain's device-writable part, is a
 * header too (OK_NODATA, OK_DISPLAY_INFO with its data, or an error), carrying the request's
 * fence back when it asked for one. A request that is short, names a resource that does not
 * exist, reaches outside a resource or outside RAM gets an error response and changes
 * nothing; no guest value is trusted as a size before it is checked. */
#include "virtio_gpu.h"

#include <stdlib.h>
#include <string.h>

enum {
    CMD_GET_DISPLAY_INFO = 0x0100,
    CMD_RESOURCE_CREATE_2D = 0x0101,
    CMD_RESOURCE_UNREF = 0x0102,
    CMD_SET_SCANOUT = 0x0103,
    CMD_RESOURCE_FLUSH = 0x0104,
    CMD_TRANSFER_TO_HOST_2D = 0x0105,
    CMD_RESOURCE_ATTACH_BACKING = 0x0106,
    CMD_RESOURCE_DETACH_BACKING = 0x0107,
    RESP_OK_NODATA = 0x1100,
    RESP_OK_DISPLAY_INFO = 0x1101,
    RESP_ERR_UNSPEC = 0x1200,
    RESP_ERR_OUT_OF_MEMORY = 0x1201,
    RESP_ERR_INVALID_SCANOUT_ID = 0x1202,
    RESP_ERR_INVALID_RESOURCE_ID = 0x1203,
    RESP_ERR_INVALID_PARAMETER = 0x1205,
};
#define FLAG_FENCE 1u
#define HDR_BYTES 24u
#define MAX_SCANOUTS 16u /* pmodes[] in the display info */
#define BPP 4u

/* --- little-endian fields of the gathered request --- */
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}
static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static struct virtio_gpu_rect get_rect(const uint8_t *p)
{
    return (struct virtio_gpu_rect){get32(p), get32(p + 4), get32(p + 8), get32(p + 12)};
}

/* Pixel formats (5.7.6.8), by where blue, green and red sit in a pixel's four bytes. */
static bool format_layout(uint32_t format, unsigned *b, unsigned *g, unsigned *r)
{
    switch (format) {
    case 1: /* B8G8R8A8 */
    case 2: /* B8G8R8X8 */ *b = 0, *g = 1, *r = 2; return true;
    case 3: /* A8R8G8B8 */
    case 4: /* X8R8G8B8 */ *b = 3, *g = 2, *r = 1; return true;
    case 67: /* R8G8B8A8 */
    case 134: /* R8G8B8X8 */ *b = 2, *g = 1, *r = 0; return true;
    case 68: /* X8B8G8R8 */
    case 121: /* A8B8G8R8 */ *b = 1, *g = 2, *r = 3; return true;
    default: return false;
    }
}

/* Is rect inside a width x height image? (No wrap-around: 64-bit sums.) */
static bool rect_inside(struct virtio_gpu_rect r, uint32_t width, uint32_t height)
{
    return (uint64_t)r.x + r.width <= width && (uint64_t)r.y + r.height <= height;
}

void virtio_gpu_init(struct virtio_gpu *g, struct framebuffer *fb)
{
    memset(g, 0, sizeof(*g));
    g->fb = fb;
}

static struct virtio_gpu_resource *find(struct virtio_gpu *g, uint32_t id)
{
    for (unsigned i = 0; id && i < VIRTIO_GPU_MAX_RESOURCES; i++)
        if (g->res[i].id == id) return &g->res[i];
    return NULL;
}

static void detach_backing(struct virtio_gpu_resource *r)
{
    free(r->backing);
    r->backing = NULL;
    r->nr_backing = 0;
    r->backing_bytes = 0;
}

static void unref(struct virtio_gpu *g, struct virtio_gpu_resource *r)
{
    if (g->scanout_resource == r->id) g->scanout_resource = 0;
    detach_backing(r);
    free(r->pixels);
    g->hostmem -= (uint64_t)r->width * r->height * BPP;
    memset(r, 0, sizeof(*r));
}

void virtio_gpu_free(struct virtio_gpu *g)
{
    for (unsigned i = 0; i < VIRTIO_GPU_MAX_RESOURCES; i++)
        if (g->res[i].id) unref(g, &g->res[i]);
}

const char *virtio_gpu_check(const struct virtio_gpu *g, const struct dma *dma)
{
    uint64_t hostmem = 0;
    bool scanout_found = g->scanout_resource == 0;
    for (unsigned i = 0; i < VIRTIO_GPU_MAX_RESOURCES; i++) {
        const struct virtio_gpu_resource *r = &g->res[i];
        unsigned bi, gi, ri;
        if (!r->id) {
            if (r->pixels || r->backing) return "a free resource slot holds memory";
            continue;
        }
        for (unsigned k = 0; k < i; k++)
            if (g->res[k].id == r->id) return "two resources have the same id";
        if (!format_layout(r->format, &bi, &gi, &ri) || r->width == 0 || r->height == 0 ||
            r->width > VIRTIO_GPU_MAX_DIMENSION || r->height > VIRTIO_GPU_MAX_DIMENSION ||
            !r->pixels)
            return "a resource has an invalid format or size";
        hostmem += (uint64_t)r->width * r->height * BPP;
        if (hostmem > VIRTIO_GPU_MAX_HOSTMEM) return "the resources exceed the host memory limit";
        if (!r->backing != !r->nr_backing || r->nr_backing > VIRTIO_GPU_MAX_BACKING)
            return "a resource has an invalid backing";
        uint64_t total = 0;
        for (uint32_t k = 0; k < r->nr_backing; k++) {
            const struct virtio_gpu_backing *b = &r->backing[k];
            if (b->len == 0 || b->start != total || !ram_span(&dma->ram, b->addr, b->len))
                return "a resource's backing is not in RAM";
            total += b->len;
        }
        if (total != r->backing_bytes) return "a resource's backing size is wrong";
        if (r->id == g->scanout_resource) {
            if (!rect_inside(g->scanout_rect, r->width, r->height)) return "bad scanout rectangle";
            scanout_found = true;
        }
    }
    if (!scanout_found) return "the scanout shows a resource that does not exist";
    if (hostmem != g->hostmem) return "the resources' host memory does not add up";
    return NULL;
}

/* Copy the part of `rect` (resource coordinates) the scanout shows onto the framebuffer. */
static void show(struct virtio_gpu *g, const struct virtio_gpu_resource *r,
                 struct virtio_gpu_rect rect)
{
    struct framebuffer *fb = g->fb;
    struct virtio_gpu_rect s = g->scanout_rect;
    unsigned bi, gi, ri;
    if (!fb || g->scanout_resource != r->id || !format_layout(r->format, &bi, &gi, &ri)) return;
    /* Intersect with the scanout's rectangle, then with the framebuffer. */
    uint64_t x0 = rect.x > s.x ? rect.x : s.x, y0 = rect.y > s.y ? rect.y : s.y;
    uint64_t x1 = (uint64_t)rect.x + rect.width, y1 = (uint64_t)rect.y + rect.height;
    if (x1 > (uint64_t)s.x + s.width) x1 = (uint64_t)s.x + s.width;
    if (y1 > (uint64_t)s.y + s.height) y1 = (uint64_t)s.y + s.height;
    if (x1 > s.x + (uint64_t)fb->width) x1 = s.x + (uint64_t)fb->width;
    if (y1 > s.y + (uint64_t)fb->height) y1 = s.y + (uint64_t)fb->height;
    if (x0 >= x1 || y0 >= y1) return;
    for (uint64_t y = y0; y < y1; y++) {
        const uint8_t *src = r->pixels + (y * r->width + x0) * BPP;
        uint8_t *dst = fb->pixels + (y - s.y) * fb->stride + (x0 - s.x) * FB_BYTES_PER_PIXEL;
        for (uint64_t x = x0; x < x1; x++, src += BPP, dst += FB_BYTES_PER_PIXEL) {
            dst[0] = src[bi];
            dst[1] = src[gi];
            dst[2] = src[ri];
            dst[3] = 0xff;
        }
    }
    framebuffer_mark_rows(fb, (uint32_t)(y0 - s.y), (uint32_t)(y1 - s.y));
}

/* --- commands: each returns the response type --- */

static uint32_t create_2d(struct virtio_gpu *g, const uint8_t *req, uint64_t len)
{
    if (len < HDR_BYTES + 16) return RESP_ERR_UNSPEC;
    uint32_t id = get32(req + 24), format = get32(req + 28);
    uint32_t width = get32(req + 32), height = get32(req + 36);
    unsigned bi, gi, ri;
    if (id == 0 || find(g, id)) return RESP_ERR_INVALID_RESOURCE_ID;
    if (!format_layout(format, &bi, &gi, &ri) || width == 0 || height == 0 ||
        width > VIRTIO_GPU_MAX_DIMENSION || height > VIRTIO_GPU_MAX_DIMENSION)
        return RESP_ERR_INVALID_PARAMETER;
    uint64_t bytes = (uint64_t)width * height * BPP;
    if (bytes > VIRTIO_GPU_MAX_HOSTMEM - g->hostmem) return RESP_ERR_OUT_OF_MEMORY;
    struct virtio_gpu_resource *r = NULL;
    for (unsigned i = 0; !r && i < VIRTIO_GPU_MAX_RESOURCES; i++)
        if (!g->res[i].id) r = &g->res[i];
    if (!r) return RESP_ERR_OUT_OF_MEMORY;
    uint8_t *pixels = calloc(1, bytes);
    if (!pixels) return RESP_ERR_OUT_OF_MEMORY;
    *r = (struct virtio_gpu_resource){id, format, width, height, pixels, NULL, 0, 0};
    g->hostmem += bytes;
    return RESP_OK_NODATA;
}

static uint32_t resource_unref(struct virtio_gpu *g, const uint8_t *req, uint64_t len)
{
    if (len < HDR_BYTES + 8) return RESP_ERR_UNSPEC;
    struct virtio_gpu_resource *r = find(g, get32(req + 24));
    if (!r) return RESP_ERR_INVALID_RESOURCE_ID;
    unref(g, r);
    return RESP_OK_NODATA;
}

static uint32_t set_scanout(struct virtio_gpu *g, const uint8_t *req, uint64_t len)
{
    if (len < HDR_BYTES + 24) return RESP_ERR_UNSPEC;
    struct virtio_gpu_rect rect = get_rect(req + 24);
    uint32_t scanout = get32(req + 40), id = get32(req + 44);
    if (scanout != 0) return RESP_ERR_INVALID_SCANOUT_ID;
    if (id == 0) { /* the scanout is disabled: what it showed stays until something draws */
        g->scanout_resource = 0;
        return RESP_OK_NODATA;
    }
    struct virtio_gpu_resource *r = find(g, id);
    if (!r) return RESP_ERR_INVALID_RESOURCE_ID;
    if (!rect_inside(rect, r->width, r->height) || rect.width == 0 || rect.height == 0)
        return RESP_ERR_INVALID_PARAMETER;
    g->scanout_resource = id;
    g->scanout_rect = rect;
    show(g, r, rect);
    return RESP_OK_NODATA;
}

static uint32_t resource_flush(struct virtio_gpu *g, const uint8_t *req, uint64_t len)
{
    if (len < HDR_BYTES + 24) return RESP_ERR_UNSPEC;
    struct virtio_gpu_rect rect = get_rect(req + 24);
    struct virtio_gpu_resource *r = find(g, get32(req + 40));
    if (!r) return RESP_ERR_INVALID_RESOURCE_ID;
    if (!rect_inside(rect, r->width, r->height)) return RESP_ERR_INVALID_PARAMETER;
    show(g, r, rect);
    return RESP_OK_NODATA;
}

/* Copy `n` bytes at `offset` of r's backing (one linear image over its entries) to dst. */
static bool read_backing(const struct virtio_gpu_resource *r, const struct dma *dma,
                         uint64_t offset, uint8_t *dst, uint64_t n)
{
    if (offset > r->backing_bytes || n > r->backing_bytes - offset) return false;
    /* The entry holding `offset`: the last whose start is not past it. */
    uint32_t lo = 0, hi = r->nr_backing;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->backing[mid].start <= offset)
            lo = mid;
        else
            hi = mid;
    }
    for (uint32_t i = lo; n; i++) {
        const struct virtio_gpu_backing *b = &r->backing[i];
        uint64_t skip = offset - b->start, take = b->len - skip;
        if (take > n) take = n;
        if (!dma_read(dma, b->addr + skip, dst, take)) return false;
        dst += take;
        offset += take;
        n -= take;
    }
    return true;
}

static uint32_t transfer_to_host(struct virtio_gpu *g, const struct dma *dma, const uint8_t *req,
                                 uint64_t len)
{
    if (len < HDR_BYTES + 32) return RESP_ERR_UNSPEC;
    struct virtio_gpu_rect rect = get_rect(req + 24);
    uint64_t offset = get64(req + 40);
    struct virtio_gpu_resource *r = find(g, get32(req + 48));
    if (!r) return RESP_ERR_INVALID_RESOURCE_ID;
    if (!r->backing) return RESP_ERR_UNSPEC;
    if (!rect_inside(rect, r->width, r->height)) return RESP_ERR_INVALID_PARAMETER;
    /* The backing is the image laid out whole, r->width * 4 bytes a row; `offset` is where
     * the rectangle's first row starts (QEMU's virtio_gpu_transfer_to_host_2d). */
    uint64_t stride = (uint64_t)r->width * BPP, row = (uint64_t)rect.width * BPP;
    for (uint32_t h = 0; h < rect.height; h++) {
        uint8_t *dst = r->pixels + ((uint64_t)(rect.y + h) * r->width + rect.x) * BPP;
        if (offset > UINT64_MAX - stride * h ||
            !read_backing(r, dma, offset + stride * h, dst, row))
            return RESP_ERR_INVALID_PARAMETER;
    }
    return RESP_OK_NODATA;
}

static uint32_t attach_backing(struct virtio_gpu *g, const struct dma *dma, const uint8_t *req,
                               uint64_t len)
{
    if (len < HDR_BYTES + 8) return RESP_ERR_UNSPEC;
    struct virtio_gpu_resource *r = find(g, get32(req + 24));
    uint32_t n = get32(req + 28);
    if (!r) return RESP_ERR_INVALID_RESOURCE_ID;
    if (r->backing || n == 0 || n > VIRTIO_GPU_MAX_BACKING || len < HDR_BYTES + 8 + 16ull * n)
        return RESP_ERR_UNSPEC;
    struct virtio_gpu_backing *b = calloc(n, sizeof(*b));
    if (!b) return RESP_ERR_OUT_OF_MEMORY;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) { /* struct virtio_gpu_mem_entry: le64 addr, le32 length */
        const uint8_t *e = req + HDR_BYTES + 8 + 16 * i;
        b[i] = (struct virtio_gpu_backing){get64(e), total, get32(e + 8)};
        if (b[i].len == 0 || !dma_ptr(dma, b[i].addr, b[i].len)) {
            free(b);
            return RESP_ERR_UNSPEC; /* outside RAM (QEMU: ERR_UNSPEC too) */
        }
        total += b[i].len;
    }
    r->backing = b;
    r->nr_backing = n;
    r->backing_bytes = total;
    return RESP_OK_NODATA;
}

static uint32_t detach(struct virtio_gpu *g, const uint8_t *req, uint64_t len)
{
    if (len < HDR_BYTES + 8) return RESP_ERR_UNSPEC;
    struct virtio_gpu_resource *r = find(g, get32(req + 24));
    if (!r) return RESP_ERR_INVALID_RESOURCE_ID;
    if (!r->backing) return RESP_ERR_UNSPEC;
    detach_backing(r);
    return RESP_OK_NODATA;
}

/* GET_DISPLAY_INFO's data: struct virtio_gpu_display_one pmodes[16] = { rect, le32 enabled,
 * le32 flags }; scanout 0 is the framebuffer's size. */
static unsigned display_info(const struct virtio_gpu *g, uint8_t *resp)
{
    uint8_t *p = resp + HDR_BYTES;
    memset(p, 0, MAX_SCANOUTS * 24);
    put32(p + 8, g->fb ? g->fb->width : 0);
    put32(p + 12, g->fb ? g->fb->height : 0);
    put32(p + 16, 1);
    return HDR_BYTES + MAX_SCANOUTS * 24;
}

/* --- the queues --- */

/* Gather the readable part of g->chain into g->request; false if too long or not in RAM. */
static bool gather(struct virtio_gpu *g, const struct dma *dma, uint64_t *len)
{
    const struct virtq_chain *c = &g->chain;
    if (c->read_bytes > sizeof(g->request)) return false;
    uint64_t pos = 0;
    for (unsigned i = 0; i < c->readable; i++) {
        if (!dma_read(dma, c->buf[i].addr, g->request + pos, c->buf[i].len)) return false;
        pos += c->buf[i].len;
    }
    *len = pos;
    return true;
}

/* Write the response into the chain's writable part; returns the bytes written. */
static uint32_t respond(const struct virtq_chain *c, const struct dma *dma, const uint8_t *resp,
                        uint32_t len)
{
    uint32_t done = 0;
    for (unsigned i = c->readable; i < c->count && done < len; i++) {
        uint32_t n = c->buf[i].len < len - done ? c->buf[i].len : len - done;
        if (!dma_write(dma, c->buf[i].addr, resp + done, n)) break;
        done += n;
    }
    return done;
}

static uint32_t serve(struct virtio_gpu *g, const struct dma *dma)
{
    uint8_t resp[HDR_BYTES + MAX_SCANOUTS * 24] = {0};
    uint32_t resp_len = HDR_BYTES, type;
    uint64_t len;
    const uint8_t *req = g->request;
    if (!gather(g, dma, &len) || len < HDR_BYTES) {
        type = RESP_ERR_UNSPEC;
    } else {
        switch (get32(req)) {
        case CMD_GET_DISPLAY_INFO:
            type = RESP_OK_DISPLAY_INFO;
            resp_len = display_info(g, resp);
            break;
        case CMD_RESOURCE_CREATE_2D: type = create_2d(g, req, len); break;
        case CMD_RESOURCE_UNREF: type = resource_unref(g, req, len); break;
        case CMD_SET_SCANOUT: type = set_scanout(g, req, len); break;
        case CMD_RESOURCE_FLUSH: type = resource_flush(g, req, len); break;
        case CMD_TRANSFER_TO_HOST_2D: type = transfer_to_host(g, dma, req, len); break;
        case CMD_RESOURCE_ATTACH_BACKING: type = attach_backing(g, dma, req, len); break;
        case CMD_RESOURCE_DETACH_BACKING: type = detach(g, req, len); break;
        default: type = RESP_ERR_UNSPEC; break; /* 3D, EDID, blobs: not offered */
        }
        /* 5.7.6.7: a fenced request's response carries the fence back. */
        if (get32(req + 4) & FLAG_FENCE) {
            put32(resp + 4, FLAG_FENCE);
            memcpy(resp + 8, req + 8, 8 + 4 + 1); /* fence_id, ctx_id, ring_idx */
        }
    }
    if (type >= RESP_ERR_UNSPEC) g->errors++;
    put32(resp, type);
    return respond(&g->chain, dma, resp, resp_len);
}

static void gpu_queue_notify(void *dev, struct virtio_mmio *t, unsigned queue)
{
    struct virtio_gpu *g = dev;
    while (virtio_mmio_pop(t, queue, &g->chain) == VIRTQ_CHAIN) {
        uint32_t written = 0;
        if (queue == VIRTIO_GPU_CONTROLQ) { /* cursor updates: no cursor is drawn */
            g->commands++;
            written = serve(g, t->dma);
        }
        virtio_mmio_push(t, queue, g->chain.head, written);
    }
    virtio_mmio_signal_used(t, queue);
}

/* struct virtio_gpu_config (5.7.4): le32 events_read | le32 events_clear | le32 num_scanouts
 * | le32 num_capsets. No events are ever raised. */
static uint64_t gpu_config_read(void *dev, uint64_t offset, unsigned size)
{
    (void)dev;
    uint8_t cfg[16] = {0};
    cfg[8] = 1; /* one scanout */
    uint64_t value = 0;
    for (unsigned i = 0; i < size; i++)
        if (offset + i < sizeof cfg) value |= (uint64_t)cfg[offset + i] << (8 * i);
    return value;
}

static void gpu_reset(void *dev)
{
    virtio_gpu_free(dev);
}

const struct virtio_device_ops virtio_gpu_ops = {
    .name = "virtio-gpu",
    .device_id = VIRTIO_ID_GPU,
    .num_queues = 2, /* 5.7.2: controlq, cursorq */
    .config_read = gpu_config_read,
    .config_write = NULL, /* events_clear: there are never events to clear */
    .queue_notify = gpu_queue_notify,
    .reset = gpu_reset,
};

bool virtio_gpu_attach(struct virtio_gpu *g, struct virtio_mmio *t, unsigned slot,
                       const struct dma *dma, struct irq_line irq, struct bus *bus)
{
    if (slot >= VIRTIO_MMIO_SLOTS) return false;
    virtio_mmio_init(t, &virtio_gpu_ops, g, 0, dma, irq); /* no VIRGL, no EDID */
    g->t = t;
    return virtio_mmio_register(t, slot, bus);
}
