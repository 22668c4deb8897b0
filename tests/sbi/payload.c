/* S-mode SBI test payload: started by an SBI firmware (rv39's firmware/sbi, or OpenSBI's
 * fw_jump) at 0x80200000 in S-mode, it checks the SBI calls a kernel relies on and powers off
 * through SRST. Only standard calls that OpenSBI 1.1 also provides are required; DBCN (SBI 2.0)
 * is used when the firmware offers it. Success is the line "payload: all SBI checks passed"
 * and exit status 0; a failed check prints "payload: FAIL ..." and asks for a shutdown with
 * reason "system failure" (rv39's firmware turns that into exit status 1).
 *
 * Lines starting with '~' carry facts that differ between machines or firmwares (addresses,
 * IDs); tests compare only the other "payload:" lines. */
#include <stdbool.h>
#include <stdint.h>

#include "rv39.h"
#include "sbi_abi.h"

#define SCAUSE_INTERRUPT (1ul << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_LCOF 13 /* Sscofpmf's counter overflow */
#define SIP_SSIP (1ul << IRQ_S_SOFT)
#define SIP_STIP (1ul << IRQ_S_TIMER)
#define SIE_SSIE SIP_SSIP
#define SIE_STIE SIP_STIP
#define SSTATUS_SIE (1ul << 1)
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END 9
/* rv39's firmware: its implementation ID and the region it reserves (firmware/sbi/sbi.h). */
#define SBI_IMPL_ID_RV39 0x72763339l
#define RV39_FW_BASE 0x80000000ul
#define RV39_FW_SIZE 0x40000ul
/* How long to wait for an interrupt before calling it lost: 2 s of the 10 MHz timebase. */
#define INTERRUPT_PATIENCE (2 * TIMEBASE_HZ)
#define UNKNOWN_EID 0x0abcdef0l /* no extension has this ID */

struct sbiret {
    long error;
    long value;
};

/* Spec "Binary Encoding": a7 = EID, a6 = FID, a0..a5 = arguments; a0/a1 come back. */
static struct sbiret sbi_call(long eid, long fid, unsigned long arg0, unsigned long arg1,
                              unsigned long arg2, unsigned long arg3, unsigned long arg4)
{
    register unsigned long a0 __asm__("a0") = arg0;
    register unsigned long a1 __asm__("a1") = arg1;
    register unsigned long a2 __asm__("a2") = arg2;
    register unsigned long a3 __asm__("a3") = arg3;
    register unsigned long a4 __asm__("a4") = arg4;
    register unsigned long a6 __asm__("a6") = (unsigned long)fid;
    register unsigned long a7 __asm__("a7") = (unsigned long)eid;
    __asm__ volatile("ecall"
                     : "+r"(a0), "+r"(a1)
                     : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7)
                     : "memory");
    return (struct sbiret){(long)a0, (long)a1};
}
#define SBI0(eid, fid) sbi_call(eid, fid, 0, 0, 0, 0, 0)
#define SBI1(eid, fid, a) sbi_call(eid, fid, a, 0, 0, 0, 0)
#define SBI2(eid, fid, a, b) sbi_call(eid, fid, a, b, 0, 0, 0)

/* Legacy calls (spec "Legacy Extensions"): the EID is the function; only a0 comes back. */
static long sbi_legacy(long eid, unsigned long arg0)
{
    return sbi_call(eid, 0, arg0, 0, 0, 0, 0).error;
}

/* --- console: DBCN when the firmware has it, else the legacy putchar ------------------------ */
static bool have_dbcn;

void putchar_(int c)
{
    if (have_dbcn)
        SBI1(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, (uint8_t)c);
    else
        sbi_legacy(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, (uint8_t)c);
}

void puts_(const char *s)
{
    while (*s)
        putchar_(*s++);
}

/* --- verdicts ----------------------------------------------------------------------------- */
static int checks_run;

__attribute__((noreturn)) static void shutdown(bool failure)
{
    SBI2(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
         failure ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE);
    /* SRST returned: try the legacy call, then give up. */
    printf("payload: FAIL: SBI system_reset returned\n");
    sbi_legacy(SBI_EXT_LEGACY_SHUTDOWN, 0);
    for (;;)
        __asm__ volatile("wfi");
}

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        checks_run++;                                                                              \
        if (!(cond)) {                                                                             \
            printf("payload: FAIL (line %d): ", __LINE__);                                         \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            shutdown(true);                                                                        \
        }                                                                                          \
    } while (0)

/* --- S-mode traps ------------------------------------------------------------------------- */
static volatile uint64_t timer_interrupts, soft_interrupts, illegal_instructions;
static volatile uint64_t timer_interrupt_time;
static volatile bool expect_illegal_instruction;
static volatile uint64_t lcof_interrupts, lcof_overflowed;

