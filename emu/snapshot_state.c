/* The machine's state as bytes (emu/snapshot_state.h). The fields are the ones
 * emu/state_hash.c hashes (what a guest can observe), plus what decides what it will observe
 * next: the model TLB and its replacement state (a guest sees stale translations, and the
 * HPM counters count its misses), the event counts behind the counters, pending input and
 * frames, virtio-gpu's resources, guest time and the fixed random sequence. Host-only state
 * (file handles, host pointers, statistics) is not saved: the machine a snapshot is loaded
 * into is built from the same command line, which `expect` checks field by field.
 *
 * Loading goes into scratch copies (a copy of the machine's device structs, temporary TLB
 * arrays and virtio-gpu buffers), checks every value a device relies on (indexes, sizes,
 * enums, bools), and only then copies the state in: a bad file changes nothing. */
#include "snapshot_state.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../devices/timebase.h"
#include "machine.h"

/* The harts, in hart order. */
static unsigned hart_count(const struct machine *m)
{
    return m->nharts;
}

static struct cpu *hart(struct machine *m, unsigned i)
{
    return m->hart[i];
}

struct stream {
    bool load;
    uint8_t *buf; /* save: grows; load: the bytes being parsed */
    size_t len, cap, pos;
    char why[160]; /* load: the first reason it fails ("" while it does not) */
};

