/* -cpu rv64[,PROP=VALUE...], as QEMU spells it: the model (rv64, the one hart rv39 has), then
 * comma-separated properties. An extension's name (any case: QEMU 7.2 writes Zihintpause) with
 * a boolean in QEMU's spellings turns an optional extension of cpu/ext.c off or on; the fixed
 * base (i, m, a, f, d, c, zicsr, ...) may be named "on" but not turned off.
 * The translation modes: mmu=sv39|sv48|sv57 names the widest (a learner's hart that only ever
 * shows Sv39 is mmu=sv39); QEMU's satp-mode properties sv39/sv48/sv57=on|off (QEMU 8's
 * spelling; QEMU 7.2 has no such properties and always offers Sv57) say the same per mode:
 * off removes that mode and every wider one, on adds it and every narrower one (priv spec
 * "Sv48"/"Sv57": a hart with Sv48 has Sv39, one with Sv57 has Sv48). Sv39 stays: Bare alone
 * is not a hart Linux or our kernel can use. The default is every mode: Sv57. */
#include "cpu_option.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../cpu/ext.h"
#include "options.h"

/* "sv39", "sv48", "sv57" -> satp.MODE 8, 9, 10; 0 for anything else. */
static unsigned vm_mode_by_name(const char *name)
{
    static const char *const names[] = {"sv39", "sv48", "sv57"};
    for (unsigned i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) return RV_VM_SV39 + i;
    return 0;
}

bool options_parse_cpu(const char *text, uint64_t *extensions, unsigned *vm_max, char *problem,
                       size_t problem_len)
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
            unsigned mode = vm_mode_by_name(value);
            if (mode)
                *vm_max = mode;
            else if (options_parse_bool(value, &on) && on)
                *vm_max = RV_VM_SV57; /* mmu=on: every mode */
            else {
                snprintf(problem, problem_len, "mmu=%s: expected sv39, sv48 or sv57", value);
                return false;
            }
            continue;
        }
        unsigned mode = vm_mode_by_name(item);
        if (mode) {
            bool on;
            if (!options_parse_bool(value, &on)) {
                snprintf(problem, problem_len, "%s=%s: expected on or off", item, value);
                return false;
            }
            if (!on && mode == RV_VM_SV39) {
                snprintf(problem, problem_len,
                         "%s=%s: Sv39 is the narrowest mode rv39 offers (mmu=sv39 keeps only it)",
                         item, value);
                return false;
            }
            if (on && *vm_max < mode) *vm_max = mode;
            if (!on && *vm_max >= mode) *vm_max = mode - 1;
            continue;
        }
        enum rv_ext e = rv_ext_by_name(item);
        if (e == EXT_COUNT) {
            snprintf(problem, problem_len, "'%s': unknown property", item);
            return false;
        }
        bool on;
        if (!options_parse_bool(value, &on)) {
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
