/* The machine's state other than RAM and disks as one byte string: every hart's registers,
 * CSRs and model TLB, every device's registers and queues, guest time. emu/snapshot.c keeps it
 * in memory; emu/snapshot_file.c writes it to a file. One list of fields serves both ways
 * (saving and loading walk the same functions), so nothing can be saved and not loaded. */
#ifndef RV39_SNAPSHOT_STATE_H
#define RV39_SNAPSHOT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* The state now, in *buf (malloc'd) of *len bytes. False: out of memory. */
bool snapshot_state_save(struct machine *m, uint8_t **buf, size_t *len);
/* Put the state in buf back. Everything is parsed and checked first (a file is untrusted):
 * on failure the machine is unchanged and err says why in a few words (no "rv39:", no
 * newline). RAM is not touched; the caller then drops the harts' caches. */
bool snapshot_state_load(struct machine *m, const uint8_t *buf, size_t len, char *err,
                         size_t errlen);

#endif
