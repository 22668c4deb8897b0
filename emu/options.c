/* Command-line parsing (emu/options.h). Option names follow QEMU's (qemu-options.hx) so a
 * command that boots a guest on `qemu-system-riscv64 -M virt` boots it here too. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cpu/ext.h"
#include "cpu_option.h"
#include "trace_log.h"

/* What each entry of option_table means (the names are in the table, not here). */
enum option_id {
    OPT_HELP,
    OPT_MEMORY,
    OPT_BIOS,
    OPT_DRIVE,
    OPT_KERNEL,
    OPT_APPEND,
    OPT_NOGRAPHIC,
    OPT_STATS,
    OPT_TLB,
    OPT_VERSION,
    OPT_SVADE,
    OPT_DUMPDTB,
    OPT_LOG,
    OPT_LOGFILE,
    OPT_DEBUG,
    OPT_MONITOR,
    OPT_GDB,
    OPT_DEVICE,
    OPT_GLOBAL,
    OPT_SMP,
    OPT_MACHINE,
    OPT_ACCEL,
    OPT_FB,
    OPT_JIT,
    OPT_SCREENSHOT,
    OPT_DISPLAY,
    OPT_INITRD,
    OPT_DTB,
    OPT_GDB_DEFAULT,
    OPT_SERIAL,
    OPT_START_HALTED,
    OPT_NETDEV,
    OPT_NIC,
    OPT_CPU,
    OPT_ICOUNT,
    OPT_RTC,
    OPT_STATE_HASH,
    OPT_RECORD,
    OPT_REPLAY,
    OPT_LOADVM,
};

/* Every option, by its exact name: written with one dash (QEMU's spelling) or two (GNU's; then
 * "--name=value" works too). Names are matched whole, never by prefix and never as a letter
 * plus its argument, so an option rv39 does not have ("-monitor stdio") is reported as
 * unknown instead of being read as another ("-m onitor"), as QEMU's own parser does. */
struct option_spec {
    const char *name;
    bool takes_value;
    enum option_id id;
};

static const struct option_spec option_table[] = {
    {"bios", true, OPT_BIOS},
    {"kernel", true, OPT_KERNEL},
    {"initrd", true, OPT_INITRD},
    {"dtb", true, OPT_DTB},
    {"append", true, OPT_APPEND},
    {"m", true, OPT_MEMORY},
    {"memory", true, OPT_MEMORY},
    {"drive", true, OPT_DRIVE},
    /* QEMU spellings that guests' Makefiles use (xv6: -global, -device, -smp, -machine). */
    {"device", true, OPT_DEVICE},
    {"netdev", true, OPT_NETDEV},
    {"nic", true, OPT_NIC},
    {"global", true, OPT_GLOBAL},
    {"smp", true, OPT_SMP},
    {"machine", true, OPT_MACHINE},
    {"accel", true, OPT_ACCEL},
    {"M", true, OPT_MACHINE},
    {"serial", true, OPT_SERIAL},
    {"nographic", false, OPT_NOGRAPHIC},
    {"display", true, OPT_DISPLAY},
    {"fb", true, OPT_FB},
    {"screenshot", true, OPT_SCREENSHOT},
    {"stats", false, OPT_STATS},
    {"tlb", true, OPT_TLB},
    {"jit", true, OPT_JIT},
    {"icount", true, OPT_ICOUNT},
    {"rtc", true, OPT_RTC},
    {"state-hash-every", true, OPT_STATE_HASH},
    {"record", true, OPT_RECORD},
    {"replay", true, OPT_REPLAY},
    {"loadvm", true, OPT_LOADVM},
    {"svade", false, OPT_SVADE},
    {"cpu", true, OPT_CPU},
    {"debug", false, OPT_DEBUG},
    {"monitor", true, OPT_MONITOR},
    {"gdb", true, OPT_GDB},
    {"s", false, OPT_GDB_DEFAULT},
    {"S", false, OPT_START_HALTED},
    {"dumpdtb", true, OPT_DUMPDTB},
    {"d", true, OPT_LOG},
    {"D", true, OPT_LOGFILE},
    {"h", false, OPT_HELP},
    {"help", false, OPT_HELP},
    {"version", false, OPT_VERSION},
};

