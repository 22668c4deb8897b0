/* The platform timebase: mtime ticks at 10 MHz as on QEMU's virt board. By default it is
 * derived from the host's monotonic clock, so guest time tracks wall time whatever the
 * interpreter's speed. Under -icount (QEMU's name) it is derived from the instructions the
 * hart retired instead: each one advances guest time by 2^shift ns, so what the guest sees of
 * time depends only on what it executed, never on the host's speed or load. */
#ifndef RV39_TIMEBASE_H
#define RV39_TIMEBASE_H

#include <stdbool.h>
#include <stdint.h>

#define TIMEBASE_HZ 10000000ull
#define TIMEBASE_NS_PER_TICK (1000000000ull / TIMEBASE_HZ)
#define TIMEBASE_MAX_SHIFT 10 /* as QEMU: at most 1024 ns per instruction */

void timebase_init(void);
/* Switch to instruction counting: guest time is (*retired << shift) ns plus what idling
 * skipped. `retired` (the hart's count of retired instructions, never guest-writable) must
 * outlive the run. */
void timebase_icount(unsigned shift, const uint64_t *retired);
/* The same for several harts: guest time from the sum of their counts (the round-robin run
 * mode keeps that a function of what each hart executed). n is 1..TIMEBASE_MAX_HARTS. */
#define TIMEBASE_MAX_HARTS 8
void timebase_icount_harts(unsigned shift, const uint64_t *const retired[], unsigned n);
/* What of each count guest time does not see yet (NULL: all of it): a run gone through in
 * pieces sees the count as the whole run would (cpu_run_begin, cpu/cpu.h). */
void timebase_icount_lag(const uint64_t *const lag[], unsigned n);
bool timebase_is_icount(void);
uint64_t timebase_now(void); /* current mtime */
/* Under -icount: guest nanoseconds since the start (not moved by writes to mtime); what the
 * goldfish RTC adds to its fixed base, as QEMU's -rtc clock=vm. */
uint64_t timebase_guest_ns(void);
void timebase_set(uint64_t mtime); /* a guest write to mtime */
/* Host nanoseconds from now until mtime reaches `deadline` (0 if already passed). */
uint64_t timebase_ns_until(uint64_t deadline);
/* Under -icount: the hart idles in wfi until `deadline` (an mtime): move guest time there at
 * once (QEMU's icount with sleep=off), as a real hart would find it on waking. Nothing if
 * the deadline has passed. */
void timebase_skip_to(uint64_t deadline);

/* What a snapshot keeps of guest time (emu/snapshot_state.c). Under -icount guest time is
 * the retired count (the hart's, restored with it) plus these; on host time only mtime
 * counts, and it goes on from there after a restore. */
struct timebase_state {
    uint64_t mtime, skipped_ns, offset;
};
void timebase_save(struct timebase_state *s);
void timebase_restore(const struct timebase_state *s);

#endif
