/* vmstat: the machine's memory, swap, disk and MMU counts (SYS_vmstat).
 *
 *   vmstat            one report, a line per subsystem
 *   vmstat N [COUNT]  a table: COUNT samples (default 3) N timer ticks apart, each line the
 *                     state now and the events since the line before (the first line: since
 *                     boot), like Linux's vmstat
 */
#include "user.h"

#define KIB_PER_FRAME 4
#define DEFAULT_COUNT 3

/* The decimal number at *s (skipping spaces), advancing *s past it; -1 when there is none. */
static long parse_number(const char **s)
{
    while (**s == ' ')
        (*s)++;
    if (**s < '0' || **s > '9') return -1;
    long n = 0;
    while (**s >= '0' && **s <= '9')
        n = n * 10 + (*(*s)++ - '0');
    return n;
}

static void report(const struct vmstat *v)
{
    printf("uptime:    %lu ticks (%lu.%02lu s), %lu processes, %lu context switches\n",
           v->uptime_ticks, v->uptime_ticks / TICK_HZ, v->uptime_ticks % TICK_HZ, v->processes,
           v->context_switches);
    printf("memory:    %lu frames of 4 KiB (%lu KiB), %lu free (%lu KiB), %lu used\n",
           v->frames_total, v->frames_total * KIB_PER_FRAME, v->frames_free,
           v->frames_free * KIB_PER_FRAME, v->frames_total - v->frames_free);
    printf("huge:      %lu blocks of 2 MiB, %lu free\n", v->huge_total, v->huge_free);
    printf("cache:     %lu shared file pages mapped\n", v->page_cache);
    printf("swap:      %lu slots, %lu used; %lu pages out, %lu in, %lu clean dropped, "
           "%lu scanned\n",
           v->swap_slots_total, v->swap_slots_used, v->swap_outs, v->swap_ins, v->swap_clean_drops,
           v->swap_scanned);
    printf("disk:      %lu requests, %lu interrupts, %lu slept, %lu polled\n", v->disk_requests,
           v->disk_interrupts, v->disk_sleeps, v->disk_polled);
    if (v->mmu_available)
        printf("mmu:       %lu iTLB misses, %lu dTLB misses, %lu walks, %lu page faults, "
               "%lu sfence.vma\n",
               v->itlb_misses, v->dtlb_misses, v->walks, v->page_faults, v->sfences);
    else
        printf("mmu:       counters not readable here\n");
}

/* One line of the table: state now, events since `before`. */
static void sample_line(const struct vmstat *v, const struct vmstat *before)
{
    printf("%7lu %9lu %9lu %8lu %6lu %6lu %6lu %6lu %6lu %6lu %9lu\n", v->uptime_ticks,
           v->frames_free * KIB_PER_FRAME, v->page_cache * KIB_PER_FRAME,
           v->swap_slots_used * KIB_PER_FRAME, v->swap_ins - before->swap_ins,
           v->swap_outs - before->swap_outs, v->disk_requests - before->disk_requests,
           v->disk_interrupts - before->disk_interrupts,
           v->context_switches - before->context_switches, v->page_faults - before->page_faults,
           v->dtlb_misses - before->dtlb_misses);
}

int main(const char *args)
{
    struct vmstat now, before;
    if (!args || !*args) {
        if (vmstat(&now) < 0) return 1;
        report(&now);
        return 0;
    }
    long interval = parse_number(&args);
    long count = parse_number(&args);
    if (count < 0) count = DEFAULT_COUNT;
    if (interval <= 0 || count == 0) {
        printf("usage: vmstat [TICKS [COUNT]]\n");
        return 1;
    }
    memset(&before, 0, sizeof before); /* the first line counts since boot */
    printf("%7s %9s %9s %8s %6s %6s %6s %6s %6s %6s %9s\n", "ticks", "free-KiB", "cache-KiB",
           "swap-KiB", "si", "so", "disk", "intr", "cs", "faults", "dTLB-miss");
    for (long i = 0; i < count; i++) {
        if (i) sleep((unsigned long)interval);
        if (vmstat(&now) < 0) return 1;
        sample_line(&now, &before);
        before = now;
    }
    return 0;
}
