/* A full-speed run's slice schedule, so a debugger can replay it exactly and seek in it.
 *
 * A log made at full speed (-record without a debugger, emu/record.h) replays exactly only
 * when the replay cuts the run into the slices the record did: the board is serviced between
 * slices (a timer's interrupt raised, a recorded input handed over), so where a slice ends
 * decides where they land. With the translator on, a slice ends at the first block end after
 * its budget, and which blocks exist depends on everything run since the start: after a
 * snapshot is restored the same budget ends slices elsewhere. So time travel over such a log
 * (emu/timetravel.h) first replays it once at full speed, as the record ran, remembering where
 * every slice ended; from then on each slice is run to exactly that point (cpu_run_begin's
 * pieces: as fast as the translator where whole slices run, one instruction at a time where
 * the debugger looks), whatever the translator holds.
 *
 * One hart (time travel follows one). The schedule costs 8 bytes per slice of 20 000
 * instructions (about 0.4 bytes per thousand instructions). */
#ifndef RV39_REPLAY_SEEK_H
#define RV39_REPLAY_SEEK_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

struct machine;
struct sched;

struct sched *sched_new(struct machine *m);
void sched_free(struct sched *s);

/* Learning: one service and one slice as machine_run runs them, its end remembered. False
 * when the service stopped the machine (the log's end). */
bool sched_learn(struct sched *s);

/* Between slices (snapshots are taken and restored only there)? */
bool sched_at_boundary(const struct sched *s);
/* A snapshot taken between slices was restored: the machine is between slices. */
void sched_restored(struct sched *s);

/* The debugger's step: between slices, service the board (false: the machine stopped) and
 * begin the next slice (or idle, when the hart waits in wfi: `idle`); then one instruction
 * or trap of the slice. */
bool sched_service(struct sched *s);
void sched_advance(struct sched *s, bool *idle);

/* From where the machine is, run the schedule up to `target` (whole slices at full speed,
 * the last one's start exactly). False when the machine stopped first. */
bool sched_run_to(struct sched *s, struct rr_point target);
/* The rest of this slice, or the next one whole; false when the machine stopped. */
bool sched_run_slice(struct sched *s);

#endif
