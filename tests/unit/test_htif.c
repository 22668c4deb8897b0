/* HTIF (emu/htif.c) as Spike's fesvr serves it: tohost = device 63:56 | command 55:48 |
 * payload 47:0; device 0 is the syscall proxy (and power-off), device 1 the console. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "emu/machine.h"

#define TEST_RAM_SIZE (1ull << 20)
#define TOHOST_PA (RAM_BASE + 0x1000)
#define FROMHOST_PA (RAM_BASE + 0x1040)
#define MAGIC_PA (RAM_BASE + 0x2000)
#define BUFFER_PA (RAM_BASE + 0x3000)

/* htif_poll reaches the machine only through its RAM, its HTIF addresses and its console. */
static struct machine m;
static char *console_text;
static size_t console_len;

static void setup(void)
{
    memset(&m, 0, sizeof(m));
    m.ram.size = TEST_RAM_SIZE;
    m.ram.base = RAM_BASE;
    m.ram.host = calloc(1, TEST_RAM_SIZE);
    cr_assert_not_null(m.ram.host);
    m.cfg.console = open_memstream(&console_text, &console_len);
    m.stdin_open = false; /* the test's own stdin is not guest input */
    m.htif = (struct htif){.enabled = true, .tohost = TOHOST_PA, .fromhost = FROMHOST_PA};
}

static void teardown(void)
{
    fclose(m.cfg.console);
    free(console_text);
    console_text = NULL;
    free(m.ram.host);
}

TestSuite(htif, .init = setup, .fini = teardown);

static uint64_t *word(uint64_t pa)
{
    return (uint64_t *)(void *)(m.ram.host + (pa - RAM_BASE));
}

static uint64_t command(unsigned dev, unsigned cmd, uint64_t payload)
{
    return (uint64_t)dev << 56 | (uint64_t)cmd << 48 | payload;
}

/* Place a syscall block (magic_mem) and point tohost at it. */
static uint64_t *syscall_block(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t *magic = word(MAGIC_PA);
    memset(magic, 0, 8 * sizeof(uint64_t));
    magic[0] = number;
    magic[1] = a0;
    magic[2] = a1;
    magic[3] = a2;
    *word(TOHOST_PA) = MAGIC_PA;
    return magic;
}

static const char *console_output(void)
{
    fflush(m.cfg.console);
    return console_text ? console_text : "";
}

Test(htif, tohost_1_powers_off_with_status_0)
{
    *word(TOHOST_PA) = 1;
    htif_poll(&m);
    cr_assert(m.stop, "riscv-tests pass: tohost = 1 must power off");
    cr_assert_eq(m.exit_status, 0);
    cr_assert_eq(*word(TOHOST_PA), 0, "a served command is cleared from tohost");
}

Test(htif, odd_tohost_exits_with_payload_shifted_right)
{
    *word(TOHOST_PA) = (21 << 1) | 1; /* riscv-tests: test 21 failed */
    htif_poll(&m);
    cr_assert(m.stop);
    cr_assert_eq(m.exit_status, 21);
}

Test(htif, zero_tohost_is_no_command)
{
    htif_poll(&m);
    cr_assert_not(m.stop);
    cr_assert_eq(*word(FROMHOST_PA), 0);
}

Test(htif, disabled_htif_ignores_tohost)
{
    m.htif.enabled = false;
    *word(TOHOST_PA) = 1;
    htif_poll(&m);
    cr_assert_not(m.stop, "without a tohost symbol there is no HTIF");
    cr_assert_eq(*word(TOHOST_PA), 1);
}

Test(htif, sys_write_prints_and_returns_length)
{
    memcpy(m.ram.host + (BUFFER_PA - RAM_BASE), "hello\n", 6);
    uint64_t *magic = syscall_block(64, 1, BUFFER_PA, 6);
    htif_poll(&m);
    cr_assert_str_eq(console_output(), "hello\n");
    cr_assert_eq(magic[0], 6, "SYS_write returns the byte count in magic_mem[0]");
    cr_assert_eq(*word(FROMHOST_PA), 1, "the answer is signalled by fromhost = 1");
    cr_assert_eq(*word(TOHOST_PA), 0);
    cr_assert_not(m.stop);
}

Test(htif, sys_write_to_stderr_goes_to_console_too)
{
    memcpy(m.ram.host + (BUFFER_PA - RAM_BASE), "oops", 4);
    uint64_t *magic = syscall_block(64, 2, BUFFER_PA, 4);
    htif_poll(&m);
    cr_assert_str_eq(console_output(), "oops");
    cr_assert_eq(magic[0], 4);
}

Test(htif, sys_write_to_other_fd_is_ebadf)
{
    uint64_t *magic = syscall_block(64, 3, BUFFER_PA, 4);
    htif_poll(&m);
    cr_assert_eq((int64_t)magic[0], -9);
    cr_assert_str_empty(console_output());
}

Test(htif, sys_write_from_outside_ram_is_efault)
{
    uint64_t *magic = syscall_block(64, 1, 0x1000, 4);
    htif_poll(&m);
    cr_assert_eq((int64_t)magic[0], -14);
}

Test(htif, sys_exit_powers_off_with_its_argument)
{
    syscall_block(93, 7, 0, 0);
    htif_poll(&m);
    cr_assert(m.stop);
    cr_assert_eq(m.exit_status, 7);
    cr_assert_eq(*word(TOHOST_PA), 0);
}

Test(htif, unknown_syscall_returns_enosys)
{
    uint64_t *magic = syscall_block(1234, 0, 0, 0);
    htif_poll(&m);
    cr_assert_eq((int64_t)magic[0], -38);
    cr_assert_eq(*word(FROMHOST_PA), 1);
}

