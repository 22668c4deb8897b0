/* The board: up to MACHINE_MAX_HARTS harts, RAM, and QEMU-virt's devices, and the loop that
 * runs them. */
#ifndef RV39_MACHINE_H
#define RV39_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../cpu/cpu.h"
#include "../devices/bus.h"
#include "../devices/clint.h"
#include "../devices/dma.h"
#include "../devices/framebuffer.h"
#include "../devices/goldfish_rtc.h"
#include "../devices/plic.h"
#include "../devices/virtio_blk.h"
#include "../devices/virtio_gpu.h"
#include "../devices/virtio_input.h"
#include "../devices/virtio_mmio.h"
#include "../devices/virtio_net.h"
#include "../devices/virtio_rng.h"
#include "../devices/sifive_test.h"
#include "../devices/uart16550.h"
#include "input_link.h"
#include "net_user.h"

#define RAM_BASE 0x80000000ull
#define DEFAULT_RAM_SIZE (128ull << 20)
/* The hart indexes its decoded pages by (pa - RAM_BASE) >> 12 and superpages of RAM are
 * mapped by aligned PPNs: RAM starts on a 1 GiB boundary (as QEMU virt's does). */
_Static_assert(RAM_BASE % (1ull << 30) == 0, "RAM_BASE is gigapage aligned");
_Static_assert(DEFAULT_RAM_SIZE % 4096 == 0, "RAM is whole pages");

/* A raw disk image for virtio-blk (--drive). Drives bound to a slot (-device ...,bus=) take
 * it; the others fill the free slots in command-line order. */
struct drive_config {
    const char *file;
    bool readonly;
    int slot; /* virtio slot, or -1 for the first free one */
};

/* A network card (-device virtio-net-device,netdev=ID or -nic user): virtio-net in a virtio
 * slot, wired to user-mode networking (emu/net_user.h). */
#define MACHINE_MAX_NICS 2
struct nic_config {
    struct netdev_config netdev;
    uint8_t mac[6];
    int slot; /* virtio slot, or -1 for the first free one */
};

/* Harts a board can have (-smp N). */
#define MACHINE_MAX_HARTS 8

struct machine_config {
    uint64_t ram_size;
    unsigned harts; /* -smp N: 1..MACHINE_MAX_HARTS; 0 means 1 */
    const char *bios;   /* raw binary at RAM_BASE, "none", or NULL (= none until firmware exists) */
    const char *kernel; /* ELF (or raw with --bios FILE) */
    const char *append; /* kernel command line (/chosen/bootargs) */
    const char *initrd; /* -initrd: initial RAM disk, or NULL */
    const char *dtb;    /* -dtb: a device tree to boot with instead of rv39's, or NULL */
    bool nographic;     /* no SDL window: the console is the terminal only */
    uint32_t fb_width, fb_height; /* framebuffer geometry (--fb WxH); 0 = 800x600 */
    bool stats;                   /* print counters at exit */
    struct drive_config drives[VIRTIO_MMIO_SLOTS];
    unsigned drive_count;
    bool rng;     /* -device virtio-rng-device: entropy from the host's getrandom */
    int rng_slot; /* its virtio slot, or -1 for the first free one */
    struct nic_config nics[MACHINE_MAX_NICS];
    unsigned nic_count;
    bool keyboard, tablet;          /* -device virtio-keyboard-device / virtio-tablet-device */
    int keyboard_slot, tablet_slot; /* their virtio slots, or -1 for the first free ones */
    bool gpu;                       /* -device virtio-gpu-device: 2D, scanout on the framebuffer */
    int gpu_slot;
    /* -global virtio-mmio.force-legacy=true|false: the legacy virtio-mmio interface (Version
     * 1) on every slot, as QEMU 7.2's default, or the modern one (Version 2). */
    bool virtio_legacy;
    FILE *console; /* where UART/HTIF output goes (stdout) */
    /* -icount shift=N: guest time from retired instructions, 2^N ns each (devices/timebase.h),
     * and the goldfish RTC at rtc_base_ns plus that time (QEMU's -rtc base=...,clock=vm). */
    bool icount;
    unsigned icount_shift;
    uint64_t rtc_base_ns;
    /* --state-hash-every N: print "state-hash INSTRET HASH" about every N instructions (at the
     * first slice boundary past each multiple) and at exit; 0 = off (emu/state_hash.c). */
    uint64_t state_hash_every;
};

