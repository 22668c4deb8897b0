/* Time travel (emu/timetravel.h): snapshots along the session, going back, re-executing. */
#include "timetravel.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../devices/timebase.h"
#include "debugger.h"
#include "machine.h"
#include "replay_seek.h"
#include "snapshot.h"

/* Snapshots: one every `every` steps, at most TT_MAX_SNAPS; when they are all taken every
 * other one goes and the spacing doubles, so a long session keeps a bounded number spread
 * over all of it (the first one, the session's start, always stays). Going back re-executes
 * at most `every` steps (about 0.1 s at the debugger's stepping speed to begin with). */
#define TT_FIRST_EVERY 500000ull
#define TT_MAX_SNAPS 64
/* Replaying a full-speed log (emu/replay_seek.h) re-executes whole slices at the translator's
 * speed: snapshots can be further apart. */
#define TT_SCHED_FIRST_EVERY 2000000ull

struct tt_snap {
    struct snapshot *s;
    struct rr_point at;
};

struct tt {
    struct debugger *d;
    struct machine *m;
    struct tt_snap snaps[TT_MAX_SNAPS];
    unsigned nsnaps;
    uint64_t every;
    FILE *quiet; /* /dev/null: the console while re-executing */
    /* During a re-execution: who gets the cpu events. */
    const struct tt_observer *obs;
    /* A full-speed log's slice schedule (NULL: a session recorded under the debugger, run
     * one step at a time), and where the log ends. */
    struct sched *sched;
    struct rr_point end;
};

static int point_cmp(struct rr_point a, struct rr_point b)
{
    if (a.progress != b.progress) return a.progress < b.progress ? -1 : 1;
    if (a.ns != b.ns) return a.ns < b.ns ? -1 : 1;
    return 0;
}

static bool capture(struct tt *tt)
{
    struct snapshot *s = snapshot_capture(tt->m);
    if (!s) return false;
    if (tt->nsnaps == TT_MAX_SNAPS) { /* keep 0, 2, 4, ...: half as many, twice as far apart */
        unsigned kept = 1;
        for (unsigned i = 1; i < tt->nsnaps; i++) {
            if (i % 2 == 0)
                tt->snaps[kept++] = tt->snaps[i];
            else
                snapshot_free(tt->snaps[i].s);
        }
        tt->nsnaps = kept;
        tt->every *= 2;
    }
    tt->snaps[tt->nsnaps++] = (struct tt_snap){s, rr_now(tt->m)};
    return true;
}

static bool restore(struct tt *tt, unsigned i, FILE *out);

/* A full-speed log: replay it once as the record ran (translated code, no event hooks, the
 * console quiet, no state-hash lines), learning its slice schedule and taking snapshots
 * between slices, then go back to its start. */
static bool learn(struct tt *tt)
{
    struct machine *m = tt->m;
    struct cpu *c = m->hart[0];
    cpu_event_hook hook = c->event_hook;
    void *hook_opaque = c->event_opaque;
    FILE *console = m->cfg.console, *uart = m->uart.out;
    uint64_t hash_every = m->cfg.state_hash_every, next_hash = m->next_state_hash;
    int status = m->exit_status;
    fflush(console);
    c->event_hook = NULL;
    m->cfg.console = m->uart.out = tt->quiet;
    m->cfg.state_hash_every = 0;
    bool ok = capture(tt);
    while (ok && sched_learn(tt->sched)) {
        struct rr_point now = rr_now(m), last = tt->snaps[tt->nsnaps - 1].at;
        if (now.progress - last.progress >= tt->every) ok = capture(tt);
    }
    tt->end = rr_now(m);
    ok = ok && m->exit_status != 2 && restore(tt, 0, stderr);
    c->event_hook = hook;
    c->event_opaque = hook_opaque;
    m->cfg.console = console;
    m->uart.out = uart;
    m->cfg.state_hash_every = hash_every;
    m->next_state_hash = next_hash;
    m->exit_status = status;
    return ok;
}

