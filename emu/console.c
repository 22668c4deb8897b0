/* The console (emu/console.h): the input queue with its wake-up pipe, the Ctrl-A escape, and
 * the terminal's raw mode with its restoration on every way out. */
#define _GNU_SOURCE /* ppoll, pipe2 */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console_out.h"
#include "machine.h"
#include "record.h"

#define INPUT_QUEUE_SIZE 1024

/* --- the escape ------------------------------------------------------------------------- */

/* QEMU's list (chardev/char-mux.c, mux_print_help), for the keys rv39 has. */
const char console_help_text[] = "C-a h    print this help\n"
                                 "C-a x    exit emulator (disks are flushed)\n"
                                 "C-a c    switch between console and monitor\n"
                                 "C-a C-a  sends C-a\n";

enum console_action console_escape_feed(struct console_escape *e, uint8_t byte, uint8_t *out)
{
    if (!e->pending) {
        if (byte == CONSOLE_ESCAPE) {
            e->pending = true;
            return CONSOLE_NOTHING;
        }
        *out = byte;
        return CONSOLE_BYTE;
    }
    e->pending = false;
    switch (byte) {
    case CONSOLE_ESCAPE: *out = byte; return CONSOLE_BYTE;
    case 'x': return CONSOLE_QUIT;
    case 'c': return CONSOLE_MONITOR;
    case 'h':
    case '?': return CONSOLE_HELP;
    default: return CONSOLE_NOTHING; /* as QEMU: an unknown escape is dropped */
    }
}

/* --- the input queue -------------------------------------------------------------------- */

static struct {
    pthread_mutex_t lock;
    uint8_t buf[INPUT_QUEUE_SIZE];
    unsigned head, count;
} input = {.lock = PTHREAD_MUTEX_INITIALIZER};

static pthread_once_t wake_once = PTHREAD_ONCE_INIT;
static int wake_pipe[2] = {-1, -1};
static struct console_escape escape;
static volatile bool monitor_request, quit_request;

static void wake_init(void)
{
    if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) wake_pipe[0] = wake_pipe[1] = -1;
}

static size_t queue_push(const uint8_t *bytes, size_t n)
{
    pthread_mutex_lock(&input.lock);
    size_t i = 0;
    for (; i < n && input.count < INPUT_QUEUE_SIZE; i++, input.count++)
        input.buf[(input.head + input.count) % INPUT_QUEUE_SIZE] = bytes[i];
    pthread_mutex_unlock(&input.lock);
    return i;
}

size_t console_push_input(const uint8_t *bytes, size_t n)
{
    size_t pushed = queue_push(bytes, n);
    pthread_once(&wake_once, wake_init);
    if (pushed && wake_pipe[1] >= 0) {
        /* A full pipe already holds a wake-up: nothing lost when this write fails. */
        ssize_t ignored = write(wake_pipe[1], "k", 1);
        (void)ignored;
    }
    return pushed;
}

void console_wake(void)
{
    pthread_once(&wake_once, wake_init);
    if (wake_pipe[1] >= 0) {
        ssize_t ignored = write(wake_pipe[1], "w", 1); /* a full pipe is awake already */
        (void)ignored;
    }
}

int console_wake_fd(void)
{
    pthread_once(&wake_once, wake_init);
    return wake_pipe[0];
}

size_t console_pending_input(void)
{
    pthread_mutex_lock(&input.lock);
    size_t n = input.count;
    pthread_mutex_unlock(&input.lock);
    return n;
}

static unsigned queue_space(void)
{
    return INPUT_QUEUE_SIZE - (unsigned)console_pending_input();
}

/* Into the UART as far as its FIFO has room; the rest waits in the queue (never lost). Under
 * -record what goes in is logged; under -replay the log's bytes go in instead (emu/record.c)
 * and what was typed is dropped. */
static void queue_drain(struct machine *m)
{
    struct uart16550 *u = &m->uart;
    uint8_t moved[INPUT_QUEUE_SIZE];
    unsigned n = 0;
    pthread_mutex_lock(&input.lock);
    if (rr_input_from_log(m->rr)) input.count = 0;
    unsigned space = uart_rx_space(u);
    for (; space > 0 && input.count > 0; space--, input.count--) {
        moved[n++] = input.buf[input.head];
        uart_rx_push(u, input.buf[input.head]);
        input.head = (input.head + 1) % INPUT_QUEUE_SIZE;
    }
    pthread_mutex_unlock(&input.lock);
    if (n && m->rr) rr_record_uart(m->rr, m, moved, n);
}

