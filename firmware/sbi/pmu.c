/* Performance Monitoring Unit extension (SBI spec v2.0, "Performance Monitoring Unit
 * Extension", EID "PMU"): lets S-mode (Linux's perf) find, program, start and stop the hart's
 * counters.
 *
 * The counters, numbered as the spec numbers them (counter i is CSR 0xc00 + i, 64 bits):
 *   0        cycle: fixed, counts cycles (HW event 1)
 *   1        time: not a PMU counter (counter_get_info refuses it, as OpenSBI does)
 *   2        instret: fixed, counts instructions retired (HW event 2)
 *   3..31    mhpmcounter3..31, those the hart has (pmu_init probes them: rv39 has all,
 *            QEMU 7.2 the first 16): programmable, count what mhpmevent3..31 select
 *            (cpu/csr_counters.c has rv39's event numbers), and with Sscofpmf can overflow
 *            into an interrupt, which is what sampling (`perf record`) needs.
 *
 * SBI event -> the mhpmevent value that counts it on a programmable counter:
 *   HW 0x00001 cycles, 0x00002 instructions      0x1, 0x2 (QEMU 7.2's numbers)
 *   cache 0x10021 ITLB read miss                 0x10021
 *   cache 0x10019, 0x1001b DTLB read/write miss  0x20002 (rv39 counts both together)
 *   raw 0x20000 with event_data N = 1..5         0x20000 | N, rv39's MMU events (`perf stat
 *   (or 0x20001..0x20005, as under OpenSBI)      -e rN`): iTLB, dTLB misses, page-table
 *                                                walks, page faults, sfence.vma
 *
 * Choosing a counter (counter_config_matching), as OpenSBI does: cycles and instructions go
 * to a programmable counter when the hart has Sscofpmf (only those can overflow), to the
 * fixed one otherwise or when no programmable counter is free; among the free programmable
 * counters in the set, the highest (so rv39's MMU counters 3..7, which count from reset for
 * guests without an SBI PMU driver, are the last taken). Configuring writes mhpmevent with
 * the event, MINH (the firmware's own work is not the guest's) and the SET_xINH flags' bits,
 * and OF set (no interrupt until started); starting clears OF unless an overflow interrupt is
 * still pending (then S has yet to see it), so the counter's wrap raises LCOFI, which boot.c
 * delegates to S. The fixed counters are always configured (SKIP_MATCH may name them at
 * once, as Linux does for cycles and instret); a programmable one stays configured until a
 * counter_stop with RESET releases it and restores its reset event. No firmware counters. */
#include "sbi.h"

#define ARG(f, n) ((f)->x[10 + (n)])
#define FID(f) ((f)->x[16])

#define CSR_CYCLE 0xc00
#define PMU_COUNTERS 32
#define COUNTER_CYCLE 0
#define COUNTER_TIME 1
#define COUNTER_INSTRET 2
#define FIRST_PROGRAMMABLE 3
#define COUNTER_WIDTH_BITS 64

/* Event encoding (spec "Event: Hardware general events" and following): bits 19:16 type. */
#define EVENT_TYPE(idx) (((idx) >> 16) & 0xf)
#define EVENT_CODE(idx) ((idx)&0xffff)
#define EVENT_TYPE_HW 0
#define EVENT_TYPE_CACHE 1
#define EVENT_TYPE_RAW 2
#define HW_CPU_CYCLES 1
#define HW_INSTRUCTIONS 2
/* Cache events: code = cache_id << 3 | op << 1 | result. */
#define CACHE_DTLB 3
#define CACHE_ITLB 4
#define CACHE_OP_READ 0
#define CACHE_OP_WRITE 1
#define CACHE_RESULT_MISS 1
/* rv39's mhpmevent values (cpu/csr_counters.c). */
#define MHPMEVENT_DTLB_MISS 0x20002ul
#define MHPMEVENT_RAW(n) (0x20000ul | (n))
#define RAW_EVENTS 5

