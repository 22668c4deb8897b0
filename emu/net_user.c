/* User-mode networking through libslirp (emu/net_user.h). The addresses are QEMU's defaults
 * for `-netdev user` (qemu-options.hx, net/slirp.c), so guests and habits carry over. */
#include "net_user.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "options.h"

#define GUEST_DEFAULT "10.0.2.15"
#define MAX_TIMERS 4 /* libslirp 4.7 has one timer kind (IPv6 router advertisements) */

struct net_timer {
    bool used;
    SlirpTimerId id;
    void *cb_opaque;
    int64_t expire_ms; /* -1: not armed */
};

struct net_user {
    Slirp *slirp;
    bool (*receive)(void *opaque, const uint8_t *frame, size_t len);
    void *opaque;
    struct net_timer timers[MAX_TIMERS];
};

/* --- the command line --- */

static bool parse_port(const char *s, size_t len, uint16_t *port)
{
    if (len == 0 || len > 5) return false;
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v < 1 || v > 65535) return false;
    *port = (uint16_t)v;
    return true;
}

/* "[ADDR]:PORT" with the colon at `colon`; an empty ADDR keeps *addr. */
static bool parse_endpoint(const char *s, size_t len, struct in_addr *addr, uint16_t *port)
{
    const char *colon = memchr(s, ':', len);
    if (!colon) return false;
    size_t alen = (size_t)(colon - s);
    if (alen) {
        char buf[INET_ADDRSTRLEN];
        if (alen >= sizeof buf) return false;
        memcpy(buf, s, alen);
        buf[alen] = '\0';
        if (inet_pton(AF_INET, buf, addr) != 1) return false;
    }
    return parse_port(colon + 1, len - alen - 1, port);
}

bool net_parse_hostfwd(const char *text, struct hostfwd *fwd, char *problem, size_t problem_len)
{
    *fwd = (struct hostfwd){.host_addr.s_addr = htonl(INADDR_ANY)};
    inet_pton(AF_INET, GUEST_DEFAULT, &fwd->guest_addr);
    const char *colon = strchr(text, ':');
    const char *dash = strchr(text, '-');
    if (!colon || !dash || dash < colon) goto syntax;
    size_t plen = (size_t)(colon - text);
    if (plen == 3 && strncmp(text, "udp", 3) == 0)
        fwd->udp = true;
    else if (!(plen == 0 || (plen == 3 && strncmp(text, "tcp", 3) == 0)))
        goto syntax;
    const char *host = colon + 1;
    if (!parse_endpoint(host, (size_t)(dash - host), &fwd->host_addr, &fwd->host_port) ||
        !parse_endpoint(dash + 1, strlen(dash + 1), &fwd->guest_addr, &fwd->guest_port))
        goto syntax;
    return true;
syntax:
    snprintf(problem, problem_len,
             "hostfwd=%s: expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT", text);
    return false;
}

