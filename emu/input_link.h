/* Keys and pointer moves from the SDL window (its thread) to the virtio-input devices (the
 * hart's thread): a small queue under a mutex, filled by the window and drained by the run
 * loop between slices (machine_service -> machine_input_service). The window never waits on
 * the hart: a full queue drops the newest message. */
#ifndef RV39_INPUT_LINK_H
#define RV39_INPUT_LINK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define INPUT_LINK_SLOTS 256

enum input_msg_kind { INPUT_MSG_KEY, INPUT_MSG_POINTER };

struct input_msg {
    enum input_msg_kind kind;
    uint16_t a, b;   /* key: HID usage, down; pointer: x, y in 0..VIRTIO_INPUT_ABS_MAX */
    uint8_t buttons; /* pointer: bit 0 left, 1 right, 2 middle */
};

struct input_link {
    pthread_mutex_t lock;
    struct input_msg ring[INPUT_LINK_SLOTS];
    unsigned head, count;
    atomic_bool pending; /* anything queued: lets the run loop skip the lock */
};

void input_link_init(struct input_link *l);
void input_link_free(struct input_link *l);
void input_link_key(struct input_link *l, unsigned hid_usage, bool down);
void input_link_pointer(struct input_link *l, uint16_t x, uint16_t y, uint8_t buttons);
/* Move up to `max` messages into out[]; returns how many. */
unsigned input_link_take(struct input_link *l, struct input_msg *out, unsigned max);

#endif
