/* Snapshots of the whole machine, in memory: capture the state now, go back to it later.
 *
 * A snapshot holds every hart's registers, CSRs and model TLB, every device's state, guest
 * time (emu/snapshot_state.c), all of RAM, and what the disks held: after a capture the first
 * write to each 4 KiB block of a drive copies the block's old contents into the journal of
 * every live snapshot that lacks it (emu/disk_journal.h), and a restore writes them back.
 * The image file always gets the guest's writes at once: nothing acknowledged is lost.
 * Decoded instructions, translated blocks and the fast TLB are caches: a restore drops those
 * of the pages it changes.
 *
 * RAM is kept page by page, copy on write between snapshots: a page no store reached since
 * the previous capture is shared with it (ram.written, mmu/ram.h, says which pages stores
 * reached: the MMU's slow path, DMA and the loaders mark them, and a capture drops the fast
 * TLB's write entries so the next store to each page takes the slow path once). Zero pages
 * cost nothing. So a capture costs a scan of one byte per page plus a copy of the pages
 * written since the last one; a restore copies back only the pages that differ.
 *
 * Capture and restore between slices (no hart running). Snapshots are freed before the
 * machine. */
#ifndef RV39_SNAPSHOT_H
#define RV39_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct snapshot;

/* The machine's state now; NULL when the host is out of memory (one line printed). */
struct snapshot *snapshot_capture(struct machine *m);
/* Put the machine back into the state `s` holds, its disks too. False (err set: a few words,
 * no "rv39:", no newline) when `s` is not of this machine or lost track of a disk block
 * (machine unchanged), or when a disk cannot be written back. */
bool snapshot_restore(struct machine *m, struct snapshot *s, char *err, size_t errlen);
void snapshot_free(struct snapshot *s);
/* The instructions retired when `s` was captured (m->instret then). */
uint64_t snapshot_instret(const struct snapshot *s);

/* For the file format (emu/snapshot_file.c): a snapshot's parts. */
const uint8_t *snapshot_state_bytes(const struct snapshot *s, size_t *len);
/* RAM page `index` (4 KiB), or NULL when it is all zeros. */
const uint8_t *snapshot_page(const struct snapshot *s, uint64_t index);
uint64_t snapshot_page_count(const struct snapshot *s);
/* An empty snapshot of `pages` zero pages, to be filled from a file: takes `state` (malloc'd)
 * over. NULL: out of memory. */
struct snapshot *snapshot_new(struct machine *m, uint8_t *state, size_t state_len,
                              uint64_t instret);
/* Give page `index` of a snapshot from snapshot_new these 4096 bytes. False: out of memory. */
bool snapshot_set_page(struct snapshot *s, uint64_t index, const uint8_t *data);

/* Write `len` bytes at `offset` of the drive in virtio slot `slot` as the guest would: the
 * live snapshots' journals keep what it overwrites. For loading a snapshot file. */
bool snapshot_disk_write(struct machine *m, unsigned slot, const uint8_t *data, uint64_t len,
                         uint64_t offset);

/* machine_free: the machine's snapshot bookkeeping (dirty map, shared pages). */
void snapshot_machine_free(struct machine *m);

#endif
