/* In-memory snapshots (emu/snapshot.h): RAM pages shared copy-on-write between snapshots,
 * the rest as one byte string (emu/snapshot_state.c). */
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk_journal.h"
#include "machine.h"
#include "snapshot_state.h"

/* A 4 KiB page of RAM as some snapshot saw it, shared by every snapshot that saw the same
 * bytes there (and by `base`, below). Immutable once made. */
struct ram_page {
    uint64_t refs;
    uint8_t data[PAGE_SIZE];
};

/* The machine's snapshot bookkeeping (m->snap), made by the first capture.
 * Invariant: where written[p] is 0, RAM page p holds exactly base[p]'s bytes (zeros for
 * NULL). So a capture shares base[p] for every page not written since, and a restore skips
 * every page whose base is already what the snapshot wants. */
struct snapshot_ctx {
    uint64_t pages;
    uint8_t *written;       /* ram.written (mmu/ram.h), shared with the harts and DMA */
    struct ram_page **base; /* RAM as of the last capture or restore */
    struct snapshot *live;  /* snapshots not yet freed (their disk journals are kept) */
};

struct snapshot {
    struct snapshot_ctx *ctx;
    struct snapshot *next, *prev; /* in ctx->live */
    uint64_t instret;
    uint8_t *state;
    size_t state_len;
    struct ram_page **pages; /* ctx->pages of them; NULL: a zero page */
    /* Per virtio slot, what the drive there held where it was written since. */
    struct disk_journal disk[VIRTIO_MMIO_SLOTS];
    const char *disk_lost; /* why a journal is incomplete (a restore then refuses), or NULL */
};

/* The harts, in hart order. */
static unsigned hart_count(const struct machine *m)
{
    return m->nharts;
}

static struct cpu *hart(struct machine *m, unsigned i)
{
    return m->hart[i];
}

static struct ram_page *page_ref(struct ram_page *p)
{
    if (p) p->refs++;
    return p;
}

static void page_unref(struct ram_page *p)
{
    if (p && --p->refs == 0) free(p);
}

/* Point every copy of the machine's guest_ram at the dirty map (NULL: stop marking). */
static void set_written_map(struct machine *m, uint8_t *map)
{
    m->ram.written = map;
    m->dma.ram.written = map;
    for (unsigned h = 0; h < hart_count(m); h++)
        hart(m, h)->mmu.ram.written = map;
}

/* ---- disks: copy before write into every live snapshot's journal ---- */

static bool read_full(int fd, uint8_t *p, size_t len, off_t off)
{
    while (len) {
        ssize_t n = pread(fd, p, len, off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n, len -= (size_t)n, off += n;
    }
    return true;
}

static bool write_full(int fd, const uint8_t *p, size_t len, off_t off)
{
    while (len) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n, len -= (size_t)n, off += n;
    }
    return true;
}

/* Bytes [offset, offset + len) of the drive in `slot` are about to be overwritten: every live
 * snapshot without the blocks they touch gets their present contents (read once, shared). */
static void journal_range(struct machine *m, unsigned slot, uint64_t offset, uint64_t len)
{
    struct snapshot_ctx *x = m->snap;
    const struct virtio_blk *b = &m->disk[slot];
    uint64_t size = b->capacity * VIRTIO_BLK_SECTOR;
    if (!x || !x->live || !len) return;
    for (uint64_t k = offset / DISK_BLOCK; k <= (offset + len - 1) / DISK_BLOCK; k++) {
        struct disk_block *old = NULL;
        for (struct snapshot *s = x->live; s; s = s->next) {
            if (s->disk_lost || disk_journal_has(&s->disk[slot], k)) continue;
            if (!old) {
                uint64_t at = k * DISK_BLOCK;
                old = malloc(sizeof *old);
                if (old) {
                    old->refs = 1; /* ours until the loop ends */
                    old->len = (uint32_t)(size - at < DISK_BLOCK ? size - at : DISK_BLOCK);
                    if (!read_full(b->fd, old->data, old->len, (off_t)at)) {
                        free(old);
                        old = NULL;
                    }
                }
            }
            if (!old || !disk_journal_put(&s->disk[slot], k, old))
                s->disk_lost = "could not keep a disk block it needs (out of memory or a "
                               "read error)";
        }
        disk_block_unref(old);
    }
}

