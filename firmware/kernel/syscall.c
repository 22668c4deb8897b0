/* System calls: the number in a7, arguments in a0..a5, the result into a0 (abi.h). */
#include "abi.h"
#include "fs.h"
#include "kernel.h"
#include "memlayout.h"
#include "proc.h"
#include "riscv.h"
#include "swap.h"
#include "vm.h"

#define WRITE_CHUNK 256
#define PROGRAM_NAME_MAX PATH_MAX_LEN /* a program and its arguments */

static long sys_write(struct proc *p, long fd, uint64_t buf, long n)
{
    if (file_is_open(p, fd)) return file_write(p, fd, buf, n);
    if ((fd != 1 && fd != 2) || n < 0) return -1;
    char chunk[WRITE_CHUNK];
    for (long done = 0; done < n;) {
        long len = n - done < WRITE_CHUNK ? n - done : WRITE_CHUNK;
        if (copy_from_user(p, chunk, buf + (uint64_t)done, (size_t)len) < 0)
            return done ? done : -1;
        console_write(chunk, (size_t)len);
        done += len;
    }
    return n;
}

/* fd 0 is the console's input; fds from 3 up are open files (file.c). */
static long sys_read(struct proc *p, long fd, uint64_t buf, long n)
{
    if (file_is_open(p, fd)) return file_read(p, fd, buf, n);
    if (fd != 0) return -1;
    return console_read(p, buf, n);
}

/* The kernel command line into buf (at most size bytes, NUL-terminated when it fits);
 * returns its length, so a short buffer can be told from a whole answer. */
static long sys_bootargs(struct proc *p, uint64_t buf, long size)
{
    const char *args = kernel_bootargs();
    size_t len = strlen(args);
    if (size < 0) return -1;
    size_t n = len + 1 < (size_t)size ? len + 1 : (size_t)size;
    if (n && copy_to_user(p, buf, args, n) < 0) return -1;
    return (long)len;
}

static long sys_spawn(struct proc *p, uint64_t name_addr)
{
    char name[PROGRAM_NAME_MAX];
    if (copy_string_from_user(p, name, name_addr, sizeof name) < 0) return -1;
    return proc_spawn(name, p);
}

static long sys_mmu_counters(struct proc *p, uint64_t addr)
{
    struct mmu_counters c = {0};
    if (mmu_counters_readable()) {
        uint64_t v[5];
        read_mmu_counters(v);
        c.itlb_misses = v[0], c.dtlb_misses = v[1], c.walks = v[2];
        c.page_faults = v[3], c.sfences = v[4];
        c.hw_available = 1;
    }
    c.demand_faults = p->demand_faults;
    return copy_to_user(p, addr, &c, sizeof c);
}

static long sys_swapinfo(struct proc *p, uint64_t addr)
{
    struct swap_stats st;
    swap_get_stats(&st);
    uint64_t start, end;
    kalloc_range(&start, &end);
    struct swap_info info = {.ram_bytes = end - RAM_BASE,
                             .ram_frames = (end - start) / PAGE_SIZE,
                             .free_frames = kalloc_free_count(),
                             .slots_total = st.slots_total,
                             .slots_used = st.slots_used,
                             .swap_outs = st.swap_outs,
                             .swap_ins = st.swap_ins,
                             .clean_drops = st.clean_drops,
                             .scanned = st.scanned};
    return copy_to_user(p, addr, &info, sizeof info);
}

/* Calls that may reach the disk run holding fs_lock (fs.h), so they may sleep there while
 * other processes run. exit takes it itself (proc_exit); console reads block without it. */
static bool uses_storage(const struct proc *p, uint64_t num, long a0)
{
    switch (num) {
    case SYS_open:
    case SYS_spawn:
    case SYS_mmap:
    case SYS_munmap:
    case SYS_msync: return true;
    case SYS_read:
    case SYS_write: return file_is_open(p, a0);
    default: return false;
    }
}

void syscall(struct proc *p)
{
    uint64_t *r = p->tf.regs;
    long a0 = (long)r[REG_A0], a1 = (long)r[REG_A1], a2 = (long)r[REG_A2];
    long ret;
    bool storage = uses_storage(p, r[REG_A7], a0);
    if (storage) sleeplock_acquire(&fs_lock);
    switch (r[REG_A7]) {
    case SYS_exit: proc_exit(p, (int)a0);
    case SYS_write: ret = sys_write(p, a0, (uint64_t)a1, a2); break;
    case SYS_wait: ret = proc_wait(p, (uint64_t)a0); break;
    case SYS_getpid: ret = p->pid; break;
    case SYS_sbrk: ret = uvm_sbrk(p, a0); break;
    case SYS_sleep:
        proc_sleep_ticks((uint64_t)a0);
        ret = 0;
        break;
    case SYS_spawn: ret = sys_spawn(p, (uint64_t)a0); break;
    case SYS_mmu_counters: ret = sys_mmu_counters(p, (uint64_t)a0); break;
    case SYS_uptime: ret = (long)ticks; break;
    case SYS_open: ret = file_open(p, (uint64_t)a0, a1); break;
    case SYS_close: ret = file_close(p, a0); break;
    case SYS_lseek: ret = file_lseek(p, a0, a1, a2); break;
    case SYS_fstat: ret = file_fstat(p, a0, (uint64_t)a1); break;
    case SYS_read: ret = sys_read(p, a0, (uint64_t)a1, a2); break;
    case SYS_bootargs: ret = sys_bootargs(p, (uint64_t)a0, a1); break;
    case SYS_mmap:
        ret = sys_mmap(p, (uint64_t)a0, (uint64_t)a1, a2, (long)r[REG_A3], (long)r[REG_A4],
                       (long)r[REG_A5]);
        break;
    case SYS_munmap: ret = sys_munmap(p, (uint64_t)a0, (uint64_t)a1); break;
    case SYS_msync: ret = sys_msync(p, (uint64_t)a0, (uint64_t)a1); break;
    case SYS_virt2phys: ret = uvm_virt2phys(p->pagetable, (uint64_t)a0); break;
    case SYS_procinfo: ret = sys_procinfo(p, a0, (uint64_t)a1); break;
    case SYS_vmstat: ret = sys_vmstat(p, (uint64_t)a0); break;
    case SYS_swapinfo: ret = sys_swapinfo(p, (uint64_t)a0); break;
    default: printf("pid %d: unknown system call %lu\n", p->pid, r[REG_A7]); ret = -1;
    }
    if (storage) sleeplock_release(&fs_lock);
    r[REG_A0] = (uint64_t)ret;
}
