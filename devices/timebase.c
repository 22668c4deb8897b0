#include "timebase.h"

#include <time.h>

static uint64_t host_origin_ns; /* host time at which mtime was 0 */

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void timebase_init(void)
{
    host_origin_ns = host_ns();
}

uint64_t timebase_now(void)
{
    return (host_ns() - host_origin_ns) / (1000000000ull / TIMEBASE_HZ);
}

void timebase_set(uint64_t mtime)
{
    host_origin_ns = host_ns() - mtime * (1000000000ull / TIMEBASE_HZ);
}

uint64_t timebase_ns_until(uint64_t deadline)
{
    uint64_t now = timebase_now();
    if (deadline <= now) return 0;
    uint64_t ticks = deadline - now;
    if (ticks > UINT64_MAX / 100) return UINT64_MAX;
    return ticks * (1000000000ull / TIMEBASE_HZ);
}
