/* -cpu rv64[,PROP=VALUE...], as QEMU spells it: the model (rv64, the one hart rv39 has), then
 * comma-separated properties. An extension's name (any case: QEMU 7.2 writes Zihintpause) with
 * a boolean in QEMU's spellings turns an optional extension of cpu/ext.c off or on; the fixed
 * base (i, m, a, f, d, c, zicsr, ...) may be named "on" but not turned off. mmu=sv39 (and
 * QEMU's sv39=on, sv48=off, sv57=off) names the one translation mode the hart has, so a
 * learner's command line can say so. */
#include "cpu_option.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../cpu/ext.h"

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"on", "yes", "true", "y"};
    static const char *const no[] = {"off", "no", "false", "n"};
    for (unsigned i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
            *out = strcmp(v, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

bool options_parse_cpu(const char *text, uint64_t *extensions, char *problem, size_t problem_len)
{
    char item[64];
    const char *p = text;
    bool model = true;
    while (model || *p) {
        size_t n = strcspn(p, ",");
        if (n >= sizeof item) {
            snprintf(problem, problem_len, "'%.*s...': too long", 20, p);
            return false;
        }
        for (size_t i = 0; i < n; i++)
            item[i] = (char)tolower((unsigned char)p[i]);
        item[n] = '\0';
        p += n + (p[n] == ',');
        if (model) {
            model = false;
            if (strcmp(item, "rv64") != 0) {
                snprintf(problem, problem_len, "'%s': unknown CPU model (rv39 has rv64)", item);
                return false;
            }
            continue;
        }
        char *eq = strchr(item, '=');
        if (!eq) {
            snprintf(problem, problem_len, "'%s': expected PROPERTY=VALUE", item);
            return false;
        }
        *eq = '\0';
        const char *value = eq + 1;
        if (strcmp(item, "mmu") == 0) {
            bool on = false;
            if (strcmp(value, "sv39") != 0 && !(parse_bool(value, &on) && on)) {
                snprintf(problem, problem_len, "mmu=%s: the hart translates with Sv39 only", value);
                return false;
            }
            continue;
        }
        /* QEMU's satp-mode properties: Sv39 is the mode the hart has, Sv48/Sv57 it lacks. */
        if (strcmp(item, "sv39") == 0 || strcmp(item, "sv48") == 0 || strcmp(item, "sv57") == 0) {
            bool on, sv39 = item[3] == '9';
            if (!parse_bool(value, &on)) {
                snprintf(problem, problem_len, "%s=%s: expected on or off", item, value);
                return false;
            }
            if (on != sv39) {
                snprintf(problem, problem_len, "%s=%s: the hart translates with Sv39 only", item,
                         value);
                return false;
            }
            continue;
        }
        enum rv_ext e = rv_ext_by_name(item);
        if (e == EXT_COUNT) {
            snprintf(problem, problem_len, "'%s': unknown property", item);
            return false;
        }
        bool on;
        if (!parse_bool(value, &on)) {
            snprintf(problem, problem_len, "%s=%s: expected on or off", item, value);
            return false;
        }
        if (!on && !ext_table[e].optional) {
            snprintf(problem, problem_len, "%s=%s: part of the hart's fixed base", item, value);
            return false;
        }
        if (on)
            *extensions |= 1ull << e;
        else
            *extensions &= ~(1ull << e);
    }
    return true;
}