/* HTIF (tohost/fromhost) as the RISC-V test ecosystem uses it; active when the loaded ELF
 * has a `tohost` symbol. */
struct htif {
    bool enabled;
    uint64_t tohost, fromhost; /* physical addresses; fromhost 0 if the ELF has none */
};

struct machine {
    /* hart[0..nharts-1], each on the heap with its own MMU, TLBs, decoded pages, JIT and
     * reservation; mhartid = its index. The others are NULL. */
    struct cpu *hart[MACHINE_MAX_HARTS];
    unsigned nharts;
    unsigned selected; /* the hart the debugger, GDB and the monitor look at */
    struct bus bus;
    struct guest_ram ram; /* [RAM_BASE, RAM_BASE + size); the harts and DMA hold copies */
    struct uart16550 uart;
    struct clint clint;
    struct plic plic;
    struct dma dma;                               /* how virtio reaches RAM */
    struct virtio_mmio virtio[VIRTIO_MMIO_SLOTS]; /* all 8 slots, empty ones too (as QEMU) */
    struct virtio_blk disk[VIRTIO_MMIO_SLOTS];
    struct virtio_rng rng;
    struct virtio_net net[MACHINE_MAX_NICS];
    struct net_user *net_user[MACHINE_MAX_NICS]; /* their user-mode networks (NULL: none) */
    struct virtio_input keyboard, tablet;        /* fed from the SDL window through `input` */
    struct input_link input;
    struct virtio_gpu gpu;
    uint8_t tablet_buttons; /* the buttons the tablet last reported */
    struct pollfd *pollfds; /* machine_poll's array, grown as needed */
    unsigned pollfd_cap;
    struct sifive_test finisher;
    struct goldfish_rtc rtc;
    struct framebuffer fb;   /* simple-framebuffer at FB_BASE (devices/framebuffer.h) */
    struct display_link *ui; /* the SDL window's link (emu/display_sdl.h), NULL when headless */
    struct htif htif;
    struct machine_config cfg;
    uint64_t entry;    /* where the hart starts */
    uint64_t dtb_addr; /* a1 at boot: device tree address, 0 if none */
    bool stop;         /* power-off requested */
    bool reset;        /* reset requested */
    int exit_status;
    uint64_t instret;         /* instructions retired over the whole run, all harts */
    bool stdin_open;          /* stdin still has data to read into the UART */
    bool debugging;           /* a debugger owns Ctrl-C (it interrupts, it does not stop) */
    uint64_t slices;          /* service rounds so far */
    uint64_t next_state_hash; /* instret at which the next state-hash line is due */
    struct symtab *symbols;   /* the loaded ELF's symbols (for HTIF and the debugger), or NULL */
    struct snapshot_ctx *snap; /* snapshots' bookkeeping (emu/snapshot.c), NULL until one */
    bool resumed; /* -loadvm put the machine in a saved state: machine_start does not boot */
    struct rr *rr;            /* -record/-replay (emu/record.h), or NULL */
    /* The parallel run mode (emu/machine_threads.h): a host thread per hart; NULL: the
     * round-robin mode on this thread. */
    struct machine_threads *threads;
    /* Reloads the boot images after a guest-requested reset (set by the front end). */
    bool (*reload)(struct machine *m);
};

/* Build the board (RAM mapped, devices registered). Prints one line and returns false on
 * failure. */
bool machine_init(struct machine *m, const struct machine_config *cfg);
void machine_free(struct machine *m);
/* Run until the guest powers off; returns the guest's exit status. It is the loop below:
 *   machine_boot; machine_console_begin; while (machine_service) machine_advance; ..._end */
int machine_run(struct machine *m);
/* Put every hart at m->entry in M-mode, a0 = its hart id, a1 = device tree (as QEMU virt's
 * reset vector does for all its harts). */
void machine_boot(struct machine *m);
/* The start of a run (machine_run, the monitor, the debugger, the GDB stub): machine_boot,
 * unless -loadvm already gave the machine a saved state to go on from. */
