/* The platform timebase: mtime ticks at 10 MHz as on QEMU's virt board, derived from the host's
 * monotonic clock so guest time tracks wall time whatever the interpreter's speed. */
#ifndef RV39_TIMEBASE_H
#define RV39_TIMEBASE_H

#include <stdint.h>

#define TIMEBASE_HZ 10000000ull

void timebase_init(void);
uint64_t timebase_now(void);       /* current mtime */
void timebase_set(uint64_t mtime); /* a guest write to mtime */
/* Host nanoseconds from now until mtime reaches `deadline` (0 if already passed). */
uint64_t timebase_ns_until(uint64_t deadline);

#endif
