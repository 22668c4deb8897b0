/* Traps: everything that enters the kernel after boot comes through trap_vector (trap.S) to
 * user_trap (from U-mode: system calls, page faults, the timer) or kernel_trap (from S-mode:
 * the timer while the scheduler idles; anything else there is a kernel bug).
 *
 * External interrupts (IRQ_S_EXTERNAL) arrive in both handlers and go to the PLIC driver
 * (plic.c), which runs the handler the device's driver registered. */
#include "abi.h"
#include "fs.h"
#include "kernel.h"
#include "memlayout.h"
#include "plic.h"
#include "proc.h"
#include "riscv.h"
#include "vm.h"

void syscall(struct proc *p);

/* The registers trap.S saves for a trap taken in S-mode (its from_kernel frame). */
struct kernel_frame {
    uint64_t ra, t0, t1, t2, t3, t4, t5, t6;
    uint64_t a[8];
    uint64_t sepc, sstatus;
};

static bool counters_readable;
/* While set, an illegal-instruction trap in the kernel is a failed CSR probe, not a bug. */
static volatile bool probing_csr;
static volatile bool probe_failed;

static const char *exception_name(uint64_t scause)
{
    switch (scause) {
    case EXC_INSTRUCTION_MISALIGNED: return "instruction address misaligned";
    case EXC_INSTRUCTION_ACCESS_FAULT: return "instruction access fault";
    case EXC_ILLEGAL_INSTRUCTION: return "illegal instruction";
    case EXC_BREAKPOINT: return "breakpoint";
    case EXC_LOAD_MISALIGNED: return "load address misaligned";
    case EXC_LOAD_ACCESS_FAULT: return "load access fault";
    case EXC_STORE_MISALIGNED: return "store address misaligned";
    case EXC_STORE_ACCESS_FAULT: return "store access fault";
    case EXC_INSTRUCTION_PAGE_FAULT: return "instruction page fault";
    case EXC_LOAD_PAGE_FAULT: return "load page fault";
    case EXC_STORE_PAGE_FAULT: return "store page fault";
    default: return "exception";
    }
}

static uint64_t next_tick_at; /* the time CSR value of the next timer tick */

static void schedule_next_tick(void)
{
    next_tick_at = csr_read(time) + TIMEBASE_HZ / TICK_HZ;
    sbi_set_timer(next_tick_at);
}

/* A timer interrupt: a tick when it is time for one; earlier, the preemption
 * trap_preempt_at asked for, and the tick stays armed. */
static void timer_interrupt(void)
{
    if (csr_read(time) < next_tick_at) {
        sbi_set_timer(next_tick_at);
        return;
    }
    proc_timer_tick();
    schedule_next_tick();
}

void trap_preempt_at(uint64_t when)
{
    if (when < next_tick_at) sbi_set_timer(when);
}

/* Reads hpmcounter3..7 (rv39's MMU events, README "The MMU"). S-mode may read them when the
 * firmware set mcounteren; otherwise the read is an illegal instruction, which kernel_trap
 * turns into probe_failed while probing_csr is set. */
void read_mmu_counters(uint64_t out[5])
{
    out[0] = csr_read(hpmcounter3);
    out[1] = csr_read(hpmcounter4);
    out[2] = csr_read(hpmcounter5);
    out[3] = csr_read(hpmcounter6);
    out[4] = csr_read(hpmcounter7);
}

bool mmu_counters_readable(void)
{
    return counters_readable;
}

void trap_init(void)
{
    csr_write(stvec, (uint64_t)trap_vector); /* direct mode: one vector for all traps */

    unsigned started = sbi_start_mmu_counters();
    uint64_t probe[5];
    probing_csr = true;
    read_mmu_counters(probe);
    probing_csr = false;
    counters_readable = !probe_failed;
    /* U-mode may read cycle, time, instret and the MMU counters itself as well. */
    csr_write(scounteren, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR | COUNTEREN_HPM(3) |
                              COUNTEREN_HPM(4) | COUNTEREN_HPM(5) | COUNTEREN_HPM(6) |
                              COUNTEREN_HPM(7));
    printf("kernel: MMU counters hpmcounter3..7 %s%s\n",
           counters_readable ? "readable" : "not readable (mcounteren)",
           started == 5 ? ", started through the SBI PMU" : "");

    csr_set(sie, SIE_STIE);
    schedule_next_tick();
}

/* A process did something it may not: report it and end it with EXIT_KILLED. */
static void kill(struct proc *p, uint64_t scause, uint64_t stval)
{
    printf("pid %d killed: %s at 0x%lx (pc 0x%lx)\n", p->pid, exception_name(scause), stval,
           p->tf.epc);
    proc_exit(p, EXIT_KILLED);
}

/* From trap.S with the current process's saved registers; the kernel stack is empty. */
void user_trap(struct trapframe *tf)
{
    struct proc *p = current_proc();
    uint64_t scause = csr_read(scause), stval = csr_read(stval);

    if (scause & SCAUSE_INTERRUPT) {
        uint64_t irq = scause & ~SCAUSE_INTERRUPT;
        if (irq == IRQ_S_TIMER) {
            timer_interrupt();
            proc_yield(); /* time slice over (or cut short for I/O): round robin */
        } else if (irq == IRQ_S_EXTERNAL) {
            plic_dispatch();       /* a device: its handler may wake a blocked process */
            proc_preempt_for_io(); /* which should not wait for a whole time slice */
        } else {
            printf("kernel: unexpected interrupt %lu in pid %d\n", irq, p->pid);
        }
    } else if (scause == EXC_ECALL_FROM_U) {
        tf->epc += 4; /* return past the ecall */
        syscall(p);
    } else if (scause == EXC_INSTRUCTION_PAGE_FAULT || scause == EXC_LOAD_PAGE_FAULT ||
               scause == EXC_STORE_PAGE_FAULT) {
        sleeplock_acquire(&fs_lock); /* filling the page may sleep on the disk (fs.h) */
        int filled = uvm_fault(p, stval, scause);
        sleeplock_release(&fs_lock);
        if (filled < 0) kill(p, scause, stval);
    } else {
        kill(p, scause, stval);
    }
    usertrap_return();
}

/* Leaves for U-mode as the current process: sret goes to tf.epc in U-mode with interrupts
 * enabled there (SPP = U, SPIE = 1). */
void usertrap_return(void)
{
    struct proc *p = current_proc();
    interrupts_off(); /* until sret: a trap now would find sscratch set up for U */
    p->tf.kernel_sp = (uint64_t)p->kstack + KSTACK_SIZE;
    csr_clear(sstatus, SSTATUS_SPP);
    csr_set(sstatus, SSTATUS_SPIE);
    user_return(&p->tf);
}

/* From trap.S for traps taken in S-mode. */
void kernel_trap(struct kernel_frame *f)
{
    uint64_t scause = csr_read(scause);
    if (scause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
        timer_interrupt(); /* the scheduler was idle: sleepers may be due */
        return;
    }
    if (scause == (SCAUSE_INTERRUPT | IRQ_S_EXTERNAL)) {
        plic_dispatch(); /* while the scheduler idles: input may wake a reader */
        return;
    }
    if (scause == EXC_ILLEGAL_INSTRUCTION && probing_csr) {
        probe_failed = true;
        f->sepc += 4; /* csrr is a 32-bit instruction */
        return;
    }
    panic("trap in the kernel: %s (scause 0x%lx) at pc 0x%lx, stval 0x%lx",
          (scause & SCAUSE_INTERRUPT) ? "interrupt" : exception_name(scause), scause, f->sepc,
          csr_read(stval));
}