static void before_disk_write(void *opaque, struct virtio_blk *b, uint64_t offset, uint64_t len)
{
    struct machine *m = opaque;
    journal_range(m, (unsigned)(b - m->disk), offset, len);
}

struct disk_restore {
    struct machine *m;
    unsigned slot;
};

static bool restore_block(void *opaque, uint64_t block, const struct disk_block *old)
{
    struct disk_restore *r = opaque;
    uint64_t at = block * DISK_BLOCK;
    journal_range(r->m, r->slot, at, old->len); /* the other snapshots keep what it was */
    return write_full(r->m->disk[r->slot].fd, old->data, old->len, (off_t)at);
}

/* Put the blocks written since `s` back on every drive; its journals are then empty (the
 * disks are as at `s`). */
static bool restore_disks(struct machine *m, struct snapshot *s, char *err, size_t errlen)
{
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++) {
        struct disk_restore r = {m, slot};
        if (!disk_journal_each(&s->disk[slot], restore_block, &r)) {
            snprintf(err, errlen, "cannot write the disk in virtio slot %u back: %s", slot,
                     strerror(errno));
            return false;
        }
        disk_journal_clear(&s->disk[slot]);
    }
    return true;
}

bool snapshot_disk_write(struct machine *m, unsigned slot, const uint8_t *data, uint64_t len,
                         uint64_t offset)
{
    journal_range(m, slot, offset, len);
    return write_full(m->disk[slot].fd, data, len, (off_t)offset);
}

static struct snapshot_ctx *context(struct machine *m)
{
    if (m->snap) return m->snap;
    struct snapshot_ctx *x = calloc(1, sizeof *x);
    if (!x) return NULL;
    x->pages = m->ram.size / PAGE_SIZE;
    x->written = malloc(x->pages);
    x->base = calloc(x->pages, sizeof *x->base);
    if (!x->written || !x->base) {
        free(x->written);
        free(x->base);
        free(x);
        return NULL;
    }
    memset(x->written, 1, x->pages); /* no base yet: every page must be looked at */
    set_written_map(m, x->written);
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++) {
        struct virtio_blk *b = &m->disk[slot];
        if (b->opened && !b->readonly) {
            b->before_write = before_disk_write;
            b->before_write_opaque = m;
        }
    }
    m->snap = x;
    return x;
}

/* Stores must reach the slow path (which marks ram.written) again. */
static void drop_fast_writers(struct machine *m)
{
    for (unsigned h = 0; h < hart_count(m); h++)
        mmu_drop_all_writers(&hart(m, h)->mmu);
}

/* `p` may be anywhere in a snapshot file's buffer: read it a word at a time with memcpy. */
static bool all_zero(const uint8_t *p)
{
    for (unsigned i = 0; i < PAGE_SIZE; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        if (w) return false;
    }
    return true;
}

/* A new page holding `data`, or NULL for zeros; *oom set when memory runs out. */
static struct ram_page *page_of(const uint8_t *data, bool *oom)
{
    if (all_zero(data)) return NULL;
    struct ram_page *p = malloc(sizeof *p);
    if (!p) {
        *oom = true;
        return NULL;
    }
    p->refs = 1;
    memcpy(p->data, data, PAGE_SIZE);
    return p;
}

static struct snapshot *alloc_snapshot(struct snapshot_ctx *x)
{
    struct snapshot *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->pages = calloc(x->pages, sizeof *s->pages);
    if (!s->pages) {
        free(s);
        return NULL;
    }
    s->ctx = x;
    s->next = x->live;
    if (x->live) x->live->prev = s;
    x->live = s;
    return s;
}

struct snapshot *snapshot_capture(struct machine *m)
{
    struct snapshot_ctx *x = context(m);
    struct snapshot *s = x ? alloc_snapshot(x) : NULL;
    if (!s || !snapshot_state_save(m, &s->state, &s->state_len)) {
        fprintf(stderr, "rv39: out of host memory for a snapshot\n");
        snapshot_free(s);
        return NULL;
    }
    s->instret = m->instret;
    bool oom = false;
    for (uint64_t p = 0; p < x->pages && !oom; p++) {
        if (x->written[p]) {
            struct ram_page *now = page_of(m->ram.host + p * PAGE_SIZE, &oom);
            if (oom) break;
            page_unref(x->base[p]);
            x->base[p] = now;
            x->written[p] = 0;
        }
        s->pages[p] = page_ref(x->base[p]);
    }
    drop_fast_writers(m);
    if (oom) {
        fprintf(stderr, "rv39: out of host memory for a snapshot\n");
        snapshot_free(s);
        return NULL;
    }
    return s;
}

