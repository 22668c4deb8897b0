/* virtio-net, virtio-rng, virtio-input and virtio-gpu (devices/virtio_*.c) driven as a guest
 * driver drives them: registers through the transport's bus callbacks, rings and buffers in a
 * fake RAM, one request at a time. Spec: virtio 1.2, 5.1 (network), 5.4 (entropy), 5.7 (GPU),
 * 5.8 (input). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_gpu.h"
#include "devices/virtio_input.h"
#include "devices/virtio_net.h"
#include "devices/virtio_rng.h"

#define BASE 0x80000000ull
#define SIZE (1ull << 20)
#define QNUM 8u
/* Queue q's rings at BASE + 0x1000 * (1 + 3q) .. ; buffers from BUF. */
#define DESC(q) (BASE + 0x1000 * (1 + 3 * (q)))
#define AVAIL(q) (DESC(q) + 0x1000)
#define USED(q) (DESC(q) + 0x2000)
#define BUF (BASE + 0x10000)

static uint8_t *ram;
static struct dma dma;
static struct virtio_mmio t;
static uint16_t avail_idx[2], used_seen[2];

static void no_irq(void *opaque, unsigned num, bool level)
{
    (void)opaque;
    (void)num;
    (void)level;
}

static void setup(void)
{
    ram = calloc(1, SIZE);
    dma = (struct dma){.ram = {.host = ram, .base = BASE, .size = SIZE}};
    memset(avail_idx, 0, sizeof avail_idx);
    memset(used_seen, 0, sizeof used_seen);
}

static void teardown(void)
{
    free(ram);
}

TestSuite(virtio_devices, .init = setup, .fini = teardown);

static uint8_t *at(uint64_t pa)
{
    return ram + (pa - BASE);
}
static void wr(uint64_t off, uint32_t v)
{
    cr_assert(virtio_mmio_write(&t, off, 4, v));
}
static uint64_t cfg(uint64_t off, unsigned size)
{
    uint64_t v;
    cr_assert(virtio_mmio_read(&t, VIRTIO_MMIO_CONFIG + off, size, &v));
    return v;
}

/* 3.1.1: reset, ACK, DRIVER, VERSION_1 (+ `features`), FEATURES_OK, queues, DRIVER_OK. */
static void bring_up(const struct virtio_device_ops *ops, void *dev, uint64_t offered,
                     uint64_t features, unsigned queues)
{
    virtio_mmio_init(&t, ops, dev, offered, &dma, (struct irq_line){no_irq, NULL, 0});
    wr(VIRTIO_MMIO_STATUS, 0);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wr(VIRTIO_MMIO_STATUS, 0xb);
    cr_assert(t.status & VIRTIO_STATUS_FEATURES_OK, "features accepted");
    for (unsigned q = 0; q < queues; q++) {
        wr(VIRTIO_MMIO_QUEUE_SEL, q);
        wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
        wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC(q));
        wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL(q));
        wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED(q));
        wr(VIRTIO_MMIO_QUEUE_READY, 1);
    }
    wr(VIRTIO_MMIO_STATUS, 0xf);
}

