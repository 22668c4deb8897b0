/* virtio-input (devices/virtio_input.h).
 *
 * Configuration space (5.8.4 "Device configuration layout"):
 *
 *   0 u8 select | 1 u8 subsel | 2 u8 size | 3..7 reserved | 8.. union (128 bytes):
 *     string[128] (ID_NAME, ID_SERIAL) | bitmap[128] (PROP_BITS, EV_BITS) |
 *     absinfo { le32 min, max, fuzz, flat, res } (ABS_INFO) |
 *     devids { le16 bustype, vendor, product, version } (ID_DEVIDS)
 *
 * The driver writes select and subsel, then reads size and the union: size 0 means "no such
 * thing" (5.8.5.1: the device MUST set size to 0 for an unsupported select/subsel). */
#include "virtio_input.h"

#include <string.h>

enum {
    CFG_UNSET = 0x00,
    CFG_ID_NAME = 0x01,
    CFG_ID_SERIAL = 0x02,
    CFG_ID_DEVIDS = 0x03,
    CFG_PROP_BITS = 0x10,
    CFG_EV_BITS = 0x11,
    CFG_ABS_INFO = 0x12,
};
#define CFG_UNION 8u
#define CFG_BYTES (CFG_UNION + 128u)
#define BUS_VIRTUAL 0x06u

/* USB HID usage (keyboard page 0x07, SDL's scancodes) -> evdev key code. */
static const uint8_t hid_to_evdev[232] = {
    [4] = 30,    [5] = 48,   [6] = 46,   [7] = 32,    [8] = 18,   [9] = 33,   [10] = 34,
    [11] = 35,   [12] = 23,  [13] = 36,  [14] = 37,   [15] = 38,  [16] = 50,  [17] = 49,
    [18] = 24,   [19] = 25,  [20] = 16,  [21] = 19,   [22] = 31,  [23] = 20,  [24] = 22,
    [25] = 47,   [26] = 17,  [27] = 45,  [28] = 21,   [29] = 44, /* a..z */
    [30] = 2,    [31] = 3,   [32] = 4,   [33] = 5,    [34] = 6,   [35] = 7,   [36] = 8,
    [37] = 9,    [38] = 10,  [39] = 11, /* 1..9, 0 */
    [40] = 28,   [41] = 1,   [42] = 14,  [43] = 15,   [44] = 57,  [45] = 12,  [46] = 13,
    [47] = 26,   [48] = 27,  [49] = 43,  [50] = 43,   [51] = 39,  [52] = 40,  [53] = 41,
    [54] = 51,   [55] = 52,  [56] = 53,  [57] = 58, /* Enter .. CapsLock */
    [58] = 59,   [59] = 60,  [60] = 61,  [61] = 62,   [62] = 63,  [63] = 64,  [64] = 65,
    [65] = 66,   [66] = 67,  [67] = 68,  [68] = 87,   [69] = 88, /* F1..F12 */
    [70] = 99,   [71] = 70,  [72] = 119, [73] = 110,  [74] = 102, [75] = 104, [76] = 111,
    [77] = 107,  [78] = 109, [79] = 106, [80] = 105,  [81] = 108, [82] = 103, /* .. arrows */
    [83] = 69,   [84] = 98,  [85] = 55,  [86] = 74,   [87] = 78,  [88] = 96,  [89] = 79,
    [90] = 80,   [91] = 81,  [92] = 75,  [93] = 76,   [94] = 77,  [95] = 71,  [96] = 72,
    [97] = 73,   [98] = 82,  [99] = 83,  [100] = 86, /* keypad, 102nd key */
    [224] = 29,  [225] = 42, [226] = 56, [227] = 125, [228] = 97, [229] = 54, [230] = 100,
    [231] = 126, /* modifiers */
};

unsigned virtio_input_hid_to_evdev(unsigned hid_usage)
{
    return hid_usage < sizeof hid_to_evdev ? hid_to_evdev[hid_usage] : 0;
}