struct tt *tt_open(struct debugger *d)
{
    struct machine *m = d->m;
    if (!timebase_is_icount() || !m->rr) return NULL;
    struct tt *tt = calloc(1, sizeof *tt);
    if (!tt) return NULL;
    tt->d = d;
    tt->m = m;
    tt->every = TT_FIRST_EVERY;
    tt->quiet = fopen("/dev/null", "w");
    bool ok = tt->quiet != NULL;
    if (ok && rr_full_speed(m->rr)) {
        tt->every = TT_SCHED_FIRST_EVERY;
        tt->sched = sched_new(m);
        ok = tt->sched && learn(tt);
    } else if (ok) {
        ok = capture(tt);
    }
    if (!ok) {
        tt_close(tt);
        return NULL;
    }
    return tt;
}

struct sched *tt_sched(const struct tt *tt)
{
    return tt ? tt->sched : NULL;
}

void tt_close(struct tt *tt)
{
    if (!tt) return;
    for (unsigned i = 0; i < tt->nsnaps; i++)
        snapshot_free(tt->snaps[i].s);
    sched_free(tt->sched);
    if (tt->quiet) fclose(tt->quiet);
    free(tt);
}

void tt_before_step(struct tt *tt)
{
    if (tt->sched) return; /* its snapshots were all taken while learning the schedule */
    struct rr_point now = rr_now(tt->m), last = tt->snaps[tt->nsnaps - 1].at;
    if (point_cmp(now, last) > 0 && now.progress - last.progress >= tt->every) capture(tt);
}

struct rr_point tt_begin(const struct tt *tt)
{
    return tt->snaps[0].at;
}

/* ---- re-executing ---- */

static void forward_event(void *opaque, struct cpu *c, const struct cpu_event *ev)
{
    (void)c;
    struct tt *tt = opaque;
    if (tt->obs && tt->obs->event) tt->obs->event(tt->obs->opaque, ev);
}

/* Re-executing: the console quiet (the guest said it all the first time), the debugger's
 * event hook (trace lines, `continue until`) replaced by the observer's. */
struct quiet_state {
    FILE *console, *uart;
    cpu_event_hook hook[MACHINE_MAX_HARTS];
    void *hook_opaque[MACHINE_MAX_HARTS];
};

static void go_quiet(struct tt *tt, struct quiet_state *q)
{
    struct machine *m = tt->m;
    q->console = m->cfg.console;
    q->uart = m->uart.out;
    fflush(m->cfg.console);
    m->cfg.console = m->uart.out = tt->quiet;
    for (unsigned h = 0; h < m->nharts; h++) {
        q->hook[h] = m->hart[h]->event_hook;
        q->hook_opaque[h] = m->hart[h]->event_opaque;
        m->hart[h]->event_hook = forward_event;
        m->hart[h]->event_opaque = tt;
    }
}

static void go_loud(struct tt *tt, const struct quiet_state *q)
{
    struct machine *m = tt->m;
    m->cfg.console = q->console;
    m->uart.out = q->uart;
    for (unsigned h = 0; h < m->nharts; h++) {
        m->hart[h]->event_hook = q->hook[h];
        m->hart[h]->event_opaque = q->hook_opaque[h];
    }
    tt->obs = NULL;
}

static bool all_idle(const struct machine *m)
{
    for (unsigned h = 0; h < m->nharts; h++)
        if (!m->hart[h]->wfi) return false;
    return true;
}

static bool restore(struct tt *tt, unsigned i, FILE *out)
{
    char err[200];
    if (!snapshot_restore(tt->m, tt->snaps[i].s, err, sizeof err)) {
        fprintf(out, "error: time travel: the snapshot at step %" PRIu64 " does not restore: %s\n",
                tt->snaps[i].at.progress, err);
        return false;
    }
    tt->m->stop = false;
    rr_rewind(tt->m->rr, tt->snaps[i].at);
    if (tt->sched) sched_restored(tt->sched);
    return true;
}

/* The last snapshot at or before `p`. */
static unsigned snap_before(const struct tt *tt, struct rr_point p)
{
    unsigned i = tt->nsnaps - 1;
    while (i > 0 && point_cmp(tt->snaps[i].at, p) > 0)
        i--;
    return i;
}

/* One step of the schedule debugger_run keeps while time travel is on: service, then one
 * instruction (or a trap, or idling in wfi). False when the machine stopped. */
