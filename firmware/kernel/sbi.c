/* Calls into the M-mode firmware through the Supervisor Binary Interface
 * (riscv-non-isa/riscv-sbi-doc): a7 = extension ID, a6 = function ID, arguments in a0..a5,
 * a0 = error and a1 = value on return. Only calls both rv39's firmware and OpenSBI 1.1
 * provide are used. */
#include "kernel.h"
#include "sbi_abi.h"

struct sbiret {
    long error;
    long value;
};

static struct sbiret sbi_call(long eid, long fid, uint64_t arg0, uint64_t arg1)
{
    register uint64_t a0 __asm__("a0") = arg0;
    register uint64_t a1 __asm__("a1") = arg1;
    register uint64_t a6 __asm__("a6") = (uint64_t)fid;
    register uint64_t a7 __asm__("a7") = (uint64_t)eid;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
    return (struct sbiret){(long)a0, (long)a1};
}

static struct sbiret sbi_call5(long eid, long fid, uint64_t arg0, uint64_t arg1, uint64_t arg2,
                               uint64_t arg3, uint64_t arg4)
{
    register uint64_t a0 __asm__("a0") = arg0;
    register uint64_t a1 __asm__("a1") = arg1;
    register uint64_t a2 __asm__("a2") = arg2;
    register uint64_t a3 __asm__("a3") = arg3;
    register uint64_t a4 __asm__("a4") = arg4;
    register uint64_t a6 __asm__("a6") = (uint64_t)fid;
    register uint64_t a7 __asm__("a7") = (uint64_t)eid;
    __asm__ volatile("ecall"
                     : "+r"(a0), "+r"(a1)
                     : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7)
                     : "memory");
    return (struct sbiret){(long)a0, (long)a1};
}

/* Start rv39's MMU counters hpmcounter3..7 through the SBI PMU extension, when the firmware
 * has one: a firmware may keep the programmable counters stopped until S asks (OpenSBI
 * does). Raw event N (rv39's mhpmevent value) counts on hpmcounter(N + 2); each is asked for
 * on exactly that counter, started at once, its count kept. Returns how many started. */
unsigned sbi_start_mmu_counters(void)
{
    struct sbiret probe = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_PMU, 0);
    if (probe.error != SBI_SUCCESS || probe.value == 0) return 0;
    unsigned started = 0;
    for (uint64_t n = 1; n <= 5; n++) {
        struct sbiret r = sbi_call5(SBI_EXT_PMU, SBI_PMU_COUNTER_CONFIG_MATCHING, n + 2, 1,
                                    4 /* AUTO_START */, 0x20000 /* raw */, n);
        started += r.error == SBI_SUCCESS && r.value == (long)(n + 2);
    }
    return started;
}

/* Legacy Console Putchar (EID 0x01): one byte, blocking. Simple and everywhere. */
void sbi_console_putchar(int c)
{
    sbi_call(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, (uint8_t)c, 0);
}

/* TIME extension, set_timer: one S timer interrupt once `time` >= stime_value; setting a new
 * value also clears the pending interrupt (spec "Timer Extension"). */
void sbi_set_timer(uint64_t stime_value)
{
    sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, stime_value, 0);
}

/* SRST system_reset(shutdown). The reason tells the emulator the run's verdict: rv39's
 * firmware exits with status 1 for "system failure", 0 otherwise. */
void sbi_shutdown(bool failure)
{
    sbi_shutdown_status(failure ? 1 : 0);
}

/* Shut down with exit status `status`: rv39's firmware passes it on exactly (its vendor
 * reason, sbi_abi.h); other firmware (OpenSBI) refuses that reason, and then the kernel
 * says "system failure" for any non-zero status. */
void sbi_shutdown_status(int status)
{
    if (status & 0xff)
        sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
                 SBI_SRST_REASON_RV39_EXIT | (uint32_t)(status & 0xff));
    sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
             status ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE);
    sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0); /* an older firmware without SRST */
    for (;;)
        __asm__ volatile("wfi");
}
