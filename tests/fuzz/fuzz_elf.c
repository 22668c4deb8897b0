/* fuzz_elf: the ELF loader (emu/loader.c) on fuzzed files.
 *
 * The input is the file: it goes into a memfd (a regular file to fstat) that the loader opens
 * by its /proc/self/fd path, into 256 KiB of guest RAM at 0x80000000 between guard pages.
 *
 * Oracles, from emu/loader.h's promises: a refused file leaves RAM untouched and prints exactly
 * one line "rv39: FILE: problem" (after any "rv39: FILE: warning: ..." lines); a loaded one
 * prints only warnings, and has its entry point and every byte it wrote inside [low, high),
 * which lies in RAM. */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emu/loader.h"
#include "fuzz.h"

#define FUZZ_RAM_SIZE (256u << 10) /* room for the guest tests' ELFs, small to refill */
#define CANARY 0xa5

static struct machine m; /* the loader needs only RAM: no devices, no hart */
static int fd = -1;
static uint8_t canary[FUZZ_RAM_SIZE]; /* what untouched RAM holds */
static char path[64];
static uint64_t *loaded, *refused, *symbols;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    m.ram.host = fuzz_guarded_alloc(FUZZ_RAM_SIZE);
    m.ram.size = FUZZ_RAM_SIZE;
    m.ram.base = RAM_BASE;
    memset(canary, CANARY, sizeof canary);
    fd = memfd_create("fuzz_elf", MFD_CLOEXEC);
    if (fd < 0) fuzz_fail("memfd_create failed");
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    loaded = fuzz_counter("loaded");
    refused = fuzz_counter("refused");
    symbols = fuzz_counter("symbols");
    return 0;
}

static void check_ram_untouched(uint64_t from, uint64_t to, const char *why)
{
    if (memcmp(m.ram.host + from, canary, to - from) == 0) return;
    for (uint64_t i = from; i < to; i++)
        if (m.ram.host[i] != CANARY)
            fuzz_fail("%s, yet RAM at 0x%llx changed", why, (unsigned long long)(RAM_BASE + i));
}

/* emu/loader.h: a refusal is one line "rv39: FILE: problem"; a skipped symbol table adds one
 * "rv39: FILE: warning: ..." line per table, whether the load then succeeds or not. */
static void check_message(const char *message, bool ok)
{
    unsigned problems = 0;
    for (const char *line = message; *line;) {
        const char *end = strchr(line, '\n');
        if (!end) fuzz_fail("message does not end its line: '%s'", line);
        if (strncmp(line, "rv39: ", 6) != 0)
            fuzz_fail("message line without \"rv39: \": '%s'", line);
        const char *warning = strstr(line, ": warning: ");
        if (!warning || warning > end) problems++;
        line = end + 1;
    }
    if (problems != (ok ? 0u : 1u))
        fuzz_fail("%s with %u problem lines: '%s'", ok ? "loaded" : "refused", problems, message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        fuzz_fail("cannot write the memfd");
    memset(m.ram.host, CANARY, FUZZ_RAM_SIZE);

    char *message = NULL;
    size_t message_len;
    FILE *err = open_memstream(&message, &message_len);
    if (!err) fuzz_fail("open_memstream failed");
    struct elf_image img;
    struct symtab syms;
    symtab_init(&syms);
    bool ok = loader_load_elf(&m, path, &img, &syms, err);
    fclose(err);
    loader_file_is_elf(path); /* the sniffing main does first: must not trip on anything */

    check_message(message, ok);
    if (!ok) {
        ++*refused;
        check_ram_untouched(0, FUZZ_RAM_SIZE, "the file was refused");
    } else {
        ++*loaded;
        *symbols += syms.count;
        uint64_t end = RAM_BASE + FUZZ_RAM_SIZE;
        if (img.low < RAM_BASE || img.low >= img.high || img.high > end)
            fuzz_fail("loaded extent [0x%llx, 0x%llx) is not inside RAM",
                      (unsigned long long)img.low, (unsigned long long)img.high);
        if (img.entry < RAM_BASE || img.entry + 2 > end)
            fuzz_fail("entry 0x%llx outside RAM", (unsigned long long)img.entry);
        check_ram_untouched(0, img.low - RAM_BASE, "below the loaded extent");
        check_ram_untouched(img.high - RAM_BASE, FUZZ_RAM_SIZE, "above the loaded extent");
    }
    symtab_free(&syms);
    free(message);
    return 0;
}
