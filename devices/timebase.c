#include "timebase.h"

#include <time.h>

#define TIMEBASE_MAX_SKIP (1ull << 48) /* ticks: 326 days */

static uint64_t host_origin_ns; /* host time at which mtime was 0 */

/* -icount: mtime = (retired << shift + skipped_ns) / 100 + offset (mod 2^64), where
 * retired is the sum of the harts' counts. */
static const uint64_t *icount_harts[TIMEBASE_MAX_HARTS];
static unsigned icount_nharts; /* 0: host time */
static unsigned icount_shift;
static uint64_t icount_skipped_ns; /* guest time skipped while the hart idled */
static uint64_t icount_offset;     /* set by guest writes to mtime */

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void timebase_init(void)
{
    host_origin_ns = host_ns();
    icount_nharts = 0;
}

/* The harts' total. Another hart may be counting on another host thread: each count is read
 * whole (relaxed atomic load), the sum is some moment's. */
static const uint64_t *icount_lag[TIMEBASE_MAX_HARTS]; /* NULL: none */

static uint64_t icount_total(void)
{
    uint64_t total = 0;
    for (unsigned h = 0; h < icount_nharts; h++) {
        total += __atomic_load_n(icount_harts[h], __ATOMIC_RELAXED);
        if (icount_lag[h]) total -= *icount_lag[h];
    }
    return total;
}

void timebase_icount_lag(const uint64_t *const lag[], unsigned n)
{
    for (unsigned h = 0; h < n && h < TIMEBASE_MAX_HARTS; h++)
        icount_lag[h] = lag[h];
}

void timebase_icount_harts(unsigned shift, const uint64_t *const retired[], unsigned n)
{
    if (n == 0 || n > TIMEBASE_MAX_HARTS) return;
    for (unsigned h = 0; h < n; h++)
        icount_harts[h] = retired[h];
    icount_nharts = n;
    for (unsigned h = 0; h < TIMEBASE_MAX_HARTS; h++)
        icount_lag[h] = NULL;
    icount_shift = shift;
    icount_skipped_ns = 0;
    icount_offset = 0u - ((icount_total() << shift) / TIMEBASE_NS_PER_TICK); /* mtime starts at 0 */
}

void timebase_icount(unsigned shift, const uint64_t *retired)
{
    timebase_icount_harts(shift, &retired, 1);
}

bool timebase_is_icount(void)
{
    return icount_nharts != 0;
}

uint64_t timebase_guest_ns(void)
{
    return (icount_total() << icount_shift) + icount_skipped_ns;
}

static uint64_t icount_raw(void)
{
    return timebase_guest_ns() / TIMEBASE_NS_PER_TICK;
}

uint64_t timebase_now(void)
{
    if (icount_nharts) return icount_raw() + icount_offset;
    return (host_ns() - host_origin_ns) / TIMEBASE_NS_PER_TICK;
}

void timebase_set(uint64_t mtime)
{
    if (icount_nharts)
        icount_offset = mtime - icount_raw();
    else
        host_origin_ns = host_ns() - mtime * TIMEBASE_NS_PER_TICK;
}

uint64_t timebase_ns_until(uint64_t deadline)
{
    uint64_t now = timebase_now();
    if (deadline <= now) return 0;
    uint64_t ticks = deadline - now;
    if (ticks > UINT64_MAX / TIMEBASE_NS_PER_TICK) return UINT64_MAX;
    return ticks * TIMEBASE_NS_PER_TICK;
}

void timebase_skip_to(uint64_t deadline)
{
    uint64_t now = timebase_now();
    if (!icount_nharts || deadline <= now) return;
    /* raw rounds down: adding whole ticks' worth of ns moves it by exactly that many ticks.
     * A far deadline is approached in steps (the hart idles again) so the sum cannot wrap
     * before 2^64 ns (584 years) of guest time. */
    uint64_t ticks = deadline - now;
    if (ticks > TIMEBASE_MAX_SKIP) ticks = TIMEBASE_MAX_SKIP;
    icount_skipped_ns += ticks * TIMEBASE_NS_PER_TICK;
}

void timebase_save(struct timebase_state *s)
{
    *s = (struct timebase_state){timebase_now(), icount_skipped_ns, icount_offset};
}

void timebase_restore(const struct timebase_state *s)
{
    if (icount_nharts) {
        icount_skipped_ns = s->skipped_ns;
        icount_offset = s->offset;
    } else {
        timebase_set(s->mtime);
    }
}
