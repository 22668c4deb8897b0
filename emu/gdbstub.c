/* The GDB remote stub (emu/gdbstub.h): the session, its commands and run control. GDB manual,
 * appendix "Remote Protocol": "Packets", "Stop Reply Packets", "General Query Packets". The
 * packet layer (framing, checksums, acks, hex) is emu/gdb_packet.c; the target description
 * and GDB's register numbers are emu/gdb_target.c. A 0x03 byte while the hart runs is an
 * interrupt request.
 *
 * Containment, as QEMU's stub behaves: a client that vanishes (even in the middle of a reply)
 * is a client that detached, never a SIGPIPE that kills rv39; and SIGINT/SIGTERM stop rv39
 * cleanly whatever the stub is doing (waiting for a client, halted under one, running), with
 * the exit status other signal stops have (128 + signal). No wait here blocks for more than
 * 100 ms (gdb_packet.h), so a signal taken on another thread (the SDL window's) is seen too. */
#define _GNU_SOURCE /* open_memstream */
#include "gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console_out.h"
#include "debugger.h"
#include "gdb_packet.h"
#include "gdb_target.h"

#define LOST_NOTE "rv39: gdb: connection lost; detached, the guest runs on\n"
#define SLICE_INSNS 20000

struct gdb {
    struct machine *m;
    struct debugger dbg;
    int listen_fd;
    struct gdb_conn conn;
    char xml[16384];
    size_t xml_len;
    int cont_hart; /* Hc's thread for a plain `s` (-1: the selected hart) */
};

/* ---- stop signals ---- */

/* SIGINT or SIGTERM taken while the stub owns the run; 0 if none. */
static volatile sig_atomic_t stop_signal;
static struct sigaction saved_sigint, saved_sigterm;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* The stub's handlers replace the run loop's (machine_console_begin) for as long as it runs:
 * under a debugger machine_service lets SIGINT pass, and a blocking wait for GDB would never
 * look at it. */
static void catch_stop_signals(void)
{
    stop_signal = 0;
    struct sigaction sa = {0};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &saved_sigint);
    sigaction(SIGTERM, &sa, &saved_sigterm);
}

static void release_stop_signals(void)
{
    sigaction(SIGINT, &saved_sigint, NULL);
    sigaction(SIGTERM, &saved_sigterm, NULL);
}

/* ---- packets (emu/gdb_packet.h) ---- */

static bool send_packet_len(struct gdb *g, const char *data, size_t len)
{
    return gdb_send_packet_len(&g->conn, data, len);
}

static bool send_packet(struct gdb *g, const char *data)
{
    return gdb_send_packet(&g->conn, data);
}

/* ---- target description (emu/gdb_target.h) ---- */

/* qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH of `text` (args: from the offset on) -> "m" + part,
 * or "l" + the rest. */
