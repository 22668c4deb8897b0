/* Command-line parsing (emu/options.h). Option names follow QEMU's (qemu-options.hx) so a
 * command that boots a guest on `qemu-system-riscv64 -M virt` boots it here too. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum option_id {
    OPT_HELP = 'h',
    OPT_MEMORY = 'm',
    OPT_BIOS = 256,
    OPT_KERNEL,
    OPT_APPEND,
    OPT_NOGRAPHIC,
    OPT_STATS,
    OPT_TLB,
    OPT_VERSION,
    OPT_SVADE,
};

/* getopt_long_only accepts each of these with one dash (QEMU's spelling) or two (GNU's). */
static const struct option long_options[] = {
    {"bios", required_argument, NULL, OPT_BIOS},
    {"kernel", required_argument, NULL, OPT_KERNEL},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"append", required_argument, NULL, OPT_APPEND},
    {"nographic", no_argument, NULL, OPT_NOGRAPHIC},
    {"stats", no_argument, NULL, OPT_STATS},
    {"tlb", required_argument, NULL, OPT_TLB},
    {"svade", no_argument, NULL, OPT_SVADE},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* Leading ':' makes getopt report a missing argument as ':' instead of printing its own
 * message, so every complaint has our one-line format. */
static const char short_options[] = ":hm:";

static void print_help(FILE *out)
{
    fprintf(out,
            "Usage: rv39 [options]\n"
            "RISC-V RV64 system emulator (QEMU 'virt' board, one hart, Sv39 MMU).\n"
            "\n"
            "  -kernel FILE    ELF executable (or raw image) to boot\n"
            "  -bios FILE|none raw firmware loaded at 0x%llx; 'none' (the default) starts\n"
            "                  the kernel's ELF entry directly in M-mode\n"
            "  -m SIZE         RAM size: MiB, or with a K/M/G/T suffix (default %llu M)\n"
            "  -append STR     kernel command line\n"
            "  -nographic      accepted for QEMU compatibility (the console is the terminal)\n"
            "  -stats          print instruction and MMU counters to stderr at exit\n"
            "  -tlb SPEC       model TLB shape, e.g. sets=64,ways=4,super=16\n"
            "  -svade          page-fault on clear A/D bits (Svade) instead of setting them\n"
            "  -h, -help       this text\n"
            "  -version        print the version\n"
            "\n"
            "Options may be written with one dash or two (-kernel or --kernel).\n"
            "Exit status: the guest's, or 2 when rv39 itself cannot run it.\n",
            (unsigned long long)RAM_BASE, (unsigned long long)(DEFAULT_RAM_SIZE >> 20));
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
                .console = stdout,
            },
        .tlb_given = false,
        .tlb_spec = NULL,
        .tlb = {.sets = TLB_DEFAULT_SETS, .ways = TLB_DEFAULT_WAYS, .super = TLB_DEFAULT_SUPER},
    };
}

/* The word the user typed for the option getopt just rejected. */
static const char *offending_option(char **argv, char *text, size_t len)
{
    /* A short option inside a cluster ("-xq") leaves optind on that word: name the letter. */
    if (optopt > 0 && optopt < 256 && isprint(optopt)) {
        snprintf(text, len, "-%c", optopt);
        return text;
    }
    return argv[optind - 1];
}

enum options_outcome options_parse(int argc, char **argv, struct options *opts, FILE *out,
                                   FILE *err)
{
    set_defaults(opts);

    /* optind = 0 makes glibc re-initialise its scanner, so parsing can run more than once in a
     * process (the unit tests do). */
    optind = 0;
    opterr = 0;
    char name[8];
    int id;
    while ((id = getopt_long_only(argc, argv, short_options, long_options, NULL)) != -1) {
        switch (id) {
        case OPT_BIOS: opts->machine.bios = optarg; break;
        case OPT_KERNEL: opts->machine.kernel = optarg; break;
        case OPT_APPEND: opts->machine.append = optarg; break;
        case OPT_NOGRAPHIC: opts->machine.nographic = true; break;
        case OPT_STATS: opts->machine.stats = true; break;
        case OPT_SVADE: opts->machine.svade = true; break;
        case OPT_MEMORY: {
            const char *problem;
            if (!options_parse_ram_size(optarg, &opts->machine.ram_size, &problem)) {
                fprintf(err, "rv39: -m %s: %s\n", optarg, problem);
                return OPTIONS_ERROR;
            }
            break;
        }
        case OPT_TLB: {
            char problem[128];
            if (!tlb_parse_config(optarg, &opts->tlb, problem, sizeof(problem))) {
                fprintf(err, "rv39: -tlb %s: %s\n", optarg, problem);
                return OPTIONS_ERROR;
            }
            opts->tlb_given = true;
            opts->tlb_spec = optarg;
            break;
        }
        case OPT_HELP: print_help(out); return OPTIONS_DONE;
        case OPT_VERSION: fprintf(out, "rv39 %s\n", RV39_VERSION); return OPTIONS_DONE;
        case ':':
            fprintf(err, "rv39: %s: missing argument\n", argv[optind - 1]);
            return OPTIONS_ERROR;
        case '?':
        default:
            fprintf(err, "rv39: %s: unknown option (see rv39 -help)\n",
                    offending_option(argv, name, sizeof(name)));
            return OPTIONS_ERROR;
        }
    }
    if (optind < argc) {
        fprintf(err, "rv39: %s: unexpected argument (give the guest with -kernel FILE)\n",
                argv[optind]);
        return OPTIONS_ERROR;
    }
    return OPTIONS_RUN;
}
