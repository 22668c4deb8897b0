/* The small guest of fuzz_snapshot, fuzz_record and seeds_guest (small_guest.h). */
#include "small_guest.h"

#include <string.h>
#include <unistd.h>

#include "fuzz.h"

/* Its code at RAM_BASE (assembled from this listing with
 * `clang --target=riscv64 -march=rv64i -mno-relax`; the mnemonics are the source):
 *
 *   _start: la t0, handler; csrw mtvec, t0
 *           li t0, 0x2004000; li t1, 500; sd t1, 0(t0)   # CLINT mtimecmp[0]
 *           li t1, 0x80; csrw mie, t1; csrsi mstatus, 8  # MTIE, MIE
 *           li s0, 0x10000000; li t1, 1; sb t1, 1(s0)    # UART, IER: receive interrupt
 *           auipc s1, 0x10; auipc s2, 0x20               # input buffer, 16 counter pages
 *   loop:   lbu t2, 5(s0); andi t2, t2, 1; beqz t2, skip # LSR.DR
 *           lbu t3, 0(s0); sb t3, 0(s0); sb t3, 0(s1); addi s1, s1, 1
 *           li t4, 'q'; beq t3, t4, quit
 *   skip:   addi a0, a0, 1; andi t4, a0, 15; slli t4, t4, 12; add t4, t4, s2; sd a0, 0(t4)
 *           j loop
 *   quit:   li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0); j quit  # the finisher: pass
 *   handler: csrr t5, mcause; bltz t5, timer
 *           csrr t5, mepc; addi t5, t5, 4; csrw mepc, t5; mret   # an exception: skip it
 *   timer:  li t5, 0x2004000; ld t6, 0(t5); addi t6, t6, 500; sd t6, 0(t5)
 *           lbu t6, 2(s0)                                        # IIR read
 *           li t5, 0x10001000; li t0, 0x10009000                 # every virtio slot:
 *   probe:  lw t6, 0x10(t5); lw t6, 0x34(t5); lw t6, 0x40(t5)    # DeviceFeatures, QueueNumMax,
 *           lw t6, 0x44(t5); lw t6, 0x60(t5); lw t6, 0x70(t5)    # QueuePFN, QueueReady,
 *           lw t6, 0x100(t5); li t1, 0x1000; add t5, t5, t1      # InterruptStatus, Status,
 *           bne t5, t0, probe                                    # config
 *           li t5, 0x0c200004; lw t6, 0(t5); sw t6, 0(t5)        # PLIC claim, complete (M)
 *           li t5, 0x101000; lw t6, 0(t5); mret                  # the RTC's time */
static const uint32_t program[] = {
    0x00000297, 0x08828293, 0x30529073, 0x020042b7, 0x1f400313, 0x0062b023, 0x08000313,
    0x30431073, 0x30046073, 0x10000437, 0x00100313, 0x006400a3, 0x00010497, 0x00020917,
    0x00544383, 0x0013f393, 0x00038e63, 0x00044e03, 0x01c40023, 0x01c48023, 0x00148493,
    0x07100e93, 0x01de0e63, 0x00150513, 0x00f57e93, 0x00ce9e93, 0x012e8eb3, 0x00aeb023,
    0xfc9ff06f, 0x001002b7, 0x00005337, 0x5553031b, 0x0062a023, 0xff1ff06f, 0x34202f73,
    0x000f4a63, 0x34102f73, 0x004f0f13, 0x341f1073, 0x30200073, 0x02004f37, 0x000f3f83,
    0x1f4f8f93, 0x01ff3023, 0x00244f83, 0x10001f37, 0x100092b7, 0x010f2f83, 0x034f2f83,
    0x040f2f83, 0x044f2f83, 0x060f2f83, 0x070f2f83, 0x100f2f83, 0x00001337, 0x006f0f33,
    0xfc5f1ee3, 0x0c200f37, 0x004f0f1b, 0x000f2f83, 0x01ff2023, 0x00101f37, 0x000f2f83,
    0x30200073,
};

struct machine_config small_guest_config(const char *disk_path, FILE *console)
{
    struct machine_config cfg = {
        .ram_size = SMALL_GUEST_RAM,
        .nographic = true,
        .fb_width = 16,
        .fb_height = 16,
        .keyboard = true,
        .keyboard_slot = -1,
        .tablet = true,
        .tablet_slot = -1,
        .rng_slot = -1,
        .gpu_slot = -1,
        .console = console,
        .icount = true,
        .icount_shift = SMALL_GUEST_SHIFT,
        .rtc_base_ns = 1700000000ull * 1000000000ull,
    };
    if (disk_path) {
        cfg.drives[0] = (struct drive_config){.file = disk_path, .slot = SMALL_GUEST_DISK_SLOT};
        cfg.drive_count = 1;
    }
    return cfg;
}

void small_guest_start(struct machine *m, const struct machine_config *cfg)
{
    if (!machine_init(m, cfg)) fuzz_fail("machine_init failed");
    memcpy(m->ram.host, program, sizeof program);
    m->stdin_open = false; /* the fuzzer's own stdin is not the UART's */
    m->entry = RAM_BASE;
    machine_boot(m);
}

void small_guest_disk_fill(int fd)
{
    static uint8_t block[4096];
    if (ftruncate(fd, 0) != 0 || ftruncate(fd, SMALL_GUEST_DISK) != 0)
        fuzz_fail("cannot size the disk");
    for (unsigned k = 0; k < 3; k++) { /* blocks 0, 5 and 10; the last one half full */
        for (unsigned i = 0; i < sizeof block; i++)
            block[i] = (uint8_t)(i * 7 + k + 1);
        size_t len = k == 2 ? sizeof block / 2 : sizeof block;
        if (pwrite(fd, block, len, (off_t)(k * 5 * sizeof block)) != (ssize_t)len)
            fuzz_fail("cannot write the disk");
    }
}

bool small_guest_run(struct machine *m, unsigned slices)
{
    for (unsigned i = 0; i < slices; i++) {
        if (!machine_service(m)) return false;
        machine_run_slice(m);
    }
    return true;
}
