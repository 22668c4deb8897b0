/* CLINT (devices/clint.c) with QEMU virt's layout: msip @+4*hart, mtimecmp @+0x4000+8*hart,
 * mtime @+0xbff8. MTIP is pending while mtime >= mtimecmp (privileged spec, "Machine Timer
 * Registers (mtime and mtimecmp)"); MSIP mirrors bit 0 of msip. */
#include <criterion/criterion.h>

#include "devices/clint.h"
#include "devices/timebase.h"

#define MSIP 0x0000
#define MTIMECMP 0x4000
#define MTIME 0xbff8

struct wire {
    bool level;
    unsigned sets;
};

static void wire_set(void *opaque, unsigned num, bool level)
{
    struct wire *w = opaque;
    (void)num;
    w->level = level;
    w->sets++;
}

static struct clint clint;
static struct wire msip_wire, mtip_wire;

static void setup(void)
{
    msip_wire = (struct wire){0};
    mtip_wire = (struct wire){0};
    timebase_init();
    clint_init(&clint, 1, (struct irq_line[]){{wire_set, &msip_wire, 3}},
               (struct irq_line[]){{wire_set, &mtip_wire, 7}});
}

static uint64_t rd(uint64_t offset, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    cr_assert(clint_read(&clint, offset, size, &v), "read of %u bytes at %#lx must succeed", size,
              (unsigned long)offset);
    return v;
}

static void wr(uint64_t offset, unsigned size, uint64_t value)
{
    cr_assert(clint_write(&clint, offset, size, value), "write of %u bytes at %#lx must succeed",
              size, (unsigned long)offset);
}

TestSuite(clint, .init = setup);

Test(clint, mtimecmp_resets_to_never)
{
    cr_assert_eq(rd(MTIMECMP, 8), UINT64_MAX, "mtimecmp resets to all ones: no timer at boot");
    clint_update(&clint);
    cr_assert_not(mtip_wire.level, "no MTIP before the guest programs mtimecmp");
}

Test(clint, msip_bit0_drives_software_interrupt)
{
    wr(MSIP, 4, 1);
    cr_assert(msip_wire.level, "writing 1 to msip raises MSIP");
    cr_assert_eq(rd(MSIP, 4), 1, "msip reads back 1");
    wr(MSIP, 4, 0);
    cr_assert_not(msip_wire.level, "writing 0 to msip lowers MSIP");
}

Test(clint, msip_only_bit0_is_writable)
{
    wr(MSIP, 4, 0xfffffffe);
    cr_assert_eq(rd(MSIP, 4), 0, "msip bits 31:1 are hardwired to zero");
    cr_assert_not(msip_wire.level, "a write with bit 0 clear leaves MSIP low");
}

Test(clint, mtimecmp_64bit_round_trip)
{
    wr(MTIMECMP, 8, 0x123456789abcdef0ull);
    cr_assert_eq(rd(MTIMECMP, 8), 0x123456789abcdef0ull, "mtimecmp holds a 64-bit write");
}

Test(clint, mtimecmp_written_as_32bit_halves)
{
    wr(MTIMECMP, 4, 0xffffffff); /* the spec's RV32 sequence: low = -1 first, no spurious MTI */
    wr(MTIMECMP + 4, 4, 0x00000012);
    wr(MTIMECMP, 4, 0x34567890);
    cr_assert_eq(rd(MTIMECMP, 8), 0x0000001234567890ull, "halves combine into one mtimecmp");
    cr_assert_eq(rd(MTIMECMP, 4), 0x34567890, "low half reads alone");
    cr_assert_eq(rd(MTIMECMP + 4, 4), 0x12, "high half reads alone");
}

Test(clint, mtip_raised_when_mtime_reaches_mtimecmp)
{
    timebase_set(1000000);
    wr(MTIMECMP, 8, 1000000);
    cr_assert(mtip_wire.level, "mtime >= mtimecmp: writing mtimecmp raises MTIP at once");
    wr(MTIMECMP, 8, 1000000 + 1000 * TIMEBASE_HZ);
    cr_assert_not(mtip_wire.level, "moving mtimecmp into the future lowers MTIP");
}

Test(clint, update_raises_mtip_when_time_passes)
{
    wr(MTIMECMP, 8, 5000000);
    cr_assert_not(mtip_wire.level, "mtimecmp half a second ahead: no MTIP yet");
    timebase_set(5000000); /* time passes */
    clint_update(&clint);
    cr_assert(mtip_wire.level, "clint_update raises MTIP once mtime reaches mtimecmp");
}

