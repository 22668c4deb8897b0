/* Record and replay (emu/record.h): the log's format, writing it, and reading it back. */
#include "record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../devices/timebase.h"
#include "console_out.h"
#include "machine.h"

#define RR_MAGIC "RV39REC\n"
#define RR_VERSION 1u
#define RR_HEADER_SIZE (8 + 4 + 4 + 4 + 4 + 8 + 8)
#define RR_ENTRY_HEAD (1 + 8 + 8 + 2)
#define RR_MAX_PAYLOAD 64
/* A register hash every this many steps of the hart: a replay that strays is caught within
 * about this many instructions of where it went wrong. */
#define RR_SYNC_EVERY 1000000ull

enum rr_kind {
    RR_UART = 1,    /* bytes into the UART's receive FIFO */
    RR_KEY = 2,     /* u16 HID usage, u8 down */
    RR_POINTER = 3, /* u16 x, u16 y, u8 buttons */
    RR_SYNC = 4,    /* u64 register hash */
    RR_END = 5,     /* i32 exit status, u64 state hash, u64 hash of the file before this entry */
};

struct rr_entry {
    uint8_t kind;
    uint16_t len;
    struct rr_point at;
    uint8_t payload[RR_MAX_PAYLOAD];
};

struct rr {
    bool replay;
    const char *path;
    uint8_t header[RR_HEADER_SIZE];
    /* The entries, in memory for both: a record writes them out at the end. Entries before
     * `next` are behind the machine; a record takes input live only at its end (next ==
     * count): after time travel went back, the way forward comes from the entries. */
    struct rr_entry *entries;
    size_t count, cap, next;
    uint64_t next_sync;
    uint64_t inputs;
    bool failed; /* diverged: the end is not checked */
    bool full_speed; /* a replay under a debugger of a log made without one (replay_seek.h) */
};

/* ---- points and hashes ---- */

struct rr_point rr_now(const struct machine *m)
{
    uint64_t progress = 0; /* every hart's (the round-robin mode runs them in a fixed order) */
    for (unsigned h = 0; h < m->nharts; h++)
        progress += m->hart[h]->stats.retired + m->hart[h]->stats.traps;
    return (struct rr_point){progress, timebase_is_icount() ? timebase_guest_ns() : 0};
}

static int point_cmp(struct rr_point a, struct rr_point b)
{
    if (a.progress != b.progress) return a.progress < b.progress ? -1 : 1;
    if (a.ns != b.ns) return a.ns < b.ns ? -1 : 1;
    return 0;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}
#define FNV_START 0xcbf29ce484222325ull