/* counter_config_matching flags (spec table "SBI PMU Counter Config Match Flags"). */
#define CFG_SKIP_MATCH (1ul << 0)
#define CFG_CLEAR_VALUE (1ul << 1)
#define CFG_AUTO_START (1ul << 2)
#define CFG_SET_VUINH (1ul << 3)
#define CFG_SET_VSINH (1ul << 4)
#define CFG_SET_UINH (1ul << 5)
#define CFG_SET_SINH (1ul << 6)
#define CFG_SET_MINH (1ul << 7)
#define CFG_DEFINED ((1ul << 8) - 1)
/* counter_start / counter_stop flags. */
#define START_SET_INIT_VALUE (1ul << 0)
#define STOP_RESET (1ul << 0)

/* mhpmevent (priv spec "Sscofpmf"): OF and the inhibit bits above the event. */
#define MHPMEVENT_OF (1ul << 63)
#define MHPMEVENT_MINH (1ul << 62)
#define MHPMEVENT_SINH (1ul << 61)
#define MHPMEVENT_UINH (1ul << 60)
#define MHPMEVENT_EVENT ((1ul << 56) - 1)
#define MIP_LCOFIP (1ul << 13)

static uint32_t present;                   /* bit i: the hart has counter i */
static unsigned num_counters;              /* the highest present counter + 1 */
/* bit i: S owns counter i (0 and 2 always); each hart has its own counters. */
static uint32_t configured_by_hart[SBI_MAX_HARTS];
#define configured (configured_by_hart[smp_hart()])
static uint64_t reset_event[PMU_COUNTERS]; /* mhpmevent as the hart came out of reset */
static bool have_sscofpmf;

static struct sbiret result(long error, long value)
{
    return (struct sbiret){error, value};
}

/* csrr/csrw need the CSR number in the instruction: one switch per operation, generated
 * from this list of (counter, mhpmcounter CSR, mhpmevent CSR). */
#define PROGRAMMABLE_COUNTERS(X)                                                                   \
    X(3, 0xb03, 0x323)                                                                             \
    X(4, 0xb04, 0x324) X(5, 0xb05, 0x325) X(6, 0xb06, 0x326) X(7, 0xb07, 0x327) X(8, 0xb08, 0x328) \
        X(9, 0xb09, 0x329) X(10, 0xb0a, 0x32a) X(11, 0xb0b, 0x32b) X(12, 0xb0c, 0x32c)             \
            X(13, 0xb0d, 0x32d) X(14, 0xb0e, 0x32e) X(15, 0xb0f, 0x32f) X(16, 0xb10, 0x330)        \
                X(17, 0xb11, 0x331) X(18, 0xb12, 0x332) X(19, 0xb13, 0x333) X(20, 0xb14, 0x334)    \
                    X(21, 0xb15, 0x335) X(22, 0xb16, 0x336) X(23, 0xb17, 0x337)                    \
                        X(24, 0xb18, 0x338) X(25, 0xb19, 0x339) X(26, 0xb1a, 0x33a)                \
                            X(27, 0xb1b, 0x33b) X(28, 0xb1c, 0x33c) X(29, 0xb1d, 0x33d)            \
                                X(30, 0xb1e, 0x33e) X(31, 0xb1f, 0x33f)

static void counter_write(unsigned counter, uint64_t value)
{
    switch (counter) {
    case COUNTER_CYCLE: csr_write(mcycle, value); break;
    case COUNTER_INSTRET: csr_write(minstret, value); break;
#define X(n, counter_csr, event_csr)                                                               \
    case n: csr_write(counter_csr, value); break;
        PROGRAMMABLE_COUNTERS(X)
#undef X
    default: break;
    }
}

