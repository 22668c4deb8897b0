/* In-memory snapshots (emu/snapshot.c) on our kernel running the swap demo under -icount:
 * capture mid-swap, run on, restore, run the same stretch again: the state hash
 * (registers, CSRs, mtime, all of RAM, the devices: emu/state_hash.c) must come out the same
 * at the same instret, the restore itself must give back the hash and the disk image of the
 * capture (the swap partition and the file system the demo writes), and the stretch must end
 * with the same disk image. With the interpreter and with the JIT. The kernel, firmware and disk come from the build
 * (RV39_TEST_KERNEL, RV39_TEST_SBI, RV39_TEST_DISK, set by tests/kernel/CMakeLists.txt). */
#define _GNU_SOURCE /* SEEK_DATA, SEEK_HOLE */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/jit.h"
#include "emu/boot.h"
#include "emu/machine.h"
#include "emu/snapshot.h"
#include "emu/snapshot_state.h"

#define SLICE 20000

/* emu/boot.c's built-in firmware lives in the rv39 executable (emu/default_bios.S); this test
 * always names its firmware, so an empty one stands in. */
const uint8_t rv39_default_bios[1], rv39_default_bios_end[1];

static struct machine m;

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static char disk[64];

static const char *need(const char *var)
{
    const char *v = getenv(var);
    cr_assert(v && *v, "%s is not set (run this test through ctest)", var);
    return v;
}

static void boot(bool jit)
{
    snprintf(disk, sizeof disk, "/tmp/rv39-snapshot-XXXXXX");
    int fd = mkstemp(disk);
    cr_assert(fd >= 0);
    close(fd);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp --sparse=always '%s' '%s'", need("RV39_TEST_DISK"), disk);
    cr_assert_eq(system(cmd), 0, "cannot copy the disk image");
    struct machine_config cfg = {
        .ram_size = 16ull << 20,
        .bios = need("RV39_TEST_SBI"),
        .kernel = need("RV39_TEST_KERNEL"),
        .append = "init=/bin/swapdemo",
        .nographic = true,
        .drive_count = 1,
        .rng_slot = -1,
        .keyboard_slot = -1,
        .tablet_slot = -1,
        .gpu_slot = -1,
        .console = fopen("/dev/null", "w"),
        .icount = true,
        .icount_shift = 3,
    };
    cfg.drives[0] = (struct drive_config){disk, false, -1};
    cr_assert(machine_init(&m, &cfg));
    if (jit) {
        cr_assert(jit_attach(m.hart[0]));
    }
    cr_assert(boot_load(&m));
    machine_boot(&m);
}

static void power_down(void)
{
    machine_free(&m);
    boot_free();
    unlink(disk);
}

/* Run until at least `instret` instructions have retired (whole slices, as machine_run). */
static void run_to(uint64_t instret)
{
    while (m.instret < instret) {
        cr_assert(machine_service(&m), "the guest stopped at instret %llu",
                  (unsigned long long)m.instret);
        machine_advance(&m, SLICE, false);
    }
    cr_assert(machine_service(&m));
}

/* Where the runs below stop comparing: 60M instructions past the last snapshot, with swap
 * traffic in between (the whole demo is ~500M; check_snapshot.sh runs it to the end). Short
 * enough for the sanitizer build. */
#define STRETCH 60000000ull

/* A hash of the disk image's bytes (its data extents: the rest reads as zeros). */
static uint64_t disk_hash(void)
{
    int fd = open(disk, O_RDONLY);
    cr_assert(fd >= 0);
    static uint8_t buf[1 << 20];
    uint64_t h = 0xcbf29ce484222325ull;
    off_t at = 0;
    while ((at = lseek(fd, at, SEEK_DATA)) >= 0) {
        off_t end = lseek(fd, at, SEEK_HOLE);
        while (at < end) {
            size_t n = end - at < (off_t)sizeof buf ? (size_t)(end - at) : sizeof buf;
            cr_assert_eq(pread(fd, buf, n, at), (ssize_t)n);
            for (size_t i = 0; i < n; i++)
                if (buf[i]) h = (h ^ buf[i] ^ ((uint64_t)(at + (off_t)i) << 8)) * 0x100000001b3ull;
            at += (off_t)n;
        }
    }
    close(fd);
    return h;
}

