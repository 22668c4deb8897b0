/* fuzz_options: the command line (emu/options.c) on a fuzzed argv.
 *
 * Input: the arguments after argv[0], separated by NUL bytes ("-m\0" "64M\0" "-kernel\0" ...).
 * Each argument also goes to the option-value parsers on their own (--drive, --fb, -m).
 *
 * Oracles, beyond the sanitizers: parsing never exits; an accepted command line leaves the
 * options in their documented ranges (RAM 1M..16G in whole pages, at most 8 drives with a
 * file name, framebuffer sides 1..8192, GDB port 1..65535, not --debug with --gdb); parsing
 * the same words again gives the same answer (the parser re-initialises getopt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/options.h"
#include "fuzz.h"

#define MAX_ARGS 64

static FILE *sink; /* --help, --version and the error lines: not what is checked */
static uint64_t *accepted, *refused, *served;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    if (!sink) fuzz_fail("cannot open /dev/null");
    accepted = fuzz_counter("command lines accepted");
    refused = fuzz_counter("refused");
    served = fuzz_counter("help/version");
    return 0;
}

static void check_accepted(const struct options *o)
{
    uint64_t ram = o->machine.ram_size;
    if (ram < OPTIONS_MIN_RAM || ram > OPTIONS_MAX_RAM || ram % 4096)
        fuzz_fail("accepted RAM size %llu", (unsigned long long)ram);
    if (o->drive_count > OPTIONS_MAX_DRIVES) fuzz_fail("%u drives", o->drive_count);
    for (unsigned i = 0; i < o->drive_count; i++) {
        const struct drive_option *d = &o->drives[i];
        if (!memchr(d->file, 0, sizeof d->file) || !d->file[0])
            fuzz_fail("drive %u has no file name", i);
        if (d->slot < -1 || d->slot >= VIRTIO_MMIO_SLOTS)
            fuzz_fail("drive %u in slot %d", i, d->slot);
    }
    uint32_t w = o->machine.fb_width, h = o->machine.fb_height;
    if ((w || h) && (!w || !h || w > FB_MAX_DIMENSION || h > FB_MAX_DIMENSION))
        fuzz_fail("framebuffer %ux%u", w, h);
    if (o->gdb_port < 0 || o->gdb_port > 65535) fuzz_fail("gdb port %d", o->gdb_port);
    if (o->debug && o->gdb_port) fuzz_fail("--debug with --gdb accepted");
}

/* The option-value parsers on one word: whatever they accept must be in range. */
static void parse_values(const char *word)
{
    uint64_t bytes;
    const char *problem;
    if (options_parse_ram_size(word, &bytes, &problem) &&
        (bytes < OPTIONS_MIN_RAM || bytes > OPTIONS_MAX_RAM || bytes % 4096))
        fuzz_fail("-m %s gave %llu bytes", word, (unsigned long long)bytes);
    uint32_t w, h;
    if (options_parse_fb_size(word, &w, &h, &problem) &&
        (!w || !h || w > FB_MAX_DIMENSION || h > FB_MAX_DIMENSION))
        fuzz_fail("--fb %s gave %ux%u", word, w, h);
    static struct drive_option drive;
    char why[160];
    if (options_parse_drive(word, &drive, why, sizeof why) &&
        (!memchr(drive.file, 0, sizeof drive.file) || !drive.file[0]))
        fuzz_fail("--drive %s accepted without a file name", word);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private, NUL-terminated copy: the parser keeps pointers into argv's strings. */
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAX_ARGS + 2], *again[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "rv39";
    for (char *p = text; p < text + size && argc <= MAX_ARGS; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;
    memcpy(again, argv, sizeof argv);

    for (int i = 1; i < argc; i++)
        parse_values(argv[i]);

    static struct options first, second;
    enum options_outcome r1 = options_parse(argc, argv, &first, sink, sink);
    enum options_outcome r2 = options_parse(argc, again, &second, sink, sink);
    if (r1 != r2) fuzz_fail("the same command line parsed twice: outcomes %d and %d", r1, r2);
    if (r1 == OPTIONS_RUN) {
        check_accepted(&first);
        if (first.machine.ram_size != second.machine.ram_size ||
            first.drive_count != second.drive_count ||
            memcmp(first.drives, second.drives, sizeof first.drives) != 0)
            fuzz_fail("the same command line parsed twice: different options");
        ++*accepted;
    } else {
        ++*(r1 == OPTIONS_DONE ? served : refused);
    }
    free(text);
    return 0;
}