/* Called by payload_entry.S with a pointer to the saved sepc, which it writes back. */
void s_trap(uint64_t *sepc)
{
    uint64_t scause = csr_read(scause);
    if (scause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
        timer_interrupt_time = csr_read(time);
        timer_interrupts++;
        /* Spec (TIME): a timer "infinitely far into the future" clears the pending bit. */
        SBI1(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0ul);
        return;
    }
    if (scause == (SCAUSE_INTERRUPT | IRQ_S_SOFT)) {
        csr_clear(sip, SIP_SSIP); /* S owns SSIP: clearing it is the handler's job */
        soft_interrupts++;
        return;
    }
    if (scause == (SCAUSE_INTERRUPT | IRQ_LCOF)) {
        /* Sscofpmf: which counters overflowed, then clear the pending bit (S's to clear). */
        __asm__ volatile("csrr %0, 0xda0" : "=r"(lcof_overflowed));
        csr_clear(sip, 1ul << IRQ_LCOF);
        lcof_interrupts++;
        return;
    }
    if (scause == CAUSE_ILLEGAL_INSTRUCTION && expect_illegal_instruction) {
        illegal_instructions++;
        *sepc += 4; /* the probe is a 32-bit csrr */
        return;
    }
    printf("payload: FAIL: unexpected S-mode trap scause=0x%lx sepc=0x%lx stval=0x%lx\n", scause,
           *sepc, csr_read(stval));
    shutdown(true);
}

/* Waits with interrupts on until *counter moves past `before`; false after the patience.
 * Polls rather than wfi: a lost interrupt would leave wfi asleep for good, and the run
 * should fail with a message instead of hanging. */
static bool wait_for_interrupt(volatile uint64_t *counter, uint64_t before)
{
    uint64_t give_up = csr_read(time) + INTERRUPT_PATIENCE;
    csr_set(sstatus, SSTATUS_SIE);
    while (*counter == before && csr_read(time) < give_up)
        ;
    csr_clear(sstatus, SSTATUS_SIE);
    if (*counter != before) return true;
    printf("~payload: no interrupt: time=%lu sip=0x%lx sie=0x%lx sstatus=0x%lx\n", csr_read(time),
           csr_read(sip), csr_read(sie), csr_read(sstatus));
    return false;
}

static uint32_t be32(uint64_t addr)
{
    const volatile uint8_t *b = (const volatile uint8_t *)addr;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t be64(uint64_t addr)
{
    return (uint64_t)be32(addr) << 32 | be32(addr + 4);
}

/* --- the checks ---------------------------------------------------------------------------- */
static void check_boot_registers(uint64_t hartid, uint64_t dtb)
{
    printf("~payload: started in S-mode, hart %lu, device tree at 0x%lx\n", hartid, dtb);
    if (dtb != 0) {
        /* The FDT header starts with a big-endian magic number (devicetree spec 5.2). */
        uint32_t magic = be32(dtb);
        CHECK(magic == FDT_MAGIC, "a1 = 0x%lx is no device tree (magic 0x%x)", dtb, magic);
    }
    /* mstatus is M-only: reading it from S must raise an illegal instruction that the
     * firmware delegates (or redirects) to us rather than handling itself. */
    expect_illegal_instruction = true;
    (void)csr_read(mstatus);
    expect_illegal_instruction = false;
    CHECK(illegal_instructions == 1, "reading mstatus from S did not trap to S (%lu traps)",
          illegal_instructions);
    printf("payload: running in S-mode (M-mode CSRs trap)\n");
}

static long check_base(void)
{
    struct sbiret r = SBI0(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION);
    CHECK(r.error == SBI_SUCCESS, "get_spec_version: error %ld", r.error);
    /* Bit 31 and above are reserved; this payload needs the v0.2 calling convention. */
    CHECK((r.value & ~0x7ffffffful) == 0, "spec version 0x%lx has reserved bits set", r.value);
    CHECK(r.value >= SBI_SPEC_VERSION(0, 2), "spec version 0x%lx is older than 0.2", r.value);
    printf("~payload: SBI spec %lu.%lu\n", SBI_SPEC_VERSION_MAJOR(r.value),
           SBI_SPEC_VERSION_MINOR(r.value));

    struct sbiret id = SBI0(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID);
    struct sbiret version = SBI0(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION);
    CHECK(id.error == SBI_SUCCESS && version.error == SBI_SUCCESS, "impl id/version failed");
    printf("~payload: implementation id 0x%lx%s, version 0x%lx\n", id.value,
           id.value == SBI_IMPL_ID_OPENSBI ? " (OpenSBI)" : "", version.value);

    static const long ids[] = {SBI_BASE_GET_MVENDORID, SBI_BASE_GET_MARCHID, SBI_BASE_GET_MIMPID};
    for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        r = SBI0(SBI_EXT_BASE, ids[i]);
        CHECK(r.error == SBI_SUCCESS, "base function %ld: error %ld", ids[i], r.error);
        printf("~payload: base function %ld = 0x%lx\n", ids[i], r.value);
    }
    printf("payload: base extension: spec version, implementation, machine IDs\n");
    return id.value;
}

