/* PLIC (devices/plic.c) with QEMU virt's layout: two contexts for hart 0 (0 = M, 1 = S),
 * then four harts. Section names refer to riscv/riscv-plic-spec, riscv-plic.adoc. */
#include <criterion/criterion.h>

#include "devices/plic.h"

#define PRIORITY(src) (4u * (src))
#define PENDING(w) (0x1000u + 4u * (w))
#define ENABLE(ctx, w) (0x2000u + 0x80u * (ctx) + 4u * (w))
#define THRESHOLD(ctx) (0x200000u + 0x1000u * (ctx))
#define CLAIM(ctx) (0x200004u + 0x1000u * (ctx))

#define CTX_M 0
#define CTX_S 1

/* A fake interrupt wire into the hart: remembers the last level and which num drove it. */
struct wire {
    bool level;
    unsigned num, sets;
};

static void wire_set(void *opaque, unsigned num, bool level)
{
    struct wire *w = opaque;
    w->level = level;
    w->num = num;
    w->sets++;
}

static struct plic plic;
static struct wire meip, seip;

static void setup(void)
{
    meip = (struct wire){0};
    seip = (struct wire){0};
    plic_init(&plic, 1, (struct irq_line[]){{wire_set, &meip, 11}},
              (struct irq_line[]){{wire_set, &seip, 9}});
}

static uint32_t rd(uint64_t offset)
{
    uint64_t v = 0xdeadbeef;
    cr_assert(plic_read(&plic, offset, 4, &v), "32-bit read at %#lx must succeed",
              (unsigned long)offset);
    return (uint32_t)v;
}

static void wr(uint64_t offset, uint32_t value)
{
    cr_assert(plic_write(&plic, offset, 4, value), "32-bit write at %#lx must succeed",
              (unsigned long)offset);
}

static void enable(unsigned ctx, unsigned source)
{
    wr(ENABLE(ctx, source / 32), rd(ENABLE(ctx, source / 32)) | 1u << (source % 32));
}

static bool is_pending(unsigned source)
{
    return (rd(PENDING(source / 32)) >> (source % 32)) & 1;
}

/* Give `source` a priority, enable it for `ctx` and raise its line. */
static void arm(unsigned ctx, unsigned source, uint32_t priority)
{
    wr(PRIORITY(source), priority);
    enable(ctx, source);
    plic_set_irq(&plic, source, true);
}

TestSuite(plic, .init = setup);

/* "Interrupt Priorities": WARL, every combination of the writable bits is a level. */
Test(plic, priority_is_warl_with_three_bits)
{
    for (uint32_t v = 0; v <= 7; v++) {
        wr(PRIORITY(5), v);
        cr_assert_eq(rd(PRIORITY(5)), v, "priority %u must read back as written", v);
    }
    wr(PRIORITY(5), 0xffffffff);
    cr_assert_eq(rd(PRIORITY(5)), 7, "only the 3 low priority bits are writable");
    wr(PRIORITY(95), 0x1a);
    cr_assert_eq(rd(PRIORITY(95)), 2, "the last source's priority keeps its 3 low bits");
}

Test(plic, threshold_is_warl_with_three_bits)
{
    wr(THRESHOLD(CTX_S), 0xfffffff5);
    cr_assert_eq(rd(THRESHOLD(CTX_S)), 5, "only the 3 low threshold bits are writable");
    cr_assert_eq(rd(THRESHOLD(CTX_M)), 0, "thresholds are per context");
}

/* "Interrupt Gateways" + "Interrupt Pending Bits": a high level becomes a pending request,
 * bit N mod 32 of word N/32, whether or not any context enables it. */
Test(plic, pending_reflects_raised_level)
{
    cr_assert_not(is_pending(10), "nothing is pending at reset");
    plic_set_irq(&plic, 10, true);
    cr_assert_eq(rd(PENDING(0)), 1u << 10, "source 10 high sets bit 10 of pending word 0");
    plic_set_irq(&plic, 33, true);
    cr_assert_eq(rd(PENDING(1)), 1u << 1, "source 33 high sets bit 1 of pending word 1");
    plic_set_irq(&plic, 95, true);
    cr_assert_eq(rd(PENDING(2)), 1u << 31, "source 95 high sets bit 31 of pending word 2");
}