bool net_user_parse(const char *text, struct netdev_config *cfg, bool id_required, char *problem,
                    size_t problem_len)
{
    *cfg = (struct netdev_config){0};
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        if (!eq) {
            snprintf(problem, problem_len, "expected KEY=VALUE, got '%.*s'", (int)len, p);
            return false;
        }
        size_t klen = (size_t)(eq - p), vlen = len - klen - 1;
        char value[128];
        if (vlen >= sizeof value) {
            snprintf(problem, problem_len, "'%.*s': value too long", (int)len, p);
            return false;
        }
        memcpy(value, eq + 1, vlen);
        value[vlen] = '\0';
#define KEY_IS(k) (klen == strlen(k) && strncmp(p, k, klen) == 0)
        if (KEY_IS("id")) {
            if (vlen == 0 || vlen >= sizeof cfg->id) {
                snprintf(problem, problem_len, "id= must be 1 to %d characters", NET_ID_MAX - 1);
                return false;
            }
            strcpy(cfg->id, value);
        } else if (KEY_IS("hostfwd")) {
            if (cfg->fwd_count == NET_MAX_HOSTFWD) {
                snprintf(problem, problem_len, "at most %d hostfwd rules", NET_MAX_HOSTFWD);
                return false;
            }
            if (!net_parse_hostfwd(value, &cfg->fwd[cfg->fwd_count], problem, problem_len))
                return false;
            cfg->fwd_count++;
        } else if (KEY_IS("restrict")) {
            if (!options_parse_bool(value, &cfg->restricted)) {
                snprintf(problem, problem_len, "restrict=%s: expected on or off", value);
                return false;
            }
        } else {
            snprintf(problem, problem_len, "unknown key '%.*s' (known: id, hostfwd, restrict)",
                     (int)klen, p);
            return false;
        }
#undef KEY_IS
        p += len;
        if (*p == ',') {
            p++;
            if (!*p) {
                snprintf(problem, problem_len, "empty field at the end");
                return false;
            }
        }
    }
    if (id_required && !cfg->id[0]) {
        snprintf(problem, problem_len, "id= is missing");
        return false;
    }
    return true;
}

/* --- libslirp's callbacks --- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_user *u = opaque;
    u->receive(u->opaque, buf, len); /* a frame the guest cannot take is dropped */
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    (void)msg; /* the guest's own mistake: nothing the host's user needs to see */
    (void)opaque;
}

static int64_t cb_clock_get_ns(void *opaque)
{
    (void)opaque;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct net_user *u = opaque;
    for (unsigned i = 0; i < MAX_TIMERS; i++)
        if (!u->timers[i].used) {
            u->timers[i] = (struct net_timer){true, id, cb_opaque, -1};
            return &u->timers[i];
        }
    return NULL;
}

static void cb_timer_free(void *timer, void *opaque)
{
    (void)opaque;
    if (timer) ((struct net_timer *)timer)->used = false;
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    if (timer) ((struct net_timer *)timer)->expire_ms = expire_ms;
}

static void cb_nothing_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void cb_notify(void *opaque)
{
    (void)opaque;
}

static const SlirpCb callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_nothing_fd,
    .unregister_poll_fd = cb_nothing_fd,
    .notify = cb_notify,
    .timer_new_opaque = cb_timer_new_opaque,
};

struct net_user *net_user_new(const struct netdev_config *cfg,
                              bool (*receive)(void *opaque, const uint8_t *frame, size_t len),
                              void *opaque)
{
    struct net_user *u = calloc(1, sizeof(*u));
    if (!u) {
        fprintf(stderr, "rv39: netdev: out of memory\n");
        return NULL;
    }
    u->receive = receive;
    u->opaque = opaque;
    /* slirp writes to the host sockets with plain send(): a host peer that reset its end of a
     * connection would raise SIGPIPE, whose default action ends rv39 without a word. Ignored,
     * the write fails with EPIPE and slirp closes the guest's side (QEMU ignores it too). */
    signal(SIGPIPE, SIG_IGN);
    SlirpConfig sc = {
        .version = 4,
        .restricted = cfg->restricted,
        .in_enabled = true,
        .in6_enabled = true,
        .vprefix_len = 64,
        .vhostname = NULL,
        .if_mtu = 0, /* libslirp's defaults: 1500 */
        .if_mru = 0,
    };
    inet_pton(AF_INET, "10.0.2.0", &sc.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &sc.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &sc.vhost);
    inet_pton(AF_INET, GUEST_DEFAULT, &sc.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &sc.vnameserver);
    inet_pton(AF_INET6, "fec0::", &sc.vprefix_addr6);
    inet_pton(AF_INET6, "fec0::2", &sc.vhost6);
    inet_pton(AF_INET6, "fec0::3", &sc.vnameserver6);
    u->slirp = slirp_new(&sc, &callbacks, u);
    if (!u->slirp) {
        fprintf(stderr, "rv39: netdev %s: cannot start user-mode networking\n", cfg->id);
        free(u);
        return NULL;
    }
    for (unsigned i = 0; i < cfg->fwd_count; i++) {
        const struct hostfwd *f = &cfg->fwd[i];
        if (slirp_add_hostfwd(u->slirp, f->udp, f->host_addr, f->host_port, f->guest_addr,
                              f->guest_port) < 0) {
            char host[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &f->host_addr, host, sizeof host);
            fprintf(stderr, "rv39: hostfwd %s:%s:%u: cannot listen there: %s\n",
                    f->udp ? "udp" : "tcp", host, f->host_port, strerror(errno));
            net_user_free(u);
            return NULL;
        }
    }
    return u;
}

