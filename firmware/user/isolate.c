/* isolate: processes share what they map and nothing else. The parent spawns three copies
 * of itself:
 *   isolate writer   maps /data/scratch.txt MAP_SHARED, leaves a message and raises a flag
 *   isolate reader   maps the same page, polls (with sleep) for the flag, answers
 *   isolate wild     stores outside all of its mappings and is killed by the kernel
 * The first two talk through the shared page alone; the parent waits for all three. */
#include "user.h"

#define SHARED_FILE "/data/scratch.txt"
#define POLL_TICKS 200 /* 2 s at most for the other side */

/* The layout of the shared page: a flag byte, then the two messages. */
#define FLAG 0
#define MESSAGE 16
#define ANSWER 64
#define PINGED 'P'
#define ANSWERED 'A'

static volatile char *map_shared_page(const char *who)
{
    int fd = open(SHARED_FILE, O_RDWR);
    if (fd < 0) {
        printf("isolate %s: cannot open %s\n", who, SHARED_FILE);
        exit(1);
    }
    void *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (page == MAP_FAILED) {
        printf("isolate %s: mmap failed\n", who);
        exit(1);
    }
    return page;
}

static void put(volatile char *dst, const char *s)
{
    while ((*dst++ = *s++))
        ;
}

static int wait_for(volatile char *page, char flag)
{
    for (int t = 0; t < POLL_TICKS; t++) {
        if (page[FLAG] == flag) return 0;
        sleep(1);
    }
    return -1;
}

static int writer(void)
{
    volatile char *page = map_shared_page("writer");
    put(page + MESSAGE, "ping from the writer");
    page[FLAG] = PINGED;
    if (wait_for(page, ANSWERED) < 0) {
        printf("isolate writer: FAIL: no answer\n");
        return 1;
    }
    printf("isolate writer: got \"%s\"\n", (const char *)page + ANSWER);
    return 0;
}

static int reader(void)
{
    volatile char *page = map_shared_page("reader");
    if (wait_for(page, PINGED) < 0) {
        printf("isolate reader: FAIL: no message\n");
        return 1;
    }
    printf("isolate reader: got \"%s\"\n", (const char *)page + MESSAGE);
    put(page + ANSWER, "pong from the reader");
    page[FLAG] = ANSWERED;
    return 0;
}

static int wild(void)
{
    volatile uint32_t *anon =
        mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (anon == MAP_FAILED) return 1;
    anon[0] = 1;                                                    /* inside its mapping: fine */
    volatile uint32_t *outside = anon + 4096 / sizeof *anon + 1024; /* past it: nothing there */
    printf("isolate wild: storing at 0x%lx, outside every mapping\n", (unsigned long)outside);
    *outside = 2;
    printf("isolate wild: FAIL: still alive\n");
    return 2;
}

int main(const char *args)
{
    if (args && strcmp(args, "writer") == 0) return writer();
    if (args && strcmp(args, "reader") == 0) return reader();
    if (args && strcmp(args, "wild") == 0) return wild();

    const char *roles[] = {"reader", "writer", "wild"};
    int pids[3];
    for (int i = 0; i < 3; i++) {
        char cmd[32] = "/bin/isolate ";
        memcpy(cmd + 13, roles[i], strlen(roles[i]) + 1);
        pids[i] = spawn(cmd);
        if (pids[i] < 0) {
            printf("isolate: FAIL: cannot spawn %s\n", cmd);
            return 1;
        }
    }
    int failures = 0;
    for (int n = 0; n < 3; n++) {
        int status, pid = wait(&status);
        for (int i = 0; i < 3; i++)
            if (pid == pids[i]) {
                printf("isolate: %s (pid %d) exited with status %d\n", roles[i], pid, status);
                int want_killed = i == 2;
                if (want_killed ? status != EXIT_KILLED : status != 0) failures++;
            }
    }
    printf("isolate: %s\n", failures ? "FAIL" : "writer and reader talked, wild was killed alone");
    return failures ? 1 : 0;
}
