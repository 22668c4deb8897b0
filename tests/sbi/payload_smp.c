/* Multi-hart SBI payload: a kernel's view of HSM, IPI and RFENCE with several harts (SBI
 * spec, "Hart State Management Extension", "IPI Extension", "RFENCE Extension", "Hart list
 * parameter"). The boot hart finds the harts by hart_get_status (STARTED for itself, STOPPED
 * for the others, INVALID_PARAM past the last), starts each at secondary_entry with an opaque
 * value, sends IPIs to hart masks (with a base, and base -1 for all) that every named hart
 * must take as an S software interrupt, asks remote fences of masks, refuses masks naming a
 * missing hart, uses the legacy 0.1 IPI and fences with a mask in memory, and has the
 * harts stop and restart. Passes with "payload: all SBI checks passed" and exit status 0
 * (run_payload.sh), on rv39's firmware and on OpenSBI alike. */
#include <stdbool.h>
#include <stdint.h>

#include "rv39.h"
#include "sbi_abi.h"

#define MAX_HARTS 8
#define SIE_SSIE (1ul << 1)
#define SIP_SSIP (1ul << 1)
#define SSTATUS_SIE (1ul << 1)
#define SCAUSE_SSI ((1ul << 63) | 1)
#define OPAQUE 0x5ca1ab1e00ul
#define PATIENCE (2 * TIMEBASE_HZ) /* 2 s of the timebase for anything to happen */
#define SBI_IMPL_ID_RV39 0x72763339l /* firmware/sbi/sbi.h */

struct sbiret {
    long error;
    long value;
};

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

/* The console: the legacy putchar, which every firmware has, under a lock (only the boot hart
 * prints, but a failing secondary may too). */
static volatile uint32_t print_lock;
void putchar_(int c)
{
    sbi_call(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, (uint8_t)c, 0, 0, 0, 0);
}
void puts_(const char *s)
{
    while (*s)
        putchar_(*s++);
}

__attribute__((noreturn)) static void shutdown(bool failure)
{
    sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
             failure ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE, 0, 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))                          \
                ;                                                                                  \
            printf("payload: FAIL (line %d): ", __LINE__);                                         \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            shutdown(true);                                                                        \
        }                                                                                          \
    } while (0)

static volatile uint64_t arrived_opaque[MAX_HARTS];
static volatile uint32_t arrivals[MAX_HARTS], ipis[MAX_HARTS];
static volatile uint32_t go_stop[MAX_HARTS];

__attribute__((interrupt("supervisor"), aligned(4))) static void s_trap(void)
{
    uint64_t cause = csr_read(scause);
    if (cause == SCAUSE_SSI) {
        csr_clear(sip, SIP_SSIP);
        uint64_t self;
        __asm__ volatile("mv %0, tp" : "=r"(self)); /* tp = hart id, set at entry */
        __atomic_fetch_add(&ipis[self], 1, __ATOMIC_RELAXED);
        return;
    }
    printf("payload: FAIL: unexpected trap scause=%lx sepc=%lx\n", cause, csr_read(sepc));
    shutdown(true);
}

static void enable_ipis(uint64_t hartid)
{
    __asm__ volatile("mv tp, %0" ::"r"(hartid));
    csr_write(stvec, (uint64_t)s_trap);
    csr_set(sie, SIE_SSIE);
    csr_set(sstatus, SSTATUS_SIE);
}

static bool wait_until(volatile uint32_t *counter, uint32_t want)
{
    uint64_t start = csr_read(time);
    while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < want)
        if (csr_read(time) - start > PATIENCE) return false;
    return true;
}

static long status_of(uint64_t hart)
{
    struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hart, 0, 0, 0, 0);
    return r.error ? r.error : r.value;
}

static bool wait_status(uint64_t hart, long want)
{
    uint64_t start = csr_read(time);
    while (status_of(hart) != want)
        if (csr_read(time) - start > PATIENCE) return false;
    return true;
}

