/* The command line's virtio devices beyond disks (emu/options.h): QEMU's spellings
 *   -device virtio-rng-device[,bus=virtio-mmio-bus.N]
 *   -device virtio-keyboard-device[,bus=...], -device virtio-tablet-device[,bus=...]
 *   -device virtio-gpu-device[,bus=...]
 *   -netdev user,id=ID[,hostfwd=RULE]...[,restrict=on|off]
 *   -device virtio-net-device,netdev=ID[,mac=52:54:00:12:34:56][,bus=virtio-mmio-bus.N]
 *   -nic user[,hostfwd=RULE]...[,restrict=on|off][,model=virtio-net-device][,mac=MAC]
 * (qemu-options.hx). Unknown keys are errors. */
#include <stdio.h>
#include <string.h>

#include "options.h"

/* QEMU's first NIC address; the n-th card gets 52:54:00:12:34:56 + n. */
static const uint8_t default_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "xx:xx:xx:xx:xx:xx", a unicast address (bit 0 of the first byte clear). */
static bool parse_mac(const char *s, size_t len, uint8_t mac[6])
{
    if (len != 17) return false;
    for (unsigned i = 0; i < 6; i++) {
        int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':')) return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return !(mac[0] & 1);
}

/* "bus=virtio-mmio-bus.N" */
static bool parse_bus(const char *p, size_t len, int *slot)
{
    if (len != 21 || strncmp(p, "bus=virtio-mmio-bus.", 20) != 0 || p[20] < '0' || p[20] > '7')
        return false;
    *slot = p[20] - '0';
    return true;
}

static struct nic_config *new_nic(struct options *opts, char *problem, size_t problem_len)
{
    struct machine_config *mc = &opts->machine;
    if (mc->nic_count == MACHINE_MAX_NICS) {
        snprintf(problem, problem_len, "at most %d network cards", MACHINE_MAX_NICS);
        return NULL;
    }
    struct nic_config *nic = &mc->nics[mc->nic_count];
    *nic = (struct nic_config){.slot = -1};
    memcpy(nic->mac, default_mac, 6);
    nic->mac[5] = (uint8_t)(nic->mac[5] + mc->nic_count);
    return nic;
}

/* A device whose only key is bus=: *present and *slot get it. */
static bool parse_plain_device(const char *name, const char *args, bool *present, int *slot,
                               char *problem, size_t problem_len)
{
    *slot = -1;
    for (const char *p = args; *p == ',';) {
        p++;
        size_t len = strcspn(p, ",");
        if (!parse_bus(p, len, slot)) {
            snprintf(problem, problem_len, "'%.*s': expected bus=virtio-mmio-bus.N", (int)len, p);
            return false;
        }
        p += len;
    }
    if (*present) {
        snprintf(problem, problem_len, "only one %s", name);
        return false;
    }
    *present = true;
    return true;
}

bool options_parse_rng_device(const char *args, struct options *opts, char *problem,
                              size_t problem_len)
{
    return parse_plain_device("virtio-rng-device", args, &opts->machine.rng,
                              &opts->machine.rng_slot, problem, problem_len);
}

bool options_parse_gpu_device(const char *args, struct options *opts, char *problem,
                              size_t problem_len)
{
    return parse_plain_device("virtio-gpu-device", args, &opts->machine.gpu,
                              &opts->machine.gpu_slot, problem, problem_len);
}

bool options_parse_input_device(const char *args, bool tablet, struct options *opts, char *problem,
                                size_t problem_len)
{
    struct machine_config *mc = &opts->machine;
    return tablet ? parse_plain_device("virtio-tablet-device", args, &mc->tablet, &mc->tablet_slot,
                                       problem, problem_len)
                  : parse_plain_device("virtio-keyboard-device", args, &mc->keyboard,
                                       &mc->keyboard_slot, problem, problem_len);
}

bool options_parse_net_device(const char *args, struct options *opts, char *problem,
                              size_t problem_len)
{
    struct nic_config *nic = new_nic(opts, problem, problem_len);
    if (!nic) return false;
    char netdev[NET_ID_MAX] = "";
    for (const char *p = args; *p == ',';) {
        p++;
        size_t len = strcspn(p, ",");
        if (strncmp(p, "netdev=", 7) == 0 && len > 7 && len - 7 < sizeof netdev) {
            memcpy(netdev, p + 7, len - 7);
            netdev[len - 7] = '\0';
        } else if (strncmp(p, "mac=", 4) == 0) {
            if (!parse_mac(p + 4, len - 4, nic->mac)) {
                snprintf(problem, problem_len, "'%.*s': expected a unicast xx:xx:xx:xx:xx:xx",
                         (int)len, p);
                return false;
            }
        } else if (!parse_bus(p, len, &nic->slot)) {
            snprintf(problem, problem_len,
                     "'%.*s': expected netdev=ID, mac=MAC or bus=virtio-mmio-bus.N", (int)len, p);
            return false;
        }
        p += len;
    }
    if (!netdev[0]) {
        snprintf(problem, problem_len, "netdev=ID is missing");
        return false;
    }
    /* The -netdev may come later on the line: options_finish_network binds it. */
    strcpy(opts->nic_netdev[opts->machine.nic_count], netdev);
    opts->machine.nic_count++;
    return true;
}

