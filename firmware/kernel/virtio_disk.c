/* The disk: a virtio-blk device (virtio 1.x, oasis-tcs/virtio-spec) on the virtio-mmio
 * transport, one split virtqueue (2.7), one request at a time. Both interfaces of the
 * transport, as Linux's virtio_mmio drives both: version 2 ("modern", 4.2.2-4.2.3) and version 1
 * ("legacy", 4.2.4: QEMU's default, and rv39's, unless -global virtio-mmio.force-legacy=false).
 * They differ only in setting up: features (64 bits with VIRTIO_F_VERSION_1 and FEATURES_OK,
 * or 32 bits) and where the queue is (three addresses and QueueReady, or one page number with
 * the layout fixed by the spec, 2.7 "Legacy Interfaces: A Note on Virtqueue Layout").
 *
 * A request is a chain of three descriptors (5.2.6): the header the device reads (type and
 * sector), the data (read by the device for a write, written by it for a read) and the
 * status byte it writes. The driver puts the chain's head in the available ring and notifies
 * the device; the device hands the chain back through the used ring and interrupts (2.7.14
 * "Receiving Used Buffers", 4.2.3.4 "Notifications From The Device"), through the PLIC as
 * source 1 + slot.
 *
 * Waiting for the answer, two ways:
 *  - sleeping: the caller is a process holding fs_lock (fs.h), so nothing else in the
 *    storage stack runs under its feet. It proc_block()s on its request; the interrupt
 *    handler sees the used ring advance, records the status and wakes it. Meanwhile the
 *    scheduler runs other processes, or idles in wfi until the interrupt. (No timeout here:
 *    a device that never answers leaves the process asleep.)
 *  - polling: at boot (fs_init: no process yet, interrupts off) and for callers without
 *    fs_lock, the driver spins on the used ring, for 5 s at most.
 * The descriptors, header and status byte exist once, so requests are serialised: a request
 * finding another in flight sleeps until it is done (or, when it cannot sleep, polls the
 * other one to completion and hands its status over).
 *
 * The kernel's identity map makes every kernel address a physical address, which is what the
 * device needs in descriptors and queue registers. */
#include "fs.h"
#include "kernel.h"
#include "memlayout.h"
#include "plic.h"
#include "proc.h"
#include "riscv.h"

/* virtio-mmio registers (4.2.2), offsets from the slot's base. */
enum {
    MMIO_MAGIC = 0x000,
    MMIO_VERSION = 0x004,
    MMIO_DEVICE_ID = 0x008,
    MMIO_DEVICE_FEATURES = 0x010,
    MMIO_DEVICE_FEATURES_SEL = 0x014,
    MMIO_DRIVER_FEATURES = 0x020,
    MMIO_DRIVER_FEATURES_SEL = 0x024,
    MMIO_GUEST_PAGE_SIZE = 0x028, /* legacy */
    MMIO_QUEUE_SEL = 0x030,
    MMIO_QUEUE_NUM_MAX = 0x034,
    MMIO_QUEUE_NUM = 0x038,
    MMIO_QUEUE_ALIGN = 0x03c, /* legacy */
    MMIO_QUEUE_PFN = 0x040,   /* legacy */
    MMIO_QUEUE_READY = 0x044,
    MMIO_QUEUE_NOTIFY = 0x050,
    MMIO_INTERRUPT_STATUS = 0x060,
    MMIO_INTERRUPT_ACK = 0x064,
    MMIO_STATUS = 0x070,
    MMIO_QUEUE_DESC = 0x080,
    MMIO_QUEUE_DRIVER = 0x090,
    MMIO_QUEUE_DEVICE = 0x0a0,
    MMIO_CONFIG = 0x100, /* device-specific: virtio_blk_config, capacity first (5.2.4) */
};
#define VIRTIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_SLOTS 8
#define VIRTIO_SLOT_SIZE 0x1000ul

/* Device status bits (2.1). */
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8
#define STATUS_FAILED 128

/* Feature bits: VIRTIO_F_VERSION_1 (6) and the block device's flush command (5.2.3). */
#define F_BLK_RO (1ull << 5)
#define F_BLK_FLUSH (1ull << 9)
#define F_VERSION_1 (1ull << 32)

/* Split virtqueue (2.7): descriptor table, available ring, used ring. */
#define QUEUE_SIZE 8
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2 /* the device writes this buffer */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct virtq_avail {
    uint16_t flags, idx;
    uint16_t ring[QUEUE_SIZE];
};
struct virtq_used {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[QUEUE_SIZE];
};

