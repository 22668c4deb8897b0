/* Several harts: which exist, their HSM states, and the requests one hart makes of another
 * (an IPI, a remote fence), delivered as machine software interrupts through the CLINT's
 * msip registers (hart h's at CLINT_MSIP + 4*h, QEMU virt's layout).
 *
 * SBI spec: "Hart State Management Extension", "IPI Extension", "RFENCE Extension", "Hart
 * list parameter". Everything another hart reads lives in .data (never zeroed by the boot
 * hart while a secondary waits) and is accessed with atomics.
 *
 * Remote fences are synchronous, as Linux expects (it frees a page table right after the
 * call): the caller takes a ticket from the target's counter after its own stores, the
 * target reads the counter, fences, and publishes what it read as done; the caller waits
 * until done reaches its ticket. The target fences everything (fence.i and a full
 * sfence.vma): more than asked, never less. A waiting caller serves its own requests, so two
 * harts fencing each other cannot deadlock. */
#include "sbi.h"

enum {
    HART_ABSENT = -1, /* not on this board (its msip does not hold a 1) */
};

static volatile int32_t hart_state[SBI_MAX_HARTS] = {
    HART_ABSENT, HART_ABSENT, HART_ABSENT, HART_ABSENT,
    HART_ABSENT, HART_ABSENT, HART_ABSENT, HART_ABSENT,
};
_Static_assert(SBI_MAX_HARTS == 8, "hart_state's initialiser lists every hart");

/* hart_start's handover: where the hart enters S and its a1, published by `go`. */
static volatile uint64_t start_addr[SBI_MAX_HARTS] = {0}, start_opaque[SBI_MAX_HARTS] = {0};
static volatile uint32_t start_go[SBI_MAX_HARTS] = {0};
/* Requests: SSIP as a bit; fences as tickets (fence_asked[h] counts, fence_done[h] is the
 * count hart h had seen when it last fenced). */
static volatile uint32_t ipi_pending[SBI_MAX_HARTS] = {0};
static volatile uint64_t fence_asked[SBI_MAX_HARTS] = {0}, fence_done[SBI_MAX_HARTS] = {0};
/* Set once the boot hart has probed which harts exist: until then msip is the probe's. */
static volatile uint32_t smp_ready = 0;

static volatile uint32_t *msip(uint64_t hart)
{
    return (volatile uint32_t *)(CLINT_MSIP + 4 * hart);
}

uint64_t smp_hart(void)
{
    return csr_read(mhartid);
}

/* A hart exists when its msip register holds a 1 (the CLINT ignores writes to the msip of a
 * hart it does not have, on QEMU and rv39 alike). A waiting hart woken by the probe finds no
 * hart_start for it and waits again. */