/* "Interrupt Gateways": a forwarded request is not retracted when the level drops. */
Test(plic, pending_survives_level_drop_until_claimed)
{
    arm(CTX_M, 7, 1);
    plic_set_irq(&plic, 7, false);
    cr_assert(is_pending(7), "the gateway cannot retract a request already forwarded");
    cr_assert_eq(rd(CLAIM(CTX_M)), 7, "the stale request is still claimable");
}

Test(plic, pending_is_read_only)
{
    wr(PENDING(0), 0xffffffff);
    cr_assert_eq(rd(PENDING(0)), 0, "writes to the pending array are ignored");
    plic_set_irq(&plic, 3, true);
    wr(PENDING(0), 0);
    cr_assert(is_pending(3), "a write of 0 to pending does not clear a request");
}

/* "Interrupt Enables": per-context bits gate notification and claim. */
Test(plic, enable_is_per_context)
{
    wr(PRIORITY(10), 1);
    plic_set_irq(&plic, 10, true);
    cr_assert_not(meip.level, "a pending source nobody enables notifies nobody");
    enable(CTX_S, 10);
    cr_assert_eq(rd(ENABLE(CTX_S, 0)), 1u << 10, "S-context enable word reads back");
    cr_assert_eq(rd(ENABLE(CTX_M, 0)), 0, "M-context enables are separate from S");
    cr_assert(seip.level, "S context enabled: SEIP rises");
    cr_assert_not(meip.level, "M context not enabled: MEIP stays low");
    cr_assert_eq(rd(CLAIM(CTX_M)), 0, "M cannot claim a source it does not enable");
    cr_assert_eq(rd(CLAIM(CTX_S)), 10, "S claims the source it enables");
}

/* "Priority Thresholds": the PLIC masks priorities less than or equal to the threshold. */
Test(plic, threshold_masks_priority_not_strictly_greater)
{
    arm(CTX_M, 4, 3);
    cr_assert(meip.level, "priority 3 > threshold 0 notifies");
    wr(THRESHOLD(CTX_M), 3);
    cr_assert_not(meip.level, "priority equal to the threshold is masked");
    cr_assert_eq(rd(CLAIM(CTX_M)), 0, "a masked source is not claimed");
    cr_assert(is_pending(4), "masking leaves the request pending");
    wr(THRESHOLD(CTX_M), 2);
    cr_assert(meip.level, "priority 3 > threshold 2 notifies again");
    cr_assert_eq(rd(CLAIM(CTX_M)), 4, "and is claimable");
}

Test(plic, priority_zero_never_interrupts)
{
    arm(CTX_M, 6, 0);
    cr_assert(is_pending(6), "priority 0 does not stop the request from pending");
    cr_assert_not(meip.level, "priority 0 means never interrupt");
    cr_assert_eq(rd(CLAIM(CTX_M)), 0, "priority 0 is never claimed");
}

/* "Interrupt Claim Process" + "Interrupt Identifiers". */
Test(plic, claim_picks_highest_priority)
{
    arm(CTX_M, 3, 2);
    arm(CTX_M, 40, 6);
    arm(CTX_M, 90, 4);
    cr_assert_eq(rd(CLAIM(CTX_M)), 40, "priority 6 beats 4 and 2");
    cr_assert_eq(rd(CLAIM(CTX_M)), 90, "then priority 4");
    cr_assert_eq(rd(CLAIM(CTX_M)), 3, "then priority 2");
    cr_assert_eq(rd(CLAIM(CTX_M)), 0, "then nothing: claim returns 0");
}

Test(plic, claim_ties_go_to_lowest_id)
{
    arm(CTX_M, 70, 5);
    arm(CTX_M, 12, 5);
    arm(CTX_M, 33, 5);
    cr_assert_eq(rd(CLAIM(CTX_M)), 12, "equal priority: the smallest id wins");
    cr_assert_eq(rd(CLAIM(CTX_M)), 33, "then the next smallest");
    cr_assert_eq(rd(CLAIM(CTX_M)), 70, "then the last");
}

