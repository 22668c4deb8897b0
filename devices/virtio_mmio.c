/* virtio-mmio transport, legacy and modern interfaces (devices/virtio_mmio.h).
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
 * chains in avail.ring[last_avail .. avail.idx) and answers each in used.ring[used.idx].
 *
 * A modern driver gives the three addresses. A legacy driver gives one, QueuePFN << log2(
 * GuestPageSize), and the three parts follow each other (virtio 1.2, 2.7 "Legacy Interfaces: A
 * Note on Virtqueue Layout"; 4.2.4 "Legacy interface"):
 *
 *   QueuePFN * GuestPageSize -> descriptor table       16 * N bytes
 *                               available ring         2 * (3 + N) bytes (with used_event)
 *                               padding up to the next multiple of QueueAlign
 *                               used ring              2 * 3 + 8 * N bytes (with avail_event)
 *
 * Every one of those values comes from the guest: the areas go through the same checks as a
 * modern driver's before the device trusts them. */
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

/* A legacy queue that the driver did not size is as large as QueueNumMax says (QEMU keeps
 * the device's own default there). */
static void legacy_default_sizes(struct virtio_mmio *t)
{
    for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
        t->queue[i].num = VIRTQ_MAX_SIZE;
}

void virtio_mmio_set_legacy(struct virtio_mmio *t, bool legacy)
{
    t->legacy = legacy;
    t->guest_page_shift = 0; /* QEMU's power-on value: QueuePFN is a byte address until set */
    for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
        t->queue_align[i] = VIRTIO_LEGACY_DEFAULT_ALIGN;
    if (legacy) legacy_default_sizes(t);
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
    if (!t->broken) {
        t->fault = why; /* keep the first reason: later ones are usually its echoes */
        if (t->log)
            fprintf(t->log, "rv39: virtio-mmio.%u (%s): %s; device needs reset\n", t->slot,
                    t->ops ? t->ops->name : "empty", why);
    }
    t->broken = true;
    /* DEVICE_NEEDS_RESET is a virtio 1.0 status bit (2.1 "Device Status Field"); a legacy
     * driver knows nothing of it. QEMU's virtio_error likewise sets it, and notifies, only
     * when VIRTIO_F_VERSION_1 was negotiated. */
    if (t->legacy) return;
    t->status |= VIRTIO_STATUS_NEEDS_RESET;
    t->interrupt_status |= VIRTIO_INT_CONFIG_CHANGE;
    update_irq(t);
}

