/* Time travel (emu/timetravel.h): snapshots along the session, going back, re-executing. */
#include "timetravel.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../devices/timebase.h"
#include "debugger.h"
#include "machine.h"
#include "snapshot.h"

/* Snapshots: one every `every` steps, at most TT_MAX_SNAPS; when they are all taken every
 * other one goes and the spacing doubles, so a long session keeps a bounded number spread
 * over all of it (the first one, the session's start, always stays). Going back re-executes
 * at most `every` steps (about 0.1 s at the debugger's stepping speed to begin with). */
#define TT_FIRST_EVERY 500000ull
#define TT_MAX_SNAPS 64

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
    if (!tt->quiet || !capture(tt)) {
        tt_close(tt);
        return NULL;
    }
    return tt;
}

void tt_close(struct tt *tt)
{
    if (!tt) return;
    for (unsigned i = 0; i < tt->nsnaps; i++)
        snapshot_free(tt->snaps[i].s);
    if (tt->quiet) fclose(tt->quiet);
    free(tt);
}

void tt_before_step(struct tt *tt)
{
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
    if (!machine_service(m)) return false;
    struct rr_point at = rr_now(m);
    if (tt->obs && tt->obs->before) tt->obs->before(tt->obs->opaque, at);
    machine_advance(m, 1, true);
    if (tt->obs && tt->obs->after) tt->obs->after(tt->obs->opaque, at);
    return !m->stop;
}

/* From where the machine is, step until `target` (under `obs`). The guest may power off on
 * the last step (that is where the session is, then); before it, that is a failure. */
static bool run_to(struct tt *tt, struct rr_point target, FILE *out)
{
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