bool snapshot_restore(struct machine *m, struct snapshot *s, char *err, size_t errlen)
{
    struct snapshot_ctx *x = context(m);
    if (!x) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    if (s->ctx != x) {
        snprintf(err, errlen, "the snapshot is of another machine");
        return false;
    }
    if (s->disk_lost) {
        snprintf(err, errlen, "the snapshot %s", s->disk_lost);
        return false;
    }
    if (!snapshot_state_load(m, s->state, s->state_len, err, errlen)) return false;
    for (uint64_t p = 0; p < x->pages; p++) {
        struct ram_page *want = s->pages[p];
        if (!x->written[p] && x->base[p] == want) continue;
        uint8_t *host = m->ram.host + p * PAGE_SIZE;
        if (want)
            memcpy(host, want->data, PAGE_SIZE);
        else if (!all_zero(host)) /* reading a page the guest never touched commits nothing */
            memset(host, 0, PAGE_SIZE);
        for (unsigned h = 0; h < hart_count(m); h++) /* decoded and translated code there */
            cpu_invalidate_code(hart(m, h), m->ram.base + p * PAGE_SIZE, PAGE_SIZE);
        page_unref(x->base[p]);
        x->base[p] = page_ref(want);
        x->written[p] = 0;
    }
    for (unsigned h = 0; h < hart_count(m); h++) {
        struct cpu *c = hart(m, h);
        c->yield_request = false;
        mmu_init(&c->mmu); /* every fast translation: the model TLB was replaced */
        cpu_sync_mmu(c);
    }
    return restore_disks(m, s, err, errlen);
}

void snapshot_free(struct snapshot *s)
{
    if (!s) return;
    if (s->pages)
        for (uint64_t p = 0; p < s->ctx->pages; p++)
            page_unref(s->pages[p]);
    free(s->pages);
    free(s->state);
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++)
        disk_journal_clear(&s->disk[slot]);
    if (s->prev) s->prev->next = s->next;
    if (s->next) s->next->prev = s->prev;
    struct snapshot_ctx *x = s->ctx;
    if (x->live == s) x->live = s->next;
    free(s);
    if (!x->live) { /* nothing to share with: give the copy of RAM back (savevm, a Linux guest) */
        for (uint64_t p = 0; p < x->pages; p++) {
            page_unref(x->base[p]);
            x->base[p] = NULL;
        }
        memset(x->written, 1, x->pages);
    }
}

uint64_t snapshot_instret(const struct snapshot *s)
{
    return s->instret;
}

const uint8_t *snapshot_state_bytes(const struct snapshot *s, size_t *len)
{
    *len = s->state_len;
    return s->state;
}

const uint8_t *snapshot_page(const struct snapshot *s, uint64_t index)
{
    return index < s->ctx->pages && s->pages[index] ? s->pages[index]->data : NULL;
}

uint64_t snapshot_page_count(const struct snapshot *s)
{
    return s->ctx->pages;
}

struct snapshot *snapshot_new(struct machine *m, uint8_t *state, size_t state_len,
                              uint64_t instret)
{
    struct snapshot_ctx *x = context(m);
    struct snapshot *s = x ? alloc_snapshot(x) : NULL;
    if (!s) {
        free(state);
        return NULL;
    }
    s->state = state;
    s->state_len = state_len;
    s->instret = instret;
    return s;
}

bool snapshot_set_page(struct snapshot *s, uint64_t index, const uint8_t *data)
{
    if (index >= s->ctx->pages) return false;
    bool oom = false;
    struct ram_page *p = page_of(data, &oom);
    page_unref(s->pages[index]);
    s->pages[index] = p;
    return !oom;
}

void snapshot_machine_free(struct machine *m)
{
    struct snapshot_ctx *x = m->snap;
    if (!x) return;
    set_written_map(m, NULL);
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++)
        m->disk[slot].before_write = NULL;
    for (uint64_t p = 0; p < x->pages; p++)
        page_unref(x->base[p]);
    free(x->base);
    free(x->written);
    free(x);
    m->snap = NULL;
}