/* "Interrupt Gateways": a source in service cannot be claimed again until its completion;
 * a signal meanwhile is held as a request (QEMU's sifive_plic: pending & ~claimed). */
Test(plic, claim_clears_pending_and_holds_source_until_completion)
{
    arm(CTX_M, 10, 1);
    cr_assert(meip.level, "pending enabled source raises MEIP");
    cr_assert_eq(rd(CLAIM(CTX_M)), 10, "claim returns the source");
    cr_assert_not(is_pending(10), "claim clears the pending bit");
    cr_assert_not(meip.level, "nothing else pending: MEIP drops after the claim");
    plic_set_irq(&plic, 10, false);
    plic_set_irq(&plic, 10, true);
    cr_assert(is_pending(10), "a signal while in service is held as a request");
    cr_assert_eq(rd(CLAIM(CTX_M)), 0, "the source cannot be claimed twice before completion");
    cr_assert_not(meip.level, "in-service source does not notify");
    wr(CLAIM(CTX_M), 10);
    cr_assert(meip.level, "after completion the held request notifies");
    cr_assert_eq(rd(CLAIM(CTX_M)), 10, "and can be claimed");
}

/* The rule xv6-riscv depends on (plic.c, "Gateways"): completion samples nothing, so a line
 * that merely stays high is not a new request; QEMU 7.2 behaves so, the spec's level
 * gateway would re-pend. */
Test(plic, completion_does_not_resample_a_line_still_high)
{
    arm(CTX_M, 10, 1);
    cr_assert_eq(rd(CLAIM(CTX_M)), 10, "claim returns the source");
    wr(CLAIM(CTX_M), 10);
    cr_assert_not(is_pending(10), "line still high at completion: no new request");
    cr_assert_not(meip.level, "MEIP stays low");
    plic_set_irq(&plic, 10, true);
    cr_assert(is_pending(10), "the device signalling again is a new request");
    cr_assert(meip.level, "and MEIP rises");
    cr_assert_eq(rd(CLAIM(CTX_M)), 10, "the source can be claimed again");
}

/* Every signal with the line high is a request, even with the line already high. */
Test(plic, every_high_signal_is_a_request)
{
    arm(CTX_M, 10, 1);
    cr_assert_eq(rd(CLAIM(CTX_M)), 10);
    wr(CLAIM(CTX_M), 10);
    for (int i = 0; i < 3; i++) {
        plic_set_irq(&plic, 10, true);
        cr_assert_eq(rd(CLAIM(CTX_M)), 10, "signal %d claimed", i);
        wr(CLAIM(CTX_M), 10);
        cr_assert_not(is_pending(10), "one request per signal");
    }
}

Test(plic, completion_of_low_level_leaves_source_idle)
{
    arm(CTX_M, 10, 1);
    cr_assert_eq(rd(CLAIM(CTX_M)), 10, "claim returns the source");
    plic_set_irq(&plic, 10, false);
    wr(CLAIM(CTX_M), 10);
    cr_assert_not(is_pending(10), "line low at completion: nothing pends");
    cr_assert_not(meip.level, "MEIP stays low");
    plic_set_irq(&plic, 10, true);
    cr_assert(is_pending(10), "after completion the gateway forwards the next assertion");
}

/* "Interrupt Completion": an id not enabled for the target is silently ignored. */
Test(plic, completion_of_non_enabled_id_is_ignored)
{
    arm(CTX_S, 10, 1);
    cr_assert_eq(rd(CLAIM(CTX_S)), 10, "S claims the source");
    plic_set_irq(&plic, 10, true); /* a request held while in service */
    wr(CLAIM(CTX_M), 10);
    cr_assert_eq(rd(CLAIM(CTX_S)), 0, "completion through M, which does not enable 10, is ignored");
    wr(ENABLE(CTX_S, 0), 0);
    wr(CLAIM(CTX_S), 10);
    enable(CTX_S, 10);
    cr_assert_eq(rd(CLAIM(CTX_S)), 0, "completion after S disabled the source is ignored too");
    wr(CLAIM(CTX_S), 10);
    cr_assert_eq(rd(CLAIM(CTX_S)), 10, "completion with the source enabled ends service");
}