void secondary_main(uint64_t hartid, uint64_t opaque);
void secondary_main(uint64_t hartid, uint64_t opaque)
{
    enable_ipis(hartid);
    arrived_opaque[hartid] = opaque;
    __atomic_fetch_add(&arrivals[hartid], 1, __ATOMIC_RELEASE);
    /* Wait (taking IPIs) until the boot hart says stop. */
    while (!__atomic_load_n(&go_stop[hartid], __ATOMIC_ACQUIRE))
        __asm__ volatile("wfi");
    __atomic_store_n(&go_stop[hartid], 0, __ATOMIC_RELAXED);
    sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0, 0, 0);
    CHECK(false, "hart %lu: hart_stop returned", hartid);
}

void secondary_entry(void);

void payload_main(uint64_t hartid, uint64_t dtb);
void payload_main(uint64_t hartid, uint64_t dtb)
{
    (void)dtb;
    enable_ipis(hartid);
    printf("payload: smp payload on the boot hart\n");
    /* SBI 2.0 refuses a hart mask naming a hart that does not exist (INVALID_PARAM); OpenSBI
     * 1.1 (SBI 0.3) passes over it: only rv39's firmware is held to that. */
    bool strict = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0, 0, 0).value ==
                  SBI_IMPL_ID_RV39;
    printf("~payload: boot hart %lu\n", hartid);

    /* The harts: STARTED (this one), STOPPED (the others), then INVALID_PARAM. */
    unsigned n = 0;
    while (n < MAX_HARTS && status_of(n) != SBI_ERR_INVALID_PARAM)
        n++;
    CHECK(n >= 2, "only %u hart(s): run with -smp 2 or more", n);
    CHECK(hartid < n, "boot hart %lu beyond the %u found", hartid, n);
    for (unsigned h = 0; h < n; h++)
        CHECK(status_of(h) == (h == hartid ? SBI_HSM_STATE_STARTED : SBI_HSM_STATE_STOPPED),
              "hart %u: status %ld", h, status_of(h));
    printf("payload: %u harts, the others STOPPED\n", n);

    /* hart_start: each at secondary_entry with its own opaque value. */
    struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, n, (uint64_t)secondary_entry, 0,
                               0, 0);
    CHECK(r.error == SBI_ERR_INVALID_PARAM, "hart_start of hart %u: error %ld", n, r.error);
    for (unsigned h = 0; h < n; h++) {
        if (h == hartid) continue;
        r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, h, (uint64_t)secondary_entry, OPAQUE + h,
                     0, 0);
        CHECK(r.error == SBI_SUCCESS, "hart_start(%u): error %ld", h, r.error);
        CHECK(wait_until(&arrivals[h], 1), "hart %u did not arrive", h);
        CHECK(arrived_opaque[h] == OPAQUE + h, "hart %u: a1 = 0x%lx", h, arrived_opaque[h]);
        CHECK(wait_status(h, SBI_HSM_STATE_STARTED), "hart %u: status %ld", h, status_of(h));
        r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, h, (uint64_t)secondary_entry, 0, 0, 0);
        CHECK(r.error == SBI_ERR_ALREADY_AVAILABLE, "second hart_start(%u): error %ld", h,
              r.error);
    }
    printf("payload: hart_start brought up every hart with its opaque value\n");

    /* IPIs: a mask with a base naming every other hart; then base -1 (all, this one too). */
    uint64_t others = 0;
    for (unsigned h = 0; h < n; h++)
        if (h != hartid) others |= 1ul << h;
    r = sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, others >> 1, 1, 0, 0, 0); /* base 1 */
    CHECK(r.error == SBI_SUCCESS || hartid != 0, "send_ipi(mask, base 1): error %ld", r.error);
    if (hartid == 0) {
        for (unsigned h = 1; h < n; h++)
            CHECK(wait_until(&ipis[h], 1), "hart %u took no IPI", h);
        CHECK(ipis[0] == 0, "the boot hart was not named but took an IPI");
    }
    r = sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, SBI_HART_MASK_BASE_ALL, 0, 0, 0);
    CHECK(r.error == SBI_SUCCESS, "send_ipi(all): error %ld", r.error);
    for (unsigned h = 0; h < n; h++)
        CHECK(wait_until(&ipis[h], hartid == 0 && h != 0 ? 2 : 1), "hart %u: no IPI to all", h);
    r = sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1ul << n, 0, 0, 0, 0);
    CHECK(!strict || r.error == SBI_ERR_INVALID_PARAM, "send_ipi to hart %u: error %ld", n,
          r.error);
    printf("payload: send_ipi reached the harts of each mask\n");

    /* Remote fences: every mask form; a missing hart is refused. */
    r = sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, others, 0, 0, 0, 0);
    CHECK(r.error == SBI_SUCCESS, "remote_fence_i: error %ld", r.error);
    r = sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 0, SBI_HART_MASK_BASE_ALL, 0, 0, 0);
    CHECK(r.error == SBI_SUCCESS, "remote_sfence_vma(all): error %ld", r.error);
    r = sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, others, 0, 0x80200000, 0x2000, 0);
    CHECK(r.error == SBI_SUCCESS, "remote_sfence_vma(range): error %ld", r.error);
    r = sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, others, 0, 0, 0, 1);
    CHECK(r.error == SBI_SUCCESS, "remote_sfence_vma_asid: error %ld", r.error);
    r = sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 1ul << n, 0, 0, 0, 0);
    CHECK(!strict || r.error == SBI_ERR_INVALID_PARAM, "remote_fence_i to hart %u: error %ld", n,
          r.error);
    printf("payload: remote fences to hart masks returned\n");

    /* The legacy calls (spec "Legacy Extensions"): the hart mask is in memory, read through
     * S's translation; 0 means every hart. */
    static volatile uint64_t legacy_mask;
    legacy_mask = others;
    uint32_t before[MAX_HARTS];
    for (unsigned h = 0; h < n; h++)
        before[h] = ipis[h];
    r = sbi_call(SBI_EXT_LEGACY_SEND_IPI, 0, (uint64_t)&legacy_mask, 0, 0, 0, 0);
    CHECK(r.error == 0, "legacy send_ipi: %ld", r.error);
    for (unsigned h = 0; h < n; h++)
        if (h != hartid) CHECK(wait_until(&ipis[h], before[h] + 1), "hart %u: no legacy IPI", h);
    r = sbi_call(SBI_EXT_LEGACY_REMOTE_FENCE_I, 0, (uint64_t)&legacy_mask, 0, 0, 0, 0);
    CHECK(r.error == 0, "legacy remote_fence_i: %ld", r.error);
    r = sbi_call(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, 0, 0, 0, 0, 0, 0); /* every hart */
    CHECK(r.error == 0, "legacy remote_sfence_vma: %ld", r.error);
    r = sbi_call(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID, 0, (uint64_t)&legacy_mask, 0x80200000,
                 0x1000, 1, 0);
    CHECK(r.error == 0, "legacy remote_sfence_vma_asid: %ld", r.error);
    printf("payload: the legacy IPI and fences reached the harts of a mask in memory\n");

    /* hart_stop, then a second start of the same harts. */
    for (unsigned round = 0; round < 2; round++) {
        for (unsigned h = 0; h < n; h++) {
            if (h == hartid) continue;
            __atomic_store_n(&go_stop[h], 1, __ATOMIC_RELEASE);
            sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1ul << h, 0, 0, 0, 0); /* out of its wfi */
            CHECK(wait_status(h, SBI_HSM_STATE_STOPPED), "hart %u: not stopped (%ld)", h,
                  status_of(h));
            if (round == 1) continue;
            r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, h, (uint64_t)secondary_entry,
                         OPAQUE + 0x100 + h, 0, 0);
            CHECK(r.error == SBI_SUCCESS, "restart of hart %u: error %ld", h, r.error);
            CHECK(wait_until(&arrivals[h], 2), "hart %u did not come back", h);
            CHECK(arrived_opaque[h] == OPAQUE + 0x100 + h, "hart %u: a1 = 0x%lx", h,
                  arrived_opaque[h]);
        }
    }
    printf("payload: hart_stop and a second hart_start worked on every hart\n");
    printf("payload: all SBI checks passed\n");
    shutdown(false);
}
