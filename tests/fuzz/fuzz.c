/* Counters, summary and failure for the fuzz targets (tests/fuzz/fuzz.h). */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_COUNTERS 16

static struct {
    const char *name;
    uint64_t value;
} counters[MAX_COUNTERS];
static unsigned counter_count;

/* One line, so tests/fuzz/run.sh can pick it out of libFuzzer's output by the target's name. */
static void print_summary(void)
{
    if (!counter_count) return;
    fprintf(stderr, "%s:", program_invocation_short_name);
    for (unsigned i = 0; i < counter_count; i++)
        fprintf(stderr, "%s %llu %s", i ? "," : "", (unsigned long long)counters[i].value,
                counters[i].name);
    fputc('\n', stderr);
}

uint64_t *fuzz_counter(const char *name)
{
    for (unsigned i = 0; i < counter_count; i++)
        if (strcmp(counters[i].name, name) == 0) return &counters[i].value;
    if (counter_count == MAX_COUNTERS) fuzz_fail("more than %d counters", MAX_COUNTERS);
    if (counter_count == 0) atexit(print_summary); /* libFuzzer ends its runs with exit() */
    counters[counter_count].name = name;
    return &counters[counter_count++].value;
}

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: FAILED: ", program_invocation_short_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

uint8_t *fuzz_guarded_alloc(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (size % page) fuzz_fail("guarded size %zu is not a whole number of pages", size);
    uint8_t *p = mmap(NULL, size + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || mprotect(p + page, size, PROT_READ | PROT_WRITE) != 0)
        fuzz_fail("cannot map %zu guarded bytes: %s", size, strerror(errno));
    return p + page;
}

/* The sanitizers' interface (sanitizer/common_interface_defs.h); absent without them. */
__attribute__((weak)) void __sanitizer_set_report_fd(void *fd);

static int saved_stderr = -1;

void fuzz_stderr_into(int fd)
{
    fflush(stderr);
    if (saved_stderr < 0) {
        saved_stderr = fcntl(2, F_DUPFD_CLOEXEC, 3);
        if (saved_stderr < 0) fuzz_fail("cannot duplicate stderr: %s", strerror(errno));
        if (__sanitizer_set_report_fd) __sanitizer_set_report_fd((void *)(intptr_t)saved_stderr);
    }
    if (dup2(fd, 2) < 0) fuzz_fail("cannot redirect stderr");
}

void fuzz_stderr_off(void)
{
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0) fuzz_fail("cannot open /dev/null");
    fuzz_stderr_into(null);
    close(null);
}

void fuzz_stderr_on(void)
{
    fflush(stderr);
    if (saved_stderr >= 0 && dup2(saved_stderr, 2) < 0) fuzz_fail("cannot restore stderr");
}
