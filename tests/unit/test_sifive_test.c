/* The "sifive,test0" finisher (devices/sifive_test.c): a 32-bit write at offset 0 whose low
 * 16 bits are 0x5555 (pass), 0x3333 (fail, code in bits 31:16) or 0x7777 (reset). */
#include <criterion/criterion.h>

#include "devices/bus.h"
#include "devices/sifive_test.h"
#include "support/harness.h"

struct power_log {
    unsigned calls;
    enum power_action action;
    int status;
};

static void record_power(void *opaque, enum power_action action, int status)
{
    struct power_log *log = opaque;
    log->calls++;
    log->action = action;
    log->status = status;
}

static struct sifive_test finisher;
static struct power_log log_;

static void setup(void)
{
    log_ = (struct power_log){0};
    sifive_test_init(&finisher, record_power, &log_);
}

TestSuite(sifive_test, .init = setup);

Test(sifive_test, pass_powers_off_with_status_0)
{
    cr_assert(sifive_test_write(&finisher, 0, 4, 0x5555));
    cr_assert_eq(log_.calls, 1, "0x5555 must request a power action");
    cr_assert_eq(log_.action, POWER_OFF, "0x5555 powers off");
    cr_assert_eq(log_.status, 0, "0x5555 exits with status 0");
}

Test(sifive_test, pass_ignores_upper_bits)
{
    sifive_test_write(&finisher, 0, 4, 0x00075555);
    cr_assert_eq(log_.action, POWER_OFF);
    cr_assert_eq(log_.status, 0, "0x5555 passes whatever bits 31:16 hold");
}

Test(sifive_test, fail_powers_off_with_code_from_upper_half)
{
    sifive_test_write(&finisher, 0, 4, (42u << 16) | 0x3333);
    cr_assert_eq(log_.calls, 1, "0x3333 must request a power action");
    cr_assert_eq(log_.action, POWER_OFF, "0x3333 powers off");
    cr_assert_eq(log_.status, 42, "0x3333 exits with the code in bits 31:16");
}

Test(sifive_test, fail_code_uses_all_16_bits)
{
    sifive_test_write(&finisher, 0, 4, 0xffff3333u);
    cr_assert_eq(log_.status, 0xffff, "the fail code is an unsigned 16-bit field");
}

Test(sifive_test, halfword_store_is_a_command)
{
    /* QEMU's finisher accepts 2-byte accesses: 0x5555 fits in one. */
    cr_assert(sifive_test_write(&finisher, 0, 2, 0x5555), "a halfword store is accepted");
    cr_assert_eq(log_.calls, 1, "a halfword 0x5555 powers off");
    cr_assert_eq(log_.status, 0);
}

/* QEMU, hw/misc/sifive_test.c: MemoryRegionOps .valid = {min 2, max 4}, so a doubleword or
 * byte access is an invalid transaction, which a RISC-V hart takes as an access fault. The
 * callback refusing it is how our bus says "access fault" (devices/bus.h). */
Test(sifive_test, doubleword_store_is_refused)
{
    cr_assert_not(sifive_test_write(&finisher, 0, 8, 0x0000000100033333ull),
                  "an 8-byte store must be refused (store access fault), as in QEMU");
    cr_assert_eq(log_.calls, 0, "a refused store must not power off");
}

Test(sifive_test, doubleword_load_is_refused)
{
    uint64_t v = 7;
    cr_assert_not(sifive_test_read(&finisher, 0, 8, &v),
                  "an 8-byte load must be refused (load access fault), as in QEMU");
}

Test(sifive_test, byte_accesses_are_refused)
{
    uint64_t v;
    cr_assert_not(sifive_test_write(&finisher, 0, 1, 0x55), "byte store: access fault");
    cr_assert_not(sifive_test_read(&finisher, 0, 1, &v), "byte load: access fault");
    cr_assert_eq(log_.calls, 0);
}

Test(sifive_test, misaligned_accesses_are_refused)
{
    uint64_t v;
    cr_assert_not(sifive_test_write(&finisher, 2, 4, 0x5555), "misaligned word store");
    cr_assert_not(sifive_test_read(&finisher, 1, 2, &v), "misaligned halfword load");
    cr_assert_eq(log_.calls, 0);
}

