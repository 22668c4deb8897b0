/* virtio-input (virtio 1.2, 5.8 "Input Device", device ID 18) over the virtio-mmio transport:
 * a keyboard or an absolute pointer (a tablet: the mouse in the SDL window), as Linux's evdev
 * sees them. Events travel as struct virtio_input_event { le16 type; le16 code; le32 value; },
 * one per eventq buffer (5.8.6); the statusq carries the driver's LED updates, which are
 * taken and ignored. The configuration space answers the driver's select/subsel questions
 * (5.8.4): name, ids, which event types and codes exist, and the pointer's axis ranges. */
#ifndef RV39_VIRTIO_INPUT_H
#define RV39_VIRTIO_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "dma.h"
#include "irq.h"
#include "virtio_mmio.h"

#define VIRTIO_ID_INPUT 18u

/* Linux's input event types and codes (include/uapi/linux/input-event-codes.h). */
#define INPUT_EV_SYN 0x00u
#define INPUT_EV_KEY 0x01u
#define INPUT_EV_ABS 0x03u
#define INPUT_EV_REP 0x14u
#define INPUT_SYN_REPORT 0u
#define INPUT_ABS_X 0x00u
#define INPUT_ABS_Y 0x01u
#define INPUT_BTN_LEFT 0x110u
#define INPUT_BTN_RIGHT 0x111u
#define INPUT_BTN_MIDDLE 0x112u
#define VIRTIO_INPUT_ABS_MAX 32767u /* the tablet's axes run 0..32767, as QEMU's */

#define VIRTIO_INPUT_EVENTQ 0u
#define VIRTIO_INPUT_STATUSQ 1u
#define VIRTIO_INPUT_PENDING 256u /* events waiting for eventq buffers */

enum virtio_input_kind { VIRTIO_INPUT_KEYBOARD, VIRTIO_INPUT_TABLET };

struct virtio_input_event {
    uint16_t type, code;
    uint32_t value;
};

struct virtio_input {
    enum virtio_input_kind kind;
    struct virtio_mmio *t;
    uint8_t select, subsel; /* the driver's configuration question */
    struct virtq_chain chain;
    struct virtio_input_event pending[VIRTIO_INPUT_PENDING];
    unsigned pending_head, pending_count;
    uint64_t delivered, dropped; /* counters, for tests */
};

void virtio_input_init(struct virtio_input *in, enum virtio_input_kind kind);
bool virtio_input_attach(struct virtio_input *in, struct virtio_mmio *t, unsigned slot,
                         const struct dma *dma, struct irq_line irq, struct bus *bus);
/* Queue one report (events then SYN_REPORT) for the guest. A report that does not fit in the
 * queue whole is dropped whole (a key press never arrives without its release). Returns
 * whether it was queued; the driver gets it as soon as it has posted buffers. */
bool virtio_input_report(struct virtio_input *in, const struct virtio_input_event *events,
                         unsigned count);
/* A key from the host keyboard, by USB HID usage ID (SDL's scancodes are these). false: a key
 * the keyboard does not have. */
bool virtio_input_key(struct virtio_input *in, unsigned hid_usage, bool down);
/* The evdev code of a USB HID usage ID, or 0 if it has none here. */
unsigned virtio_input_hid_to_evdev(unsigned hid_usage);

/* The device half, for tests: virtio_mmio_init(t, &virtio_input_ops, in, 0, ...), in->t = t. */
extern const struct virtio_device_ops virtio_input_ops;

#endif