/* The device tree the firmware passed on is still well formed (devicetree spec 5: the
 * structure block opens with a node and closes with FDT_END, at the header's offsets, which
 * a firmware editing the tree must keep right), and rv39's firmware has reserved its own
 * memory in it (a /memreserve/ entry, firmware/sbi/fdt_reserve.c). */
static void check_device_tree(uint64_t dtb, long impl_id)
{
    if (dtb == 0) return;
    uint32_t total = be32(dtb + 4), dt_struct = be32(dtb + 8), rsvmap = be32(dtb + 16);
    uint32_t version = be32(dtb + 20), struct_size = be32(dtb + 36);
    CHECK(version >= 17, "device tree version %u (17 expected)", version);
    CHECK(dt_struct + struct_size <= total, "structure block past the blob's end");
    CHECK(be32(dtb + dt_struct) == FDT_BEGIN_NODE, "structure block does not start with a node");
    CHECK(be32(dtb + dt_struct + struct_size - 4) == FDT_END, "structure block has no FDT_END");
    bool reserved = false;
    int entries = 0;
    for (uint64_t e = dtb + rsvmap; be64(e) != 0 || be64(e + 8) != 0; e += 16, entries++)
        reserved |= be64(e) <= RV39_FW_BASE && RV39_FW_BASE + RV39_FW_SIZE <= be64(e) + be64(e + 8);
    printf("~payload: device tree: %u bytes, %d /memreserve/ entries\n", total, entries);
    if (impl_id == SBI_IMPL_ID_RV39) {
        CHECK(reserved, "rv39's firmware did not reserve 0x%lx+0x%lx in the device tree",
              RV39_FW_BASE, RV39_FW_SIZE);
        printf("~payload: device tree reserves the firmware's memory\n");
    }
}

static void check_probe(void)
{
    static const struct {
        long eid;
        const char *name;
    } required[] = {{SBI_EXT_BASE, "BASE"},     {SBI_EXT_TIME, "TIME"}, {SBI_EXT_IPI, "IPI"},
                    {SBI_EXT_RFENCE, "RFENCE"}, {SBI_EXT_SRST, "SRST"}, {SBI_EXT_HSM, "HSM"}};
    for (unsigned i = 0; i < sizeof required / sizeof required[0]; i++) {
        struct sbiret r = SBI1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, required[i].eid);
        CHECK(r.error == SBI_SUCCESS && r.value != 0, "probe %s: error %ld value %ld",
              required[i].name, r.error, r.value);
        printf("payload: probe %s: available\n", required[i].name);
    }
    struct sbiret r = SBI1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, UNKNOWN_EID);
    CHECK(r.error == SBI_SUCCESS && r.value == 0, "probe of unknown EID: error %ld value %ld",
          r.error, r.value);
    printf("payload: probe of an unknown extension: 0\n");

    r = SBI0(UNKNOWN_EID, 0);
    CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "call to unknown EID returned %ld", r.error);
    r = SBI0(SBI_EXT_TIME, 1);
    CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "unknown TIME function returned %ld", r.error);
    printf("payload: unknown extension and function: SBI_ERR_NOT_SUPPORTED\n");
}

static void check_timer(void)
{
    uint64_t t0 = csr_read(time);
    for (volatile int i = 0; i < 1000; i++)
        ;
    CHECK(csr_read(time) > t0, "the time CSR does not advance");

    /* A far-future timer: no timer interrupt pending. */
    struct sbiret r = SBI1(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0ul);
    CHECK(r.error == SBI_SUCCESS, "set_timer(-1): error %ld", r.error);
    CHECK(!(csr_read(sip) & SIP_STIP), "STIP pending after set_timer(-1)");

    csr_set(sie, SIE_STIE);
    uint64_t deadline = csr_read(time) + TIMEBASE_HZ / 1000; /* 1 ms ahead */
    uint64_t before = timer_interrupts;
    r = SBI1(SBI_EXT_TIME, SBI_TIME_SET_TIMER, deadline);
    CHECK(r.error == SBI_SUCCESS, "set_timer: error %ld", r.error);
    CHECK(wait_for_interrupt(&timer_interrupts, before),
          "no S timer interrupt within 2 s of set_timer(%lu)", deadline);
    CHECK(timer_interrupt_time >= deadline, "timer interrupt at %lu, before the deadline %lu",
          timer_interrupt_time, deadline);
    CHECK(!(csr_read(sip) & SIP_STIP), "STIP still pending after the handler's set_timer(-1)");
    printf("payload: set_timer raised one S timer interrupt, not early\n");

    /* A deadline already past fires at once; the legacy call does the same job. */
    before = timer_interrupts;
    CHECK(sbi_legacy(SBI_EXT_LEGACY_SET_TIMER, csr_read(time)) == 0, "legacy set_timer");
    CHECK(wait_for_interrupt(&timer_interrupts, before), "no interrupt for a past deadline");
    csr_clear(sie, SIE_STIE);
    printf("payload: a deadline in the past interrupts at once (legacy set_timer)\n");
}

