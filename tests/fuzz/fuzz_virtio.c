/* fuzz_virtio: virtio-mmio (devices/virtio_mmio.c) carrying virtio-blk (devices/virtio_blk.c),
 * virtio-rng (devices/virtio_rng.c) or virtio-net (devices/virtio_net.c), driven by a fuzzed
 * guest: register accesses, a guest-RAM image with the rings, descriptor chains and indirect
 * tables, and a scratch disk (a memfd, so FLUSH's fdatasync costs nothing).
 *
 * Input (seeds_virtio.py writes valid ones):
 *   u8 config (bit 0: the read-only disk; bits 1-2 and 4: the device, 0 blk, 1 rng, 2 net,
 *      3 input, 4 gpu, 5-7 blk; bit 3: the rng's host source runs dry after half of each
 *      buffer; the input device is a tablet, not a keyboard; bit 5: the legacy interface,
 *      version 1, with GuestPageSize, QueueAlign and QueuePFN) |
 *   u16 image length | the image, at RAM offset 0 |
 *   ops, 11 bytes each: u8 code | u16 offset | u64 value, where code & 3 is the kind and
 *   1 << ((code >> 2) & 3) the width:
 *     0  MMIO write of `width` bytes at register offset & 0xfff (QueueNotify among them)
 *     1  MMIO read
 *     2  RAM write of `width` bytes of value at RAM offset (the driver filling its rings)
 *     3  the driver submits chain head `offset` (value & 15) + 1 times to queue
 *        (value >> 5) & 1's available ring (queue 0 but for net and input), then notifies when
 *        value & 16; for net, value & 64 instead makes the backend deliver a frame of
 *        ((value >> 8) & 0xffff) % 1600 bytes, filled with (value >> 24) + i; for input, it
 *        makes the host report a key or a tablet move (inject_input, from value >> 8)
 *
 * Oracles, besides ASan/UBSan and the PROT_NONE guard pages around the 16 KiB of RAM:
 *   - the disk changes only where a completed VIRTIO_BLK_T_OUT with status OK says, and holds
 *     exactly that request's data: the harness keeps its own copy of the disk, updated from
 *     each completion as the device saw the request (the RAM at the moment it took the chain);
 *     any other changed sector is a stray one;
 *   - status OK only for a valid request (whole sectors, inside the disk, writable disk);
 *   - every RAM byte the device changes is reported through dma_wrote (the hart's decoded-code
 *     cache depends on it), and none outside RAM or outside a notify;
 *   - the used ring names the chain that was served, and that chain walked again from RAM by
 *     the harness has the buffers the transport handed the device; the interrupt line follows
 *     InterruptStatus.
 *   - input: events are 8 bytes, one per eventq buffer, used.len 0 elsewhere;
 *   - gpu: a response fits the chain and a control header with display info; the host
 *     memory the resources hold is what the device counts, never over its limit; the
 *     scanout (a 64 x 48 framebuffer on the heap) is written only inside (ASan);
 *   - rng, net receive, input and gpu: every RAM byte the device writes lies in a device-writable
 * buffer of the chain it serves, or in a used ring; used.len never exceeds what the chain can hold
 * (rng: nor VIRTIO_RNG_MAX_REQUEST); a received frame's used.len is 0 (dropped) or header + frame,
 * in the order the backend delivered them;
 *   - net transmit: the backend gets exactly the chain's readable bytes after the header, and
 *     only from chains of at least a header and an Ethernet header.
 *   - every live queue lies in RAM, whatever page size, page number, alignment and size the
 *     driver gave; on the legacy interface it is laid out as virtio 1.2, 2.7 "Legacy
 *     Interfaces: A Note on Virtqueue Layout" says (recomputed here from the registers'
 *     values), the device says version 1 and never offers feature bits past 31.
 * Completions are seen as they happen through the dma `written` callback: the status byte is
 * the last single byte reported before the used-ring index moves (devices/virtio_blk.c,
 * serve() then virtio_mmio_push()). */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "devices/virtio_gpu.h"
