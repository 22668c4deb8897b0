/* The GDB remote protocol's packet layer for the stub (emu/gdbstub.c): GDB manual, appendix
 * "Remote Protocol", "Overview" and "Packets". Packets are "$data#cc" with cc the modulo-256
 * sum of data in hex; each received packet is acknowledged with '+' (a bad checksum with '-').
 * GDB's own '+' acks are skipped when reading. A 0x03 byte is an interrupt request. Registers
 * and memory travel hex-encoded, target-endian (little-endian).
 *
 * Containment: a write to a client that vanished (even in the middle of a reply) marks the
 * connection lost, never raises SIGPIPE; no wait blocks for more than 100 ms without looking
 * at the stop signal, so SIGINT/SIGTERM end it whatever GDB does. */
#ifndef RV39_GDB_PACKET_H
#define RV39_GDB_PACKET_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GDB_PACKET_MAX 16384 /* what the stub advertises as PacketSize (0x4000) */

/* One connection to GDB. */
struct gdb_conn {
    int fd;
    uint8_t in[4096];
    size_t in_len, in_pos;
    bool interrupt_pending; /* a 0x03 arrived while reading */
    bool lost;              /* a write failed: GDB is gone (treated as a detach) */
    /* Nonzero once SIGINT or SIGTERM came (the stub's handler sets it): waits end. */
    const volatile sig_atomic_t *stop_signal;
};

/* Wait until fd is readable (true) or a stop signal came (false). */
bool gdb_wait_readable(int fd, const volatile sig_atomic_t *stop_signal);
/* All of it, or false (and `lost` set) when GDB is gone. */
bool gdb_write_all(struct gdb_conn *c, const void *data, size_t len);
/* One packet of `len` bytes of data (at most GDB_PACKET_MAX: the rest is cut). */
bool gdb_send_packet_len(struct gdb_conn *c, const char *data, size_t len);
bool gdb_send_packet(struct gdb_conn *c, const char *data);
/* The next packet's data, NUL-terminated (cut to cap - 1 bytes), acknowledged; the length,
 * or -1 when GDB hung up or a stop signal came. */
int gdb_read_packet(struct gdb_conn *c, char *buf, size_t cap);

/* `len` bytes as 2 * len lower-case hex digits and a NUL. */
void gdb_hex_bytes(char *out, const void *data, size_t len);
/* 2 * len hex digits (either case) into `len` bytes; false at the first that is not one. */
bool gdb_unhex_bytes(const char *in, void *data, size_t len);
/* A 64-bit register as target-endian (little-endian) hex: 16 digits and a NUL. */
void gdb_hex_reg(char *out, uint64_t value);

#endif