/* Block requests (5.2.6). */
#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_T_FLUSH 4
#define BLK_S_OK 0
struct blk_req_header {
    uint32_t type, reserved;
    uint64_t sector;
};

/* How long a request may take before the driver gives up on the device. */
#define REQUEST_TIMEOUT_TICKS (5 * TIMEBASE_HZ)

/* One request, on its issuer's kernel stack (kernel memory is mapped in every address
 * space, so the interrupt handler reaches it whichever process it interrupts). */
struct disk_request {
    bool done;      /* the device returned the chain */
    uint8_t status; /* its status byte, copied before the next request reuses it */
};

static struct {
    uint64_t base;     /* the slot's registers; 0 when there is no disk */
    uint64_t capacity; /* in 512-byte sectors */
    bool can_flush, read_only;
    uint16_t used_seen;             /* used.idx as of the last completed request */
    struct disk_request *in_flight; /* the request the device has, or NULL */
    struct disk_stats stats;
} disk;

/* The queue in the legacy layout, which satisfies the modern alignments (2.7 "Virtqueue
 * Alignment": 16, 2 and 4 bytes) as well: from a page boundary the descriptor table, the
 * available ring with used_event, and the used ring at the next QUEUE_ALIGN boundary. A
 * legacy device finds all three from the first page's number; a modern one is given each. */
#define QUEUE_ALIGN 4096
#define QUEUE_PAGE 4096 /* what the driver tells a legacy device in GuestPageSize */
static struct {
    struct virtq_desc desc[QUEUE_SIZE];
    struct virtq_avail avail;
    uint16_t used_event;
    _Alignas(QUEUE_ALIGN) struct virtq_used used;
} vq __attribute__((aligned(QUEUE_PAGE)));
static struct blk_req_header header;
static volatile uint8_t status_byte;

static uint32_t reg_read(unsigned off)
{
    return *(volatile uint32_t *)(disk.base + off);
}

static void reg_write(unsigned off, uint32_t value)
{
    *(volatile uint32_t *)(disk.base + off) = value;
}

static void reg_write64(unsigned off, uint64_t value)
{
    reg_write(off, (uint32_t)value);
    reg_write(off + 4, (uint32_t)(value >> 32));
}

static uint64_t find_block_device(void)
{
    for (int slot = 0; slot < VIRTIO_SLOTS; slot++) {
        volatile uint32_t *r = (volatile uint32_t *)(VIRTIO_MMIO_BASE + slot * VIRTIO_SLOT_SIZE);
        if (r[MMIO_MAGIC / 4] != VIRTIO_MAGIC || r[MMIO_DEVICE_ID / 4] != VIRTIO_ID_BLOCK) continue;
        if (r[MMIO_VERSION / 4] != 1 && r[MMIO_VERSION / 4] != 2) {
            printf("disk: virtio-blk in slot %d has unknown version %u\n", slot,
                   r[MMIO_VERSION / 4]);
            continue;
        }
        return VIRTIO_MMIO_BASE + slot * VIRTIO_SLOT_SIZE;
    }
    return 0;
}

static bool fail_init(const char *why)
{
    printf("disk: %s\n", why);
    reg_write(MMIO_STATUS, STATUS_FAILED);
    disk.base = 0;
    return false;
}

