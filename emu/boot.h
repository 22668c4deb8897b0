/* Boot images: where -bios, -kernel, -initrd and the device tree go in guest RAM, as QEMU's
 * virt board puts them (hw/riscv/boot.c), and putting them there again on a guest-requested
 * reset. */
#ifndef RV39_BOOT_H
#define RV39_BOOT_H

#include <stdbool.h>

#include "machine.h"

/* Load every boot image of m->cfg into RAM, build (or adopt, with -dtb) the device tree and
 * place it; set m->entry, m->dtb_addr and m->symbols. Also m->reload's handler. On failure one
 * line "rv39: ..." is on stderr and the caller exits with status 2. */
bool boot_load(struct machine *m);

/* -dumpdtb FILE: the device tree the configuration gives (without linux,initrd-*, which need
 * the images loaded), written to FILE. Returns the exit status: 0, or 2 with one line. */
int boot_dump_device_tree(const struct machine_config *cfg, const char *path);

/* Release what boot_load and boot_dump_device_tree keep (the tree, the guest's symbols). */
void boot_free(void);

#endif
