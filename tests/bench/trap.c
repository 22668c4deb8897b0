/* rv39's trap benchmark: a U-mode program (trap_s.S) under a small S-mode kernel (this file),
 * the path every system call and demand-paging fault of a real OS takes.
 *
 *   ecall   SYS_NOP system calls: U -> S (delegated by M through medeleg), sepc += 4, sret
 *   fault   loads from a window of 16 pages of which the kernel keeps only one mapped: each
 *           load faults, the handler unmaps the previous page (sfence.vma on it) and maps the
 *           faulting one (sfence.vma again), then the load retries and succeeds
 *
 * Both counts are checked (one trap per call, one fault per load), so a TLB that missed an
 * sfence.vma or a mapping changes the output, not just the time. It prints traps per second
 * for each phase. -DBENCH_SCALE_SMALL is the short CI version. Lines starting with '~' (time,
 * instructions, bytes) differ between machines; the rest must not. */
#include "rv39.h"

#ifdef BENCH_SCALE_SMALL
#define ECALLS 4096ul
#define FAULTS 4096ul
#else
#define ECALLS (1024ul * 1024)
#define FAULTS (512ul * 1024)
#endif

/* In a7, as trap_s.S uses them. */
enum { SYS_NOP = 0, SYS_MARK = 1, SYS_EXIT = 2 };

/* scause values (privileged spec, "Supervisor Cause Register"). */
#define CAUSE_ECALL_FROM_U 8
#define CAUSE_LOAD_PAGE_FAULT 13

#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_PPN(pa) (((uint64_t)(pa) >> 12) << 10)
#define SATP_PPN(satp) ((satp) & ((1ul << 44) - 1))
#define SSTATUS_SPP (1ul << 8)

#define RAM_BASE 0x80000000ul
/* The image again, at 4 GiB, as one U-mode gigapage (root entry 4): where user_main runs. */
#define USER_ALIAS_INDEX 4ul
#define USER_ALIAS(p) ((uint64_t)(p) + ((USER_ALIAS_INDEX << 30) - RAM_BASE))
/* The fault window at 8 GiB (root entry 8), one level-0 table's first entries. */
#define WINDOW_INDEX 8ul
#define WINDOW_BASE (WINDOW_INDEX << 30)
#define WINDOW_PAGES 16ul

void bench_enter_supervisor(void); /* sv39_enter.c: S-mode, RAM identity-mapped */
void s_trap_entry(void);           /* trap_s.S */
void user_main(void);              /* trap_s.S, entered in U-mode */
void s_trap_handler(struct trap_frame *f);
extern char _end[];

static uint64_t window_l1[512] __attribute__((aligned(4096)));
static uint64_t window_l0[512] __attribute__((aligned(4096)));
static uint64_t frames[WINDOW_PAGES][512] __attribute__((aligned(4096)));
static uint8_t kernel_stack[16384] __attribute__((aligned(16)));
static uint8_t user_stack[4096] __attribute__((aligned(16)));

static uint64_t ecalls_served, faults_served, mapped_va;
static struct {
    uint64_t time, instret;
} marks[3];
static unsigned mark_count;

