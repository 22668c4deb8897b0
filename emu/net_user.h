/* User-mode networking (QEMU's `-netdev user`) through Debian's libslirp: a private IPv4
 * network 10.0.2.0/24 behind a NAT made of host sockets. The guest gets 10.0.2.15 by DHCP,
 * the gateway 10.0.2.2 (which is also the host's loopback: 10.0.2.2:PORT reaches
 * 127.0.0.1:PORT), DNS at 10.0.2.3, and IPv6 fec0::/64; `hostfwd` rules forward host ports
 * to the guest. As in QEMU, the host side is unprivileged sockets, so ICMP beyond the gateway
 * and raw packets do not leave the host.
 *
 * The stack runs in the machine's thread: net_user_poll is called between the hart's
 * slices (and while it idles in wfi) with the host's ready sockets and slirp's timers. */
#ifndef RV39_NET_USER_H
#define RV39_NET_USER_H

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_MAX_HOSTFWD 8
#define NET_ID_MAX 32

/* hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT */
struct hostfwd {
    bool udp;
    struct in_addr host_addr;  /* default 0.0.0.0 (every host address), as in QEMU */
    struct in_addr guest_addr; /* default 10.0.2.15, the address DHCP hands out */
    uint16_t host_port, guest_port;
};

/* -netdev user,id=ID[,hostfwd=RULE]...[,restrict=on|off] */
struct netdev_config {
    char id[NET_ID_MAX];
    bool restricted; /* restrict=on: the guest reaches only the host's forwarded ports */
    struct hostfwd fwd[NET_MAX_HOSTFWD];
    unsigned fwd_count;
};

/* Parse the part after "user," (or after "user" with nothing). On failure writes a short
 * phrase to `problem`. `id_required`: -netdev needs id=, -nic does not. */
bool net_user_parse(const char *text, struct netdev_config *cfg, bool id_required, char *problem,
                    size_t problem_len);
/* One hostfwd rule. */
bool net_parse_hostfwd(const char *text, struct hostfwd *fwd, char *problem, size_t problem_len);

struct net_user;
/* Start the stack; frames for the guest go to receive(opaque, frame, len). Prints one line
 * and returns NULL on failure (a forwarded port already taken). */
struct net_user *net_user_new(const struct netdev_config *cfg,
                              bool (*receive)(void *opaque, const uint8_t *frame, size_t len),
                              void *opaque);
void net_user_free(struct net_user *u);
/* A frame the guest sent. */
void net_user_send(void *u, const uint8_t *frame, size_t len);

/* Polling, in three steps so the machine can wait on its own descriptors too:
 * net_user_fill appends the stack's descriptors to *fds (growing it; *count entries used,
 * *cap allocated) and lowers *timeout_ms to its next timer; after poll(2),
 * net_user_dispatch hands the results back and runs the timers that are due. */
bool net_user_fill(struct net_user *u, struct pollfd **fds, unsigned *count, unsigned *cap,
                   uint32_t *timeout_ms);
void net_user_dispatch(struct net_user *u, const struct pollfd *fds, bool poll_failed);

#endif
