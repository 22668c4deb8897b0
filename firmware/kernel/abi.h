/* The system-call interface between the kernel and user programs: call numbers, the user
 * address-space layout they can rely on, and the structures syscalls fill in. Included by
 * the kernel and by firmware/user. New calls (read, open, mmap, ...) take the next numbers.
 *
 * Calling convention: `ecall` from U-mode with a7 = call number and arguments in a0..a5;
 * the result comes back in a0 (negative = error), every other register is preserved. */
#ifndef KERNEL_ABI_H
#define KERNEL_ABI_H

#include <stdint.h>

#define SYS_exit 1         /* exit(status): never returns */
#define SYS_write 2        /* write(fd, buf, n) -> bytes written; fd 1 and 2 are the console */
#define SYS_wait 3         /* wait(&status) -> pid of an exited child, -1 if none is left */
#define SYS_getpid 4       /* getpid() -> pid */
#define SYS_sbrk 5         /* sbrk(delta) -> the old break, -1 when out of range */
#define SYS_sleep 6        /* sleep(ticks): gives the CPU up for that many timer ticks */
#define SYS_spawn 7        /* spawn(name) -> pid of a new process running that program */
#define SYS_mmu_counters 8 /* mmu_counters(&struct mmu_counters) -> 0 */
#define SYS_uptime 9       /* uptime() -> timer ticks since boot */
/* 20..29: console and system (fd 0 is the console's input) */
#define SYS_read 20     /* read(fd, buf, n) -> bytes read, 0 at end of input; blocks */
#define SYS_bootargs 21 /* bootargs(buf, size) -> length of the kernel command line */
/* 30..39: files and disks */
#define SYS_open 30  /* open(path, flags) -> fd (3 and up) of an existing file, -1 if none */
#define SYS_close 31 /* close(fd) -> 0 */
#define SYS_lseek 32 /* lseek(fd, offset, whence) -> the new offset */
#define SYS_fstat 33 /* fstat(fd, &struct stat) -> 0 */
/* read(fd, ...) and write(fd, ...) work on files too; writes stay inside the file's size. */
/* 40..49: memory mappings (mmap.c) */
#define SYS_mmap 40   /* mmap(addr_hint, length, prot, flags, fd, offset) -> address, -1 */
#define SYS_munmap 41 /* munmap(addr, length) -> 0: writes shared pages back, unmaps */
#define SYS_msync 42  /* msync(addr, length) -> 0: writes dirty shared pages back */
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 0x01    /* file pages shared by every mapping, written back to the file */
#define MAP_PRIVATE 0x02   /* a private copy of the file's pages */
#define MAP_ANONYMOUS 0x20 /* zeroed pages, no file (fd and offset ignored) */
/* With MAP_ANONYMOUS: 2 MiB megapages (one level-1 leaf PTE each) from the kernel's pool of
 * contiguous blocks; the region is 2 MiB-aligned and its length rounded up to 2 MiB. When the
 * pool is empty a fault falls back to a 4 KiB page (the kernel says so and counts it). The
 * value is Linux's MAP_HUGETLB. */
#define MAP_HUGE_2MB 0x40000
/* Where mmap puts mappings: far above any heap, below the stack. */
#define MMAP_BASE 0x2000000000ul
#define MMAP_END 0x3000000000ul

/* 50..59: looking at memory */
#define SYS_virt2phys 50 /* virt2phys(addr) -> physical address behind a user address, -1 */
#define SYS_procinfo 51  /* procinfo(slot, &struct procinfo) -> 1; 0: slot unused; -1: no slot */
#define SYS_vmstat 52    /* vmstat(&struct vmstat) -> 0: memory, swap, MMU and disk counts */
#define SYS_swapinfo 59  /* swapinfo(&struct swap_info) -> 0 */

/* Exit status of a process the kernel killed (wild access, illegal instruction, ...). */
#define EXIT_KILLED (-1)

/* Timer ticks: the scheduler's time slice and the unit of sleep() and uptime(). */
#define TICK_HZ 100

/* The user half of every address space. Below USER_BASE the kernel keeps its identity
 * mapping of devices (0x0..0x7fffffff) and RAM (0x80000000..), without the U bit. */
