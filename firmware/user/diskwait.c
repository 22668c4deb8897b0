/* diskwait: a process waiting for the disk lets the others run.
 *
 *   diskwait [PATH]       (default /data/big.txt) starts two readers, "diskwait read PATH",
 *                         and stays busy on the CPU until both have finished; then reports
 *   diskwait read PATH    reads PATH in 4 KiB pieces and prints its size and FNV-1a hash
 *
 * The file's blocks come from the disk (the kernel's cache holds 32), and the driver puts the
 * reader asking for one to sleep until the disk's interrupt (firmware/kernel/virtio_disk.c);
 * the other reader meanwhile waits its turn for the storage stack (fs_lock). Each time a
 * reader sleeps the scheduler hands the CPU to the busy parent (or the other reader), so the
 * parent is switched to about as often as a reader blocked: the report shows the counts and
 * the disk's interrupts. A driver that spun while the disk worked would show no blocking. */
#include "user.h"

#define CHUNK 4096
#define DEFAULT_PATH "/data/big.txt"
#define CHECK_EVERY 1024 /* busy-loop iterations between looks at the readers */
#define READERS 2        /* two, so that they also queue for the disk */

static int read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("diskwait: %s: no such file\n", path);
        return 1;
    }
    static char buf[CHUNK];
    unsigned long total = 0, hash = 2166136261u; /* FNV-1a, 32 bits */
    unsigned long start = uptime();
    long n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            hash = ((hash ^ (unsigned char)buf[i]) * 16777619u) & 0xffffffffu;
        total += (unsigned long)n;
    }
    close(fd);
    if (n < 0) {
        printf("diskwait: %s: read error\n", path);
        return 1;
    }
    printf("diskwait: reader pid %d: %s: %lu bytes, FNV-1a 0x%08lx, %lu ticks\n", getpid(), path,
           total, hash, uptime() - start);
    return 0;
}

/* The table entry of process pid, or 0 when there is none. */
static int find_process(int pid, struct procinfo *out)
{
    for (int slot = 0;; slot++) {
        int r = procinfo(slot, out);
        if (r < 0) return 0;
        if (r > 0 && out->pid == pid) return 1;
    }
}

int main(const char *args)
{
    const char *path = args && *args ? args : DEFAULT_PATH;
    if (path[0] == 'r' && path[1] == 'e' && path[2] == 'a' && path[3] == 'd' && path[4] == ' ')
        return read_file(path + 5);

    char command[PATH_MAX_LEN + 16] = "diskwait read ";
    size_t len = strlen(command), plen = strlen(path);
    if (len + plen >= sizeof command) return 1;
    memcpy(command + len, path, plen + 1);

    struct vmstat before, after;
    struct procinfo me_before, me_after, reader[READERS];
    int me = getpid(), pid[READERS];
    vmstat(&before);
    find_process(me, &me_before);
    for (int r = 0; r < READERS; r++) {
        pid[r] = spawn(command);
        if (pid[r] < 0) {
            printf("diskwait: FAIL: cannot start reader %d\n", r + 1);
            return 1;
        }
    }
    /* Busy on the CPU (never sleeping) until every reader is a zombie. */
    unsigned long loops = 0;
    for (int running = READERS; running > 0;) {
        for (volatile int i = 0; i < CHECK_EVERY; i++)
            loops++;
        running = 0;
        for (int r = 0; r < READERS; r++)
            if (find_process(pid[r], &reader[r]) && strcmp(reader[r].state, "zombie") != 0)
                running++;
    }
    find_process(me, &me_after);
    vmstat(&after);

    int ok = 1;
    unsigned long blocks = 0;
    for (int r = 0; r < READERS; r++) {
        int status = -1;
        while (wait(&status) != pid[r])
            ;
        printf("diskwait: reader pid %d exited with status %d after blocking %lu times\n", pid[r],
               status, reader[r].blocks);
        ok = ok && status == 0 && reader[r].blocks > 0;
        blocks += reader[r].blocks;
    }
    unsigned long switched_to_me = me_after.switches - me_before.switches;
    unsigned long requests = after.disk_requests - before.disk_requests;
    unsigned long interrupts = after.disk_interrupts - before.disk_interrupts;
    unsigned long slept = after.disk_sleeps - before.disk_sleeps;
    unsigned long polled = after.disk_polled - before.disk_polled;
    printf("diskwait: meanwhile the busy parent ran %lu loops and was switched to %lu times\n",
           loops, switched_to_me);
    printf("diskwait: disk: %lu requests (%lu slept, %lu polled), %lu interrupts; "
           "%lu context switches\n",
           requests, slept, polled, interrupts, after.context_switches - before.context_switches);
    /* Each time a reader blocks, the parent is the other candidate to run. */
    ok = ok && slept > 0 && interrupts > 0 && 2 * switched_to_me >= blocks / READERS;
    printf("diskwait: %s\n", ok ? "the CPU stayed busy while the readers waited for the disk"
                                : "FAIL: a reader did not sleep on the disk, or the parent "
                                  "did not run meanwhile");
    return ok ? 0 : 1;
}