/* Descriptor i of queue q. */
static void desc(unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *d = at(DESC(q) + 16 * i);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

/* Offer chain `head` on queue q (notify unless `quiet`). */
static void offer(unsigned q, uint16_t head, bool quiet)
{
    memcpy(at(AVAIL(q) + 4 + 2 * (avail_idx[q] % QNUM)), &head, 2);
    avail_idx[q]++;
    memcpy(at(AVAIL(q) + 2), &avail_idx[q], 2);
    if (!quiet) wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* The next used element of queue q: returns its len; fails the test if there is none. */
static uint32_t next_used(unsigned q, uint16_t want_head)
{
    uint16_t idx;
    memcpy(&idx, at(USED(q) + 2), 2);
    cr_assert_neq(idx, used_seen[q], "queue %u: nothing came back", q);
    uint32_t id, len;
    memcpy(&id, at(USED(q) + 4 + 8 * (used_seen[q] % QNUM)), 4);
    memcpy(&len, at(USED(q) + 8 + 8 * (used_seen[q] % QNUM)), 4);
    used_seen[q]++;
    cr_assert_eq(id, want_head, "queue %u: chain %u came back, expected %u", q, id, want_head);
    return len;
}

static bool nothing_used(unsigned q)
{
    uint16_t idx;
    memcpy(&idx, at(USED(q) + 2), 2);
    return idx == used_seen[q];
}

/* --- virtio-net (5.1.6) --- */

static uint8_t sent[2048];
static size_t sent_len;
static unsigned sent_count;

static void capture(void *opaque, const uint8_t *frame, size_t len)
{
    (void)opaque;
    memcpy(sent, frame, len < sizeof sent ? len : sizeof sent);
    sent_len = len;
    sent_count++;
}

static struct virtio_net net;

static void net_up(void)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    virtio_net_init(&net, mac, (struct virtio_net_backend){capture, NULL});
    net.t = &t;
    bring_up(&virtio_net_ops, &net, virtio_net_features(), 1u << VIRTIO_NET_F_MAC, 2);
    sent_count = 0;
}

Test(virtio_devices, net_config_has_mac_and_link_up)
{
    net_up();
    cr_assert_eq(cfg(0, 4), 0x12005452u);
    cr_assert_eq(cfg(4, 2), 0x5634u);
    cr_assert_eq(cfg(6, 2), VIRTIO_NET_S_LINK_UP);
}

Test(virtio_devices, net_transmits_the_frame_after_the_header)
{
    net_up();
    /* A 12-byte header in one descriptor, the 60-byte frame split over two. */
    for (unsigned i = 0; i < 60; i++)
        at(BUF + 0x100)[i] = (uint8_t)i;
    desc(1, 0, BUF, 12, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 1, BUF + 0x100, 20, VIRTQ_DESC_F_NEXT, 2);
    desc(1, 2, BUF + 0x100 + 20, 40, 0, 0);
    offer(1, 0, false);
    cr_assert_eq(next_used(1, 0), 0);
    cr_assert_eq(sent_count, 1);
    cr_assert_eq(sent_len, 60);
    cr_assert_arr_eq(sent, at(BUF + 0x100), 60);
    /* Shorter than a header and an Ethernet header: returned, never sent. */
    desc(1, 3, BUF, 12 + 13, 0, 0);
    offer(1, 3, false);
    cr_assert_eq(next_used(1, 3), 0);
    cr_assert_eq(sent_count, 1, "a runt frame reached the backend");
    cr_assert_eq(net.tx_dropped, 1);
}

Test(virtio_devices, net_receives_in_order_and_waits_for_buffers)
{
    net_up();
    uint8_t frame[100];
    for (unsigned i = 0; i < sizeof frame; i++)
        frame[i] = (uint8_t)(0xa0 + i);
    /* No buffer yet: the frame waits. */
    cr_assert(virtio_net_receive(&net, frame, 60));
    cr_assert(nothing_used(0));
    frame[0] = 0x11;
    cr_assert(virtio_net_receive(&net, frame, 100));
    /* One buffer: the first frame, with a header of zeroes and num_buffers = 1. */
    memset(at(BUF), 0xee, 0x800);
    desc(0, 0, BUF, 0x800, VIRTQ_DESC_F_WRITE, 0);
    offer(0, 0, false);
    cr_assert_eq(next_used(0, 0), 12 + 60);
    static const uint8_t header[12] = {[10] = 1};
    cr_assert_arr_eq(at(BUF), header, 12);
    cr_assert_eq(at(BUF)[12], 0xa0);
    cr_assert_eq(at(BUF)[12 + 60], 0xee, "wrote past the frame");
    cr_assert(nothing_used(0), "the second frame has no buffer yet");
    /* A buffer too small for the second frame comes back empty; the frame is dropped. */
    desc(0, 1, BUF + 0x1000, 50, VIRTQ_DESC_F_WRITE, 0);
    offer(0, 1, false);
    cr_assert_eq(next_used(0, 1), 0);
    cr_assert_eq(net.rx_dropped, 1);
}

Test(virtio_devices, net_drops_frames_before_driver_ok)
{
    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    virtio_net_init(&net, mac, (struct virtio_net_backend){capture, NULL});
    net.t = &t;
    virtio_mmio_init(&t, &virtio_net_ops, &net, virtio_net_features(), &dma,
                     (struct irq_line){no_irq, NULL, 0});
    uint8_t frame[64] = {0};
    cr_assert(!virtio_net_receive(&net, frame, sizeof frame));
}

/* --- virtio-rng (5.4.6) --- */

static size_t half_fill(void *buf, size_t len)
{
    memset(buf, 0x5a, len / 2);
    return len / 2;
}

Test(virtio_devices, rng_fills_writable_buffers_and_skips_readable_ones)
{
    struct virtio_rng rng = {0};
    bring_up(&virtio_rng_ops, &rng, 0, 0, 1);
    memset(at(BUF), 0, 0x200);
    desc(0, 0, BUF + 0x100, 16, VIRTQ_DESC_F_NEXT, 1); /* readable: must stay untouched */
    desc(0, 1, BUF, 64, VIRTQ_DESC_F_WRITE, 0);
    offer(0, 0, false);
    cr_assert_eq(next_used(0, 0), 64);
    uint8_t zero[64] = {0};
    cr_assert(memcmp(at(BUF), zero, 64) != 0, "64 random bytes are not all zero");
    cr_assert_arr_eq(at(BUF + 0x100), zero, 16, "the readable buffer was written");
    /* A source that runs dry: used.len says how much was written. */
    rng.fill = half_fill;
    desc(0, 2, BUF + 0x200, 40, VIRTQ_DESC_F_WRITE, 0);
    offer(0, 2, false);
    cr_assert_eq(next_used(0, 2), 20);
}

/* --- virtio-input (5.8.4, 5.8.6) --- */

static void select_config(uint8_t select, uint8_t subsel)
{
    cr_assert(virtio_mmio_write(&t, VIRTIO_MMIO_CONFIG, 1, select));
    cr_assert(virtio_mmio_write(&t, VIRTIO_MMIO_CONFIG + 1, 1, subsel));
}

Test(virtio_devices, input_config_answers_the_driver)
{
    struct virtio_input in;
    virtio_input_init(&in, VIRTIO_INPUT_TABLET);
    in.t = &t;
    bring_up(&virtio_input_ops, &in, 0, 0, 2);
    select_config(0x01, 0); /* ID_NAME */
    cr_assert_eq(cfg(2, 1), strlen("rv39 virtio tablet"));
    cr_assert_eq(cfg(8, 4), 0x39337672u); /* "rv39", little-endian */
    select_config(0x11, INPUT_EV_ABS);    /* EV_BITS: ABS_X and ABS_Y */
    cr_assert_eq(cfg(2, 1), 1);
    cr_assert_eq(cfg(8, 1), 3);
    select_config(0x12, INPUT_ABS_Y); /* ABS_INFO: 0..32767 */
    cr_assert_eq(cfg(2, 1), 20);
    cr_assert_eq(cfg(8, 4), 0);
    cr_assert_eq(cfg(12, 4), VIRTIO_INPUT_ABS_MAX);
    select_config(0x12, 7); /* no such axis: size 0 (5.8.5.1) */
    cr_assert_eq(cfg(2, 1), 0);
    select_config(0x11, INPUT_EV_KEY); /* BTN_LEFT, RIGHT, MIDDLE */
    cr_assert_eq(cfg(8 + INPUT_BTN_LEFT / 8, 1), 7);
}

Test(virtio_devices, input_key_press_is_key_then_syn)
{
    struct virtio_input in;
    virtio_input_init(&in, VIRTIO_INPUT_KEYBOARD);
    in.t = &t;
    bring_up(&virtio_input_ops, &in, 0, 0, 2);
    cr_assert_eq(virtio_input_hid_to_evdev(4), 30, "HID 'a' is KEY_A");
    cr_assert(virtio_input_key(&in, 4, true));
    cr_assert(!virtio_input_key(&in, 0, true), "a key the keyboard does not have");
    for (unsigned i = 0; i < 2; i++)
        desc(0, i, BUF + 8 * i, 8, VIRTQ_DESC_F_WRITE, 0);
    offer(0, 0, true);
    offer(0, 1, false);
    cr_assert_eq(next_used(0, 0), 8);
    cr_assert_eq(next_used(0, 1), 8);
    static const uint8_t key[8] = {1, 0, 30, 0, 1, 0, 0, 0}, syn[8] = {0};
    cr_assert_arr_eq(at(BUF), key, 8);
    cr_assert_arr_eq(at(BUF + 8), syn, 8);
}

/* --- virtio-gpu (5.7.6) --- */

static struct virtio_gpu gpu;
static struct framebuffer fb;

/* One command: request at BUF + 0x1000, response at BUF + 0x2000; returns the response
 * type. */
static uint32_t gpu_cmd(const void *req, uint32_t len)
{
    static uint16_t head;
    memcpy(at(BUF + 0x1000), req, len);
    memset(at(BUF + 0x2000), 0, 512);
    uint16_t d = (uint16_t)(head % 4 * 2);
    desc(0, d, BUF + 0x1000, len, VIRTQ_DESC_F_NEXT, (uint16_t)(d + 1));
    desc(0, d + 1u, BUF + 0x2000, 512, VIRTQ_DESC_F_WRITE, 0);
    head++;
    offer(0, d, false);
    cr_assert_geq(next_used(0, d), 24);
    uint32_t type;
    memcpy(&type, at(BUF + 0x2000), 4);
    return type;
}

static void gpu_up(void)
{
    cr_assert(framebuffer_init(&fb, 8, 4));
    virtio_gpu_init(&gpu, &fb);
    gpu.t = &t;
    bring_up(&virtio_gpu_ops, &gpu, 0, 0, 2);
}

/* A 2 x 1 resource of `format` whose two pixels are bytes p0 and p1, shown on the scanout:
 * returns the framebuffer's first two pixels. */
static void show_pixels(uint32_t format, const uint8_t p0[4], const uint8_t p1[4], uint32_t out[2])
{
    uint32_t create[10] = {0x101, 0, 0, 0, 0, 0, 1, format, 2, 1};
    cr_assert_eq(gpu_cmd(create, sizeof create), 0x1100);
    memcpy(at(BUF + 0x3000), p0, 4);
    memcpy(at(BUF + 0x3004), p1, 4);
    uint32_t attach[12] = {0x106, 0, 0, 0, 0, 0, 1, 1, (uint32_t)(BUF + 0x3000), 0, 8, 0};
    cr_assert_eq(gpu_cmd(attach, sizeof attach), 0x1100);
    uint32_t transfer[14] = {0x105, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 1, 0};
    cr_assert_eq(gpu_cmd(transfer, sizeof transfer), 0x1100);
    uint32_t scanout[12] = {0x103, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 1};
    cr_assert_eq(gpu_cmd(scanout, sizeof scanout), 0x1100);
    memcpy(out, fb.pixels, 8);
    cr_assert(framebuffer_row_dirty(&fb, 0), "the shown row is marked for the display");
    uint32_t unref[8] = {0x102, 0, 0, 0, 0, 0, 1, 0};
    cr_assert_eq(gpu_cmd(unref, sizeof unref), 0x1100);
}

Test(virtio_devices, gpu_formats_reach_the_framebuffer_as_a8r8g8b8)
{
    gpu_up();
    uint32_t px[2];
    /* Red then blue, in each format's own byte order (5.7.6.8, as QEMU reads them). */
    show_pixels(2, (uint8_t[]){0, 0, 0xff, 0}, (uint8_t[]){0xff, 0, 0, 0}, px); /* B8G8R8X8 */
    cr_assert_eq(px[0] & 0xffffff, 0xff0000);
    cr_assert_eq(px[1] & 0xffffff, 0x0000ff);
    show_pixels(4, (uint8_t[]){0, 0xff, 0, 0}, (uint8_t[]){0, 0, 0, 0xff}, px); /* X8R8G8B8 */
    cr_assert_eq(px[0] & 0xffffff, 0xff0000);
    cr_assert_eq(px[1] & 0xffffff, 0x0000ff);
    show_pixels(67, (uint8_t[]){0xff, 0, 0, 0}, (uint8_t[]){0, 0, 0xff, 0}, px); /* R8G8B8A8 */
    cr_assert_eq(px[0] & 0xffffff, 0xff0000);
    cr_assert_eq(px[1] & 0xffffff, 0x0000ff);
    show_pixels(68, (uint8_t[]){0, 0, 0, 0xff}, (uint8_t[]){0, 0xff, 0, 0}, px); /* X8B8G8R8 */
    cr_assert_eq(px[0] & 0xffffff, 0xff0000);
    cr_assert_eq(px[1] & 0xffffff, 0x0000ff);
    virtio_gpu_free(&gpu);
    cr_assert_eq(gpu.hostmem, 0);
    framebuffer_free(&fb);
}

Test(virtio_devices, gpu_refuses_what_is_out_of_bounds)
{
    gpu_up();
    uint32_t create[10] = {0x101, 0, 0, 0, 0, 0, 1, 2, 4, 4};
    cr_assert_eq(gpu_cmd(create, sizeof create), 0x1100);
    cr_assert_eq(gpu_cmd(create, sizeof create), 0x1203, "the same id twice");
    uint32_t huge[10] = {0x101, 0, 0, 0, 0, 0, 2, 2, 16384, 16384};
    cr_assert_eq(gpu_cmd(huge, sizeof huge), 0x1201, "1 GiB is over the host-memory limit");
    uint32_t transfer[14] = {0x105, 0, 0, 0, 0, 0, 0, 0, 4, 4, 0, 0, 1, 0};
    cr_assert_eq(gpu_cmd(transfer, sizeof transfer), 0x1200, "no backing attached");
    uint32_t outside[12] = {0x106, 0, 0, 0, 0, 0, 1, 1, (uint32_t)(BASE + SIZE - 8), 0, 64, 0};
    cr_assert_eq(gpu_cmd(outside, sizeof outside), 0x1200, "backing outside RAM");
    uint32_t attach[12] = {0x106, 0, 0, 0, 0, 0, 1, 1, (uint32_t)(BUF + 0x3000), 0, 32, 0};
    cr_assert_eq(gpu_cmd(attach, sizeof attach), 0x1100);
    cr_assert_eq(gpu_cmd(transfer, sizeof transfer), 0x1205, "64 bytes from a 32-byte backing");
    uint32_t wide[14] = {0x105, 0, 0, 0, 0, 0, 1, 0, 4, 1, 0, 0, 1, 0};
    cr_assert_eq(gpu_cmd(wide, sizeof wide), 0x1205, "a rectangle past the resource's edge");
    uint32_t scanout1[12] = {0x103, 0, 0, 0, 0, 0, 0, 0, 4, 4, 1, 1};
    cr_assert_eq(gpu_cmd(scanout1, sizeof scanout1), 0x1202, "only scanout 0");
    uint32_t fenced[8] = {0x999, 1, 77, 0, 0, 0, 0, 0};
    cr_assert_eq(gpu_cmd(fenced, sizeof fenced), 0x1200, "an unknown command");
    uint32_t resp[4];
    memcpy(resp, at(BUF + 0x2000), 16);
    cr_assert_eq(resp[1], 1, "the response carries the fence flag");
    cr_assert_eq(resp[2], 77, "and the fence id");
    virtio_gpu_free(&gpu);
    framebuffer_free(&fb);
}