/* The registers and the CSRs that steer execution: cheap enough for every sync point. */
static uint64_t register_hash(const struct machine *m)
{
    uint64_t h = FNV_START;
    for (unsigned i = 0; i < m->nharts; i++) {
        const struct cpu *c = m->hart[i];
        uint64_t words[] = {c->pc,   (uint64_t)c->priv, c->mstatus, c->mip,  c->mie,
                            c->satp, c->stvec,          c->mtvec,   c->sepc, c->mepc,
                            c->scause, timebase_now()};
        h = fnv(h, (const uint8_t *)c->x, 32 * sizeof(uint64_t));
        h = fnv(h, (const uint8_t *)words, sizeof words);
    }
    return h;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* ---- recording ---- */

/* How the run was driven: where slices end (so where inputs can land) depends on it. */
enum rr_flags {
    RR_FLAG_JIT = 1 << 0,      /* translated code ran (it ends slices at its block ends) */
    RR_FLAG_STEPPED = 1 << 1,  /* a debugger ran the hart one instruction at a time */
};

static uint32_t run_flags(const struct machine *m, bool debugger)
{
    /* A debugger steps the interpreter (a debugger's replay of a full-speed log may have
     * the translator, emu/replay_seek.h: it compares with run_flags(m, false)). */
    if (debugger) return RR_FLAG_STEPPED;
    return m->hart[0]->jit ? RR_FLAG_JIT : 0;
}

static void describe_flags(uint32_t flags, char *buf, size_t len)
{
    snprintf(buf, len, "-jit %s%s", flags & RR_FLAG_JIT ? "on" : "off",
             flags & RR_FLAG_STEPPED ? " under a debugger" : "");
}

static bool append(struct rr *rr, const struct rr_entry *e)
{
    if (rr->count == rr->cap) {
        size_t cap = rr->cap ? rr->cap * 2 : 256;
        struct rr_entry *bigger = realloc(rr->entries, cap * sizeof *bigger);
        if (!bigger) return false;
        rr->entries = bigger;
        rr->cap = cap;
    }
    rr->entries[rr->count++] = *e;
    return true;
}

/* A new entry at the end of a record (the machine is there: next == count). */
static void write_entry(struct rr *rr, enum rr_kind kind, struct rr_point at, const uint8_t *payload,
                        unsigned len)
{
    struct rr_entry e = {.kind = (uint8_t)kind, .len = (uint16_t)len, .at = at};
    memcpy(e.payload, payload, len);
    if (append(rr, &e)) rr->next = rr->count;
    else if (!rr->failed) {
        fprintf(stderr, "rv39: -record: out of memory: the record stops here\n");
        rr->failed = true;
    }
}

struct rr *rr_record_open(struct machine *m, const char *path, bool debugger)
{
    struct rr *rr = calloc(1, sizeof *rr);
    if (!rr) return NULL;
    rr->path = path;
    if (path) { /* fail now, not at the end of a long run */
        FILE *f = fopen(path, "wb");
        if (!f) {
            fprintf(stderr, "rv39: -record %s: %s\n", path, strerror(errno));
            free(rr);
            return NULL;
        }
        fclose(f);
    }
    uint8_t *head = rr->header;
    memcpy(head, RR_MAGIC, 8);
    put_le(head + 8, RR_VERSION, 4);
    put_le(head + 12, run_flags(m, debugger), 4);
    put_le(head + 16, m->cfg.icount_shift, 4);
    put_le(head + 20, 0, 4);
    put_le(head + 24, m->cfg.rtc_base_ns, 8);
    put_le(head + 32, m->ram.size, 8);
    rr->next_sync = (rr_now(m).progress / RR_SYNC_EVERY + 1) * RR_SYNC_EVERY;
    return rr;
}

bool rr_live(const struct rr *rr)
{
    return rr && !rr->replay && rr->next == rr->count && !rr->failed;
}

bool rr_input_from_log(const struct rr *rr)
{
    return rr && (rr->replay || rr->next < rr->count);
}

void rr_rewind(struct rr *rr, struct rr_point to)
{
    size_t lo = 0, hi = rr->count; /* the first entry at or after `to` */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (point_cmp(rr->entries[mid].at, to) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    rr->next = lo;
}

void rr_record_uart(struct rr *rr, const struct machine *m, const uint8_t *bytes, unsigned n)
{
    if (!rr_live(rr)) return;
    struct rr_point at = rr_now(m);
    for (unsigned done = 0; done < n;) {
        unsigned len = n - done < RR_MAX_PAYLOAD ? n - done : RR_MAX_PAYLOAD;
        write_entry(rr, RR_UART, at, bytes + done, len);
        done += len;
    }
    rr->inputs += n;
}

void rr_record_input(struct rr *rr, const struct machine *m, const struct input_msg *msg)
{
    if (!rr_live(rr)) return;
    uint8_t p[5];
    if (msg->kind == INPUT_MSG_KEY) {
        put_le(p, msg->a, 2);
        p[2] = msg->b != 0;
        write_entry(rr, RR_KEY, rr_now(m), p, 3);
    } else {
        put_le(p, msg->a, 2);
        put_le(p + 2, msg->b, 2);
        p[4] = msg->buttons;
        write_entry(rr, RR_POINTER, rr_now(m), p, 5);
    }
    rr->inputs++;
}

/* ---- reading a log ---- */
/* END's checksum: FNV-1a over every byte of the file before it, then END's own head and its
 * first 12 payload bytes (exit status, state hash), so no byte but the checksum escapes it. */

struct reader {
    const char *path;
    uint8_t *data;
    size_t size;
};

static bool read_file(const char *path, struct reader *r)
{
    r->path = path;
    r->data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "rv39: -replay %s: %s\n", path, strerror(errno));
        return false;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (size_t n; buf && (n = fread(buf + len, 1, cap - len, f)) > 0;) {
        len += n;
        if (len == cap) {
            uint8_t *bigger = cap < (1ull << 32) ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    bool error = ferror(f);
    fclose(f);
    if (!buf || error) {
        free(buf);
        fprintf(stderr, "rv39: -replay %s: %s\n", path, buf ? "read error" : "too large");
        return false;
    }
    r->data = buf;
    r->size = len;
    return true;
}

static bool check_header(const struct reader *r)
{
    if (r->size < RR_HEADER_SIZE || memcmp(r->data, RR_MAGIC, 8) != 0) {
        fprintf(stderr, "rv39: -replay %s: not an rv39 record (-record FILE makes one)\n", r->path);
        return false;
    }
    uint32_t version = (uint32_t)get_le(r->data + 8, 4);
    if (version != RR_VERSION) {
        fprintf(stderr,
                "rv39: -replay %s: record format version %" PRIu32 ", this rv39 reads version %u\n",
                r->path, version, RR_VERSION);
        return false;
    }
    if (get_le(r->data + 12, 4) >> 2 || get_le(r->data + 16, 4) > TIMEBASE_MAX_SHIFT ||
        get_le(r->data + 20, 4)) {
        fprintf(stderr, "rv39: -replay %s: corrupt record (header)\n", r->path);
        return false;
    }
    return true;
}

bool rr_replay_config(const char *path, unsigned *shift, uint64_t *rtc_base_ns, uint64_t *ram_size)
{
    struct reader r;
    if (!read_file(path, &r)) return false;
    bool ok = check_header(&r);
    if (ok) {
        *shift = (unsigned)get_le(r.data + 16, 4);
        *rtc_base_ns = get_le(r.data + 24, 8);
        *ram_size = get_le(r.data + 32, 8);
    }
    free(r.data);
    return ok;
}

/* The payload length each kind must have (0: any from 1 to RR_MAX_PAYLOAD). */
static int payload_len(uint8_t kind)
{
    switch (kind) {
    case RR_UART: return 0;
    case RR_KEY: return 3;
    case RR_POINTER: return 5;
    case RR_SYNC: return 8;
    case RR_END: return 4 + 8 + 8;
    default: return -1;
    }
}

/* Every entry well formed, points in order, END last with the hash of all before it. */
static bool parse_entries(struct rr *rr, const struct reader *r)
{
    size_t off = RR_HEADER_SIZE;
    struct rr_point last = {0, 0};
    for (;;) {
        if (off == r->size) {
            fprintf(stderr, "rv39: -replay %s: truncated record (no end entry: the recording rv39 "
                            "did not finish)\n", r->path);
            return false;
        }
        if (r->size - off < RR_ENTRY_HEAD) break;
        const uint8_t *h = r->data + off;
        struct rr_entry e = {.kind = h[0],
                             .at = {get_le(h + 1, 8), get_le(h + 9, 8)},
                             .len = (uint16_t)get_le(h + 17, 2)};
        int want = payload_len(e.kind);
        if (want < 0 || (want == 0 ? (e.len == 0 || e.len > RR_MAX_PAYLOAD) : e.len != want)) {
            fprintf(stderr, "rv39: -replay %s: corrupt record (bad entry at byte %zu)\n", r->path,
                    off);
            return false;
        }
        if (r->size - off - RR_ENTRY_HEAD < e.len) break;
        if (point_cmp(e.at, last) < 0) {
            fprintf(stderr, "rv39: -replay %s: corrupt record (entries out of order at byte %zu)\n",
                    r->path, off);
            return false;
        }
        last = e.at;
        memcpy(e.payload, h + RR_ENTRY_HEAD, e.len);
        if (e.kind == RR_END) {
            uint64_t expect = get_le(e.payload + 12, 8);
            if (fnv(fnv(FNV_START, r->data, off), h, RR_ENTRY_HEAD + 12) != expect) {
                fprintf(stderr, "rv39: -replay %s: corrupt record (its checksum does not match)\n",
                        r->path);
                return false;
            }
            if (off + RR_ENTRY_HEAD + e.len != r->size) {
                fprintf(stderr, "rv39: -replay %s: corrupt record (data after the end entry)\n",
                        r->path);
                return false;
            }
        }
        if (!append(rr, &e)) {
            fprintf(stderr, "rv39: -replay %s: out of memory\n", r->path);
            return false;
        }
        off += RR_ENTRY_HEAD + e.len;
        if (e.kind == RR_END) return true;
    }
    fprintf(stderr, "rv39: -replay %s: truncated record (an entry is cut off at byte %zu)\n",
            r->path, off);
    return false;
}

struct rr *rr_replay_open(struct machine *m, const char *path, bool debugger)
{
    struct reader r;
    if (!read_file(path, &r)) return NULL;
    struct rr *rr = calloc(1, sizeof *rr);
    bool ok = rr && check_header(&r);
    if (ok && get_le(r.data + 32, 8) != m->ram.size) {
        fprintf(stderr, "rv39: -replay %s: recorded with -m %" PRIu64 "M, this machine has %" PRIu64
                        "M\n", path, get_le(r.data + 32, 8) >> 20, m->ram.size >> 20);
        ok = false;
    }
    uint32_t flags = ok ? (uint32_t)get_le(r.data + 12, 4) : 0;
    /* A debugger replays a full-speed log with its slice schedule (emu/replay_seek.h), which
     * follows one hart. */
    bool full_speed = ok && debugger && flags == run_flags(m, false);
    if (full_speed && m->nharts > 1) {
        fprintf(stderr, "rv39: -replay %s: a debugger replays a record made without one only "
                        "with one hart, this machine has %u\n", path, m->nharts);
        ok = false;
    }
    if (ok && !full_speed && flags != run_flags(m, debugger)) {
        char was[64], is[64];
        describe_flags(flags, was, sizeof was);
        describe_flags(run_flags(m, debugger), is, sizeof is);
        fprintf(stderr, "rv39: -replay %s: recorded with %s, replayed with %s: run it as it was "
                        "recorded\n", path, was, is);
        ok = false;
    }
    ok = ok && parse_entries(rr, &r);
    free(r.data);
    if (!ok) {
        if (rr) free(rr->entries);
        free(rr);
        return NULL;
    }
    rr->replay = true;
    rr->full_speed = full_speed;
    rr->path = path;
    for (size_t i = 0; i < rr->count; i++)
        if (rr->entries[i].kind != RR_SYNC && rr->entries[i].kind != RR_END)
            rr->inputs += rr->entries[i].kind == RR_UART ? rr->entries[i].len : 1;
    return rr;
}


bool rr_full_speed(const struct rr *rr)
{
    return rr && rr->replay && rr->full_speed;
}

uint64_t rr_input_count(const struct rr *rr)
{
    return rr->inputs;
}

/* ---- the run ---- */

static void diverged(struct rr *rr, struct machine *m, const char *what, struct rr_point at)
{
    console_out_end_guest_line();
    fprintf(stderr,
            "rv39: -replay %s: the run diverged from the record %s (recorded at step %" PRIu64
            ", guest ns %" PRIu64 "; the replay is at step %" PRIu64 ", pc 0x%" PRIx64 ")\n",
            rr->path, what, at.progress, at.ns, rr_now(m).progress, machine_selected(m)->pc);
    m->exit_status = 2;
    m->stop = true;
    machine_yield_all(m);
    rr->failed = true;
    rr->next = rr->count; /* nothing more to check */
}

static void deliver(struct rr *rr, struct machine *m, const struct rr_entry *e)
{
    switch (e->kind) {
    case RR_UART:
        for (unsigned i = 0; i < e->len; i++) {
            if (!uart_rx_space(&m->uart)) {
                diverged(rr, m, "(the UART's FIFO is full where the record put input)", e->at);
                return;
            }
            uart_rx_push(&m->uart, e->payload[i]);
        }
        break;
    case RR_KEY:
    case RR_POINTER: {
        struct input_msg msg = {e->kind == RR_KEY ? INPUT_MSG_KEY : INPUT_MSG_POINTER,
                                (uint16_t)get_le(e->payload, 2), 0, 0};
        if (e->kind == RR_KEY) {
            msg.b = e->payload[2];
        } else {
            msg.b = (uint16_t)get_le(e->payload + 2, 2);
            msg.buttons = e->payload[4];
        }
        machine_input_deliver(m, &msg);
        break;
    }
    case RR_SYNC:
        if (register_hash(m) != get_le(e->payload, 8))
            diverged(rr, m, "(its registers differ)", e->at);
        break;
    case RR_END: /* the recording stopped here (C-a x, a signal): so does the replay */
        console_out_end_guest_line();
        fprintf(stderr, "rv39: -replay %s: end of the record at step %" PRIu64 "\n", rr->path,
                e->at.progress);
        m->exit_status = (int32_t)get_le(e->payload, 4);
        m->stop = true;
        machine_yield_all(m);
        break;
    }
}

void rr_service(struct rr *rr, struct machine *m)
{
    struct rr_point now = rr_now(m);
    while (rr->next < rr->count) {
        const struct rr_entry *e = &rr->entries[rr->next];
        int cmp = point_cmp(e->at, now);
        if (cmp > 0) return;
        if (cmp < 0) {
            diverged(rr, m, "(the run never stopped where the record has an entry)", e->at);
            return;
        }
        rr->next++;
        deliver(rr, m, e);
        if (m->stop) return;
    }
    if (rr_live(rr) && now.progress >= rr->next_sync) {
        uint8_t p[8];
        put_le(p, register_hash(m), 8);
        write_entry(rr, RR_SYNC, now, p, 8);
        rr->next_sync = (now.progress / RR_SYNC_EVERY + 1) * RR_SYNC_EVERY;
    }
}

/* The whole record to its file: header, entries, END with the checksum of all before it. */
static bool write_file(struct rr *rr, int status, uint64_t state_hash, struct rr_point at)
{
    FILE *f = fopen(rr->path, "wb");
    if (!f) return false;
    uint64_t h = fnv(FNV_START, rr->header, RR_HEADER_SIZE);
    fwrite(rr->header, 1, RR_HEADER_SIZE, f);
    for (size_t i = 0; i <= rr->count; i++) {
        struct rr_entry end = {.kind = RR_END, .len = 20, .at = at};
        const struct rr_entry *e = &end;
        if (i < rr->count) {
            e = &rr->entries[i];
        } else {
            put_le(end.payload, (uint32_t)status, 4);
            put_le(end.payload + 4, state_hash, 8);
        }
        uint8_t head[RR_ENTRY_HEAD];
        head[0] = e->kind;
        put_le(head + 1, e->at.progress, 8);
        put_le(head + 9, e->at.ns, 8);
        put_le(head + 17, e->len, 2);
        if (e == &end) /* the checksum covers END itself too, all but its own 8 bytes */
            put_le(end.payload + 12, fnv(fnv(h, head, sizeof head), end.payload, 12), 8);
        h = fnv(fnv(h, head, sizeof head), e->payload, e->len);
        fwrite(head, 1, sizeof head, f);
        fwrite(e->payload, 1, e->len, f);
    }
    bool ok = fflush(f) == 0 && !ferror(f);
    return fclose(f) == 0 && ok;
}

int rr_close(struct rr *rr, struct machine *m, int status)
{
    if (!rr) return status;
    if (!rr->replay && rr->path) {
        /* Time travel may have left the machine before the record's end: the record ends
         * where the machine is now, the entries after it dropped. */
        rr->count = rr->next;
        if (!write_file(rr, status, machine_state_hash(m), rr_now(m))) {
            fprintf(stderr, "rv39: -record %s: write error\n", rr->path);
            status = 2;
        } else {
            fprintf(stderr, "rv39: -record %s: %" PRIu64 " inputs recorded over %" PRIu64
                            " steps\n", rr->path, rr->inputs, rr_now(m).progress);
        }
    } else if (rr->replay && !rr->failed) {
        const struct rr_entry *end = &rr->entries[rr->count - 1];
        struct rr_point now = rr_now(m);
        if (point_cmp(now, end->at) != 0) {
            fprintf(stderr, "rv39: -replay %s: the run ended at step %" PRIu64 ", the record at "
                            "step %" PRIu64 "\n", rr->path, now.progress, end->at.progress);
            status = 2;
        } else if (machine_state_hash(m) != get_le(end->payload + 4, 8)) {
            fprintf(stderr, "rv39: -replay %s: the run ended at the recorded step with a "
                            "different machine state\n", rr->path);
            status = 2;
        } else {
            fprintf(stderr, "rv39: -replay %s: replayed %" PRIu64 " inputs over %" PRIu64
                            " steps; the final state matches the record\n", rr->path, rr->inputs,
                    now.progress);
        }
    }
    free(rr->entries);
    free(rr);
    return status;
}
