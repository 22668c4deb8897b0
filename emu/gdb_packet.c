/* The GDB remote protocol's packet layer (emu/gdb_packet.h). */
#include "gdb_packet.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GDB_WAIT_SLICE_MS 100 /* longest a wait for GDB goes without looking for a stop signal */

bool gdb_wait_readable(int fd, const volatile sig_atomic_t *stop_signal)
{
    while (!*stop_signal) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, GDB_WAIT_SLICE_MS);
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return true; /* let the read or accept report it */
    }
    return false;
}

static int next_byte(struct gdb_conn *c)
{
    if (c->in_pos == c->in_len) {
        ssize_t n;
        do
            n = gdb_wait_readable(c->fd, c->stop_signal) ? read(c->fd, c->in, sizeof(c->in)) : -1;
        while (n < 0 && errno == EINTR && !*c->stop_signal);
        if (n <= 0) return -1;
        c->in_len = (size_t)n;
        c->in_pos = 0;
    }
    return c->in[c->in_pos++];
}

/* send with MSG_NOSIGNAL: a peer that has gone makes this fail with EPIPE instead of raising
 * SIGPIPE, whose default action would end rv39 without a word. */
bool gdb_write_all(struct gdb_conn *c, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0 && !c->lost) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR && !*c->stop_signal) continue;
        if (n <= 0) {
            c->lost = true;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return !c->lost;
}

bool gdb_send_packet_len(struct gdb_conn *c, const char *data, size_t len)
{
    static char buf[GDB_PACKET_MAX + 8];
    if (len > GDB_PACKET_MAX) len = GDB_PACKET_MAX;
    uint8_t sum = 0;
    buf[0] = '$';
    for (size_t i = 0; i < len; i++) {
        buf[1 + i] = data[i];
        sum = (uint8_t)(sum + (uint8_t)data[i]);
    }
    snprintf(buf + 1 + len, 4, "#%02x", sum);
    return gdb_write_all(c, buf, len + 4);
}

bool gdb_send_packet(struct gdb_conn *c, const char *data)
{
    return gdb_send_packet_len(c, data, strlen(data));
}

int gdb_read_packet(struct gdb_conn *c, char *buf, size_t cap)
{
    for (;;) {
        int ch = next_byte(c);
        if (ch < 0) return -1;
        if (ch == 0x03) {
            c->interrupt_pending = true;
            continue;
        }
        if (ch != '$') continue; /* acks ('+', '-') and noise */
        size_t len = 0;
        uint8_t sum = 0;
        while ((ch = next_byte(c)) >= 0 && ch != '#') {
            if (len + 1 < cap) buf[len++] = (char)ch;
            sum = (uint8_t)(sum + ch);
        }
        int hi = next_byte(c), lo = ch < 0 ? -1 : next_byte(c);
        if (ch < 0 || hi < 0 || lo < 0) return -1;
        buf[len] = '\0';
        char cs[3] = {(char)hi, (char)lo, 0};
        if (strtoul(cs, NULL, 16) != sum) {
            gdb_write_all(c, "-", 1);
            continue;
        }
        gdb_write_all(c, "+", 1);
        return (int)len;
    }
}

/* ---- encodings ---- */

static const char hexdigits[] = "0123456789abcdef";

void gdb_hex_bytes(char *out, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hexdigits[p[i] >> 4];
        out[2 * i + 1] = hexdigits[p[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool gdb_unhex_bytes(const char *in, void *data, size_t len)
{
    uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        int hi = hex_value(in[2 * i]), lo = hi < 0 ? -1 : hex_value(in[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        p[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

void gdb_hex_reg(char *out, uint64_t value)
{
    gdb_hex_bytes(out, &value, 8);
}
