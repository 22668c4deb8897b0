/* perfcount: counts MMU events in a Linux guest through perf_event_open(2), the system call
 * `perf stat` is built on, while touching a fresh 8 MiB mapping page by page. The kernel's
 * SBI PMU driver (drivers/perf/riscv_pmu_sbi.c) programs the counters through the firmware's
 * PMU extension (firmware/sbi/pmu.c): the generic dTLB and iTLB read-miss cache events, and
 * rv39's raw events 3 (page-table walks) and 4 (page faults). Prints one line:
 *   perfcount: pages 2048 dtlb_read_misses N itlb_read_misses N walks N page_faults N
 * A freestanding static program (no C library in the initramfs): Linux system calls by
 * number (ecall, a7 = number; asm-generic/unistd.h). */
#include <stdint.h>

#define SYS_ioctl 29
#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_munmap 215
#define SYS_mmap 222
#define SYS_perf_event_open 241

#define PERF_TYPE_HW_CACHE 3
#define PERF_TYPE_RAW 4
#define PERF_COUNT_HW_CACHE_DTLB 3
#define PERF_COUNT_HW_CACHE_ITLB 4
#define PERF_COUNT_HW_CACHE_OP_READ 0
#define PERF_COUNT_HW_CACHE_RESULT_MISS 1
#define CACHE_EVENT(cache)                                                                         \
    ((cache) | PERF_COUNT_HW_CACHE_OP_READ << 8 | PERF_COUNT_HW_CACHE_RESULT_MISS << 16)
#define PERF_EVENT_IOC_ENABLE 0x2400
#define PERF_EVENT_IOC_DISABLE 0x2401
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define PAGES 2048
#define PAGE 4096

/* struct perf_event_attr's first fields (include/uapi/linux/perf_event.h); the kernel
 * accepts any size it knows, given in `size`. flags bit 0 = disabled. */
struct perf_event_attr {
    uint32_t type, size;
    uint64_t config, sample_period, sample_type, read_format, flags;
    uint32_t wakeup_events, bp_type;
    uint64_t bp_addr, bp_len, branch_sample_type, sample_regs_user;
    uint32_t sample_stack_user;
    int32_t clockid;
    uint64_t sample_regs_intr;
    uint32_t aux_watermark;
    uint16_t sample_max_stack, reserved;
};

static long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
    register long a0 __asm__("a0") = a, a1 __asm__("a1") = b, a2 __asm__("a2") = c;
    register long a3 __asm__("a3") = d, a4 __asm__("a4") = e, a5 __asm__("a5") = f;
    register long a7 __asm__("a7") = n;
    __asm__ volatile("ecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                     : "memory");
    return a0;
}

static char out[256];
static unsigned out_len;

static void put(const char *s)
{
    while (*s && out_len < sizeof out - 1)
        out[out_len++] = *s++;
}

static void put_number(long v)
{
    char digits[24];
    int n = 0;
    if (v < 0) {
        put("-");
        v = -v;
    }
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        out[out_len < sizeof out - 1 ? out_len++ : out_len] = digits[--n];
}

static __attribute__((noreturn)) void finish(int status)
{
    put("\n");
    syscall6(SYS_write, 1, (long)out, out_len, 0, 0, 0);
    syscall6(SYS_exit, status, 0, 0, 0, 0, 0);
    __builtin_unreachable();
}

static long open_counter(uint32_t type, uint64_t config)
{
    struct perf_event_attr attr = {0};
    attr.type = type;
    attr.size = sizeof attr;
    attr.config = config;
    attr.flags = 1; /* disabled until the ioctl */
    return syscall6(SYS_perf_event_open, (long)&attr, 0 /* this process */, -1 /* any cpu */, -1, 0,
                    0);
}

void _start(void)
{
    static const struct {
        const char *name;
        uint32_t type;
        uint64_t config;
    } events[] = {{"dtlb_read_misses", PERF_TYPE_HW_CACHE, CACHE_EVENT(PERF_COUNT_HW_CACHE_DTLB)},
                  {"itlb_read_misses", PERF_TYPE_HW_CACHE, CACHE_EVENT(PERF_COUNT_HW_CACHE_ITLB)},
                  {"walks", PERF_TYPE_RAW, 3},
                  {"page_faults", PERF_TYPE_RAW, 4}};
    enum { N = sizeof events / sizeof events[0] };
    long fd[N];
    put("perfcount:");
    for (int i = 0; i < N; i++) {
        fd[i] = open_counter(events[i].type, events[i].config);
        if (fd[i] < 0) {
            put(" perf_event_open(");
            put(events[i].name);
            put(") failed: ");
            put_number(fd[i]);
            finish(1);
        }
    }
    volatile uint8_t *mem = (volatile uint8_t *)syscall6(
        SYS_mmap, 0, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ((long)mem < 0) {
        put(" mmap failed");
        finish(1);
    }
    for (int i = 0; i < N; i++)
        syscall6(SYS_ioctl, fd[i], PERF_EVENT_IOC_ENABLE, 0, 0, 0, 0);
    for (long p = 0; p < PAGES; p++)
        mem[p * PAGE] = (uint8_t)p; /* a page fault, a walk and a dTLB miss each */
    for (int i = 0; i < N; i++)
        syscall6(SYS_ioctl, fd[i], PERF_EVENT_IOC_DISABLE, 0, 0, 0, 0);
    put(" pages ");
    put_number(PAGES);
    for (int i = 0; i < N; i++) {
        uint64_t count = 0;
        long n = syscall6(SYS_read, fd[i], (long)&count, sizeof count, 0, 0, 0);
        put(" ");
        put(events[i].name);
        put(" ");
        put_number(n == sizeof count ? (long)count : -1);
    }
    syscall6(SYS_munmap, (long)mem, PAGES * PAGE, 0, 0, 0, 0);
    finish(0);
}