void machine_start(struct machine *m);
/* The board's work between slices: timers, keyboard, HTIF, console, guest reset. Returns
 * false once the guest has powered off (or rv39 was stopped by a signal). */
bool machine_service(struct machine *m);
/* One round of the deterministic round-robin run mode: each hart in turn (0, 1, ...) runs
 * up to `budget` instructions; with `step`, only the selected hart runs exactly one. A hart
 * in wfi with nothing pending is passed over; when every hart is, the host idles instead
 * until an interrupt can be pending. Returns instructions retired (all harts). */
uint64_t machine_advance(struct machine *m, uint64_t budget, bool step);
/* One hart's turn: up to `budget` instructions (exactly one with `step`). A hart in wfi
 * with no pending and enabled interrupt stays there: 0 retired, *idle set. */
uint64_t machine_advance_hart(struct machine *m, struct cpu *c, uint64_t budget, bool step,
                              bool *idle);
/* Every hart that was to run sits in wfi (a run loop of its own, the debugger's): wait as
 * machine_advance does then, until a timer deadline or input, or skip to the deadline under
 * -icount. */
void machine_idle(struct machine *m);
/* The hart the debugger, GDB and the monitor look at. */
static inline struct cpu *machine_selected(const struct machine *m)
{
    return m->hart[m->selected];
}
/* Make every hart return from its run at the next instruction boundary it checks (power-off,
 * reset, input that needs the loop). */
void machine_yield_all(struct machine *m);
/* Physical [pa, pa + len) was written behind the harts' backs (DMA, a loader, a debugger):
 * every hart drops what it decoded there. */
void machine_invalidate_code(struct machine *m, uint64_t pa, uint64_t len);
/* The run loop's step: machine_advance of SLICE_INSNS per hart in the round-robin mode; in
 * the parallel one the harts run on their threads until the next service round is due. */
uint64_t machine_run_slice(struct machine *m);
/* Terminal in raw mode and Ctrl-C caught (restored by machine_console_end). */
void machine_console_begin(void);
void machine_console_end(struct machine *m);
/* Was Ctrl-C (SIGINT) pressed since the last call? Clears it. (SIGTERM is not an interrupt:
 * machine_service stops the machine.) */
bool machine_interrupted(void);
/* Guest-physical RAM access for loaders, HTIF and the debugger: NULL if [pa, pa+len) is not
 * all RAM (ram_span: the one checked path, mmu/ram.h). */
uint8_t *machine_ram_ptr(struct machine *m, uint64_t pa, uint64_t len);

/* The virtio slots (emu/virtio_board.c): drives, rng and network cards where the
 * configuration puts them, the other slots empty. Prints one line and returns false on
 * failure. */
bool machine_attach_virtio(struct machine *m);
void machine_detach_virtio(struct machine *m);
/* Where virtio-rng's fixed sequence (-icount) stands: a snapshot saves and restores it. */
uint64_t *machine_rng_sequence(void);
/* Wait up to timeout_ns (0: just look) for stdin (when `with_stdin`) or the user-mode
 * networks' sockets, and let the networks handle what is ready and their timers. */
void machine_poll(struct machine *m, uint64_t timeout_ns, bool with_stdin);
bool machine_has_network(const struct machine *m);
/* Hand what the window queued in m->input to the keyboard and tablet (run loop); under
 * -replay the window's input is dropped and the log's comes through machine_input_deliver. */
void machine_input_service(struct machine *m);
void machine_input_deliver(struct machine *m, const struct input_msg *msg);

/* emu/state_hash.c: a 64-bit hash of everything the guest can observe: x/f registers, pc,
 * privilege, CSRs, mtime, RAM, and the devices' registers. Two deterministic runs of the same
 * guest with the same inputs have equal hashes at equal instret. */
uint64_t machine_state_hash(struct machine *m);
/* Print the line "state-hash INSTRET HASH" to stderr. */
void machine_print_state_hash(struct machine *m);

/* HTIF service, emu/htif.c: called between slices; handles a pending tohost command. */
void htif_poll(struct machine *m);

#endif
