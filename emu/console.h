/* The console: the host terminal and the SDL window's keys, as one input path into the UART.
 *
 * Input: every byte for the guest (typed on the terminal, or into the window on SDL's thread)
 * goes into one locked queue; the run loop drains it into the UART between slices, as far as
 * the receive FIFO has room. A push also writes a byte into a wake-up pipe, so a hart idling
 * in wfi (console_wait) wakes at once instead of at its next timer tick.
 *
 * The terminal: while the guest has it, it is raw (no echo, no line editing, no signals:
 * Ctrl-C is byte 3 for the guest) and Ctrl-A is the escape, as QEMU's stdio multiplexer does
 * (QEMU docs, "Keys in the character backend multiplexer"; chardev/char-mux.c):
 *   C-a h  help         C-a x  quit (disks flushed)       C-a c  monitor <-> guest console
 *   C-a C-a  sends C-a  (any other key after C-a is dropped, as in QEMU)
 * The terminal is restored at exit, on SIGINT/SIGTERM, and on a fatal signal. */
#ifndef RV39_CONSOLE_H
#define RV39_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct machine;

#define CONSOLE_ESCAPE 0x01 /* Ctrl-A */

/* What a byte typed on the terminal means once the escape has been applied. */
enum console_action {
    CONSOLE_NOTHING, /* swallowed (the escape itself, or an unknown escape) */
    CONSOLE_BYTE,    /* *out goes to the guest */
    CONSOLE_QUIT,    /* C-a x */
    CONSOLE_MONITOR, /* C-a c */
    CONSOLE_HELP,    /* C-a h or C-a ? */
};

struct console_escape {
    bool pending; /* the last byte was C-a */
};

/* The escape's state machine, one byte at a time (pure: unit-tested). */
enum console_action console_escape_feed(struct console_escape *e, uint8_t byte, uint8_t *out);
/* The escape keys, one per line (ends with a newline; lines end "\r\n" for a raw terminal). */
extern const char console_help_text[];

/* Queue bytes for the guest from any thread (the SDL window's); returns how many fitted. */
size_t console_push_input(const uint8_t *bytes, size_t n);
/* Wake a hart idling in console_wait from any thread without input for the UART (the virtio
 * keyboard's keys, emu/input_link.c). The pipe is drained by console_pump. */
void console_wake(void);
/* The wake-up pipe's read end (-1 if none), for machine_poll, which waits on the network's
 * sockets too (emu/virtio_board.c). */
int console_wake_fd(void);
/* Bytes queued and not yet in the UART (for tests). */
size_t console_pending_input(void);

/* Terminal: raw while the guest has it (only when stdin is a terminal). begin saves the
 * terminal's state once and arranges its restoration at exit and on fatal signals. */
void console_raw_begin(void);
void console_raw_end(void);

/* Run loop side: read what the terminal typed (when the guest owns stdin), apply the escape,
 * move queued bytes into the UART. C-a x stops the machine (exit status 0); C-a c is noted
 * for console_take_monitor_request. */
void console_pump(struct machine *m);
/* Sleep until input (terminal or window) or `timeout`, whichever comes first. */
void console_wait(struct machine *m, const struct timespec *timeout);
/* Was C-a c typed since the last call? Clears it. */
bool console_take_monitor_request(void);
/* Was C-a x typed (the machine stopped for it, not by the guest)? */
bool console_quit_requested(void);
/* Drop a C-a c typed earlier (a prompt that starts fresh). */
void console_clear_requests(void);

#endif