/* Status 0: back to the state after power-on ("Device Reset"). */
static void device_reset(struct virtio_mmio *t)
{
    t->driver_features = 0;
    /* QEMU keeps the feature selectors across a Status = 0 reset; legacy drivers (Linux's
     * among them) never expect otherwise. The modern interface starts them over. */
    if (!t->legacy) t->device_features_sel = t->driver_features_sel = 0;
    t->queue_sel = 0;
    t->status = 0;
    t->interrupt_status = 0;
    t->broken = false;
    t->fault = NULL;
    memset(t->queue, 0, sizeof(t->queue));
    if (t->legacy) legacy_default_sizes(t);
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
    /* A legacy device has no FEATURES_OK handshake (2.1.2 "Legacy Interface: A Note on Device
     * Status Field"): QEMU stores what the driver writes. xv6 writes FEATURES_OK anyway. */
    if (t->legacy) {
        t->status = value;
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

static bool is_power_of_2(uint64_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

/* Check what the driver set up before trusting it ("Virtqueue Configuration"; "Split
 * Virtqueues" gives the sizes and alignments). */
static bool rings_valid(struct virtio_mmio *t, const struct virtq *q)
{
    if (q->num > VIRTQ_MAX_SIZE || !is_power_of_2(q->num)) {
        virtio_mmio_fail(t, "queue size is not a power of 2 up to QueueNumMax");
        return false;
    }
    if (q->desc % 16 || q->avail % 2 || q->used % 4) {
        virtio_mmio_fail(t, "virtqueue area misaligned");
        return false;
    }
    if (!dma_ptr(t->dma, q->desc, desc_table_bytes(q->num)) ||
        !dma_ptr(t->dma, q->avail, avail_ring_bytes(q->num)) ||
        !dma_ptr(t->dma, q->used, used_ring_bytes(q->num))) {
        virtio_mmio_fail(t, "virtqueue area outside RAM");
        return false;
    }
    return true;
}

static void start_queue(struct virtq *q)
{
    q->ready = true;
    q->last_avail = 0;
    q->used_idx = 0;
    q->used_since_signal = false;
}

/* QueueReady = 1 (modern). */
static void enable_queue(struct virtio_mmio *t, struct virtq *q)
{
    if (rings_valid(t, q)) start_queue(q);
}

/* Legacy: the driver wrote QueuePFN, QueueNum or QueueAlign. Like QEMU's
 * virtio_queue_update_rings, lay the queue out again from its address (2.7 "Legacy
 * Interfaces: A Note on Virtqueue Layout") whenever one of them changes; a queue whose
 * QueuePFN is 0 is not in use. Moving a queue in use keeps the device's ring positions, as
 * QEMU does. */
static void legacy_place_queue(struct virtio_mmio *t, struct virtq *q, uint32_t align)
{
    bool was_ready = q->ready;
    q->ready = false;
    if (q->desc == 0) return;
    /* 4.2.4: QueueAlign "should be a power of 2". QEMU rounds up to whatever it is given;
     * rv39 takes the spec at its word and stops the device. A power of 2 below 4 that leaves
     * the used ring misaligned (2.7 "Virtqueue Alignment") is caught by rings_valid. */
    if (!is_power_of_2(align)) {
        virtio_mmio_fail(t, "QueueAlign is not a power of 2");
        return;
    }
    /* desc < 2^63 (a 32-bit PFN shifted by at most 31), the ring sizes < 2^37, align <= 2^31:
     * nothing below wraps, and rings_valid refuses what is not RAM. */
    q->avail = q->desc + desc_table_bytes(q->num);
    uint64_t avail_end = q->avail + avail_ring_bytes(q->num);
    q->used = (avail_end + align - 1) & ~((uint64_t)align - 1);
    if (!rings_valid(t, q)) return;
    if (was_ready)
        q->ready = true;
    else
        start_queue(q);
}

/* QueueNotify. On the modern interface, before DRIVER_OK the notify is ignored: "The device
 * MUST NOT consume buffers or send any used buffer notifications to the driver before
 * DRIVER_OK" (virtio 1.2, 3.1.2), and the driver must not notify before then (3.1.1). Nothing
 * is lost: the chains stay in the available ring and the first notify after DRIVER_OK serves
 * them all. An early notify is not a broken rule worth DEVICE_NEEDS_RESET either: ignoring it
 * is what keeps an early probe harmless.
 *
 * The legacy interface serves it whatever the status: "Legacy driver implementations often
 * used the device before setting the DRIVER_OK bit" (2.1.2), e.g. pre-1.0 Linux reading the
 * partition table, and QEMU's virtio-mmio hands every QueueNotify to the device. A notify of a
 * queue without a QueuePFN is ignored there (QEMU's virtio_queue_notify skips a queue with no
 * ring), so here too. */
static void notify_queue(struct virtio_mmio *t, uint32_t index)
{
    if (t->broken) return; /* stopped until the driver resets the device */
    if (t->legacy) {
        if (index < t->ops->num_queues && t->queue[index].ready)
            t->ops->queue_notify(t->dev, t, index);
        return;
    }
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

/* Reads and writes follow QEMU 7.2's hw/virtio/virtio-mmio.c in each mode: registers of the
 * other interface read 0 and ignore writes (QueueReady, ConfigGeneration and the queue
 * addresses on a legacy device; GuestPageSize, QueueAlign and QueuePFN on a modern one). */
static uint32_t read_register(struct virtio_mmio *t, uint64_t offset)
{
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION: return t->legacy ? 1 : 2;
    case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
    default: break;
    }
    if (!t->ops) return 0; /* an empty slot: DeviceID 0 and nothing else */

    struct virtq *q = selected_queue(t);
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_ID: return t->ops->device_id;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        /* Legacy: 32 bits, "HostFeaturesSel ... only 0 is valid" reading 0 otherwise (4.2.4),
         * so VIRTIO_F_VERSION_1 (bit 32) is never offered. */
        if (t->legacy) return t->device_features_sel ? 0 : (uint32_t)t->device_features;
        return (uint32_t)(t->device_features >> (32 * t->device_features_sel));
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? VIRTQ_MAX_SIZE : 0;
    case VIRTIO_MMIO_QUEUE_READY: return q && !t->legacy ? q->ready : 0;
    /* Legacy: "Reading from this register returns the currently used page number of the
     * queue" (4.2.4), i.e. the address in pages of the size the driver gives now. */
    case VIRTIO_MMIO_QUEUE_PFN:
        return q && t->legacy ? (uint32_t)(q->desc >> t->guest_page_shift) : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS: return t->interrupt_status;
    case VIRTIO_MMIO_STATUS: return t->status;
    case VIRTIO_MMIO_CONFIG_GENERATION: return t->legacy ? 0 : t->config_generation;
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

/* The legacy-only registers (4.2.4). */
static void write_legacy_register(struct virtio_mmio *t, struct virtq *q, uint64_t offset,
                                  uint32_t value)
{
    switch (offset) {
    case VIRTIO_MMIO_GUEST_PAGE_SIZE:
        /* "The driver writes the guest page size in bytes ... should be a power of 2": QEMU
         * takes the position of the lowest set bit, and 0 (no bit) as a shift of 0. */
        t->guest_page_shift = value ? (uint32_t)__builtin_ctz(value) : 0;
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        /* Only GuestFeaturesSel 0 exists; as with QEMU's virtio_set_features, the accepted
         * bits are the offered ones, and nothing changes once the driver set FEATURES_OK. */
        if (t->driver_features_sel == 0 && !(t->status & VIRTIO_STATUS_FEATURES_OK))
            t->driver_features = value & (uint32_t)t->device_features;
        break;
    case VIRTIO_MMIO_QUEUE_NUM:
        if (q && value) { /* QEMU ignores 0: a queue cannot stop existing */
            q->num = value;
            legacy_place_queue(t, q, t->queue_align[q - t->queue]);
        }
        break;
    case VIRTIO_MMIO_QUEUE_ALIGN:
        if (q && value) { /* QEMU ignores 0 */
            t->queue_align[q - t->queue] = value;
            legacy_place_queue(t, q, value);
        }
        break;
    case VIRTIO_MMIO_QUEUE_PFN:
        /* "When the driver stops using the queue it writes zero (0x0) to this register"
         * (4.2.4): that queue is released. QEMU resets the whole device instead; rv39 follows
         * the spec, which drivers (Linux's vm_del_vq) rely on no more than QEMU's reading. */
        if (!q) break;
        q->desc = (uint64_t)value << t->guest_page_shift;
        legacy_place_queue(t, q, t->queue_align[q - t->queue]);
        break;
    default: break; /* QueueReady and the 64-bit queue addresses do not exist here */
    }
}

static void write_register(struct virtio_mmio *t, uint64_t offset, uint32_t value)
{
    if (!t->ops) return;
    struct virtq *q = selected_queue(t);
    /* While a queue is ready the driver must not change its size or addresses: ignore it. */
    struct virtq *idle = q && !q->ready ? q : NULL;
    switch (offset) {
    /* QEMU keeps the selectors to 0 or 1, so any nonzero value selects the high word. */
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->device_features_sel = value != 0; return;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->driver_features_sel = value != 0; return;
    case VIRTIO_MMIO_QUEUE_SEL:
        if (value < VIRTIO_MMIO_QUEUE_SEL_LIMIT) t->queue_sel = value;
        return;
    case VIRTIO_MMIO_QUEUE_NOTIFY: notify_queue(t, value); return;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        t->interrupt_status &= ~value;
        update_irq(t);
        return;
    case VIRTIO_MMIO_STATUS: write_status(t, value); return;
    default: break;
    }
    if (t->legacy) {
        write_legacy_register(t, q, offset, value);
        return;
    }
    switch (offset) {
    case VIRTIO_MMIO_DRIVER_FEATURES:
        /* Features are frozen once FEATURES_OK is set ("Feature Negotiation"). */
        if (t->status & VIRTIO_STATUS_FEATURES_OK) break;
        if (t->driver_features_sel == 0) set_low(&t->driver_features, value);
        if (t->driver_features_sel == 1) set_high(&t->driver_features, value);
        break;
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
    default: break; /* read-only, legacy-only or unimplemented: ignored */
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
    if (!q->ready || t->broken) return VIRTQ_EMPTY;
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
