/* Performance Monitoring Unit extension (SBI spec, "Performance Monitoring Unit Extension",
 * EID "PMU"): lets S-mode (Linux's perf) find, program, start and stop the hart's counters.
 *
 * rv39's counters and the events they count are fixed (cpu/csr.c), so configuring a counter
 * means finding the one that already counts the event:
 *
 *   SBI counter  CSR            event                       SBI event_idx that selects it
 *   0            cycle          cycles                      0x00001 (HW CPU_CYCLES)
 *   1            time           (the timer: never matched)  -
 *   2            instret        instructions retired        0x00002 (HW INSTRUCTIONS)
 *   3            hpmcounter3    iTLB misses                 0x10021 (ITLB read miss), raw 1
 *   4            hpmcounter4    dTLB misses (loads, stores) 0x10019, 0x1001b (DTLB read/write
 *                                                           miss), raw 2
 *   5            hpmcounter5    page-table walks            raw 3
 *   6            hpmcounter6    page faults                 raw 4
 *   7            hpmcounter7    sfence.vma executed         raw 5
 *
 * "raw N" is event_idx 0x20000 (type 2, raw) with event_data N, which is what `perf stat -e
 * rN` in a Linux guest asks for; N is the value rv39's mhpmevent3..7 read back. Counters
 * stop and start through mcountinhibit. At boot every counter runs (guests that read
 * cycle, instret or the MMU counters without an SBI PMU driver see them count) and none is
 * configured; a counter stays configured until a counter_stop with the RESET flag releases
 * it, and only configured counters start and stop. The time counter cannot be stopped. No
 * firmware counters are offered.
 *
 * With Sscofpmf (priv spec "Sscofpmf"), as OpenSBI does: configuring counter 3..7 sets its
 * mhpmevent's xINH bits from the SET_xINH flags and OF (no overflow interrupt yet), starting
 * it clears OF (its overflow now interrupts S: boot.c delegates LCOFI), releasing it leaves
 * the bare event. On a hart without Sscofpmf those mhpmevent bits are read-only zero. */
#include "sbi.h"

#define ARG(f, n) ((f)->x[10 + (n)])
#define FID(f) ((f)->x[16])

#define CSR_CYCLE 0xc00
#define PMU_COUNTERS 8
#define PMU_TIME_COUNTER 1
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

/* counter_config_matching flags, counter_start/stop flags. */
#define CFG_SKIP_MATCH (1ul << 0)
#define CFG_CLEAR_VALUE (1ul << 1)
#define CFG_AUTO_START (1ul << 2)
#define START_SET_INIT_VALUE (1ul << 0)
#define STOP_RESET (1ul << 0)

static bool configured[PMU_COUNTERS];

static struct sbiret result(long error, long value)
{
    return (struct sbiret){error, value};
}

/* The counter that counts event_idx (with event_data for raw events), or -1. */
static int counter_for_event(uint64_t event_idx, uint64_t event_data)
{
    uint64_t code = EVENT_CODE(event_idx);
    switch (EVENT_TYPE(event_idx)) {
    case EVENT_TYPE_HW: return code == HW_CPU_CYCLES ? 0 : code == HW_INSTRUCTIONS ? 2 : -1;
    case EVENT_TYPE_CACHE: {
        uint64_t cache = code >> 3, op = (code >> 1) & 3, res = code & 1;
        if (res != CACHE_RESULT_MISS) return -1;
        if (cache == CACHE_ITLB && op == CACHE_OP_READ) return 3;
        if (cache == CACHE_DTLB && (op == CACHE_OP_READ || op == CACHE_OP_WRITE)) return 4;
        return -1;
    }
    case EVENT_TYPE_RAW:
        return code == 0 && event_data >= 1 && event_data <= 5 ? 2 + (int)event_data : -1;
    default: return -1;
    }
}

static bool in_mask(unsigned counter, uint64_t base, uint64_t mask)
{
    return counter >= base && counter - base < 64 && ((mask >> (counter - base)) & 1);
}

/* Counter values go through the M-mode CSRs: mcycle (0xb00), minstret (0xb02),
 * mhpmcounter3..7 (0xb03..0xb07). csrr/csrw need the number in the instruction. */
static void counter_write(unsigned counter, uint64_t value)
{
    switch (counter) {
    case 0: csr_write(mcycle, value); break;
    case 2: csr_write(minstret, value); break;
    case 3: csr_write(0xb03, value); break;
    case 4: csr_write(0xb04, value); break;
    case 5: csr_write(0xb05, value); break;
    case 6: csr_write(0xb06, value); break;
    case 7: csr_write(0xb07, value); break;
    default: break;
    }
}

/* mhpmevent3..7 (0x323..0x327), for the Sscofpmf bits. */
#define MHPMEVENT_OF (1ul << 63)
#define MHPMEVENT_MINH (1ul << 62)
#define MHPMEVENT_SINH (1ul << 61)
#define MHPMEVENT_UINH (1ul << 60)
#define MHPMEVENT_EVENT ((1ul << 56) - 1)
#define CFG_SET_UINH (1ul << 5)
#define CFG_SET_SINH (1ul << 6)
#define CFG_SET_MINH (1ul << 7)

