/* Reports for ps and vmstat: the process table (SYS_procinfo) and the machine's memory,
 * swap, MMU and disk counts (SYS_vmstat), copied out as the structures abi.h defines. They
 * only read kernel state; nothing here changes it. */
#include "abi.h"
#include "fs.h"
#include "kernel.h"
#include "memlayout.h"
#include "proc.h"
#include "riscv.h"
#include "swap.h"
#include "vm.h"

static const char *state_name(enum proc_state s)
{
    switch (s) {
    case PROC_RUNNABLE: return "runnable";
    case PROC_RUNNING: return "running";
    case PROC_SLEEPING: return "sleeping";
    case PROC_WAITING: return "waiting";
    case PROC_BLOCKED: return "blocked";
    case PROC_ZOMBIE: return "zombie";
    default: return "unused";
    }
}

struct page_count {
    uint64_t resident, swapped;
};

/* Counts the leaves under one page-table entry of `level` (Sv39: 2 = the root's 1 GiB
 * entries, 0 = 4 KiB pages). A valid PTE with R, W or X set is a leaf, any other valid
 * PTE points to the next level (privileged spec, "Virtual Address Translation Process",
 * steps 3-4); a leaf at level L maps 512^L pages. An invalid PTE marked PTE_SWAPPED is a
 * page in swap (swap.c). */
static void count_pages(pte_t pte, int level, struct page_count *c)
{
    if (!(pte & PTE_V)) {
        if (level == 0 && (pte & PTE_SWAPPED)) c->swapped++;
        return;
    }
    if (pte & PTE_LEAF_BITS) {
        c->resident += 1ul << (9 * level);
        return;
    }
    if (level == 0) return; /* a pointer at the last level is reserved: count nothing */
    const pte_t *table = (const pte_t *)PTE_TO_PA(pte);
    for (int i = 0; i < PT_ENTRIES; i++)
        count_pages(table[i], level - 1, c);
}

/* Only the user half: the root's entries from USER_BASE up (the lower ones are the kernel's,
 * shared by every address space). */
static struct page_count user_pages(pagetable_t root)
{
    struct page_count c = {0, 0};
    if (!root) return c;
    for (uint64_t i = VPN_INDEX(USER_BASE, 2); i < PT_ENTRIES / 2; i++)
        count_pages(root[i], 2, &c);
    return c;
}

long sys_procinfo(struct proc *caller, long slot, uint64_t addr)
{
    const struct proc *p = proc_slot((int)slot);
    if (!p || slot < 0) return -1;
    if (p->state == PROC_UNUSED) return 0;
    struct procinfo info = {
        .pid = p->pid,
        .ppid = p->parent ? p->parent->pid : 0,
        .heap_bytes = p->brk - p->heap_base,
        .demand_faults = p->demand_faults,
        .cpu_ticks = p->cpu_ticks,
        .switches = p->switches_in,
        .blocks = p->blocks,
    };
    strlcpy_(info.state, state_name(p->state), sizeof info.state);
    strlcpy_(info.name, p->name, sizeof info.name);
    struct page_count pages = user_pages(p->pagetable); /* a zombie has none left */
    info.resident = pages.resident;
    info.swapped = pages.swapped;
    for (int i = 0; i < NVMA; i++)
        info.mappings += p->vmas[i].length != 0;
    return copy_to_user(caller, addr, &info, sizeof info) < 0 ? -1 : 1;
}

long sys_vmstat(struct proc *caller, uint64_t addr)
{
    struct vmstat v = {.uptime_ticks = ticks, .context_switches = context_switches};

    /* Frames between the kernel image and the end of RAM, less the huge-page pool's (the
     * few holding the device tree count as used). */
    uint64_t start, end;
    kalloc_range(&start, &end);
    v.huge_total = (uint64_t)kalloc_huge_total();
    v.huge_free = (uint64_t)kalloc_huge_free();
    v.frames_total = (end - start) / PAGE_SIZE - v.huge_total * (HUGE_PAGE_SIZE / PAGE_SIZE);
    v.frames_free = kalloc_free_count();
    v.page_cache = mmap_cache_pages();
    for (int i = 0; i < NPROC; i++)
        v.processes += proc_slot(i)->state != PROC_UNUSED;

    struct swap_stats s;
    swap_get_stats(&s);
    v.swap_slots_total = s.slots_total;
    v.swap_slots_used = s.slots_used;
    v.swap_outs = s.swap_outs;
    v.swap_ins = s.swap_ins;
    v.swap_scanned = s.scanned;
    v.swap_clean_drops = s.clean_drops;

    struct disk_stats d;
    virtio_disk_get_stats(&d);
    v.disk_requests = d.requests;
    v.disk_interrupts = d.interrupts;
    v.disk_sleeps = d.sleeps;
    v.disk_polled = d.polled;

    if (mmu_counters_readable()) {
        uint64_t c[5];
        read_mmu_counters(c);
        v.mmu_available = 1;
        v.itlb_misses = c[0], v.dtlb_misses = c[1], v.walks = c[2];
        v.page_faults = c[3], v.sfences = c[4];
    }
    return copy_to_user(caller, addr, &v, sizeof v);
}