static bool step_once(struct tt *tt)
{
    struct machine *m = tt->m;
    if (!(tt->sched ? sched_service(tt->sched) : machine_service(m))) return false;
    struct rr_point at = rr_now(m);
    if (tt->obs && tt->obs->before) tt->obs->before(tt->obs->opaque, at);
    if (tt->sched) {
        bool idle;
        sched_advance(tt->sched, &idle);
        if (idle) machine_idle(m);
    } else {
        machine_advance(m, 1, true);
    }
    if (tt->obs && tt->obs->after) tt->obs->after(tt->obs->opaque, at);
    return !m->stop;
}

/* From where the machine is, step until `target` (under `obs`). The guest may power off on
 * the last step (that is where the session is, then); before it, that is a failure. */
static bool run_to(struct tt *tt, struct rr_point target, FILE *out)
{
    /* Nobody looking at each step: whole slices at full speed. */
    if (tt->sched && !tt->obs) {
        if (sched_run_to(tt->sched, target)) return true;
        fprintf(out, "error: time travel: the machine stopped at step %" PRIu64
                     " on the way to step %" PRIu64 "\n", rr_now(tt->m).progress, target.progress);
        return false;
    }
    while (point_cmp(rr_now(tt->m), target) < 0) {
        struct rr_point before = rr_now(tt->m);
        if (!step_once(tt)) {
            if (point_cmp(rr_now(tt->m), target) >= 0) break;
            fprintf(out, "error: time travel: the guest powered off at step %" PRIu64
                         " on the way to step %" PRIu64 "\n", rr_now(tt->m).progress,
                    target.progress);
            return false;
        }
        /* A hart idling in wfi with no timer armed waits for input: nothing moves. */
        if (point_cmp(rr_now(tt->m), before) == 0 && all_idle(tt->m) &&
            rr_now(tt->m).progress >= target.progress)
            break;
    }
    return true;
}

bool tt_goto(struct tt *tt, struct rr_point target, FILE *out)
{
    if (point_cmp(target, tt->snaps[0].at) < 0) target = tt->snaps[0].at;
    struct rr_point now = rr_now(tt->m);
    struct quiet_state q;
    go_quiet(tt, &q);
    bool ok = true;
    unsigned i = snap_before(tt, target);
    /* Forward from here when no snapshot lies between: cheaper than restoring one. */
    if (point_cmp(target, now) < 0 || point_cmp(tt->snaps[i].at, now) > 0) ok = restore(tt, i, out);
    ok = ok && run_to(tt, target, out);
    go_loud(tt, &q);
    return ok;
}

/* Nothing reached the RAM page(s) of [pa, pa + 8) between snapshots i and i + 1: they share
 * the page (a capture copies a page anew once anything wrote it; zero pages are not shared,
 * so they never count as unwritten). */
static bool unwritten(const struct tt *tt, unsigned i, uint64_t pa)
{
    const struct guest_ram *ram = &tt->m->ram;
    if (!pa || pa < ram->base || pa - ram->base > ram->size - 8) return false;
    for (uint64_t p = (pa - ram->base) >> 12; p <= (pa + 7 - ram->base) >> 12; p++) {
        const uint8_t *a = snapshot_page(tt->snaps[i].s, p);
        if (!a || a != snapshot_page(tt->snaps[i + 1].s, p)) return false;
    }
    return true;
}

bool tt_scan(struct tt *tt, struct rr_point end, bool forward, const struct tt_observer *obs,
             bool (*done)(void *opaque), FILE *out)
{
    unsigned last = snap_before(tt, end);
    if (point_cmp(tt->snaps[last].at, end) == 0 && last > 0) last--;
    struct quiet_state q;
    go_quiet(tt, &q);
    bool ok = true;
    for (unsigned n = 0; n <= last && ok; n++) {
        unsigned i = forward ? n : last - n;
        struct rr_point stop = i + 1 < tt->nsnaps && point_cmp(tt->snaps[i + 1].at, end) < 0
                                   ? tt->snaps[i + 1].at
                                   : end;
        if (point_cmp(stop, end) < 0 && unwritten(tt, i, obs->written_pa)) continue;
        ok = restore(tt, i, out);
        if (ok && obs->start) obs->start(obs->opaque);
        tt->obs = obs;
        ok = ok && run_to(tt, stop, out);
        tt->obs = NULL;
        if (ok && done && done(obs->opaque)) break;
    }
    go_loud(tt, &q);
    return ok;
}
