/* virtio-mmio transport, modern interface (devices/virtio_mmio.h).
 *
 * Split virtqueue layout in guest RAM (virtio 1.x "Split Virtqueues"), all little-endian,
 * N = QueueNum:
 *
 *   descriptor table (QueueDesc, 16-byte aligned), N entries of 16 bytes:
 *       le64 addr | le32 len | le16 flags (NEXT, WRITE, INDIRECT) | le16 next
 *   available ring (QueueDriver, 2-byte aligned), written by the driver:
 *       le16 flags (NO_INTERRUPT) | le16 idx | le16 ring[N] (chain heads) | le16 used_event
 *   used ring (QueueDevice, 4-byte aligned), written by the device:
 *       le16 flags | le16 idx | { le32 id, le32 len } ring[N] | le16 avail_event
 *
 * idx fields count forever (mod 2^16); entry i lives in slot i mod N. The device takes the
 * chains in avail.ring[last_avail .. avail.idx) and answers each in used.ring[used.idx]. */
#include "virtio_mmio.h"

#include <string.h>

/* --- little-endian access to bytes already bounds-checked through dma_ptr --- */
static uint16_t ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)ld16(p) | (uint32_t)ld16(p + 2) << 16;
}
static uint64_t ld64(const uint8_t *p)
{
    return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}
static void st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void st32(uint8_t *p, uint32_t v)
{
    st16(p, (uint16_t)v);
    st16(p + 2, (uint16_t)(v >> 16));
}

#define DESC_SIZE 16u
#define RING_HEADER 4u /* flags + idx */

static uint64_t desc_table_bytes(uint32_t num)
{
    return (uint64_t)DESC_SIZE * num;
}
static uint64_t avail_ring_bytes(uint32_t num)
{
    return RING_HEADER + 2ull * num + 2;
}
static uint64_t used_ring_bytes(uint32_t num)
{
    return RING_HEADER + 8ull * num + 2;
}

static void update_irq(struct virtio_mmio *t)
{
    irq_set(&t->irq, t->interrupt_status != 0);
}

void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_device_ops *ops, void *dev,
                      uint64_t features, const struct dma *dma, struct irq_line irq)
{
    *t = (struct virtio_mmio){
        .ops = ops,
        .dev = dev,
        .dma = dma,
        .irq = irq,
        .device_features = features | 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_INDIRECT_DESC,
    };
}

void virtio_mmio_init_empty(struct virtio_mmio *t)
{
    *t = (struct virtio_mmio){0};
}

bool virtio_mmio_register(struct virtio_mmio *t, unsigned slot, struct bus *bus)
{
    /* The bus keeps the name pointer: one string per slot, alive for the whole run. */
    static const char *const names[VIRTIO_MMIO_SLOTS] = {
        "virtio-mmio.0", "virtio-mmio.1", "virtio-mmio.2", "virtio-mmio.3",
        "virtio-mmio.4", "virtio-mmio.5", "virtio-mmio.6", "virtio-mmio.7",
    };
    if (slot >= VIRTIO_MMIO_SLOTS) return false;
    t->slot = slot;
    return bus_register(bus, &(struct bus_device){
                                 .name = names[slot],
                                 .base = VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_STRIDE,
                                 .size = VIRTIO_MMIO_SIZE,
                                 .opaque = t,
                                 .read = virtio_mmio_read,
                                 .write = virtio_mmio_write,
                             });
}

void virtio_mmio_fail(struct virtio_mmio *t, const char *why)
{
    if (!(t->status & VIRTIO_STATUS_NEEDS_RESET)) {
        t->fault = why; /* keep the first reason: later ones are usually its echoes */
        if (t->log)
            fprintf(t->log, "rv39: virtio-mmio.%u (%s): %s; device needs reset\n", t->slot,
                    t->ops ? t->ops->name : "empty", why);
    }
    t->status |= VIRTIO_STATUS_NEEDS_RESET;
    t->interrupt_status |= VIRTIO_INT_CONFIG_CHANGE;
    update_irq(t);
}

/* Status 0: back to the state after power-on ("Device Reset"). */
static void device_reset(struct virtio_mmio *t)
{
    t->driver_features = 0;
    t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
    t->status = 0;
    t->interrupt_status = 0;
    t->fault = NULL;
    memset(t->queue, 0, sizeof(t->queue));
    if (t->ops->reset) t->ops->reset(t->dev);
    update_irq(t);
}