static void serve_xfer_text(struct gdb *g, const char *args, const char *text, size_t text_len)
{
    char *end;
    unsigned long offset = strtoul(args, &end, 16);
    unsigned long length = *end == ',' ? strtoul(end + 1, NULL, 16) : 0;
    static char reply[GDB_PACKET_MAX];
    if (length > GDB_PACKET_MAX - 2) length = GDB_PACKET_MAX - 2;
    if (offset >= text_len) {
        send_packet(g, "l");
        return;
    }
    size_t n = text_len - offset;
    reply[0] = n > length ? 'm' : 'l';
    if (n > length) n = length;
    memcpy(reply + 1, text + offset, n); /* the XML has none of $ # } * to escape */
    send_packet_len(g, reply, n + 1);
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH */
static void serve_xfer(struct gdb *g, const char *args)
{
    const char *prefix = "target.xml:";
    if (strncmp(args, prefix, strlen(prefix)) != 0) {
        send_packet(g, "E00");
        return;
    }
    serve_xfer_text(g, args + strlen(prefix), g->xml, g->xml_len);
}

/* ---- threads: one per hart, thread id = hart + 1 (as QEMU's stub numbers its CPUs) ---- */

enum { THREAD_ALL = -1, THREAD_ANY = -2, THREAD_BAD = -3 };

/* A thread-id (GDB manual, "Packets"): -1 all threads, 0 any, else hex; the multiprocess
 * form pPID.TID names the TID. A hart index, or THREAD_ALL/ANY/BAD (not a hart of ours). */
static int parse_thread(const struct gdb *g, const char *text, const char **end)
{
    if (*text == 'p') { /* pPID.TID: one process, its threads */
        const char *dot = strchr(text, '.');
        if (!dot) {
            *end = text + strlen(text);
            return THREAD_ALL; /* pPID: every thread of the process */
        }
        text = dot + 1;
    }
    if (text[0] == '-' && text[1] == '1') {
        *end = text + 2;
        return THREAD_ALL;
    }
    char *stop;
    unsigned long id = strtoul(text, &stop, 16);
    *end = stop;
    if (stop == text) return THREAD_BAD;
    if (id == 0) return THREAD_ANY;
    return id <= g->m->nharts ? (int)(id - 1) : THREAD_BAD;
}

/* The stop reply for a hart: "T" signal "thread:" id ";" (GDB manual, "Stop Reply Packets"),
 * so GDB switches to the thread that stopped. */
static void send_stop_thread(struct gdb *g, int signal)
{
    char reply[48];
    snprintf(reply, sizeof reply, "T%02xthread:%x;", signal, g->m->selected + 1);
    send_packet(g, reply);
}

/* qfThreadInfo: every thread in one reply (qsThreadInfo then ends the list). */
static void serve_thread_list(struct gdb *g)
{
    char reply[8 + 4 * MACHINE_MAX_HARTS];
    size_t len = 0;
    for (unsigned h = 0; h < g->m->nharts; h++)
        len += (size_t)snprintf(reply + len, sizeof reply - len, "%c%x", h ? ',' : 'm', h + 1);
    send_packet(g, reply);
}

static void hart_description(const struct machine *m, unsigned h, char *buf, size_t len)
{
    snprintf(buf, len, "hart %u [%s]", h, m->hart[h]->wfi ? "halted" : "running");
}

/* qThreadExtraInfo,ID: what `info threads` shows in parentheses, hex-encoded. */
static void serve_thread_extra(struct gdb *g, const char *args)
{
    const char *end;
    int h = parse_thread(g, args, &end);
    if (h < 0) {
        send_packet(g, "E22");
        return;
    }
    char text[48], reply[2 * sizeof text + 1];
    hart_description(g->m, (unsigned)h, text, sizeof text);
    gdb_hex_bytes(reply, text, strlen(text));
    send_packet(g, reply);
}

/* qXfer:threads:read::OFFSET,LENGTH: the thread list, each named "hart N", its state as
 * the extra info (GDB manual, "Thread List Format"). */
static void serve_xfer_threads(struct gdb *g, const char *args)
{
    if (*args != ':') {
        send_packet(g, "E00");
        return;
    }
    char xml[128 + 96 * MACHINE_MAX_HARTS];
    size_t len = (size_t)snprintf(xml, sizeof xml, "<?xml version=\"1.0\"?>\n<threads>\n");
    for (unsigned h = 0; h < g->m->nharts; h++) /* the element's text: the extra info */
        len += (size_t)snprintf(xml + len, sizeof xml - len,
                                "<thread id=\"%x\" core=\"%u\" name=\"hart %u\">%s</thread>\n",
                                h + 1, h, h, g->m->hart[h]->wfi ? "halted" : "running");
    len += (size_t)snprintf(xml + len, sizeof xml - len, "</threads>\n");
    serve_xfer_text(g, args + 1, xml, len);
}

/* Hg (registers and memory: the selected hart) and Hc (a plain `s`). 0 (any) and -1 (all)
 * leave the choice as it is. */
static void serve_set_thread(struct gdb *g, const char *packet)
{
    const char *end;
    int h = parse_thread(g, packet + 2, &end);
    if (h == THREAD_BAD || (packet[1] != 'g' && packet[1] != 'c')) {
        send_packet(g, "E22");
        return;
    }
    if (packet[1] == 'g' && h >= 0) g->m->selected = (unsigned)h;
    if (packet[1] == 'c') g->cont_hart = h >= 0 ? h : -1;
    send_packet(g, "OK");
}

/* ---- registers and memory ---- */

static void serve_registers(struct gdb *g)
{
    static char reply[33 * 16 + 1];
    for (unsigned i = 0; i < 33; i++) {
        uint64_t v;
        gdb_read_register(&g->dbg, i, &v);
        gdb_hex_reg(reply + 16 * i, v);
    }
    send_packet(g, reply);
}

static void write_registers(struct gdb *g, const char *hex)
{
    size_t n = strlen(hex) / 16;
    for (unsigned i = 0; i < n && i < 33; i++) {
        uint64_t v;
        if (!gdb_unhex_bytes(hex + 16 * i, &v, 8)) {
            send_packet(g, "E01");
            return;
        }
        gdb_write_register(&g->dbg, i, v);
    }
    send_packet(g, "OK");
}

static void serve_memory_read(struct gdb *g, const char *args)
{
    char *end;
    uint64_t addr = strtoull(args, &end, 16);
    uint64_t len = *end == ',' ? strtoull(end + 1, NULL, 16) : 0;
    static uint8_t data[GDB_PACKET_MAX / 2];
    static char reply[GDB_PACKET_MAX + 1];
    if (len > sizeof(data) - 1) len = sizeof(data) - 1;
    if (!debugger_read_virtual(&g->dbg, addr, data, len)) {
        send_packet(g, "E14"); /* EFAULT: unmapped, or not RAM */
        return;
    }
    gdb_hex_bytes(reply, data, len);
    send_packet(g, reply);
}

static void serve_memory_write(struct gdb *g, const char *args)
{
    char *end;
    uint64_t addr = strtoull(args, &end, 16);
    uint64_t len = *end == ',' ? strtoull(end + 1, &end, 16) : 0;
    static uint8_t data[GDB_PACKET_MAX / 2];
    if (*end != ':' || len > sizeof(data) || strlen(end + 1) < 2 * len ||
        !gdb_unhex_bytes(end + 1, data, len)) {
        send_packet(g, "E01");
        return;
    }
    send_packet(g, debugger_write_virtual(&g->dbg, addr, data, len) ? "OK" : "E14");
}

/* X addr,length:DATA, DATA binary (GDB manual, "Packets" and "Overview": in binary data the
 * bytes '#', '$', '}' and '*' travel as 0x7d followed by the byte xor 0x20). `len` counts the
 * packet's bytes after the 'X': the data may hold NUL bytes. An X with length 0 is GDB's probe
 * of whether the stub takes binary writes: "OK" says it does. */
static void serve_binary_write(struct gdb *g, const char *args, size_t len)
{
    const char *colon = memchr(args, ':', len);
    char *end;
    uint64_t addr = strtoull(args, &end, 16);
    uint64_t count = *end == ',' ? strtoull(end + 1, &end, 16) : 0;
    static uint8_t data[GDB_PACKET_MAX];
    if (!colon || end != colon || count > sizeof(data)) {
        send_packet(g, "E01");
        return;
    }
    const uint8_t *in = (const uint8_t *)colon + 1, *stop = (const uint8_t *)args + len;
    uint64_t n = 0;
    while (in < stop && n < count) {
        uint8_t byte = *in++;
        if (byte == 0x7d) {
            if (in == stop) break; /* an escape with nothing after it */
            byte = *in++ ^ 0x20;
        }
        data[n++] = byte;
    }
    if (n != count || in != stop) {
        send_packet(g, "E01"); /* the data does not have the length the packet says */
        return;
    }
    send_packet(g, count == 0 || debugger_write_virtual(&g->dbg, addr, data, count) ? "OK" : "E14");
}

/* ---- monitor ---- */

static void serve_monitor(struct gdb *g, const char *hex)
{
    size_t n = strlen(hex) / 2;
    char *cmd = calloc(n + 1, 1);
    if (!cmd || !gdb_unhex_bytes(hex, cmd, n)) {
        free(cmd);
        send_packet(g, "E01");
        return;
    }
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    g->dbg.in_gdb = true;
    debugger_command(&g->dbg, cmd, out);
    fclose(out);
    free(cmd);
    /* The output as "O" packets (console output), then OK. */
    static char packet[GDB_PACKET_MAX];
    const size_t chunk = (GDB_PACKET_MAX - 2) / 2;
    for (size_t done = 0; done < size; done += chunk) {
        size_t len = size - done < chunk ? size - done : chunk;
        packet[0] = 'O';
        gdb_hex_bytes(packet + 1, text + done, len);
        send_packet(g, packet);
    }
    free(text);
    send_packet(g, "OK");
}

/* ---- run control ---- */

/* Polled while the hart runs: a 0x03 from GDB (or GDB gone) stops it. */
static bool gdb_interrupted(void *opaque)
{
    struct gdb *g = opaque;
    if (g->conn.interrupt_pending || stop_signal) return true;
    struct pollfd p = {.fd = g->conn.fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0) return false;
    uint8_t buf[64];
    ssize_t n = read(g->conn.fd, buf, sizeof(buf));
    if (n <= 0) return true; /* hung up: stop, and the packet loop sees it */
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == 0x03) return true;
    return false; /* only acks */
}