#include "devices/virtio_input.h"
#include "devices/virtio_net.h"
#include "devices/virtio_rng.h"
#include "fuzz.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (16u << 10) /* room for a 256-entry queue; small to copy and compare */
#define DISK_SECTORS 32u
#define DISK_BYTES (DISK_SECTORS * VIRTIO_BLK_SECTOR)
#define OP_BYTES 11
#define HEADER_BYTES 16u

struct drive {
    struct virtio_blk blk;
    int fd; /* the harness's own view of the image */
};

static uint8_t *ram;
static uint8_t before[RAM_SIZE];   /* RAM when the current notify began */
static uint8_t seen[RAM_SIZE];     /* RAM when the device took the chain it is serving */
static uint8_t reported[RAM_SIZE]; /* bytes reported through dma_wrote in this notify */
static struct dma dma;
static struct virtio_mmio t;
static struct drive drives[2]; /* read-write, read-only */
static struct drive *drive;    /* this input's, when the device is blk */
enum device { DEV_BLK, DEV_RNG, DEV_NET, DEV_INPUT, DEV_GPU };
static enum device device;
static struct virtio_rng rng;
static struct virtio_net net;
static struct virtio_input input;
static struct virtio_gpu gpu;
static struct framebuffer scanout; /* the GPU's: 64 x 48 */
static bool rng_dry;               /* the rng's source gives half of what is asked */
static uint8_t tx_seen[RAM_SIZE];  /* RAM when the device took the chain it now transmits */
static uint16_t frame_len[VIRTIO_NET_PENDING]; /* accepted, not yet in a used ring: their lengths */
static unsigned frames_head, frames_count;
static uint8_t pattern[DISK_BYTES], shadow[DISK_BYTES], disk_now[DISK_BYTES];
static bool in_notify, irq_level;
static uint16_t seen_used[2]; /* queues 0 and 1: used index as last seen */
static int last_byte;         /* value of the last single byte reported written, or -1 */

static uint64_t *requests, *writes, *reads, *resets, *stray, *entropy, *sent, *received, *events,
    *gpu_commands;

