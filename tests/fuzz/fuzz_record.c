/* fuzz_record: record logs (`-replay FILE`, emu/record.c) on fuzzed files, read and then
 * replayed against the small guest (small_guest.h) for at most MAX_SLICES slices, as
 * rv39's main does: the log's timing first (rr_replay_config), the machine built with it,
 * the whole log read and checked (rr_replay_open), the run with the log's inputs handed over
 * and its sync points checked, the end checked (rr_close).
 *
 * The input: one flags byte, then the log. With bit 0 clear the target first makes the log
 * fit this machine where a real one of the small guest would: the header's RAM size, and the
 * checksum in the first END entry (FNV-1a over every byte before it, then END's head and its
 * first 12 payload bytes: emu/record.c), so mutations reach the entries and the replay; with
 * it set the log is read as it is. The seeds (seeds_guest.c) are real logs of the small guest
 * recorded by this build.
 *
 * Oracles, besides ASan/UBSan: a refused log prints exactly one line "rv39: -replay FILE:
 * ..." and no run starts; every line rv39 prints in a replay starts "rv39: "; a log the
 * target made right is never refused for its checksum (the target and emu/record.c agree on
 * the format). */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emu/record.h"
#include "fuzz.h"
#include "small_guest.h"

#define FLAG_AS_IS 1u
#define HEADER 40u     /* "RV39REC\n", version, flags, shift, 0, RTC base, RAM size */
#define ENTRY_HEAD 19u /* kind, progress, guest ns, payload length */
#define END_KIND 5
#define MAX_SLICES 64  /* past the first sync point (1M steps) of the longer seed */

static struct machine m;
static FILE *sink;
static int log_fd = -1, err_fd = -1;
static char log_path[64];
static uint64_t *refused, *replayed, *matched, *slices;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    log_fd = memfd_create("fuzz_record-log", MFD_CLOEXEC);
    err_fd = memfd_create("fuzz_record-stderr", MFD_CLOEXEC);
    if (!sink || log_fd < 0 || err_fd < 0) fuzz_fail("cannot set up");
    snprintf(log_path, sizeof log_path, "/proc/self/fd/%d", log_fd);
    refused = fuzz_counter("refused");
    replayed = fuzz_counter("replayed");
    matched = fuzz_counter("ended as recorded");
    slices = fuzz_counter("slices");
    return 0;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* The first END entry's checksum made right, as a recording rv39 writes it. */
static bool make_end_right(uint8_t *log, size_t len)
{
    for (size_t at = HEADER; len - at >= ENTRY_HEAD;) {
        size_t n = (size_t)(log[at + 17] | log[at + 18] << 8);
        if (log[at] == END_KIND) {
            if (n < 20 || len - at - ENTRY_HEAD < n) return false;
            uint64_t sum = fnv(fnv(0xcbf29ce484222325ull, log, at), log + at, ENTRY_HEAD + 12);
            for (unsigned i = 0; i < 8; i++)
                log[at + ENTRY_HEAD + 12 + i] = (uint8_t)(sum >> (8 * i));
            return true;
        }
        if (len - at - ENTRY_HEAD < n) return false;
        at += ENTRY_HEAD + n;
    }
    return false;
}

/* What rv39 printed since the last call (NUL-terminated, malloc'd); the memfd emptied. */
static char *printed(void)
{
    fflush(stderr);
    off_t n = lseek(err_fd, 0, SEEK_END);
    char *text = malloc((size_t)n + 1);
    if (!text || pread(err_fd, text, (size_t)n, 0) != n) fuzz_fail("cannot read stderr");
    text[n] = 0;
    if (ftruncate(err_fd, 0) != 0 || lseek(err_fd, 0, SEEK_SET) != 0)
        fuzz_fail("cannot empty stderr");
    return text;
}

static unsigned lines_of(const char *text, const char *must_start)
{
    unsigned lines = 0;
    for (const char *line = text; *line; lines++) {
        const char *end = strchr(line, '\n');
        if (!end) fuzz_fail("rv39 printed '%s' without ending the line", line);
        if (strncmp(line, must_start, strlen(must_start)) != 0)
            fuzz_fail("rv39 printed '%.*s', not '%s...'", (int)(end - line), line, must_start);
        line = end + 1;
    }
    return lines;
}

static void check_refusal(const char *text, bool made_right)
{
    char start[128];
    snprintf(start, sizeof start, "rv39: -replay %s: ", log_path);
    if (lines_of(text, start) != 1) fuzz_fail("refused with other than one line: '%s'", text);
    if (made_right && strstr(text, "checksum"))
        fuzz_fail("a log made right was refused: %s", text);
    ++*refused;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    size_t len = size - 1;
    uint8_t *log = malloc(len ? len : 1);
    if (!log) fuzz_fail("out of memory");
    memcpy(log, data + 1, len);
    bool made_right = false;
    if (!(data[0] & FLAG_AS_IS) && len >= HEADER) {
        for (unsigned i = 0; i < 8; i++)
            log[32 + i] = (uint8_t)((uint64_t)SMALL_GUEST_RAM >> (8 * i));
        made_right = make_end_right(log, len);
    }
    if (ftruncate(log_fd, 0) != 0 || pwrite(log_fd, log, len, 0) != (ssize_t)len)
        fuzz_fail("cannot write the log");
    free(log);

    fuzz_stderr_into(err_fd);
    struct machine_config cfg = small_guest_config(NULL, sink);
    uint64_t ram_size;
    if (!rr_replay_config(log_path, &cfg.icount_shift, &cfg.rtc_base_ns, &ram_size)) {
        char *text = printed();
        fuzz_stderr_on();
        check_refusal(text, false);
        free(text);
        return 0;
    }
    small_guest_start(&m, &cfg);
    m.rr = rr_replay_open(&m, log_path, false);
    if (!m.rr) {
        char *text = printed();
        fuzz_stderr_on();
        check_refusal(text, made_right);
        free(text);
        machine_free(&m);
        return 0;
    }
    ++*replayed;
    for (unsigned i = 0; i < MAX_SLICES && small_guest_run(&m, 1); i++)
        ++*slices;
    rr_close(m.rr, &m, m.exit_status);
    m.rr = NULL;
    machine_free(&m);
    char *text = printed();
    fuzz_stderr_on();
    lines_of(text, "rv39: ");
    if (strstr(text, "the final state matches the record")) ++*matched;
    free(text);
    return 0;
}
