/* The window-to-hart input queue (emu/input_link.h). */
#include "input_link.h"

#include "console.h"

void input_link_init(struct input_link *l)
{
    pthread_mutex_init(&l->lock, NULL);
    l->head = l->count = 0;
    atomic_store(&l->pending, false);
}

void input_link_free(struct input_link *l)
{
    pthread_mutex_destroy(&l->lock);
}

static void put(struct input_link *l, struct input_msg msg)
{
    pthread_mutex_lock(&l->lock);
    if (l->count < INPUT_LINK_SLOTS) {
        l->ring[(l->head + l->count++) % INPUT_LINK_SLOTS] = msg;
        atomic_store(&l->pending, true);
    }
    pthread_mutex_unlock(&l->lock);
    console_wake(); /* a hart idling in wfi takes it now, not at its next tick */
}

void input_link_key(struct input_link *l, unsigned hid_usage, bool down)
{
    put(l, (struct input_msg){INPUT_MSG_KEY, (uint16_t)hid_usage, down, 0});
}

void input_link_pointer(struct input_link *l, uint16_t x, uint16_t y, uint8_t buttons)
{
    put(l, (struct input_msg){INPUT_MSG_POINTER, x, y, buttons});
}

unsigned input_link_take(struct input_link *l, struct input_msg *out, unsigned max)
{
    if (!atomic_load(&l->pending)) return 0;
    pthread_mutex_lock(&l->lock);
    unsigned n = 0;
    while (n < max && l->count) {
        out[n++] = l->ring[l->head];
        l->head = (l->head + 1) % INPUT_LINK_SLOTS;
        l->count--;
    }
    atomic_store(&l->pending, l->count > 0);
    pthread_mutex_unlock(&l->lock);
    return n;
}
