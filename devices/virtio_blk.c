/* virtio-blk backed by a raw image (devices/virtio_blk.h).
 *
 * A request ("Device Operation") is one descriptor chain:
 *
 *   device-readable:  le32 type | le32 reserved | le64 sector   (16-byte header)
 *                     [data to write, for T_OUT]
 *   device-writable:  [data read, for T_IN; the 20-byte id, for T_GET_ID]
 *                     u8 status                                 (the very last byte)
 *
 * The spec lets a driver split or merge these pieces across descriptors in any way
 * ("Message Framing"), so the header is gathered from the first 16 readable bytes and the
 * status is the last writable byte, wherever the descriptor boundaries fall. */
#include "virtio_blk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_BYTES 16u

bool virtio_blk_open(struct virtio_blk *b, const char *path, bool readonly, char *err,
                     size_t errlen)
{
    *b = (struct virtio_blk){.fd = -1, .readonly = readonly};
    int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s%s", path, strerror(e),
                 !readonly && (e == EACCES || e == EROFS) ? " (readonly=on opens it read-only)"
                                                          : "");
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
        snprintf(err, errlen, "%s: not a regular file or block device", path);
        close(fd);
        return false;
    }
    off_t size = lseek(fd, 0, SEEK_END); /* st_size is 0 for block devices */
    if (size <= 0) {
        snprintf(err, errlen, "%s: %s", path, size == 0 ? "image is empty" : strerror(errno));
        close(fd);
        return false;
    }
    if (size % VIRTIO_BLK_SECTOR != 0) {
        snprintf(err, errlen, "%s: size %lld is not a multiple of %u bytes", path, (long long)size,
                 VIRTIO_BLK_SECTOR);
        close(fd);
        return false;
    }
    /* Two writers on one image corrupt it: take the lock QEMU-style tools respect too. */
    if (flock(fd, (readonly ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
        snprintf(err, errlen, "%s: %s", path,
                 errno == EWOULDBLOCK ? "in use by another process (file is locked)"
                                      : strerror(errno));
        close(fd);
        return false;
    }
    b->opened = true;
    b->fd = fd;
    b->capacity = (uint64_t)size / VIRTIO_BLK_SECTOR;
    snprintf(b->serial, sizeof(b->serial), "rv39-vd");
    return true;
}

void virtio_blk_close(struct virtio_blk *b)
{
    if (!b->opened) return;
    if (!b->readonly) fdatasync(b->fd);
    close(b->fd);
    b->fd = -1;
    b->opened = false;
}

uint64_t virtio_blk_features(const struct virtio_blk *b)
{
    uint64_t f =
        1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH;
    if (b->readonly) f |= 1ull << VIRTIO_BLK_F_RO;
    return f;
}

/* struct virtio_blk_config ("Device configuration layout"), the fields we offer:
 *   0 le64 capacity | 8 le32 size_max | 12 le32 seg_max | 16 geometry (4 bytes) |
 *   20 le32 blk_size. Everything past it reads as zero. */
#define CONFIG_BYTES 24u

static uint64_t blk_config_read(void *dev, uint64_t offset, unsigned size)
{
    const struct virtio_blk *b = dev;
    uint8_t cfg[CONFIG_BYTES] = {0};
    for (unsigned i = 0; i < 8; i++)
        cfg[i] = (uint8_t)(b->capacity >> (8 * i));
    /* Two descriptors of every request are header and status: the rest may be data. */
    uint32_t seg_max = VIRTQ_MAX_SIZE - 2;
    for (unsigned i = 0; i < 4; i++) {
        cfg[12 + i] = (uint8_t)(seg_max >> (8 * i));
        cfg[20 + i] = (uint8_t)(VIRTIO_BLK_SECTOR >> (8 * i));
    }
    uint64_t value = 0;
    for (unsigned i = 0; i < size; i++)
        if (offset + i < CONFIG_BYTES) value |= (uint64_t)cfg[offset + i] << (8 * i);
    return value;
}

/* --- requests --- */

/* Gather the first `len` readable bytes of the chain into buf. false: not enough of them,
 * or some not in RAM. */
static bool gather_readable(const struct virtq_chain *c, const struct dma *dma, uint8_t *buf,
                            uint32_t len)
{
    for (unsigned i = 0; i < c->readable && len; i++) {
        uint32_t n = c->buf[i].len < len ? c->buf[i].len : len;
        if (!dma_read(dma, c->buf[i].addr, buf, n)) return false;
        buf += n;
        len -= n;
    }
    return len == 0;
}

/* Turn the data part of the chain into host segments: bytes [first, end) of the readable
 * (out = true) or writable part. false if any of it is outside RAM. */
static bool map_data(struct virtio_blk *b, const struct dma *dma, bool out, uint64_t first,
                     uint64_t end, unsigned *count, uint64_t *total)
{
    const struct virtq_chain *c = &b->chain;
    unsigned from = out ? 0 : c->readable, to = out ? c->readable : c->count;
    uint64_t pos = 0; /* offset of buf[i] within the part */
    *count = 0;
    *total = 0;
    for (unsigned i = from; i < to; pos += c->buf[i].len, i++) {
        uint64_t lo = pos > first ? pos : first;
        uint64_t hi = pos + c->buf[i].len < end ? pos + c->buf[i].len : end;
        if (lo >= hi) continue;
        uint64_t pa = c->buf[i].addr + (lo - pos);
        uint8_t *host = dma_ptr(dma, pa, hi - lo);
        if (!host) return false;
        b->seg[(*count)++] = (struct blk_segment){host, pa, (uint32_t)(hi - lo)};
        *total += hi - lo;
    }
    return true;
}

static bool read_full(int fd, uint8_t *p, size_t len, off_t off)
{
    while (len) {
        ssize_t n = pread(fd, p, len, off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return true;
}

static bool write_full(int fd, const uint8_t *p, size_t len, off_t off)
{
    while (len) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return true;
}

/* Does [sector, sector + bytes / 512) lie on the disk? (Spec: "A driver MUST NOT submit a
 * request which would cause a read or write beyond capacity"; the device answers IOERR.) */
static bool in_range(const struct virtio_blk *b, uint64_t sector, uint64_t bytes)
{
    return bytes % VIRTIO_BLK_SECTOR == 0 && sector <= b->capacity &&
           bytes / VIRTIO_BLK_SECTOR <= b->capacity - sector;
}

/* T_IN / T_OUT: the data moves with pread/pwrite directly between the file and guest RAM. */
static uint8_t transfer(struct virtio_blk *b, const struct dma *dma, bool out, uint64_t sector,
                        uint64_t status_offset, uint32_t *written)
{
    unsigned count;
    uint64_t total;
    bool mapped = out ? map_data(b, dma, true, HEADER_BYTES, b->chain.read_bytes, &count, &total)
                      : map_data(b, dma, false, 0, status_offset, &count, &total);
    if (!mapped || !in_range(b, sector, total) || (out && b->readonly)) return VIRTIO_BLK_S_IOERR;
    off_t pos = (off_t)(sector * VIRTIO_BLK_SECTOR);
    if (out && b->before_write) b->before_write(b->before_write_opaque, b, (uint64_t)pos, total);
    for (unsigned i = 0; i < count; i++) {
        const struct blk_segment *s = &b->seg[i];
        bool ok =
            out ? write_full(b->fd, s->host, s->len, pos) : read_full(b->fd, s->host, s->len, pos);
        if (!out) dma_wrote(dma, s->pa, s->len); /* even a partial read may have changed RAM */
        if (!ok) return VIRTIO_BLK_S_IOERR;
        pos += s->len;
    }
    if (!out) /* used.len is 32 bits: never claim more than was written */
        *written = total < UINT32_MAX ? (uint32_t)total + 1 : UINT32_MAX;
    return VIRTIO_BLK_S_OK;
}

/* T_GET_ID: up to 20 bytes of serial, NUL-padded, not necessarily NUL-terminated. */
static uint8_t get_id(struct virtio_blk *b, const struct dma *dma, uint64_t status_offset,
                      uint32_t *written)
{
    unsigned count;
    uint64_t total;
    if (!map_data(b, dma, false, 0, status_offset, &count, &total)) return VIRTIO_BLK_S_IOERR;
    uint8_t id[VIRTIO_BLK_ID_BYTES] = {0};
    memcpy(id, b->serial, strnlen(b->serial, sizeof(id)));
    uint32_t done = 0;
    for (unsigned i = 0; i < count && done < sizeof(id); i++) {
        uint32_t n = b->seg[i].len < sizeof(id) - done ? b->seg[i].len : sizeof(id) - done;
        memcpy(b->seg[i].host, id + done, n);
        dma_wrote(dma, b->seg[i].pa, n);
        done += n;
    }
    *written += done;
    return VIRTIO_BLK_S_OK;
}

/* Serve b->chain. Returns NULL with *written set, or why the request cannot even be
 * answered (no status byte to write the answer into): then the device needs reset. */
static const char *serve(struct virtio_blk *b, const struct dma *dma, uint32_t *written)
{
    const struct virtq_chain *c = &b->chain;
    /* The status byte: the last byte of the last (writable) descriptor. */
    const struct virtq_buf *last = c->count ? &c->buf[c->count - 1] : NULL;
    if (!last || !last->device_writes || last->len == 0)
        return "virtio-blk request without a writable status byte at its end";
    uint64_t status_pa = last->addr + last->len - 1;
    uint8_t *status = dma_ptr(dma, status_pa, 1);
    if (!status) return "virtio-blk status byte outside RAM";
    uint64_t status_offset = c->write_bytes - 1; /* within the writable part */

    uint8_t header[HEADER_BYTES];
    uint8_t result;
    *written = 1; /* the status byte */
    if (!gather_readable(c, dma, header, HEADER_BYTES)) {
        result = VIRTIO_BLK_S_IOERR; /* header short or outside RAM */
    } else {
        uint32_t type = (uint32_t)header[0] | (uint32_t)header[1] << 8 | (uint32_t)header[2] << 16 |
                        (uint32_t)header[3] << 24;
        uint64_t sector = 0;
        for (unsigned i = 0; i < 8; i++)
            sector |= (uint64_t)header[8 + i] << (8 * i);
        switch (type) {
        case VIRTIO_BLK_T_IN:
            result = transfer(b, dma, false, sector, status_offset, written);
            break;
        case VIRTIO_BLK_T_OUT:
            result = transfer(b, dma, true, sector, status_offset, written);
            break;
        case VIRTIO_BLK_T_FLUSH:
            /* The data must be on stable storage before the answer ("Device Operation"). */
            result = b->readonly || fdatasync(b->fd) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
            break;
        case VIRTIO_BLK_T_GET_ID: result = get_id(b, dma, status_offset, written); break;
        default: result = VIRTIO_BLK_S_UNSUPP; break;
        }
    }
    if (result != VIRTIO_BLK_S_OK) {
        b->errors++;
        *written = 1;
    }
    *status = result;
    dma_wrote(dma, status_pa, 1);
    return NULL;
}

static void blk_queue_notify(void *dev, struct virtio_mmio *t, unsigned queue)
{
    struct virtio_blk *b = dev;
    while (virtio_mmio_pop(t, queue, &b->chain) == VIRTQ_CHAIN) {
        uint32_t written;
        b->requests++;
        const char *fault = serve(b, t->dma, &written);
        if (fault) {
            virtio_mmio_fail(t, fault);
            break;
        }
        virtio_mmio_push(t, queue, b->chain.head, written);
    }
    virtio_mmio_signal_used(t, queue);
}

const struct virtio_device_ops virtio_blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .num_queues = 1,
    .config_read = blk_config_read,
    .config_write = NULL, /* nothing writable: VIRTIO_BLK_F_CONFIG_WCE is not offered */
    .queue_notify = blk_queue_notify,
    .reset = NULL, /* no state outside the transport's rings */
};

bool virtio_blk_attach(struct virtio_blk *b, struct virtio_mmio *t, unsigned slot,
                       const struct dma *dma, struct irq_line irq, struct bus *bus)
{
    if (slot >= VIRTIO_MMIO_SLOTS || !b->opened) return false;
    snprintf(b->serial, sizeof(b->serial), "rv39-vd%u", slot);
    virtio_mmio_init(t, &virtio_blk_ops, b, virtio_blk_features(b), dma, irq);
    return virtio_mmio_register(t, slot, bus);
}
