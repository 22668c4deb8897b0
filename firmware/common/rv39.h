/* The guests' tiny runtime: console, formatted output, memory helpers, power-off and CSR
 * access for bare-metal programs on QEMU virt and rv39. Our own code, no libc behind it. */
#ifndef RV39_GUEST_H
#define RV39_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* --- board --- */
#define UART0_BASE 0x10000000ul
#define FINISHER_BASE 0x100000ul
#define CLINT_BASE 0x2000000ul
#define CLINT_MSIP (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME (CLINT_BASE + 0xbff8)
#define TIMEBASE_HZ 10000000ul /* QEMU virt's CLINT timebase, and so the `time` CSR's */

/* --- set by crt0 from the boot registers --- */
extern uint64_t rv39_boot_hartid; /* a0 at entry */
extern uint64_t rv39_boot_dtb;    /* a1 at entry */

/* --- CSRs: the name is pasted into the instruction, so it must be a literal --- */
#define csr_read(csr)                                                                              \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_));                                             \
        v_;                                                                                        \
    })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(val)))
#define csr_set(csr, val) __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(val)))
#define csr_clear(csr, val) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(val)))

static inline uint64_t read_mcycle(void)
{
    return csr_read(mcycle);
}
static inline uint64_t read_minstret(void)
{
    return csr_read(minstret);
}
static inline uint64_t read_time(void)
{
    return csr_read(time);
}

#define MSTATUS_MIE (1ul << 3)
#define MSTATUS_MPIE (1ul << 7)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3ul << MSTATUS_MPP_SHIFT)
#define MIE_MSIE (1ul << 3)
#define MIE_MTIE (1ul << 7)
#define MCAUSE_INTERRUPT (1ul << 63)

/* --- traps: crt0's vector saves this frame and calls trap_handler(); edits to the frame
 * (except x[2], sp) take effect on mret. The default handler reports the trap and exits
 * with TRAP_EXIT_CODE; programs that expect traps define their own. --- */
struct trap_frame {
    uint64_t x[32]; /* x[0] unused */
    uint64_t mepc, mcause, mtval, mstatus;
};
void trap_handler(struct trap_frame *f);
#define TRAP_EXIT_CODE 99

/* --- console (NS16550A, polled) --- */
void putchar_(int c);      /* '\n' goes out as "\r\n" for terminals */
void puts_(const char *s); /* no newline appended */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* --- memory --- */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* --- power: the sifive,test0 finisher; status 0 is a pass --- */
__attribute__((noreturn)) void exit(int code);

#endif