/* "Interrupt Notifications": each context has its own EIP, on its own wire. */
Test(plic, context_outputs_are_independent)
{
    arm(CTX_M, 1, 2);
    arm(CTX_S, 2, 2);
    cr_assert(meip.level && seip.level, "each context notified of its own source");
    cr_assert_eq(meip.num, 11, "context 0 drives the line given as m_external");
    cr_assert_eq(seip.num, 9, "context 1 drives the line given as s_external");
    cr_assert_eq(rd(CLAIM(CTX_S)), 2, "S claims its source");
    cr_assert_not(seip.level, "SEIP drops after S's claim");
    cr_assert(meip.level, "MEIP unaffected by S's claim");
    wr(THRESHOLD(CTX_M), 7);
    cr_assert_not(meip.level, "M's threshold lowers MEIP");
    cr_assert_not(seip.level, "and does not touch SEIP");
}

Test(plic, both_contexts_notified_of_shared_source)
{
    /* "Interrupt Notifications": multicast; the first to claim wins. */
    arm(CTX_M, 5, 1);
    enable(CTX_S, 5);
    cr_assert(meip.level && seip.level, "a source enabled in both contexts notifies both");
    cr_assert_eq(rd(CLAIM(CTX_S)), 5, "S claims first");
    cr_assert_not(meip.level, "M's notification drops: nothing left to claim");
    cr_assert_eq(rd(CLAIM(CTX_M)), 0, "M's claim finds nothing");
}

Test(plic, enable_write_updates_output)
{
    wr(PRIORITY(8), 1);
    plic_set_irq(&plic, 8, true);
    cr_assert_not(meip.level, "not enabled yet");
    enable(CTX_M, 8);
    cr_assert(meip.level, "enabling a pending source raises MEIP at once");
    wr(ENABLE(CTX_M, 0), 0);
    cr_assert_not(meip.level, "disabling it lowers MEIP at once");
    wr(PRIORITY(8), 0);
    enable(CTX_M, 8);
    cr_assert_not(meip.level, "priority 0 keeps MEIP low");
    wr(PRIORITY(8), 1);
    cr_assert(meip.level, "a priority write raises MEIP at once");
}

/* "Interrupt Identifiers" / "Memory Map": source 0 does not exist. */
Test(plic, source_zero_is_hardwired)
{
    wr(PRIORITY(0), 7);
    cr_assert_eq(rd(PRIORITY(0)), 0, "source 0 priority reads 0");
    wr(ENABLE(CTX_M, 0), 0xffffffff);
    cr_assert_eq(rd(ENABLE(CTX_M, 0)), 0xfffffffe, "enable bit 0 is hardwired to 0");
    plic_set_irq(&plic, 0, true);
    cr_assert_eq(rd(PENDING(0)), 0, "source 0 never pends");
    cr_assert_not(meip.level, "source 0 never notifies");
    wr(CLAIM(CTX_M), 0);
    cr_assert_eq(rd(CLAIM(CTX_M)), 0, "completing id 0 changes nothing");
}

Test(plic, sources_beyond_95_do_not_exist)
{
    plic_set_irq(&plic, PLIC_SOURCES, true);
    plic_set_irq(&plic, 1000, true);
    for (unsigned w = 0; w < 32; w++)
        cr_assert_eq(rd(PENDING(w)), 0, "no pending bit from a source id >= 96 (word %u)", w);
    wr(PRIORITY(96), 5);
    cr_assert_eq(rd(PRIORITY(96)), 0, "priority of source 96 reads 0");
    wr(ENABLE(CTX_M, 3), 0xffffffff);
    cr_assert_eq(rd(ENABLE(CTX_M, 3)), 0, "enable word 3 (sources 96..127) reads 0");
    wr(ENABLE(CTX_M, 2), 0xffffffff);
    cr_assert_eq(rd(ENABLE(CTX_M, 2)), 0xffffffff, "enable word 2 holds sources 64..95");
}