/* Features (4) and the request queue (7) on the modern interface, as 3.1.1 lists them. */
static bool init_modern(uint64_t *wanted)
{
    /* 4. VERSION_1 (required of a modern device), flush when offered. */
    reg_write(MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t offered = reg_read(MMIO_DEVICE_FEATURES);
    reg_write(MMIO_DEVICE_FEATURES_SEL, 1);
    offered |= (uint64_t)reg_read(MMIO_DEVICE_FEATURES) << 32;
    if (!(offered & F_VERSION_1)) return fail_init("virtio-blk without VIRTIO_F_VERSION_1");
    *wanted = F_VERSION_1 | (offered & (F_BLK_FLUSH | F_BLK_RO));
    reg_write(MMIO_DRIVER_FEATURES_SEL, 0);
    reg_write(MMIO_DRIVER_FEATURES, (uint32_t)*wanted);
    reg_write(MMIO_DRIVER_FEATURES_SEL, 1);
    reg_write(MMIO_DRIVER_FEATURES, (uint32_t)(*wanted >> 32));

    /* 5.-6. FEATURES_OK, and read it back: the device clears it if it disagrees. */
    reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if (!(reg_read(MMIO_STATUS) & STATUS_FEATURES_OK))
        return fail_init("the device refused our features");

    /* 7. the request queue (queue 0), 4.2.3.2. */
    reg_write(MMIO_QUEUE_SEL, 0);
    if (reg_read(MMIO_QUEUE_READY)) return fail_init("queue 0 is already live after reset");
    if (reg_read(MMIO_QUEUE_NUM_MAX) < QUEUE_SIZE) return fail_init("queue 0 is too small");
    reg_write(MMIO_QUEUE_NUM, QUEUE_SIZE);
    reg_write64(MMIO_QUEUE_DESC, (uint64_t)vq.desc);
    reg_write64(MMIO_QUEUE_DRIVER, (uint64_t)&vq.avail);
    reg_write64(MMIO_QUEUE_DEVICE, (uint64_t)&vq.used);
    reg_write(MMIO_QUEUE_READY, 1);
    return true;
}

/* The same on the legacy interface (4.2.4, "Legacy interface: Device Initialization"): 32
 * feature bits and no FEATURES_OK; the page size, then the queue by its page number. */
static bool init_legacy(uint64_t *wanted)
{
    reg_write(MMIO_DEVICE_FEATURES_SEL, 0);
    *wanted = reg_read(MMIO_DEVICE_FEATURES) & (F_BLK_FLUSH | F_BLK_RO);
    reg_write(MMIO_DRIVER_FEATURES_SEL, 0);
    reg_write(MMIO_DRIVER_FEATURES, (uint32_t)*wanted);

    reg_write(MMIO_GUEST_PAGE_SIZE, QUEUE_PAGE);
    reg_write(MMIO_QUEUE_SEL, 0);
    if (reg_read(MMIO_QUEUE_PFN)) return fail_init("queue 0 is already in use after reset");
    if (reg_read(MMIO_QUEUE_NUM_MAX) < QUEUE_SIZE) return fail_init("queue 0 is too small");
    reg_write(MMIO_QUEUE_NUM, QUEUE_SIZE);
    reg_write(MMIO_QUEUE_ALIGN, QUEUE_ALIGN);
    reg_write(MMIO_QUEUE_PFN, (uint32_t)((uint64_t)&vq / QUEUE_PAGE));
    return true;
}

/* Driver initialisation, step by step as 3.1.1 lists it. */
bool virtio_disk_init(void)
{
    disk.base = find_block_device();
    if (!disk.base) return false;
    bool legacy = reg_read(MMIO_VERSION) == 1;

    reg_write(MMIO_STATUS, 0);                                  /* 1. reset */
    reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE);                 /* 2. a guest noticed it */
    reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER); /* 3. and can drive it */

    /* flags 0: the device interrupts when it returns a chain (2.7.7 "Used Buffer
     * Notification Suppression" would let us turn that off; polled requests just
     * acknowledge the interrupt). */
    memset(&vq, 0, sizeof vq);
    disk.used_seen = 0;
    disk.in_flight = NULL;
    uint64_t wanted;
    if (!(legacy ? init_legacy(&wanted) : init_modern(&wanted))) return false;

    /* 8. live. */
    reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK |
                               (legacy ? 0 : STATUS_FEATURES_OK));

    uint32_t slot = (uint32_t)((disk.base - VIRTIO_MMIO_BASE) / VIRTIO_SLOT_SIZE);
    plic_enable(IRQ_VIRTIO(slot), virtio_disk_intr);

    disk.capacity = *(volatile uint64_t *)(disk.base + MMIO_CONFIG);
    disk.can_flush = wanted & F_BLK_FLUSH;
    disk.read_only = wanted & F_BLK_RO;
    printf("disk: virtio-blk at 0x%lx (%s), %lu sectors (%lu MiB)%s\n", disk.base,
           legacy ? "legacy" : "modern", disk.capacity, disk.capacity >> 11,
           disk.read_only ? ", read-only" : "");
    return true;
}

bool virtio_disk_present(void)
{
    return disk.base != 0;
}

bool virtio_disk_read_only(void)
{
    return disk.read_only;
}

uint64_t virtio_disk_sectors(void)
{
    return disk.capacity;
}

/* The device returned the request in flight (used.idx moved past used_seen): hand its
 * status to its issuer and wake it, and whoever waits for the queue. */
static void complete_in_flight(void)
{
    __sync_synchronize(); /* the used entry, status and data after the index (2.7.14) */
    disk.used_seen++;
    struct disk_request *req = disk.in_flight;
    disk.in_flight = NULL;
    req->status = status_byte;
    req->done = true;
    proc_wakeup(req);
    proc_wakeup(&disk.in_flight);
}

static bool used_ring_advanced(void)
{
    return *(volatile uint16_t *)&vq.used.idx != disk.used_seen;
}

/* Spins until the request in flight completes; -1 (and the disk disabled) when the device
 * does not answer in time. Acknowledges the interrupt the device raised meanwhile. */
