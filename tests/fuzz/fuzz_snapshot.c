/* fuzz_snapshot: snapshot files (`-loadvm FILE`, the monitor's `loadvm FILE`) on fuzzed files:
 * emu/snapshot_file.c (the frame and the records), emu/snapshot.c (RAM pages, disk journals),
 * emu/snapshot_state.c (every register, CSR and device field, checked before the machine
 * takes them).
 *
 * The input: one flags byte, then the file. With bit 0 clear the target first makes the
 * frame fit this build (the build id, the payload length and the trailing checksum: what a
 * file made by this rv39 has right), so mutations reach the records behind them; with it
 * set the file is loaded as it is. The seeds (seeds_guest.c) are real snapshots of the small
 * guest (small_guest.h) taken by this build; the machine is that guest, fresh for each input,
 * run 3 slices first, its drive a memfd filled anew.
 *
 * Oracles, from emu/snapshot_file.h's promises: a refused file gives one message (no
 * newline) and leaves the machine as it was: its state bytes, RAM and drive. A loaded one put
 * exactly the file's RAM pages in RAM (zeros elsewhere) and its blocks on the drive, and the
 * machine's state saved again is the file's STAT record byte for byte (but for mtime, which
 * -icount derives: check_state); then the guest runs
 * RUN_SLICES slices from there (a state that passed the checks must not crash rv39 later).
 * A frame the target made right is never refused for its checksum (the target and
 * snapshot_file.c agree on the format). */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emu/snapshot_file.h"
#include "emu/snapshot_state.h"
#include "fuzz.h"
#include "small_guest.h"

#define FLAG_AS_IS 1u
#define HEADER 32u  /* "RV39SNAP", version, 0, build id, payload bytes */
#define TRAILER 8u  /* the checksum */
#define RUN_SLICES 4

static struct machine m;
static FILE *sink;
static int file_fd = -1, disk_fd = -1;
static char file_path[64], disk_path[64];
static uint8_t *ram_before, *ram_want, *disk_before, *disk_want, *disk_now;
static uint64_t *loaded, *refused, *ran;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    file_fd = memfd_create("fuzz_snapshot-file", MFD_CLOEXEC);
    disk_fd = memfd_create("fuzz_snapshot-disk", MFD_CLOEXEC);
    ram_before = malloc(SMALL_GUEST_RAM);
    ram_want = malloc(SMALL_GUEST_RAM);
    disk_before = malloc(SMALL_GUEST_DISK);
    disk_want = malloc(SMALL_GUEST_DISK);
    disk_now = malloc(SMALL_GUEST_DISK);
    if (!sink || file_fd < 0 || disk_fd < 0 || !ram_before || !ram_want || !disk_before ||
        !disk_want || !disk_now)
        fuzz_fail("cannot set up");
    snprintf(file_path, sizeof file_path, "/proc/self/fd/%d", file_fd);
    snprintf(disk_path, sizeof disk_path, "/proc/self/fd/%d", disk_fd);
    loaded = fuzz_counter("loaded");
    refused = fuzz_counter("refused");
    ran = fuzz_counter("slices run after a load");
    return 0;
}

