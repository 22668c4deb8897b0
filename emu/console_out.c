/* The terminal's one output path (emu/console_out.h). */
#define _GNU_SOURCE /* fopencookie, memrchr */
#include "console_out.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HELD_MAX (1u << 20) /* a guest that never ends its line: let rv39's lines through */

static FILE *guest;      /* the stream handed to the guest's devices */
static FILE *guest_real; /* where its bytes go (stdout) */
static bool mid_line;    /* the guest's last byte was not a newline */

/* Lines held back while the guest's line is open: records of (destination, length, bytes),
 * written in the order they came. */
struct held_head {
    FILE *dest;
    size_t len;
};
static char *held;
static size_t held_len, held_cap;

static void release_held(void)
{
    FILE *last = NULL;
    for (size_t at = 0; at < held_len;) {
        struct held_head h;
        memcpy(&h, held + at, sizeof h);
        at += sizeof h;
        if (last && last != h.dest) fflush(last);
        fwrite(held + at, 1, h.len, h.dest);
        last = h.dest;
        at += h.len;
    }
    if (last) fflush(last);
    held_len = 0;
}

static bool hold(FILE *dest, const char *text, size_t len)
{
    size_t need = held_len + sizeof(struct held_head) + len;
    if (need > HELD_MAX) return false;
    if (need > held_cap) {
        size_t cap = held_cap ? held_cap : 4096;
        while (cap < need)
            cap *= 2;
        char *grown = realloc(held, cap);
        if (!grown) return false;
        held = grown;
        held_cap = cap;
    }
    struct held_head h = {dest, len};
    memcpy(held + held_len, &h, sizeof h);
    memcpy(held + held_len + sizeof h, text, len);
    held_len = need;
    return true;
}

static ssize_t guest_write(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    size_t done = 0;
    const char *nl = size ? memrchr(buf, '\n', size) : NULL;
    if (nl && held_len) { /* the guest's line ends: the held lines follow it */
        done = (size_t)(nl - buf) + 1;
        fwrite(buf, 1, done, guest_real);
        fflush(guest_real);
        release_held();
    }
    fwrite(buf + done, 1, size - done, guest_real);
    fflush(guest_real); /* a prompt without a newline shows now */
    if (size) mid_line = buf[size - 1] != '\n';
    return (ssize_t)size;
}

FILE *console_out_guest(FILE *real)
{
    if (guest) return guest;
    guest_real = real;
    guest = fopencookie(NULL, "w", (cookie_io_functions_t){.write = guest_write});
    return guest ? guest : real;
}

/* Does a line for dest share the terminal with the guest's output? */
static bool shares_terminal(FILE *dest)
{
    return dest == stdout || dest == stderr || dest == guest_real;
}

void console_out_lines(FILE *dest, const char *text, size_t len)
{
    if (!len) return;
    if (guest && shares_terminal(dest)) {
        fflush(guest); /* the guest's bytes so far: mid_line is exact */
        if (mid_line && hold(dest, text, len)) return;
        release_held();
    }
    fwrite(text, 1, len, dest);
    fflush(dest);
}

void console_out_end_guest_line(void)
{
    if (!guest) return;
    fflush(guest);
    if (mid_line) {
        fputc('\n', guest_real);
        fflush(guest_real);
        mid_line = false;
    }
    release_held();
}

bool console_out_guest_mid_line(void)
{
    if (guest) fflush(guest);
    return mid_line;
}

void console_out_close(void)
{
    if (guest) fflush(guest);
    release_held();
    free(held);
    held = NULL;
    held_len = held_cap = 0;
}
