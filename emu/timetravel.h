/* Time travel for the debugger: go back to any earlier point of the session and look at what
 * happened on the way (`rstep`, `rcontinue`, `whowrote`, `history`, GDB's reverse-stepi and
 * reverse-continue).
 *
 * Under -icount (devices/timebase.h) a run is a function of the machine's state and the
 * inputs it takes (emu/record.h), provided it is cut into the same pieces: where a slice ends
 * decides where a timer interrupt lands. So while time travel is on, the debugger runs the
 * hart one step at a time with the board serviced before every step, whatever breakpoints
 * are set (the order debugger_run keeps when it has any), and the inputs go through the
 * record (-record's, or -replay's: time travel is on only with one, as QEMU's reverse
 * debugging needs its record/replay; plain -icount debugging keeps its full-speed continue). Every so many steps it captures a snapshot
 * (emu/snapshot.h). Going back to point P is: restore the last snapshot at or before P, then
 * step forward to P, the record handing over the same inputs at the same points. Questions
 * about the past ("who wrote this PTE?") re-execute the stretch between snapshots with an
 * observer, newest stretch first, then come back to where they were asked.
 *
 * The guest's console output is not repeated while re-executing. */
#ifndef RV39_TIMETRAVEL_H
#define RV39_TIMETRAVEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

struct machine;
struct debugger;
struct cpu_event;
struct tt;

/* Time travel for this debugger session, when the run is recorded or replayed (-record,
 * -replay); NULL (and no message) otherwise, or when the host is out of memory. */
struct tt *tt_open(struct debugger *d);
void tt_close(struct tt *tt);

/* Replaying a full-speed log: its slice schedule, which debugger_run steps with
 * (emu/replay_seek.h). NULL otherwise. */
struct sched *tt_sched(const struct tt *tt);

/* debugger_run's stepped loop, before servicing the board for the next step: captures a
 * snapshot when one is due. */
void tt_before_step(struct tt *tt);

/* What a re-execution reports: `start` when a stretch begins (the machine at its snapshot),
 * `before` and `after` each step (at = the point before the step), `event` for each cpu
 * event during it. Any may be NULL. */
struct tt_observer {
    void (*start)(void *opaque);
    void (*before)(void *opaque, struct rr_point at);
    void (*after)(void *opaque, struct rr_point at);
    void (*event)(void *opaque, const struct cpu_event *ev);
    void *opaque;
    /* Nonzero: only a write to the RAM doubleword here matters. A stretch between two
     * snapshots that share its page (nothing stored there: the hart, its page walker and
     * DMA all mark what they write, emu/snapshot.h) is passed over without running it. */
    uint64_t written_pa;
};

/* Where the session's history starts (the first snapshot) and where the machine is. */
struct rr_point tt_begin(const struct tt *tt);
/* Put the machine at `target` (clamped to the beginning of history); false with one line to
 * `out` when it cannot (a snapshot would not restore, the machine stopped on the way). */
bool tt_goto(struct tt *tt, struct rr_point target, FILE *out);
/* Re-execute [begin, end) stretch by stretch, newest first (or oldest first with `forward`),
 * with `obs`; after each stretch `done(opaque)` says whether to stop looking. The machine is
 * left at an unspecified point: tt_goto back afterwards. False with one line on failure. */
bool tt_scan(struct tt *tt, struct rr_point end, bool forward, const struct tt_observer *obs,
             bool (*done)(void *opaque), FILE *out);

#endif