/* The stop reply: W (exited), S02 (interrupted), T05 with the watchpoint's kind and address
 * after one, or with replaylog:begin when reverse execution reached the beginning of the
 * history (GDB manual, "Stop Reply Packets"). */
static void send_stop(struct gdb *g, enum dbg_stop why, bool at_begin)
{
    char reply[96];
    unsigned thread = g->m->selected + 1; /* the hart that stopped (thread:ID, so GDB
                                             switches to it) */
    switch (why) {
    case DBG_STOP_EXITED:
        snprintf(reply, sizeof(reply), "W%02x", g->m->exit_status & 0xff);
        break;
    case DBG_STOP_INTERRUPTED: /* SIGINT */
        snprintf(reply, sizeof(reply), "T02thread:%x;", thread);
        break;
    case DBG_STOP_WATCHPOINT: {
        const struct dbg_watchpoint *w = &g->dbg.wp[g->dbg.hit_watchpoint];
        snprintf(reply, sizeof(reply), "T05thread:%x;%s:%" PRIx64 ";", thread,
                 w->on_read && w->on_write ? "awatch" : w->on_read ? "rwatch" : "watch",
                 g->dbg.hit_watch_addr);
        break;
    }
    default: /* SIGTRAP */
        snprintf(reply, sizeof(reply), "T05thread:%x;%s", thread,
                 at_begin ? "replaylog:begin;" : "");
    }
    send_packet(g, reply);
}

