/* Processes and the scheduler: a fixed table of NPROC slots, round-robin over the runnable
 * ones, preempted by the timer tick (trap.c calls proc_yield).
 *
 * Each process has a kernel thread (its kernel stack and a struct context); the scheduler
 * runs on the boot stack and switches to a process's thread with swtch(), which returns to
 * the scheduler when the process gives the CPU up (yield, sleep, wait, exit). One hart and
 * interrupts off everywhere in the kernel except the scheduler's idle wait mean that nothing
 * here needs a lock. */
#include "abi.h"
#include "fs.h"
#include "kernel.h"
#include "memlayout.h"
#include "proc.h"
#include "riscv.h"
#include "swap.h"

uint64_t ticks;            /* timer ticks since boot */
uint64_t context_switches; /* from the scheduler to a process, since boot */

static struct proc procs[NPROC];
static uint8_t kstacks[NPROC][KSTACK_SIZE] __attribute__((aligned(16)));
static struct proc *current;
static struct context scheduler_context;
static int next_pid = 1;
static struct proc *init_proc;
/* The process proc_wakeup made runnable last: it was waiting for I/O (the disk, input, a
 * lock) and runs before the round robin goes on, so that a process waiting for the disk
 * does not also wait for every busy process's time slice after each request. */
static struct proc *woken;
/* proc_preempt_for_io lets the interrupted process keep the CPU this long (time CSR units:
 * a tenth of a tick) after being switched in. */
#define MIN_RUN_BEFORE_IO_PREEMPT (TIMEBASE_HZ / TICK_HZ / 10)
/* Free frames just before init was created: when init exits, after every other process,
 * all of them must be free again, or some path leaked memory. */
static uint64_t free_frames_before_init;

void proc_init(void)
{
    for (int i = 0; i < NPROC; i++)
        procs[i].kstack = kstacks[i];
}

struct proc *current_proc(void)
{
    return current;
}

const struct proc *proc_slot(int i)
{
    return i >= 0 && i < NPROC ? &procs[i] : NULL;
}

/* A new process's kernel thread starts here (its context.ra), on its own kernel stack, the
 * first time the scheduler switches to it: straight out to U-mode. */
static void first_return_to_user(void)
{
    usertrap_return();
}

/* The program `name`: embedded in the kernel, else from the disk (fs_find_program: /bin/NAME,
 * or an absolute path). */
struct program_source {
    const struct embedded_program *embedded;
    struct inode file;
};

static int read_embedded(void *src, uint64_t off, void *dst, uint64_t n)
{
    const struct embedded_program *prog = ((struct program_source *)src)->embedded;
    if (off > (uint64_t)(prog->end - prog->start) || n > (uint64_t)(prog->end - prog->start) - off)
        return -1;
    memcpy(dst, prog->start + off, n);
    return 0;
}

static int read_file(void *src, uint64_t off, void *dst, uint64_t n)
{
    return ext2_read(&((struct program_source *)src)->file, off, dst, n) == (long)n ? 0 : -1;
}

/* Creates a process running `command`, child of parent (NULL for init): the first word
 * names the program, the rest (if any) is its argument string, copied to the top of its
 * stack and handed to it in a0 (main's first argument; a0 = 0 without arguments).
 * Returns its pid, or -1 if there is no such program, no free slot or not enough memory. */
int proc_spawn(const char *command, struct proc *parent)
{
    char name[PATH_MAX_LEN];
    size_t name_len = 0;
    while (command[name_len] && command[name_len] != ' ' && name_len + 1 < sizeof name)
        name_len++;
    memcpy(name, command, name_len);
    name[name_len] = '\0';
    const char *args = command + name_len;
    while (*args == ' ')
        args++;

    struct program_source src = {.embedded = find_program(name)};
    struct elf_reader reader = {.src = &src};
    if (src.embedded) {
        reader.read = read_embedded;
        reader.size = (uint64_t)(src.embedded->end - src.embedded->start);
    } else if (fs_find_program(name, &src.file) == 0) {
        reader.read = read_file;
        reader.size = src.file.size;
    } else {
        return -1;
    }
    if (!parent) free_frames_before_init = kalloc_free_count();
    struct proc *p = NULL;
    for (int i = 0; i < NPROC && !p; i++)
        if (procs[i].state == PROC_UNUSED) p = &procs[i];
    if (!p) return -1;

    uint8_t *kstack = p->kstack;
    memset(p, 0, sizeof *p);
    p->kstack = kstack;
    p->pagetable = uvm_create();
    uint64_t entry;
    if (!p->pagetable || elf_load(p, &reader, &entry) < 0) {
        if (p->pagetable) uvm_free(p->pagetable);
        p->pagetable = NULL;
        printf("spawn %s: cannot load the program\n", name);
        return -1;
    }
    __asm__ volatile("fence.i"); /* the stores above wrote code the hart will fetch */

    p->pid = next_pid++;
    p->parent = parent;
    const char *base = name; /* "/bin/cat" is called "cat" */
    for (const char *c = name; *c; c++)
        if (*c == '/') base = c + 1;
    strlcpy_(p->name, base, sizeof p->name);
    p->tf.epc = entry;
    p->tf.regs[REG_SP] = USER_STACK_TOP;
    if (*args) {
        size_t len = strlen(args) + 1;
        uint64_t at = (USER_STACK_TOP - len) & ~15ul; /* sp stays 16-byte aligned */
        if (copy_to_user(p, at, args, len) < 0) {
            uvm_free(p->pagetable);
            p->pagetable = NULL;
            return -1;
        }
        p->tf.regs[REG_SP] = at;
        p->tf.regs[REG_A0] = at;
    }
    p->context.ra = (uint64_t)first_return_to_user;
    p->context.sp = (uint64_t)p->kstack + KSTACK_SIZE;
    if (!parent) init_proc = p;
    p->state = PROC_RUNNABLE;
    return p->pid;
}

