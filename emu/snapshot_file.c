/* Snapshot files (emu/snapshot_file.h): an in-memory snapshot (emu/snapshot.c) written out
 * with the disks' contents, and read back through the same checked restore. */
#define _GNU_SOURCE /* SEEK_DATA, SEEK_HOLE */
#include "snapshot_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_journal.h"
#include "machine.h"
#include "snapshot.h"

#define MAGIC "RV39SNAP"
#define HEADER_BYTES 32u
#define TRAILER_BYTES 8u
#define PAGE_RECORD (8u + PAGE_SIZE)
#define BLOCK_RECORD (8u + DISK_BLOCK)
_Static_assert(DISK_BLOCK == PAGE_SIZE, "RAM pages and disk blocks are saved alike");

/* ---- the checksum: a multiply-rotate mix of 64-bit words, fed a byte stream ---- */

struct sum {
    uint64_t h;
    uint8_t carry[8];
    unsigned n;
};

static void mix(struct sum *s, uint64_t w)
{
    s->h ^= w;
    s->h *= 0x9e3779b97f4a7c15ull;
    s->h = (s->h << 31) | (s->h >> 33);
}

static void sum_bytes(struct sum *s, const uint8_t *p, size_t len)
{
    while (len && s->n) {
        s->carry[s->n++] = *p++, len--;
        if (s->n == 8) {
            uint64_t w;
            memcpy(&w, s->carry, 8);
            mix(s, w);
            s->n = 0;
        }
    }
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        mix(s, w);
    }
    while (len)
        s->carry[s->n++] = *p++, len--;
}

static uint64_t sum_final(struct sum s)
{
    uint64_t w = 0;
    memcpy(&w, s.carry, s.n);
    mix(&s, w ^ ((uint64_t)s.n << 56));
    return s.h;
}

unsigned long long snapshot_file_checksum(const void *file, size_t len)
{
    struct sum s = {0x243f6a8885a308d3ull, {0}, 0};
    sum_bytes(&s, file, len);
    return sum_final(s);
}

/* ---- the build id ---- */

unsigned long long snapshot_build_id(void)
{
    static uint64_t id;
    if (id) return id;
    struct sum s = {0x243f6a8885a308d3ull, {0}, 0};
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    static uint8_t buf[1 << 16];
    ssize_t n;
    while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
        sum_bytes(&s, buf, (size_t)n);
    if (fd >= 0) close(fd);
    /* Without /proc the struct layouts at least: this file's compile time stands for them. */
    const char *when = __DATE__ " " __TIME__;
    if (fd < 0) sum_bytes(&s, (const uint8_t *)when, strlen(when));
    id = sum_final(s) | 1; /* never 0: 0 means "not computed yet" */
    return id;
}

/* ---- writing ---- */

struct writer {
    FILE *f;
    struct sum sum;
    bool bad;
};

static void put(struct writer *w, const void *p, size_t len)
{
    if (w->bad) return;
    sum_bytes(&w->sum, p, len);
    if (fwrite(p, 1, len, w->f) != len) w->bad = true;
}

static void put64(struct writer *w, uint64_t v)
{
    put(w, &v, 8);
}

static void put_record(struct writer *w, const char tag[4], uint64_t len)
{
    put(w, tag, 4);
    uint32_t zero = 0;
    put(w, &zero, 4);
    put64(w, len);
}

static bool all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i]) return false;
    return true;
}

