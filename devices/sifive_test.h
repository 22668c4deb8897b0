/* The "sifive,test0" finisher at 0x100000: a 32-bit write of 0x5555 powers off with status 0,
 * 0x3333 | code << 16 powers off with status `code`, 0x7777 resets. Only aligned 2- and 4-byte
 * accesses are accepted; the callbacks refuse others (the CPU takes an access fault). */
#ifndef RV39_SIFIVE_TEST_H
#define RV39_SIFIVE_TEST_H

#include <stdbool.h>
#include <stdint.h>

#define SIFIVE_TEST_BASE 0x100000ull
#define SIFIVE_TEST_SIZE 0x1000ull

enum power_action { POWER_OFF, POWER_RESET };

struct sifive_test {
    void (*power)(void *opaque, enum power_action action, int status);
    void *opaque;
};

void sifive_test_init(struct sifive_test *t, void (*power)(void *, enum power_action, int),
                      void *opaque);
bool sifive_test_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bool sifive_test_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);

#endif