static void open_drive(struct drive *d, bool readonly)
{
    d->fd = memfd_create(readonly ? "fuzz_virtio_ro" : "fuzz_virtio_rw", MFD_CLOEXEC);
    if (d->fd < 0 || pwrite(d->fd, pattern, DISK_BYTES, 0) != DISK_BYTES)
        fuzz_fail("cannot make the scratch disk");
    char path[64], err[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", d->fd);
    if (!virtio_blk_open(&d->blk, path, readonly, err, sizeof err))
        fuzz_fail("virtio_blk_open: %s", err);
}

static void irq_set_level(void *opaque, unsigned num, bool level)
{
    (void)opaque;
    (void)num;
    irq_level = level;
}

/* Bytes [from, from + len) of the readable (or writable) part of the chain, as RAM held them
 * in `mem`; false if any lies outside RAM. */
static bool gather(const struct virtq_chain *c, const uint8_t *mem, bool readable, uint64_t from,
                   uint64_t len, uint8_t *out)
{
    uint64_t pos = 0;
    for (unsigned i = 0; i < c->count && len; i++) {
        const struct virtq_buf *b = &c->buf[i];
        if (b->device_writes == readable) continue;
        uint64_t end = pos + b->len;
        if (end > from) {
            uint64_t skip = from > pos ? from - pos : 0, n = b->len - skip;
            if (n > len) n = len;
            uint64_t off = b->addr + skip - RAM_BASE;
            if (b->addr + skip < RAM_BASE || off > RAM_SIZE || n > RAM_SIZE - off) return false;
            memcpy(out, mem + off, n);
            out += n;
            len -= n;
            from += n;
        }
        pos = end;
    }
    return len == 0;
}

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static bool on_disk(uint64_t sector, uint64_t bytes)
{
    return bytes % VIRTIO_BLK_SECTOR == 0 && sector <= DISK_SECTORS &&
           bytes / VIRTIO_BLK_SECTOR <= DISK_SECTORS - sector;
}

/* The chain at `head` walked again from the RAM the device took it from, as the spec draws it
 * ("The Virtqueue Descriptor Table", "Indirect Descriptors"), without the transport's
 * validity rules: for a chain the transport accepted, the buffers must be the same. */
static void check_chain(const struct virtq_chain *c, unsigned queue, const uint8_t *mem)
{
    const struct virtq *q = &t.queue[queue];
    uint64_t table = q->desc, entries = q->num, index = c->head;
    unsigned count = 0;
    for (unsigned steps = 0;; steps++) {
        uint64_t off = table + 16 * index - RAM_BASE;
        if (steps > 2 * VIRTQ_MAX_SIZE || index >= entries || table < RAM_BASE ||
            off > RAM_SIZE - 16)
            fuzz_fail("the transport accepted chain %u, which does not end in RAM", c->head);
        const uint8_t *d = mem + off;
        uint64_t addr = le(d, 8);
        uint32_t len = (uint32_t)le(d + 8, 4);
        uint16_t flags = (uint16_t)le(d + 12, 2);
        if (flags & VIRTQ_DESC_F_INDIRECT) {
            table = addr;
            entries = len / 16;
            index = 0;
            continue;
        }
        if (count == c->count)
            fuzz_fail("chain %u has more buffers than the transport found", c->head);
        const struct virtq_buf *b = &c->buf[count++];
        if (b->addr != addr || b->len != len || b->device_writes != !!(flags & VIRTQ_DESC_F_WRITE))
            fuzz_fail("chain %u buffer %u differs from the descriptor", c->head, count - 1);
        if (!(flags & VIRTQ_DESC_F_NEXT)) break;
        index = (uint16_t)le(d + 14, 2);
    }
    if (count != c->count)
        fuzz_fail("chain %u has fewer buffers than the transport found", c->head);
}

/* The device just pushed drive->blk.chain to the used ring, with status `last_byte`. */
static void completed_blk(void)
{
    const struct virtq_chain *c = &drive->blk.chain;
    const struct virtq *q = &t.queue[0];
    uint64_t slot = q->used + 4 + 8ull * ((uint16_t)(q->used_idx - 1) % q->num) - RAM_BASE;
    if (le(ram + slot, 4) != c->head) fuzz_fail("used ring names another chain than was served");
    check_chain(c, 0, seen);
    int status = last_byte;
    if (status < 0 || status > (int)VIRTIO_BLK_S_UNSUPP)
        fuzz_fail("request completed with status %d", status);
    uint8_t header[HEADER_BYTES];
    if (!gather(c, seen, true, 0, HEADER_BYTES, header)) {
        if (status == VIRTIO_BLK_S_OK) fuzz_fail("status OK for a request without a header");
        return;
    }
    uint32_t type = (uint32_t)le(header, 4);
    uint64_t sector = le(header + 8, 8);
    if (status != VIRTIO_BLK_S_OK) return;
    if (type == VIRTIO_BLK_T_OUT) {
        uint64_t bytes = c->read_bytes - HEADER_BYTES;
        if (!on_disk(sector, bytes) || drive->blk.readonly)
            fuzz_fail("status OK for writing %llu bytes at sector %llu%s",
                      (unsigned long long)bytes, (unsigned long long)sector,
                      drive->blk.readonly ? " of a read-only disk" : "");
        uint8_t *dst = shadow + sector * VIRTIO_BLK_SECTOR;
        if (!gather(c, seen, true, HEADER_BYTES, bytes, dst))
            fuzz_fail("status OK for a write whose data is not in RAM");
        if (pread(drive->fd, disk_now, bytes, (off_t)(sector * VIRTIO_BLK_SECTOR)) !=
                (ssize_t)bytes ||
            memcmp(disk_now, dst, bytes) != 0)
            fuzz_fail("sectors %llu+%llu do not hold the data of the write that said OK",
                      (unsigned long long)sector, (unsigned long long)(bytes / 512));
        ++*writes;
    } else if (type == VIRTIO_BLK_T_IN) {
        if (!on_disk(sector, c->write_bytes - 1))
            fuzz_fail("status OK for reading %llu bytes at sector %llu",
                      (unsigned long long)(c->write_bytes - 1), (unsigned long long)sector);
        ++*reads;
    }
}

/* The used element queue `queue` just gained: (id, len). */
static void last_used(unsigned queue, uint32_t *id, uint32_t *len)
{
    const struct virtq *q = &t.queue[queue];
    uint64_t slot = q->used + 4 + 8ull * ((uint16_t)(q->used_idx - 1) % q->num) - RAM_BASE;
    *id = (uint32_t)le(ram + slot, 4);
    *len = (uint32_t)le(ram + slot + 4, 4);
}

static void completed_rng(void)
{
    uint32_t id, len;
    last_used(0, &id, &len);
    if (id != rng.chain.head) fuzz_fail("used ring names another chain than was served");
    check_chain(&rng.chain, 0, seen);
    if (len > rng.chain.write_bytes || len > VIRTIO_RNG_MAX_REQUEST)
        fuzz_fail("rng used.len %u for a chain of %llu writable bytes", len,
                  (unsigned long long)rng.chain.write_bytes);
    *entropy += len;
}

static uint32_t net_header(void)
{
    return t.driver_features >> VIRTIO_F_VERSION_1 & 1 ? VIRTIO_NET_HDR_BYTES
                                                       : VIRTIO_NET_HDR_LEGACY_BYTES;
}

static void completed_net(unsigned queue)
{
    uint32_t id, len;
    last_used(queue, &id, &len);
    if (queue == VIRTIO_NET_TXQ) {
        if (id != net.tx_chain.head || len != 0)
            fuzz_fail("transmit used element (%u, %u)", id, len);
        check_chain(&net.tx_chain, queue, seen);
        memcpy(tx_seen, seen, RAM_SIZE); /* the frame (if any) is sent after the push */
        return;
    }
    if (id != net.rx_chain.head) fuzz_fail("used ring names another chain than was served");
    check_chain(&net.rx_chain, queue, seen);
    if (frames_count == 0) fuzz_fail("a frame was received that the backend never delivered");
    uint32_t want = net_header() + frame_len[frames_head];
    frames_head = (frames_head + 1) % VIRTIO_NET_PENDING;
    frames_count--;
    if (len != 0 && len != want) fuzz_fail("received used.len %u, frame needs %u", len, want);
    if (len > net.rx_chain.write_bytes) fuzz_fail("used.len %u past the chain's buffers", len);
    if (len) ++*received;
}

/* Bytes the device may write now: a writable buffer of the chain it serves, or a used ring. */
static bool may_write(uint64_t pa, uint64_t len)
{
    for (unsigned q = 0; q < 2; q++) {
        const struct virtq *vq = &t.queue[q];
        if (vq->ready && pa >= vq->used && pa + len <= vq->used + 6 + 8ull * vq->num) return true;
    }
    const struct virtq_chain *c = device == DEV_RNG     ? &rng.chain
                                  : device == DEV_NET   ? &net.rx_chain
                                  : device == DEV_INPUT ? &input.chain
                                                        : &gpu.chain;
    for (unsigned i = c->readable; i < c->count; i++)
        if (pa >= c->buf[i].addr && pa + len <= c->buf[i].addr + c->buf[i].len) return true;
    return false;
}

static void fake_send(void *opaque, const uint8_t *frame, size_t len)
{
    (void)opaque;
    const struct virtq_chain *c = &net.tx_chain;
    uint32_t hdr = net_header();
    static uint8_t want[VIRTIO_NET_HDR_BYTES + VIRTIO_NET_MAX_FRAME];
    if (len < VIRTIO_NET_MIN_FRAME || c->read_bytes != hdr + len)
        fuzz_fail("sent a %zu-byte frame from a chain of %llu readable bytes", len,
                  (unsigned long long)c->read_bytes);
    if (!gather(c, tx_seen, true, 0, c->read_bytes, want) || memcmp(want + hdr, frame, len) != 0)
        fuzz_fail("the frame sent is not the chain's bytes after the header");
    ++*sent;
}

static void completed_input(unsigned queue)
{
    uint32_t id, len;
    last_used(queue, &id, &len);
    if (id != input.chain.head) fuzz_fail("used ring names another chain than was served");
    check_chain(&input.chain, queue, seen);
    if (len != 0 && (len != 8 || queue != VIRTIO_INPUT_EVENTQ))
        fuzz_fail("input used.len %u on queue %u", len, queue);
    if (len) ++*events;
}

/* The host reports: a key (HID usage from `what`), or a tablet report with the buttons in
 * `what` >> 8. */
static void inject_input(uint64_t what, unsigned width, uint64_t unused)
{
    (void)width;
    (void)unused;
    if (input.kind == VIRTIO_INPUT_KEYBOARD) {
        virtio_input_key(&input, what & 0xff, what >> 8 & 1);
        return;
    }
    struct virtio_input_event ev[3] = {
        {INPUT_EV_ABS, INPUT_ABS_X, (uint32_t)(what & 0x7fff)},
        {INPUT_EV_ABS, INPUT_ABS_Y, (uint32_t)(what >> 16 & 0x7fff)},
        {INPUT_EV_KEY, INPUT_BTN_LEFT, (uint32_t)(what >> 32 & 1)},
    };
    virtio_input_report(&input, ev, 1 + (what >> 33 & 1) + (what >> 34 & 1));
}

static void completed_gpu(unsigned queue)
{
    uint32_t id, len;
    last_used(queue, &id, &len);
    if (id != gpu.chain.head) fuzz_fail("used ring names another chain than was served");
    check_chain(&gpu.chain, queue, seen);
    if (len > gpu.chain.write_bytes || len > 24 + 16 * 24 || (queue && len))
        fuzz_fail("gpu used.len %u on queue %u (%llu writable bytes)", len, queue,
                  (unsigned long long)gpu.chain.write_bytes);
    uint64_t bytes = 0;
    for (unsigned i = 0; i < VIRTIO_GPU_MAX_RESOURCES; i++)
        if (gpu.res[i].id) bytes += (uint64_t)gpu.res[i].width * gpu.res[i].height * 4;
    if (bytes != gpu.hostmem || bytes > VIRTIO_GPU_MAX_HOSTMEM)
        fuzz_fail("gpu host memory %llu, resources hold %llu", (unsigned long long)gpu.hostmem,
                  (unsigned long long)bytes);
    ++*gpu_commands;
}

static size_t fake_fill(void *buf, size_t len)
{
    size_t n = rng_dry ? len / 2 : len;
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)buf)[i] = (uint8_t)(i * 31 + 7);
    return n;
}