/* Visit every 4 KiB block of the image that is not all zero, in order (holes skipped). */
static bool each_data_block(int fd, uint64_t size,
                            bool (*fn)(void *opaque, uint64_t index, const uint8_t *data),
                            void *opaque)
{
    uint8_t block[DISK_BLOCK];
    off_t at = 0;
    while (at < (off_t)size) {
        off_t data = lseek(fd, at, SEEK_DATA);
        if (data < 0) return errno == ENXIO; /* no more data: done */
        off_t hole = lseek(fd, data, SEEK_HOLE);
        if (hole < 0) hole = (off_t)size;
        for (uint64_t k = (uint64_t)data / DISK_BLOCK; k * DISK_BLOCK < (uint64_t)hole; k++) {
            uint64_t from = k * DISK_BLOCK, len = size - from < DISK_BLOCK ? size - from : DISK_BLOCK;
            memset(block, 0, sizeof block);
            if (pread(fd, block, len, (off_t)from) != (ssize_t)len) return false;
            if (!all_zero(block, len) && !fn(opaque, k, block)) return false;
        }
        at = (off_t)(((uint64_t)hole + DISK_BLOCK - 1) / DISK_BLOCK * DISK_BLOCK);
    }
    return true;
}

static bool count_block(void *opaque, uint64_t index, const uint8_t *data)
{
    (void)index, (void)data;
    ++*(uint64_t *)opaque;
    return true;
}

static bool write_block(void *opaque, uint64_t index, const uint8_t *data)
{
    struct writer *w = opaque;
    put64(w, index);
    put(w, data, DISK_BLOCK);
    return !w->bad;
}

static bool write_disk(struct writer *w, unsigned slot, const struct virtio_blk *b)
{
    uint64_t size = b->capacity * VIRTIO_BLK_SECTOR, n = 0;
    if (!each_data_block(b->fd, size, count_block, &n)) return false;
    put_record(w, "DISK", 24 + n * BLOCK_RECORD);
    uint32_t s32[2] = {slot, 0};
    put(w, s32, 8);
    put64(w, size);
    put64(w, n);
    return each_data_block(b->fd, size, write_block, w) && !w->bad;
}

static bool write_snapshot(struct writer *w, struct machine *m, struct snapshot *s)
{
    put(w, MAGIC, 8);
    uint32_t version[2] = {SNAPSHOT_FILE_VERSION, 0};
    put(w, version, 8);
    put64(w, snapshot_build_id());
    /* The payload's length, counted first: the records' sizes are all known but the disks'. */
    size_t state_len;
    const uint8_t *state = snapshot_state_bytes(s, &state_len);
    uint64_t pages = 0;
    for (uint64_t p = 0; p < snapshot_page_count(s); p++)
        pages += snapshot_page(s, p) != NULL;
    uint64_t payload = (16 + 8) + (16 + state_len) + (16 + 8 + pages * PAGE_RECORD);
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++) {
        const struct virtio_blk *b = &m->disk[slot];
        uint64_t n = 0;
        if (!b->opened) continue;
        if (!each_data_block(b->fd, b->capacity * VIRTIO_BLK_SECTOR, count_block, &n))
            return false;
        payload += 16 + 24 + n * BLOCK_RECORD;
    }
    put64(w, payload);
    put_record(w, "META", 8);
    put64(w, snapshot_instret(s));
    put_record(w, "STAT", state_len);
    put(w, state, state_len);
    put_record(w, "RAM ", 8 + pages * PAGE_RECORD);
    put64(w, pages);
    for (uint64_t p = 0; p < snapshot_page_count(s); p++) {
        const uint8_t *page = snapshot_page(s, p);
        if (!page) continue;
        put64(w, p);
        put(w, page, PAGE_SIZE);
    }
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++)
        if (m->disk[slot].opened && !write_disk(w, slot, &m->disk[slot])) return false;
    uint64_t checksum = sum_final(w->sum);
    put64(w, checksum);
    return !w->bad;
}

bool snapshot_save_file(struct machine *m, const char *path, char *err, size_t errlen)
{
    struct snapshot *s = snapshot_capture(m);
    if (!s) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    struct writer w = {fopen(tmp, "wb"), {0x243f6a8885a308d3ull, {0}, 0}, false};
    bool ok = w.f && write_snapshot(&w, m, s);
    int saved_errno = errno;
    if (w.f && fclose(w.f) != 0) ok = false;
    snapshot_free(s);
    if (ok && rename(tmp, path) == 0) return true;
    snprintf(err, errlen, "cannot write it: %s", strerror(saved_errno ? saved_errno : errno));
    if (w.f) unlink(tmp);
    return false;
}