static void check_ipi(uint64_t hartid)
{
    csr_set(sie, SIE_SSIE);
    uint64_t before = soft_interrupts;
    struct sbiret r = SBI2(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, hartid);
    CHECK(r.error == SBI_SUCCESS, "send_ipi to self: error %ld", r.error);
    CHECK(wait_for_interrupt(&soft_interrupts, before), "send_ipi raised no S software irq");
    printf("payload: send_ipi to this hart raised an S software interrupt\n");

    before = soft_interrupts;
    r = SBI2(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, SBI_HART_MASK_BASE_ALL);
    CHECK(r.error == SBI_SUCCESS, "send_ipi to all harts: error %ld", r.error);
    CHECK(wait_for_interrupt(&soft_interrupts, before), "send_ipi(all) raised no interrupt");
    csr_clear(sie, SIE_SSIE);
    printf("payload: send_ipi with hart_mask_base -1 reached this hart\n");
}

static void check_rfence(uint64_t hartid)
{
    struct sbiret r = SBI2(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 1, hartid);
    CHECK(r.error == SBI_SUCCESS, "remote_fence_i: error %ld", r.error);
    r = sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1, hartid, 0, 0, 0);
    CHECK(r.error == SBI_SUCCESS, "remote_sfence_vma (all): error %ld", r.error);
    r = sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1, hartid, 0x80200000, 0x3000, 0);
    CHECK(r.error == SBI_SUCCESS, "remote_sfence_vma (range): error %ld", r.error);
    r = sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, 0, SBI_HART_MASK_BASE_ALL, 0,
                 ~0ul, 1);
    CHECK(r.error == SBI_SUCCESS, "remote_sfence_vma_asid: error %ld", r.error);
    printf("payload: remote fence.i, sfence.vma and sfence.vma_asid succeed\n");
}

static void check_console(void)
{
    if (have_dbcn) {
        static const char line[] = "payload: DBCN console_write of a whole line\n";
        struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, sizeof line - 1,
                                   (unsigned long)line, 0, 0, 0);
        CHECK(r.error == SBI_SUCCESS && r.value == sizeof line - 1,
              "DBCN write: error %ld, %ld bytes", r.error, r.value);
        static char buf[16];
        r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, sizeof buf, (unsigned long)buf, 0, 0, 0);
        CHECK(r.error == SBI_SUCCESS && (unsigned long)r.value <= sizeof buf,
              "DBCN read: error %ld, %ld bytes", r.error, r.value);
        /* Address 0 is no memory S could hand over (spec: shared memory must be accessible). */
        r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 4, 0, 0, 0, 0);
        CHECK(r.error != SBI_SUCCESS, "DBCN write from address 0 succeeded");
        printf("payload: DBCN write, read and a refused address\n");
    }
    /* The legacy console, which OpenSBI 1.1 and rv39's firmware both keep. */
    struct sbiret r = SBI1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_LEGACY_CONSOLE_PUTCHAR);
    CHECK(r.error == SBI_SUCCESS && r.value != 0, "legacy console_putchar not available");
    for (const char *s = "payload: legacy console_putchar\n"; *s; s++)
        CHECK(sbi_legacy(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, (uint8_t)*s) == 0, "legacy putchar");
}

static void check_reset_arguments(void)
{
    /* Reset type 3 is reserved (spec SRST table): must be refused, not executed. */
    struct sbiret r = SBI2(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 3, SBI_SRST_REASON_NONE);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "system_reset(type 3) returned %ld", r.error);
    printf("payload: system_reset refuses a reserved reset type\n");
}

/* PMU (SBI spec "Performance Monitoring Unit Extension"). */
#define PMU_CFG_SKIP_MATCH (1ul << 0)
#define PMU_CFG_CLEAR_VALUE (1ul << 1)
#define PMU_CFG_AUTO_START (1ul << 2)
#define PMU_START_SET_INIT_VALUE (1ul << 0)
#define PMU_STOP_RESET (1ul << 0)
#define PMU_HW_CPU_CYCLES 1
#define PMU_HW_INSTRUCTIONS 2
#define CSR_SCOUNTOVF 0xda0

static struct sbiret pmu_config(unsigned long base, unsigned long mask, unsigned long flags,
                                unsigned long event_idx, unsigned long event_data)
{
    return sbi_call(SBI_EXT_PMU, SBI_PMU_COUNTER_CONFIG_MATCHING, base, mask, flags, event_idx,
                    event_data);
}

static struct sbiret pmu_start(unsigned long counter, unsigned long flags, uint64_t initial)
{
    return sbi_call(SBI_EXT_PMU, SBI_PMU_COUNTER_START, counter, 1, flags, initial, 0);
}

static struct sbiret pmu_stop(unsigned long counter, unsigned long flags)
{
    return sbi_call(SBI_EXT_PMU, SBI_PMU_COUNTER_STOP, counter, 1, flags, 0, 0);
}

