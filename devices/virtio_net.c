/* virtio-net (devices/virtio_net.h).
 *
 * Every packet, in both directions, is one descriptor chain that starts with the header of
 * 5.1.6 "Device Operation":
 *
 *   u8 flags | u8 gso_type | le16 hdr_len | le16 gso_size | le16 csum_start |
 *   le16 csum_offset | le16 num_buffers          (num_buffers only with VERSION_1)
 *
 * followed by the Ethernet frame. Transmit (5.1.6.2): the chain is device-readable; the
 * header is skipped (no offloads were offered, so it asks for nothing) and the frame goes to
 * the backend. Receive (5.1.6.3, 5.1.6.4): the chain is device-writable; the device writes a
 * zeroed header (num_buffers = 1: VIRTIO_NET_F_MRG_RXBUF is not offered) and the frame.
 * Both may be split across descriptors anywhere ("Message Framing").
 *
 * Malformed requests never reach the backend and never stop the device: a transmit chain
 * shorter than a header and an Ethernet header, longer than VIRTIO_NET_MAX_FRAME, or with
 * buffers outside RAM is returned unsent; a receive chain too small for the frame is
 * returned with used.len 0 (the driver counts a length error and reposts it). Broken rings
 * are the transport's business (DEVICE_NEEDS_RESET). */
#include "virtio_net.h"

#include <string.h>

uint64_t virtio_net_features(void)
{
    return 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS;
}

void virtio_net_init(struct virtio_net *n, const uint8_t mac[6], struct virtio_net_backend backend)
{
    memset(n, 0, sizeof(*n));
    memcpy(n->mac, mac, 6);
    n->backend = backend;
}

/* The header length the driver and device agreed on (5.1.6.1). */
static uint32_t header_bytes(const struct virtio_mmio *t)
{
    return t->driver_features >> VIRTIO_F_VERSION_1 & 1 ? VIRTIO_NET_HDR_BYTES
                                                        : VIRTIO_NET_HDR_LEGACY_BYTES;
}

/* struct virtio_net_config (5.1.4): 0 u8 mac[6] | 6 le16 status | 8 le16 max_virtqueue_pairs
 * (only with VIRTIO_NET_F_MQ: not offered) | 10 le16 mtu (VIRTIO_NET_F_MTU: not offered). */
#define CONFIG_BYTES 8u

static uint64_t net_config_read(void *dev, uint64_t offset, unsigned size)
{
    const struct virtio_net *n = dev;
    uint8_t cfg[CONFIG_BYTES] = {0};
    memcpy(cfg, n->mac, 6);
    cfg[6] = VIRTIO_NET_S_LINK_UP;
    uint64_t value = 0;
    for (unsigned i = 0; i < size; i++)
        if (offset + i < CONFIG_BYTES) value |= (uint64_t)cfg[offset + i] << (8 * i);
    return value;
}

/* --- transmit --- */

/* Copy the readable part of the chain into n->tx_frame; false if it is too long or not all
 * in RAM. */
static bool gather_tx(struct virtio_net *n, const struct dma *dma, uint32_t *len)
{
    const struct virtq_chain *c = &n->tx_chain;
    if (c->read_bytes > sizeof(n->tx_frame)) return false;
    uint32_t pos = 0;
    for (unsigned i = 0; i < c->readable; i++) {
        if (!dma_read(dma, c->buf[i].addr, n->tx_frame + pos, c->buf[i].len)) return false;
        pos += c->buf[i].len;
    }
    *len = pos;
    return true;
}

static void net_tx(struct virtio_net *n, struct virtio_mmio *t, unsigned queue)
{
    uint32_t hdr = header_bytes(t);
    while (virtio_mmio_pop(t, queue, &n->tx_chain) == VIRTQ_CHAIN) {
        uint32_t len;
        if (gather_tx(n, t->dma, &len) && len >= hdr + VIRTIO_NET_MIN_FRAME) {
            n->tx_frames++;
            /* Used first: the backend may answer at once (ARP), and the driver should see its
             * buffer back no later than the reply. Transmit buffers are read-only: used.len 0. */
            virtio_mmio_push(t, queue, n->tx_chain.head, 0);
            if (n->backend.send) n->backend.send(n->backend.opaque, n->tx_frame + hdr, len - hdr);
        } else {
            n->tx_dropped++;
            virtio_mmio_push(t, queue, n->tx_chain.head, 0);
        }
    }
    virtio_mmio_signal_used(t, queue);
}

/* --- receive --- */

