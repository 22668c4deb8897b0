/* What the fuzz targets (tests/fuzz/fuzz_*.c) share: the libFuzzer entry points, counters
 * for the one-line summary each target prints at exit, an oracle's way to fail, and a cursor
 * that reads a fuzzed input as a stream of little-endian fields.
 *
 * Each target is built twice (tests/fuzz/CMakeLists.txt): with clang's libFuzzer in
 * build-fuzz (`make fuzz`), and in every normal build with replay_main.c, which feeds it the
 * committed corpus and crash regressions (ctest: fuzz-replay/<target>). */
#ifndef RV39_FUZZ_H
#define RV39_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's interface. LLVMFuzzerInitialize is optional: define it to set up once. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A named counter, shown in registration order in the summary line printed at exit:
 * "fuzz_virtio: 1234 requests, 56 writes, 0 stray sectors". The pointer stays valid for the
 * whole run, so a target looks its counters up once and then just increments them. */
uint64_t *fuzz_counter(const char *name);

/* An oracle found a bug: print "<target>: FAILED: <why>" to stderr and abort(), which
 * libFuzzer reports as a crash and saves the input. */
_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Send the target's stderr to /dev/null and back, around calls that print expected complaints
 * (one line per refused input would swamp the log). Sanitizer reports keep going to the
 * original stderr, so a crash inside still shows why. */
void fuzz_stderr_off(void);
void fuzz_stderr_on(void);
/* The same, but into `fd` (a memfd, to read what was printed), until fuzz_stderr_on. */
void fuzz_stderr_into(int fd);

/* `size` bytes (a multiple of the page size) of zeroed memory between two PROT_NONE guard
 * pages, for guest RAM: a device or loader that strays past either end faults at once, even
 * in the replay builds without AddressSanitizer. Never freed (one per target). */
uint8_t *fuzz_guarded_alloc(size_t size);

/* The input as a stream; reads past its end give zeros, so every input decodes to something. */
struct fuzz_input {
    const uint8_t *p;
    size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
    if (!in->left) return 0;
    in->left--;
    return *in->p++;
}

static inline uint16_t fuzz_u16(struct fuzz_input *in)
{
    uint16_t lo = fuzz_u8(in);
    return (uint16_t)(lo | fuzz_u8(in) << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
    uint32_t lo = fuzz_u16(in);
    return lo | (uint32_t)fuzz_u16(in) << 16;
}

static inline uint64_t fuzz_u64(struct fuzz_input *in)
{
    uint64_t lo = fuzz_u32(in);
    return lo | (uint64_t)fuzz_u32(in) << 32;
}

/* Take up to `len` bytes; *got says how many there were. */
static inline const uint8_t *fuzz_bytes(struct fuzz_input *in, size_t len, size_t *got)
{
    const uint8_t *p = in->p;
    *got = len < in->left ? len : in->left;
    in->p += *got;
    in->left -= *got;
    return p;
}

#endif
