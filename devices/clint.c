/* CLINT for hart 0, laid out as on QEMU's virt board (SiFive CLINT / RISC-V ACLINT):
 *
 *   +0x0000  msip      32-bit, bit 0 = machine software interrupt pending (MSIP)
 *   +0x4000  mtimecmp  64-bit, MTIP is pending while mtime >= mtimecmp
 *   +0xbff8  mtime     64-bit, the platform timebase (devices/timebase.c)
 *
 * RV64 guests use 64-bit accesses, RV32-style code writes the halves with two 32-bit stores;
 * both work. Every access is handled as a read-modify-write of the naturally aligned 64-bit
 * word that contains it, so any aligned 1/2/4/8-byte access means the same thing. Every other
 * offset in the range reads 0 and ignores writes (there is no hart 1).
 *
 * mtimecmp resets to all ones. The privileged spec leaves its reset value unspecified; QEMU
 * resets it to 0 but does not raise MTIP until the guest first writes it. All ones gives that
 * same behaviour (no timer interrupt before the guest programs one) without a special case. */
#include "clint.h"

#include "timebase.h"

#define CLINT_MSIP 0x0000ull
#define CLINT_MTIMECMP 0x4000ull
#define CLINT_MTIME 0xbff8ull

#define MSIP_BIT 0x1u

void clint_init(struct clint *c, struct irq_line msip_irq, struct irq_line mtip_irq)
{
    c->msip = 0;
    c->mtimecmp = UINT64_MAX;
    c->msip_irq = msip_irq;
    c->mtip_irq = mtip_irq;
    /* Both lines start low; nothing is driven here because the consumer (the hart) may not
     * be initialised yet. */
}

static void drive_msip(struct clint *c)
{
    irq_set(&c->msip_irq, c->msip & MSIP_BIT);
}

void clint_update(struct clint *c)
{
    irq_set(&c->mtip_irq, timebase_now() >= c->mtimecmp);
}

static uint64_t read_word(const struct clint *c, uint64_t word_offset)
{
    switch (word_offset) {
    case CLINT_MSIP: return c->msip; /* upper half would be hart 1's msip: absent, reads 0 */
    case CLINT_MTIMECMP: return c->mtimecmp;
    case CLINT_MTIME: return timebase_now();
    default: return 0;
    }
}

static void write_word(struct clint *c, uint64_t word_offset, uint64_t word)
{
    switch (word_offset) {
    case CLINT_MSIP:
        c->msip = (uint32_t)word & MSIP_BIT; /* only bit 0 is writable */
        drive_msip(c);
        break;
    case CLINT_MTIMECMP:
        c->mtimecmp = word;
        clint_update(c);
        break;
    case CLINT_MTIME:
        timebase_set(word);
        clint_update(c);
        break;
    default: break;
    }
}

/* Where an access sits inside its 64-bit word: shift and mask of the bytes it covers.
 * false for an unsupported size or a misaligned access. */
static bool access_lane(uint64_t offset, unsigned size, unsigned *shift, uint64_t *mask)
{
    if (size != 1 && size != 2 && size != 4 && size != 8) return false;
    if (offset & (size - 1)) return false;
    *shift = (unsigned)(offset & 7) * 8;
    *mask = size == 8 ? UINT64_MAX : ((1ull << (size * 8)) - 1) << *shift;
    return true;
}

bool clint_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    const struct clint *c = opaque;
    unsigned shift;
    uint64_t mask;
    if (!access_lane(offset, size, &shift, &mask)) return false;
    *value = (read_word(c, offset & ~7ull) & mask) >> shift;
    return true;
}

bool clint_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct clint *c = opaque;
    unsigned shift;
    uint64_t mask;
    if (!access_lane(offset, size, &shift, &mask)) return false;
    uint64_t word_offset = offset & ~7ull;
    uint64_t word = read_word(c, word_offset);
    word = (word & ~mask) | ((value << shift) & mask);
    write_word(c, word_offset, word);
    return true;
}