/* Write header and frame into the writable part of n->rx_chain; returns used.len (0: it did
 * not fit, or a buffer is outside RAM). */
static uint32_t scatter_rx(struct virtio_net *n, const struct dma *dma, uint32_t hdr,
                           const uint8_t *frame, uint32_t len)
{
    const struct virtq_chain *c = &n->rx_chain;
    uint64_t total = (uint64_t)hdr + len;
    if (c->write_bytes < total) return 0;
    uint8_t header[VIRTIO_NET_HDR_BYTES] = {0};
    if (hdr == VIRTIO_NET_HDR_BYTES) header[10] = 1; /* num_buffers = 1 (5.1.6.4) */
    uint64_t pos = 0;                                /* bytes of header + frame placed */
    for (unsigned i = c->readable; i < c->count && pos < total; i++) {
        const struct virtq_buf *b = &c->buf[i];
        uint64_t n_bytes = total - pos < b->len ? total - pos : b->len;
        uint8_t *host = dma_ptr(dma, b->addr, n_bytes);
        if (!host) return 0;
        for (uint64_t k = 0; k < n_bytes; k++) {
            uint64_t at = pos + k;
            host[k] = at < hdr ? header[at] : frame[at - hdr];
        }
        dma_wrote(dma, b->addr, n_bytes);
        pos += n_bytes;
    }
    return (uint32_t)total;
}

/* Put one frame into the next receive buffer. false: no buffer posted (try again later). */
static bool deliver(struct virtio_net *n, const uint8_t *frame, uint32_t len)
{
    struct virtio_mmio *t = n->t;
    if (virtio_mmio_pop(t, VIRTIO_NET_RXQ, &n->rx_chain) != VIRTQ_CHAIN) return false;
    uint32_t used = scatter_rx(n, t->dma, header_bytes(t), frame, len);
    if (used)
        n->rx_frames++;
    else
        n->rx_dropped++;
    virtio_mmio_push(t, VIRTIO_NET_RXQ, n->rx_chain.head, used);
    return true;
}

/* Deliver waiting frames, oldest first, while there are buffers. */
static void flush_pending(struct virtio_net *n)
{
    while (n->pending_count) {
        unsigned i = n->pending_head;
        if (!deliver(n, n->pending[i].data, n->pending[i].len)) break;
        n->pending_head = (i + 1) % VIRTIO_NET_PENDING;
        n->pending_count--;
    }
    virtio_mmio_signal_used(n->t, VIRTIO_NET_RXQ);
}

static bool rx_ready(const struct virtio_net *n)
{
    const struct virtio_mmio *t = n->t;
    return t && (t->status & VIRTIO_STATUS_DRIVER_OK) && !t->broken &&
           t->queue[VIRTIO_NET_RXQ].ready;
}

bool virtio_net_receive(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    if (!rx_ready(n) || len < VIRTIO_NET_MIN_FRAME || len > VIRTIO_NET_PENDING_BYTES ||
        n->pending_count == VIRTIO_NET_PENDING) {
        n->rx_dropped++;
        return false;
    }
    unsigned i = (n->pending_head + n->pending_count) % VIRTIO_NET_PENDING;
    memcpy(n->pending[i].data, frame, len);
    n->pending[i].len = (uint16_t)len;
    n->pending_count++;
    flush_pending(n);
    return true;
}

static void net_queue_notify(void *dev, struct virtio_mmio *t, unsigned queue)
{
    struct virtio_net *n = dev;
    if (queue == VIRTIO_NET_TXQ)
        net_tx(n, t, queue);
    else
        flush_pending(n); /* new receive buffers: hand over what waited for them */
}

static void net_reset(void *dev)
{
    struct virtio_net *n = dev;
    n->pending_head = n->pending_count = 0;
}

const struct virtio_device_ops virtio_net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .num_queues = 2, /* 5.1.2: receiveq1, transmitq1 (no control queue: CTRL_VQ not offered) */
    .config_read = net_config_read,
    .config_write = NULL, /* the MAC is writable only in legacy drivers */
    .queue_notify = net_queue_notify,
    .reset = net_reset,
};

bool virtio_net_attach(struct virtio_net *n, struct virtio_mmio *t, unsigned slot,
                       const struct dma *dma, struct irq_line irq, struct bus *bus)
{
    if (slot >= VIRTIO_MMIO_SLOTS) return false;
    virtio_mmio_init(t, &virtio_net_ops, n, virtio_net_features(), dma, irq);
    n->t = t;
    return virtio_mmio_register(t, slot, bus);
}