#define USER_BASE 0x100000000ul /* programs are linked here (4 GiB) */
/* sp at start: one page below the top of Sv39's lower half (1 << 38) */
#define USER_STACK_TOP 0x3ffffff000ul
#define USER_STACK_MAX (8ul << 20) /* the stack may grow down this far, a page at a time */

/* What SYS_mmu_counters reports. The first five are the MMU's event counters hpmcounter3..7
 * (rv39 counts them; other machines may read 0), global to the hart since boot. */
struct mmu_counters {
    uint64_t itlb_misses;   /* hpmcounter3: instruction fetches that missed the TLB */
    uint64_t dtlb_misses;   /* hpmcounter4: loads/stores that missed the TLB */
    uint64_t walks;         /* hpmcounter5: page-table walks */
    uint64_t page_faults;   /* hpmcounter6: page faults raised */
    uint64_t sfences;       /* hpmcounter7: sfence.vma executed */
    uint64_t hw_available;  /* 1 if the counters above could be read, else they are 0 */
    uint64_t demand_faults; /* pages the kernel demand-allocated for the calling process */
};

/* What SYS_swapinfo reports: memory and swap, system-wide, counts since boot. */
struct swap_info {
    uint64_t ram_bytes;   /* the machine's RAM, from the device tree */
    uint64_t ram_frames;  /* 4 KiB frames the kernel allocates from (all of RAM after it) */
    uint64_t free_frames; /* of those, free now */
    uint64_t slots_total; /* 4 KiB pages the swap partition holds; 0: no swap */
    uint64_t slots_used;
    uint64_t swap_outs;   /* pages written to swap */
    uint64_t swap_ins;    /* pages read back from swap on a fault */
    uint64_t scanned;     /* pages the clock hand looked at */
    uint64_t clean_drops; /* pages evicted without a write: their swap copy was current */
};

/* What SYS_procinfo reports of one slot of the kernel's process table (ps). */
struct procinfo {
    int32_t pid;
    int32_t ppid;   /* 0: no parent (init) */
    char state[12]; /* "running", "runnable", "sleeping", "waiting", "blocked", "zombie" */
    char name[16];
    uint64_t resident;   /* 4 KiB pages mapped in its user half (a megapage counts 512) */
    uint64_t swapped;    /* its pages in swap */
    uint64_t heap_bytes; /* brk - heap start */
    uint64_t mappings;   /* mmap regions */
    uint64_t demand_faults;
    uint64_t cpu_ticks; /* timer ticks that found it running */
    uint64_t switches;  /* times the scheduler switched to it */
    uint64_t blocks;    /* times it blocked on I/O (the disk, console input, locks) */
};

/* What SYS_vmstat reports: the whole machine, counts since boot unless "now". */
struct vmstat {
    uint64_t uptime_ticks;
    uint64_t frames_total, frames_free; /* 4 KiB frames for the allocator, free now */
    uint64_t huge_total, huge_free;     /* 2 MiB blocks of the huge-page pool */
    uint64_t page_cache;                /* frames of shared file pages (mmap), now */
    uint64_t processes;                 /* table slots in use, now */
    uint64_t context_switches;
    uint64_t swap_slots_total, swap_slots_used, swap_outs, swap_ins, swap_scanned;
    uint64_t swap_clean_drops; /* evicted without a write: the swap copy was still current */
    uint64_t disk_requests, disk_interrupts, disk_sleeps, disk_polled;
    uint64_t mmu_available; /* 1 if the five below could be read (hpmcounter3..7) */
    uint64_t itlb_misses, dtlb_misses, walks, page_faults, sfences;
};

/* open() flags (no O_CREAT or O_TRUNC yet: files must exist) and lseek() origins. */
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_ACCMODE 3
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define PATH_MAX_LEN 128 /* bytes of a path, with its NUL */

/* What SYS_fstat reports. */
struct stat {
    uint64_t size;
    uint32_t ino;
    uint32_t type; /* STAT_FILE or STAT_DIR */
};
#define STAT_FILE 1
#define STAT_DIR 2

#endif
