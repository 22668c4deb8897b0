/* The virtio-mmio transport as QEMU's `virt` board presents it: a 0x1000-byte register window
 * per slot, device configuration space at 0x100, one interrupt line per slot, split virtqueues
 * in guest RAM. Two interfaces, chosen per machine as QEMU's `virtio-mmio.force-legacy`:
 *   - legacy (Version 1, QEMU 7.2's default; virtio 1.2 4.2.4 "Legacy interface"): the queue is
 *     one contiguous area at QueuePFN << log2(GuestPageSize), laid out as 2.7 "Legacy
 *     Interfaces: A Note on Virtqueue Layout" says, with the used ring at QueueAlign; 32
 *     feature bits, no VIRTIO_F_VERSION_1;
 *   - modern (Version 2, `force-legacy=false`; 4.2.2): separate QueueDesc/Driver/Device
 *     addresses, QueueReady, 64 feature bits with VIRTIO_F_VERSION_1.
 *
 * Spec: virtio 1.x, "Virtio Over MMIO" (register layout, initialisation) and "Split Virtqueues"
 * (descriptor table, available and used rings). The transport owns the registers, feature
 * negotiation, the status state machine and the rings; a device type (block, input, ...)
 * supplies a `struct virtio_device_ops` and consumes descriptor chains with virtio_mmio_pop /
 * virtio_mmio_push.
 *
 * A driver that breaks the rules (a notify on a queue that is not ready, a looping chain, a
 * ring outside RAM) never brings the emulator down: the transport sets DEVICE_NEEDS_RESET,
 * raises a configuration-change interrupt and ignores the queues until the driver resets the
 * device (spec: "Device Status Field", DEVICE_NEEDS_RESET). */
#ifndef RV39_VIRTIO_MMIO_H
#define RV39_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "dma.h"
#include "irq.h"

/* QEMU virt: eight slots from 0x10001000, 0x1000 apart, slot n on PLIC source 1 + n. */
#define VIRTIO_MMIO_BASE 0x10001000ull
#define VIRTIO_MMIO_STRIDE 0x1000ull
#define VIRTIO_MMIO_SIZE 0x1000ull
#define VIRTIO_MMIO_SLOTS 8
#define VIRTIO_MMIO_IRQ(slot) (1u + (slot))

#define VIRTIO_MMIO_MAGIC 0x74726976u  /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x554d4551u /* "QEMU": some guests check it */

/* Register offsets ("MMIO Device Register Layout"). */
enum virtio_mmio_reg {
    VIRTIO_MMIO_MAGIC_VALUE = 0x000,
    VIRTIO_MMIO_VERSION = 0x004,
    VIRTIO_MMIO_DEVICE_ID = 0x008,
    VIRTIO_MMIO_VENDOR_ID = 0x00c,
    VIRTIO_MMIO_DEVICE_FEATURES = 0x010,
    VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014,
    VIRTIO_MMIO_DRIVER_FEATURES = 0x020,
    VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024,
    VIRTIO_MMIO_GUEST_PAGE_SIZE = 0x028, /* legacy only */
    VIRTIO_MMIO_QUEUE_SEL = 0x030,
    VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034,
    VIRTIO_MMIO_QUEUE_NUM = 0x038,
    VIRTIO_MMIO_QUEUE_ALIGN = 0x03c, /* legacy only */
    VIRTIO_MMIO_QUEUE_PFN = 0x040,   /* legacy only */
    VIRTIO_MMIO_QUEUE_READY = 0x044,
    VIRTIO_MMIO_QUEUE_NOTIFY = 0x050,
    VIRTIO_MMIO_INTERRUPT_STATUS = 0x060,
    VIRTIO_MMIO_INTERRUPT_ACK = 0x064,
    VIRTIO_MMIO_STATUS = 0x070,
    VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080,
    VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084,
    VIRTIO_MMIO_QUEUE_DRIVER_LOW = 0x090,
    VIRTIO_MMIO_QUEUE_DRIVER_HIGH = 0x094,
    VIRTIO_MMIO_QUEUE_DEVICE_LOW = 0x0a0,
    VIRTIO_MMIO_QUEUE_DEVICE_HIGH = 0x0a4,
    VIRTIO_MMIO_SHM_SEL = 0x0ac,
    VIRTIO_MMIO_SHM_LEN_LOW = 0x0b0,
    VIRTIO_MMIO_SHM_LEN_HIGH = 0x0b4,
    VIRTIO_MMIO_SHM_BASE_LOW = 0x0b8,
    VIRTIO_MMIO_SHM_BASE_HIGH = 0x0bc,
    VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc,
    VIRTIO_MMIO_CONFIG = 0x100,
};