/* QEMU's -s: -gdb tcp::1234. */
#define GDB_DEFAULT_PORT 1234

static void print_help(FILE *out)
{
    fprintf(out,
            "Usage: rv39 [options]\n"
            "RISC-V RV64 system emulator (QEMU 'virt' board, one hart, Sv39 MMU).\n"
            "\n"
            "  -kernel FILE    ELF executable (or raw image, e.g. Linux's Image) to boot\n"
            "  -initrd FILE    initial RAM disk for Linux, placed as QEMU places it and\n"
            "                  announced in /chosen (linux,initrd-start/-end)\n"
            "  -dtb FILE       boot with this device tree instead of rv39's own\n"
            "  -bios FILE|none raw firmware loaded at 0x%llx; 'none' starts the kernel's\n"
            "                  ELF entry in M-mode; default: rv39's own SBI firmware\n"
            "  -m SIZE         RAM size: MiB, or with a K/M/G/T suffix (default %llu M)\n"
            "  -append STR     kernel command line\n"
            "  -nographic      no window: the console is the terminal only (default: an\n"
            "                  SDL window shows the framebuffer when a display is there)\n"
            "  -display sdl|none  insist on the window, or never open one\n"
            "  -fb WxH         framebuffer size in pixels (default %ux%u, at 0x%llx)\n"
            "  -screenshot FILE.png  write the framebuffer as PNG at exit\n"
            "  -stats          print instruction and MMU counters to stderr at exit\n"
            "  -tlb SPEC       model TLB shape (default sets=512,ways=4,super=64)\n"
            "  -jit on|off     translate hot code to host code (default on, x86-64 hosts)\n"
            "  -icount [shift=]N  deterministic: guest time advances 2^N ns per instruction\n"
            "                  (shift=auto unsupported); still host-dependent: terminal\n"
            "                  input, -netdev user, the window's input\n"
            "  -rtc base=utc|YYYY-MM-DD[THH:MM:SS][,clock=vm]  with -icount: the RTC's start\n"
            "                  (default 2000-01-01T00:00:00, UTC)\n"
            "  -state-hash-every N  print 'state-hash INSTRET HASH' (registers, CSRs, RAM,\n"
            "                  devices) to stderr every ~N instructions and at exit\n"
            "  -record FILE    log the run's inputs (terminal, window) to FILE; implies\n"
            "                  -icount shift=3 unless -icount is given\n"
            "  -replay FILE    run again exactly as recorded in FILE (its inputs, its timing)\n"
            "  -loadvm FILE    start from the machine the monitor's savevm saved in FILE\n"
            "                  (the same command line; its disks go back to what they held)\n"
            "  -accel tcg[,thread=multi|single]  with -smp N: each hart on a host thread\n"
            "                  (multi, the default) or all in turn on one, deterministic\n"
            "                  (single; implied by -icount, -record, -replay, -debug, -gdb)\n"
            "  -svade          page-fault on clear A/D bits (Svade) instead of setting them\n"
            "                  (a hart without Svadu: the same as -cpu rv64,svadu=off)\n"
            "  -cpu rv64[,EXT=on|off...][,mmu=sv39|sv48|sv57]  the hart's extensions and\n"
            "                  widest translation mode (default: all rv39 has, Sv57;\n"
            "                  zba=off etc. turns one off), as in QEMU\n"
            "  -debug          start halted at the debugger's prompt (see 'help' there)\n"
            "  -monitor stdio  the same prompt, QEMU's spelling: the guest waits for 'cont'\n"
            "  -gdb PORT       serve gdb-multiarch on TCP PORT ('tcp::PORT' too)\n"
            "  -s              -gdb tcp::1234\n"
            "  -S              with -gdb: wait for GDB before running\n"
            "  -d ITEM[,...]   log (int, cpu, exec, in_asm, mmu) to stderr; -d help lists them\n"
            "  -D FILE         write the -d log to FILE instead of stderr\n"
            "  -dumpdtb FILE   write the guest's device tree (DTB) to FILE and exit\n"
            "  -drive file=F[,readonly=on][,id=ID]  raw disk image on virtio-blk\n"
            "  -device virtio-blk-device,drive=ID[,bus=virtio-mmio-bus.N]  put it in slot N\n"
            "  -device virtio-rng-device[,bus=virtio-mmio-bus.N]  entropy from the host\n"
            "  -netdev user,id=ID[,hostfwd=[tcp|udp]:[HADDR]:HPORT-[GADDR]:GPORT]...\n"
            "  -device virtio-net-device,netdev=ID[,mac=MAC][,bus=virtio-mmio-bus.N]\n"
            "  -nic user[,hostfwd=...]  both at once: user-mode network on virtio-net\n"
            "  -device virtio-keyboard-device|virtio-tablet-device  the window's keys/mouse\n"
            "  -device virtio-gpu-device  2D GPU shown in the window and the screenshot\n"
            "  -global virtio-mmio.force-legacy=true|false  legacy virtio-mmio (version 1,\n"
            "                  the default, as QEMU's) or modern (version 2)\n"
            "  -smp N          N harts (1..8; also cpus=N), run in turn on one host thread\n"
            "  (-machine virt, -M virt, -serial stdio|mon:stdio: accepted as in QEMU)\n"
            "  -h, -help       this text\n"
            "  -version        print the version\n"
            "\n"
            "Options may be written with one dash or two (-kernel or --kernel).\n"
            "\n"
            "The terminal is the guest's console, raw while the guest runs (Ctrl-C is the\n"
            "guest's); Ctrl-A is the escape, as in QEMU:\n"
            "  C-a x    quit (disks flushed)      C-a c    guest console <-> monitor\n"
            "  C-a h    list the escapes          C-a C-a  send one Ctrl-A to the guest\n"
            "Exit status: the guest's, or 2 when rv39 itself cannot run it.\n",
            (unsigned long long)RAM_BASE, (unsigned long long)(DEFAULT_RAM_SIZE >> 20),
            FB_DEFAULT_WIDTH, FB_DEFAULT_HEIGHT, (unsigned long long)FB_BASE);
}

