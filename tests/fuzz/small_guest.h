/* The small guest that fuzz_snapshot and fuzz_record load their files into, and that
 * seeds_guest runs to make their seed files (a real snapshot and a real record log, made by
 * the build: they hold this build's state layout, so none is committed).
 *
 * The board: SMALL_GUEST_RAM of RAM, -icount shift=SMALL_GUEST_SHIFT (a deterministic run), a
 * 16x16 framebuffer, virtio-keyboard and virtio-tablet (record logs carry their input), and
 * in virtio slot 2 a drive of SMALL_GUEST_DISK bytes (snapshot files carry its blocks). The
 * program (small_guest.c) takes a timer interrupt every 500 ticks (and reads the registers of
 * every virtio slot, the PLIC and the RTC there: a loaded snapshot's device state is used),
 * echoes what the UART receives and keeps it in RAM, writes a counter over 16 pages, and
 * powers off on 'q'. */
#ifndef RV39_SMALL_GUEST_H
#define RV39_SMALL_GUEST_H

#include <stdbool.h>

#include "emu/machine.h"

#define SMALL_GUEST_RAM (1u << 20)
#define SMALL_GUEST_DISK (64u << 10)
#define SMALL_GUEST_SHIFT 3u
#define SMALL_GUEST_DISK_SLOT 2

/* The board's configuration, with the drive at `disk_path` (NULL: no drive) and the console
 * into `console`. */
struct machine_config small_guest_config(const char *disk_path, FILE *console);
/* Build the board, put the program in RAM and boot it. Fails loudly (fuzz_fail). */
void small_guest_start(struct machine *m, const struct machine_config *cfg);
/* Fill the drive's file with its first contents: a few blocks of a pattern, the rest holes. */
void small_guest_disk_fill(int fd);
/* Run as machine_run does, at most `slices` slices. False once the guest powered off. */
bool small_guest_run(struct machine *m, unsigned slices);

#endif
