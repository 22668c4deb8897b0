/* The command line: QEMU's option names (-kernel, -bios, -m, -append, -nographic) in both the
 * single-dash form QEMU documents and the GNU double-dash form, turned into a machine_config.
 *
 * Parsing never exits the process: it reports what main should do, so the unit tests can run
 * every path and read the messages. Options are matched by their whole name (emu/options.c). */
#ifndef RV39_OPTIONS_H
#define RV39_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../mmu/tlb.h"
#include "display_sdl.h"
#include "machine.h"

/* Bounds for -m: below 1 MiB nothing useful fits, and 16 GiB is far more than any guest here
 * needs while still leaving the top of the 39-bit physical space free for devices. */
#define OPTIONS_MIN_RAM (1ull << 20)
#define OPTIONS_MAX_RAM (16ull << 30)

/* --drive file=PATH[,readonly=on]: raw images for virtio-blk, in command-line order. */
#define OPTIONS_MAX_DRIVES 8
#define OPTIONS_DRIVE_PATH_MAX 1024
struct drive_option {
    char file[OPTIONS_DRIVE_PATH_MAX]; /* ",," in the option text is a literal comma (QEMU) */
    bool readonly;
    char id[32]; /* id=, for -device virtio-blk-device,drive=ID */
    int slot;    /* virtio slot from -device ...,bus=virtio-mmio-bus.N, or -1: the next free */
};

#define OPTIONS_MAX_NETDEVS 4

struct options {
    struct machine_config machine;
    struct drive_option drives[OPTIONS_MAX_DRIVES];
    unsigned drive_count;
    bool tlb_given;            /* --tlb was on the command line */
    const char *tlb_spec;      /* its text, as typed */
    struct tlb_config tlb;     /* its meaning, over the defaults */
    unsigned log_items;        /* -d: enum trace_item bits (emu/trace_log.h) */
    const char *log_file;      /* -D FILE: the log's destination, or NULL for stderr */
    const char *dumpdtb;       /* --dumpdtb FILE: write the device tree there and exit, or NULL */
    bool debug;                /* --debug: start halted at the debugger's prompt */
    bool monitor;              /* -monitor stdio: the same, in QEMU's words */
    bool jit;                  /* --jit on|off: translate hot code (x86-64 hosts; default on) */
    int gdb_port;              /* --gdb PORT: serve GDB's remote protocol on PORT (0: off) */
    uint64_t extensions;       /* -cpu: the hart's extensions, a bit per enum rv_ext */
    unsigned vm_max;           /* -cpu mmu=...: the widest satp.MODE (8 Sv39 .. 10 Sv57) */
    bool start_halted;         /* -S: with --gdb, wait for GDB before running */
    enum display_mode display; /* --display sdl|none; --nographic = none; default auto */
    const char *screenshot;    /* --screenshot FILE.png: the framebuffer at exit, or NULL */
    struct netdev_config netdevs[OPTIONS_MAX_NETDEVS]; /* -netdev user,id=... */
    unsigned netdev_count;
    char nic_netdev[MACHINE_MAX_NICS][NET_ID_MAX];  /* card i's netdev= ("" for -nic) */
    bool rtc_given, rtc_base_given, rtc_clock_host; /* -rtc, its base= and clock=host|rt */
    bool icount_given;                              /* -icount was on the command line */
    const char *record_file, *replay_file;          /* -record FILE, -replay FILE (emu/record.h) */
    const char *loadvm_file; /* -loadvm FILE: start from this snapshot (emu/snapshot_file.h) */
    /* -accel tcg,thread=...: harts on host threads or in turn on one (emu/machine_threads.h) */
    enum { ACCEL_THREAD_DEFAULT, ACCEL_THREAD_SINGLE, ACCEL_THREAD_MULTI } accel_thread;
};

enum options_outcome {
    OPTIONS_RUN,   /* go on and boot */
    OPTIONS_DONE,  /* --help or --version was served: exit 0 */
    OPTIONS_ERROR, /* a one-line message went to `err`: exit 2 */
};

/* Parse argv into *opts (defaults first). --help and --version print to `out`; problems print
 * one line "rv39: <what>: <problem>" to `err`. */
enum options_outcome options_parse(int argc, char **argv, struct options *opts, FILE *out,
                                   FILE *err);

/* A boolean value as QEMU spells it: on/off, yes/no, true/false, y/n. False if it is none. */
bool options_parse_bool(const char *text, bool *value);
/* One -device argument (QEMU's syntax): virtio-blk-device,drive=ID[,bus=virtio-mmio-bus.N]
 * binds the -drive with that id to virtio slot N (or the next free slot). */
bool options_parse_device(const char *text, struct options *opts, char *problem,
                          size_t problem_len);

/* emu/options_virtio.c. The -device parsers get the text after the device name (",..." or
 * ""); options_finish_network binds the cards to their -netdev once the line is read. */
bool options_parse_rng_device(const char *args, struct options *opts, char *problem,
                              size_t problem_len);
bool options_parse_net_device(const char *args, struct options *opts, char *problem,
                              size_t problem_len);
bool options_parse_gpu_device(const char *args, struct options *opts, char *problem,
                              size_t problem_len);
bool options_parse_input_device(const char *args, bool tablet, struct options *opts, char *problem,
                                size_t problem_len);
bool options_parse_netdev(const char *text, struct options *opts, char *problem,
                          size_t problem_len);
bool options_parse_nic(const char *text, struct options *opts, char *problem, size_t problem_len);
bool options_finish_network(struct options *opts, char *problem, size_t problem_len);

/* emu/options_time.c: -icount [shift=]N[,sleep=off], -rtc base=...,clock=vm,
 * --state-hash-every N; options_finish_time checks how they combine once the line is read. */
bool options_parse_icount(const char *text, struct machine_config *mc, char *problem,
                          size_t problem_len);
bool options_parse_rtc(const char *text, struct options *opts, char *problem, size_t problem_len);
bool options_parse_state_hash(const char *text, struct machine_config *mc, char *problem,
                              size_t problem_len);
bool options_finish_time(struct options *opts, char *problem, size_t problem_len);
/* The option `name` (icount, rtc, state-hash-every, record, replay or loadvm) with its argument; false after one
 * line "rv39: -NAME ARG: problem" to err. */
bool options_parse_time(const char *name, const char *arg, struct options *opts, FILE *err);

/* emu/options_smp.c: -smp [cpus=]N[,maxcpus=N][,sockets=..,cores=..,threads=..] (QEMU's
 * syntax): mc->harts, 1..MACHINE_MAX_HARTS. */
bool options_parse_smp(const char *text, struct machine_config *mc, char *problem,
                       size_t problem_len);

/* One --drive argument, QEMU's syntax: comma-separated KEY=VALUE with file= (required),
 * readonly=on|off, format=raw, if=virtio|none, id= (ignored). On failure writes a short
 * phrase saying why to `problem`. */
bool options_parse_drive(const char *text, struct drive_option *drive, char *problem,
                         size_t problem_len);

/* --fb WxH: the framebuffer's width and height in pixels, each 1..FB_MAX_DIMENSION. On
 * failure points `problem` at a short phrase saying why. */
bool options_parse_fb_size(const char *text, uint32_t *width, uint32_t *height,
                           const char **problem);

/* A memory size as QEMU's -m reads it: a plain number is MiB; a suffix B, K, M, G or T (either
 * case) gives the unit; "size=" may precede it. On failure returns false and points `problem`
 * at a short phrase saying why. Range and alignment are checked too. */
bool options_parse_ram_size(const char *text, uint64_t *bytes, const char **problem);

#endif