static void fail(struct stream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct stream *s, const char *fmt, ...)
{
    if (s->why[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, sizeof s->why, fmt, ap);
    va_end(ap);
}

static void bytes(struct stream *s, void *p, size_t n)
{
    if (s->why[0]) return;
    if (s->load) {
        if (n > s->len - s->pos) return fail(s, "the state ends early");
        memcpy(p, s->buf + s->pos, n);
        s->pos += n;
        return;
    }
    if (n > s->cap - s->len) {
        size_t cap = s->cap ? s->cap : 4096;
        while (n > cap - s->len)
            cap *= 2;
        uint8_t *b = realloc(s->buf, cap);
        if (!b) return fail(s, "out of memory");
        s->buf = b, s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

/* V: a scalar (never a pointer: its value would mean nothing in another process). A: an
 * array of scalars, whole. B: a bool, checked to be 0 or 1 when loaded. */
#define V(s, x)                                                                                    \
    do {                                                                                           \
        _Static_assert(__builtin_classify_type(x) != 5, "a pointer is not state");                 \
        bytes((s), &(x), sizeof(x));                                                               \
    } while (0)
#define A(s, x)                                                                                    \
    do {                                                                                           \
        _Static_assert(!__builtin_types_compatible_p(__typeof__(x), __typeof__(&(x)[0])),          \
                       "A() takes an array, not a pointer");                                       \
        bytes((s), (x), sizeof(x));                                                                \
    } while (0)
#define B(s, x) boolean((s), &(x), #x)

static void boolean(struct stream *s, bool *b, const char *name)
{
    uint8_t v = *b;
    bytes(s, &v, 1);
    if (!s->load || s->why[0]) return;
    if (v > 1) return fail(s, "%s is %u, not a bool", name, v);
    *b = v;
}

/* A section's name, so a state that went out of step is caught where it did. */
static void mark(struct stream *s, const char tag[4])
{
    char got[4];
    memcpy(got, tag, 4);
    bytes(s, got, 4);
    if (s->load && !s->why[0] && memcmp(got, tag, 4))
        fail(s, "section %.4s missing where expected", tag);
}

/* A fact of the machine's configuration: saved, and on loading it must be the same. */
static void expect(struct stream *s, const char *what, uint64_t value)
{
    uint64_t v = value;
    bytes(s, &v, sizeof v);
    if (s->load && !s->why[0] && v != value)
        fail(s, "the snapshot's %s is %" PRIu64 ", this machine's %" PRIu64, what, v, value);
}

/* ---- harts ---- */

/* The model TLB's entries and replacement state: loaded into `tmp` (its arrays are the
 * machine's own until everything is checked). */
struct tlb_tmp {
    struct tlb_entry *small, *super;
    unsigned *next_small;
    unsigned next_super;
};

static void tlb_entry_state(struct stream *s, struct tlb_entry *e)
{
    B(s, e->valid);
    V(s, e->level);
    V(s, e->shift);
    V(s, e->asid);
    V(s, e->vpage);
    V(s, e->ppage);
    V(s, e->pte);
    V(s, e->pte_addr);
    if (!s->load) return;
    memset(e->users, 0, sizeof e->users); /* the fast TLB starts empty after a restore */
    e->views = 0;
    if (e->valid && !(e->level <= 4 && (e->shift == 12 + 9 * e->level ||
                                        (e->level == 0 && e->shift == 16))))
        fail(s, "a TLB entry has level %u and page shift %u", e->level, e->shift);
}

static void tlb_state(struct stream *s, struct tlb *t, struct tlb_tmp *tmp)
{
    expect(s, "TLB sets", t->cfg.sets);
    expect(s, "TLB ways", t->cfg.ways);
    expect(s, "TLB superpage entries", t->cfg.super);
    if (s->why[0]) return;
    size_t small = (size_t)t->cfg.sets * t->cfg.ways;
    for (size_t i = 0; i < small; i++) {
        tlb_entry_state(s, s->load ? &tmp->small[i] : &t->small[i]);
        /* The set-associative array holds 4 KiB pages only: its lookup compares pages, not
         * sizes (mmu/tlb.c). */
        if (s->load && tmp->small[i].valid && (tmp->small[i].shift != 12 || tmp->small[i].level))
            fail(s, "a 4 KiB TLB way holds a page of shift %u", tmp->small[i].shift);
    }
    for (size_t i = 0; i < t->cfg.super; i++)
        tlb_entry_state(s, s->load ? &tmp->super[i] : &t->super[i]);
    for (size_t i = 0; i < t->cfg.sets; i++) {
        unsigned *next = s->load ? &tmp->next_small[i] : &t->next_small[i];
        V(s, *next);
        if (s->load && *next >= t->cfg.ways) fail(s, "a TLB set's next way is out of range");
    }
    unsigned *next_super = s->load ? &tmp->next_super : &t->next_super;
    V(s, *next_super);
    if (s->load && t->cfg.super && *next_super >= t->cfg.super)
        fail(s, "the superpage TLB's next entry is out of range");
    V(s, t->stats);
}

static void cpu_state(struct stream *s, struct cpu *c, struct tlb_tmp *tmp)
{
    mark(s, "HART");
    A(s, c->x);
    if (s->load && c->x[0]) fail(s, "x0 is 0x%" PRIx64 ", not 0", c->x[0]);
    V(s, c->pc);
    uint32_t priv = c->priv;
    V(s, priv);
    if (s->load && priv != PRIV_U && priv != PRIV_S && priv != PRIV_M)
        fail(s, "privilege %u", priv);
    c->priv = (enum priv)priv;
    A(s, c->f);
    V(s, c->fcsr);
    V(s, c->mstatus);
    if (s->load && !csr_mstatus_possible(c->mstatus))
        fail(s, "mstatus 0x%" PRIx64 " is not a value mstatus can hold", c->mstatus);
    V(s, c->misa);
    V(s, c->medeleg);
    V(s, c->mideleg);
    V(s, c->mie);
    V(s, c->mip);
    V(s, c->mtvec);
    V(s, c->mscratch);
    V(s, c->mepc);
    V(s, c->mcause);
    V(s, c->mtval);
    V(s, c->mcounteren);
    V(s, c->mcountinhibit);
    V(s, c->menvcfg);
    B(s, c->seip_software);
    B(s, c->seip_line);
    V(s, c->mcycle);
    V(s, c->minstret);
    A(s, c->mhpmevent);
    A(s, c->hpm_source);
    A(s, c->hpm_adjust);
    A(s, c->hpm_frozen);
    A(s, c->hpm_last);
    V(s, c->hpm_active);
    V(s, c->hpm_armed);
    V(s, c->hpm_armed_retired);
    B(s, c->hpm_mode_filter);
    A(s, c->pmpcfg);
    A(s, c->pmpaddr);
    V(s, c->stvec);
    V(s, c->sscratch);
    V(s, c->sepc);
    V(s, c->scause);
    V(s, c->stval);
    V(s, c->satp);
    V(s, c->scounteren);
    V(s, c->senvcfg);
    V(s, c->stimecmp);
    V(s, c->reservation);
    B(s, c->wfi);
    V(s, c->exc_cause);
    V(s, c->exc_tval);
    V(s, c->stats);     /* the events the HPM counters count, and guest time under -icount */
    V(s, c->mmu.stats); /* TLB misses and walks: counted too */
    tlb_state(s, &c->mmu.tlb, tmp);
}

/* ---- devices ---- */

static void uart_state(struct stream *s, struct uart16550 *u)
{
    mark(s, "UART");
    V(s, u->ier);
    V(s, u->lcr);
    V(s, u->mcr);
    V(s, u->scr);
    V(s, u->dll);
    V(s, u->dlm);
    V(s, u->fcr);
    V(s, u->lsr_extra);
    A(s, u->rx_fifo);
    V(s, u->rx_head);
    V(s, u->rx_count);
    B(s, u->thr_empty_irq);
    if (s->load && (u->rx_head >= UART_RX_FIFO || u->rx_count > UART_RX_FIFO))
        fail(s, "UART receive FIFO indexes out of range");
}

static void plic_state(struct stream *s, struct plic *p)
{
    mark(s, "PLIC");
    A(s, p->priority);
    A(s, p->level);
    A(s, p->pending);
    A(s, p->in_service);
    A(s, p->enable);
    A(s, p->threshold);
}

static void rtc_state(struct stream *s, struct goldfish_rtc *r)
{
    mark(s, "RTC ");
    V(s, r->offset_ns);
    V(s, r->alarm_ns);
    V(s, r->time_high);
    B(s, r->alarm_running);
    B(s, r->irq_pending);
    B(s, r->irq_enabled);
}

static void transport_state(struct stream *s, struct virtio_mmio *t)
{
    mark(s, "VIRT");
    expect(s, "virtio device in a slot", t->ops ? t->ops->device_id : 0);
    V(s, t->device_features);
    V(s, t->driver_features);
    V(s, t->device_features_sel);
    V(s, t->driver_features_sel);
    /* The register interface keeps the selectors to 0 or 1: DeviceFeatures shifts by 32 * sel. */
    if (s->load && (t->device_features_sel > 1 || t->driver_features_sel > 1))
        fail(s, "a virtio feature selector out of range");
    V(s, t->queue_sel);
    V(s, t->status);
    V(s, t->interrupt_status);
    V(s, t->config_generation);
    for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++) {
        struct virtq *v = &t->queue[q];
        V(s, v->num);
        B(s, v->ready);
        V(s, v->desc);
        V(s, v->avail);
        V(s, v->used);
        V(s, v->last_avail);
        V(s, v->used_idx);
        B(s, v->used_since_signal);
        /* The device walks a ready queue's rings modulo num: as enabling checked it. */
        if (s->load && v->ready &&
            (v->num == 0 || v->num > VIRTQ_MAX_SIZE || (v->num & (v->num - 1))))
            fail(s, "a ready virtqueue of size %u", v->num);
    }
    bool broken = t->broken;
    B(s, broken);
    t->broken = broken;
    if (s->load) t->fault = broken ? "broken before the snapshot was taken" : NULL;
    B(s, t->legacy);
    V(s, t->guest_page_shift);
    A(s, t->queue_align);
    if (s->load && t->guest_page_shift > 31) fail(s, "virtio guest page shift out of range");
}

static void net_state(struct stream *s, struct virtio_net *n)
{
    mark(s, "NET ");
    V(s, n->pending_head);
    V(s, n->pending_count);
    if (s->load && (n->pending_head >= VIRTIO_NET_PENDING || n->pending_count > VIRTIO_NET_PENDING))
        return fail(s, "virtio-net pending frames out of range");
    for (unsigned k = 0; k < VIRTIO_NET_PENDING; k++) {
        V(s, n->pending[k].len);
        if (s->load && n->pending[k].len > VIRTIO_NET_PENDING_BYTES)
            return fail(s, "a pending frame is too long");
        bytes(s, n->pending[k].data, n->pending[k].len);
    }
}

static void input_state(struct stream *s, struct virtio_input *in)
{
    mark(s, "INPT");
    V(s, in->select);
    V(s, in->subsel);
    for (unsigned k = 0; k < VIRTIO_INPUT_PENDING; k++) {
        V(s, in->pending[k].type);
        V(s, in->pending[k].code);
        V(s, in->pending[k].value);
    }
    V(s, in->pending_head);
    V(s, in->pending_count);
    if (s->load &&
        (in->pending_head >= VIRTIO_INPUT_PENDING || in->pending_count > VIRTIO_INPUT_PENDING))
        fail(s, "virtio-input pending events out of range");
}

/* virtio-gpu's resources. Loading allocates fresh buffers in g (a scratch copy whose
 * pointers were cleared first); gpu_drop frees them if the load fails after all. */
static void gpu_state(struct stream *s, struct virtio_gpu *g)
{
    mark(s, "GPU ");
    for (unsigned i = 0; i < VIRTIO_GPU_MAX_RESOURCES; i++) {
        struct virtio_gpu_resource *r = &g->res[i];
        V(s, r->id);
        if (!r->id) continue;
        V(s, r->format);
        V(s, r->width);
        V(s, r->height);
        V(s, r->nr_backing);
        if (s->why[0]) return;
        uint64_t pixel_bytes = (uint64_t)r->width * r->height * 4;
        if (s->load) {
            if (r->width == 0 || r->height == 0 || r->width > VIRTIO_GPU_MAX_DIMENSION ||
                r->height > VIRTIO_GPU_MAX_DIMENSION || r->nr_backing > VIRTIO_GPU_MAX_BACKING ||
                pixel_bytes > s->len - s->pos)
                return fail(s, "a virtio-gpu resource of a bad size");
            r->pixels = malloc(pixel_bytes);
            r->backing = r->nr_backing ? calloc(r->nr_backing, sizeof *r->backing) : NULL;
            if (!r->pixels || (r->nr_backing && !r->backing)) return fail(s, "out of memory");
            g->hostmem += pixel_bytes;
        }
        bytes(s, r->pixels, pixel_bytes);
        uint64_t start = 0;
        for (uint32_t k = 0; k < r->nr_backing; k++) {
            V(s, r->backing[k].addr);
            V(s, r->backing[k].len);
            r->backing[k].start = start;
            start += r->backing[k].len;
        }
        r->backing_bytes = start;
    }
    V(s, g->scanout_resource);
    V(s, g->scanout_rect);
}

static void gpu_drop(struct virtio_gpu *g)
{
    for (unsigned i = 0; i < VIRTIO_GPU_MAX_RESOURCES; i++) {
        free(g->res[i].pixels);
        free(g->res[i].backing);
    }
}

/* Guest time and the fixed random sequence: process globals, applied last. */
struct globals {
    struct timebase_state time;
    uint64_t rng;
};

/* Everything but the harts' state, in (a copy of) the machine. */
static void board_state(struct stream *s, struct machine *m, struct globals *g)
{
    mark(s, "BORD");
    V(s, m->instret);
    V(s, m->slices);
    V(s, m->next_state_hash);
    V(s, m->tablet_buttons);
    if (!s->load) {
        timebase_save(&g->time);
        g->rng = *machine_rng_sequence();
    }
    V(s, g->time);
    V(s, g->rng);
    mark(s, "CLNT");
    A(s, m->clint.msip);
    A(s, m->clint.mtimecmp);
    plic_state(s, &m->plic);
    uart_state(s, &m->uart);
    rtc_state(s, &m->rtc);
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++)
        transport_state(s, &m->virtio[slot]);
    for (unsigned i = 0; i < MACHINE_MAX_NICS; i++)
        net_state(s, &m->net[i]);
    input_state(s, &m->keyboard);
    input_state(s, &m->tablet);
    gpu_state(s, &m->gpu);
    mark(s, "FB  ");
    expect(s, "framebuffer size", m->fb.size);
    bytes(s, m->fb.pixels, m->fb.size);
    mark(s, "END ");
}

static void machine_state(struct stream *s, struct machine *m, struct cpu *cpus,
                          struct tlb_tmp *tmps, struct globals *g)
{
    mark(s, "RV39");
    expect(s, "number of harts", hart_count(m));
    expect(s, "RAM size", m->ram.size);
    for (unsigned h = 0; h < hart_count(m) && !s->why[0]; h++)
        cpu_state(s, s->load ? &cpus[h] : hart(m, h), s->load ? &tmps[h] : NULL);
    board_state(s, m, g);
}

bool snapshot_state_save(struct machine *m, uint8_t **buf, size_t *len)
{
    struct stream s = {.load = false};
    struct globals g;
    machine_state(&s, m, NULL, NULL, &g);
    if (s.why[0]) {
        free(s.buf);
        return false;
    }
    *buf = s.buf;
    *len = s.len;
    return true;
}

static void tlb_tmp_free(struct tlb_tmp *t)
{
    free(t->small);
    free(t->super);
    free(t->next_small);
}

bool snapshot_state_load(struct machine *m, const uint8_t *buf, size_t len, char *err,
                         size_t errlen)
{
    struct stream s = {.load = true, .buf = (uint8_t *)buf, .len = len};
    unsigned n = hart_count(m);
    struct cpu *cpus = malloc(n * sizeof *cpus);
    struct tlb_tmp *tmps = calloc(n, sizeof *tmps);
    struct machine *x = malloc(sizeof *x);
    uint8_t *fb = malloc(m->fb.size);
    bool ok = cpus && tmps && x && fb;
    for (unsigned h = 0; ok && h < n; h++) {
        const struct tlb_config *cfg = &hart(m, h)->mmu.tlb.cfg;
        cpus[h] = *hart(m, h);
        tmps[h].small = calloc((size_t)cfg->sets * cfg->ways, sizeof(struct tlb_entry));
        tmps[h].super = calloc(cfg->super ? cfg->super : 1, sizeof(struct tlb_entry));
        tmps[h].next_small = calloc(cfg->sets, sizeof(unsigned));
        ok = tmps[h].small && tmps[h].super && tmps[h].next_small;
    }
    struct globals g;
    if (!ok) {
        fail(&s, "out of memory");
    } else {
        *x = *m; /* host-side fields stay the machine's; the state fields are overwritten */
        memset(x->gpu.res, 0, sizeof x->gpu.res); /* never the machine's buffers */
        x->gpu.hostmem = 0;
        x->fb.pixels = fb;
        machine_state(&s, x, cpus, tmps, &g);
        if (!s.why[0] && s.pos != s.len) fail(&s, "%zu bytes too many", s.len - s.pos);
        const char *why = s.why[0] ? NULL : virtio_gpu_check(&x->gpu, &m->dma);
        if (why) fail(&s, "virtio-gpu: %s", why);
    }
    if (!s.why[0]) { /* everything checked: now the machine takes it */
        for (unsigned h = 0; h < n; h++) {
            struct cpu *c = hart(m, h);
            struct tlb *t = &c->mmu.tlb;
            *c = cpus[h];
            memcpy(t->small, tmps[h].small, (size_t)t->cfg.sets * t->cfg.ways * sizeof *t->small);
            memcpy(t->super, tmps[h].super, t->cfg.super * sizeof *t->super);
            memcpy(t->next_small, tmps[h].next_small, t->cfg.sets * sizeof *t->next_small);
            t->next_super = tmps[h].next_super;
            t->super_top = t->cfg.super; /* any superpage slot may hold a restored entry */
        }
        m->stop = m->reset = false; /* a guest that powered off since runs again */
        m->exit_status = 0;
        m->instret = x->instret;
        m->slices = x->slices;
        m->next_state_hash = x->next_state_hash;
        m->tablet_buttons = x->tablet_buttons;
        m->clint = x->clint;
        m->plic = x->plic;
        m->uart = x->uart;
        m->rtc = x->rtc;
        memcpy(m->virtio, x->virtio, sizeof m->virtio);
        memcpy(m->net, x->net, sizeof m->net);
        m->keyboard = x->keyboard;
        m->tablet = x->tablet;
        virtio_gpu_free(&m->gpu);
        m->gpu = x->gpu;
        memcpy(m->fb.pixels, fb, m->fb.size);
        framebuffer_mark_rows(&m->fb, 0, m->fb.height); /* the window shows it all anew */
        timebase_restore(&g.time);
        *machine_rng_sequence() = g.rng;
    } else if (x) {
        gpu_drop(&x->gpu);
    }
    for (unsigned h = 0; tmps && h < n; h++)
        tlb_tmp_free(&tmps[h]);
    free(tmps);
    free(cpus);
    free(x);
    free(fb);
    if (s.why[0]) snprintf(err, errlen, "%s", s.why);
    return !s.why[0];
}