static void write_status(struct virtio_mmio *t, uint32_t value)
{
    value &= 0xff;
    if (value == 0) {
        device_reset(t);
        return;
    }
    /* "Feature Negotiation": FEATURES_OK sticks only if the driver accepted no feature the
     * device did not offer. A driver that negotiates only the low 32 bits and never
     * acknowledges VIRTIO_F_VERSION_1 (xv6) passes this test, and QEMU accepts it too. */
    if ((value & VIRTIO_STATUS_FEATURES_OK) && !(t->status & VIRTIO_STATUS_FEATURES_OK) &&
        (t->driver_features & ~t->device_features))
        value &= ~VIRTIO_STATUS_FEATURES_OK;
    /* DEVICE_NEEDS_RESET is the device's to set; only a reset clears it. */
    value &= ~VIRTIO_STATUS_NEEDS_RESET;
    t->status = value | (t->status & VIRTIO_STATUS_NEEDS_RESET);
}

static struct virtq *selected_queue(struct virtio_mmio *t)
{
    return t->queue_sel < t->ops->num_queues ? &t->queue[t->queue_sel] : NULL;
}

/* QueueReady = 1: check what the driver set up before trusting it ("Virtqueue
 * Configuration"; "Split Virtqueues" gives the sizes and alignments). */
static void enable_queue(struct virtio_mmio *t, struct virtq *q)
{
    if (q->num == 0 || q->num > VIRTQ_MAX_SIZE || (q->num & (q->num - 1)) != 0) {
        virtio_mmio_fail(t, "queue size is not a power of 2 up to QueueNumMax");
        return;
    }
    if (q->desc % 16 || q->avail % 2 || q->used % 4) {
        virtio_mmio_fail(t, "virtqueue area misaligned");
        return;
    }
    if (!dma_ptr(t->dma, q->desc, desc_table_bytes(q->num)) ||
        !dma_ptr(t->dma, q->avail, avail_ring_bytes(q->num)) ||
        !dma_ptr(t->dma, q->used, used_ring_bytes(q->num))) {
        virtio_mmio_fail(t, "virtqueue area outside RAM");
        return;
    }
    q->ready = true;
    q->last_avail = 0;
    q->used_idx = 0;
    q->used_since_signal = false;
}

/* QueueNotify. Before DRIVER_OK the notify is ignored: "The device MUST NOT consume buffers or
 * send any used buffer notifications to the driver before DRIVER_OK" (virtio 1.2, 3.1.2), and
 * the driver must not notify before then (3.1.1). Nothing is lost: the chains stay in the
 * available ring and the first notify after DRIVER_OK serves them all.
 *
 * QEMU differs here: hw/virtio/virtio-mmio.c hands every QueueNotify below VIRTIO_QUEUE_MAX to
 * virtio_queue_notify whatever the status, and its virtio-blk serves it, to humour legacy
 * (pre-1.0) Linux drivers that read the partition table before setting DRIVER_OK. rv39 offers
 * only the modern interface (Version 2), whose drivers set DRIVER_OK first, so it follows the
 * spec. An early notify is not a broken rule worth DEVICE_NEEDS_RESET either: ignoring it is
 * what keeps an early probe harmless. */
static void notify_queue(struct virtio_mmio *t, uint32_t index)
{
    if (t->status & VIRTIO_STATUS_NEEDS_RESET)
        return; /* stopped until the driver resets the device */
    if (!(t->status & VIRTIO_STATUS_DRIVER_OK)) return;
    if (index >= t->ops->num_queues || !t->queue[index].ready) {
        virtio_mmio_fail(t, "notify on a queue that is not ready");
        return;
    }
    t->ops->queue_notify(t->dev, t, index);
}

static void set_low(uint64_t *reg, uint32_t v)
{
    *reg = (*reg & ~0xffffffffull) | v;
}
static void set_high(uint64_t *reg, uint32_t v)
{
    *reg = (*reg & 0xffffffffull) | (uint64_t)v << 32;
}