bool options_parse_ram_size(const char *text, uint64_t *bytes, const char **problem)
{
    /* QEMU accepts "-m size=128M" as well as "-m 128M". */
    if (strncmp(text, "size=", 5) == 0) text += 5;
    if (!isdigit((unsigned char)text[0])) {
        *problem = "not a size (expected e.g. 128, 128M or 1G)";
        return false;
    }
    errno = 0;
    char *end;
    unsigned long long number = strtoull(text, &end, 10);
    if (errno == ERANGE) {
        *problem = "too large";
        return false;
    }

    if (*end == '.') {
        *problem = "fractions are not supported (write 1536M, not 1.5G)";
        return false;
    }
    unsigned shift;
    switch (toupper((unsigned char)*end)) {
    case '\0': shift = 20; break; /* QEMU: a bare number means MiB */
    case 'B': shift = 0; break;
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    case 'T': shift = 40; break;
    default: *problem = "unknown size suffix (use K, M, G or T)"; return false;
    }
    if (*end != '\0' && end[1] != '\0') {
        *problem = "unexpected text after the size";
        return false;
    }
    if (number > (OPTIONS_MAX_RAM >> shift)) {
        *problem = "too large (the maximum is 16G)";
        return false;
    }
    uint64_t size = (uint64_t)number << shift;
    if (size < OPTIONS_MIN_RAM) {
        *problem = "too small (the minimum is 1M)";
        return false;
    }
    /* RAM is mapped in whole pages: the MMU and the decoded-instruction cache work per 4 KiB. */
    if (size % 4096 != 0) {
        *problem = "not a multiple of 4K";
        return false;
    }
    *bytes = size;
    return true;
}

bool options_parse_fb_size(const char *text, uint32_t *width, uint32_t *height,
                           const char **problem)
{
    unsigned long dims[2];
    const char *p = text;
    for (int i = 0; i < 2; i++) {
        if (!isdigit((unsigned char)*p)) {
            *problem = "expected WIDTHxHEIGHT, e.g. 1024x768";
            return false;
        }
        char *end;
        errno = 0;
        dims[i] = strtoul(p, &end, 10);
        if (errno == ERANGE || dims[i] == 0 || dims[i] > FB_MAX_DIMENSION) {
            *problem = "each side must be 1 to 8192 pixels";
            return false;
        }
        p = end;
        if (i == 0 && *p++ != 'x') {
            *problem = "expected WIDTHxHEIGHT, e.g. 1024x768";
            return false;
        }
    }
    if (*p) {
        *problem = "unexpected text after the size";
        return false;
    }
    if ((uint64_t)dims[0] * dims[1] * FB_BYTES_PER_PIXEL > FB_MAX_SIZE) {
        *problem = "too large for the framebuffer window (128 MiB)";
        return false;
    }
    *width = (uint32_t)dims[0];
    *height = (uint32_t)dims[1];
    return true;
}