Test(htif, command_waits_while_fromhost_holds_an_unread_answer)
{
    memcpy(m.ram.host + (BUFFER_PA - RAM_BASE), "x", 1);
    *word(FROMHOST_PA) = 1; /* the guest has not consumed the previous answer */
    uint64_t *magic = syscall_block(64, 1, BUFFER_PA, 1);
    htif_poll(&m);
    cr_assert_eq(*word(TOHOST_PA), MAGIC_PA, "the command stays pending");
    cr_assert_eq(magic[0], 64, "and is not executed yet");
    *word(FROMHOST_PA) = 0; /* guest reads its answer */
    htif_poll(&m);
    cr_assert_eq(*word(TOHOST_PA), 0);
    cr_assert_eq(magic[0], 1);
    cr_assert_str_eq(console_output(), "x");
}

Test(htif, power_off_is_served_even_with_fromhost_busy)
{
    *word(FROMHOST_PA) = 1;
    *word(TOHOST_PA) = 1;
    htif_poll(&m);
    cr_assert(m.stop, "power-off needs no answer, so nothing can hold it up");
}

Test(htif, console_putchar_prints_low_byte_without_answer)
{
    *word(TOHOST_PA) = command(1, 1, 0x4100 | 'A');
    htif_poll(&m);
    cr_assert_str_eq(console_output(), "A");
    cr_assert_eq(*word(TOHOST_PA), 0);
    cr_assert_eq(*word(FROMHOST_PA), 0, "upstream Spike does not answer console writes");
}

Test(htif, console_getchar_without_input_stays_pending)
{
    *word(TOHOST_PA) = command(1, 0, 0);
    htif_poll(&m);
    cr_assert_eq(*word(TOHOST_PA), command(1, 0, 0), "no input yet: the read waits in tohost");
    cr_assert_eq(*word(FROMHOST_PA), 0);
}

Test(htif, unknown_device_is_ignored_and_cleared)
{
    *word(TOHOST_PA) = command(9, 0, 5);
    htif_poll(&m);
    cr_assert_eq(*word(TOHOST_PA), 0);
    cr_assert_not(m.stop);
    cr_assert_eq(*word(FROMHOST_PA), 0);
}

Test(htif, syscall_without_fromhost_still_runs)
{
    m.htif.fromhost = 0;
    memcpy(m.ram.host + (BUFFER_PA - RAM_BASE), "hi", 2);
    uint64_t *magic = syscall_block(64, 1, BUFFER_PA, 2);
    htif_poll(&m);
    cr_assert_str_eq(console_output(), "hi");
    cr_assert_eq(magic[0], 2);
    cr_assert_eq(*word(TOHOST_PA), 0);
}

/* A syscall block at an address that is not 8-byte aligned (bit 0 clear, so not an exit):
 * fesvr copies magic_mem byte by byte (memif_t::read/write), so it works on Spike, and it
 * must work here without a misaligned uint64_t access (UBSan aborts on one). */
Test(htif, misaligned_syscall_block_is_read_and_answered_bytewise)
{
    const uint64_t block_pa = MAGIC_PA + 4;
    uint64_t block[8] = {64, 1, BUFFER_PA, 2};
    memcpy(m.ram.host + (block_pa - RAM_BASE), block, sizeof(block));
    memcpy(m.ram.host + (BUFFER_PA - RAM_BASE), "ok", 2);
    *word(TOHOST_PA) = block_pa;
    htif_poll(&m);
    cr_assert_str_eq(console_output(), "ok", "SYS_write from a misaligned block must print");
    uint64_t result;
    memcpy(&result, m.ram.host + (block_pa - RAM_BASE), sizeof(result));
    cr_assert_eq(result, 2, "the result replaces the number at the block's own address");
    uint64_t next;
    memcpy(&next, m.ram.host + (block_pa + 8 - RAM_BASE), sizeof(next));
    cr_assert_eq(next, 1, "only magic_mem[0] is written back");
    cr_assert_eq(*word(FROMHOST_PA), 1);
    cr_assert_eq(*word(TOHOST_PA), 0);
}

Test(htif, misaligned_block_past_the_end_of_ram_stops_the_guest)
{
    *word(TOHOST_PA) = RAM_BASE + TEST_RAM_SIZE - 60; /* 64 bytes needed, 60 left */
    htif_poll(&m);
    cr_assert(m.stop, "a block not wholly in RAM is a guest bug that ends the run");
    cr_assert_eq(m.exit_status, 1);
}

/* struct htif's addresses normally come from the loader, which refuses misaligned symbols;
 * htif_poll itself must still not rely on their alignment. */
Test(htif, misaligned_tohost_and_fromhost_words_are_accessed_safely)
{
    m.htif.tohost = TOHOST_PA + 4;
    m.htif.fromhost = FROMHOST_PA + 2;
    uint64_t *magic = syscall_block(64, 1, BUFFER_PA, 1);
    *word(TOHOST_PA) = 0;
    uint64_t cmd = MAGIC_PA;
    memcpy(m.ram.host + (TOHOST_PA + 4 - RAM_BASE), &cmd, 8);
    memcpy(m.ram.host + (BUFFER_PA - RAM_BASE), "z", 1);
    htif_poll(&m);
    cr_assert_str_eq(console_output(), "z");
    cr_assert_eq(magic[0], 1);
    uint64_t v;
    memcpy(&v, m.ram.host + (TOHOST_PA + 4 - RAM_BASE), 8);
    cr_assert_eq(v, 0, "tohost cleared");
    memcpy(&v, m.ram.host + (FROMHOST_PA + 2 - RAM_BASE), 8);
    cr_assert_eq(v, 1, "fromhost answered");
}