void smp_init(uint64_t boot_hart)
{
    for (uint64_t h = 0; h < SBI_MAX_HARTS; h++) {
        if (h == boot_hart) continue;
        *msip(h) = 1;
        bool there = *msip(h) == 1;
        *msip(h) = 0;
        if (there) __atomic_store_n(&hart_state[h], SBI_HSM_STATE_STOPPED, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&hart_state[boot_hart], SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
    __atomic_store_n(&smp_ready, 1, __ATOMIC_RELEASE);
}

unsigned smp_harts(void)
{
    unsigned n = 0;
    for (uint64_t h = 0; h < SBI_MAX_HARTS; h++)
        n += smp_hart_exists(h);
    return n;
}

bool smp_hart_exists(uint64_t hart)
{
    return hart < SBI_MAX_HARTS && __atomic_load_n(&hart_state[hart], __ATOMIC_ACQUIRE) >= 0;
}

/* Serve what other harts asked of this one: an IPI becomes S's software interrupt, a fence
 * request a full fence. Runs with the machine software interrupt taken or polled. */
void smp_on_software_interrupt(void)
{
    uint64_t self = smp_hart();
    *msip(self) = 0; /* before reading the requests: a later one raises it again */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_exchange_n(&ipi_pending[self], 0, __ATOMIC_ACQ_REL)) csr_set(mip, MIP_SSIP);
    uint64_t asked = __atomic_load_n(&fence_asked[self], __ATOMIC_ACQUIRE);
    if (asked != __atomic_load_n(&fence_done[self], __ATOMIC_RELAXED)) {
        __asm__ volatile("fence.i\n\tsfence.vma" ::: "memory");
        __atomic_store_n(&fence_done[self], asked, __ATOMIC_RELEASE);
    }
}

/* Wait for hart_start (HSM STOPPED): M-mode interrupts off, only msip wakes the hart. While
 * the boot hart probes, msip is left to it. A fence asked of a hart that was stopping is
 * served; an IPI to a stopped hart is dropped (S starts afresh). */
__attribute__((noreturn)) void smp_hart_stopped(uint64_t hart)
{
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, MIE_MSIE);
    for (;;) {
        while (!(csr_read(mip) & MIE_MSIE) && !__atomic_load_n(&start_go[hart], __ATOMIC_ACQUIRE))
            __asm__ volatile("wfi");
        if (!__atomic_load_n(&smp_ready, __ATOMIC_ACQUIRE)) continue;
        smp_on_software_interrupt();
        csr_clear(mip, MIP_SSIP);
        if (!__atomic_exchange_n(&start_go[hart], 0, __ATOMIC_ACQ_REL)) continue;
        hart_setup();
        __atomic_store_n(&hart_state[hart], SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
        enter_supervisor(hart, start_addr[hart], start_opaque[hart]);
    }
}

long smp_hart_start(uint64_t hart, uint64_t addr, uint64_t opaque)
{
    if (!smp_hart_exists(hart)) return SBI_ERR_INVALID_PARAM;
    /* The firmware's own region is not S's to execute. */
    if (addr >= FW_BASE && addr < FW_BASE + FW_REGION_SIZE) return SBI_ERR_INVALID_ADDRESS;
    int32_t stopped = SBI_HSM_STATE_STOPPED;
    if (!__atomic_compare_exchange_n(&hart_state[hart], &stopped, SBI_HSM_STATE_START_PENDING,
                                     false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return SBI_ERR_ALREADY_AVAILABLE;
    start_addr[hart] = addr;
    start_opaque[hart] = opaque;
    __atomic_store_n(&start_go[hart], 1, __ATOMIC_RELEASE);
    *msip(hart) = 1;
    return SBI_SUCCESS;
}

long smp_hart_status(uint64_t hart)
{
    if (!smp_hart_exists(hart)) return SBI_ERR_INVALID_PARAM;
    return __atomic_load_n(&hart_state[hart], __ATOMIC_ACQUIRE);
}

void smp_set_state(long state)
{
    __atomic_store_n(&hart_state[smp_hart()], (int32_t)state, __ATOMIC_RELEASE);
}

/* hart_stop: the calling hart waits again, on a fresh boot stack. */
__attribute__((noreturn)) void smp_hart_stop(void)
{
    uint64_t self = smp_hart();
    smp_on_software_interrupt(); /* fences already asked of this hart */
    smp_set_state(SBI_HSM_STATE_STOPPED);
    smp_restart_stopped(self); /* entry.S: resets sp, then smp_hart_stopped */
}

/* Spec "Hart list parameter": hart_mask is a bit vector starting at hart_mask_base, or base
 * -1 for every hart. Invalid when it names a hart that does not exist. */
static bool mask_valid(uint64_t mask, uint64_t base)
{
    if (base == SBI_HART_MASK_BASE_ALL) return true;
    for (unsigned i = 0; i < 64; i++)
        if ((mask >> i) & 1 && (base + i < base || !smp_hart_exists(base + i))) return false;
    return true;
}

static bool mask_names(uint64_t mask, uint64_t base, uint64_t hart)
{
    if (base == SBI_HART_MASK_BASE_ALL) return true;
    return hart >= base && hart - base < 64 && ((mask >> (hart - base)) & 1);
}

long smp_send(uint64_t mask, uint64_t base, enum smp_request request, bool *self_named)
{
    *self_named = false;
    if (!mask_valid(mask, base)) return SBI_ERR_INVALID_PARAM;
    uint64_t self = smp_hart(), ticket[SBI_MAX_HARTS] = {0};
    uint32_t waiting = 0;
    for (uint64_t h = 0; h < SBI_MAX_HARTS; h++) {
        if (!mask_names(mask, base, h) || !smp_hart_exists(h)) continue;
        if (h == self) { /* the caller does its own part */
            *self_named = true;
            continue;
        }
        long state = __atomic_load_n(&hart_state[h], __ATOMIC_ACQUIRE);
        if (state == SBI_HSM_STATE_STOPPED) continue; /* nothing to interrupt or flush */
        if (request == SMP_IPI) {
            __atomic_fetch_or(&ipi_pending[h], 1, __ATOMIC_RELEASE);
        } else {
            ticket[h] = __atomic_add_fetch(&fence_asked[h], 1, __ATOMIC_ACQ_REL);
            waiting |= 1u << h;
        }
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        *msip(h) = 1;
    }
    while (waiting) {
        for (uint64_t h = 0; h < SBI_MAX_HARTS; h++)
            if ((waiting >> h) & 1 && __atomic_load_n(&fence_done[h], __ATOMIC_ACQUIRE) >= ticket[h])
                waiting &= ~(1u << h);
        if (csr_read(mip) & MIE_MSIE) smp_on_software_interrupt(); /* others may wait on us */
    }
    return SBI_SUCCESS;
}