/* ---- reading ---- */

struct reader {
    const uint8_t *p;
    uint64_t len, pos;
};

static bool take(struct reader *r, void *out, uint64_t n)
{
    if (n > r->len - r->pos) return false;
    memcpy(out, r->p + r->pos, n);
    r->pos += n;
    return true;
}

static bool take64(struct reader *r, uint64_t *v)
{
    return take(r, v, 8);
}

/* A DISK record, checked against the machine. */
struct disk_part {
    bool present;
    uint64_t n;
    const uint8_t *records; /* n x (u64 index, 4096 bytes), ascending indexes */
};

static bool read_file(const char *path, uint8_t **buf, uint64_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot open it: %s", strerror(errno));
        if (fd >= 0) close(fd);
        return false;
    }
    *len = (uint64_t)st.st_size;
    *buf = malloc(*len ? *len : 1);
    bool ok = *buf != NULL;
    for (uint64_t done = 0; ok && done < *len;) {
        ssize_t n = pread(fd, *buf + done, *len - done, (off_t)done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ok = false;
        done += n > 0 ? (uint64_t)n : 0;
    }
    close(fd);
    if (!ok) {
        snprintf(err, errlen, "cannot read it");
        free(*buf);
    }
    return ok;
}

/* The header, the build, the length and the checksum; *payload set to the records. */
static bool check_frame(const uint8_t *f, uint64_t len, struct reader *payload, char *err,
                        size_t errlen)
{
    if (len < 16 || memcmp(f, MAGIC, 8) != 0) {
        snprintf(err, errlen, "not an rv39 snapshot");
        return false;
    }
    uint32_t version;
    memcpy(&version, f + 8, 4);
    if (version != SNAPSHOT_FILE_VERSION) {
        snprintf(err, errlen, "snapshot format version %u, this rv39 reads version %u; cannot load",
                 version, SNAPSHOT_FILE_VERSION);
        return false;
    }
    uint64_t build = 0, body = 0;
    if (len >= 24) memcpy(&build, f + 16, 8);
    if (len < 24 || build != snapshot_build_id()) {
        snprintf(err, errlen, "made by another build of rv39 (build %016llx, this is %016llx); cannot load",
                 (unsigned long long)build, snapshot_build_id());
        return false;
    }
    if (len >= HEADER_BYTES) memcpy(&body, f + 24, 8);
    if (len < HEADER_BYTES + TRAILER_BYTES || body != len - HEADER_BYTES - TRAILER_BYTES) {
        snprintf(err, errlen, "truncated or corrupt (its length is wrong); cannot load");
        return false;
    }
    uint64_t stored;
    memcpy(&stored, f + len - TRAILER_BYTES, 8);
    if (snapshot_file_checksum(f, len - TRAILER_BYTES) != stored) {
        snprintf(err, errlen, "corrupt (checksum mismatch); cannot load");
        return false;
    }
    *payload = (struct reader){f + HEADER_BYTES, body, 0};
    return true;
}