static void ram_written(void *opaque, uint64_t pa, uint64_t len)
{
    (void)opaque;
    uint64_t off = pa - RAM_BASE;
    if (!in_notify) fuzz_fail("RAM written outside a notify");
    if (pa < RAM_BASE || off > RAM_SIZE || len > RAM_SIZE - off)
        fuzz_fail("reported a write to [0x%llx, +%llu), outside RAM", (unsigned long long)pa,
                  (unsigned long long)len);
    memset(reported + off, 1, len);
    if (device != DEV_BLK && !may_write(pa, len))
        fuzz_fail("%s wrote [0x%llx, +%llu): no writable buffer or used ring", t.ops->name,
                  (unsigned long long)pa, (unsigned long long)len);
    if (len == 1) last_byte = ram[off];
    for (unsigned q = 0; q < 2; q++) {
        if (t.queue[q].used_idx == seen_used[q]) continue;
        seen_used[q] = t.queue[q].used_idx;
        if (device == DEV_BLK) completed_blk();
        if (device == DEV_RNG) completed_rng();
        if (device == DEV_NET) completed_net(q);
        if (device == DEV_INPUT) completed_input(q);
        if (device == DEV_GPU) completed_gpu(q);
        last_byte = -1;
        memcpy(seen, ram, RAM_SIZE); /* what the next chain will be taken from */
    }
}

