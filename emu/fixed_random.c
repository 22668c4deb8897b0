#include "fixed_random.h"

void fixed_random(uint64_t *state, void *buf, size_t len)
{
    uint8_t *out = buf;
    for (size_t i = 0; i < len; i++) {
        *state += 0x9e3779b97f4a7c15ull;
        uint64_t z = (*state ^ (*state >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        out[i] = (uint8_t)((z ^ (z >> 31)) >> 56);
    }
}