/* The blocks of a DISK record, checked: ascending, inside the image. */
static bool check_disk(struct reader *r, uint64_t len, struct machine *m,
                       struct disk_part disks[VIRTIO_MMIO_SLOTS], char *err, size_t errlen)
{
    uint32_t s32[2];
    uint64_t size, n;
    if (len < 24 || !take(r, s32, 8) || !take64(r, &size) || !take64(r, &n) ||
        n > (len - 24) / BLOCK_RECORD || len - 24 != n * BLOCK_RECORD) {
        snprintf(err, errlen, "corrupt (a DISK record); cannot load");
        return false;
    }
    unsigned slot = s32[0];
    const struct virtio_blk *b = slot < VIRTIO_MMIO_SLOTS ? &m->disk[slot] : NULL;
    if (!b || !b->opened || disks[slot].present) {
        snprintf(err, errlen, "it has a disk in virtio slot %u, this machine has none there", slot);
        return false;
    }
    if (size != b->capacity * VIRTIO_BLK_SECTOR) {
        snprintf(err, errlen, "its disk in virtio slot %u has %llu bytes, this machine's %llu",
                 slot, (unsigned long long)size,
                 (unsigned long long)(b->capacity * VIRTIO_BLK_SECTOR));
        return false;
    }
    const uint8_t *records = r->p + r->pos;
    uint64_t blocks = (size + DISK_BLOCK - 1) / DISK_BLOCK;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t index;
        memcpy(&index, records + i * BLOCK_RECORD, 8);
        uint64_t prev = 0;
        if (i) memcpy(&prev, records + (i - 1) * BLOCK_RECORD, 8);
        if (index >= blocks || (i && index <= prev)) {
            snprintf(err, errlen, "corrupt (disk block %llu); cannot load",
                     (unsigned long long)index);
            return false;
        }
    }
    r->pos += n * BLOCK_RECORD;
    disks[slot] = (struct disk_part){true, n, records};
    return true;
}

