/* The board's virtio slots (emu/machine.h): which device goes where, and the host side of
 * the network cards (user-mode networking polled from the machine loop).
 *
 * QEMU virt has eight virtio-mmio slots (NOTES.md); rv39 registers all of them, as QEMU does,
 * with the configured devices where -device ...,bus=virtio-mmio-bus.N put them and the others
 * in the free slots from slot 0 up: drives in command-line order, then the rng, the network
 * cards, the keyboard, the tablet and the GPU. */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "fixed_random.h"
#include "machine.h"
#include "record.h"

enum virtio_kind {
    KIND_EMPTY,
    KIND_BLK,
    KIND_RNG,
    KIND_NET,
    KIND_KEYBOARD,
    KIND_TABLET,
    KIND_GPU,
};

struct slot_use {
    enum virtio_kind kind;
    unsigned index; /* drive or nic number */
};

/* What a device asks for, in placement order. */
struct slot_request {
    enum virtio_kind kind;
    unsigned index;
    int slot;
    const char *what; /* for messages */
};

static unsigned list_requests(const struct machine_config *cfg, struct slot_request *r)
{
    unsigned n = 0;
    for (unsigned i = 0; i < cfg->drive_count; i++)
        r[n++] = (struct slot_request){KIND_BLK, i, cfg->drives[i].slot, cfg->drives[i].file};
    if (cfg->rng) r[n++] = (struct slot_request){KIND_RNG, 0, cfg->rng_slot, "virtio-rng-device"};
    for (unsigned i = 0; i < cfg->nic_count; i++)
        r[n++] = (struct slot_request){KIND_NET, i, cfg->nics[i].slot, "virtio-net-device"};
    if (cfg->keyboard)
        r[n++] =
            (struct slot_request){KIND_KEYBOARD, 0, cfg->keyboard_slot, "virtio-keyboard-device"};
    if (cfg->tablet)
        r[n++] = (struct slot_request){KIND_TABLET, 0, cfg->tablet_slot, "virtio-tablet-device"};
    if (cfg->gpu) r[n++] = (struct slot_request){KIND_GPU, 0, cfg->gpu_slot, "virtio-gpu-device"};
    return n;
}

static bool assign_slots(const struct machine_config *cfg, struct slot_use use[VIRTIO_MMIO_SLOTS])
{
    struct slot_request req[VIRTIO_MMIO_SLOTS * 2 + 4 + MACHINE_MAX_NICS];
    unsigned n = list_requests(cfg, req);
    for (unsigned s = 0; s < VIRTIO_MMIO_SLOTS; s++)
        use[s] = (struct slot_use){KIND_EMPTY, 0};
    for (unsigned i = 0; i < n; i++) {
        int s = req[i].slot;
        if (s < 0) continue;
        if (s >= (int)VIRTIO_MMIO_SLOTS || use[s].kind != KIND_EMPTY) {
            fprintf(stderr, "rv39: %s: virtio-mmio-bus.%d is %s\n", req[i].what, s,
                    s >= (int)VIRTIO_MMIO_SLOTS ? "not a slot" : "already in use");
            return false;
        }
        use[s] = (struct slot_use){req[i].kind, req[i].index};
    }
    unsigned next = 0;
    for (unsigned i = 0; i < n; i++) {
        if (req[i].slot >= 0) continue;
        while (next < VIRTIO_MMIO_SLOTS && use[next].kind != KIND_EMPTY)
            next++;
        if (next == VIRTIO_MMIO_SLOTS) {
            fprintf(stderr, "rv39: %s: no free virtio slot\n", req[i].what);
            return false;
        }
        use[next] = (struct slot_use){req[i].kind, req[i].index};
    }
    return true;
}

/* Frames from a user-mode network to its card. */
static bool net_deliver(void *opaque, const uint8_t *frame, size_t len)
{
    return virtio_net_receive(opaque, frame, len);
}

/* Put the device `use` names into `slot`; false (after one line on stderr) if it cannot. */
/* -icount: virtio-rng's bytes from a fixed sequence (emu/fixed_random.h), one per run. */
static uint64_t icount_random_state = FIXED_RANDOM_SEED + 1;
static size_t icount_random(void *buf, size_t len)
{
    fixed_random(&icount_random_state, buf, len);
    return len;
}

uint64_t *machine_rng_sequence(void)
{
    return &icount_random_state;
}

static bool attach_one(struct machine *m, unsigned slot, struct slot_use use)
{
    struct virtio_mmio *t = &m->virtio[slot];
    struct irq_line irq = {plic_set_irq, &m->plic, VIRTIO_MMIO_IRQ(slot)};
    bool placed = false;
    switch (use.kind) {
    case KIND_BLK: {
        const struct drive_config *d = &m->cfg.drives[use.index];
        char err[512];
        if (!virtio_blk_open(&m->disk[slot], d->file, d->readonly, err, sizeof(err))) {
            fprintf(stderr, "rv39: %s\n", err);
            return false;
        }
        placed = virtio_blk_attach(&m->disk[slot], t, slot, &m->dma, irq, &m->bus);
        break;
    }
    case KIND_RNG:
        if (m->cfg.icount) m->rng.fill = icount_random; /* not the host's getrandom */
        placed = virtio_rng_attach(&m->rng, t, slot, &m->dma, irq, &m->bus);
        break;
    case KIND_NET: {
        const struct nic_config *nic = &m->cfg.nics[use.index];
        struct virtio_net *n = &m->net[use.index];
        struct net_user *u = net_user_new(&nic->netdev, net_deliver, n);
        if (!u) return false; /* it said why */
        m->net_user[use.index] = u;
        virtio_net_init(n, nic->mac, (struct virtio_net_backend){net_user_send, u});
        placed = virtio_net_attach(n, t, slot, &m->dma, irq, &m->bus);
        break;
    }
    case KIND_KEYBOARD:
    case KIND_TABLET: {
        bool kbd = use.kind == KIND_KEYBOARD;
        struct virtio_input *in = kbd ? &m->keyboard : &m->tablet;
        virtio_input_init(in, kbd ? VIRTIO_INPUT_KEYBOARD : VIRTIO_INPUT_TABLET);
        placed = virtio_input_attach(in, t, slot, &m->dma, irq, &m->bus);
        break;
    }
    case KIND_GPU:
        virtio_gpu_init(&m->gpu, &m->fb);
        placed = virtio_gpu_attach(&m->gpu, t, slot, &m->dma, irq, &m->bus);
        break;
    case KIND_EMPTY:
        virtio_mmio_init_empty(t);
        placed = virtio_mmio_register(t, slot, &m->bus);
        break;
    }
    if (!placed) fprintf(stderr, "rv39: cannot place virtio slot %u\n", slot);
    /* QEMU offers every device on either interface, virtio-gpu and virtio-input too (its
     * virtio-mmio only adds VIRTIO_F_VERSION_1 when not legacy); Linux's drivers for those two
     * refuse a device without VERSION_1, so they need force-legacy=false there as here. */
    virtio_mmio_set_legacy(t, m->cfg.virtio_legacy);
    return placed;
}

