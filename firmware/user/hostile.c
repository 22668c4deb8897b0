/* hostile: a user program that does its worst to the kernel. The kernel must survive it.
 *
 * First, system calls with bad arguments (kernel addresses, unmapped or read-only buffers,
 * addresses outside Sv39's user half, absurd sizes, bad descriptors, unknown call numbers):
 * each must fail with -1 and leave this process running. Then children that each commit
 * one wild act (NULL loads, stores into the kernel, jumps into it, executing data,
 * privileged and illegal instructions, a stack that grows without end, a non-canonical
 * address): the kernel must kill each one, alone, with EXIT_KILLED. Last, it fills the
 * process table until spawn fails, and reaps. Exits 0 when every rule
 * held, else 1. The kernel's own exit check then verifies that nothing leaked. */
#include "user.h"

#define KERNEL_TEXT 0x80200000ul
#define UNMAPPED 0xdead0000ul
#define ABOVE_USER_HALF (1ul << 38)
#define NON_CANONICAL 0x8000000000000000ul

static int failures, calls;

static void expect_refused(const char *what, long result)
{
    calls++;
    if (result != -1) {
        printf("hostile: FAIL: %s returned %ld, -1 expected\n", what, result);
        failures++;
    }
}

static void bad_calls(void)
{
    static const uint64_t bad_buffers[] = {
        0, KERNEL_TEXT, UNMAPPED, ABOVE_USER_HALF, NON_CANONICAL, (uint64_t)-4096};
    for (unsigned i = 0; i < sizeof bad_buffers / sizeof bad_buffers[0]; i++) {
        long b = (long)bad_buffers[i];
        expect_refused("write from a bad buffer", syscall3(SYS_write, 1, b, 16));
        expect_refused("open of a bad path", syscall3(SYS_open, b, O_RDONLY, 0));
        expect_refused("spawn of a bad name", syscall3(SYS_spawn, b, 0, 0));
        expect_refused("mmu_counters into a bad buffer", syscall3(SYS_mmu_counters, b, 0, 0));
        expect_refused("swapinfo into a bad buffer", syscall3(SYS_swapinfo, b, 0, 0));
        expect_refused("bootargs into a bad buffer", syscall3(SYS_bootargs, b, 64, 0));
        expect_refused("virt2phys of a bad address", syscall3(SYS_virt2phys, b, 0, 0));
    }

    int fd = open("/data/numbers.txt", O_RDONLY);
    if (fd < 0) {
        printf("hostile: FAIL: cannot open /data/numbers.txt\n");
        failures++;
    } else {
        /* This function's code is mapped R+X: the kernel must not write file data into it. */
        expect_refused("read into my own code",
                       syscall3(SYS_read, fd, (long)(uintptr_t)bad_calls, 64));
        expect_refused("read into the kernel", syscall3(SYS_read, fd, (long)KERNEL_TEXT, 64));
        expect_refused("fstat into the kernel", syscall3(SYS_fstat, fd, (long)KERNEL_TEXT, 0));
        close(fd);
    }
    static const long bad_fds[] = {-1, 3, 15, 16, 1000000, (long)1 << 40};
    for (unsigned i = 0; i < sizeof bad_fds / sizeof bad_fds[0]; i++) {
        char c;
        expect_refused("read from a bad fd", syscall3(SYS_read, bad_fds[i], (long)&c, 1));
        expect_refused("close of a bad fd", syscall3(SYS_close, bad_fds[i], 0, 0));
        expect_refused("lseek on a bad fd", syscall3(SYS_lseek, bad_fds[i], 0, 0));
    }
    expect_refused("open of a missing file", open("/no/such/file", O_RDONLY));
    expect_refused("spawn of a missing program", spawn("/bin/no-such-program"));
    expect_refused("sbrk far beyond the heap limit", (long)sbrk(1l << 40));
    expect_refused("sbrk below the heap start", (long)sbrk(-(1l << 40)));
    expect_refused("mmap of length 0",
                   (long)mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    expect_refused("mmap of 2^60 bytes",
                   (long)mmap(0, 1ul << 60, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    expect_refused("mmap with unknown flags", (long)mmap(0, 4096, PROT_READ, 0x7fff0000, -1, 0));
    expect_refused("mmap of a bad fd", (long)mmap(0, 4096, PROT_READ, MAP_SHARED, 99, 0));
    expect_refused("munmap of a misaligned address", munmap((void *)(MMAP_BASE + 1), 4096));
    expect_refused("wait with no children", wait((int *)KERNEL_TEXT));
    expect_refused("an unknown system call", syscall3(12345, 0, 0, 0));
    expect_refused("a negative system call number", syscall3(-1, 0, 0, 0));
}

/* The wild acts, one per child. Each must end with the child killed. */
static volatile int never; /* the recursion's way out, which is never taken */
static void recurse(volatile char *previous)
{
    if (never) return;
    volatile char frame[1024];
    frame[0] = previous ? previous[0] + 1 : 0;
    recurse(frame);
    frame[1] = 0; /* keeps this from being a tail call */
}

/* The wild acts, each with what it does: hostile names each act before its child commits it,
 * so the kernel's "pid N killed: ..." line that follows reads as its consequence. */
static const struct {
    const char *name, *what;
} acts[] = {
    {"load-null", "loads from address 0, mapped by no one"},
    {"store-kernel", "stores into kernel code (no U bit)"},
    {"jump-kernel", "jumps into the kernel's code"},
    {"exec-heap", "runs code it wrote into its heap (not X)"},
    {"illegal", "executes the all-zero illegal instruction"},
    {"csr-sstatus", "reads the supervisor's sstatus CSR"},
    {"sret", "executes sret, an S-mode instruction"},
    {"sfence", "executes sfence.vma, an S-mode instruction"},
    {"ebreak", "executes ebreak with no debugger attached"},
    {"stack", "recurses until its stack hits the limit"},
    {"non-canonical", "loads from 0x8000000000000000 (not Sv39)"},
};
#define NACTS (sizeof acts / sizeof acts[0])

static void act(const char *name)
{
    if (!strcmp(name, "load-null")) {
        printf("hostile child: %lu\n", (unsigned long)*(volatile uint64_t *)0);
    } else if (!strcmp(name, "store-kernel")) {
        *(volatile uint64_t *)KERNEL_TEXT = 0; /* mapped, but without U */
    } else if (!strcmp(name, "jump-kernel")) {
        ((void (*)(void))KERNEL_TEXT)();
    } else if (!strcmp(name, "exec-heap")) {
        uint32_t *code = sbrk(4096);
        code[0] = 0x00008067; /* ret: harmless, if the heap were executable (it is not) */
        ((void (*)(void))code)();
    } else if (!strcmp(name, "illegal")) {
        __asm__ volatile(".word 0");
    } else if (!strcmp(name, "csr-sstatus")) {
        uint64_t v;
        __asm__ volatile("csrr %0, sstatus" : "=r"(v));
        printf("hostile child: sstatus 0x%lx\n", v);
    } else if (!strcmp(name, "sret")) {
        __asm__ volatile("sret");
    } else if (!strcmp(name, "sfence")) {
        __asm__ volatile("sfence.vma zero, zero");
    } else if (!strcmp(name, "ebreak")) {
        __asm__ volatile("ebreak");
    } else if (!strcmp(name, "stack")) {
        recurse(0);
    } else if (!strcmp(name, "non-canonical")) {
        printf("hostile child: %lu\n", (unsigned long)*(volatile uint64_t *)NON_CANONICAL);
    }
}

/* Starts idle children until the kernel refuses one (its process table is full), then
 * reaps them all: a full table must be an error return, not a crash or a hang. */
#define MAX_CHILDREN 256
static void fill_process_table(void)
{
    int started = 0;
    while (started < MAX_CHILDREN && spawn("/bin/hostile idle") >= 0)
        started++;
    if (started == MAX_CHILDREN) {
        printf("hostile: FAIL: %d children started, spawn never refused\n", started);
        failures++;
    }
    int reaped = 0, status;
    while (wait(&status) >= 0)
        if (status == 0) reaped++;
    printf("hostile: process table full after %d children: spawn refused, %d reaped\n", started,
           reaped);
    if (reaped != started) failures++;
}

int main(const char *args)
{
    if (args && !strcmp(args, "idle")) {
        sleep(5); /* long enough for the table to fill */
        return 0;
    }
    if (args && strlen(args) > 6 && !memcmp(args, "child ", 6)) {
        act(args + 6);
        printf("hostile: FAIL: child '%s' survived its wild act\n", args + 6);
        return 2;
    }
    printf("hostile: first, system calls with bad arguments: each must return -1\n");
    bad_calls();
    printf("hostile: %d bad system calls made, %d not refused\n", calls, failures);

    printf("hostile: then %u wild acts, each in a child the kernel must kill\n", (unsigned)NACTS);
    int killed = 0;
    for (unsigned i = 0; i < NACTS; i++) {
        char command[64] = "/bin/hostile child ";
        size_t at = strlen(command);
        memcpy(command + at, acts[i].name, strlen(acts[i].name) + 1);
        printf("hostile: act %u/%u %s: %s\n", i + 1, (unsigned)NACTS, acts[i].name, acts[i].what);
        int pid = spawn(command);
        int status = 0;
        if (pid < 0 || wait(&status) != pid) {
            printf("hostile: FAIL: could not run child '%s'\n", acts[i].name);
            failures++;
            continue;
        }
        if (status == EXIT_KILLED) {
            killed++;
        } else {
            printf("hostile: FAIL: child '%s' exited with %d, not killed\n", acts[i].name, status);
            failures++;
        }
    }
    printf("hostile: %d of %u wild children killed, the kernel is still here\n", killed,
           (unsigned)NACTS);
    printf("hostile: last, idle children until the process table is full\n");
    fill_process_table();
    printf("hostile: %s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
