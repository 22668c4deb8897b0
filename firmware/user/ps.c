/* ps: the kernel's process table (SYS_procinfo, one slot at a time) as a table, one line
 * per process: who it is, what it is doing, the memory it has and the CPU it has had.
 *
 *   PID PPID STATE    NAME        RSS-KiB SWAP-KiB HEAP-KiB MAPS FAULTS TICKS SWITCH BLOCK
 *
 * RSS: its user pages present in memory (page tables not counted); SWAP: its pages in swap;
 * HEAP: sbrk's share; MAPS: mmap regions; FAULTS: pages demand paging gave it; TICKS: timer
 * ticks that found it running; SWITCH: times the scheduler ran it; BLOCK: times it waited
 * for I/O (the disk, console input). ps itself is always there, "running". */
#include "user.h"

#define KIB_PER_PAGE 4

int main(void)
{
    printf("  PID  PPID STATE    NAME             RSS-KiB SWAP-KiB HEAP-KiB MAPS FAULTS  TICKS "
           "SWITCH  BLOCK\n");
    int shown = 0;
    struct procinfo info;
    for (int slot = 0;; slot++) {
        int r = procinfo(slot, &info);
        if (r < 0) break; /* past the end of the table */
        if (r == 0) continue;
        printf("%5d %5d %-8s %-16s %7lu %8lu %8lu %4lu %6lu %6lu %6lu %6lu\n", info.pid, info.ppid,
               info.state, info.name, info.resident * KIB_PER_PAGE, info.swapped * KIB_PER_PAGE,
               info.heap_bytes / 1024, info.mappings, info.demand_faults, info.cpu_ticks,
               info.switches, info.blocks);
        shown++;
    }
    printf("ps: %d processes\n", shown);
    return shown > 0 ? 0 : 1; /* at least ps itself */
}
