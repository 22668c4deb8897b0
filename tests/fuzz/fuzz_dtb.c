/* fuzz_dtb: -dtb FILE's path (emu/fdt.c, fdt_adopt) on fuzzed blobs: the user's device tree,
 * checked, copied and given /chosen's bootargs and initrd range as QEMU does.
 *
 * Input: u8 flags | u64 initrd start | u32 initrd length | u16 bootargs length | bootargs |
 * the blob (the rest). flags bit 0: no bootargs; bit 1: no initrd.
 *
 * Oracles: a blob that is refused says so in one line; an adopted one passes fdt_check_full,
 * and its /chosen holds the bootargs byte for byte and the initrd range as 64-bit numbers. */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "emu/fdt.h"
#include "fuzz.h"

#define OUT_SIZE (2 * FDT_MAX_SIZE + 70000)

static uint8_t out[OUT_SIZE];
static uint64_t *adopted, *refused;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    adopted = fuzz_counter("adopted");
    refused = fuzz_counter("refused");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char bootargs[65536];
    struct fuzz_input in = {data, size};
    uint8_t flags = fuzz_u8(&in);
    uint64_t initrd_start = fuzz_u64(&in);
    uint32_t initrd_len = fuzz_u32(&in);
    size_t args_len;
    const uint8_t *args = fuzz_bytes(&in, fuzz_u16(&in), &args_len);
    memcpy(bootargs, args, args_len);
    bootargs[args_len] = '\0';
    size_t blob_len;
    const uint8_t *blob = fuzz_bytes(&in, FDT_MAX_SIZE, &blob_len);

    struct fdt_board b = {.bootargs = flags & 1 ? NULL : bootargs};
    if (!(flags & 2) && initrd_len) {
        b.initrd_start = initrd_start;
        b.initrd_end = initrd_start + initrd_len;
    }
    /* The blob as the file would hold it: its own buffer, so reads past it are ASan's. */
    uint8_t *given = malloc(blob_len ? blob_len : 1);
    if (!given) fuzz_fail("out of memory");
    memcpy(given, blob, blob_len);
    fuzz_stderr_off();
    size_t got = fdt_adopt(given, blob_len, &b, out, sizeof out);
    fuzz_stderr_on();
    free(given);
    if (!got) {
        ++*refused;
        return 0;
    }
    ++*adopted;
    if (got > sizeof out || fdt_check_full(out, got) != 0) fuzz_fail("adopted tree is damaged");
    int chosen = fdt_path_offset(out, "/chosen");
    if (chosen < 0) fuzz_fail("adopted tree has no /chosen");
    int len;
    if (b.bootargs) {
        const char *v = fdt_getprop(out, chosen, "bootargs", &len);
        if (!v || (size_t)len != strlen(b.bootargs) + 1 || memcmp(v, b.bootargs, (size_t)len))
            fuzz_fail("bootargs not set byte for byte");
    }
    if (b.initrd_end > b.initrd_start) {
        /* Property values are only 4-byte aligned: read the 64-bit numbers bytewise. */
        const char *names[2] = {"linux,initrd-start", "linux,initrd-end"};
        uint64_t want[2] = {b.initrd_start, b.initrd_end};
        for (int i = 0; i < 2; i++) {
            const void *v = fdt_getprop(out, chosen, names[i], &len);
            fdt64_t raw;
            if (!v || len != 8) fuzz_fail("%s missing", names[i]);
            memcpy(&raw, v, 8);
            if (fdt64_to_cpu(raw) != want[i]) fuzz_fail("%s is not the initrd's", names[i]);
        }
    }
    return 0;
}
