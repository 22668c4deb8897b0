/* CLINT laid out as on QEMU's virt board (SiFive CLINT / RISC-V ACLINT MSWI + MTIMER):
 *
 *   +0x0000 + 4*h  msip of hart h      32-bit, bit 0 = machine software interrupt (MSIP)
 *   +0x4000 + 8*h  mtimecmp of hart h  64-bit, its MTIP is pending while mtime >= mtimecmp
 *   +0xbff8        mtime               64-bit, the platform timebase (devices/timebase.c)
 *
 * RV64 guests use 64-bit accesses, RV32-style code writes the halves with two 32-bit stores;
 * both work. Every access is handled on the naturally aligned 64-bit word that contains it, so
 * any aligned 1/2/4/8-byte access means the same thing; a write changes only the bytes it
 * covers (a 64-bit word of the msip array holds two harts' registers: a 32-bit store to one
 * leaves the other alone). Every other offset in the range, and the registers of harts the
 * board does not have, read 0 and ignore writes.
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

void clint_init(struct clint *c, unsigned nharts, const struct irq_line msip_irq[],
                const struct irq_line mtip_irq[])
{
    c->nharts = nharts < CLINT_MAX_HARTS ? nharts : CLINT_MAX_HARTS;
    for (unsigned h = 0; h < CLINT_MAX_HARTS; h++) {
        c->msip[h] = 0;
        c->mtimecmp[h] = UINT64_MAX;
        c->msip_irq[h] = h < c->nharts ? msip_irq[h] : (struct irq_line){0};
        c->mtip_irq[h] = h < c->nharts ? mtip_irq[h] : (struct irq_line){0};
    }
    /* The lines start low; nothing is driven here because the consumers (the harts) may not
     * be initialised yet. */
}

static void update_hart(struct clint *c, unsigned h, uint64_t now)
{
    irq_set(&c->mtip_irq[h], now >= c->mtimecmp[h]);
}

void clint_update(struct clint *c)
{
    uint64_t now = timebase_now();
    for (unsigned h = 0; h < c->nharts; h++)
        update_hart(c, h, now);
}

/* The hart whose register sits at `offset` in an array that starts at `base` with `stride`
 * bytes per hart; false past the harts the board has. */
static bool hart_at(const struct clint *c, uint64_t offset, uint64_t base, uint64_t stride,
                    unsigned *hart)
{
    uint64_t h = (offset - base) / stride;
    if (offset < base || h >= c->nharts) return false;
    *hart = (unsigned)h;
    return true;
}

static uint64_t read_word(const struct clint *c, uint64_t word_offset)
{
    unsigned h;
    if (word_offset == CLINT_MTIME) return timebase_now();
    if (word_offset < CLINT_MTIMECMP) { /* two harts' msip: the even one in the low half */
        uint64_t word = 0;
        if (hart_at(c, word_offset, CLINT_MSIP, 4, &h)) word |= c->msip[h];
        if (hart_at(c, word_offset + 4, CLINT_MSIP, 4, &h)) word |= (uint64_t)c->msip[h] << 32;
        return word;
    }
    if (hart_at(c, word_offset, CLINT_MTIMECMP, 8, &h)) return c->mtimecmp[h];
    return 0;
}

/* Write the bytes of `mask` in the 64-bit word at word_offset. */
static void write_word(struct clint *c, uint64_t word_offset, uint64_t word, uint64_t mask)
{
    unsigned h;
    if (word_offset == CLINT_MTIME) {
        timebase_set((timebase_now() & ~mask) | (word & mask));
        clint_update(c);
    } else if (word_offset < CLINT_MTIMECMP) {
        for (unsigned half = 0; half < 2; half++) {
            if (!((mask >> (32 * half)) & 0xffffffffu)) continue; /* not written */
            if (!hart_at(c, word_offset + 4 * half, CLINT_MSIP, 4, &h)) continue;
            c->msip[h] = (uint32_t)(word >> (32 * half)) & MSIP_BIT; /* only bit 0 is writable */
            irq_set(&c->msip_irq[h], c->msip[h]);
        }
    } else if (hart_at(c, word_offset, CLINT_MTIMECMP, 8, &h)) {
        c->mtimecmp[h] = (c->mtimecmp[h] & ~mask) | (word & mask);
        update_hart(c, h, timebase_now());
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
    write_word(c, offset & ~7ull, value << shift, mask);
    return true;
}