/* Run (steps = 0) or step, then send the stop reply. Returns false when the guest exited. */
static bool resume(struct gdb *g, uint64_t steps)
{
    g->conn.interrupt_pending = false;
    enum dbg_stop why = debugger_run(&g->dbg, steps, gdb_interrupted, g);
    /* An armed `monitor continue until ...` stays armed through GDB's steps and breakpoints
     * until its event happens. */
    if (why == DBG_STOP_EVENT) g->dbg.until = 0;
    g->conn.interrupt_pending = false;
    fflush(g->m->cfg.console);
    if (stop_signal) {
        char reply[32];
        /* "X AA": the process terminated with signal AA, so GDB reports why it lost us. */
        snprintf(reply, sizeof(reply), "X%02x", (int)stop_signal & 0xff);
        send_packet(g, reply);
        return false;
    }
    send_stop(g, why, false);
    return why != DBG_STOP_EXITED;
}

/* Reverse execution (bs, bc: GDB's reverse-stepi and reverse-continue, and reverse-finish and
 * reverse-next built on them), by time travel (emu/timetravel.h). */
static void reverse(struct gdb *g, bool step)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    bool at_begin = false;
    enum dbg_stop why = DBG_STOP_STEPPED;
    if (step) {
        if (!dbg_reverse_step(&g->dbg, 1, &at_begin, out)) why = DBG_STOP_INTERRUPTED;
    } else {
        why = dbg_reverse_continue(&g->dbg, g->dbg.until, &at_begin, out);
    }
    fclose(out);
    if (why == DBG_STOP_INTERRUPTED) { /* why, on rv39's stderr; an error for GDB */
        console_out_lines(stderr, text, size);
        send_packet(g, "E01");
    } else {
        send_stop(g, why, at_begin);
    }
    free(text);
}

/* vCont;ACTION[:THREAD]...: for each hart the leftmost action naming it applies, a hart no
 * action names stays where it is (GDB manual, "Packets": vCont). c/C continue, s/S step
 * (the signal is not delivered: a hart has no signals), t stops. All-stop: the first stop
 * on any hart stops them all. One stepping hart at most moves by exactly one instruction;
 * the continuing harts step along with it, one instruction each per round. */