static void sfence_vma(uint64_t va)
{
    __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

static void report(uint64_t checksum)
{
    printf("rv39 trap bench: %lu system calls, then %lu page-faulting loads, from U-mode\n", ECALLS,
           FAULTS);
    printf("ecall    served %lu\n", ecalls_served);
    printf("fault    served %lu\n", faults_served);
    printf("loads    checksum %016lx\n", checksum);
    if (mark_count != 3) {
        printf("trap bench: %u phase marks instead of 3\n", mark_count);
        exit(1);
    }
    static const char *const phase[] = {"ecall", "fault"};
    static const uint64_t traps[] = {ECALLS, FAULTS};
    for (unsigned p = 0; p < 2; p++) {
        uint64_t us = (marks[p + 1].time - marks[p].time) / (TIMEBASE_HZ / 1000000);
        printf("~ %-8s %lu us, %lu traps/s, %lu instructions\n", phase[p], us,
               us ? traps[p] * 1000000 / us : 0, marks[p + 1].instret - marks[p].instret);
    }
    /* run_all.sh reads these. */
    printf("~ instret %lu\n", marks[2].instret - marks[0].instret);
    printf("~ time_us %lu\n", (marks[2].time - marks[0].time) / (TIMEBASE_HZ / 1000000));
    printf("~ touched_bytes %lu\n", (uint64_t)_end - RAM_BASE);
    exit(ecalls_served == ECALLS && faults_served == FAULTS ? 0 : 1);
}

/* Keep exactly one window page mapped: the one U-mode just faulted on. */
static void map_only(uint64_t va)
{
    uint64_t page = va >> 12 << 12;
    if (mapped_va) {
        window_l0[(mapped_va - WINDOW_BASE) >> 12] = 0;
        sfence_vma(mapped_va); /* "the old translation must not be used any more" */
    }
    uint64_t index = (page - WINDOW_BASE) >> 12;
    window_l0[index] = PTE_PPN(frames[index]) | PTE_V | PTE_R | PTE_U | PTE_A;
    sfence_vma(page); /* an invalid entry may be cached too (spec, "SFENCE.VMA") */
    mapped_va = page;
}

void s_trap_handler(struct trap_frame *f)
{
    /* The frame's m* slots hold sepc, scause, stval, sstatus here (trap_s.S). */
    if (f->mcause == CAUSE_ECALL_FROM_U) {
        f->mepc += 4;
        switch (f->x[17]) {
        case SYS_NOP: ecalls_served++; return;
        case SYS_MARK:
            if (mark_count < 3) {
                marks[mark_count].time = read_time();
                marks[mark_count].instret = csr_read(instret);
            }
            mark_count++;
            return;
        case SYS_EXIT: report(f->x[10]); return;
        }
    } else if (f->mcause == CAUSE_LOAD_PAGE_FAULT && f->mtval >= WINDOW_BASE &&
               f->mtval < WINDOW_BASE + WINDOW_PAGES * 4096) {
        faults_served++;
        map_only(f->mtval);
        return; /* sepc still points at the load: it retries */
    }
    printf("trap bench: unexpected trap: scause=%lx sepc=%lx stval=%lx a7=%lu\n", f->mcause,
           f->mepc, f->mtval, f->x[17]);
    exit(TRAP_EXIT_CODE);
}

int main(void)
{
    /* U-mode system calls and load page faults go straight to S-mode (privileged spec,
     * "Machine Trap Delegation Register"); anything else still ends in crt0's M handler. */
    csr_write(medeleg, (1ul << CAUSE_ECALL_FROM_U) | (1ul << CAUSE_LOAD_PAGE_FAULT));
    bench_enter_supervisor();

    uint64_t *root = (uint64_t *)(SATP_PPN(csr_read(satp)) << 12); /* identity-mapped */
    root[USER_ALIAS_INDEX] =
        PTE_PPN(RAM_BASE) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
    root[WINDOW_INDEX] = PTE_PPN(window_l1) | PTE_V;
    window_l1[0] = PTE_PPN(window_l0) | PTE_V;
    __asm__ volatile("sfence.vma" ::: "memory");
    for (uint64_t p = 0; p < WINDOW_PAGES; p++)
        for (uint64_t w = 0; w < 512; w++)
            frames[p][w] = (p + 1) * 0x9e3779b97f4a7c15ull ^ w;

    csr_write(stvec, (uint64_t)s_trap_entry);
    csr_write(sscratch, (uint64_t)(kernel_stack + sizeof kernel_stack));
    csr_clear(sstatus, SSTATUS_SPP); /* sret goes to U-mode */
    csr_write(sepc, USER_ALIAS(user_main));
    register uint64_t a0 __asm__("a0") = ECALLS;
    register uint64_t a1 __asm__("a1") = FAULTS;
    register uint64_t a2 __asm__("a2") = WINDOW_BASE;
    register uint64_t a3 __asm__("a3") = WINDOW_PAGES - 1;
    __asm__ volatile("mv sp, %4\n\t"
                     "sret"
                     :
                     : "r"(a0), "r"(a1), "r"(a2), "r"(a3),
                       "r"(USER_ALIAS(user_stack + sizeof user_stack))
                     : "memory");
    __builtin_unreachable(); /* SYS_EXIT powers off from the trap handler */
}
