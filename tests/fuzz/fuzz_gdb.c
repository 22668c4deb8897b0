/* fuzz_gdb: the GDB remote stub (emu/gdbstub.c) on a fuzzed byte stream from "GDB": packets
 * with good and bad checksums, acks, noise, Ctrl-C (0x03), register and memory packets, run
 * control, breakpoints, qXfer, `monitor` commands (qRcmd, through the debugger's command
 * interpreter), and the hang-up at the end of the input.
 *
 * The stub serves one session (gdbstub_serve_fd) on a descriptor whose poll, read and send are
 * this file's (-Wl,--wrap, tests/fuzz/CMakeLists.txt), playing GDB as it behaves on a real
 * connection: it sends one packet, then waits for the answer. A blocking wait of the stub for
 * input (poll with a timeout) always finds the next packet; a peek while the hart runs (poll
 * with timeout 0) finds data only when the input's next byte is 0x03 (Ctrl-C) or the input is
 * over (GDB hung up), so `c` and `s` really run the guest; after PEEKS_BEFORE_CTRL_C peeks
 * without either, "the user" presses Ctrl-C. The machine is fresh for every input: 1 MiB of
 * RAM with `j .` at 0x80000000, where the hart starts.
 *
 * Oracles, besides ASan/UBSan: the session ends (hang-up, `k`, `D` or the guest's exit); every
 * reply is a well-formed packet "$data#cc" with the right checksum and no bare '$' or '#'
 * inside, or an ack ('+', '-'). Not exercised because the stub does not offer them: binary
 * `X` packets (and so `}` escapes in what GDB sends), run-length encoding, vFlash packets. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/gdbstub.h"
#include "emu/screenshot.h"
#include "fuzz.h"

#define MAX_REPLY (4u << 20) /* replies kept for checking; the rest is counted, not kept */
#define PEEKS_BEFORE_CTRL_C 3

static FILE *sink;    /* the guest's console and the debugger's trace */
static int conn = -1; /* the stub's descriptor: /dev/null, never really read or written */
static uint64_t *sessions, *replies, *exits, *interrupts;

/* GDB's side of the connection. */
static struct {
    const uint8_t *in;
    size_t left;
    unsigned peeks; /* peeks since the stub last read */
    bool ctrl_c;    /* the next read gives a 0x03 GDB's user typed */
    char *out;      /* what the stub sent, up to MAX_REPLY */
    size_t out_len;
    bool out_full;
} gdb;

int __real_poll(struct pollfd *fds, nfds_t n, int timeout);
ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);

int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
    if (n != 1 || fds[0].fd != conn) return __real_poll(fds, n, timeout);
    bool ready = timeout != 0 || !gdb.left || gdb.in[0] == 0x03;
    if (!ready && ++gdb.peeks >= PEEKS_BEFORE_CTRL_C) {
        gdb.ctrl_c = true;
        ++*interrupts;
        ready = true;
    }
    fds[0].revents = ready ? POLLIN : 0;
    return ready;
}

/* One packet ("$...#cc"), or the bytes up to the next '$', or one 0x03 per read. */
ssize_t __wrap_read(int fd, void *buf, size_t len)
{
    if (fd != conn) return __real_read(fd, buf, len);
    gdb.peeks = 0;
    if (gdb.ctrl_c) {
        gdb.ctrl_c = false;
        *(uint8_t *)buf = 0x03;
        return 1;
    }
    size_t n = 0;
    if (gdb.left && gdb.in[0] == 0x03) {
        n = 1;
    } else if (gdb.left && gdb.in[0] == '$') {
        const uint8_t *hash = memchr(gdb.in, '#', gdb.left);
        n = hash ? (size_t)(hash - gdb.in) + 3 : gdb.left;
    } else if (gdb.left) {
        const uint8_t *dollar = memchr(gdb.in, '$', gdb.left);
        n = dollar ? (size_t)(dollar - gdb.in) : gdb.left;
    }
    if (n > gdb.left) n = gdb.left;
    if (n > len) n = len;
    memcpy(buf, gdb.in, n);
    gdb.in += n;
    gdb.left -= n;
    return (ssize_t)n; /* 0 once the input is over: GDB hung up */
}

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
    if (fd != conn) return __real_send(fd, buf, len, flags);
    size_t keep = len < MAX_REPLY - gdb.out_len ? len : MAX_REPLY - gdb.out_len;
    memcpy(gdb.out + gdb.out_len, buf, keep);
    gdb.out_len += keep;
    gdb.out_full |= keep < len;
    return (ssize_t)len;
}

/* The PNG writer behind `monitor screenshot FILE` would create files with fuzzed names: the
 * link replaces it with this. */
bool __wrap_framebuffer_screenshot(const struct framebuffer *fb, const char *path, char *err,
                                   size_t errlen);
bool __wrap_framebuffer_screenshot(const struct framebuffer *fb, const char *path, char *err,
                                   size_t errlen)
{
    (void)fb;
    (void)path;
    snprintf(err, errlen, "no screenshots while fuzzing");
    return false;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    conn = open("/dev/null", O_RDWR | O_CLOEXEC);
    gdb.out = malloc(MAX_REPLY);
    if (!sink || conn < 0 || !gdb.out) fuzz_fail("cannot set up");
    sessions = fuzz_counter("sessions");
    replies = fuzz_counter("replies");
    interrupts = fuzz_counter("Ctrl-C while running");
    exits = fuzz_counter("guest exits");
    return 0;
}

static int hex(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1; /* the stub writes lower-case checksums */
}

/* Acks and "$data#cc" packets, nothing else; the last may be cut short by MAX_REPLY. */
static void check_replies(const char *s, size_t len, bool complete)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] == '+' || s[i] == '-') {
            i++;
            continue;
        }
        if (s[i] != '$') fuzz_fail("reply stream has 0x%02x outside a packet", (uint8_t)s[i]);
        uint8_t sum = 0;
        size_t j = i + 1;
        for (; j < len && s[j] != '#'; j++) {
            if (s[j] == '$') fuzz_fail("'$' inside a reply packet");
            sum = (uint8_t)(sum + (uint8_t)s[j]);
        }
        if (j + 2 >= len) {
            if (complete) fuzz_fail("reply packet cut short");
            return;
        }
        int hi = hex(s[j + 1]), lo = hex(s[j + 2]);
        if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != sum)
            fuzz_fail("reply packet with a wrong checksum");
        ++*replies;
        i = j + 3;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct machine m;
    struct machine_config cfg = {
        .ram_size = 1u << 20, .nographic = true, .fb_width = 16, .fb_height = 16, .console = sink};
    if (!machine_init(&m, &cfg)) fuzz_fail("machine_init failed");
    static const uint8_t jump_to_self[] = {0x6f, 0x00, 0x00, 0x00}; /* j . */
    memcpy(m.ram.host, jump_to_self, sizeof jump_to_self);
    m.stdin_open = false; /* the fuzzer's own stdin (a terminal under make) is not the UART's */
    m.entry = RAM_BASE;
    machine_boot(&m);

    gdb.in = data;
    gdb.left = size;
    gdb.peeks = 0;
    gdb.ctrl_c = false;
    gdb.out_len = 0;
    gdb.out_full = false;
    if (gdbstub_serve_fd(&m, conn, sink)) ++*exits;
    ++*sessions;
    check_replies(gdb.out, gdb.out_len, !gdb.out_full);
    machine_free(&m);
    return 0;
}
