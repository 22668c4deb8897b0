/* The flattened device tree (DTB) that tells the guest what the board has: RAM, the harts and
 * their interrupt controllers, CLINT, PLIC, UART, the virtio-mmio slots and the test finisher
 * with its poweroff/reboot nodes. Built with libfdt in the shape QEMU 7.2's `virt` machine
 * gives it (node names, compatibles, phandle numbers), so guests written for QEMU find the
 * same tree; devices rv39 does not have (PCIe, flash, fw-cfg) are left out.
 *
 * The format is the Devicetree Specification's, chapter 5 ("Flattened Devicetree (DTB)
 * Format"); the bindings are Linux's (riscv/cpus.yaml, sifive,plic-1.0.0.yaml, ...). */
#ifndef RV39_FDT_H
#define RV39_FDT_H

#include <stddef.h>
#include <stdint.h>

/* What the tree describes that can vary from run to run; the rest of the board is fixed. */
struct fdt_board {
    unsigned harts; /* /cpus/cpu@0.. and their PLIC and CLINT contexts; 0 means 1 */
    uint64_t ram_base, ram_size;
    const char *bootargs; /* /chosen/bootargs (the -append text), or NULL for none */
    /* The initial RAM disk, [initrd_start, initrd_end) in guest-physical memory; no
     * linux,initrd-* properties when initrd_end <= initrd_start. */
    uint64_t initrd_start, initrd_end;
    unsigned virtio_slots; /* virtio-mmio transports to list, from 0x10001000 up (QEMU: 8) */
    /* The simple-framebuffer (devices/framebuffer.h); fb_size 0 = no node. The pixel format
     * is always FB_FORMAT. */
    uint64_t fb_base, fb_size;
    uint32_t fb_width, fb_height, fb_stride;
    /* /chosen/rng-seed: FDT_RNG_SEED_SIZE random bytes the kernel's RNG starts from, as QEMU's
     * virt passes them (Linux credits them: its crng is ready at boot instead of after seconds
     * of jitter sampling); NULL for no property (the tests' reproducible trees). */
    const uint8_t *rng_seed;
};
#define FDT_RNG_SEED_SIZE 32 /* QEMU 7.2 hw/riscv/virt.c: 32 bytes */

/* Room for the whole board but the command line; rv39's tree is about 4 KiB. A caller adds the
 * bootargs' length to it (emu/main.c), so no -append is too long for the tree. */
#define FDT_MAX_SIZE (64u * 1024u)

/* Write the board's DTB into buf (bufsize bytes) and return its packed size, or 0 when it does
 * not fit or libfdt refuses (one line on stderr says why). */
size_t fdt_build(const struct fdt_board *b, void *buf, size_t bufsize);

/* -dtb FILE: the given tree (given_size bytes read from the file) copied into buf, with
 * /chosen's bootargs, linux,initrd-* and rng-seed set from b as QEMU does; nothing else of b
 * is used.
 * Returns the packed size, or 0 with one line on stderr when the blob is not a device tree or
 * does not fit. */
size_t fdt_adopt(const void *given, size_t given_size, const struct fdt_board *b, void *buf,
                 size_t bufsize);

/* The guest-physical address where QEMU 7.2 puts the DTB (hw/riscv/boot.c, then
 * riscv_load_fdt): below the end of RAM, or below 3 GiB when RAM goes past it (32-bit guests
 * must reach it), aligned down to 2 MiB. QEMU measures its 1 MiB working buffer, not the packed
 * tree, so sizes below 1 MiB count as 1 MiB. With the default 128 MiB that is 0x87e00000.
 * Returns ram_base when RAM is too small to keep the tree above it. */
uint64_t fdt_place(uint64_t ram_base, uint64_t ram_size, size_t dtb_size);

#endif
