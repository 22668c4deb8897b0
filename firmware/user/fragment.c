/* fragment: external fragmentation of physical memory, and how paging hides it. The parent
 * spawns three copies of itself that coordinate through flag bytes in a MAP_SHARED page of
 * /data/scratch.txt (its second page; isolate uses the first):
 *   fragment A   takes 1 MiB (sbrk, every page touched), raises 'A', exits once B holds its 2 MiB
 *   fragment B   takes 2 MiB the same way, raises 'B', stays until the parent says 'Q'
 *   fragment C   (after A has exited) maps 2 MiB of anonymous memory, touches every page and
 *                prints, with virt2phys, the physical frames behind it as runs
 * A's frames come back to the free list as a hole below B's; C's 2 MiB, contiguous in its
 * virtual address space, are made of that hole and frames from elsewhere. */
#include <stdbool.h>

#include "user.h"

#define SHARED_FILE "/data/scratch.txt"
#define SHARED_OFFSET 4096
#define POLL_TICKS 3000 /* 30 s at most for any step */
#define PAGE 4096ul
#define MAX_RUNS_SHOWN 24

/* Flag bytes in the shared page, each set once. */
#define A_HOLDS 0
#define B_HOLDS 1
#define B_MAY_QUIT 2

static volatile char *map_shared_page(const char *who)
{
    int fd = open(SHARED_FILE, O_RDWR);
    if (fd < 0) {
        printf("fragment %s: FAIL: cannot open %s\n", who, SHARED_FILE);
        exit(1);
    }
    void *page = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, SHARED_OFFSET);
    close(fd);
    if (page == MAP_FAILED) {
        printf("fragment %s: FAIL: mmap of the shared page failed\n", who);
        exit(1);
    }
    return page;
}

static int wait_flag(volatile char *page, int index, char value)
{
    for (int t = 0; t < POLL_TICKS; t++) {
        if (page[index] == value) return 0;
        sleep(1);
    }
    return -1;
}

/* Grows the heap by `bytes` and touches every page, so that each gets its frame now. */
static int take_heap(const char *who, unsigned long bytes)
{
    char *heap = sbrk((long)bytes);
    if (heap == (char *)-1) {
        printf("fragment %s: FAIL: sbrk(%lu) refused\n", who, bytes);
        return -1;
    }
    for (unsigned long off = 0; off < bytes; off += PAGE)
        heap[off] = 1;
    printf("fragment %s: holds %lu KiB from 0x%lx (physical 0x%lx..)\n", who, bytes >> 10,
           (unsigned long)heap, virt2phys(heap));
    return 0;
}

static int process_a(void)
{
    volatile char *page = map_shared_page("A");
    if (take_heap("A", 1ul << 20) < 0) return 1;
    page[A_HOLDS] = 'A';
    if (wait_flag(page, B_HOLDS, 'B') < 0) return 1;
    printf("fragment A: exits, its 1 MiB goes back to the free list\n");
    return 0;
}

static int process_b(void)
{
    volatile char *page = map_shared_page("B");
    if (take_heap("B", 2ul << 20) < 0) return 1;
    page[B_HOLDS] = 'B';
    return wait_flag(page, B_MAY_QUIT, 'Q') < 0 ? 1 : 0;
}

/* Prints one run of virtual pages [first, first + count) over frames that follow each
 * other (up or down). */
static void print_run(unsigned long first, unsigned long count, long pa_first, long pa_last)
{
    printf("  pages %3lu..%3lu (%3lu) -> frames 0x%lx..0x%lx%s\n", first, first + count - 1, count,
           pa_first, pa_last, count > 1 && pa_last < pa_first ? " (descending)" : "");
}

static int process_c(void)
{
    const unsigned long bytes = 2ul << 20, pages = bytes / PAGE;
    char *region = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) {
        printf("fragment C: FAIL: mmap of 2 MiB refused\n");
        return 1;
    }
    for (unsigned long i = 0; i < pages; i++)
        region[i * PAGE] = 1;
    printf("fragment C: 2 MiB at virtual 0x%lx..0x%lx, frame by frame:\n", (unsigned long)region,
           (unsigned long)region + bytes - 1);
    unsigned long runs = 0, run_start = 0;
    long step = 0, run_pa = 0, prev = 0;
    for (unsigned long i = 0; i < pages; i++) {
        long pa = virt2phys(region + i * PAGE);
        if (pa < 0) {
            printf("fragment C: FAIL: page %lu is not mapped\n", i);
            return 1;
        }
        long d = pa - prev;
        bool continues =
            i > 0 && (d == (long)PAGE || d == -(long)PAGE) && (i - run_start == 1 || d == step);
        if (continues) {
            step = d;
        } else {
            if (i > 0 && runs <= MAX_RUNS_SHOWN) print_run(run_start, i - run_start, run_pa, prev);
            runs++;
            run_start = i;
            run_pa = pa;
        }
        prev = pa;
    }
    if (runs <= MAX_RUNS_SHOWN) print_run(run_start, pages - run_start, run_pa, prev);
    if (runs > MAX_RUNS_SHOWN) printf("  ... %lu runs more\n", runs - MAX_RUNS_SHOWN);
    printf("fragment: C's 2 MiB are virtually contiguous over %lu physical runs\n", runs);
    return 0;
}

static int spawn_role(const char *role)
{
    char cmd[32] = "/bin/fragment ";
    memcpy(cmd + 14, role, strlen(role) + 1);
    int pid = spawn(cmd);
    if (pid < 0) printf("fragment: FAIL: cannot spawn %s\n", cmd);
    return pid;
}

/* Waits for the child `pid` (the only one that can exit at this point): its status. */
static int reap(int pid, const char *name)
{
    int status, got = wait(&status);
    if (got != pid || status != 0) {
        printf("fragment: FAIL: %s (pid %d) ended with status %d (wait gave pid %d)\n", name, pid,
               status, got);
        return -1;
    }
    return 0;
}

int main(const char *args)
{
    if (args && strcmp(args, "A") == 0) return process_a();
    if (args && strcmp(args, "B") == 0) return process_b();
    if (args && strcmp(args, "C") == 0) return process_c();

    volatile char *page = map_shared_page("parent");
    for (int i = 0; i < 3; i++)
        page[i] = 0;
    int a = spawn_role("A");
    if (a < 0 || wait_flag(page, A_HOLDS, 'A') < 0) return 1;
    int b = spawn_role("B");
    if (b < 0) return 1;
    if (reap(a, "A") < 0) return 1; /* A exits once B holds its 2 MiB */
    int c = spawn_role("C");
    if (c < 0 || reap(c, "C") < 0) return 1;
    page[B_MAY_QUIT] = 'Q';
    if (reap(b, "B") < 0) return 1;
    printf("fragment: A, B and C completed\n");
    return 0;
}