static int poll_in_flight(void)
{
    uint64_t deadline = csr_read(time) + REQUEST_TIMEOUT_TICKS;
    while (!used_ring_advanced()) {
        if (csr_read(time) > deadline) {
            /* The chain is still the device's: reusing the queue is unsafe. Give up on it,
             * and on the request (a sleeper's, perhaps: it wakes to a failure). */
            printf("disk: no answer from the device, disk disabled\n");
            disk.base = 0;
            struct disk_request *req = disk.in_flight;
            disk.in_flight = NULL;
            req->status = 0xff;
            req->done = true;
            proc_wakeup(req);
            proc_wakeup(&disk.in_flight);
            return -1;
        }
    }
    complete_in_flight();
    uint32_t why = reg_read(MMIO_INTERRUPT_STATUS);
    if (why) reg_write(MMIO_INTERRUPT_ACK, why); /* lower the line we did not need */
    return 0;
}

/* Puts the chain in the available ring and tells the device (2.7.13 "Supplying Buffers to
 * the Device"). buf may be NULL for a flush. */
static void publish(uint32_t type, uint64_t sector, void *buf, uint32_t len, bool device_writes)
{
    header = (struct blk_req_header){.type = type, .sector = sector};
    status_byte = 0xff;
    int n = 0;
    vq.desc[n] = (struct virtq_desc){(uint64_t)&header, sizeof header, DESC_F_NEXT, 1};
    n++;
    if (buf) {
        vq.desc[n] = (struct virtq_desc){
            (uint64_t)buf, len, (uint16_t)(DESC_F_NEXT | (device_writes ? DESC_F_WRITE : 0)),
            (uint16_t)(n + 1)};
        n++;
    }
    vq.desc[n] = (struct virtq_desc){(uint64_t)&status_byte, 1, DESC_F_WRITE, 0};

    vq.avail.ring[vq.avail.idx % QUEUE_SIZE] = 0; /* the chain starts at descriptor 0 */
    __sync_synchronize(); /* the ring entry before the index that publishes it */
    vq.avail.idx++;
    __sync_synchronize(); /* the index before the notification */
    reg_write(MMIO_QUEUE_NOTIFY, 0);
}

/* Sends one request and waits for the device to return it: asleep when the caller may
 * sleep (a process holding fs_lock), else polling. */
static int request(uint32_t type, uint64_t sector, void *buf, uint32_t len, bool device_writes)
{
    bool can_sleep = sleeplock_held(&fs_lock);
    while (disk.in_flight) { /* the queue is someone else's */
        if (can_sleep)
            proc_block(&disk.in_flight);
        else if (poll_in_flight() < 0)
            return -1;
    }
    if (!disk.base) return -1; /* disabled while we waited */

    struct disk_request req = {.done = false};
    disk.in_flight = &req;
    disk.stats.requests++;
    publish(type, sector, buf, len, device_writes);
    if (can_sleep) {
        disk.stats.sleeps++;
        while (!req.done) /* virtio_disk_intr sets it */
            proc_block(&req);
    } else {
        disk.stats.polled++;
        if (poll_in_flight() < 0) return -1;
    }
    if (req.status != BLK_S_OK) {
        printf("disk: request type %u for sector %lu failed with status %u\n", type, sector,
               req.status);
        return -1;
    }
    return 0;
}

int virtio_disk_rw(uint64_t sector, void *buf, uint32_t len, bool write)
{
    if (!disk.base || len == 0 || len % SECTOR_SIZE) return -1;
    if (sector > disk.capacity || len / SECTOR_SIZE > disk.capacity - sector) return -1;
    if (write && disk.read_only) return -1;
    return request(write ? BLK_T_OUT : BLK_T_IN, sector, buf, len, !write);
}

int virtio_disk_flush(void)
{
    if (!disk.base) return -1;
    return disk.can_flush ? request(BLK_T_FLUSH, 0, NULL, 0, false) : 0;
}

/* 4.2.3.4 "Notifications From The Device": InterruptStatus says why (bit 0: a used
 * buffer), InterruptACK clears it and lowers the line. Runs from plic_dispatch with
 * interrupts off; it never blocks. */
void virtio_disk_intr(void)
{
    if (!disk.base) return;
    disk.stats.interrupts++;
    uint32_t why = reg_read(MMIO_INTERRUPT_STATUS);
    if (why) reg_write(MMIO_INTERRUPT_ACK, why);
    if (disk.in_flight && used_ring_advanced()) complete_in_flight();
}

void virtio_disk_get_stats(struct disk_stats *out)
{
    *out = disk.stats;
}
