/* The simple-framebuffer device (devices/framebuffer.h): guest stores into a host buffer with
 * per-row dirty bits, and the hand-over of dirty rows to a display thread. */
#include "framebuffer.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_SIZE 4096ull
#define BITS_PER_WORD 64u

static size_t bitmap_words(uint32_t rows)
{
    return (rows + BITS_PER_WORD - 1) / BITS_PER_WORD;
}

static void mark_rows(uint64_t *bits, uint32_t first, uint32_t last)
{
    for (uint32_t y = first; y <= last; y++)
        bits[y / BITS_PER_WORD] |= 1ull << (y % BITS_PER_WORD);
}

static bool row_is_set(const uint64_t *bits, uint32_t y)
{
    return bits[y / BITS_PER_WORD] >> (y % BITS_PER_WORD) & 1;
}

uint64_t framebuffer_window_size(uint32_t width, uint32_t height)
{
    uint64_t rows = (uint64_t)width * FB_BYTES_PER_PIXEL * height;
    return (rows + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

bool framebuffer_init(struct framebuffer *fb, uint32_t width, uint32_t height)
{
    memset(fb, 0, sizeof(*fb));
    if (width == 0 || height == 0 || width > FB_MAX_DIMENSION || height > FB_MAX_DIMENSION)
        return false;
    uint64_t stride = (uint64_t)width * FB_BYTES_PER_PIXEL;
    uint64_t size = framebuffer_window_size(width, height);
    if (size > FB_MAX_SIZE) return false;
    fb->pixels = calloc(1, size);
    fb->dirty = calloc(bitmap_words(height), sizeof(uint64_t));
    if (!fb->pixels || !fb->dirty) {
        framebuffer_free(fb);
        return false;
    }
    fb->width = width;
    fb->height = height;
    fb->stride = (uint32_t)stride;
    fb->size = size;
    return true;
}

void framebuffer_free(struct framebuffer *fb)
{
    if (fb->front) {
        pthread_mutex_destroy(&fb->front->lock);
        free(fb->front->pixels);
        free(fb->front->dirty);
        free(fb->front);
    }
    free(fb->pixels);
    free(fb->dirty);
    memset(fb, 0, sizeof(*fb));
}

bool framebuffer_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    const struct framebuffer *fb = opaque;
    if (offset >= fb->size || size > fb->size - offset) return false;
    /* Little-endian, as the hart sees RAM: assemble byte by byte (host-order independent). */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)fb->pixels[offset + i] << (8 * i);
    *value = v;
    return true;
}

bool framebuffer_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct framebuffer *fb = opaque;
    if (offset >= fb->size || size > fb->size - offset) return false;
    for (unsigned i = 0; i < size; i++)
        fb->pixels[offset + i] = (uint8_t)(value >> (8 * i));
    /* The padding after the last row (up to the page) is memory too, but nothing shows it. */
    uint64_t first = offset / fb->stride, last = (offset + size - 1) / fb->stride;
    if (first >= fb->height) return true;
    if (last >= fb->height) last = fb->height - 1;
    mark_rows(fb->dirty, (uint32_t)first, (uint32_t)last);
    fb->any_dirty = true;
    return true;
}

void framebuffer_mark_rows(struct framebuffer *fb, uint32_t y0, uint32_t y1)
{
    if (y0 >= y1 || y0 >= fb->height) return;
    mark_rows(fb->dirty, y0, (y1 < fb->height ? y1 : fb->height) - 1);
    fb->any_dirty = true;
}

bool framebuffer_row_dirty(const struct framebuffer *fb, uint32_t y)
{
    return y < fb->height && row_is_set(fb->dirty, y);
}

bool framebuffer_attach_front(struct framebuffer *fb)
{
    if (fb->front) return true;
    struct fb_front *f = calloc(1, sizeof(*f));
    if (!f) return false;
    f->pixels = malloc(fb->size);
    f->dirty = calloc(bitmap_words(fb->height), sizeof(uint64_t));
    if (!f->pixels || !f->dirty || pthread_mutex_init(&f->lock, NULL) != 0) {
        free(f->pixels);
        free(f->dirty);
        free(f);
        return false;
    }
    memcpy(f->pixels, fb->pixels, fb->size);
    mark_rows(f->dirty, 0, fb->height - 1); /* the first frame shows everything */
    f->any_dirty = true;
    fb->front = f;
    return true;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool framebuffer_publish(struct framebuffer *fb, uint64_t min_interval_ns)
{
    struct fb_front *f = fb->front;
    if (!f || !fb->any_dirty) return true;
    uint64_t now = now_ns();
    if (min_interval_ns && now - f->last_publish_ns < min_interval_ns) return false;
    /* Never wait for the display: if it is copying out right now, try again next time. */
    if (pthread_mutex_trylock(&f->lock) != 0) return false;
    for (size_t w = 0; w < bitmap_words(fb->height); w++) {
        uint64_t bits = fb->dirty[w];
        while (bits) {
            uint32_t y = (uint32_t)(w * BITS_PER_WORD) + (uint32_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            memcpy(f->pixels + (size_t)y * fb->stride, fb->pixels + (size_t)y * fb->stride,
                   fb->stride);
        }
        f->dirty[w] |= fb->dirty[w];
        fb->dirty[w] = 0;
    }
    f->any_dirty = true;
    pthread_mutex_unlock(&f->lock);
    fb->any_dirty = false;
    f->last_publish_ns = now;
    return true;
}

unsigned framebuffer_collect(struct framebuffer *fb,
                             void (*take)(void *opaque, uint32_t y0, uint32_t y1,
                                          const uint8_t *rows, uint32_t stride),
                             void *opaque)
{
    struct fb_front *f = fb->front;
    if (!f) return 0;
    unsigned taken = 0;
    pthread_mutex_lock(&f->lock);
    if (f->any_dirty) {
        for (uint32_t y = 0; y < fb->height;) {
            if (!row_is_set(f->dirty, y)) {
                y++;
                continue;
            }
            uint32_t end = y + 1;
            while (end < fb->height && row_is_set(f->dirty, end))
                end++;
            take(opaque, y, end, f->pixels + (size_t)y * fb->stride, fb->stride);
            taken += end - y;
            y = end;
        }
        memset(f->dirty, 0, bitmap_words(fb->height) * sizeof(uint64_t));
        f->any_dirty = false;
    }
    pthread_mutex_unlock(&f->lock);
    return taken;
}