/* Sscofpmf (priv spec "Sscofpmf"): scountovf exists, or reading it traps. */
static bool have_sscofpmf(void)
{
    uint64_t before = illegal_instructions;
    expect_illegal_instruction = true;
    __asm__ volatile("csrr zero, 0xda0" ::: "memory");
    expect_illegal_instruction = false;
    return illegal_instructions == before;
}

static uint64_t read_scountovf(void)
{
    uint64_t v;
    __asm__ volatile("csrr %0, 0xda0" : "=r"(v));
    return v;
}

/* rv39's firmware (firmware/sbi/pmu.c has the table): which counter gets which event, what
 * Linux's perf driver does for `perf stat`. */
static uint64_t read_hpmcounter7(void)
{
    uint64_t v;
    __asm__ volatile("csrr %0, 0xc07" : "=r"(v));
    return v;
}

static void check_pmu(void)
{
    struct sbiret r = SBI1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_PMU);
    CHECK(r.error == SBI_SUCCESS && r.value != 0, "probe PMU: error %ld value %ld", r.error,
          r.value);
    r = SBI0(SBI_EXT_PMU, SBI_PMU_NUM_COUNTERS);
    long n = r.value;
    CHECK(r.error == SBI_SUCCESS && n > 8 && n <= 32, "num_counters: error %ld, %ld", r.error, n);
    printf("~payload: PMU: %ld counters\n", n); /* rv39 has 32, QEMU 7.2 19 */
    r = SBI1(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, 4);
    CHECK(r.error == SBI_SUCCESS && r.value == (0xc04 | 63l << 12),
          "counter_get_info(4): error %ld info 0x%lx", r.error, r.value);
    r = SBI1(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, (unsigned long)n - 1);
    CHECK(r.error == SBI_SUCCESS && r.value == ((0xc00 + n - 1) | 63l << 12),
          "counter_get_info(%ld): error %ld info 0x%lx", n - 1, r.error, r.value);
    r = SBI1(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, 1);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "counter_get_info(1, time): error %ld", r.error);
    r = SBI1(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, (unsigned long)n);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "counter_get_info(%ld): error %ld", n, r.error);
    printf("payload: PMU: 64-bit counters 0, 2 and 3.. (time is none)\n");

    /* DTLB read miss (cache event 0x10019) on counter 4 exactly; DTLB write miss then finds
     * it busy, and takes the other counter of a two-counter set. */
    r = pmu_config(0, 1ul << 4, PMU_CFG_CLEAR_VALUE, 0x10019, 0);
    CHECK(r.error == SBI_SUCCESS && r.value == 4, "config DTLB read miss: error %ld counter %ld",
          r.error, r.value);
    r = pmu_config(0, 1ul << 4, 0, 0x1001b, 0);
    CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "config DTLB write miss on a busy counter: %ld",
          r.error);
    r = pmu_config(3, 3, 0, 0x1001b, 0);
    CHECK(r.error == SBI_SUCCESS && r.value == 3, "config DTLB write miss on 3..4: error %ld %ld",
          r.error, r.value);
    r = pmu_config(0, 0xfff8, 0, 0x10000, 0);
    CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "config L1D read access: error %ld", r.error);
    r = pmu_config(0, 1ul << 40, 0, 0x10019, 0);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "config on counter 40: error %ld", r.error);
    r = pmu_config(0, 0xfff8, 1ul << 12, 0x10019, 0);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "config with an undefined flag: error %ld", r.error);
    /* What Linux does to probe an event: configure, then stop with RESET to release it. A
     * configured counter waits stopped for its start, so the stop says ALREADY_STOPPED, and
     * releases it all the same. */
    r = pmu_stop(4, PMU_STOP_RESET);
    CHECK(r.error == SBI_ERR_ALREADY_STOPPED, "counter_stop(4, RESET): error %ld", r.error);
    pmu_stop(3, PMU_STOP_RESET);
    r = pmu_config(4, 1, 0, 0x1001b, 0);
    CHECK(r.error == SBI_SUCCESS && r.value == 4, "config DTLB write miss after the release: %ld",
          r.error);
    pmu_stop(4, PMU_STOP_RESET);
    printf("payload: PMU: DTLB misses on a free counter of the set; unknown events refused\n");

    /* SKIP_MATCH (spec: "unconditionally select the first counter from the set"): the fixed
     * counters are always S's (Linux names them so for cycles and instret), a programmable
     * one only once configured. */
    r = pmu_config(0, 1, PMU_CFG_SKIP_MATCH, PMU_HW_CPU_CYCLES, 0);
    CHECK(r.error == SBI_SUCCESS && r.value == 0, "SKIP_MATCH cycles on 0: error %ld %ld", r.error,
          r.value);
    r = pmu_config(2, 1, PMU_CFG_SKIP_MATCH, PMU_HW_INSTRUCTIONS, 0);
    CHECK(r.error == SBI_SUCCESS && r.value == 2, "SKIP_MATCH instret on 2: error %ld %ld", r.error,
          r.value);
    r = pmu_config(0, 1, PMU_CFG_SKIP_MATCH, PMU_HW_INSTRUCTIONS, 0);
    CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "SKIP_MATCH instret on cycle: error %ld", r.error);
    r = pmu_config(9, 1, PMU_CFG_SKIP_MATCH, PMU_HW_INSTRUCTIONS, 0);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "SKIP_MATCH on an unconfigured counter: error %ld",
          r.error);
    /* Cycles on a programmable counter where it can overflow (Sscofpmf), else the fixed one;
     * only the fixed one in the set: the fixed one. */
    bool sscof = have_sscofpmf();
    r = pmu_config(0, (1ul << n) - 1, 0, PMU_HW_CPU_CYCLES, 0);
    CHECK(r.error == SBI_SUCCESS && (sscof ? r.value == n - 1 : r.value == 0),
          "config cycles (Sscofpmf %d): error %ld counter %ld", sscof, r.error, r.value);
    pmu_stop((unsigned long)r.value, PMU_STOP_RESET);
    r = pmu_config(0, 7, 0, PMU_HW_CPU_CYCLES, 0);
    CHECK(r.error == SBI_SUCCESS && r.value == 0, "config cycles in 0..2: error %ld counter %ld",
          r.error, r.value);
    pmu_start(0, 0, 0);
    printf("payload: PMU: SKIP_MATCH on the fixed counters; cycles on the %s counter\n",
           sscof ? "highest programmable" : "fixed");

    /* Raw event 5 (sfence.vma executed, counter 7): count ten, stop, count no more. The
     * counting is rv39's hardware (QEMU 7.2's hpmcounters count no such thing): only where
     * marchid reads 0, as rv39's does (QEMU's is its version). */
    r = SBI0(SBI_EXT_BASE, SBI_BASE_GET_MARCHID);
    if (r.value != 0) {
        printf("~payload: PMU: marchid 0x%lx is not rv39's: counting not checked\n", r.value);
        return;
    }
    r = pmu_config(7, 1, PMU_CFG_CLEAR_VALUE, 0x20000, 5);
    CHECK(r.error == SBI_SUCCESS && r.value == 7, "config raw 5: error %ld counter %ld", r.error,
          r.value);
    r = pmu_stop(7, 0);
    CHECK(r.error == SBI_ERR_ALREADY_STOPPED, "a configured counter waits for its start: %ld",
          r.error);
    r = pmu_start(7, PMU_START_SET_INIT_VALUE, 1000);
    CHECK(r.error == SBI_SUCCESS, "counter_start(7, 1000): error %ld", r.error);
    r = pmu_start(7, 0, 0);
    CHECK(r.error == SBI_ERR_ALREADY_STARTED, "counter_start of a started counter: %ld", r.error);
    for (int i = 0; i < 10; i++)
        __asm__ volatile("sfence.vma" ::: "memory");
    r = pmu_stop(7, 0);
    CHECK(r.error == SBI_SUCCESS, "counter_stop(7): error %ld", r.error);
    uint64_t counted = read_hpmcounter7();
    CHECK(counted == 1010, "hpmcounter7 = %lu after 10 sfence.vma from 1000", counted);
    __asm__ volatile("sfence.vma" ::: "memory");
    CHECK(read_hpmcounter7() == counted, "a stopped counter counted on");
    r = pmu_stop(7, PMU_STOP_RESET);
    CHECK(r.error == SBI_ERR_ALREADY_STOPPED, "counter_stop of a stopped counter: %ld", r.error);
    printf(
        "~payload: PMU: raw event 5 counts sfence.vma from its initial value, stops when told\n");
}