bool options_parse_bool(const char *text, bool *value)
{
    /* QEMU's spellings (qapi_bool_parse). */
    static const char *const yes[] = {"on", "yes", "true", "y"};
    static const char *const no[] = {"off", "no", "false", "n"};
    for (unsigned i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(text, yes[i]) == 0 || strcmp(text, no[i]) == 0) {
            *value = strcmp(text, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

static void set_defaults(struct options *opts)
{
    *opts = (struct options){
        .machine =
            {
                .ram_size = DEFAULT_RAM_SIZE,
                .bios = NULL,
                .kernel = NULL,
                .append = NULL,
                .nographic = false,
                .stats = false,
                .virtio_legacy = true, /* QEMU 7.2's virtio-mmio default */
                .console = stdout,
            },
        .tlb_given = false,
        .jit = true,
        .extensions = (1ull << EXT_COUNT) - 1,
        .vm_max = RV_VM_SV57, /* every mode rv39 has (Linux takes Sv57, as on QEMU) */
        .tlb_spec = NULL,
        .dumpdtb = NULL,
        .tlb = {.sets = TLB_DEFAULT_SETS, .ways = TLB_DEFAULT_WAYS, .super = TLB_DEFAULT_SUPER},
    };
}

/* Can a file be written at `path` when the run ends? Checked before the run, so a typo in
 * --screenshot does not cost the whole run (the PNG is written only at exit). Nothing is
 * created: an existing file must be writable and not a directory, a new one needs a writable
 * directory. */
static bool screenshot_path_writable(const char *path, char *problem, size_t len)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(problem, len, "is a directory");
            return false;
        }
        if (access(path, W_OK) != 0) {
            snprintf(problem, len, "cannot write it: %s", strerror(errno));
            return false;
        }
        return true;
    }
    if (errno != ENOENT) {
        snprintf(problem, len, "%s", strerror(errno));
        return false;
    }
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, sizeof dir, ".");
    } else if (slash == path) {
        snprintf(dir, sizeof dir, "/");
    } else if ((size_t)(slash - path) < sizeof dir) {
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    } else {
        snprintf(problem, len, "path too long");
        return false;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(problem, len, "cannot create it in %s: %s", dir, strerror(errno));
        return false;
    }
    return true;
}

/* --display sdl promises a window or an error (README). SDL itself does not keep that
 * promise: with no X11 or Wayland display it quietly falls back to its "offscreen" driver,
 * which draws nowhere. So a display must be named: DISPLAY or WAYLAND_DISPLAY, or an explicit
 * SDL_VIDEODRIVER that shows something (not dummy or offscreen, which CI sets on purpose). */
static const char *missing_display(void)
{
    const char *driver = getenv("SDL_VIDEODRIVER");
    if (driver && *driver) {
        if (strcmp(driver, "dummy") == 0 || strcmp(driver, "offscreen") == 0)
            return "SDL_VIDEODRIVER names a driver that shows no window";
        return NULL;
    }
    const char *x = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
    if ((!x || !*x) && (!wayland || !*wayland))
        return "no display (DISPLAY and WAYLAND_DISPLAY are not set)";
    return NULL;
}

/* A spec that names nothing ("", ",", "sets=8,") would silently mean "the defaults". */
static bool tlb_spec_has_empty_field(const char *spec)
{
    size_t len = strlen(spec);
    return len == 0 || spec[0] == ',' || spec[len - 1] == ',' || strstr(spec, ",,") != NULL;
}

static const struct option_spec *find_option(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof option_table / sizeof option_table[0]; i++)
        if (strlen(option_table[i].name) == len && strncmp(option_table[i].name, name, len) == 0)
            return &option_table[i];
    return NULL;
}