static uint64_t counter_read(unsigned counter)
{
    switch (counter) {
    case COUNTER_CYCLE: return csr_read(mcycle);
    case COUNTER_INSTRET: return csr_read(minstret);
#define X(n, counter_csr, event_csr)                                                               \
    case n: return csr_read(counter_csr);
        PROGRAMMABLE_COUNTERS(X)
#undef X
    default: return 0;
    }
}

static uint64_t event_read(unsigned counter)
{
    switch (counter) {
#define X(n, counter_csr, event_csr)                                                               \
    case n: return csr_read(event_csr);
        PROGRAMMABLE_COUNTERS(X)
#undef X
    default: return 0;
    }
}

static void event_write(unsigned counter, uint64_t value)
{
    switch (counter) {
#define X(n, counter_csr, event_csr)                                                               \
    case n: csr_write(event_csr, value); break;
        PROGRAMMABLE_COUNTERS(X)
#undef X
    default: break;
    }
}

static bool is_present(unsigned counter)
{
    return counter < PMU_COUNTERS && ((present >> counter) & 1);
}

static bool is_configured(unsigned counter)
{
    return (configured >> counter) & 1;
}

static bool counter_running(unsigned counter)
{
    return !((csr_read(mcountinhibit) >> counter) & 1);
}

/* The mhpmevent value that counts event_idx (with event_data for raw events), or 0. */
static uint64_t mhpmevent_for(uint64_t event_idx, uint64_t event_data)
{
    uint64_t code = EVENT_CODE(event_idx);
    switch (EVENT_TYPE(event_idx)) {
    case EVENT_TYPE_HW: return code == HW_CPU_CYCLES || code == HW_INSTRUCTIONS ? code : 0;
    case EVENT_TYPE_CACHE: {
        uint64_t cache = code >> 3, op = (code >> 1) & 3, res = code & 1;
        if (res != CACHE_RESULT_MISS) return 0;
        if (cache == CACHE_ITLB && op == CACHE_OP_READ) return event_idx;
        if (cache == CACHE_DTLB && (op == CACHE_OP_READ || op == CACHE_OP_WRITE))
            return MHPMEVENT_DTLB_MISS;
        return 0;
    }
    case EVENT_TYPE_RAW:
        /* N (`perf stat -e rN`) or rv39's mhpmevent value itself, 0x2000N, which is what
         * OpenSBI writes for a raw event (the device tree's /pmu lets it) */
        if (code != 0) return 0;
        if (event_data >= 1 && event_data <= RAW_EVENTS) return MHPMEVENT_RAW(event_data);
        if (event_data > MHPMEVENT_RAW(0) && event_data <= MHPMEVENT_RAW(RAW_EVENTS))
            return event_data;
        return 0;
    default: return 0;
    }
}

/* The fixed counter that counts event_idx, or -1. */
static int fixed_counter_for(uint64_t event_idx)
{
    if (event_idx == HW_CPU_CYCLES) return COUNTER_CYCLE;
    if (event_idx == HW_INSTRUCTIONS) return COUNTER_INSTRET;
    return -1;
}

/* Spec: "counter_idx_base and counter_idx_mask ... represent the set of counters". Counters
 * past the last one make the set invalid. */
static bool set_valid(uint64_t base, uint64_t mask)
{
    unsigned top = 0; /* the highest bit of mask (the firmware has no libgcc for clz) */
    for (uint64_t m = mask >> 1; m; m >>= 1)
        top++;
    return mask == 0 || (base < num_counters && top < num_counters - base);
}

/* The lowest bit of a nonzero mask. */
static unsigned lowest_bit(uint64_t mask)
{
    unsigned i = 0;
    while (!((mask >> i) & 1))
        i++;
    return i;
}

static bool in_set(unsigned counter, uint64_t base, uint64_t mask)
{
    return counter >= base && counter - base < 64 && ((mask >> (counter - base)) & 1);
}

/* Program a programmable counter for `event` with the caller's inhibit flags; OF set, so it
 * raises nothing until started (OpenSBI: "the OVF bit should be enabled during the start"). */
