/* The parallel run mode: each hart on a host thread of its own (emu/machine_threads.c). */
#ifndef RV39_MACHINE_THREADS_H
#define RV39_MACHINE_THREADS_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

/* Set the board up for it (the bus lock, the kick after MMIO writes); no thread runs yet.
 * False when memory runs out. */
bool machine_threads_init(struct machine *m);
/* The run loop's step in this mode, in place of machine_advance: (re)start the hart threads
 * and let them run until the next service round is due (about a millisecond, less on input).
 * Returns 0: the harts count what they retire themselves (m->instret). */
uint64_t machine_advance_parallel(struct machine *m);
/* Every hart thread parked at a slice boundary (no-op without threads): before a reset, the
 * monitor, or the end. */
void machine_threads_pause(struct machine *m);
/* End the threads and the mode (machine_free does it). */
void machine_threads_stop(struct machine *m);
/* The devices' lock around the board's own work (service rounds), if threads run. */
void machine_lock(struct machine *m);
void machine_unlock(struct machine *m);

#endif