/* Back to the scheduler from the current process's kernel thread; returns when the
 * scheduler picks this process again. */
static void sched(void)
{
    swtch(&current->context, &scheduler_context);
}

static void wake_sleepers(void)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == PROC_SLEEPING && ticks >= procs[i].wake_tick)
            procs[i].state = PROC_RUNNABLE;
}

/* The scheduler loop, on the boot stack with the kernel page table. Round robin: each pass
 * runs every runnable process once, in table order. A process runs with its own page table
 * in satp (the kernel half is the same in all of them); the scheduler goes back to the
 * kernel's so that an exited process's tables can be freed under nobody's feet. */
void scheduler(void)
{
    for (;;) {
        bool ran = false;
        for (int i = 0; i < NPROC; i++) {
            wake_sleepers();
            struct proc *p = &procs[i];
            if (woken && woken->state == PROC_RUNNABLE) {
                p = woken; /* first; then slot i's turn comes again */
                i--;
            }
            woken = NULL;
            if (p->state != PROC_RUNNABLE) continue;
            p->state = PROC_RUNNING;
            p->switches_in++;
            p->run_since = csr_read(time);
            context_switches++;
            current = p;
            /* With ASIDs the TLB keeps every process's translations apart, tagged by
             * ASID (priv spec "Address-Translation Cache"), and survives the switch; without,
             * the previous space's entries must go. Exit flushes everything before a slot's
             * ASID can be reused (proc_exit). */
            csr_write(satp, uvm_satp(p->pagetable, (int)(p - procs)));
            if (!uvm_asids_on()) sfence_vma_all();
            swtch(&scheduler_context, &p->context);
            csr_write(satp, kvm_satp());
            if (!uvm_asids_on()) sfence_vma_all();
            current = NULL;
            ran = true;
        }
        if (!ran) {
            /* Nothing to run: wait for the next interrupt (a timer tick wakes sleepers, the
             * disk's wakes its waiter). wfi with SIE off: it still returns once an interrupt
             * enabled in sie is pending (privileged spec, "Wait for Interrupt": unaffected
             * by the global enable), and then opening SIE lets kernel_trap take it. The
             * other order would lose an interrupt already pending (the disk answers at once
             * on rv39): taken before the wfi, which then waits for the next tick. */
            __asm__ volatile("wfi");
            interrupts_on();
            interrupts_off();
        }
    }
}

/* Timer preemption and the voluntary kind alike. */
void proc_yield(void)
{
    current->state = PROC_RUNNABLE;
    sched();
}

void proc_sleep_ticks(uint64_t n)
{
    current->wake_tick = ticks + n;
    current->state = PROC_SLEEPING;
    sched();
}

void proc_block(const void *chan)
{
    current->blocks++;
    current->chan = chan;
    current->state = PROC_BLOCKED;
    sched();
    current->chan = NULL;
}

void proc_wakeup(const void *chan)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == PROC_BLOCKED && procs[i].chan == chan) {
            procs[i].state = PROC_RUNNABLE;
            woken = &procs[i];
        }
}

void proc_preempt_for_io(void)
{
    if (!woken || woken->state != PROC_RUNNABLE) return;
    uint64_t due = current->run_since + MIN_RUN_BEFORE_IO_PREEMPT;
    if (csr_read(time) < due)
        trap_preempt_at(due); /* its share first, then the woken process */
    else
        proc_yield();
}

void sleeplock_acquire(struct sleeplock *l)
{
    if (!current) return;
    while (l->owner && l->owner != current)
        proc_block(l);
    l->owner = current; /* free, ours already, or handed to us by sleeplock_release */
    l->depth++;
}

/* The last release hands the lock straight to the next waiter after the holder in table
 * order (round robin), not to whoever asks first: the holder, still running, would
 * otherwise take it again at once and starve the waiters. */