/* Sampling, as Linux's `perf record` does it, on any firmware with a PMU on a hart with
 * Sscofpmf: configure instructions on a counter that can overflow, start it near the wrap,
 * take the overflow interrupt (LCOFI, 13) in S with scountovf naming the counter, clear it
 * and start again with a new initial value. */
/* Instructions until the wrap: on rv39 a few ms of the polling loop; QEMU 7.2 without icount
 * counts "instructions" in host ticks, too fast for a shorter period to be seen started. */
#define SAMPLE_PERIOD 1000000ul

static void check_pmu_sampling(bool rv39_firmware)
{
    struct sbiret r = SBI1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_PMU);
    if (r.error != SBI_SUCCESS || r.value == 0 || !have_sscofpmf()) {
        printf("~payload: PMU sampling: no PMU or no Sscofpmf, not checked\n");
        return;
    }
    /* The set Linux asks from: every counter counter_get_info describes. */
    unsigned long n = (unsigned long)SBI0(SBI_EXT_PMU, SBI_PMU_NUM_COUNTERS).value, set = 0;
    for (unsigned long i = 0; i < n && i < 64; i++)
        if (SBI1(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, i).error == SBI_SUCCESS) set |= 1ul << i;
    r = pmu_config(0, set, PMU_CFG_CLEAR_VALUE, PMU_HW_INSTRUCTIONS, 0);
    CHECK(r.error == SBI_SUCCESS, "config instructions: error %ld", r.error);
    if (r.value < 3) {
        /* OpenSBI falls back on the fixed counter when the device tree maps instructions to no
         * programmable one (no /pmu node, as with -dtb from elsewhere). On rv39's and QEMU's
         * trees it must sample, and diff_pmu_sampling.sh fails a run without these lines. */
        printf("~payload: PMU sampling: instructions on fixed counter %ld, not checked\n", r.value);
        pmu_stop((unsigned long)r.value, PMU_STOP_RESET);
        return;
    }
    unsigned long c = (unsigned long)r.value;
    printf("~payload: PMU sampling: instructions on counter %lu\n", c);
    r = pmu_config(0, set, PMU_CFG_CLEAR_VALUE, PMU_HW_INSTRUCTIONS, 0);
    CHECK(r.error == SBI_SUCCESS && r.value >= 3 && (unsigned long)r.value != c,
          "config instructions again: error %ld counter %ld", r.error, r.value);
    pmu_stop((unsigned long)r.value, PMU_STOP_RESET);
    printf("payload: PMU sampling: instructions on a programmable counter, another for a second "
           "user\n");
    r = pmu_config(c, 1, PMU_CFG_SKIP_MATCH | PMU_CFG_CLEAR_VALUE, PMU_HW_INSTRUCTIONS, 0);
    CHECK(r.error == SBI_SUCCESS && (unsigned long)r.value == c,
          "SKIP_MATCH on counter %lu: error %ld counter %ld", c, r.error, r.value);
    CHECK(read_scountovf() & (1ul << c), "configured counter %lu: OF clear (scountovf 0x%lx)", c,
          read_scountovf());
    printf(
        "payload: PMU sampling: SKIP_MATCH keeps it; configured, its OF is set (no interrupt)\n");

    /* As Linux's driver does when a hart comes up: nothing pending from before, then the
     * interrupt enabled. (Under OpenSBI 1.1 on QEMU 7.2 an LCOFI is pending by now: taken
     * here, its handler clears it, or the firmware would keep OF set at the start.) */
    csr_clear(sip, 1ul << IRQ_LCOF);
    csr_set(sie, 1ul << IRQ_LCOF);
    /* QEMU 7.2 counts these "instructions" in host ticks and schedules the overflow with a
     * timer when the counter is written: a loaded host that stalls QEMU past the wrap loses
     * it. There a round may be tried again (up to 3 times); rv39 (marchid 0) must interrupt
     * every time. */
    bool rv39_hart = SBI0(SBI_EXT_BASE, SBI_BASE_GET_MARCHID).value == 0;
    for (int round = 1, tries = 1; round <= 2; round++, tries = 1) {
    again:
        csr_set(sstatus, SSTATUS_SIE); /* anything pending is taken here */
        csr_clear(sstatus, SSTATUS_SIE);
        uint64_t before = lcof_interrupts;
        lcof_overflowed = 0;
        r = pmu_start(c, PMU_START_SET_INIT_VALUE, -SAMPLE_PERIOD);
        CHECK(r.error == SBI_SUCCESS, "start %lu near the wrap: error %ld", c, r.error);
        /* rv39's firmware clears OF at the start, as the spec's Sscofpmf needs for the wrap to
         * interrupt (OpenSBI 1.1 on QEMU 7.2 leaves it set, and the interrupt comes anyway). */
        CHECK(!rv39_firmware || !rv39_hart || !(read_scountovf() & (1ul << c)),
              "started, OF still set (scountovf 0x%lx)", read_scountovf());
        bool interrupted = wait_for_interrupt(&lcof_interrupts, before);
        if (!interrupted && !rv39_hart && tries < 3) {
            pmu_stop(c, 0);
            tries++;
            goto again;
        }
        CHECK(interrupted, "no overflow interrupt (round %d, try %d)", round, tries);
        CHECK(lcof_overflowed & (1ul << c), "scountovf 0x%lx at the interrupt", lcof_overflowed);
        r = pmu_stop(c, 0);
        CHECK(r.error == SBI_SUCCESS, "stop %lu after its overflow: error %ld", c, r.error);
    }
    printf("payload: PMU sampling: started near the wrap it overflows into LCOFI in S, scountovf "
           "names it; restarted, again\n");
    r = pmu_stop(c, PMU_STOP_RESET);
    CHECK(r.error == SBI_ERR_ALREADY_STOPPED, "release %lu: error %ld", c, r.error);
    CHECK(!(read_scountovf() & (1ul << c)), "released, OF still set (scountovf 0x%lx)",
          read_scountovf());
    r = pmu_config(c, 1, PMU_CFG_SKIP_MATCH, PMU_HW_INSTRUCTIONS, 0);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "SKIP_MATCH on the released counter: error %ld",
          r.error);
    csr_clear(sie, 1ul << IRQ_LCOF);
    printf("payload: PMU sampling: RESET releases it (OF clear); SKIP_MATCH then refuses it\n");
}