/* --- the terminal ----------------------------------------------------------------------- */

static struct termios saved_termios;
static volatile sig_atomic_t termios_saved, raw_active;

static void restore_terminal(void)
{
    if (termios_saved && raw_active) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios); /* async-signal-safe */
        raw_active = false;
    }
}

/* A crash must not leave the user's shell without echo: restore, then die of the signal. */
static void on_fatal_signal(int sig)
{
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

void console_raw_begin(void)
{
    if (!isatty(STDIN_FILENO)) return;
    if (!termios_saved) {
        if (tcgetattr(STDIN_FILENO, &saved_termios) != 0) return;
        termios_saved = true;
        atexit(restore_terminal);
        static const int fatal[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGHUP, SIGQUIT};
        for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
            struct sigaction sa = {0};
            sa.sa_handler = on_fatal_signal;
            sigaction(fatal[i], &sa, NULL);
        }
    }
    /* As QEMU's stdio backend with the multiplexer (chardev/char-stdio.c,
     * qemu_chr_set_echo_stdio): no echo, no canonical mode, no signals from keys (Ctrl-C is
     * the guest's), no input translation; output processing stays so "\n" is a new line. */
    struct termios raw = saved_termios;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | IEXTEN | ISIG);
    raw.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON | BRKINT | ISTRIP | PARMRK);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) raw_active = true;
}

void console_raw_end(void)
{
    restore_terminal();
}

/* --- the run loop's side ---------------------------------------------------------------- */

static void act(struct machine *m, enum console_action a)
{
    switch (a) {
    case CONSOLE_NOTHING:
    case CONSOLE_BYTE: break;
    case CONSOLE_HELP: /* on lines of its own, as every line of rv39's (console_out.h) */
        console_out_end_guest_line();
        fputs(console_help_text, stderr);
        break;
    case CONSOLE_QUIT:
        /* As QEMU's "QEMU: Terminated": the machine stops, machine_free syncs the disks. */
        console_out_end_guest_line();
        fprintf(stderr, "rv39: terminated (C-a x)\n");
        m->exit_status = 0;
        m->stop = true;
        quit_request = true;
        machine_yield_all(m);
        break;
    case CONSOLE_MONITOR:
        monitor_request = true;
        machine_yield_all(m);
        break;
    }
}

/* What the terminal typed, through the escape, into the queue (as far as it has room). One
 * byte per read: what follows C-a c stays in stdin, for the monitor's prompt. */
static void read_terminal(struct machine *m)
{
    for (unsigned space = queue_space(); space > 0; space--) {
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0) return;
        if (p.revents & POLLNVAL) {
            m->stdin_open = false;
            return;
        }
        uint8_t in, byte;
        ssize_t n = read(STDIN_FILENO, &in, 1);
        if (n <= 0) {
            if (n == 0 || (errno != EAGAIN && errno != EINTR))
                m->stdin_open = false; /* EOF: nothing more will come */
            return;
        }
        enum console_action a = console_escape_feed(&escape, in, &byte);
        if (a == CONSOLE_BYTE) {
            queue_push(&byte, 1);
            continue;
        }
        act(m, a);
        if (a == CONSOLE_MONITOR || a == CONSOLE_QUIT) return;
    }
}

void console_pump(struct machine *m)
{
    pthread_once(&wake_once, wake_init);
    if (wake_pipe[0] >= 0) {
        char drain[64];
        while (read(wake_pipe[0], drain, sizeof drain) > 0)
            ;
    }
    if (m->stdin_open) read_terminal(m);
    queue_drain(m);
}

void console_wait(struct machine *m, const struct timespec *timeout)
{
    pthread_once(&wake_once, wake_init);
    struct pollfd p[2];
    nfds_t n = 0;
    if (wake_pipe[0] >= 0) p[n++] = (struct pollfd){.fd = wake_pipe[0], .events = POLLIN};
    if (m->stdin_open) p[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    ppoll(p, n, timeout, NULL);
}

bool console_take_monitor_request(void)
{
    bool r = monitor_request;
    monitor_request = false;
    return r;
}

bool console_quit_requested(void)
{
    return quit_request;
}

void console_clear_requests(void)
{
    monitor_request = false;
    escape.pending = false;
}
