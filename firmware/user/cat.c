/* cat PATH...: prints the files named on its command line (spawn("cat /README.txt")). */
#include "user.h"

#define CHUNK 512

/* Prints one file; 0, or 1 when it cannot be opened or read. */
static int cat_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("cat: %s: no such file\n", path);
        return 1;
    }
    char buf[CHUNK];
    long n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        write(1, buf, (size_t)n);
    close(fd);
    if (n < 0) {
        printf("cat: %s: read error\n", path);
        return 1;
    }
    return 0;
}

int main(const char *args)
{
    if (!args || !*args) {
        printf("usage: cat PATH...\n");
        return 1;
    }
    /* The arguments are one string of space-separated words. */
    static char copy[PATH_MAX_LEN];
    size_t len = strlen(args);
    if (len >= sizeof copy) return 1;
    memcpy(copy, args, len + 1);
    int failed = 0;
    for (char *p = copy; *p;) {
        while (*p == ' ')
            p++;
        char *word = p;
        while (*p && *p != ' ')
            p++;
        if (*p) *p++ = '\0';
        if (*word) failed |= cat_file(word);
    }
    return failed;
}