/* HSM (SBI spec "Hart State Management Extension"), as a kernel uses it on one hart. */
static uint64_t hsm_hartid;
static volatile uint64_t hsm_suspended_at;
void hsm_resume_entry(void), s_trap_vector(void);
__attribute__((noreturn)) static void payload_finish(void);

static void check_hsm(uint64_t hartid, long impl_id)
{
    hsm_hartid = hartid;
    struct sbiret r = SBI1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hartid);
    CHECK(r.error == SBI_SUCCESS && r.value == SBI_HSM_STATE_STARTED,
          "hart_get_status(self): error %ld state %ld", r.error, r.value);
    r = SBI1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hartid + 7);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "hart_get_status(no such hart): error %ld", r.error);
    r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, 0x80200000, 0, 0, 0);
    CHECK(r.error == SBI_ERR_ALREADY_AVAILABLE, "hart_start(self): error %ld", r.error);
    r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid + 7, 0x80200000, 0, 0, 0);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "hart_start(no such hart): error %ld", r.error);
    printf("payload: hart state: started; hart_start of itself or a missing hart refused\n");

    /* Retentive suspend returns once an enabled interrupt is pending: a timer 10 ms ahead,
     * with sstatus.SIE off so that nothing is taken until we look. */
    r = SBI1(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0x00000001);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "hart_suspend(reserved type 1): error %ld", r.error);
    uint64_t deadline = csr_read(time) + TIMEBASE_HZ / 100;
    csr_set(sie, SIE_STIE);
    SBI1(SBI_EXT_TIME, SBI_TIME_SET_TIMER, deadline);
    r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RETENTIVE, 0, 0, 0, 0);
    CHECK(r.error == SBI_SUCCESS, "hart_suspend(retentive): error %ld", r.error);
    CHECK(csr_read(time) >= deadline, "retentive suspend returned at %lu, before the timer %lu",
          csr_read(time), deadline);
    CHECK(csr_read(sip) & SIP_STIP, "retentive suspend returned without a pending interrupt");
    SBI1(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0ul);
    printf("payload: retentive hart_suspend returns on the timer interrupt\n");

    /* Non-retentive suspend resumes at resume_addr with a0 = hart id, a1 = opaque: rv39's
     * firmware offers it (OpenSBI 1.1 needs a platform HSM device for it). */
    if (impl_id != SBI_IMPL_ID_RV39) {
        csr_clear(sie, SIE_STIE);
        payload_finish();
    }
    hsm_suspended_at = csr_read(time);
    SBI1(SBI_EXT_TIME, SBI_TIME_SET_TIMER, hsm_suspended_at + TIMEBASE_HZ / 100);
    r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RETENTIVE,
                 (uint64_t)hsm_resume_entry, 0x5eed, 0, 0);
    CHECK(false, "non-retentive hart_suspend returned (error %ld)", r.error);
}