Test(sifive_test, wrong_size_faults_through_the_bus)
{
    struct bus bus;
    bus_init(&bus);
    cr_assert(
        bus_register(&bus, &(struct bus_device){"sifive_test", SIFIVE_TEST_BASE, SIFIVE_TEST_SIZE,
                                                &finisher, sifive_test_read, sifive_test_write}));
    uint64_t v = 9;
    cr_assert_not(bus_read(&bus, SIFIVE_TEST_BASE, 8, &v), "ld from the finisher faults");
    cr_assert_not(bus_write(&bus, SIFIVE_TEST_BASE, 8, 0x5555), "sd to the finisher faults");
    cr_assert(bus_read(&bus, SIFIVE_TEST_BASE, 4, &v), "lw from the finisher is fine");
    cr_assert_eq(v, 0);
    cr_assert_eq(log_.calls, 0);
}

Test(sifive_test, reset_requests_reset)
{
    sifive_test_write(&finisher, 0, 4, 0x7777);
    cr_assert_eq(log_.calls, 1, "0x7777 must request a power action");
    cr_assert_eq(log_.action, POWER_RESET, "0x7777 resets the board");
}

Test(sifive_test, unknown_values_are_ignored)
{
    cr_assert(sifive_test_write(&finisher, 0, 4, 0x1234), "an unknown value is accepted");
    cr_assert(sifive_test_write(&finisher, 0, 4, 0x55550000),
              "0x5555 in the high half is not pass");
    cr_assert_eq(log_.calls, 0, "unknown values must not power off or reset");
}

Test(sifive_test, other_offsets_are_ignored)
{
    cr_assert(sifive_test_write(&finisher, 4, 4, 0x5555));
    cr_assert_eq(log_.calls, 0, "only offset 0 is the finisher register");
}

Test(sifive_test, reads_return_zero)
{
    uint64_t v = 1;
    cr_assert(sifive_test_read(&finisher, 0, 4, &v), "reads are accepted");
    cr_assert_eq(v, 0, "the finisher reads as 0");
}

/* End to end on a hart (tests/unit/support/harness.h): the finisher on the bus, a `sd` and a
 * `ld` at its address trap as QEMU's invalid transactions do (priv spec 3.1.15: cause 7
 * store/AMO access fault, cause 5 load access fault, mtval = the address), and a `sw`
 * still powers off. */
static void hart_with_finisher(void)
{
    harness_init();
    log_ = (struct power_log){0};
    sifive_test_init(&finisher, record_power, &log_);
    cr_assert(
        bus_register(&hbus, &(struct bus_device){"sifive_test", SIFIVE_TEST_BASE, SIFIVE_TEST_SIZE,
                                                 &finisher, sifive_test_read, sifive_test_write}));
    hart.x[1] = SIFIVE_TEST_BASE;
    hart.x[2] = 0x5555;
}

TestSuite(sifive_test_hart, .init = hart_with_finisher, .fini = harness_fini);

Test(sifive_test_hart, sd_to_the_finisher_is_a_store_access_fault)
{
    put32(i_sd(2, 0, 1));
    step(1);
    cr_assert_eq(hart.mcause, EXC_STORE_ACCESS, "sd to the finisher: mcause %llu, expected 7",
                 (unsigned long long)hart.mcause);
    cr_assert_eq(hart.mtval, SIFIVE_TEST_BASE, "mtval holds the faulting address");
    cr_assert_eq(hart.pc, TRAP_VECTOR);
    cr_assert_eq(log_.calls, 0, "the faulting store must not power off");
}

Test(sifive_test_hart, ld_from_the_finisher_is_a_load_access_fault)
{
    put32(i_ld(3, 0, 1));
    step(1);
    cr_assert_eq(hart.mcause, EXC_LOAD_ACCESS, "ld from the finisher: mcause %llu, expected 5",
                 (unsigned long long)hart.mcause);
    cr_assert_eq(hart.pc, TRAP_VECTOR);
}

Test(sifive_test_hart, sw_to_the_finisher_powers_off)
{
    put32(i_sw(2, 0, 1));
    step(1);
    cr_assert_neq(hart.pc, TRAP_VECTOR, "sw is the finisher's own access size");
    cr_assert_eq(log_.calls, 1);
    cr_assert_eq(log_.status, 0);
}