static uint32_t read_register(struct virtio_mmio *t, uint64_t offset)
{
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION: return 2;
    case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
    default: break;
    }
    if (!t->ops) return 0; /* an empty slot: DeviceID 0 and nothing else */

    struct virtq *q = selected_queue(t);
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_ID: return t->ops->device_id;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return t->device_features_sel < 2
                   ? (uint32_t)(t->device_features >> (32 * t->device_features_sel))
                   : 0;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? VIRTQ_MAX_SIZE : 0;
    case VIRTIO_MMIO_QUEUE_READY: return q ? q->ready : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS: return t->interrupt_status;
    case VIRTIO_MMIO_STATUS: return t->status;
    case VIRTIO_MMIO_CONFIG_GENERATION: return t->config_generation;
    /* No device here has shared memory regions: "Reading from a non-existent region (i.e.
     * where the ID written to SHMSel is unused) results in a length of -1" (virtio 1.2,
     * 4.2.2); Linux's virtio_gpu takes a length of 0 for a region that exists. */
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH: return 0xffffffffu;
    default: return 0; /* write-only and unimplemented registers read as zero */
    }
}

static void write_register(struct virtio_mmio *t, uint64_t offset, uint32_t value)
{
    if (!t->ops) return;
    struct virtq *q = selected_queue(t);
    /* While a queue is ready the driver must not change its size or addresses: ignore it. */
    struct virtq *idle = q && !q->ready ? q : NULL;
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->device_features_sel = value; break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        /* Features are frozen once FEATURES_OK is set ("Feature Negotiation"). */
        if (t->status & VIRTIO_STATUS_FEATURES_OK) break;
        if (t->driver_features_sel == 0) set_low(&t->driver_features, value);
        if (t->driver_features_sel == 1) set_high(&t->driver_features, value);
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->driver_features_sel = value; break;
    case VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = value; break;
    case VIRTIO_MMIO_QUEUE_NUM:
        if (idle) idle->num = value;
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (!q) break;
        if (value & 1) {
            if (!q->ready) enable_queue(t, q);
        } else {
            q->ready = false;
        }
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY: notify_queue(t, value); break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        t->interrupt_status &= ~value;
        update_irq(t);
        break;
    case VIRTIO_MMIO_STATUS: write_status(t, value); break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        if (idle) set_low(&idle->desc, value);
        break;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        if (idle) set_high(&idle->desc, value);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        if (idle) set_low(&idle->avail, value);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        if (idle) set_high(&idle->avail, value);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        if (idle) set_low(&idle->used, value);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (idle) set_high(&idle->used, value);
        break;
    default: break; /* read-only or unimplemented: ignored */
    }
}

bool virtio_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct virtio_mmio *t = opaque;
    if (size == 8) {
        /* QEMU splits a 64-bit access into two 32-bit ones, low half first. */
        uint64_t lo, hi;
        virtio_mmio_read(t, offset, 4, &lo);
        virtio_mmio_read(t, offset + 4, 4, &hi);
        *value = lo | hi << 32;
        return true;
    }
    if (offset >= VIRTIO_MMIO_CONFIG) {
        *value = t->ops && t->ops->config_read
                     ? t->ops->config_read(t->dev, offset - VIRTIO_MMIO_CONFIG, size)
                     : 0;
        return true;
    }
    /* Control registers are 32-bit only ("MMIO Device Register Layout", driver
     * requirements); QEMU answers other sizes with 0, so do we. */
    *value = size == 4 && offset % 4 == 0 ? read_register(t, offset) : 0;
    return true;
}

bool virtio_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct virtio_mmio *t = opaque;
    if (size == 8) {
        virtio_mmio_write(t, offset, 4, (uint32_t)value);
        virtio_mmio_write(t, offset + 4, 4, value >> 32);
        return true;
    }
    if (offset >= VIRTIO_MMIO_CONFIG) {
        if (t->ops && t->ops->config_write)
            t->ops->config_write(t->dev, offset - VIRTIO_MMIO_CONFIG, size, value);
        return true;
    }
    if (size == 4 && offset % 4 == 0) write_register(t, offset, (uint32_t)value);
    return true;
}

/* --- the rings --- */

static enum virtq_pop_result broken(struct virtio_mmio *t, const char *why)
{
    virtio_mmio_fail(t, why);
    return VIRTQ_BROKEN;
}

/* Walk the chain starting at descriptor `head` ("The Virtqueue Descriptor Table", "Indirect
 * Descriptors"). A table of n entries holds a chain of at most n descriptors, so more steps
 * than that mean a loop. */
static enum virtq_pop_result walk_chain(struct virtio_mmio *t, const struct virtq *q, uint16_t head,
                                        struct virtq_chain *chain)
{
    uint64_t table = q->desc;
    uint32_t table_len = q->num;
    uint32_t index = head, steps = 0;
    bool in_indirect = false;