static void program_event(unsigned counter, uint64_t event, uint64_t flags)
{
    uint64_t v = (event & MHPMEVENT_EVENT) | MHPMEVENT_OF | MHPMEVENT_MINH;
    if (flags & CFG_SET_UINH) v |= MHPMEVENT_UINH;
    if (flags & CFG_SET_SINH) v |= MHPMEVENT_SINH;
    /* VUINH/VSINH: no hypervisor extension, nothing to inhibit. */
    event_write(counter, v);
}

/* Start one configured counter (counter_start, AUTO_START). */
static long start_one(unsigned counter, bool set_value, uint64_t value)
{
    if (counter_running(counter)) return SBI_ERR_ALREADY_STARTED;
    /* OF cleared re-arms the overflow interrupt; while S has one pending and unhandled it
     * stays set, or S would lose track of which counter overflowed (as OpenSBI does). Before
     * the value is written, as OpenSBI orders it: QEMU 7.2 schedules the overflow when the
     * counter is written, and only for a counter whose OF is clear. */
    if (counter >= FIRST_PROGRAMMABLE && have_sscofpmf && !(csr_read(mip) & MIP_LCOFIP))
        event_write(counter, event_read(counter) & ~MHPMEVENT_OF);
    if (set_value) counter_write(counter, value);
    csr_clear(mcountinhibit, 1ul << counter);
    return SBI_SUCCESS;
}

static struct sbiret config_matching(uint64_t base, uint64_t mask, uint64_t flags,
                                     uint64_t event_idx, uint64_t event_data)
{
    if (!set_valid(base, mask) || (flags & ~CFG_DEFINED)) return result(SBI_ERR_INVALID_PARAM, 0);
    event_idx &= 0xfffff; /* 20 bits: type and code */
    uint64_t event = mhpmevent_for(event_idx, event_data);
    int fixed = fixed_counter_for(event_idx);
    int counter = -1;
    if (flags & CFG_SKIP_MATCH) {
        /* Spec: "unconditionally select the first counter from the set"; it must be one S
         * already owns. */
        if (mask == 0) return result(SBI_ERR_INVALID_PARAM, 0);
        counter = (int)(base + lowest_bit(mask));
        if (!is_configured((unsigned)counter)) return result(SBI_ERR_INVALID_PARAM, 0);
        if (counter < FIRST_PROGRAMMABLE ? counter != fixed : event == 0)
            return result(SBI_ERR_NOT_SUPPORTED, 0);
    } else {
        if (event == 0) return result(SBI_ERR_NOT_SUPPORTED, 0);
        if (fixed < 0 || have_sscofpmf)
            for (unsigned i = PMU_COUNTERS - 1; i >= FIRST_PROGRAMMABLE && counter < 0; i--)
                if (in_set(i, base, mask) && is_present(i) && !is_configured(i)) counter = (int)i;
        if (counter < 0 && fixed >= 0 && in_set((unsigned)fixed, base, mask)) counter = fixed;
        if (counter < 0) return result(SBI_ERR_NOT_SUPPORTED, 0);
    }
    unsigned c = (unsigned)counter;
    configured |= 1u << c;
    /* A counter just configured counts from when S starts it: until then it may have been
     * running freely since boot. */
    csr_set(mcountinhibit, 1ul << c);
    if (c >= FIRST_PROGRAMMABLE) program_event(c, event, flags);
    if (flags & CFG_CLEAR_VALUE) counter_write(c, 0);
    if (flags & CFG_AUTO_START) start_one(c, false, 0);
    return result(SBI_SUCCESS, counter);
}

/* Start or stop the counters in the set. As OpenSBI does (and Linux's driver expects: it
 * stops a whole mask at boot, and releases each probe's counter with RESET), counters that
 * are not configured are passed over, RESET releases a counter whether or not it was
 * running, and ALREADY_STARTED/STOPPED is reported after acting on the others. */