static void check_disk(void)
{
    if (device != DEV_BLK) return;
    if (pread(drive->fd, disk_now, DISK_BYTES, 0) != DISK_BYTES) fuzz_fail("cannot read the disk");
    if (memcmp(disk_now, shadow, DISK_BYTES) == 0) return;
    for (unsigned s = 0; s < DISK_SECTORS; s++) {
        unsigned o = s * VIRTIO_BLK_SECTOR;
        if (memcmp(disk_now + o, shadow + o, VIRTIO_BLK_SECTOR) != 0) ++*stray;
    }
    fuzz_fail("%llu stray sectors: changed, and no completed write said so",
              (unsigned long long)*stray);
}

/* A register write that may reach QueueNotify: watch everything the device does in it. */
static uint64_t served_count(void)
{
    if (device == DEV_RNG) return rng.requests;
    if (device == DEV_INPUT) return input.delivered + input.dropped;
    if (device == DEV_GPU) return gpu.commands;
    if (device == DEV_NET) return net.tx_frames + net.tx_dropped + net.rx_frames + net.rx_dropped;
    return drive->blk.requests;
}

/* Something that may make the device touch RAM: watch everything it does in it. */
static void watched(void (*action)(uint64_t, unsigned, uint64_t), uint64_t offset, unsigned width,
                    uint64_t value)
{
    uint64_t served = served_count();
    bool was_broken = t.broken;
    memcpy(before, ram, RAM_SIZE);
    memcpy(seen, ram, RAM_SIZE);
    memset(reported, 0, RAM_SIZE);
    memcpy(tx_seen, ram, RAM_SIZE);
    seen_used[0] = t.queue[0].used_idx;
    seen_used[1] = t.queue[1].used_idx;
    last_byte = -1;
    in_notify = true;
    action(offset, width, value);
    in_notify = false;
    *requests += served_count() - served;
    if (!was_broken && t.broken) ++*resets;
    if (memcmp(before, ram, RAM_SIZE) != 0)
        for (unsigned i = 0; i < RAM_SIZE; i++)
            if (ram[i] != before[i] && !reported[i])
                fuzz_fail("RAM at 0x%llx changed without dma_wrote",
                          (unsigned long long)(RAM_BASE + i));
    check_disk();
}

