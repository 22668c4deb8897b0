/* seeds_guest DIR: the seed inputs of fuzz_snapshot and fuzz_record, made by running the small
 * guest (small_guest.h) with this build: a record log of a run that gets UART bytes, keys and
 * pointer moves and powers off, a longer one with register-hash sync entries, and a snapshot
 * file taken in the middle of the run (its drive and RAM pages in it). Each is written as
 * DIR/fuzz_TARGET/NAME, behind the targets' leading flags byte (0: the targets make the
 * header fit this build, see fuzz_snapshot.c and fuzz_record.c).
 *
 * Built and run by tests/fuzz/CMakeLists.txt; run.sh and fuzz-replay/<target> use DIR. */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/record.h"
#include "emu/snapshot_file.h"
#include "fuzz.h"
#include "small_guest.h"

static struct machine m;

/* DIR/TARGET/NAME: a 0 byte, then the file at `from`. */
static void seed(const char *dir, const char *target, const char *name, const char *from)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, target);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) fuzz_fail("cannot make %s", path);
    snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
    FILE *in = fopen(from, "rb"), *out = fopen(path, "wb");
    if (!in || !out) fuzz_fail("cannot copy %s to %s", from, path);
    fputc(0, out);
    char buf[1 << 16];
    for (size_t n; (n = fread(buf, 1, sizeof buf, in)) > 0;)
        if (fwrite(buf, 1, n, out) != n) fuzz_fail("cannot write %s", path);
    if (ferror(in) || fclose(out) != 0) fuzz_fail("cannot write %s", path);
    fclose(in);
    printf("seeds_guest: %s\n", path);
}

/* Between slices, as the console and the window hand input over: recorded at this point. */
static void give_input(unsigned slice, bool quit)
{
    if (slice % 2 == 1) {
        char text[16];
        unsigned n = (unsigned)snprintf(text, sizeof text, "in%u ", slice);
        if (quit && slice > 8) n = (unsigned)snprintf(text, sizeof text, "bye q");
        if (n > uart_rx_space(&m.uart)) n = uart_rx_space(&m.uart);
        for (unsigned i = 0; i < n; i++)
            uart_rx_push(&m.uart, (uint8_t)text[i]);
        rr_record_uart(m.rr, &m, (const uint8_t *)text, n);
    } else if (slice % 4 == 2) {
        struct input_msg key = {.kind = INPUT_MSG_KEY, .a = (uint16_t)(4 + slice), .b = 1};
        machine_input_deliver(&m, &key);
        rr_record_input(m.rr, &m, &key);
    } else {
        struct input_msg move = {.kind = INPUT_MSG_POINTER, .a = (uint16_t)(slice * 100),
                                 .b = (uint16_t)(slice * 50), .buttons = 1};
        machine_input_deliver(&m, &move);
        rr_record_input(m.rr, &m, &move);
    }
}

/* Run `slices` slices, input every slice (with `quit` the guest powers off after 9),
 * recorded into `log` by a board without a drive (fuzz_record's), or with `snapshot` saved
 * there after 6 slices by a board with its drive (fuzz_snapshot's). */
static void run(const char *log, const char *snapshot, unsigned slices, bool quit)
{
    int disk = -1;
    char disk_path[64];
    if (snapshot) {
        disk = memfd_create("seeds_guest-disk", MFD_CLOEXEC);
        if (disk < 0) fuzz_fail("memfd_create failed");
        small_guest_disk_fill(disk);
        snprintf(disk_path, sizeof disk_path, "/proc/self/fd/%d", disk);
    }
    FILE *sink = fopen("/dev/null", "w");
    struct machine_config cfg = small_guest_config(snapshot ? disk_path : NULL, sink);
    small_guest_start(&m, &cfg);
    /* Without a log the record still takes the inputs (rr_record_* need one): not written. */
    m.rr = rr_record_open(&m, log, false);
    if (!m.rr) fuzz_fail("cannot record to %s", log ? log : "memory");
    bool on = true;
    for (unsigned slice = 0; on && slice < slices; slice++) {
        if (!(on = machine_service(&m))) break;
        if (slice >= 1 && (quit || slice % 8 == 1)) give_input(slice, quit);
        if (snapshot && slice == 6) {
            char err[256];
            if (!snapshot_save_file(&m, snapshot, err, sizeof err))
                fuzz_fail("savevm %s: %s", snapshot, err);
        }
        machine_run_slice(&m);
    }
    /* Still running: it ends as C-a x ends a run, in the console's turn of the service. */
    if (on) machine_service(&m);
    if (rr_close(m.rr, &m, m.exit_status) != 0) fuzz_fail("the record %s failed", log);
    m.rr = NULL;
    machine_free(&m);
    fclose(sink);
    if (disk >= 0) close(disk);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) fuzz_fail("cannot make %s", dir);
    char log[4096], snap[4096];
    snprintf(log, sizeof log, "%s/small_guest.log", dir);
    snprintf(snap, sizeof snap, "%s/small_guest.rv39", dir);
    run(log, NULL, 40, true);
    seed(dir, "fuzz_record", "small_guest", log);
    run(NULL, snap, 40, true);
    seed(dir, "fuzz_snapshot", "small_guest", snap);
    run(log, NULL, 60, false); /* past 1M steps: a sync entry */
    seed(dir, "fuzz_record", "small_guest_sync", log);
    unlink(log);
    unlink(snap);
    return 0;
}