Test(clint, mtime_reads_and_writes_the_timebase)
{
    wr(MTIME, 8, 0x100000000ull);
    uint64_t t = rd(MTIME, 8);
    cr_assert(t >= 0x100000000ull && t < 0x100000000ull + TIMEBASE_HZ,
              "mtime reads what was written, plus the time since (got %#lx)", (unsigned long)t);
    cr_assert_eq(rd(MTIME + 4, 4), 1, "mtime's high half reads alone");
    uint64_t a = timebase_now();
    uint64_t b = rd(MTIME, 8);
    cr_assert_geq(b, a, "mtime never goes backwards");
}

Test(clint, mtime_write_reevaluates_mtip)
{
    wr(MTIMECMP, 8, 2000000000ull);
    cr_assert_not(mtip_wire.level);
    wr(MTIME, 8, 2000000000ull);
    cr_assert(mtip_wire.level, "setting mtime past mtimecmp raises MTIP");
}

Test(clint, unmapped_offsets_read_zero)
{
    cr_assert_eq(rd(0x4, 4), 0, "hart 1's msip does not exist and reads 0");
    cr_assert_eq(rd(0x1000, 8), 0, "a hole in the CLINT reads 0");
    wr(0x1000, 8, UINT64_MAX);
    cr_assert_eq(rd(0x1000, 8), 0, "writes to a hole are ignored");
    wr(0x4, 4, 1);
    cr_assert_eq(rd(MSIP, 4), 0, "a write to hart 1's msip does not touch hart 0's");
}

Test(clint, misaligned_and_odd_sized_accesses_are_refused)
{
    uint64_t v;
    cr_assert_not(clint_read(&clint, MTIMECMP + 2, 4, &v), "misaligned access must fail");
    cr_assert_not(clint_write(&clint, MTIMECMP, 3, 0), "3-byte access must fail");
}

/* Three harts: each has its own msip and mtimecmp at QEMU virt's strides (4 and 8 bytes). */
static struct wire msip3[3], mtip3[3];

static void setup3(void)
{
    struct irq_line msip[3], mtip[3];
    for (unsigned h = 0; h < 3; h++) {
        msip3[h] = mtip3[h] = (struct wire){0};
        msip[h] = (struct irq_line){wire_set, &msip3[h], 3};
        mtip[h] = (struct irq_line){wire_set, &mtip3[h], 7};
    }
    timebase_init();
    clint_init(&clint, 3, msip, mtip);
}

TestSuite(clint3, .init = setup3);

Test(clint3, each_hart_has_its_msip)
{
    wr(MSIP + 4 * 2, 4, 1);
    cr_assert(msip3[2].level, "msip at +8 is hart 2's");
    cr_assert_not(msip3[0].level || msip3[1].level, "the other harts' MSIP stay low");
    cr_assert_eq(rd(MSIP, 8), 0, "harts 0 and 1 read 0 in one 64-bit word");
    wr(MSIP, 8, 0x100000001ull);
    cr_assert(msip3[0].level && msip3[1].level, "a 64-bit store sets harts 0 and 1");
    wr(MSIP + 4, 4, 0);
    cr_assert(msip3[0].level, "a 32-bit store to hart 1 leaves hart 0's msip alone");
    cr_assert_not(msip3[1].level);
    cr_assert_eq(rd(MSIP, 8), 1);
    cr_assert_eq(rd(MSIP + 4 * 3, 4), 0, "hart 3 does not exist: reads 0");
    wr(MSIP + 4 * 3, 4, 1);
    cr_assert_eq(rd(MSIP + 4 * 3, 4), 0, "and ignores writes");
}

Test(clint3, each_hart_has_its_mtimecmp)
{
    timebase_set(1000000);
    wr(MTIMECMP + 8 * 1, 8, 1000000);
    cr_assert(mtip3[1].level, "hart 1's mtimecmp reached: its MTIP");
    cr_assert_not(mtip3[0].level || mtip3[2].level, "the others' mtimecmp are still all ones");
    cr_assert_eq(rd(MTIMECMP, 8), UINT64_MAX);
    wr(MTIMECMP + 8 * 2, 8, 3000000);
    timebase_set(3000000);
    clint_update(&clint);
    cr_assert(mtip3[2].level, "clint_update looks at every hart");
    cr_assert_eq(rd(MTIMECMP + 8 * 3, 8), 0, "hart 3's mtimecmp does not exist");
}
