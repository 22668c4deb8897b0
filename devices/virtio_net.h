/* virtio-net (virtio 1.2, 5.1 "Network Device", device ID 1) over the virtio-mmio transport.
 * One queue pair: receiveq (0) and transmitq (1). The device offers its MAC address and link
 * status (VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS) and no offloads, so every frame travels whole
 * with its checksums computed (5.1.6.2, 5.1.6.4).
 *
 * The other end of the wire is a backend (emu/net_user.c: libslirp's user-mode network): the
 * device hands it each frame the guest transmits through `send`, and the backend delivers
 * frames for the guest with virtio_net_receive. Frames that arrive while the driver has no
 * receive buffer posted wait in a small FIFO; beyond it they are dropped (TCP retransmits, as
 * on a real link). */
#ifndef RV39_VIRTIO_NET_H
#define RV39_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "dma.h"
#include "irq.h"
#include "virtio_mmio.h"

#define VIRTIO_ID_NET 1u

/* Feature bits (5.1.3). */
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1u

#define VIRTIO_NET_RXQ 0u
#define VIRTIO_NET_TXQ 1u
/* struct virtio_net_hdr (5.1.6): 12 bytes with VIRTIO_F_VERSION_1; a legacy driver that did
 * not negotiate it (nor MRG_RXBUF) uses the first 10 (5.1.6.1 "Legacy Interface"). */
#define VIRTIO_NET_HDR_BYTES 12u
#define VIRTIO_NET_HDR_LEGACY_BYTES 10u
/* Without GSO features a frame is an Ethernet header, maybe a VLAN tag, and up to the MTU;
 * a driver may still send more: anything up to 64 KiB is carried, longer is dropped. */
#define VIRTIO_NET_MIN_FRAME 14u
#define VIRTIO_NET_MAX_FRAME 65550u
/* Frames waiting for a receive buffer, each at most VIRTIO_NET_PENDING_BYTES long. */
#define VIRTIO_NET_PENDING 64u
#define VIRTIO_NET_PENDING_BYTES 1536u

struct virtio_net_backend {
    /* A frame the guest sent (Ethernet header onwards). */
    void (*send)(void *opaque, const uint8_t *frame, size_t len);
    void *opaque;
};

struct virtio_net {
    struct virtio_mmio *t; /* the transport carrying it (set by attach) */
    uint8_t mac[6];
    struct virtio_net_backend backend;
    struct virtq_chain rx_chain, tx_chain; /* separate: a send may deliver a frame at once */
    uint8_t tx_frame[VIRTIO_NET_HDR_BYTES + VIRTIO_NET_MAX_FRAME];
    struct {
        uint16_t len;
        uint8_t data[VIRTIO_NET_PENDING_BYTES];
    } pending[VIRTIO_NET_PENDING];
    unsigned pending_head, pending_count;
    /* Counters, for statistics and tests. */
    uint64_t tx_frames, rx_frames, tx_dropped, rx_dropped;
};

/* Initialise the device half: MAC address and backend. */
void virtio_net_init(struct virtio_net *n, const uint8_t mac[6], struct virtio_net_backend backend);
/* Put it into virtio slot `slot` (0..7) on transport `t` (which must live as long as the bus),
 * registered at 0x10001000 + slot * 0x1000. */
bool virtio_net_attach(struct virtio_net *n, struct virtio_mmio *t, unsigned slot,
                       const struct dma *dma, struct irq_line irq, struct bus *bus);
/* The backend delivers a frame for the guest (Ethernet header onwards). Returns false if it
 * was dropped (driver not ready, FIFO full, frame too long for it). */
bool virtio_net_receive(struct virtio_net *n, const uint8_t *frame, size_t len);

/* The device half, for tests that build the transport themselves: virtio_mmio_init(t,
 * &virtio_net_ops, n, virtio_net_features(), ...) and set n->t = t. */
extern const struct virtio_device_ops virtio_net_ops;
uint64_t virtio_net_features(void);

#endif