static void round_trip(bool jit)
{
    boot(jit);
    run_to(40000000); /* the demo is swapping by now */
    uint64_t at = m.instret, hash_at = machine_state_hash(&m), disk_at = disk_hash();
    double t0 = seconds();
    struct snapshot *s = snapshot_capture(&m);
    double t1 = seconds();
    cr_assert(s);
    cr_assert_eq(snapshot_instret(s), at);
    cr_assert_eq(machine_state_hash(&m), hash_at, "capturing changed the state");
    /* What replay pays per snapshot: one more capture a little later shares most pages. */
    run_to(at + 3000000);
    double t2 = seconds();
    struct snapshot *later = snapshot_capture(&m);
    double t3 = seconds();
    cr_assert(later);
    cr_log_info("%s: first capture %.2f ms, one 3M instructions later %.2f ms",
                jit ? "jit" : "interpreter", (t1 - t0) * 1e3, (t3 - t2) * 1e3);
    uint64_t checkpoints[4], hashes[4];
    for (unsigned i = 0; i < 4; i++) {
        run_to(at + (i + 1) * 5000000);
        checkpoints[i] = m.instret;
        hashes[i] = machine_state_hash(&m);
    }
    cr_assert_neq(hashes[3], hash_at, "the guest did nothing");
    run_to(at + STRETCH);
    uint64_t end = m.instret, hash_end = machine_state_hash(&m), disk_end = disk_hash();
    cr_assert_neq(disk_end, disk_at, "the guest wrote nothing to its disk");
    for (unsigned round = 0; round < 2; round++) { /* twice: the second from a restored run */
        char err[200];
        double r0 = seconds();
        cr_assert(snapshot_restore(&m, s, err, sizeof err), "%s", err);
        cr_log_info("restore %u: %.2f ms", round, (seconds() - r0) * 1e3);
        cr_assert_eq(m.instret, at);
        cr_assert_eq(machine_state_hash(&m), hash_at, "restore %u: not the captured state",
                     round);
        cr_assert_eq(disk_hash(), disk_at, "restore %u: not the captured disk", round);
        for (unsigned i = 0; i < 4; i++) {
            run_to(at + (i + 1) * 5000000);
            cr_assert_eq(m.instret, checkpoints[i], "restore %u, checkpoint %u: instret", round,
                         i);
            cr_assert_eq(machine_state_hash(&m), hashes[i],
                         "restore %u: the state differs at instret %llu", round,
                         (unsigned long long)m.instret);
        }
        if (round == 0) { /* on to the same state and disk */
            run_to(at + STRETCH);
            cr_assert_eq(m.instret, end);
            cr_assert_eq(machine_state_hash(&m), hash_end, "the final state differs");
            cr_assert_eq(disk_hash(), disk_end, "the final disk differs");
        }
    }
    snapshot_free(later);
    snapshot_free(s);
    power_down();
}

Test(snapshot, interpreter_round_trip_repeats_the_run)
{
    round_trip(false);
}

Test(snapshot, jit_round_trip_repeats_the_run)
{
    if (!RV39_HAS_JIT) cr_skip_test("no JIT on this host");
    round_trip(true);
}

/* Several snapshots at once (as replay keeps them): going back to an older one must leave a
 * newer one able to put its own disk and state back, and the run from there must end the
 * same. */
Test(snapshot, several_snapshots_keep_their_disks)
{
    boot(true);
    struct snapshot *s[3];
    uint64_t at[3], hash[3], disk_at[3];
    for (unsigned i = 0; i < 3; i++) {
        run_to(40000000 + i * 30000000ull);
        at[i] = m.instret, hash[i] = machine_state_hash(&m), disk_at[i] = disk_hash();
        s[i] = snapshot_capture(&m);
        cr_assert(s[i]);
    }
    run_to(at[2] + STRETCH);
    uint64_t hash_end = machine_state_hash(&m), disk_end = disk_hash();
    cr_assert_neq(disk_at[0], disk_at[2], "no disk writes between the snapshots");
    static const unsigned order[] = {0, 2, 1, 0, 2};
    for (unsigned k = 0; k < sizeof order / sizeof order[0]; k++) {
        unsigned i = order[k];
        char err[200];
        cr_assert(snapshot_restore(&m, s[i], err, sizeof err), "%s", err);
        cr_assert_eq(m.instret, at[i]);
        cr_assert_eq(machine_state_hash(&m), hash[i], "step %u: snapshot %u's state", k, i);
        cr_assert_eq(disk_hash(), disk_at[i], "step %u: snapshot %u's disk", k, i);
        if (k == 1) { /* a stretch of run in between, writing the disk */
            run_to(at[2] + 20000000);
        }
    }
    run_to(at[2] + STRETCH);
    cr_assert_eq(machine_state_hash(&m), hash_end, "the final state differs");
    cr_assert_eq(disk_hash(), disk_end, "the final disk differs");
    for (unsigned i = 0; i < 3; i++)
        snapshot_free(s[i]);
    power_down();
}

/* The state in a snapshot file is untrusted input: every truncation of it is refused, and
 * random byte changes either load (a different but possible machine) or are refused with a
 * reason; never a crash, never a half-loaded machine (the sanitizer build runs this too). */
Test(snapshot, damaged_states_are_refused_or_harmless)
{
    boot(false);
    run_to(30000000);
    uint64_t hash = machine_state_hash(&m);
    struct snapshot *s = snapshot_capture(&m);
    cr_assert(s);
    size_t len;
    const uint8_t *state = snapshot_state_bytes(s, &len);
    uint8_t *copy = malloc(len);
    cr_assert(copy);
    char err[200];
    unsigned refused = 0, loaded = 0;
    for (size_t cut = 0; cut < len; cut += 1 + cut / 8) {
        memcpy(copy, state, len);
        cr_assert_not(snapshot_state_load(&m, copy, cut, err, sizeof err), "cut at %zu loaded", cut);
        cr_assert_eq(machine_state_hash(&m), hash, "a refused state at %zu changed the machine",
                     cut);
    }
    srand(17);
    for (unsigned round = 0; round < 400; round++) {
        memcpy(copy, state, len);
        /* Most of the state is RAM-sized framebuffer pixels: aim at the first 64 KiB too. */
        size_t span = round % 2 ? len : (len < 65536 ? len : 65536);
        for (unsigned k = 0; k < 1 + round % 4; k++)
            copy[(size_t)rand() % span] ^= (uint8_t)(1 + rand() % 255);
        if (snapshot_state_load(&m, copy, len, err, sizeof err)) {
            loaded++;
        } else {
            refused++;
            cr_assert(err[0], "refused without a reason");
        }
        cr_assert(snapshot_restore(&m, s, err, sizeof err), "%s", err);
        cr_assert_eq(machine_state_hash(&m), hash);
    }
    cr_assert_gt(refused, 0, "no damage was noticed: the checks check nothing");
    cr_log_info("damaged states: %u refused, %u loaded", refused, loaded);
    free(copy);
    snapshot_free(s);
    power_down();
}
