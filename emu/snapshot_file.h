/* Snapshot files: the monitor's `savevm FILE` / `loadvm FILE` and the command line's
 * `-loadvm FILE`.
 *
 * The file (little-endian throughout):
 *   header   "RV39SNAP", u32 format version, u32 0, u64 build id, u64 payload bytes
 *   payload  records: u32 tag, u32 0, u64 length, then `length` bytes
 *              "META"  u64 instret
 *              "STAT"  the machine's state (emu/snapshot_state.c)
 *              "RAM "  u64 n, then n x (u64 page index, 4096 bytes): the pages not all zero
 *              "DISK"  u32 virtio slot, u32 0, u64 image bytes, u64 n, then n x (u64 block
 *                      index, 4096 bytes): every 4 KiB block of the image not all zero,
 *                      ascending (the last block zero-padded)
 *   trailer  u64 checksum of everything before it
 * The build id is a hash of the rv39 executable itself: the state's layout is this build's
 * structs, so a file from any other build (another commit, compiler or option) is refused
 * with a line that says so, never misread. The file is untrusted input: every length, index
 * and offset is checked, and the state is checked value by value before the machine takes it.
 * A snapshot holds the disks whole, so it pins what they held whatever happens to them after:
 * `loadvm` writes back every block that differs (and zeros what was zero). */
#ifndef RV39_SNAPSHOT_FILE_H
#define RV39_SNAPSHOT_FILE_H

#include <stdbool.h>
#include <stddef.h>

struct machine;

#define SNAPSHOT_FILE_VERSION 1u

/* Save the machine now to `path` (written beside it, then renamed into place). False with
 * err set (no "rv39:", no newline) on failure. */
bool snapshot_save_file(struct machine *m, const char *path, char *err, size_t errlen);
/* Load `path` into the machine (built from the same command line). False with err set, the
 * machine unchanged, when the file is not a snapshot of this build for this machine, or is
 * truncated or corrupt. */
bool snapshot_load_file(struct machine *m, const char *path, char *err, size_t errlen);
/* This build's id (a hash of the executable), as the file holds it. */
unsigned long long snapshot_build_id(void);
/* The checksum a file's trailer holds of the `len` bytes before it (for tools that make or
 * alter files: tests/fuzz/fuzz_snapshot.c). */
unsigned long long snapshot_file_checksum(const void *file, size_t len);

#endif