    *chain = (struct virtq_chain){.head = head};
    for (;;) {
        if (index >= table_len) return broken(t, "descriptor index past the end of its table");
        if (++steps > table_len)
            return broken(t, "descriptor chain loops or is longer than its table");
        const uint8_t *d = dma_ptr(t->dma, table + (uint64_t)index * DESC_SIZE, DESC_SIZE);
        if (!d) /* cannot happen: the tables were checked when enabled or entered */
            return broken(t, "descriptor outside RAM");
        uint64_t addr = ld64(d);
        uint32_t len = ld32(d + 8);
        uint16_t flags = ld16(d + 12), next = ld16(d + 14);

        if (flags & VIRTQ_DESC_F_INDIRECT) {
            /* "Indirect Descriptors": one table per descriptor, never nested, never with
             * NEXT, and a whole number of 16-byte entries. */
            if (in_indirect) return broken(t, "indirect descriptor inside an indirect table");
            if (flags & VIRTQ_DESC_F_NEXT) return broken(t, "indirect descriptor with NEXT set");
            if (len == 0 || len % DESC_SIZE != 0)
                return broken(t, "indirect table size is not a multiple of 16 bytes");
            if (addr % 16 || !dma_ptr(t->dma, addr, len))
                return broken(t, "indirect table misaligned or outside RAM");
            table = addr;
            table_len = len / DESC_SIZE;
            index = 0;
            steps = 0;
            in_indirect = true;
            continue;
        }

        bool writes = flags & VIRTQ_DESC_F_WRITE;
        /* "Message Framing": device-writable descriptors come after all readable ones. */
        if (!writes && chain->count > chain->readable)
            return broken(t, "device-readable descriptor after a device-writable one");
        if (chain->count == VIRTQ_MAX_CHAIN)
            return broken(t, "descriptor chain longer than the queue size");
        chain->buf[chain->count++] =
            (struct virtq_buf){.addr = addr, .len = len, .device_writes = writes};
        if (writes) {
            chain->write_bytes += len;
        } else {
            chain->readable++;
            chain->read_bytes += len;
        }
        if (!(flags & VIRTQ_DESC_F_NEXT)) return VIRTQ_CHAIN;
        index = next;
    }
}

enum virtq_pop_result virtio_mmio_pop(struct virtio_mmio *t, unsigned queue,
                                      struct virtq_chain *chain)
{
    if (queue >= VIRTIO_MMIO_MAX_QUEUES) return VIRTQ_EMPTY;
    struct virtq *q = &t->queue[queue];
    if (!q->ready || (t->status & VIRTIO_STATUS_NEEDS_RESET)) return VIRTQ_EMPTY;
    const uint8_t *avail = dma_ptr(t->dma, q->avail, avail_ring_bytes(q->num));
    if (!avail) return broken(t, "available ring outside RAM");

    uint16_t avail_idx = ld16(avail + 2);
    uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
    if (pending == 0) return VIRTQ_EMPTY;
    if (pending > q->num) return broken(t, "available index ran more than the queue size ahead");

    uint16_t head = ld16(avail + RING_HEADER + 2u * (q->last_avail % q->num));
    enum virtq_pop_result r = walk_chain(t, q, head, chain);
    if (r == VIRTQ_CHAIN) q->last_avail++;
    return r;
}

void virtio_mmio_push(struct virtio_mmio *t, unsigned queue, uint16_t head, uint32_t written)
{
    struct virtq *q = &t->queue[queue];
    uint8_t *used = dma_ptr(t->dma, q->used, used_ring_bytes(q->num));
    if (!q->ready || !used) return;
    uint64_t slot = RING_HEADER + 8ull * (q->used_idx % q->num);
    st32(used + slot, head);
    st32(used + slot + 4, written);
    dma_wrote(t->dma, q->used + slot, 8);
    /* The element is in place before idx says so: the driver reads idx first. */
    q->used_idx++;
    st16(used + 2, q->used_idx);
    dma_wrote(t->dma, q->used + 2, 2);
    q->used_since_signal = true;
}

void virtio_mmio_signal_used(struct virtio_mmio *t, unsigned queue)
{
    struct virtq *q = &t->queue[queue];
    if (!q->used_since_signal) return;
    q->used_since_signal = false;
    const uint8_t *avail = dma_ptr(t->dma, q->avail, RING_HEADER);
    /* "Used Buffer Notification Suppression" without VIRTIO_F_EVENT_IDX (not offered). */
    if (avail && (ld16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT)) return;
    t->interrupt_status |= VIRTIO_INT_USED_BUFFER;
    update_irq(t);
}