static struct sbiret start_stop(uint64_t base, uint64_t mask, uint64_t flags, uint64_t initial,
                                bool start)
{
    if (!set_valid(base, mask)) return result(SBI_ERR_INVALID_PARAM, 0);
    long error = SBI_SUCCESS;
    for (uint64_t m = mask; m; m &= m - 1) {
        unsigned counter = (unsigned)(base + lowest_bit(m));
        if (!is_configured(counter)) continue;
        long e;
        if (start) {
            e = start_one(counter, flags & START_SET_INIT_VALUE, initial);
        } else {
            e = counter_running(counter) ? SBI_SUCCESS : SBI_ERR_ALREADY_STOPPED;
            csr_set(mcountinhibit, 1ul << counter);
        }
        if (e != SBI_SUCCESS) error = e;
        if (!start && (flags & STOP_RESET) && counter >= FIRST_PROGRAMMABLE) {
            configured &= ~(1u << counter);
            event_write(counter, reset_event[counter]);
        }
    }
    return result(error, 0);
}

void pmu_init(void)
{
    /* Every counter running, counting what it counts from reset (rv39: the MMU events on
     * 3..7); S may read them all (mcounteren, set at boot). */
    csr_write(mcountinhibit, 0);
    configured = (1u << COUNTER_CYCLE) | (1u << COUNTER_INSTRET);
    /* Which mhpmcounters exist (priv spec 3.1.10: an unimplemented one may trap or read
     * zero; QEMU 7.2 has pmu-num = 16 of them and traps on the others), as OpenSBI probes
     * them: one that takes a nonzero value is there. */
    present = (1u << COUNTER_CYCLE) | (1u << COUNTER_INSTRET);
    num_counters = COUNTER_INSTRET + 1;
    for (unsigned i = FIRST_PROGRAMMABLE; i < PMU_COUNTERS; i++) {
        trap_guard_arm();
        uint64_t old = counter_read(i);
        counter_write(i, 1);
        bool there = counter_read(i) != 0;
        counter_write(i, old);
        if (trap_guard_tripped() || !there) continue;
        present |= 1u << i;
        num_counters = i + 1;
        reset_event[i] = event_read(i) & MHPMEVENT_EVENT;
    }
    /* scountovf (0xda0) exists only with Sscofpmf (priv spec "Sscofpmf"). */
    trap_guard_arm();
    (void)csr_read(0xda0);
    have_sscofpmf = !trap_guard_tripped();
}

struct sbiret pmu_call(struct sbi_trap_frame *f)
{
    switch (FID(f)) {
    case SBI_PMU_NUM_COUNTERS: return result(SBI_SUCCESS, num_counters);
    case SBI_PMU_COUNTER_GET_INFO: {
        uint64_t counter = ARG(f, 0);
        if (counter >= PMU_COUNTERS || !is_present((unsigned)counter))
            return result(SBI_ERR_INVALID_PARAM, 0);
        /* Hardware counter (bit XLEN-1 = 0): CSR number, width - 1 in bits 17:12. */
        return result(SBI_SUCCESS,
                      (long)((CSR_CYCLE + counter) | ((COUNTER_WIDTH_BITS - 1ul) << 12)));
    }
    case SBI_PMU_COUNTER_CONFIG_MATCHING:
        return config_matching(ARG(f, 0), ARG(f, 1), ARG(f, 2), ARG(f, 3), ARG(f, 4));
    case SBI_PMU_COUNTER_START: return start_stop(ARG(f, 0), ARG(f, 1), ARG(f, 2), ARG(f, 3), true);
    case SBI_PMU_COUNTER_STOP: return start_stop(ARG(f, 0), ARG(f, 1), ARG(f, 2), 0, false);
    case SBI_PMU_COUNTER_FW_READ: return result(SBI_ERR_INVALID_PARAM, 0); /* none offered */
    default: return result(SBI_ERR_NOT_SUPPORTED, 0);
    }
}