static uint64_t event_read(unsigned counter)
{
    switch (counter) {
    case 3: return csr_read(0x323);
    case 4: return csr_read(0x324);
    case 5: return csr_read(0x325);
    case 6: return csr_read(0x326);
    case 7: return csr_read(0x327);
    default: return 0;
    }
}

static void event_write(unsigned counter, uint64_t value)
{
    switch (counter) {
    case 3: csr_write(0x323, value); break;
    case 4: csr_write(0x324, value); break;
    case 5: csr_write(0x325, value); break;
    case 6: csr_write(0x326, value); break;
    case 7: csr_write(0x327, value); break;
    default: break;
    }
}

static bool counter_running(unsigned counter)
{
    return !((csr_read(mcountinhibit) >> counter) & 1);
}

static struct sbiret config_matching(uint64_t base, uint64_t mask, uint64_t flags,
                                     uint64_t event_idx, uint64_t event_data)
{
    int counter;
    if (flags & CFG_SKIP_MATCH) {
        /* S already owns the counter at base (spec: "counter_idx_base" names it). */
        counter = (int)base;
        if (base >= PMU_COUNTERS || !(mask & 1) || !configured[counter])
            return result(SBI_ERR_INVALID_PARAM, 0);
    } else {
        counter = counter_for_event(event_idx, event_data);
        if (counter < 0) return result(SBI_ERR_NOT_SUPPORTED, 0);
        if (!in_mask((unsigned)counter, base, mask) || configured[counter])
            return result(SBI_ERR_NOT_SUPPORTED, 0); /* the one counter for it is not offered */
        configured[counter] = true;
    }
    /* A counter S has just configured counts from when S starts it, unless AUTO_START: until
     * then it may have been running freely since boot. */
    if (flags & CFG_AUTO_START)
        csr_clear(mcountinhibit, 1ul << counter);
    else if (counter != PMU_TIME_COUNTER)
        csr_set(mcountinhibit, 1ul << counter);
    if (flags & CFG_CLEAR_VALUE) counter_write((unsigned)counter, 0);
    uint64_t event = (event_read((unsigned)counter) & MHPMEVENT_EVENT) | MHPMEVENT_OF;
    if (flags & CFG_SET_UINH) event |= MHPMEVENT_UINH;
    if (flags & CFG_SET_SINH) event |= MHPMEVENT_SINH;
    if (flags & CFG_SET_MINH) event |= MHPMEVENT_MINH;
    event_write((unsigned)counter, event);
    return result(SBI_SUCCESS, counter);
}

/* Start or stop the counters in the set. As OpenSBI does (and Linux's driver expects: it
 * stops a whole mask at boot, and releases each probe's counter with RESET), counters that
 * are not configured are passed over, RESET releases a counter whether or not it was
 * running, and ALREADY_STARTED/STOPPED is reported after acting on the others. */
static struct sbiret start_stop(uint64_t base, uint64_t mask, uint64_t flags, uint64_t initial,
                                bool start)
{
    for (unsigned i = 0; i < 64; i++)
        if (((mask >> i) & 1) && base + i >= PMU_COUNTERS) return result(SBI_ERR_INVALID_PARAM, 0);
    long error = SBI_SUCCESS;
    for (unsigned i = 0; i < 64; i++) {
        if (!((mask >> i) & 1)) continue;
        unsigned counter = (unsigned)(base + i);
        if (counter == PMU_TIME_COUNTER || !configured[counter]) continue;
        if (counter_running(counter) == start) {
            error = start ? SBI_ERR_ALREADY_STARTED : SBI_ERR_ALREADY_STOPPED;
        } else if (start) {
            if (flags & START_SET_INIT_VALUE) counter_write(counter, initial);
            event_write(counter, event_read(counter) & ~MHPMEVENT_OF);
            csr_clear(mcountinhibit, 1ul << counter);
        } else {
            csr_set(mcountinhibit, 1ul << counter);
        }
        if (!start && (flags & STOP_RESET)) {
            configured[counter] = false;
            event_write(counter, event_read(counter) & MHPMEVENT_EVENT);
        }
    }
    return result(error, 0);
}

void pmu_init(void)
{
    /* Every counter running and free; S may read them all (mcounteren, set at boot). */
    csr_write(mcountinhibit, 0);
    for (unsigned i = 0; i < PMU_COUNTERS; i++)
        configured[i] = false;
}

struct sbiret pmu_call(struct sbi_trap_frame *f)
{
    switch (FID(f)) {
    case SBI_PMU_NUM_COUNTERS: return result(SBI_SUCCESS, PMU_COUNTERS);
    case SBI_PMU_COUNTER_GET_INFO: {
        uint64_t counter = ARG(f, 0);
        if (counter >= PMU_COUNTERS) return result(SBI_ERR_INVALID_PARAM, 0);
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
