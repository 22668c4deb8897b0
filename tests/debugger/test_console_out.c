/* The terminal's one output path (emu/console_out.c): rv39's lines (logs, `trace mmu`, the
 * monitor's notes) wait while the guest's line is open and follow its newline; the monitor
 * taking the terminal ends the guest's line; a log file gets its lines at once. Each test
 * runs in its own process (Criterion's default), so the module's state starts fresh. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "emu/console_out.h"

static const char *contents(FILE *f)
{
    static char buf[512];
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    return buf;
}

Test(console_out, lines_wait_for_the_guests_newline)
{
    FILE *terminal = tmpfile();
    cr_assert_not_null(terminal);
    FILE *guest = console_out_guest(terminal);
    fputs("faulting on demand", guest);
    console_out_lines(terminal, "mmu: page fault\n", 16);
    cr_assert(console_out_guest_mid_line());
    fputs(" ... done\nnext", guest);
    fflush(guest);
    cr_assert_str_eq(contents(terminal), "faulting on demand ... done\nmmu: page fault\nnext");
}

Test(console_out, lines_go_at_once_between_guest_lines)
{
    FILE *terminal = tmpfile();
    FILE *guest = console_out_guest(terminal);
    fputs("a whole line\n", guest);
    console_out_lines(terminal, "int: trap\n", 10);
    cr_assert_str_eq(contents(terminal), "a whole line\nint: trap\n");
}

Test(console_out, the_monitor_ends_an_open_line_and_lets_the_held_lines_out)
{
    FILE *terminal = tmpfile();
    FILE *guest = console_out_guest(terminal);
    fputs("$ ", guest);
    console_out_lines(terminal, "mmu: tlb miss\n", 14);
    console_out_end_guest_line();
    cr_assert_not(console_out_guest_mid_line());
    cr_assert_str_eq(contents(terminal), "$ \nmmu: tlb miss\n");
    console_out_end_guest_line(); /* at the start of a line already: no empty line */
    cr_assert_str_eq(contents(terminal), "$ \nmmu: tlb miss\n");
}

Test(console_out, a_log_file_gets_its_lines_at_once)
{
    FILE *terminal = tmpfile(), *log = tmpfile();
    FILE *guest = console_out_guest(terminal);
    fputs("no newline yet", guest);
    console_out_lines(log, "int: trap\n", 10);
    cr_assert_str_eq(contents(log), "int: trap\n", "-D FILE cannot cut the guest's line");
    fflush(guest); /* as the run loop does each slice */
    cr_assert_str_eq(contents(terminal), "no newline yet");
}