/* "Memory Map": 32-bit registers accessed with LW and SW. */
Test(plic, non_32bit_access_is_refused)
{
    uint64_t v;
    static const unsigned sizes[] = {1, 2, 8};
    for (unsigned i = 0; i < 3; i++) {
        cr_assert_not(plic_read(&plic, PRIORITY(1), sizes[i], &v), "%u-byte read refused",
                      sizes[i]);
        cr_assert_not(plic_write(&plic, PRIORITY(1), sizes[i], 1), "%u-byte write refused",
                      sizes[i]);
    }
    cr_assert_not(plic_read(&plic, PRIORITY(1) + 2, 4, &v), "misaligned 32-bit read refused");
    cr_assert_not(plic_write(&plic, PRIORITY(1) + 1, 4, 1), "misaligned 32-bit write refused");
    cr_assert_eq(rd(PRIORITY(1)), 0, "refused writes change nothing");
}

Test(plic, refused_claim_read_has_no_side_effect)
{
    arm(CTX_M, 10, 1);
    uint64_t v;
    cr_assert_not(plic_read(&plic, CLAIM(CTX_M), 8, &v), "64-bit claim read refused");
    cr_assert(is_pending(10), "a refused claim read does not claim");
}

Test(plic, unmapped_offsets_read_zero)
{
    static const uint32_t holes[] = {
        0x1000 + 4 * PLIC_WORDS,  /* past the pending words */
        0x1ffc,                   /* end of the pending block */
        ENABLE(2, 0), /* enable bits of a context that does not exist */
        0x1ffffc,                 /* reserved before the context block */
        THRESHOLD(CTX_M) + 8,     /* reserved after claim/complete */
        THRESHOLD(2), /* threshold of a context that does not exist */
        CLAIM(2),     /* claim of a context that does not exist */
        (uint32_t)PLIC_SIZE - 4,  /* the last word of the range */
    };
    arm(CTX_M, 10, 1);
    for (unsigned i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
        wr(holes[i], 0xffffffff);
        cr_assert_eq(rd(holes[i]), 0, "unmapped offset %#x reads 0", holes[i]);
    }
    cr_assert(is_pending(10), "writes to unmapped offsets change nothing");
    cr_assert_eq(rd(THRESHOLD(CTX_M)), 0, "M threshold untouched by writes to holes");
}

/* Several harts (QEMU virt): context 2h is hart h's M-mode, 2h+1 its S-mode; a claim by one
 * context takes the source from all of them. */
static struct wire meip4[4], seip4[4];

static void setup4(void)
{
    struct irq_line m[4], s[4];
    for (unsigned h = 0; h < 4; h++) {
        meip4[h] = seip4[h] = (struct wire){0};
        m[h] = (struct irq_line){wire_set, &meip4[h], 11};
        s[h] = (struct irq_line){wire_set, &seip4[h], 9};
    }
    plic_init(&plic, 4, m, s);
}

TestSuite(plic4, .init = setup4);

Test(plic4, each_hart_has_an_m_and_an_s_context)
{
    arm(2 * 3 + 1, 10, 1); /* hart 3, S-mode */
    cr_assert(seip4[3].level, "context 7 drives hart 3's SEIP");
    for (unsigned h = 0; h < 3; h++)
        cr_assert_not(seip4[h].level || meip4[h].level, "hart %u sees nothing", h);
    cr_assert_not(meip4[3].level, "hart 3's M context has the source disabled");
    enable(2 * 1, 10); /* hart 1, M-mode, too */
    cr_assert(meip4[1].level, "context 2 drives hart 1's MEIP");
    cr_assert_eq(rd(CLAIM(2)), 10, "hart 1 claims it");
    cr_assert_not(seip4[3].level || meip4[1].level, "claimed: no other context sees it");
    cr_assert_eq(rd(CLAIM(7)), 0, "hart 3 finds nothing to claim");
    wr(CLAIM(2), 10);
    cr_assert_eq(rd(THRESHOLD(8)), 0, "context 8 (hart 4) does not exist: reads 0");
}
