/* Processes: the per-process state the scheduler, the trap path and the syscalls share. */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

#define NOFILE 16 /* fds per process */
#define NVMA 8    /* mmap regions per process */
struct file;
struct inode;

/* One mmap region (mmap.c): [start, start + length), page aligned; length 0 = unused. */
struct vma {
    uint64_t start, length;
    int prot, flags;
    uint64_t offset;  /* of start in the file */
    struct inode *ip; /* a slot of mmap.c's inode table; NULL when anonymous */
};

/* The user registers saved on a trap from U-mode (trap.S fills and drains it). It sits at the
 * start of struct proc in kernel memory, which every page table maps, and sscratch holds its
 * address while the process runs in U-mode. trap.S knows the offsets below. */
struct trapframe {
    uint64_t regs[32];  /* x0..x31 by number; regs[0] is unused (x0 is zero) */
    uint64_t epc;       /* 256: the user pc to return to */
    uint64_t kernel_sp; /* 264: top of this process's kernel stack */
};
#define REG_RA 1
#define REG_SP 2
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A4 14
#define REG_A5 15
#define REG_A7 17

/* Callee-saved registers of a kernel thread, switched by swtch() (trap.S). */
struct context {
    uint64_t ra, sp;
    uint64_t s[12];
};

enum proc_state {
    PROC_UNUSED,
    PROC_RUNNABLE,
    PROC_RUNNING,
    PROC_SLEEPING, /* in sleep(): until ticks reaches wake_tick */
    PROC_WAITING,  /* in wait(): until a child exits */
    PROC_BLOCKED,  /* in proc_block(): until proc_wakeup(chan) for its chan (I/O) */
    PROC_ZOMBIE,   /* exited; the parent collects the status */
};

struct proc {
    struct trapframe tf; /* first: trap.S finds it at the address in sscratch */
    enum proc_state state;
    int pid;
    struct proc *parent;
    char name[16];
    int exit_status;

    /* The address space: page table and the regions demand paging may fill. */
    pagetable_t pagetable;
    uint64_t heap_base; /* first byte after the program image, page aligned */
    uint64_t brk;       /* heap end: [heap_base, brk) is valid */
    uint64_t demand_faults;
    uint64_t switches_in; /* times the scheduler ran it (ps) */
    uint64_t blocks;      /* times it blocked in proc_block: I/O waits (ps) */
    uint64_t cpu_ticks;   /* timer ticks that found it running (ps) */
    uint64_t run_since;   /* the time CSR when the scheduler last switched to it */

    uint64_t wake_tick;
    const void *chan; /* what a PROC_BLOCKED process waits for */
    struct context context;
    uint8_t *kstack; /* KSTACK_SIZE bytes */

    struct file *files[NOFILE]; /* open files by fd; 0..2 are the console (file.c) */
    struct vma vmas[NVMA];      /* mmap regions (mmap.c) */
};

/* Called by trap code, syscalls and kmain. */
extern uint64_t ticks;
extern uint64_t context_switches;
void proc_init(void);
struct proc *current_proc(void);
int proc_spawn(const char *name, struct proc *parent);
__attribute__((noreturn)) void scheduler(void);
void proc_yield(void);
void proc_sleep_ticks(uint64_t n);
__attribute__((noreturn)) void proc_exit(struct proc *p, int status);
int proc_wait(struct proc *p, uint64_t status_user_addr);
void proc_timer_tick(void);
/* Blocking on I/O (xv6's sleep/wakeup on a channel, any address that names the event):
 * proc_block gives the CPU up until an interrupt handler calls proc_wakeup(chan). Callers
 * re-check their condition in a loop; with interrupts off in the kernel nothing is lost
 * between the check and the block. */
void proc_block(const void *chan);
void proc_wakeup(const void *chan);
/* After a device interrupt in U-mode (trap.c): if it woke a process, give that one the CPU
 * now, unless the interrupted process has run for less than a tenth of a tick since it was
 * switched in (a stream of interrupts from a fast disk must not starve it): then at the end
 * of that tenth, through an early timer interrupt. */
void proc_preempt_for_io(void);
/* trap.c: a timer interrupt at `when` (if before the next tick) that preempts the process
 * running then without counting a tick. */
void trap_preempt_at(uint64_t when);

/* A sleeping lock: held by one process across operations that may block (the disk), so
 * others wanting it block too instead of spinning. Recursive (the holder may take it again,
 * e.g. a page fault in copy_to_user inside read()), and a no-op with no current process
 * (boot, before the scheduler), where nothing can run concurrently anyway. */
struct sleeplock {
    struct proc *owner;
    int depth;
};
void sleeplock_acquire(struct sleeplock *l);
void sleeplock_release(struct sleeplock *l);
bool sleeplock_held(const struct sleeplock *l); /* by the current process */

/* Slot i (0..NPROC-1) of the process table, for reports (procinfo.c); UNUSED slots too. */
const struct proc *proc_slot(int i);
/* procinfo.c: SYS_procinfo (slot `slot` into a struct procinfo at addr) and SYS_vmstat. */
long sys_procinfo(struct proc *caller, long slot, uint64_t addr);
long sys_vmstat(struct proc *caller, uint64_t addr);

/* Returning to user space (trap.c): sets up the registers and leaves through user_return. */
__attribute__((noreturn)) void usertrap_return(void);

/* trap.S */
void swtch(struct context *save, const struct context *load);
__attribute__((noreturn)) void user_return(struct trapframe *tf);
void trap_vector(void);

#endif
