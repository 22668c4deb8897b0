/* In-memory snapshots (emu/snapshot.c) on our kernel running the swap demo under -icount:
 * capture, run on, restore, run the same stretch again: the state hash (registers, CSRs,
 * mtime, all of RAM, the devices: emu/state_hash.c) must come out the same at the same
 * instret, and the restore itself must give back the hash of the capture. With the
 * interpreter and with the JIT. The kernel, firmware and disk come from the build
 * (RV39_TEST_KERNEL, RV39_TEST_SBI, RV39_TEST_DISK, set by tests/kernel/CMakeLists.txt). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/jit.h"
#include "emu/boot.h"
#include "emu/machine.h"
#include "emu/snapshot.h"

#define SLICE 20000

/* emu/boot.c's built-in firmware lives in the rv39 executable (emu/default_bios.S); this test
 * always names its firmware, so an empty one stands in. */
const uint8_t rv39_default_bios[1], rv39_default_bios_end[1];

static struct machine m;
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
        cr_assert(jit_attach(&m.cpu));
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

static void round_trip(bool jit)
{
    boot(jit);
    run_to(40000000); /* the demo is swapping by now */
    uint64_t at = m.instret, hash_at = machine_state_hash(&m);
    struct snapshot *s = snapshot_capture(&m);
    cr_assert(s);
    cr_assert_eq(snapshot_instret(s), at);
    cr_assert_eq(machine_state_hash(&m), hash_at, "capturing changed the state");
    uint64_t checkpoints[4], hashes[4];
    for (unsigned i = 0; i < 4; i++) {
        run_to(at + (i + 1) * 5000000);
        checkpoints[i] = m.instret;
        hashes[i] = machine_state_hash(&m);
    }
    cr_assert_neq(hashes[3], hash_at, "the guest did nothing");
    for (unsigned round = 0; round < 2; round++) { /* twice: the second from a restored run */
        char err[200];
        cr_assert(snapshot_restore(&m, s, err, sizeof err), "%s", err);
        cr_assert_eq(m.instret, at);
        cr_assert_eq(machine_state_hash(&m), hash_at, "restore %u: not the captured state",
                     round);
        for (unsigned i = 0; i < 4; i++) {
            run_to(at + (i + 1) * 5000000);
            cr_assert_eq(m.instret, checkpoints[i], "restore %u, checkpoint %u: instret", round,
                         i);
            cr_assert_eq(machine_state_hash(&m), hashes[i],
                         "restore %u: the state differs at instret %llu", round,
                         (unsigned long long)m.instret);
        }
    }
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