void hsm_resumed(uint64_t a0, uint64_t a1)
{
    CHECK(a0 == hsm_hartid && a1 == 0x5eed, "resumed with a0=0x%lx a1=0x%lx", a0, a1);
    CHECK(csr_read(satp) == 0, "resumed with satp 0x%lx", csr_read(satp));
    CHECK(!(csr_read(sstatus) & SSTATUS_SIE), "resumed with sstatus.SIE set");
    CHECK(csr_read(time) >= hsm_suspended_at + TIMEBASE_HZ / 100, "resumed before the timer");
    csr_write(stvec, (uint64_t)s_trap_vector); /* S's state is not kept across the suspend */
    SBI1(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0ul);
    csr_clear(sie, SIE_STIE);
    printf("payload: non-retentive hart_suspend resumes at resume_addr with a0, a1 (rv39)\n");
    payload_finish();
}

void payload_main(uint64_t hartid, uint64_t dtb)
{
    struct sbiret r = SBI1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_DBCN);
    have_dbcn = r.error == SBI_SUCCESS && r.value != 0;
    printf("\npayload: S-mode SBI checks\n");
    printf("~payload: console through %s\n", have_dbcn ? "DBCN" : "legacy console_putchar");

    check_boot_registers(hartid, dtb);
    long impl_id = check_base();
    check_device_tree(dtb, impl_id);
    check_probe();
    check_timer();
    check_ipi(hartid);
    check_rfence(hartid);
    check_console();
    if (impl_id == SBI_IMPL_ID_RV39) check_pmu(); /* rv39's own counters */
    check_pmu_sampling(impl_id == SBI_IMPL_ID_RV39);
    check_hsm(hartid, impl_id); /* ends in payload_finish(), possibly by way of hsm_resumed */
}

__attribute__((noreturn)) static void payload_finish(void)
{
    check_reset_arguments();
#ifdef PAYLOAD_FORCE_FAIL
    /* The harness's own check: this build must be reported as a failure. */
    CHECK(false, "deliberate failure (PAYLOAD_FORCE_FAIL build)");
#endif

    printf("~payload: %d checks\n", checks_run);
    printf("payload: all SBI checks passed\n");
    shutdown(false);
}
