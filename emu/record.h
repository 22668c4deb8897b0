/* Deterministic record and replay (-record FILE, -replay FILE).
 *
 * Under -icount (devices/timebase.h) everything the guest sees follows from what it executes,
 * except what comes from outside: bytes typed into the UART, the window's keys and pointer.
 * -record logs each of those with the point in the run where the guest received it; -replay
 * runs the same guest again and hands it the same inputs at the same points, ignoring the
 * terminal and the window, so the run repeats exactly. What -icount alone fixes (the RTC's
 * base, virtio-rng's and the device tree's random bytes: emu/fixed_random.c) needs no log.
 *
 * A point in the run is (progress, guest ns): progress counts the instructions the hart
 * retired plus the traps it took (each step of the hart does exactly one of the two), guest ns
 * adds the time skipped while it idled in wfi. Inputs are taken between slices
 * (machine_service), and the slices end where the same guest with the same inputs ends them,
 * so a replay meets every recorded point. The log also holds a hash of the hart's registers
 * at regular points: a replay that goes elsewhere stops with one line saying where.
 *
 * The file (little-endian): the header "RV39REC" '\n', u32 version, u32 flags (-jit on, under a
 * debugger), u32 icount shift, u32 zero, u64 RTC base ns, u64 RAM size; then entries u8 kind, u64 progress, u64 guest ns, u16 length, the
 * payload; the last is END (exit status, state hash, and a hash of every byte before it), so
 * a truncated or altered log is refused as a whole before the replay starts. */
#ifndef RV39_RECORD_H
#define RV39_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "input_link.h"

struct machine;
struct rr;

/* Where the run is (see above). */
struct rr_point {
    uint64_t progress, ns;
};
struct rr_point rr_now(const struct machine *m);

/* -record FILE: start a log for this machine (after machine_init and the boot load). Prints
 * one line and returns NULL on failure. */
struct rr *rr_record_open(struct machine *m, const char *path, bool debugger);
/* -replay FILE: read and check the whole log. Prints one line and returns NULL when the file
 * is unreadable, truncated, altered, or from another machine or way of running (-jit, a
 * debugger: `debugger` says whether one drives this run, as it did the record's). The log's
 * timing settings (shift, RTC base) must already be in the machine's configuration:
 * rr_replay_config reads them first. */
struct rr *rr_replay_open(struct machine *m, const char *path, bool debugger);
/* The log's -icount shift and RTC base, for the machine's configuration. False after one line
 * when the file cannot be read or is not a record. */
bool rr_replay_config(const char *path, unsigned *shift, uint64_t *rtc_base_ns, uint64_t *ram_size);
/* At the end of the run: write END (record) or check that the replay ended where the record
 * did, with the same state (one line if not). Returns the exit status to use. Frees rr. */
int rr_close(struct rr *rr, struct machine *m, int status);

/* Does input come from the log now (-replay; or a record that time travel took back): then
 * what the terminal and the window send is dropped. */
bool rr_input_from_log(const struct rr *rr);
/* Does the record take live input now (it is at its end)? */
bool rr_live(const struct rr *rr);
/* Time travel put the machine back at `to`: the entries from there on come again. */
void rr_rewind(struct rr *rr, struct rr_point to);
/* machine_service's hook, once per service: replay hands over the inputs due now and checks
 * the register hash; record writes the hash points. */
void rr_service(struct rr *rr, struct machine *m);
/* Recording: these inputs reached the guest now (ignored unless rr_live). */
void rr_record_uart(struct rr *rr, const struct machine *m, const uint8_t *bytes, unsigned n);
void rr_record_input(struct rr *rr, const struct machine *m, const struct input_msg *msg);

/* Is this a debugger's replay of a log made at full speed (without one)? Then the debugger
 * runs it with its slice schedule (emu/replay_seek.h). */
bool rr_full_speed(const struct rr *rr);

/* How many inputs the log holds (for the summary line). */
uint64_t rr_input_count(const struct rr *rr);

#endif
