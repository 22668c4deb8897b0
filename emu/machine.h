/* The board: one hart, RAM, and QEMU-virt's devices, and the loop that runs them. */
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
#include "../devices/virtio_mmio.h"
#include "../devices/sifive_test.h"
#include "../devices/uart16550.h"

#define RAM_BASE 0x80000000ull
#define DEFAULT_RAM_SIZE (128ull << 20)

/* A raw disk image for virtio-blk (--drive). Drives bound to a slot (-device ...,bus=) take
 * it; the others fill the free slots in command-line order. */
struct drive_config {
    const char *file;
    bool readonly;
    int slot; /* virtio slot, or -1 for the first free one */
};

struct machine_config {
    uint64_t ram_size;
    const char *bios;   /* raw binary at RAM_BASE, "none", or NULL (= none until firmware exists) */
    const char *kernel; /* ELF (or raw with --bios FILE) */
    const char *append; /* kernel command line (/chosen/bootargs) */
    const char *initrd; /* -initrd: initial RAM disk, or NULL */
    const char *dtb;    /* -dtb: a device tree to boot with instead of rv39's, or NULL */
    bool nographic;     /* no SDL window: the console is the terminal only */
    uint32_t fb_width, fb_height; /* framebuffer geometry (--fb WxH); 0 = 800x600 */
    bool stats;                   /* print counters at exit */
    bool svade;                   /* A/D bits clear -> page fault instead of hardware update */
    struct drive_config drives[VIRTIO_MMIO_SLOTS];
    unsigned drive_count;
    FILE *console; /* where UART/HTIF output goes (stdout) */
};

/* HTIF (tohost/fromhost) as the RISC-V test ecosystem uses it; active when the loaded ELF
 * has a `tohost` symbol. */
struct htif {
    bool enabled;
    uint64_t tohost, fromhost; /* physical addresses; fromhost 0 if the ELF has none */
};

struct machine {
    struct cpu cpu;
    struct bus bus;
    uint8_t *ram;
    uint64_t ram_size;
    struct uart16550 uart;
    struct clint clint;
    struct plic plic;
    struct dma dma;                               /* how virtio reaches RAM */
    struct virtio_mmio virtio[VIRTIO_MMIO_SLOTS]; /* all 8 slots, empty ones too (as QEMU) */
    struct virtio_blk disk[VIRTIO_MMIO_SLOTS];
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
    uint64_t instret;       /* instructions retired over the whole run */
    bool stdin_open;        /* stdin still has data to read into the UART */
    bool debugging;         /* a debugger owns Ctrl-C (it interrupts, it does not stop) */
    uint64_t slices;        /* service rounds so far */
    struct symtab *symbols; /* the loaded ELF's symbols (for HTIF and the debugger), or NULL */
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
/* Put the hart at m->entry in M-mode, a0 = hart id, a1 = device tree. */
void machine_boot(struct machine *m);
/* The board's work between slices: timers, keyboard, HTIF, console, guest reset. Returns
 * false once the guest has powered off (or rv39 was stopped by a signal). */
bool machine_service(struct machine *m);
/* Run the hart for up to `budget` instructions, or exactly one with `step`; a hart in wfi
 * idles the host instead until an interrupt is pending. Returns instructions retired. */
uint64_t machine_advance(struct machine *m, uint64_t budget, bool step);
/* Terminal in raw mode and Ctrl-C caught (restored by machine_console_end). */
void machine_console_begin(void);
void machine_console_end(struct machine *m);
/* Was Ctrl-C (SIGINT) pressed since the last call? Clears it. (SIGTERM is not an interrupt:
 * machine_service stops the machine.) */
bool machine_interrupted(void);
/* Guest-physical RAM access for loaders and DMA: NULL if [pa, pa+len) is not all RAM. */
uint8_t *machine_ram_ptr(struct machine *m, uint64_t pa, uint64_t len);

/* HTIF service, emu/htif.c: called between slices; handles a pending tohost command. */
void htif_poll(struct machine *m);

#endif