bool machine_attach_virtio(struct machine *m)
{
    struct slot_use use[VIRTIO_MMIO_SLOTS];
    input_link_init(&m->input);
    if (!assign_slots(&m->cfg, use)) return false;
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++)
        if (!attach_one(m, slot, use[slot])) return false;
    return true;
}

void machine_detach_virtio(struct machine *m)
{
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++)
        virtio_blk_close(&m->disk[slot]); /* fdatasync: nothing acknowledged is lost */
    for (unsigned i = 0; i < MACHINE_MAX_NICS; i++) {
        net_user_free(m->net_user[i]);
        m->net_user[i] = NULL;
    }
    free(m->pollfds);
    m->pollfds = NULL;
    m->pollfd_cap = 0;
    input_link_free(&m->input);
    virtio_gpu_free(&m->gpu);
}

/* The tablet reports the pointer's place and the buttons that changed, as one report. */
static void tablet_report(struct machine *m, const struct input_msg *msg)
{
    static const uint16_t button_code[3] = {INPUT_BTN_LEFT, INPUT_BTN_RIGHT, INPUT_BTN_MIDDLE};
    struct virtio_input_event ev[5] = {
        {INPUT_EV_ABS, INPUT_ABS_X, msg->a},
        {INPUT_EV_ABS, INPUT_ABS_Y, msg->b},
    };
    unsigned n = 2;
    for (unsigned i = 0; i < 3; i++) {
        uint8_t bit = (uint8_t)(1u << i);
        if ((msg->buttons ^ m->tablet_buttons) & bit)
            ev[n++] = (struct virtio_input_event){INPUT_EV_KEY, button_code[i],
                                                  (msg->buttons & bit) != 0};
    }
    if (virtio_input_report(&m->tablet, ev, n)) m->tablet_buttons = msg->buttons;
}

void machine_input_service(struct machine *m)
{
    struct input_msg msg[32];
    unsigned n = input_link_take(&m->input, msg, 32);
    if (rr_input_from_log(m->rr)) return; /* the log's input comes instead (emu/record.c) */
    for (unsigned i = 0; i < n; i++) {
        if (m->rr) rr_record_input(m->rr, m, &msg[i]);
        machine_input_deliver(m, &msg[i]);
    }
}

void machine_input_deliver(struct machine *m, const struct input_msg *msg)
{
    if (msg->kind == INPUT_MSG_KEY && m->cfg.keyboard) virtio_input_key(&m->keyboard, msg->a, msg->b);
    if (msg->kind == INPUT_MSG_POINTER && m->cfg.tablet) tablet_report(m, msg);
}

bool machine_has_network(const struct machine *m)
{
    return m->cfg.nic_count > 0;
}

void machine_poll(struct machine *m, uint64_t timeout_ns, bool with_stdin)
{
    unsigned count = 0;
    if (m->pollfd_cap == 0) {
        m->pollfds = malloc(16 * sizeof(*m->pollfds));
        if (!m->pollfds) return;
        m->pollfd_cap = 16;
    }
    if (with_stdin) m->pollfds[count++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    int wake = console_wake_fd(); /* the window's keys, as console_wait waits for them */
    if (wake >= 0) m->pollfds[count++] = (struct pollfd){.fd = wake, .events = POLLIN};
    uint64_t timeout_ms = timeout_ns / 1000000;
    uint32_t net_ms = timeout_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)timeout_ms;
    bool filled[MACHINE_MAX_NICS] = {false};
    for (unsigned i = 0; i < MACHINE_MAX_NICS; i++)
        if (m->net_user[i])
            filled[i] = net_user_fill(m->net_user[i], &m->pollfds, &count, &m->pollfd_cap, &net_ms);
    if ((uint64_t)net_ms * 1000000 < timeout_ns) timeout_ns = (uint64_t)net_ms * 1000000;
    struct timespec ts = {(time_t)(timeout_ns / 1000000000ull), (long)(timeout_ns % 1000000000ull)};
    int r = ppoll(m->pollfds, count, &ts, NULL);
    if (r < 0)
        for (unsigned i = 0; i < count; i++)
            m->pollfds[i].revents = 0; /* EINTR: nothing is known to be ready */
    for (unsigned i = 0; i < MACHINE_MAX_NICS; i++)
        if (m->net_user[i] && filled[i])
            net_user_dispatch(m->net_user[i], m->pollfds, r < 0 && errno != EINTR);
}