/* Device status bits ("Device Status Field"). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01u
#define VIRTIO_STATUS_DRIVER 0x02u
#define VIRTIO_STATUS_DRIVER_OK 0x04u
#define VIRTIO_STATUS_FEATURES_OK 0x08u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED 0x80u

/* InterruptStatus bits. */
#define VIRTIO_INT_USED_BUFFER 0x1u
#define VIRTIO_INT_CONFIG_CHANGE 0x2u

/* Reserved feature bits ("Reserved Feature Bits"). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1 32

/* Split virtqueue flags ("The Virtqueue Descriptor Table", "The Virtqueue Available Ring"). */
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

/* Queue size offered in QueueNumMax, and the longest descriptor chain accepted (spec: a chain
 * is never longer than the queue size; an indirect table counts its entries). */
#define VIRTQ_MAX_SIZE 256u
#define VIRTQ_MAX_CHAIN VIRTQ_MAX_SIZE
#define VIRTIO_MMIO_MAX_QUEUES 4
/* QueueSel values from here on are ignored, as QEMU ignores them (its VIRTIO_QUEUE_MAX). */
#define VIRTIO_MMIO_QUEUE_SEL_LIMIT 1024u
/* Legacy QueueAlign before the driver writes it: QEMU's (and the PCI legacy layout's) 4096. */
#define VIRTIO_LEGACY_DEFAULT_ALIGN 4096u

/* One guest buffer of a descriptor chain. Its address is the driver's word: devices reach it
 * through dma_ptr, which refuses anything outside RAM. */
struct virtq_buf {
    uint64_t addr;
    uint32_t len;
    bool device_writes; /* VIRTQ_DESC_F_WRITE: the device writes it, else it reads it */
};

/* A descriptor chain as virtio_mmio_pop hands it out: readable buffers first, then writable
 * ones (the transport refuses any other order). */
struct virtq_chain {
    uint16_t head; /* descriptor index that goes back in the used ring */
    unsigned count;
    unsigned readable; /* buf[0 .. readable) are device-readable, the rest device-writable */
    uint64_t read_bytes, write_bytes;
    struct virtq_buf buf[VIRTQ_MAX_CHAIN];
};

struct virtio_mmio;

/* What a device type supplies. Callbacks get `dev`, the pointer given to virtio_mmio_init. */
struct virtio_device_ops {
    const char *name; /* for messages: "virtio-blk" */
    uint32_t device_id;
    unsigned num_queues; /* at most VIRTIO_MMIO_MAX_QUEUES */
    /* Device configuration space at 0x100: `offset` is relative to it, size 1, 2 or 4.
     * Reads of bytes the device does not define should give 0. */
    uint64_t (*config_read)(void *dev, uint64_t offset, unsigned size);
    void (*config_write)(void *dev, uint64_t offset, unsigned size,
                         uint64_t value); /* may be NULL */
    /* The driver wrote `queue` to QueueNotify and that queue is ready: consume chains with
     * virtio_mmio_pop, answer them with virtio_mmio_push, then call virtio_mmio_signal_used. */
    void (*queue_notify)(void *dev, struct virtio_mmio *t, unsigned queue);
    /* The driver wrote 0 to Status: forget per-session state. May be NULL. */
    void (*reset)(void *dev);
};

/* One virtqueue's registers and the device's position in its rings. */
struct virtq {
    uint32_t num;
    bool ready; /* modern: QueueReady = 1 accepted; legacy: a valid QueuePFN is set */
    uint64_t desc, avail, used; /* guest-physical: descriptor table, driver area, device area */
    uint16_t last_avail;        /* next available-ring entry the device will take */
    uint16_t used_idx;          /* the device's copy of used->idx */
    bool used_since_signal;     /* something was pushed since the last virtio_mmio_signal_used */
};

