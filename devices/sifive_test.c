/* The "sifive,test0" finisher: a guest powers the board off or resets it by writing one 32-bit
 * word at offset 0. The low 16 bits select the action, the high 16 bits carry the failure
 * code. Values it does not know are ignored, as QEMU ignores them; reads return 0.
 *
 * Access sizes as QEMU's hw/misc/sifive_test.c declares them (MemoryRegionOps .valid: 2 to 4
 * bytes, aligned): a byte or doubleword access, or a misaligned one, is refused, and the bus
 * turns the refusal into a load/store access fault, as QEMU's failed transaction does. */
#include "sifive_test.h"

/* 2- and 4-byte accesses at a multiple of their size; anything else faults. */
static bool valid_access(uint64_t offset, unsigned size)
{
    return (size == 2 || size == 4) && offset % size == 0;
}

#define FINISHER_FAIL 0x3333u
#define FINISHER_PASS 0x5555u
#define FINISHER_RESET 0x7777u

void sifive_test_init(struct sifive_test *t, void (*power)(void *, enum power_action, int),
                      void *opaque)
{
    t->power = power;
    t->opaque = opaque;
}

bool sifive_test_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)opaque;
    if (!valid_access(offset, size)) return false;
    *value = 0;
    return true;
}

bool sifive_test_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct sifive_test *t = opaque;
    if (!valid_access(offset, size)) return false;
    if (offset != 0 || !t->power) return true;

    uint32_t word = (uint32_t)value;
    switch (word & 0xffff) {
    case FINISHER_PASS: t->power(t->opaque, POWER_OFF, 0); break;
    case FINISHER_FAIL: t->power(t->opaque, POWER_OFF, (int)(word >> 16)); break;
    case FINISHER_RESET: t->power(t->opaque, POWER_RESET, 0); break;
    default: break;
    }
    return true;
}