void net_user_free(struct net_user *u)
{
    if (!u) return;
    slirp_cleanup(u->slirp);
    free(u);
}

void net_user_send(void *opaque, const uint8_t *frame, size_t len)
{
    struct net_user *u = opaque;
    slirp_input(u->slirp, frame, (int)len);
}

/* --- polling --- */

struct fill_ctx {
    struct pollfd **fds;
    unsigned *count, *cap;
    bool ok;
};

static int add_poll(int fd, int events, void *opaque)
{
    struct fill_ctx *c = opaque;
    if (*c->count == *c->cap) {
        unsigned cap = *c->cap ? *c->cap * 2 : 16;
        struct pollfd *grown = realloc(*c->fds, cap * sizeof(**c->fds));
        if (!grown) {
            c->ok = false;
            return -1;
        }
        *c->fds = grown;
        *c->cap = cap;
    }
    short ev = 0;
    if (events & SLIRP_POLL_IN) ev |= POLLIN;
    if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
    (*c->fds)[*c->count] = (struct pollfd){.fd = fd, .events = ev};
    return (int)(*c->count)++;
}

bool net_user_fill(struct net_user *u, struct pollfd **fds, unsigned *count, unsigned *cap,
                   uint32_t *timeout_ms)
{
    struct fill_ctx c = {fds, count, cap, true};
    slirp_pollfds_fill(u->slirp, timeout_ms, add_poll, &c);
    int64_t now_ms = cb_clock_get_ns(NULL) / 1000000;
    for (unsigned i = 0; i < MAX_TIMERS; i++) {
        const struct net_timer *t = &u->timers[i];
        if (!t->used || t->expire_ms < 0) continue;
        int64_t wait = t->expire_ms > now_ms ? t->expire_ms - now_ms : 0;
        if ((uint64_t)wait < *timeout_ms) *timeout_ms = (uint32_t)wait;
    }
    return c.ok;
}

struct revents_ctx {
    const struct pollfd *fds;
};

static int get_revents(int idx, void *opaque)
{
    const struct revents_ctx *c = opaque;
    if (idx < 0) return 0;
    short r = c->fds[idx].revents;
    int out = 0;
    if (r & POLLIN) out |= SLIRP_POLL_IN;
    if (r & POLLOUT) out |= SLIRP_POLL_OUT;
    if (r & POLLPRI) out |= SLIRP_POLL_PRI;
    if (r & POLLERR) out |= SLIRP_POLL_ERR;
    if (r & POLLHUP) out |= SLIRP_POLL_HUP;
    return out;
}

void net_user_dispatch(struct net_user *u, const struct pollfd *fds, bool poll_failed)
{
    struct revents_ctx c = {fds};
    slirp_pollfds_poll(u->slirp, poll_failed, get_revents, &c);
    int64_t now_ms = cb_clock_get_ns(NULL) / 1000000;
    for (unsigned i = 0; i < MAX_TIMERS; i++) {
        struct net_timer *t = &u->timers[i];
        if (t->used && t->expire_ms >= 0 && t->expire_ms <= now_ms) {
            t->expire_ms = -1;
            slirp_handle_timer(u->slirp, t->id, t->cb_opaque);
        }
    }
}
