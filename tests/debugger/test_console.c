/* The console's Ctrl-A escape (QEMU's keys, chardev/char-mux.c) and its input queue: one path
 * for terminal and window keys into the UART, which wakes a hart idling in wfi. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <time.h>

#include "emu/console.h"
#include "emu/machine.h"

static enum console_action feed(struct console_escape *e, uint8_t byte, uint8_t *out)
{
    return console_escape_feed(e, byte, out);
}

Test(console_escape, plain_bytes_and_ctrl_c_go_to_the_guest)
{
    struct console_escape e = {0};
    uint8_t out = 0;
    cr_assert_eq(feed(&e, 'a', &out), CONSOLE_BYTE);
    cr_assert_eq(out, 'a');
    cr_assert_eq(feed(&e, 3, &out), CONSOLE_BYTE, "Ctrl-C is the guest's byte 3, not a signal");
    cr_assert_eq(out, 3);
}

Test(console_escape, ctrl_a_keys_as_in_qemu)
{
    struct console_escape e = {0};
    uint8_t out = 0;
    cr_assert_eq(feed(&e, CONSOLE_ESCAPE, &out), CONSOLE_NOTHING, "C-a alone waits for a key");
    cr_assert_eq(feed(&e, 'x', &out), CONSOLE_QUIT, "C-a x quits");
    cr_assert_eq(feed(&e, CONSOLE_ESCAPE, &out), CONSOLE_NOTHING);
    cr_assert_eq(feed(&e, 'c', &out), CONSOLE_MONITOR, "C-a c switches to the monitor");
    cr_assert_eq(feed(&e, CONSOLE_ESCAPE, &out), CONSOLE_NOTHING);
    cr_assert_eq(feed(&e, 'h', &out), CONSOLE_HELP, "C-a h prints the escapes");
    cr_assert_eq(feed(&e, CONSOLE_ESCAPE, &out), CONSOLE_NOTHING);
    cr_assert_eq(feed(&e, CONSOLE_ESCAPE, &out), CONSOLE_BYTE, "C-a C-a sends one C-a");
    cr_assert_eq(out, CONSOLE_ESCAPE);
    cr_assert_eq(feed(&e, 'x', &out), CONSOLE_BYTE, "after C-a C-a, x is an ordinary byte");
    cr_assert_eq(feed(&e, CONSOLE_ESCAPE, &out), CONSOLE_NOTHING);
    cr_assert_eq(feed(&e, 'z', &out), CONSOLE_NOTHING, "an unknown escape is dropped, as QEMU");
    cr_assert_eq(feed(&e, 'z', &out), CONSOLE_BYTE, "and the escape is over");
}

Test(console_escape, help_lists_every_key)
{
    cr_assert(strstr(console_help_text, "C-a x"));
    cr_assert(strstr(console_help_text, "C-a c"));
    cr_assert(strstr(console_help_text, "C-a h"));
    cr_assert(strstr(console_help_text, "C-a C-a"));
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(console_input, window_keys_reach_the_uart_in_order_and_wake_an_idle_hart)
{
    static struct machine m;
    struct machine_config cfg = {.ram_size = 1u << 20, .console = tmpfile()};
    cr_assert(machine_init(&m, &cfg));
    m.stdin_open = false; /* the test's own stdin is not guest input */
    console_pump(&m);     /* start empty */
    cr_assert_eq(console_push_input((const uint8_t *)"hi\r", 3), 3);
    /* The hart in wfi waits for input with a long timeout: the push must end the wait. */
    struct timespec long_wait = {2, 0};
    double t0 = now();
    console_wait(&m, &long_wait);
    cr_assert_lt(now() - t0, 0.5, "a queued key wakes the idle hart at once (not at its timeout)");
    console_pump(&m);
    cr_assert_eq(m.uart.rx_count, 3, "the keys are in the UART's receive FIFO");
    cr_assert_eq(m.uart.rx_fifo[m.uart.rx_head], 'h', "oldest first");
    cr_assert_eq(console_pending_input(), 0);
    machine_free(&m);
    fclose(cfg.console);
}

Test(console_input, keys_beyond_the_uart_fifo_wait_in_the_queue)
{
    static struct machine m;
    struct machine_config cfg = {.ram_size = 1u << 20, .console = tmpfile()};
    cr_assert(machine_init(&m, &cfg));
    m.stdin_open = false;
    console_pump(&m);
    uint8_t many[UART_RX_FIFO + 40];
    for (size_t i = 0; i < sizeof many; i++)
        many[i] = (uint8_t)('a' + i % 26);
    cr_assert_eq(console_push_input(many, sizeof many), sizeof many);
    console_pump(&m);
    cr_assert_eq(m.uart.rx_count, UART_RX_FIFO, "the FIFO is filled, never overrun");
    cr_assert_eq(console_pending_input(), 40, "the rest waits for room");
    cr_assert_eq(m.uart.lsr_extra, 0, "no overrun reported");
    machine_free(&m);
    fclose(cfg.console);
}