bool options_parse_netdev(const char *text, struct options *opts, char *problem, size_t problem_len)
{
    if (strncmp(text, "user", 4) != 0 || (text[4] != ',' && text[4] != '\0')) {
        snprintf(problem, problem_len, "only the user backend is supported (-netdev user,id=ID)");
        return false;
    }
    if (opts->netdev_count == OPTIONS_MAX_NETDEVS) {
        snprintf(problem, problem_len, "at most %d -netdev", OPTIONS_MAX_NETDEVS);
        return false;
    }
    struct netdev_config *nd = &opts->netdevs[opts->netdev_count];
    if (!net_user_parse(text[4] ? text + 5 : "", nd, true, problem, problem_len)) return false;
    for (unsigned i = 0; i < opts->netdev_count; i++)
        if (strcmp(opts->netdevs[i].id, nd->id) == 0) {
            snprintf(problem, problem_len, "id=%s is used twice", nd->id);
            return false;
        }
    opts->netdev_count++;
    return true;
}

bool options_parse_nic(const char *text, struct options *opts, char *problem, size_t problem_len)
{
    if (strncmp(text, "user", 4) != 0 || (text[4] != ',' && text[4] != '\0')) {
        snprintf(problem, problem_len, "only the user backend is supported (-nic user)");
        return false;
    }
    struct nic_config *nic = new_nic(opts, problem, problem_len);
    if (!nic) return false;
    /* model= and mac= belong to the card, the rest to the network: split them. */
    char rest[512] = "";
    size_t used = 0;
    for (const char *p = text + 4; *p == ',';) {
        p++;
        size_t len = strcspn(p, ",");
        if (strncmp(p, "model=", 6) == 0) {
            if (len != 6 + strlen("virtio-net-device") ||
                strncmp(p + 6, "virtio-net-device", len - 6) != 0) {
                snprintf(problem, problem_len, "'%.*s': the model is virtio-net-device", (int)len,
                         p);
                return false;
            }
        } else if (strncmp(p, "mac=", 4) == 0) {
            if (!parse_mac(p + 4, len - 4, nic->mac)) {
                snprintf(problem, problem_len, "'%.*s': expected a unicast xx:xx:xx:xx:xx:xx",
                         (int)len, p);
                return false;
            }
        } else {
            if (used + len + 2 > sizeof rest) {
                snprintf(problem, problem_len, "too long");
                return false;
            }
            used += (size_t)snprintf(rest + used, sizeof rest - used, "%s%.*s", used ? "," : "",
                                     (int)len, p);
        }
        p += len;
    }
    if (!net_user_parse(rest, &nic->netdev, false, problem, problem_len)) return false;
    opts->nic_netdev[opts->machine.nic_count][0] = '\0'; /* its own network, already bound */
    opts->machine.nic_count++;
    return true;
}

bool options_finish_network(struct options *opts, char *problem, size_t problem_len)
{
    bool used[OPTIONS_MAX_NETDEVS] = {false};
    for (unsigned i = 0; i < opts->machine.nic_count; i++) {
        const char *id = opts->nic_netdev[i];
        if (!id[0]) continue; /* -nic */
        unsigned k = 0;
        while (k < opts->netdev_count && strcmp(opts->netdevs[k].id, id) != 0)
            k++;
        if (k == opts->netdev_count) {
            snprintf(problem, problem_len, "-device virtio-net-device: no -netdev with id=%s", id);
            return false;
        }
        if (used[k]) {
            snprintf(problem, problem_len, "-netdev %s: used by two network cards", id);
            return false;
        }
        used[k] = true;
        opts->machine.nics[i].netdev = opts->netdevs[k];
    }
    for (unsigned k = 0; k < opts->netdev_count; k++)
        if (!used[k]) { /* QEMU warns; a network nobody is connected to is a mistake */
            snprintf(problem, problem_len,
                     "-netdev %s: no network card uses it (-device virtio-net-device,netdev=%s)",
                     opts->netdevs[k].id, opts->netdevs[k].id);
            return false;
        }
    return true;
}
