/* The command line's disks (emu/options.h): QEMU's spellings
 *   -drive file=PATH[,readonly=on|off][,format=raw][,if=virtio|none][,id=ID]
 *   -device virtio-blk-device,drive=ID[,bus=virtio-mmio-bus.N]
 * and the dispatch of every other -device kind to emu/options_virtio.c (qemu-options.hx).
 * Unknown keys are errors. */
#include <stdio.h>
#include <string.h>

#include "options.h"

/* Copy one VALUE of a KEY=VALUE list into buf, turning ",," into ","; returns where the
 * next key starts (past the separating comma) and sets *fits to whether it fitted. */
static const char *drive_value(const char *p, char *buf, size_t len, bool *fits)
{
    size_t n = 0;
    *fits = true;
    for (; *p && !(p[0] == ',' && p[1] != ','); p++) {
        if (p[0] == ',') p++; /* ",," */
        if (n + 1 < len)
            buf[n++] = *p;
        else
            *fits = false;
    }
    buf[n] = '\0';
    return *p ? p + 1 : p;
}

bool options_parse_drive(const char *text, struct drive_option *drive, char *problem,
                         size_t problem_len)
{
    *drive = (struct drive_option){.slot = -1};
    bool have_file = false;
    const char *p = text;
    while (*p) {
        const char *eq = strchr(p, '=');
        const char *comma = strchr(p, ',');
        if (!eq || (comma && comma < eq)) {
            snprintf(problem, problem_len, "expected KEY=VALUE, got '%.*s'",
                     (int)(comma ? comma - p : (long)strlen(p)), p);
            return false;
        }
        const char *key = p;
        size_t key_len = (size_t)(eq - p);
        char value[64];
        bool fits;
#define KEY_IS(k) (key_len == strlen(k) && strncmp(key, k, key_len) == 0)
        if (KEY_IS("file")) {
            p = drive_value(eq + 1, drive->file, sizeof(drive->file), &fits);
            if (!fits || drive->file[0] == '\0') {
                snprintf(problem, problem_len, "file= %s", fits ? "is empty" : "path is too long");
                return false;
            }
            have_file = true;
            continue;
        }
        p = drive_value(eq + 1, value, sizeof(value), &fits);
        if (KEY_IS("readonly")) {
            if (!options_parse_bool(value, &drive->readonly)) {
                snprintf(problem, problem_len, "readonly=%s: expected on or off", value);
                return false;
            }
        } else if (KEY_IS("format")) {
            if (strcmp(value, "raw") != 0) {
                snprintf(problem, problem_len, "format=%s: only raw images are supported", value);
                return false;
            }
        } else if (KEY_IS("if")) {
            if (strcmp(value, "virtio") != 0 && strcmp(value, "none") != 0) {
                snprintf(problem, problem_len, "if=%s: only if=virtio (or none) is supported",
                         value);
                return false;
            }
        } else if (KEY_IS("id")) {
            if (!fits || strlen(value) >= sizeof(drive->id)) {
                snprintf(problem, problem_len, "id= is too long");
                return false;
            }
            strcpy(drive->id, value);
        } else {
            snprintf(problem, problem_len,
                     "unknown key '%.*s' (known: file, readonly, format, if, id)", (int)key_len,
                     key);
            return false;
        }
#undef KEY_IS
    }
    if (!have_file) {
        snprintf(problem, problem_len, "file= is missing");
        return false;
    }
    return true;
}

bool options_parse_device(const char *text, struct options *opts, char *problem, size_t problem_len)
{
    static const char rng[] = "virtio-rng-device", net[] = "virtio-net-device",
                      kbd[] = "virtio-keyboard-device", tablet[] = "virtio-tablet-device",
                      gpu[] = "virtio-gpu-device";
    if (strncmp(text, gpu, strlen(gpu)) == 0 && (text[strlen(gpu)] == ',' || !text[strlen(gpu)]))
        return options_parse_gpu_device(text + strlen(gpu), opts, problem, problem_len);
    if (strncmp(text, rng, strlen(rng)) == 0 && (text[strlen(rng)] == ',' || !text[strlen(rng)]))
        return options_parse_rng_device(text + strlen(rng), opts, problem, problem_len);
    if (strncmp(text, net, strlen(net)) == 0 && (text[strlen(net)] == ',' || !text[strlen(net)]))
        return options_parse_net_device(text + strlen(net), opts, problem, problem_len);
    if (strncmp(text, kbd, strlen(kbd)) == 0 && (text[strlen(kbd)] == ',' || !text[strlen(kbd)]))
        return options_parse_input_device(text + strlen(kbd), false, opts, problem, problem_len);
    if (strncmp(text, tablet, strlen(tablet)) == 0 &&
        (text[strlen(tablet)] == ',' || !text[strlen(tablet)]))
        return options_parse_input_device(text + strlen(tablet), true, opts, problem, problem_len);
    static const char kind[] = "virtio-blk-device";
    if (strncmp(text, kind, strlen(kind)) != 0 ||
        (text[strlen(kind)] != ',' && text[strlen(kind)])) {
        snprintf(problem, problem_len,
                 "only virtio-blk-device, virtio-rng-device, virtio-net-device, "
                 "virtio-keyboard-device, virtio-tablet-device and virtio-gpu-device are "
                 "supported");
        return false;
    }
    char drive_id[32] = "";
    int slot = -1;
    for (const char *p = text + strlen(kind); *p == ',';) {
        p++;
        size_t len = strcspn(p, ",");
        if (strncmp(p, "drive=", 6) == 0 && len - 6 < sizeof(drive_id)) {
            memcpy(drive_id, p + 6, len - 6);
            drive_id[len - 6] = '\0';
        } else if (strncmp(p, "bus=virtio-mmio-bus.", 20) == 0 && len == 21 && p[20] >= '0' &&
                   p[20] <= '7') {
            slot = p[20] - '0';
        } else {
            snprintf(problem, problem_len, "'%.*s': expected drive=ID or bus=virtio-mmio-bus.N",
                     (int)len, p);
            return false;
        }
        p += len;
    }
    for (unsigned i = 0; i < opts->drive_count; i++) {
        struct drive_option *d = &opts->drives[i];
        if (drive_id[0] && strcmp(d->id, drive_id) == 0) {
            for (unsigned j = 0; slot >= 0 && j < opts->drive_count; j++)
                if (j != i && opts->drives[j].slot == slot) {
                    snprintf(problem, problem_len, "virtio-mmio-bus.%d is already in use", slot);
                    return false;
                }
            d->slot = slot;
            return true;
        }
    }
    snprintf(problem, problem_len, "no -drive with id=%s (give -drive before -device)",
             drive_id[0] ? drive_id : "?");
    return false;
}
