/* A hash of the machine's guest-visible state, for checking that execution is deterministic
 * (-icount): two runs that agree on it at the same instret agree on everything a guest could
 * observe. Fields are hashed one by one (never whole structs: padding and host pointers would
 * differ between runs). Device state that only the host sees (file handles, statistics) is
 * left out; the disk images are the host's to compare (cmp) after the run. */
#include <inttypes.h>
#include <string.h>

#include "../devices/timebase.h"
#include "console_out.h"
#include "machine.h"

struct hasher {
    uint64_t h;
};

/* A multiply-rotate mix per 64-bit word: cheap enough to run over all of RAM many times. */
static void mix(struct hasher *s, uint64_t w)
{
    s->h ^= w;
    s->h *= 0x9e3779b97f4a7c15ull;
    s->h = (s->h << 31) | (s->h >> 33);
}

static void mix_words(struct hasher *s, const uint64_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mix(s, w[i]);
}

static void mix_words32(struct hasher *s, const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mix(s, w[i]);
}

static void hash_cpu(struct hasher *s, const struct cpu *c)
{
    mix_words(s, c->x, 32);
    mix(s, c->pc);
    mix(s, (uint64_t)c->priv);
    mix_words(s, c->f, 32);
    mix(s, c->fcsr);
    const uint64_t csrs[] = {
        c->mstatus,     c->misa,          c->medeleg,       c->mideleg, c->mie,
        c->mip,         c->mtvec,         c->mscratch,      c->mepc,    c->mcause,
        c->mtval,       c->mcounteren,    c->mcountinhibit, c->menvcfg, c->mcycle,
        c->minstret,    c->stvec,         c->sscratch,      c->sepc,    c->scause,
        c->stval,       c->satp,          c->scounteren,    c->senvcfg, c->stimecmp,
        c->reservation, c->seip_software, c->seip_line,     c->wfi,
    };
    mix_words(s, csrs, sizeof csrs / sizeof csrs[0]);
    mix_words(s, c->mhpmevent, HPM_COUNTERS);
    mix_words(s, c->hpm_adjust, HPM_COUNTERS); /* the counters' values, with their events */
    mix_words(s, c->hpm_frozen, HPM_COUNTERS);
    mix(s, c->hpm_active);
    mix_words(s, c->pmpcfg, 16);
    mix_words(s, c->pmpaddr, 64);
}

static void hash_virtio(struct hasher *s, const struct virtio_mmio *t)
{
    mix(s, t->ops ? t->ops->device_id : 0);
    mix(s, t->device_features);
    mix(s, t->driver_features);
    const uint32_t regs[] = {
        t->device_features_sel, t->driver_features_sel, t->queue_sel, t->status,
        t->interrupt_status,    t->config_generation,   t->broken,    t->legacy,
        t->guest_page_shift};
    mix_words32(s, regs, sizeof regs / sizeof regs[0]);
    for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++) {
        const struct virtq *v = &t->queue[q];
        const uint64_t f[] = {v->num,           v->ready,      v->desc,     v->avail,
                              v->used,          v->last_avail, v->used_idx, v->used_since_signal,
                              t->queue_align[q]};
        mix_words(s, f, sizeof f / sizeof f[0]);
    }
}

uint64_t machine_state_hash(struct machine *m)
{
    struct hasher s = {0x243f6a8885a308d3ull};
    for (unsigned h = 0; h < m->nharts; h++)
        hash_cpu(&s, m->hart[h]);
    mix(&s, timebase_now());
    /* RAM: whole words (its size is a multiple of the page size). */
    const uint64_t *ram = (const uint64_t *)m->ram.host;
    mix_words(&s, ram, m->ram.size / 8);
    for (unsigned h = 0; h < m->clint.nharts; h++) {
        mix(&s, m->clint.msip[h]);
        mix(&s, m->clint.mtimecmp[h]);
    }
    const struct plic *p = &m->plic;
    mix_words32(&s, p->priority, PLIC_SOURCES);
    mix_words32(&s, p->level, PLIC_WORDS);
    mix_words32(&s, p->pending, PLIC_WORDS);
    mix_words32(&s, p->in_service, PLIC_WORDS);
    mix_words32(&s, &p->enable[0][0], p->contexts * PLIC_WORDS);
    mix_words32(&s, p->threshold, p->contexts);
    const struct uart16550 *u = &m->uart;
    const uint32_t uart[] = {u->ier, u->lcr,       u->mcr,     u->scr,      u->dll,          u->dlm,
                             u->fcr, u->lsr_extra, u->rx_head, u->rx_count, u->thr_empty_irq};
    mix_words32(&s, uart, sizeof uart / sizeof uart[0]);
    for (unsigned i = 0; i < u->rx_count; i++)
        mix(&s, u->rx_fifo[(u->rx_head + i) % UART_RX_FIFO]);
    const struct goldfish_rtc *r = &m->rtc;
    const uint64_t rtc[] = {r->clock_ns() + (uint64_t)r->offset_ns,
                            r->alarm_ns,
                            r->time_high,
                            r->alarm_running,
                            r->irq_pending,
                            r->irq_enabled};
    mix_words(&s, rtc, sizeof rtc / sizeof rtc[0]);
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++)
        hash_virtio(&s, &m->virtio[slot]);
    return s.h;
}

void machine_print_state_hash(struct machine *m)
{
    console_out_end_guest_line();
    fprintf(stderr, "state-hash %" PRIu64 " %016" PRIx64 "\n", m->instret, machine_state_hash(m));
}