static bool serve_vcont(struct gdb *g, const char *args)
{
    struct machine *m = g->m;
    char action[MACHINE_MAX_HARTS] = {0};
    while (*args == ';') {
        char a = args[1];
        if (!a) break; /* "vCont;" with no action: refused below */
        args += 2;
        if (a == 'C' || a == 'S') {
            char *end;
            strtoul(args, &end, 16); /* the signal */
            args = end;
            a = a == 'C' ? 'c' : 's';
        } else if (a != 'c' && a != 's' && a != 't') {
            send_packet(g, "E01");
            return true;
        }
        int t = THREAD_ALL;
        if (*args == ':') {
            t = parse_thread(g, args + 1, &args);
            if (t == THREAD_BAD) {
                send_packet(g, "E22");
                return true;
            }
            if (t == THREAD_ANY) t = (int)m->selected;
        }
        for (unsigned h = 0; h < m->nharts; h++)
            if (!action[h] && (t == THREAD_ALL || t == (int)h)) action[h] = a;
    }
    int stepper = -1, mover = -1;
    unsigned held = 0;
    for (unsigned h = 0; h < m->nharts; h++) {
        if (action[h] == 's' && stepper < 0) stepper = (int)h;
        if (action[h] == 's' || action[h] == 'c') {
            if (mover < 0 || h == m->selected) mover = (int)h;
        } else {
            held |= 1u << h;
        }
    }
    if (*args || mover < 0) { /* garbage, or nothing to resume */
        send_packet(g, "E01");
        return true;
    }
    m->selected = (unsigned)(stepper >= 0 ? stepper : mover);
    g->dbg.held = held;
    return resume(g, stepper >= 0 ? 1 : 0);
}
static void serve_breakpoint(struct gdb *g, const char *packet)
{
    /* Z0,addr,kind / z0,addr,kind; hardware breakpoints (Z1) are the same pc check.
     * Z2/Z3/Z4,addr,len: write, read, access watchpoints, the debugger's (checked by
     * decoding each instruction before it runs: the hart steps while one is set). */
    bool insert = packet[0] == 'Z';
    char type = packet[1];
    if (type < '0' || type > '4' || packet[2] != ',') {
        send_packet(g, "");
        return;
    }
    char *end;
    uint64_t addr = strtoull(packet + 3, &end, 16);
    if (type >= '2') {
        uint64_t len = *end == ',' ? strtoull(end + 1, NULL, 16) : 0;
        bool on_read = type != '2', on_write = type != '3';
        if (len == 0 || len > 4096) {
            send_packet(g, "E01");
        } else if (insert) {
            send_packet(g, debugger_add_watchpoint(&g->dbg, addr, len, on_read, on_write) >= 0
                               ? "OK"
                               : "E0c");
        } else {
            debugger_remove_watchpoint_at(&g->dbg, addr, on_read, on_write);
            send_packet(g, "OK");
        }
        return;
    }
    if (insert)
        send_packet(g, debugger_add_breakpoint(&g->dbg, addr) >= 0 ? "OK" : "E0c");
    else {
        debugger_remove_breakpoint_at(&g->dbg, addr);
        send_packet(g, "OK");
    }
}

enum session_end {
    SESSION_DETACHED, /* 'D' */
    SESSION_LOST,     /* GDB hung up or vanished: a detach, said out loud */
    SESSION_KILLED,
    SESSION_EXITED,
    SESSION_SIGNALLED, /* SIGINT/SIGTERM to rv39 */
};

