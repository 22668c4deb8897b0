/* Under -icount the guest's randomness must not come from the host: /chosen/rng-seed and
 * virtio-rng take their bytes from this fixed sequence instead (splitmix64; not secret, not
 * meant to be: a deterministic run is a reproducible one). */
#ifndef RV39_FIXED_RANDOM_H
#define RV39_FIXED_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#define FIXED_RANDOM_SEED 0x7276333969636e74ull /* "rv39icnt" */

/* Fill buf with the next len bytes of the sequence whose position is *state. */
void fixed_random(uint64_t *state, void *buf, size_t len);

#endif
