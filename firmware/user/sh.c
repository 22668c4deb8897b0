/* The shell: reads a line from the console (read on fd 0), runs the program it names and
 * waits for it. The line goes to spawn() whole: the first word names the program, the kernel
 * hands the rest to it as its argument string. Built-ins: help, exit. End of input (Ctrl-D
 * on an empty line) exits too. */
#include <stdbool.h>

#include "user.h"

#define LINE_MAX 128

/* Every program the shell can run, with what it shows: `help` prints this table. The disk
 * ones are only in /bin on the disk (DISK_USER_PROGRAMS in firmware/kernel/CMakeLists.txt),
 * the others are embedded in the kernel. */
static const struct {
    const char *name;
    const char *description;
    bool on_disk;
} programs[] = {
    {"hello", "says hello, sleeps a few ticks: the simplest process", false},
    {"touch", "demand paging: touches 2048 fresh heap pages, counts the faults", false},
    {"wild", "reads an unmapped address: the kernel kills it alone", false},
    {"spin", "never yields the CPU: only timer preemption lets others run", false},
    {"scribble", "writes into its own code: a store page fault kills it", false},
    {"sh", "this shell, one level deeper (Ctrl-D or exit leaves it)", false},
    {"cat", "cat PATH...: prints files (try cat /README.txt)", true},
    {"fstest", "the file system calls against the disk's files", true},
    {"mmapsort", "sorts /input.bin in place through a shared file mapping", true},
    {"isolate", "processes share what they map and nothing else", true},
    {"tlbdemo", "what 2 MiB pages buy: TLB misses with 4 KiB and 2 MiB pages", true},
    {"fragment", "external fragmentation of physical memory, hidden by paging", true},
    {"swapdemo", "swapdemo [MiB [PROCESSES]]: more memory than RAM, through swap", true},
    {"hostile", "bad system calls and faults: the kernel must survive them", true},
    {"ps", "the process table: state, memory and CPU of each process", true},
    {"vmstat", "memory, swap, disk and MMU counts, system-wide", true},
    {"diskwait", "a process waiting for the disk lets the others run", true},
    {"procbench", "procbench [ROUNDS]: spawns, faults and exits as fast as it can", true},
};
#define NPROGRAMS (sizeof programs / sizeof programs[0])

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static void help(void)
{
    printf("built-ins: help, exit\n");
    for (int disk = 0; disk <= 1; disk++) {
        printf(disk ? "programs on the disk (/bin; rv39 --drive file=build/disk.img):\n"
                    : "programs in the kernel:\n");
        for (unsigned i = 0; i < NPROGRAMS; i++)
            if (programs[i].on_disk == disk)
                printf("  %-9s %s\n", programs[i].name, programs[i].description);
    }
}

/* spawn() failed: a disk program without the disk (or without the file on it) says so. */
static void not_found(const char *name)
{
    for (unsigned i = 0; i < NPROGRAMS; i++) {
        if (strcmp(programs[i].name, name) != 0 || !programs[i].on_disk) continue;
        char path[LINE_MAX + 8] = "/bin/";
        memcpy(path + 5, name, strlen(name) + 1);
        int fd = open(path, O_RDONLY);
        if (fd >= 0) { /* it is there: spawn failed for another reason (memory) */
            close(fd);
            printf("%s: could not start %s (out of memory?)\n", name, path);
        } else {
            printf("%s: needs the disk, and %s is not on one here: boot with the demo disk,\n"
                   "  build/rv39 --drive file=build/disk.img (make run does)\n",
                   name, path);
        }
        return;
    }
    printf("%s: unknown command (try help)\n", name);
}

/* Runs `command` (program name and arguments) and waits for it; says so when it did not end
 * with status 0. */
static void run(const char *command, const char *name)
{
    int pid = spawn(command);
    if (pid < 0) {
        not_found(name);
        return;
    }
    int status, done;
    while ((done = wait(&status)) != pid && done != -1)
        ; /* not ours (there are no others): keep waiting */
    if (done == pid && status != 0)
        printf("sh: %s (pid %d) exited with status %d\n", name, pid, status);
}

int main(void)
{
    char line[LINE_MAX];
    for (;;) {
        printf("$ ");
        long n = read(0, line, sizeof line - 1);
        if (n <= 0) { /* end of input */
            printf("\n");
            return 0;
        }
        while (n > 0 && is_space(line[n - 1]))
            n--;
        line[n] = '\0';
        char *command = line;
        while (is_space(*command))
            command++;
        /* The first word names the program. */
        char name[LINE_MAX];
        size_t len = 0;
        while (command[len] && !is_space(command[len]))
            len++;
        memcpy(name, command, len);
        name[len] = '\0';

        if (len == 0) continue;
        if (strcmp(name, "exit") == 0) return 0;
        if (strcmp(name, "help") == 0)
            help();
        else
            run(command, name);
    }
}