static enum session_end serve_session(struct gdb *g)
{
    static char packet[GDB_PACKET_MAX + 1];
    for (;;) {
        if (stop_signal) return SESSION_SIGNALLED;
        if (g->conn.lost) return SESSION_LOST;
        int len = gdb_read_packet(&g->conn, packet, sizeof(packet));
        if (len < 0) return stop_signal ? SESSION_SIGNALLED : SESSION_LOST;
        char reply[64];
        switch (packet[0]) {
        case '?': send_stop_thread(g, 5); break;
        case 'g': serve_registers(g); break;
        case 'G': write_registers(g, packet + 1); break;
        case 'p': {
            uint64_t v;
            if (gdb_read_register(&g->dbg, (unsigned)strtoul(packet + 1, NULL, 16), &v)) {
                gdb_hex_reg(reply, v);
                send_packet(g, reply);
            } else {
                send_packet(g, "E01");
            }
            break;
        }
        case 'P': {
            char *eq;
            unsigned n = (unsigned)strtoul(packet + 1, &eq, 16);
            uint64_t v;
            bool ok = *eq == '=' && strlen(eq + 1) >= 16 && gdb_unhex_bytes(eq + 1, &v, 8) &&
                      gdb_write_register(&g->dbg, n, v);
            send_packet(g, ok ? "OK" : "E01");
            break;
        }
        case 'm': serve_memory_read(g, packet + 1); break;
        case 'M': serve_memory_write(g, packet + 1); break;
        case 'X': serve_binary_write(g, packet + 1, (size_t)len - 1); break;
        case 'Z':
        case 'z': serve_breakpoint(g, packet); break;
        case 's':
        case 'c':
            /* A plain s steps Hc's thread alone; c runs every hart. */
            if (packet[0] == 's' && g->cont_hart >= 0) g->m->selected = (unsigned)g->cont_hart;
            g->dbg.held = packet[0] == 's' ? ~0u : 0;
            if (packet[1]) /* resume address */
                machine_selected(g->m)->pc = strtoull(packet + 1, NULL, 16);
            if (!resume(g, packet[0] == 's' ? 1 : 0))
                return stop_signal ? SESSION_SIGNALLED : SESSION_EXITED;
            break;
        case 'b': /* bs, bc: reverse step and continue */
            if (packet[1] == 's' || packet[1] == 'c')
                reverse(g, packet[1] == 's');
            else
                send_packet(g, "");
            break;
        case 'k': return SESSION_KILLED;
        case 'D': send_packet(g, "OK"); return SESSION_DETACHED;
        case 'H': serve_set_thread(g, packet); break;
        case 'T': { /* is the thread alive: every hart is */
            const char *end;
            send_packet(g, parse_thread(g, packet + 1, &end) >= 0 ? "OK" : "E22");
            break;
        }
        case 'q':
            if (strncmp(packet, "qSupported", 10) == 0)
                /* Time travel (a recorded run) follows one hart: no reverse execution with
                 * several. */
                send_packet(g, g->m->rr && g->m->nharts == 1
                                   ? "PacketSize=4000;qXfer:features:read+;qXfer:threads:read+;"
                                     "ReverseStep+;ReverseContinue+"
                                   : "PacketSize=4000;qXfer:features:read+;qXfer:threads:read+");
            else if (strncmp(packet, "qXfer:features:read:", 20) == 0)
                serve_xfer(g, packet + 20);
            else if (strncmp(packet, "qXfer:threads:read:", 19) == 0)
                serve_xfer_threads(g, packet + 19);
            else if (strncmp(packet, "qThreadExtraInfo,", 17) == 0)
                serve_thread_extra(g, packet + 17);
            else if (strncmp(packet, "qRcmd,", 6) == 0)
                serve_monitor(g, packet + 6);
            else if (strcmp(packet, "qAttached") == 0)
                send_packet(g, "1");
            else if (strcmp(packet, "qC") == 0) {
                snprintf(reply, sizeof reply, "QC%x", g->m->selected + 1);
                send_packet(g, reply);
            } else if (strcmp(packet, "qfThreadInfo") == 0)
                serve_thread_list(g);
            else if (strcmp(packet, "qsThreadInfo") == 0)
                send_packet(g, "l");
            else if (strncmp(packet, "qSymbol", 7) == 0)
                send_packet(g, "OK");
            else
                send_packet(g, "");
            break;
        case 'v':
            if (strncmp(packet, "vKill", 5) == 0) {
                send_packet(g, "OK");
                return SESSION_KILLED;
            }
            if (strcmp(packet, "vCont?") == 0) {
                send_packet(g, "vCont;c;C;s;S;t");
            } else if (strncmp(packet, "vCont;", 6) == 0) {
                if (!serve_vcont(g, packet + 5))
                    return stop_signal ? SESSION_SIGNALLED : SESSION_EXITED;
            } else {
                send_packet(g, ""); /* vMustReplyEmpty and the rest */
            }
            break;
        default: send_packet(g, ""); break;
        }
    }
}