static void do_mmio_write(uint64_t offset, unsigned width, uint64_t value)
{
    virtio_mmio_write(&t, offset, width, value);
}

static void mmio_write(uint64_t offset, unsigned width, uint64_t value)
{
    /* Only QueueNotify makes the device touch RAM or disk (0x50, or an 8-byte access split
     * into two 4-byte ones). */
    if (offset < VIRTIO_MMIO_QUEUE_NOTIFY + 4 && offset + width > VIRTIO_MMIO_QUEUE_NOTIFY) {
        watched(do_mmio_write, offset, width, value);
    } else {
        bool was_broken = t.broken; /* a legacy queue is checked when QueuePFN is written */
        virtio_mmio_write(&t, offset, width, value);
        if (!was_broken && t.broken) ++*resets;
    }
    if (t.status == 0) frames_head = frames_count = 0; /* a reset drops waiting frames */
}

/* The backend delivers a frame of `len` bytes starting with byte `fill`. */
static void deliver_frame(uint64_t len, unsigned width, uint64_t fill)
{
    (void)width;
    static uint8_t frame[1600];
    for (unsigned i = 0; i < len; i++)
        frame[i] = (uint8_t)(fill + i);
    /* The harness's FIFO mirrors the device's: a frame goes in before it can arrive (at
     * once, if a buffer waits); a refused one returns before delivering anything. */
    bool room = frames_count < VIRTIO_NET_PENDING;
    if (room) frame_len[(frames_head + frames_count++) % VIRTIO_NET_PENDING] = (uint16_t)len;
    bool taken = virtio_net_receive(&net, frame, len);
    if (taken && !room) fuzz_fail("the device took a frame beyond its FIFO");
    if (!taken && room) frames_count--;
}