struct virtio_mmio {
    const struct virtio_device_ops *ops; /* NULL: an empty slot (DeviceID 0) */
    void *dev;
    const struct dma *dma;
    struct irq_line irq;
    uint64_t device_features, driver_features;
    uint32_t device_features_sel, driver_features_sel, queue_sel;
    uint32_t status, interrupt_status, config_generation;
    struct virtq queue[VIRTIO_MMIO_MAX_QUEUES];
    /* The driver broke a rule: the queues are ignored until a reset. A modern device shows it
     * as DEVICE_NEEDS_RESET; a legacy one has no such bit and just stops (as QEMU's does). */
    bool broken;
    const char *fault; /* why the device broke (NULL if it did not) */
    /* Legacy interface (virtio_mmio_set_legacy). Like QEMU, a Status = 0 reset keeps the page
     * size and the alignments: Linux writes GuestPageSize once at probe, before its reset. */
    bool legacy;
    uint32_t guest_page_shift; /* log2(GuestPageSize); QueuePFN << it = the queue's address */
    uint32_t queue_align[VIRTIO_MMIO_MAX_QUEUES]; /* QueueAlign */
    FILE *log;     /* if set, each fault is reported there in one line */
    unsigned slot; /* for messages */
};

/* A transport carrying a device. `features` are the device's offered feature bits; the
 * transport adds VIRTIO_F_VERSION_1 and VIRTIO_F_INDIRECT_DESC (a legacy transport shows only
 * bits 0..31, so never VERSION_1). */
void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_device_ops *ops, void *dev,
                      uint64_t features, const struct dma *dma, struct irq_line irq);
/* An empty slot as QEMU shows one: magic, version, vendor, DeviceID 0, all else 0. */
void virtio_mmio_init_empty(struct virtio_mmio *t);
/* Choose the interface before the guest runs: legacy (Version 1) or modern (Version 2, what
 * virtio_mmio_init and virtio_mmio_init_empty give). */
void virtio_mmio_set_legacy(struct virtio_mmio *t, bool legacy);
/* Put the transport on the bus at slot `slot` (0..7): base 0x10001000 + slot * 0x1000. */
bool virtio_mmio_register(struct virtio_mmio *t, unsigned slot, struct bus *bus);

/* Bus callbacks (opaque = struct virtio_mmio *). Registers take 32-bit accesses; an 8-byte
 * access is split in two as QEMU does; other sizes read 0 and are ignored on write, as on
 * QEMU. The configuration space takes 1, 2, 4 (and split 8) byte accesses. */
bool virtio_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bool virtio_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);

/* --- for device types --- */
enum virtq_pop_result {
    VIRTQ_EMPTY,  /* nothing new in the available ring */
    VIRTQ_CHAIN,  /* *chain holds the next request */
    VIRTQ_BROKEN, /* the driver broke the ring: DEVICE_NEEDS_RESET is now set; stop */
};
/* Take the next available chain of `queue` and walk it into *chain (direct and indirect
 * descriptors). Chains that loop, run longer than the queue, leave the descriptor table,
 * nest indirect tables or put readable after writable buffers make the device need reset. */
enum virtq_pop_result virtio_mmio_pop(struct virtio_mmio *t, unsigned queue,
                                      struct virtq_chain *chain);
/* Return a chain to the driver through the used ring, `written` bytes written into it. */
void virtio_mmio_push(struct virtio_mmio *t, unsigned queue, uint16_t head, uint32_t written);
/* After a batch of pushes: raise the used-buffer interrupt unless the driver suppressed it
 * (VIRTQ_AVAIL_F_NO_INTERRUPT). */
void virtio_mmio_signal_used(struct virtio_mmio *t, unsigned queue);
/* The driver broke a rule: stop the queues until a reset; a modern device also sets
 * DEVICE_NEEDS_RESET and raises a configuration-change interrupt. `why` must be a string
 * literal (it is kept). */
void virtio_mmio_fail(struct virtio_mmio *t, const char *why);

#endif
