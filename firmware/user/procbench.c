/* procbench [ROUNDS]: the process-heavy workload of `make bench` (tests/bench/run_all.sh).
 * Each round spawns CHILDREN copies of itself from the disk ("procbench child SEED"): every
 * spawn reads the ELF through ext2 and virtio-blk and builds an address space; the children
 * are runnable together, so the timer preempts between them (context switches); each grows
 * its heap, touches the new pages (demand faults), makes system calls and exits, and the
 * kernel tears the address space down. The parent waits for each round.
 * The children's exit statuses depend only on their seeds, never on the order they ran in,
 * so the sum printed at the end is the same on every machine: the benchmark compares it
 * between rv39 and QEMU. The "~" lines (ticks) are allowed to differ. */
#include "user.h"

#define DEFAULT_ROUNDS 20
#define CHILDREN 6        /* runnable at once; the process table has NPROC = 16 slots */
#define CHILD_PAGES 24    /* heap pages each child touches */
#define CHILD_SYSCALLS 64 /* getpid calls: traps into the kernel and back */
#define PAGE 4096

static unsigned long parse_number(const char **s)
{
    unsigned long n = 0;
    while (**s >= '0' && **s <= '9')
        n = n * 10 + (unsigned long)(*(*s)++ - '0');
    while (**s == ' ')
        (*s)++;
    return n;
}

/* One child's work; its exit status (0..250) is a function of seed alone. */
static int child(unsigned long seed)
{
    uint64_t *heap = sbrk(CHILD_PAGES * PAGE);
    if (heap == (void *)-1) return 255;
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1, sum = 0;
    for (unsigned p = 0; p < CHILD_PAGES; p++) {
        uint64_t *page = heap + p * (PAGE / sizeof *heap);
        for (unsigned i = 0; i < PAGE / sizeof *heap; i += 64) { /* a store per cache line */
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            page[i] = x;
        }
    }
    for (unsigned p = 0; p < CHILD_PAGES; p++)
        for (unsigned i = 0; i < PAGE / sizeof *heap; i += 64)
            sum += heap[p * (PAGE / sizeof *heap) + i];
    int pid = getpid();
    for (unsigned i = 1; i < CHILD_SYSCALLS; i++)
        if (getpid() != pid) return 254;
    return (int)(sum % 251);
}

int main(const char *args)
{
    const char *rest = args ? args : "";
    if (rest[0] == 'c') { /* "child SEED" */
        while (*rest && *rest != ' ')
            rest++;
        while (*rest == ' ')
            rest++;
        return child(parse_number(&rest));
    }
    unsigned long rounds = parse_number(&rest);
    if (!rounds) rounds = DEFAULT_ROUNDS;

    unsigned long start = uptime(), status_sum = 0, seed = 1;
    for (unsigned long r = 0; r < rounds; r++) {
        for (int c = 0; c < CHILDREN; c++, seed++) {
            char command[48];
            int n = 0;
            const char *name = "/bin/procbench child ";
            while (name[n]) {
                command[n] = name[n];
                n++;
            }
            char digits[20];
            int d = 0;
            unsigned long v = seed;
            do
                digits[d++] = (char)('0' + v % 10), v /= 10;
            while (v);
            while (d)
                command[n++] = digits[--d];
            command[n] = '\0';
            if (spawn(command) < 0) {
                printf("procbench: FAIL: cannot spawn '%s' (is the disk attached?)\n", command);
                return 1;
            }
        }
        for (int c = 0; c < CHILDREN; c++) {
            int status = 0;
            if (wait(&status) < 0) {
                printf("procbench: FAIL: a child went missing\n");
                return 1;
            }
            if (status > 250) {
                printf("procbench: FAIL: a child failed (status %d)\n", status);
                return 1;
            }
            status_sum += (unsigned long)status;
        }
    }
    printf("procbench: %lu rounds of %d processes (spawn from disk, %d pages and %d system "
           "calls each): status sum %lu\n",
           rounds, CHILDREN, CHILD_PAGES, CHILD_SYSCALLS, status_sum);
    printf("~ procbench_ticks %lu\n", uptime() - start);
    return 0;
}