void sleeplock_release(struct sleeplock *l)
{
    if (!current) return;
    if (l->owner != current) panic("sleeplock_release by pid %d, not the holder", current->pid);
    if (--l->depth > 0) return;
    l->owner = NULL;
    int me = (int)(current - procs);
    for (int n = 1; n < NPROC; n++) {
        struct proc *p = &procs[(me + n) % NPROC];
        if (p->state == PROC_BLOCKED && p->chan == l) {
            l->owner = p; /* depth 0 until its sleeplock_acquire counts it */
            p->state = PROC_RUNNABLE;
            woken = p;
            return;
        }
    }
}

bool sleeplock_held(const struct sleeplock *l)
{
    return current && l->owner == current;
}

/* When init exits the system is done: check that every frame came back, and power off
 * with a failure verdict unless init exited with 0 and nothing leaked. */
static void init_exited(int status)
{
    uint64_t free_now = kalloc_free_count();
    bool leaked = free_now != free_frames_before_init;
    if (kalloc_huge_free() != kalloc_huge_total()) {
        printf("kernel: LEAK: %d of %d huge blocks still in use\n",
               kalloc_huge_total() - kalloc_huge_free(), kalloc_huge_total());
        leaked = true;
    }
    struct swap_stats swap;
    swap_get_stats(&swap);
    if (swap.slots_used) {
        printf("kernel: LEAK: %lu swap slots still in use\n", swap.slots_used);
        leaked = true;
    }
    /* Whatever the kernel took before init besides what it keeps for good would be lost. */
    const struct frame_accounts *a = &frame_accounts;
    uint64_t kept = a->page_tables + a->swap_map;
    if (a->free_at_boot != free_frames_before_init + kept) {
        printf("kernel: LEAK: %ld frames taken before init started, not accounted for\n",
               (long)(a->free_at_boot - kept - free_frames_before_init));
        leaked = true;
    }
    if (free_now != free_frames_before_init)
        printf("kernel: LEAK: %lu free frames, %lu before init started\n", free_now,
               free_frames_before_init);
    else if (!leaked)
        printf("kernel: all %lu frames free again, nothing leaked\n", free_now);
    /* The sum a learner can check against the boot lines. */
    printf("kernel: %lu free at boot = %lu free now + %lu kept for good (%lu page tables, %lu swap "
           "map)\n",
           a->free_at_boot, free_now, kept, a->page_tables, a->swap_map);
    printf("kernel: init exited with status %d, powering off\n", status);
    /* init's status becomes the machine's exit status (rv39's firmware passes it on). */
    sbi_shutdown_status(leaked && status == 0 ? 1 : status);
}

/* Ends process p (the current one): its memory is freed at once, the slot stays a zombie
 * until the parent's wait() collects the status. Children go to init. */
void proc_exit(struct proc *p, int status)
{
    sleeplock_acquire(&fs_lock); /* writing back may sleep on the disk */
    mmap_exit(p); /* shared pages back into their files; the cache's frames are not ours */
    sleeplock_release(&fs_lock);
    if (sleeplock_held(&fs_lock)) panic("pid %d exits holding fs_lock", p->pid);
    csr_write(satp, kvm_satp()); /* leave the address space before freeing it */
    sfence_vma_all();
    uvm_free(p->pagetable);
    p->pagetable = NULL;
    file_close_all(p);
    if (p == init_proc) init_exited(status);

    for (int i = 0; i < NPROC; i++)
        if (procs[i].parent == p) {
            procs[i].parent = init_proc;
            if (procs[i].state == PROC_ZOMBIE && init_proc->state == PROC_WAITING)
                init_proc->state = PROC_RUNNABLE;
        }
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    if (p->parent && p->parent->state == PROC_WAITING) p->parent->state = PROC_RUNNABLE;
    sched();
    panic("a zombie ran");
}

/* Waits for a child of p to exit; stores its exit status at user address status_user_addr
 * (unless 0) and returns its pid, or -1 when p has no children (or the address is bad). */
int proc_wait(struct proc *p, uint64_t status_user_addr)
{
    for (;;) {
        bool have_children = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (c->parent != p || c->state == PROC_UNUSED) continue;
            have_children = true;
            if (c->state != PROC_ZOMBIE) continue;
            int pid = c->pid;
            if (status_user_addr &&
                copy_to_user(p, status_user_addr, &c->exit_status, sizeof c->exit_status) < 0)
                return -1;
            c->state = PROC_UNUSED;
            c->parent = NULL;
            return pid;
        }
        if (!have_children) return -1;
        p->state = PROC_WAITING; /* proc_exit of a child makes us runnable again */
        sched();
    }
}

/* A timer tick: time advances; the running process (if any) is preempted by trap.c. */
void proc_timer_tick(void)
{
    ticks++;
    if (current) current->cpu_ticks++;
}