/* The data of block `index` in a checked DISK record, or NULL (zeros). */
static const uint8_t *part_block(const struct disk_part *d, uint64_t index)
{
    uint64_t lo = 0, hi = d->n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2, k;
        memcpy(&k, d->records + mid * BLOCK_RECORD, 8);
        if (k == index) return d->records + mid * BLOCK_RECORD + 8;
        if (k < index) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Make the drive in `slot` hold what the record says (or, read-only, check that it does). */
struct disk_sync {
    struct machine *m;
    unsigned slot;
    const struct disk_part *d;
    bool differs, failed;
};

static bool sync_block(struct disk_sync *x, uint64_t index, const uint8_t *want)
{
    static const uint8_t zeros[DISK_BLOCK];
    const struct virtio_blk *b = &x->m->disk[x->slot];
    uint64_t size = b->capacity * VIRTIO_BLK_SECTOR, at = index * DISK_BLOCK;
    uint64_t len = size - at < DISK_BLOCK ? size - at : DISK_BLOCK;
    uint8_t now[DISK_BLOCK];
    if (pread(b->fd, now, len, (off_t)at) != (ssize_t)len) return !(x->failed = true);
    if (!want) want = zeros;
    if (memcmp(now, want, len) == 0) return true;
    x->differs = true;
    if (b->readonly) return false;
    if (!snapshot_disk_write(x->m, x->slot, want, len, at)) return !(x->failed = true);
    return true;
}

static bool sync_present(void *opaque, uint64_t index, const uint8_t *data)
{
    struct disk_sync *x = opaque;
    (void)data;
    return part_block(x->d, index) ? true : sync_block(x, index, NULL); /* zero it */
}

/* Returns false on a read or write error; *differs: the drive did not hold the snapshot's
 * contents (a read-only one is only compared, and stops at the first difference). */
static bool sync_disk(struct machine *m, unsigned slot, const struct disk_part *d, bool *differs)
{
    struct disk_sync x = {m, slot, d, false, false};
    const struct virtio_blk *b = &m->disk[slot];
    for (uint64_t i = 0; i < d->n; i++) {
        uint64_t index;
        memcpy(&index, d->records + i * BLOCK_RECORD, 8);
        if (!sync_block(&x, index, d->records + i * BLOCK_RECORD + 8)) break;
    }
    bool stopped = x.failed || (b->readonly && x.differs);
    if (!stopped && !each_data_block(b->fd, b->capacity * VIRTIO_BLK_SECTOR, sync_present, &x) &&
        !(b->readonly && x.differs))
        x.failed = true;
    *differs = x.differs;
    if (!b->readonly) fdatasync(b->fd);
    return !x.failed;
}

bool snapshot_load_file(struct machine *m, const char *path, char *err, size_t errlen)
{
    uint8_t *file;
    uint64_t file_len;
    if (!read_file(path, &file, &file_len, err, errlen)) return false;
    struct reader r;
    struct disk_part disks[VIRTIO_MMIO_SLOTS] = {{0}};
    struct snapshot *s = NULL;
    uint64_t instret = 0;
    bool ok = check_frame(file, file_len, &r, err, errlen);
    bool meta = false, have_ram = false;
    while (ok && r.pos < r.len) {
        char tag[4];
        uint32_t zero;
        uint64_t len;
        if (!take(&r, tag, 4) || !take(&r, &zero, 4) || !take64(&r, &len) || len > r.len - r.pos) {
            snprintf(err, errlen, "corrupt (a record runs past the end); cannot load");
            ok = false;
        } else if (!memcmp(tag, "META", 4) && len == 8 && !meta) {
            ok = meta = take64(&r, &instret);
        } else if (!memcmp(tag, "STAT", 4) && meta && !s) {
            uint8_t *state = malloc(len ? len : 1);
            if (state) memcpy(state, r.p + r.pos, len);
            r.pos += len;
            s = state ? snapshot_new(m, state, len, instret) : NULL;
            if (!s) snprintf(err, errlen, "out of host memory");
            ok = s != NULL;
        } else if (!memcmp(tag, "RAM ", 4) && s && !have_ram) {
            uint64_t n, end = r.pos + len;
            ok = have_ram = len >= 8 && take64(&r, &n) && n <= (len - 8) / PAGE_RECORD &&
                            len - 8 == n * PAGE_RECORD;
            for (uint64_t i = 0; ok && i < n; i++) {
                uint64_t index = 0;
                ok = take64(&r, &index) && snapshot_set_page(s, index, r.p + r.pos);
                r.pos += PAGE_SIZE;
            }
            if (!ok) snprintf(err, errlen, "corrupt (the RAM record); cannot load");
            r.pos = end;
        } else if (!memcmp(tag, "DISK", 4)) {
            uint64_t end = r.pos + len;
            ok = check_disk(&r, len, m, disks, err, errlen);
            r.pos = end;
        } else {
            snprintf(err, errlen, "corrupt (record %.4s unexpected); cannot load", tag);
            ok = false;
        }
    }
    if (ok && (!s || !have_ram)) {
        snprintf(err, errlen, "corrupt (no state or no RAM in it); cannot load");
        ok = false;
    }
    for (unsigned slot = 0; ok && slot < VIRTIO_MMIO_SLOTS; slot++) {
        const struct virtio_blk *b = &m->disk[slot];
        if (b->opened && !disks[slot].present) {
            snprintf(err, errlen, "it has no disk for virtio slot %u", slot);
            ok = false;
        }
        bool differs = false;
        if (ok && b->readonly && (!sync_disk(m, slot, &disks[slot], &differs) || differs)) {
            snprintf(err, errlen, "the read-only disk in virtio slot %u is not the one it had",
                     slot);
            ok = false;
        }
    }
    /* Everything checked but the state's values: snapshot_restore checks them first. */
    if (ok) ok = snapshot_restore(m, s, err, errlen);
    for (unsigned slot = 0; ok && slot < VIRTIO_MMIO_SLOTS; slot++) {
        bool differs;
        if (m->disk[slot].opened && !m->disk[slot].readonly &&
            !sync_disk(m, slot, &disks[slot], &differs)) {
            snprintf(err, errlen, "cannot write the disk in virtio slot %u: %s", slot,
                     strerror(errno));
            ok = false;
        }
    }
    snapshot_free(s);
    free(file);
    return ok;
}