static void submit(uint16_t head, uint64_t value)
{
    if (device == DEV_INPUT && (value & 64)) {
        watched(inject_input, value >> 8, 0, 0);
        return;
    }
    if (device == DEV_NET && (value & 64)) {
        watched(deliver_frame, ((value >> 8) & 0xffff) % 1600, 0, value >> 24);
        return;
    }
    unsigned queue = device == DEV_BLK || device == DEV_RNG ? 0 : (value >> 5) & 1;
    const struct virtq *q = &t.queue[queue];
    uint64_t off = q->avail - RAM_BASE;
    if (q->num == 0 || q->avail < RAM_BASE || off > RAM_SIZE || 4 + 2ull * q->num > RAM_SIZE - off)
        return; /* no ring to put it in */
    for (unsigned n = (value & 15) + 1; n--;) {
        uint16_t idx = (uint16_t)le(ram + off + 2, 2);
        uint64_t entry = off + 4 + 2ull * (idx % q->num);
        ram[entry] = (uint8_t)head;
        ram[entry + 1] = (uint8_t)(head >> 8);
        idx++;
        ram[off + 2] = (uint8_t)idx;
        ram[off + 3] = (uint8_t)(idx >> 8);
    }
    if (value & 16) mmio_write(VIRTIO_MMIO_QUEUE_NOTIFY, 4, queue);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (unsigned i = 0; i < DISK_BYTES; i++)
        pattern[i] = (uint8_t)(i * 7 + (i >> 9)); /* a misplaced sector shows */
    ram = fuzz_guarded_alloc(RAM_SIZE);
    dma = (struct dma){.ram = {.host = ram, .base = RAM_BASE, .size = RAM_SIZE},
                       .written = ram_written};
    open_drive(&drives[0], false);
    open_drive(&drives[1], true);
    requests = fuzz_counter("requests");
    writes = fuzz_counter("writes");
    reads = fuzz_counter("reads");
    resets = fuzz_counter("needs-reset");
    stray = fuzz_counter("stray sectors");
    entropy = fuzz_counter("rng bytes");
    sent = fuzz_counter("frames sent");
    received = fuzz_counter("frames received");
    events = fuzz_counter("input events");
    gpu_commands = fuzz_counter("gpu commands");
    if (!framebuffer_init(&scanout, 64, 48)) fuzz_fail("no framebuffer");
    return 0;
}

static bool in_ram(uint64_t pa, uint64_t len)
{
    return pa >= RAM_BASE && pa - RAM_BASE <= RAM_SIZE && len <= RAM_SIZE - (pa - RAM_BASE);
}

/* Live queues: inside RAM, and on the legacy interface where 2.7's layout puts them. */
static void check_queues(void)
{
    for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
        const struct virtq *q = &t.queue[i];
        if (!q->ready) continue;
        if (!in_ram(q->desc, 16ull * q->num) || !in_ram(q->avail, 6 + 2ull * q->num) ||
            !in_ram(q->used, 6 + 8ull * q->num))
            fuzz_fail("queue %u is live outside RAM", i);
        if (!t.legacy) continue;
        uint64_t align = t.queue_align[i];
        uint64_t used =
            (q->desc + 16ull * q->num + 2ull * (3 + q->num) + align - 1) / align * align;
        if (q->avail != q->desc + 16ull * q->num || q->used != used)
            fuzz_fail("legacy queue %u laid out at 0x%llx/0x%llx/0x%llx (align %llu)", i,
                      (unsigned long long)q->desc, (unsigned long long)q->avail,
                      (unsigned long long)q->used, (unsigned long long)align);
    }
}

