/* fuzz_gdb: the GDB remote stub (emu/gdbstub.c) on a fuzzed byte stream from "GDB": packets
 * with good and bad checksums, acks, noise, Ctrl-C (0x03), register and memory packets, run
 * control, breakpoints, qXfer, `monitor` commands (qRcmd, through the debugger's command
 * interpreter), and the hang-up at the end of the input.
 *
 * The stub serves a socketpair (gdbstub_serve_fd): the input is written into one end before
 * the session starts, that end is shut for writing (GDB hangs up after its last byte), and a
 * thread drains the stub's replies so it never blocks. The machine is fresh for every input:
 * 1 MiB of RAM holding `j .` at 0x80000000, where the hart starts; `c` runs it until the
 * stub's poll sees the hang-up or a 0x03.
 *
 * Oracles, besides ASan/UBSan: the session ends (hang-up, `k` or `D`); every reply is a
 * well-formed packet "$data#cc" with the right checksum and no bare '$' or '#' inside, or an
 * ack ('+', '-'). Not exercised because the stub does not offer them: binary `X` packets (and
 * so `}` escapes in what GDB sends), run-length encoding, vFlash packets. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "emu/gdbstub.h"
#include "emu/screenshot.h"
#include "fuzz.h"

#define MAX_INPUT (64u << 10) /* fits a socket's default buffer in one write */
#define MAX_REPLY (4u << 20)  /* replies kept for checking; the rest is drained unchecked */

static FILE *sink; /* the guest's console and the debugger's trace */
static uint64_t *sessions, *replies, *exits;

/* The PNG writer behind `monitor screenshot FILE` would create files with fuzzed names: the
 * link replaces it with this (-Wl,--wrap, tests/fuzz/CMakeLists.txt). */
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
    if (!sink) fuzz_fail("cannot open /dev/null");
    sessions = fuzz_counter("sessions");
    replies = fuzz_counter("replies");
    exits = fuzz_counter("guest exits");
    return 0;
}

struct drain {
    int fd;
    char *buf;
    size_t len;
};

static void *drain_replies(void *arg)
{
    struct drain *d = arg;
    char chunk[4096];
    ssize_t n;
    while ((n = read(d->fd, chunk, sizeof chunk)) > 0) {
        size_t keep = (size_t)n < MAX_REPLY - d->len ? (size_t)n : MAX_REPLY - d->len;
        memcpy(d->buf + d->len, chunk, keep);
        d->len += keep;
    }
    return NULL;
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
    if (size > MAX_INPUT) return 0;
    static struct machine m;
    struct machine_config cfg = {
        .ram_size = 1u << 20, .nographic = true, .fb_width = 16, .fb_height = 16, .console = sink};
    if (!machine_init(&m, &cfg)) fuzz_fail("machine_init failed");
    static const uint8_t jump_to_self[] = {0x6f, 0x00, 0x00, 0x00}; /* j . */
    memcpy(m.ram, jump_to_self, sizeof jump_to_self);
    m.stdin_open = false; /* the fuzzer's own stdin (a terminal under make) is not the UART's */
    m.entry = RAM_BASE;
    machine_boot(&m);

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) fuzz_fail("socketpair");
    if (size && write(sv[0], data, size) != (ssize_t)size) fuzz_fail("cannot send the input");
    shutdown(sv[0], SHUT_WR);
    static char reply[MAX_REPLY];
    struct drain d = {sv[0], reply, 0};
    pthread_t drainer;
    if (pthread_create(&drainer, NULL, drain_replies, &d) != 0) fuzz_fail("pthread_create");

    if (gdbstub_serve_fd(&m, sv[1], sink)) ++*exits;
    close(sv[1]); /* the drainer sees the end */
    pthread_join(drainer, NULL);
    close(sv[0]);
    ++*sessions;
    check_replies(reply, d.len, d.len < MAX_REPLY);
    machine_free(&m);
    return 0;
}