enum options_outcome options_parse(int argc, char **argv, struct options *opts, FILE *out,
                                   FILE *err)
{
    set_defaults(opts);

    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        if (word[0] != '-' || word[1] == '\0') {
            fprintf(err, "rv39: %s: unexpected argument (give the guest with -kernel FILE)\n",
                    word);
            return OPTIONS_ERROR;
        }
        bool gnu = word[1] == '-';
        const char *name = word + (gnu ? 2 : 1);
        /* "--name=value" (GNU); QEMU's single-dash options take their value as the next word. */
        const char *equals = gnu ? strchr(name, '=') : NULL;
        size_t name_len = equals ? (size_t)(equals - name) : strlen(name);
        const struct option_spec *spec = find_option(name, name_len);
        if (!spec) {
            fprintf(err, "rv39: %s: unknown option (see rv39 -help)\n", word);
            return OPTIONS_ERROR;
        }
        const char *arg = NULL;
        if (spec->takes_value) {
            if (equals) {
                arg = equals + 1;
            } else if (i + 1 < argc) {
                arg = argv[++i];
            } else {
                fprintf(err, "rv39: %s: missing argument\n", word);
                return OPTIONS_ERROR;
            }
        } else if (equals) {
            fprintf(err, "rv39: %s: takes no argument\n", word);
            return OPTIONS_ERROR;
        }
        enum option_id id = spec->id;
        switch (id) {
        case OPT_BIOS: /* QEMU's "default" firmware is ours */
            opts->machine.bios = strcmp(arg, "default") == 0 ? NULL : arg;
            break;
        case OPT_KERNEL: opts->machine.kernel = arg; break;
        case OPT_INITRD: opts->machine.initrd = arg; break;
        case OPT_DTB: opts->machine.dtb = arg; break;
        case OPT_SERIAL:
            /* The UART is on the terminal already, multiplexed with the monitor as "mon:"
             * asks: C-a c switches (emu/console.h). */
            if (strcmp(arg, "stdio") != 0 && strcmp(arg, "mon:stdio") != 0) {
                fprintf(err, "rv39: -serial %s: only stdio (or mon:stdio) is supported\n", arg);
                return OPTIONS_ERROR;
            }
            break;
        case OPT_GDB_DEFAULT: opts->gdb_port = GDB_DEFAULT_PORT; break;
        case OPT_DRIVE: {
            char problem[160];
            if (opts->drive_count == OPTIONS_MAX_DRIVES) {
                fprintf(err, "rv39: -drive %s: at most %d drives\n", arg, OPTIONS_MAX_DRIVES);
                return OPTIONS_ERROR;
            }
            if (!options_parse_drive(arg, &opts->drives[opts->drive_count], problem,
                                     sizeof(problem))) {
                fprintf(err, "rv39: -drive %s: %s\n", arg, problem);
                return OPTIONS_ERROR;
            }
            opts->drive_count++;
            break;
        }
        case OPT_DEVICE: {
            char problem[160];
            if (!options_parse_device(arg, opts, problem, sizeof(problem))) {
                fprintf(err, "rv39: -device %s: %s\n", arg, problem);
                return OPTIONS_ERROR;
            }
            break;
        }
        case OPT_NETDEV:
        case OPT_NIC: {
            char problem[200];
            bool ok = id == OPT_NETDEV ? options_parse_netdev(arg, opts, problem, sizeof(problem))
                                       : options_parse_nic(arg, opts, problem, sizeof(problem));
            if (!ok) {
                fprintf(err, "rv39: %s %s: %s\n", word, arg, problem);
                return OPTIONS_ERROR;
            }
            break;
        }
        case OPT_GLOBAL: {
            /* The one QEMU property rv39 has: which virtio-mmio interface every slot shows. A
             * boolean is spelt as QEMU's qapi_bool_parse takes it. */
            static const char prop[] = "virtio-mmio.force-legacy=";
            bool known = false;
            if (strncmp(arg, prop, sizeof prop - 1) == 0)
                known = options_parse_bool(arg + sizeof prop - 1, &opts->machine.virtio_legacy);
            if (!known) {
                fprintf(err,
                        "rv39: -global %s: expected virtio-mmio.force-legacy=true or "
                        "virtio-mmio.force-legacy=false\n",
                        arg);
                return OPTIONS_ERROR;
            }
            break;
        }
        case OPT_SMP: {
            char problem[160];
            if (!options_parse_smp(arg, &opts->machine, problem, sizeof problem)) {
                fprintf(err, "rv39: -smp %s: %s\n", arg, problem);
                return OPTIONS_ERROR;
            }
            break;
        }
        case OPT_MACHINE:
            if (strcmp(arg, "virt") != 0 && strncmp(arg, "virt,", 5) != 0) {
                fprintf(err, "rv39: -machine %s: rv39 is the virt board only\n", arg);
                return OPTIONS_ERROR;
            }
            break;
        case OPT_ACCEL: { /* QEMU's -accel tcg[,thread=multi|single]: rv39 is TCG's kind */
            const char *t = strcmp(arg, "tcg") == 0 ? "" : strncmp(arg, "tcg,", 4) == 0 ? arg + 4
                                                                                  : NULL;
            if (t && *t == '\0')
                opts->accel_thread = ACCEL_THREAD_DEFAULT;
            else if (t && strcmp(t, "thread=multi") == 0)
                opts->accel_thread = ACCEL_THREAD_MULTI;
            else if (t && strcmp(t, "thread=single") == 0)
                opts->accel_thread = ACCEL_THREAD_SINGLE;
            else {
                fprintf(err, "rv39: -accel %s: expected tcg[,thread=multi|single]\n", arg);
                return OPTIONS_ERROR;
            }
            break;
        }
        case OPT_APPEND: opts->machine.append = arg; break;
        case OPT_NOGRAPHIC: opts->machine.nographic = true; break;
        case OPT_STATS: opts->machine.stats = true; break;
        /* Svade alone: a hart without Svadu, whose A/D updates always fault (priv spec
         * "Svadu": with menvcfg.ADUE = 0, or without Svadu, "the Svade behavior"). */
        case OPT_SVADE: opts->extensions &= ~(1ull << EXT_SVADU); break;
        case OPT_CPU: {
            char problem[128];
            if (!options_parse_cpu(arg, &opts->extensions, &opts->vm_max, problem,
                                   sizeof(problem))) {
                fprintf(err, "rv39: -cpu %s: %s\n", arg, problem);
                return OPTIONS_ERROR;
            }
            break;
        }
        case OPT_DEBUG: opts->debug = true; break;
        case OPT_MONITOR:
            /* The monitor's prompt on the terminal; rv39's monitor holds the guest while it
             * has the terminal, so the guest starts at `cont` (QEMU's -S -monitor stdio). */
            if (strcmp(arg, "stdio") != 0) {
                fprintf(err,
                        "rv39: -monitor %s: only stdio is supported (the monitor is also "
                        "C-a c on the console)\n",
                        arg);
                return OPTIONS_ERROR;
            }
            opts->debug = opts->monitor = true;
            break;
        case OPT_START_HALTED: opts->start_halted = true; break;
        case OPT_GDB: {
            /* QEMU's spelling is "tcp::PORT"; ":PORT" and "PORT" mean the same here. */
            const char *port = arg;
            if (strncmp(port, "tcp:", 4) == 0) port += 4;
            if (port[0] == ':') port++;
            char *end;
            long n = strtol(port, &end, 10);
            if (!isdigit((unsigned char)port[0]) || *end || n < 1 || n > 65535) {
                fprintf(err, "rv39: -gdb %s: not a TCP port (1-65535)\n", arg);
                return OPTIONS_ERROR;
            }
            opts->gdb_port = (int)n;
            break;
        }
        case OPT_DUMPDTB: opts->dumpdtb = arg; break;
        case OPT_LOG:
            switch (trace_log_parse(arg, &opts->log_items, out, err)) {
            case TRACE_PARSE_OK: break;
            case TRACE_PARSE_HELP: return OPTIONS_DONE;
            case TRACE_PARSE_ERROR: return OPTIONS_ERROR;
            }
            break;
        case OPT_LOGFILE: opts->log_file = arg; break;
        case OPT_SCREENSHOT: opts->screenshot = arg; break;
        case OPT_FB: {
            const char *problem;
            if (!options_parse_fb_size(arg, &opts->machine.fb_width, &opts->machine.fb_height,
                                       &problem)) {
                fprintf(err, "rv39: -fb %s: %s\n", arg, problem);
                return OPTIONS_ERROR;
            }
            break;
        }
        case OPT_DISPLAY:
            /* QEMU's -display takes sdl, none, gtk, ...; we have the first two. */
            if (strcmp(arg, "sdl") == 0) {
                opts->display = DISPLAY_SDL;
            } else if (strcmp(arg, "none") == 0) {
                opts->display = DISPLAY_NONE;
            } else {
                fprintf(err, "rv39: -display %s: expected sdl or none\n", arg);
                return OPTIONS_ERROR;
            }
            break;
        case OPT_MEMORY: {
            const char *problem;
            if (!options_parse_ram_size(arg, &opts->machine.ram_size, &problem)) {
                fprintf(err, "rv39: -m %s: %s\n", arg, problem);
                return OPTIONS_ERROR;
            }
            break;
        }
        case OPT_TLB: {
            char problem[128];
            if (tlb_spec_has_empty_field(arg)) {
                fprintf(err,
                        "rv39: -tlb '%s': empty field (expected e.g. sets=64,ways=4,super=16)\n",
                        arg);
                return OPTIONS_ERROR;
            }
            if (!tlb_parse_config(arg, &opts->tlb, problem, sizeof(problem))) {
                fprintf(err, "rv39: -tlb %s: %s\n", arg, problem);
                return OPTIONS_ERROR;
            }
            opts->tlb_given = true;
            opts->tlb_spec = arg;
            break;
        }
        case OPT_JIT:
            if (!options_parse_bool(arg, &opts->jit)) {
                fprintf(err, "rv39: -jit %s: expected on or off\n", arg);
                return OPTIONS_ERROR;
            }
            break;
        case OPT_ICOUNT: /* emu/options_time.c */
        case OPT_RTC:
        case OPT_STATE_HASH:
        case OPT_RECORD:
        case OPT_REPLAY:
        case OPT_LOADVM:
            if (!options_parse_time(spec->name, arg, opts, err)) return OPTIONS_ERROR;
            break;
        case OPT_HELP: print_help(out); return OPTIONS_DONE;
        case OPT_VERSION: fprintf(out, "rv39 %s\n", RV39_VERSION); return OPTIONS_DONE;
        }
    }
    char net_problem[200];
    if (!options_finish_time(opts, net_problem, sizeof(net_problem))) {
        fprintf(err, "rv39: %s\n", net_problem);
        return OPTIONS_ERROR;
    }
    if (!options_finish_network(opts, net_problem, sizeof(net_problem))) {
        fprintf(err, "rv39: %s\n", net_problem);
        return OPTIONS_ERROR;
    }
    /* -nographic wins over -display sdl: asked for no window, get none. */
    if (opts->machine.nographic) opts->display = DISPLAY_NONE;
    if (opts->debug && opts->gdb_port) {
        fprintf(err, "rv39: -debug and -gdb: choose one debugger\n");
        return OPTIONS_ERROR;
    }
    /* QEMU's -S waits for GDB or the monitor's `cont`: with neither (-monitor stdio starts
     * at the prompt anyway) it would wait forever. */
    if (opts->start_halted && !opts->gdb_port && !opts->monitor) {
        fprintf(err, "rv39: -S: only with -gdb PORT (wait for GDB before running)%s\n",
                opts->debug ? "; -debug starts halted already" : "");
        return OPTIONS_ERROR;
    }
    if (opts->display == DISPLAY_SDL && !opts->dumpdtb) {
        const char *why = missing_display();
        if (why) {
            fprintf(err, "rv39: -display sdl: %s (use -nographic to run without a window)\n", why);
            return OPTIONS_ERROR;
        }
    }
    if (opts->screenshot && !opts->dumpdtb) {
        char problem[4200];
        if (!screenshot_path_writable(opts->screenshot, problem, sizeof problem)) {
            fprintf(err, "rv39: -screenshot %s: %s\n", opts->screenshot, problem);
            return OPTIONS_ERROR;
        }
    }
    return OPTIONS_RUN;
}