/* What a register read may say on the interface in use. */
static void check_read(uint64_t offset, unsigned width, uint64_t v)
{
    if (width != 4) return;
    if (offset == VIRTIO_MMIO_MAGIC_VALUE && v != VIRTIO_MMIO_MAGIC)
        fuzz_fail("magic reads 0x%llx", (unsigned long long)v);
    if (offset == VIRTIO_MMIO_VERSION && v != (t.legacy ? 1u : 2u))
        fuzz_fail("version %llu on the %s interface", (unsigned long long)v,
                  t.legacy ? "legacy" : "modern");
    if (offset == VIRTIO_MMIO_DEVICE_FEATURES && t.legacy && t.device_features_sel && v)
        fuzz_fail("a legacy device offers feature bits past 31: 0x%llx", (unsigned long long)v);
    if (t.legacy &&
        (offset == VIRTIO_MMIO_QUEUE_READY || offset == VIRTIO_MMIO_CONFIG_GENERATION) && v)
        fuzz_fail("modern register 0x%llx reads 0x%llx on a legacy device",
                  (unsigned long long)offset, (unsigned long long)v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    uint8_t config = fuzz_u8(&in);
    drive = &drives[config & 1];
    static const enum device devices[8] = {DEV_BLK, DEV_RNG, DEV_NET, DEV_INPUT,
                                           DEV_GPU, DEV_BLK, DEV_BLK, DEV_BLK};
    device = devices[(config >> 1 & 3) | (config >> 2 & 4)];
    rng_dry = config & 8;
    size_t image_len;
    const uint8_t *image = fuzz_bytes(&in, fuzz_u16(&in) % RAM_SIZE, &image_len);
    memset(ram, 0, RAM_SIZE);
    memcpy(ram, image, image_len);
    if (pwrite(drive->fd, pattern, DISK_BYTES, 0) != DISK_BYTES) fuzz_fail("cannot reset the disk");
    memcpy(shadow, pattern, DISK_BYTES);
    irq_level = false;
    struct irq_line irq = {irq_set_level, NULL, 1};
    frames_head = frames_count = 0;
    if (device == DEV_RNG) {
        rng = (struct virtio_rng){.fill = fake_fill};
        virtio_mmio_init(&t, &virtio_rng_ops, &rng, 0, &dma, irq);
    } else if (device == DEV_GPU) {
        virtio_gpu_free(&gpu); /* the last input's resources */
        virtio_gpu_init(&gpu, &scanout);
        virtio_mmio_init(&t, &virtio_gpu_ops, &gpu, 0, &dma, irq);
        gpu.t = &t;
    } else if (device == DEV_INPUT) {
        virtio_input_init(&input, config & 8 ? VIRTIO_INPUT_TABLET : VIRTIO_INPUT_KEYBOARD);
        virtio_mmio_init(&t, &virtio_input_ops, &input, 0, &dma, irq);
        input.t = &t;
    } else if (device == DEV_NET) {
        static const uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
        virtio_net_init(&net, mac, (struct virtio_net_backend){fake_send, NULL});
        virtio_mmio_init(&t, &virtio_net_ops, &net, virtio_net_features(), &dma, irq);
        net.t = &t;
    } else {
        virtio_mmio_init(&t, &virtio_blk_ops, &drive->blk, virtio_blk_features(&drive->blk), &dma,
                         irq);
    }
    virtio_mmio_set_legacy(&t, config & 32);

    while (in.left) {
        uint8_t code = fuzz_u8(&in);
        uint16_t offset = fuzz_u16(&in);
        uint64_t value = fuzz_u64(&in);
        unsigned width = 1u << ((code >> 2) & 3);
        if (width < 8) value &= (1ull << (8 * width)) - 1;
        switch (code & 3) {
        case 0: mmio_write(offset & 0xfff, width, value); break;
        case 1: {
            uint64_t v;
            if (!virtio_mmio_read(&t, offset & 0xfff, width, &v)) fuzz_fail("read refused");
            check_read(offset & 0xfff, width, v);
            break;
        }
        case 2:
            for (unsigned i = 0; i < width; i++)
                ram[(offset + i) % RAM_SIZE] = (uint8_t)(value >> (8 * i));
            break;
        case 3: submit(offset, value); break;
        }
        if (irq_level != (t.interrupt_status != 0))
            fuzz_fail("interrupt line %d with InterruptStatus 0x%x", irq_level, t.interrupt_status);
        check_queues();
    }
    return 0;
}
