/* The first process. Its exit status is the run's verdict: when init exits the kernel powers
 * the machine off (SBI SRST), failing the run unless it is 0.
 *
 * With `autotest` on the kernel command line (the device tree's /chosen bootargs, from
 * -append) it starts the test programs side by side, collects them, checks that each ended
 * the way it should and prints a summary. Otherwise it starts the shell and powers off when
 * the shell exits. */
#include "user.h"

#define BOOTARGS_MAX 256

static const struct {
    const char *name;
    int expected_status;
} programs[] = {
    {"spin", 0},               /* burns 30 ticks without yielding: the others must still run */
    {"hello", 0},              /* prints, checks a bad pointer is refused, sleeps */
    {"wild", EXIT_KILLED},     /* reads an unmapped address and is killed for it */
    {"touch", 0},              /* demand-pages an 8 MiB heap */
    {"scribble", EXIT_KILLED}, /* writes to its read-only code and is killed for it */
};
#define NPROGRAMS (int)(sizeof programs / sizeof programs[0])

static int run_tests(void)
{
    int unexpected = 0;
    printf("init: pid %d starting %d programs\n", getpid(), NPROGRAMS);
    if (spawn("no-such-program") != -1) {
        printf("init: FAIL: spawning an unknown program succeeded\n");
        unexpected++;
    }

    int pids[NPROGRAMS];
    for (int i = 0; i < NPROGRAMS; i++) {
        pids[i] = spawn(programs[i].name);
        printf("init: spawned %s as pid %d\n", programs[i].name, pids[i]);
        if (pids[i] < 0) unexpected++;
    }

    int exited_ok = 0, killed = 0;
    for (int n = 0; n < NPROGRAMS; n++) {
        int status;
        int pid = wait(&status);
        int i = 0;
        while (i < NPROGRAMS && pids[i] != pid)
            i++;
        if (i == NPROGRAMS) {
            printf("init: FAIL: wait returned %d, not one of my children\n", pid);
            unexpected++;
            break;
        }
        int fine = status == programs[i].expected_status;
        printf("init: %s (pid %d) exited with status %d%s\n", programs[i].name, pid, status,
               fine ? "" : " - UNEXPECTED");
        unexpected += !fine;
        exited_ok += status == 0;
        killed += status == EXIT_KILLED;
    }
    if (wait(0) != -1) {
        printf("init: FAIL: wait without children did not return -1\n");
        unexpected++;
    }
    printf("init: summary: %d programs, %d exited with 0, %d killed, %d unexpected\n", NPROGRAMS,
           exited_ok, killed, unexpected);
    return unexpected ? 1 : 0;
}

/* Is `word` one of the space-separated words of `text`? */
static int has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - start) == n && memcmp(start, word, n) == 0) return 1;
    }
    return 0;
}

/* The shell, until it exits; then every child left over (none, normally) is collected. */
static int run_shell(void)
{
    printf("rv39 kernel shell: type help for the commands, exit to power off\n");
    int shell = spawn("sh");
    if (shell < 0) {
        printf("init: cannot start the shell\n");
        return 1;
    }
    int status = 1, shell_status = 1, pid;
    while ((pid = wait(&status)) != -1)
        if (pid == shell) shell_status = status;
    return shell_status;
}

int main(void)
{
    char args[BOOTARGS_MAX];
    if (bootargs(args, sizeof args) >= (long)sizeof args) args[0] = '\0'; /* not ours */
    return has_word(args, "autotest") ? run_tests() : run_shell();
}
