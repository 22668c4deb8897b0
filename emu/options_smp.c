/* -smp: how many harts the board has, in QEMU's spellings: `-smp N`, `-smp cpus=N`, and the
 * topology keys QEMU accepts after it (sockets=, dies=, clusters=, cores=, threads=,
 * maxcpus=). rv39 puts every hart in one cluster (as QEMU's virt does by default), so the
 * topology only has to multiply out to the number of harts; without N it gives the number. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

static bool parse_count(const char *text, unsigned long *out)
{
    if (!isdigit((unsigned char)text[0])) return false;
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (*end || v == 0 || v > 1024) return false; /* far past any board: a typo */
    *out = v;
    return true;
}

bool options_parse_smp(const char *text, struct machine_config *mc, char *problem,
                       size_t problem_len)
{
    char buf[128];
    if (strlen(text) >= sizeof buf) {
        snprintf(problem, problem_len, "too long");
        return false;
    }
    strcpy(buf, text);
    unsigned long cpus = 0, maxcpus = 0, product = 1;
    bool topology = false;
    static const char *const topology_keys[] = {"sockets=", "dies=", "clusters=", "cores=",
                                                "threads="};
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        enum { CPUS, MAXCPUS, TOPOLOGY } kind = CPUS;
        const char *value = item;
        if (strncmp(item, "cpus=", 5) == 0) {
            value = item + 5;
        } else if (strncmp(item, "maxcpus=", 8) == 0) {
            value = item + 8;
            kind = MAXCPUS;
        } else if (strchr(item, '=')) {
            for (size_t k = 0; k < sizeof topology_keys / sizeof topology_keys[0]; k++)
                if (strncmp(item, topology_keys[k], strlen(topology_keys[k])) == 0) {
                    value = item + strlen(topology_keys[k]);
                    kind = TOPOLOGY;
                }
            if (kind != TOPOLOGY) {
                snprintf(problem, problem_len,
                         "unknown key '%s' (expected N, cpus=N, maxcpus=, sockets=, dies=, "
                         "clusters=, cores=, threads=)",
                         item);
                return false;
            }
        }
        unsigned long v;
        if (!parse_count(value, &v)) {
            snprintf(problem, problem_len, "expected a number of harts");
            return false;
        }
        if (kind == TOPOLOGY) {
            topology = true;
            product = product * v > 1024 ? 1025 : product * v; /* 1025: too many, whatever */
        } else if (kind == MAXCPUS) {
            maxcpus = v;
        } else {
            cpus = v;
        }
    }
    if (!cpus) cpus = topology ? product : maxcpus;
    if (!cpus) {
        snprintf(problem, problem_len, "expected a number of harts");
        return false;
    }
    /* No hart hotplug: the harts the board has are the harts it can ever have. */
    if (maxcpus && maxcpus != cpus) {
        snprintf(problem, problem_len, "maxcpus=%lu: rv39 has no hart hotplug (give %lu or leave it out)",
                 maxcpus, cpus);
        return false;
    }
    if (topology && product != cpus) {
        snprintf(problem, problem_len, "the topology makes %lu harts, not %lu", product, cpus);
        return false;
    }
    if (cpus > MACHINE_MAX_HARTS) {
        snprintf(problem, problem_len, "rv39 has at most %u harts", MACHINE_MAX_HARTS);
        return false;
    }
    mc->harts = (unsigned)cpus;
    return true;
}
