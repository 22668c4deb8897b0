/* The terminal's output side: the guest's console bytes and rv39's own lines (-d logs, the
 * monitor's `trace mmu`, its stop and entry notes) go through this one place, so that rv39's
 * lines are whole lines that never land inside a guest's output line.
 *
 * The guest's stream (UART, HTIF) passes through a stream that knows whether the guest's last
 * byte left its line open. A line of rv39's due while it is open is held back and written
 * right after the guest's next newline (beyond 1 MiB held back it goes through anyway: a
 * guest that never ends its line must not hide the log for ever). Lines for a destination
 * that is not the terminal (-D FILE) are written at once: they cannot cut anything.
 *
 * When the monitor takes the terminal from a guest whose line is open (C-a c, a stop under
 * --debug), console_out_end_guest_line ends that line for it and lets the held lines out. */
#ifndef RV39_CONSOLE_OUT_H
#define RV39_CONSOLE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The stream the guest's console writes to, over `real` (stdout). Buffered: the run loop's
 * fflush (each slice) and the functions below push its bytes through. */
FILE *console_out_guest(FILE *real);

/* One or more whole lines (text ends with '\n') of rv39's for `dest`. */
void console_out_lines(FILE *dest, const char *text, size_t len);

/* The guest's output so far, then a newline if its line is open, then the held lines: from
 * here on the terminal is at the start of a line. */
void console_out_end_guest_line(void);
/* Is the guest's last line open (for tests)? */
bool console_out_guest_mid_line(void);

/* At exit: the guest's bytes and the held lines out; the guest's stream is `real` again. */
void console_out_close(void);

#endif