static int open_listener(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    /* Loopback only: a debugger port is not something to offer the network. */
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool connection_waiting(void *opaque)
{
    struct gdb *g = opaque;
    if (stop_signal) return true;
    struct pollfd p = {.fd = g->listen_fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

/* false: a stop signal came first, or accept failed. */
static bool accept_gdb(struct gdb *g)
{
    int fd;
    do
        fd = gdb_wait_readable(g->listen_fd, &stop_signal) ? accept(g->listen_fd, NULL, NULL) : -1;
    while (fd < 0 && errno == EINTR && !stop_signal);
    if (fd < 0) return false;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    g->conn.fd = fd;
    g->conn.in_len = g->conn.in_pos = 0;
    g->conn.lost = false;
    return true;
}

/* Breakpoints and watchpoints belong to the debugger that set them; the guest runs on
 * without them, every hart (whatever the last vCont held). */
static void forget_breakpoints(struct gdb *g)
{
    g->dbg.held = 0;
    g->cont_hart = -1;
    for (int i = 0; i < DBG_MAX_BREAKPOINTS; i++)
        g->dbg.bp[i].used = false;
    for (int i = 0; i < DBG_MAX_WATCHPOINTS; i++)
        g->dbg.wp[i].used = false;
    g->dbg.nbp = g->dbg.nwp = 0;
}

bool gdbstub_serve_fd(struct machine *m, int fd, FILE *trace)
{
    static struct gdb g; /* as in gdbstub_main: the buffers stay off the stack */
    memset(&g, 0, sizeof(g));
    g.m = m;
    g.conn.fd = fd;
    g.conn.stop_signal = &stop_signal;
    g.listen_fd = -1;
    g.cont_hart = -1;
    g.xml_len = gdb_target_xml(g.xml, sizeof(g.xml));
    debugger_init(&g.dbg, m, trace);
    g.dbg.in_gdb = true;
    enum session_end end = serve_session(&g);
    debugger_detach(&g.dbg);
    return end == SESSION_EXITED;
}

int gdbstub_main(struct machine *m, int port, bool start_halted)
{
    static struct gdb g; /* holds the debugger and buffers: off the stack */
    memset(&g, 0, sizeof(g));
    g.m = m;
    g.conn.fd = -1;
    g.conn.stop_signal = &stop_signal;
    g.cont_hart = -1;
    g.listen_fd = open_listener(port);
    if (g.listen_fd < 0) {
        fprintf(stderr, "rv39: -gdb %d: cannot listen on 127.0.0.1:%d: %s\n", port, port,
                strerror(errno));
        return 2;
    }
    g.xml_len = gdb_target_xml(g.xml, sizeof(g.xml));
    debugger_init(&g.dbg, m, stderr); /* `monitor trace mmu on` lines go to rv39's stderr */
    g.dbg.in_gdb = true;
    machine_start(m);
    machine_console_begin();
    catch_stop_signals(); /* Ctrl-C or SIGTERM to rv39 stops it, as QEMU stops */
    fprintf(stderr, "rv39: waiting for gdb on 127.0.0.1:%d (target remote :%d)\n", port, port);

    bool exited = false, killed = false;
    while (!exited && !killed && !stop_signal) {
        if (!start_halted) {
            /* Run until GDB connects (its arrival stops the hart) or the guest is done. */
            if (debugger_run(&g.dbg, 0, connection_waiting, &g) == DBG_STOP_EXITED) {
                exited = true;
                break;
            }
            if (stop_signal) break;
        }
        if (!accept_gdb(&g)) break;
        enum session_end end = serve_session(&g);
        switch (end) {
        case SESSION_EXITED: exited = true; break;
        case SESSION_KILLED: killed = true; break;
        case SESSION_SIGNALLED: break;
        case SESSION_LOST:
        case SESSION_DETACHED:
            /* QEMU, too, treats a vanished client as one that detached. */
            if (end == SESSION_LOST)
                console_out_lines(stderr, LOST_NOTE, sizeof LOST_NOTE - 1); /* a line of its own */
            forget_breakpoints(&g);
            start_halted = false;
            break;
        }
        close(g.conn.fd);
        g.conn.fd = -1;
    }
    close(g.listen_fd);
    debugger_detach(&g.dbg);
    if (stop_signal && !exited) {
        console_out_end_guest_line();
        fprintf(stderr, "rv39: stopped by signal %d\n", (int)stop_signal);
        m->exit_status = 128 + stop_signal;
        m->stop = true;
        killed = false;
    }
    release_stop_signals();
    machine_console_end(m);
    return killed ? 0 : m->exit_status;
}