static void read_disk(uint8_t *out)
{
    if (pread(disk_fd, out, SMALL_GUEST_DISK, 0) != (ssize_t)SMALL_GUEST_DISK)
        fuzz_fail("cannot read the drive");
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* The file's records, as a loaded (so well-formed) file has them: what RAM and the drive
 * must now hold, and where the STAT record is. */
static void expected(const uint8_t *f, size_t len, const uint8_t **stat, uint64_t *stat_len)
{
    memset(ram_want, 0, SMALL_GUEST_RAM);
    memset(disk_want, 0, SMALL_GUEST_DISK);
    *stat = NULL;
    for (size_t at = HEADER; at + 16 <= len - TRAILER;) {
        const uint8_t *r = f + at + 16;
        uint64_t n = le64(f + at + 8);
        if (!memcmp(f + at, "STAT", 4)) {
            *stat = r;
            *stat_len = n;
        } else if (!memcmp(f + at, "RAM ", 4)) {
            for (uint64_t i = 0; i < le64(r); i++) /* a later copy of a page wins */
                memcpy(ram_want + le64(r + 8 + i * 4104) * 4096, r + 16 + i * 4104, 4096);
        } else if (!memcmp(f + at, "DISK", 4)) {
            for (uint64_t i = 0; i < le64(r + 16); i++) {
                uint64_t at_disk = le64(r + 24 + i * 4104) * 4096;
                uint64_t k = SMALL_GUEST_DISK - at_disk < 4096 ? SMALL_GUEST_DISK - at_disk : 4096;
                memcpy(disk_want + at_disk, r + 32 + i * 4104, k);
            }
        }
        at += 16 + n;
    }
}

static const uint8_t *find(const uint8_t *p, size_t len, const char *mark)
{
    return memmem(p, len, mark, strlen(mark));
}

/* The state saved right after the load is the file's, byte for byte, but for the guest time
 * in the board's section: under -icount mtime is derived from the instruction count, so the
 * restore does not take the file's (at most 8 bytes between "BORD" and "CLNT" differ). */
static void check_state(const uint8_t *file, size_t file_len, const uint8_t *now, size_t len)
{
    if (len != file_len)
        fuzz_fail("loaded, but the state saved again has %zu bytes, the file's %zu", len,
                  file_len);
    size_t at = 0;
    while (at < len && file[at] == now[at])
        at++;
    if (at == len) return;
    const uint8_t *board = find(file, len, "BORD"), *clint = find(file, len, "CLNT");
    size_t end = at + 8 < len ? at + 8 : len;
    if (!board || !clint || file + at < board || file + end > clint ||
        memcmp(file + end, now + end, len - end) != 0)
        fuzz_fail("loaded, but the state saved again differs from the file's at byte %zu", at);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    uint8_t flags = data[0];
    size_t len = size - 1;
    uint8_t *file = malloc(len ? len : 1);
    if (!file) fuzz_fail("out of memory");
    memcpy(file, data + 1, len);
    bool made_right = !(flags & FLAG_AS_IS) && len >= HEADER + TRAILER;
    if (made_right) {
        uint64_t id = snapshot_build_id(), payload = len - HEADER - TRAILER;
        memcpy(file + 16, &id, 8);
        memcpy(file + 24, &payload, 8);
        uint64_t sum = snapshot_file_checksum(file, len - TRAILER);
        memcpy(file + len - TRAILER, &sum, 8);
    }
    if (ftruncate(file_fd, 0) != 0 || pwrite(file_fd, file, len, 0) != (ssize_t)len)
        fuzz_fail("cannot write the file");

    small_guest_disk_fill(disk_fd);
    struct machine_config cfg = small_guest_config(disk_path, sink);
    small_guest_start(&m, &cfg);
    small_guest_run(&m, 3);
    uint8_t *state_before;
    size_t state_before_len;
    if (!snapshot_state_save(&m, &state_before, &state_before_len)) fuzz_fail("out of memory");
    memcpy(ram_before, m.ram.host, SMALL_GUEST_RAM);
    read_disk(disk_before);

    char err[256] = "";
    fuzz_stderr_off(); /* out of memory lines only */
    bool ok = snapshot_load_file(&m, file_path, err, sizeof err);
    fuzz_stderr_on();

    uint8_t *state_after;
    size_t state_after_len;
    if (!snapshot_state_save(&m, &state_after, &state_after_len)) fuzz_fail("out of memory");
    read_disk(disk_now);
    if (!ok) {
        ++*refused;
        if (!err[0] || strchr(err, '\n')) fuzz_fail("refused with the message '%s'", err);
        if (made_right && strstr(err, "checksum"))
            fuzz_fail("a frame made right was refused: %s", err);
        if (state_after_len != state_before_len ||
            memcmp(state_after, state_before, state_before_len) != 0)
            fuzz_fail("refused (%s), yet the machine's state changed", err);
        if (memcmp(m.ram.host, ram_before, SMALL_GUEST_RAM) != 0)
            fuzz_fail("refused (%s), yet RAM changed", err);
        if (memcmp(disk_now, disk_before, SMALL_GUEST_DISK) != 0)
            fuzz_fail("refused (%s), yet the drive changed", err);
    } else {
        ++*loaded;
        const uint8_t *stat;
        uint64_t stat_len = 0;
        expected(file, len, &stat, &stat_len);
        if (!stat) fuzz_fail("loaded without a STAT record");
        check_state(stat, stat_len, state_after, state_after_len);
        if (memcmp(m.ram.host, ram_want, SMALL_GUEST_RAM) != 0)
            fuzz_fail("loaded, but RAM is not the file's");
        if (memcmp(disk_now, disk_want, SMALL_GUEST_DISK) != 0)
            fuzz_fail("loaded, but the drive is not the file's");
        for (unsigned i = 0; i < RUN_SLICES && small_guest_run(&m, 1); i++)
            ++*ran;
    }
    free(state_before);
    free(state_after);
    machine_free(&m);
    free(file);
    return 0;
}
