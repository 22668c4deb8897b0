/* The shell: reads a line from the console (read on fd 0), runs the program it names and
 * waits for it. The line goes to spawn() whole: the first word names the program, the kernel
 * hands the rest to it as its argument string. Built-ins: help, exit. End of input (Ctrl-D
 * on an empty line) exits too. */
#include "user.h"

#define LINE_MAX 128

static const char *const programs[] = {"hello", "touch", "wild", "spin", "scribble", "sh"};
#define NPROGRAMS (sizeof programs / sizeof programs[0])
/* Only in /bin (DISK_USER_PROGRAMS in firmware/kernel/CMakeLists.txt). */
static const char *const disk_programs[] = {"cat",     "fstest",   "mmapsort", "isolate",
                                            "tlbdemo", "fragment", "swapdemo", "hostile",
                                            "ps",      "vmstat",   "diskwait"};
#define NDISK_PROGRAMS (sizeof disk_programs / sizeof disk_programs[0])
#define HELP_NAMES_PER_LINE 8 /* help fits an 80-column screen */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static void help(void)
{
    printf("built-ins: help, exit\nprograms in the kernel:");
    for (unsigned i = 0; i < NPROGRAMS; i++)
        printf(" %s", programs[i]);
    printf("\nprograms on the disk:");
    for (unsigned i = 0; i < NDISK_PROGRAMS; i++)
        printf("%s %s", i && i % HELP_NAMES_PER_LINE == 0 ? "\n " : "", disk_programs[i]);
    printf("\n");
}

/* Runs `command` (program name and arguments) and waits for it; says so when it did not end
 * with status 0. */
static void run(const char *command, const char *name)
{
    int pid = spawn(command);
    if (pid < 0) {
        printf("%s: unknown command (try help)\n", name);
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