void virtio_input_init(struct virtio_input *in, enum virtio_input_kind kind)
{
    memset(in, 0, sizeof(*in));
    in->kind = kind;
}

/* --- configuration --- */

static void set_bit(uint8_t *bitmap, unsigned bit)
{
    bitmap[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* The union for the current select/subsel; returns its size (0: nothing there). */
static uint8_t config_union(const struct virtio_input *in, uint8_t u[128])
{
    memset(u, 0, 128);
    bool keyboard = in->kind == VIRTIO_INPUT_KEYBOARD;
    switch (in->select) {
    case CFG_ID_NAME: {
        const char *name = keyboard ? "rv39 virtio keyboard" : "rv39 virtio tablet";
        memcpy(u, name, strlen(name));
        return (uint8_t)strlen(name);
    }
    case CFG_ID_DEVIDS: {
        const uint16_t ids[4] = {BUS_VIRTUAL, 0x0627, keyboard ? 1 : 3, 1};
        for (unsigned i = 0; i < 4; i++) {
            u[2 * i] = (uint8_t)ids[i];
            u[2 * i + 1] = (uint8_t)(ids[i] >> 8);
        }
        return 8;
    }
    case CFG_EV_BITS: {
        unsigned top = 0; /* bytes of bitmap that matter */
        if (in->subsel == INPUT_EV_KEY && keyboard) {
            for (unsigned h = 0; h < sizeof hid_to_evdev; h++)
                if (hid_to_evdev[h]) set_bit(u, hid_to_evdev[h]);
            top = 128 / 8 + 1; /* codes below 128 */
        } else if (in->subsel == INPUT_EV_KEY) {
            set_bit(u, INPUT_BTN_LEFT);
            set_bit(u, INPUT_BTN_RIGHT);
            set_bit(u, INPUT_BTN_MIDDLE);
            top = INPUT_BTN_MIDDLE / 8 + 1;
        } else if (in->subsel == INPUT_EV_REP && keyboard) {
            top = 1; /* the type alone: Linux then repeats held keys itself (as QEMU's) */
        } else if (in->subsel == INPUT_EV_ABS && !keyboard) {
            set_bit(u, INPUT_ABS_X);
            set_bit(u, INPUT_ABS_Y);
            top = 1;
        }
        return (uint8_t)top;
    }
    case CFG_ABS_INFO:
        if (keyboard || in->subsel > INPUT_ABS_Y) return 0;
        /* min 0, max VIRTIO_INPUT_ABS_MAX, fuzz 0, flat 0, res 0 */
        u[4] = (uint8_t)VIRTIO_INPUT_ABS_MAX;
        u[5] = (uint8_t)(VIRTIO_INPUT_ABS_MAX >> 8);
        return 20;
    default: return 0; /* UNSET, ID_SERIAL, PROP_BITS: nothing to say */
    }
}

static uint64_t input_config_read(void *dev, uint64_t offset, unsigned size)
{
    const struct virtio_input *in = dev;
    uint8_t cfg[CFG_BYTES] = {0};
    cfg[0] = in->select;
    cfg[1] = in->subsel;
    cfg[2] = config_union(in, cfg + CFG_UNION);
    uint64_t value = 0;
    for (unsigned i = 0; i < size; i++)
        if (offset + i < CFG_BYTES) value |= (uint64_t)cfg[offset + i] << (8 * i);
    return value;
}

static void input_config_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct virtio_input *in = dev;
    for (unsigned i = 0; i < size; i++) { /* only select and subsel are the driver's */
        uint8_t byte = (uint8_t)(value >> (8 * i));
        if (offset + i == 0) in->select = byte;
        if (offset + i == 1) in->subsel = byte;
    }
}

/* --- events --- */

/* Hand waiting events to the driver, one per eventq buffer (5.8.6.1). A buffer too small
 * for an event comes back with used.len 0 and the event waits for the next one. */
static void flush(struct virtio_input *in)
{
    struct virtio_mmio *t = in->t;
    if (!t || !(t->status & VIRTIO_STATUS_DRIVER_OK)) return;
    while (in->pending_count) {
        if (virtio_mmio_pop(t, VIRTIO_INPUT_EVENTQ, &in->chain) != VIRTQ_CHAIN) break;
        const struct virtio_input_event *e = &in->pending[in->pending_head];
        uint8_t bytes[8] = {(uint8_t)e->type,          (uint8_t)(e->type >> 8),
                            (uint8_t)e->code,          (uint8_t)(e->code >> 8),
                            (uint8_t)e->value,         (uint8_t)(e->value >> 8),
                            (uint8_t)(e->value >> 16), (uint8_t)(e->value >> 24)};
        const struct virtq_chain *c = &in->chain;
        const struct virtq_buf *b = c->readable < c->count ? &c->buf[c->readable] : NULL;
        uint32_t written = 0;
        if (b && b->len >= sizeof bytes && dma_write(t->dma, b->addr, bytes, sizeof bytes)) {
            written = sizeof bytes;
            in->pending_head = (in->pending_head + 1) % VIRTIO_INPUT_PENDING;
            in->pending_count--;
            in->delivered++;
        }
        virtio_mmio_push(t, VIRTIO_INPUT_EVENTQ, c->head, written);
    }
    virtio_mmio_signal_used(t, VIRTIO_INPUT_EVENTQ);
}

bool virtio_input_report(struct virtio_input *in, const struct virtio_input_event *events,
                         unsigned count)
{
    if (!in->t || !(in->t->status & VIRTIO_STATUS_DRIVER_OK) ||
        in->pending_count + count + 1 > VIRTIO_INPUT_PENDING) {
        in->dropped++;
        return false;
    }
    for (unsigned i = 0; i <= count; i++) {
        struct virtio_input_event e =
            i < count ? events[i] : (struct virtio_input_event){INPUT_EV_SYN, INPUT_SYN_REPORT, 0};
        in->pending[(in->pending_head + in->pending_count++) % VIRTIO_INPUT_PENDING] = e;
    }
    flush(in);
    return true;
}

bool virtio_input_key(struct virtio_input *in, unsigned hid_usage, bool down)
{
    unsigned code = virtio_input_hid_to_evdev(hid_usage);
    if (!code || in->kind != VIRTIO_INPUT_KEYBOARD) return false;
    struct virtio_input_event e = {INPUT_EV_KEY, (uint16_t)code, down};
    return virtio_input_report(in, &e, 1);
}

static void input_queue_notify(void *dev, struct virtio_mmio *t, unsigned queue)
{
    struct virtio_input *in = dev;
    if (queue == VIRTIO_INPUT_EVENTQ) {
        flush(in); /* new buffers: events that waited go now */
        return;
    }
    /* statusq: LED and similar updates from the driver (5.8.6.2); taken, not acted on. */
    while (virtio_mmio_pop(t, queue, &in->chain) == VIRTQ_CHAIN)
        virtio_mmio_push(t, queue, in->chain.head, 0);
    virtio_mmio_signal_used(t, queue);
}

static void input_reset(void *dev)
{
    struct virtio_input *in = dev;
    in->select = in->subsel = 0;
    in->pending_head = in->pending_count = 0;
}

const struct virtio_device_ops virtio_input_ops = {
    .name = "virtio-input",
    .device_id = VIRTIO_ID_INPUT,
    .num_queues = 2, /* 5.8.2: eventq, statusq */
    .config_read = input_config_read,
    .config_write = input_config_write,
    .queue_notify = input_queue_notify,
    .reset = input_reset,
};

bool virtio_input_attach(struct virtio_input *in, struct virtio_mmio *t, unsigned slot,
                         const struct dma *dma, struct irq_line irq, struct bus *bus)
{
    if (slot >= VIRTIO_MMIO_SLOTS) return false;
    virtio_mmio_init(t, &virtio_input_ops, in, 0, dma, irq); /* 5.8.3: no feature bits */
    in->t = t;
    return virtio_mmio_register(t, slot, bus);
}
