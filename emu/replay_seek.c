/* A full-speed run's slice schedule (emu/replay_seek.h): learning it, running it exactly. */
#include "replay_seek.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "machine.h"

#define SLICE_INSNS 20000 /* as machine_run: the slices of the record */
/* How far a run may go past its budget before it looks at it again (cpu_run): at most the
 * straight-line code to the end of a 4 KiB page, 2048 compressed instructions (translated
 * blocks are shorter). A piece this much short of a slice's end cannot overshoot it; the
 * rest goes one instruction at a time. */
#define OVERSHOOT_MAX 2048u

struct sched {
    struct machine *m;
    uint64_t *ends; /* where each slice that moved the hart ended (progress), ascending */
    size_t count, cap;
    bool in_slice;     /* cpu_run_begin'd, up to `end` */
    bool idle_pending; /* the service found the hart waiting in wfi: this step idles */
    bool failed;
    uint64_t end;
};

static struct cpu *hart(const struct sched *s)
{
    return s->m->hart[0];
}

static uint64_t progress(const struct sched *s)
{
    const struct cpu *c = hart(s);
    return c->stats.retired + c->stats.traps;
}

static int point_cmp(struct rr_point a, struct rr_point b)
{
    if (a.progress != b.progress) return a.progress < b.progress ? -1 : 1;
    if (a.ns != b.ns) return a.ns < b.ns ? -1 : 1;
    return 0;
}

struct sched *sched_new(struct machine *m)
{
    struct sched *s = calloc(1, sizeof *s);
    if (s) s->m = m;
    return s;
}

void sched_free(struct sched *s)
{
    if (!s) return;
    if (s->in_slice) cpu_run_end(hart(s));
    free(s->ends);
    free(s);
}

static void fail(struct sched *s, const char *what)
{
    if (!s->failed) {
        fprintf(stderr, "rv39: time travel: %s (step %" PRIu64 ")\n", what, progress(s));
        s->failed = true;
    }
    s->m->exit_status = 2;
    s->m->stop = true;
}

bool sched_learn(struct sched *s)
{
    struct machine *m = s->m;
    if (!machine_service(m)) return false;
    uint64_t before = progress(s);
    machine_advance(m, SLICE_INSNS, false);
    uint64_t after = progress(s);
    if (after == before) return true; /* idled in wfi */
    if (s->count == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4096;
        uint64_t *bigger = realloc(s->ends, cap * sizeof *bigger);
        if (!bigger) {
            fail(s, "out of memory for the slice schedule");
            return false;
        }
        s->ends = bigger;
        s->cap = cap;
    }
    s->ends[s->count++] = after;
    return true;
}

bool sched_at_boundary(const struct sched *s)
{
    return !s->in_slice && !s->idle_pending;
}

void sched_restored(struct sched *s)
{
    struct cpu *c = hart(s);
    if (s->in_slice) cpu_run_end(c);
    c->in_run = c->in_run_sync_due = false;
    c->time_lag = 0;
    s->in_slice = s->idle_pending = false;
}

/* After the service: the next slice, as machine_advance_hart starts it. False when the hart
 * waits in wfi (the slice idles). */
static bool begin(struct sched *s)
{
    struct cpu *c = hart(s);
    if (c->wfi) {
        cpu_update_stip(c);
        if (!(c->mip & c->mie)) return false;
        c->wfi = false;
    }
    uint64_t p = progress(s);
    size_t lo = 0, hi = s->count; /* the first end after p */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ends[mid] <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == s->count) {
        fail(s, "the replay went past the slices of the record");
        return true;
    }
    s->end = s->ends[lo];
    cpu_run_begin(c);
    s->in_slice = true;
    return true;
}

/* A piece of the slice; the slice over when it reaches its end. */
static void piece(struct sched *s, uint64_t budget, bool step)
{
    struct cpu *c = hart(s);
    s->m->instret += cpu_run_piece(c, budget, step);
    uint64_t p = progress(s);
    if (p < s->end) return;
    cpu_run_end(c);
    s->in_slice = false;
    if (p > s->end) fail(s, "the replay ran past where the record's slice ended");
}

/* Within the slice, up to `limit` (at most its end), pieces as long as they can be. False
 * when a piece stopped short (a debugger's hook asked for a stop, the guest powered off). */
static bool run_within(struct sched *s, uint64_t limit)
{
    struct cpu *c = hart(s);
    while (s->in_slice && progress(s) < limit) {
        uint64_t left = limit - progress(s);
        if (left > OVERSHOOT_MAX)
            piece(s, left - OVERSHOOT_MAX, false);
        else
            piece(s, 1, true);
        if (c->yield_request || s->m->stop) return false;
    }
    return true;
}

bool sched_service(struct sched *s)
{
    if (s->in_slice || s->idle_pending) return !s->m->stop;
    if (!machine_service(s->m)) return false;
    s->idle_pending = !begin(s);
    return !s->m->stop;
}

void sched_advance(struct sched *s, bool *idle)
{
    *idle = s->idle_pending;
    s->idle_pending = false;
    if (!*idle && s->in_slice) piece(s, 1, true);
}

bool sched_run_slice(struct sched *s)
{
    if (!sched_service(s)) return false;
    bool idle;
    if (s->idle_pending) {
        sched_advance(s, &idle);
        machine_idle(s->m);
    } else if (s->in_slice) {
        run_within(s, s->end);
    }
    return !s->m->stop;
}

bool sched_run_to(struct sched *s, struct rr_point target)
{
    struct machine *m = s->m;
    while (point_cmp(rr_now(m), target) < 0) {
        struct rr_point before = rr_now(m);
        if (!sched_service(s)) return point_cmp(rr_now(m), target) >= 0;
        if (s->idle_pending) {
            bool idle;
            sched_advance(s, &idle);
            machine_idle(m);
            /* Waiting for input with no timer armed: guest time stands still. */
            if (point_cmp(rr_now(m), before) == 0 && before.progress >= target.progress) break;
            continue;
        }
        if (target.progress <= progress(s)) break; /* inside a slice: its time only moves on */
        uint64_t limit = target.progress < s->end ? target.progress : s->end;
        if (!run_within(s, limit) && s->m->stop) return point_cmp(rr_now(m), target) >= 0;
    }
    return !s->failed;
}
