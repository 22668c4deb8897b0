/* rv39's own M-mode SBI firmware: shared declarations of its parts.
 *
 *   entry.S    reset entry (boot hart, per-hart stacks, .bss) and the M-mode trap vector
 *   boot.c     hart setup (PMP, delegation, counters, timer) and the jump to S-mode
 *   smp.c      the other harts: HSM states, IPIs and remote fences through CLINT msip
 *   trap.c     M-mode trap dispatch: SBI ecalls, the machine timer, faults
 *   ecall.c    the SBI extensions (Base, TIME, IPI, RFENCE, SRST, DBCN, legacy)
 *   timer.c    set_timer on either Sstc's stimecmp or the CLINT's mtimecmp
 *   console.c  UART input and power control (sifive,test0 finisher)
 *   fdt_reserve.c  marks the firmware's memory reserved in the device tree
 *
 * Output goes through firmware/common's printf and polled UART. */
#ifndef RV39_SBI_H
#define RV39_SBI_H

#include <stdbool.h>
#include <stdint.h>

#include "rv39.h"
#include "sbi_abi.h"
#include "smp_layout.h"

/* --- identity --- */
/* Not in the spec's table of implementation IDs: "rv39" in ASCII, far from the small numbers
 * the spec hands out, so a kernel looking for another implementation's quirks won't match. */
#define SBI_IMPL_ID_RV39 0x72763339l
#define SBI_IMPL_VERSION_MAJOR 0
#define SBI_IMPL_VERSION_MINOR 1
/* OpenSBI's encoding (major << 16 | minor), which tools already know how to print. */
#define SBI_IMPL_VERSION ((SBI_IMPL_VERSION_MAJOR << 16) | SBI_IMPL_VERSION_MINOR)
/* DBCN is an SBI 2.0 extension; everything else here is 0.2/0.3. */
#define SBI_SPEC_MAJOR 2
#define SBI_SPEC_MINOR 0

/* --- memory layout (link.ld must agree) --- */
#define FW_BASE 0x80000000ul
/* The firmware's image, data and stacks fit in this naturally aligned power-of-two region,
 * which PMP entry 0 closes to S and U (link.ld asserts the fit). */
#define FW_REGION_SIZE 0x40000ul
#define NEXT_STAGE_ADDR 0x80200000ul /* fw_jump's convention */

/* --- CSR bits (privileged spec, "Machine-Level CSRs") --- */
#define IRQ_S_SOFT 1
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define MIP_SSIP (1ul << IRQ_S_SOFT)
#define MIP_STIP (1ul << IRQ_S_TIMER)
#define MIP_MTIP (1ul << IRQ_M_TIMER)
#define MIP_SEIP (1ul << IRQ_S_EXT)
#define MSTATUS_MPP_S (1ul << MSTATUS_MPP_SHIFT)
#define MSTATUS_SIE (1ul << 1)
#define MSTATUS_MPRV (1ul << 17)
#define MENVCFG_STCE (1ul << 63)
#define MENVCFG_CBIE (3ul << 4) /* 11: cbo.inval invalidates */
#define MENVCFG_CBCFE (1ul << 6)
#define MENVCFG_CBZE (1ul << 7)

/* Exception causes (mcause with the interrupt bit clear). */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_USER_ECALL 8
#define CAUSE_SUPERVISOR_ECALL 9
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15

/* CSRs older assemblers may not name. */
#define CSR_MENVCFG 0x30a
#define CSR_STIMECMP 0x14d

/* --- the trap frame entry.S builds on the M-mode trap stack --- */
struct sbi_trap_frame {
    uint64_t x[32];          /* x[0] unused; x[2] is the interrupted sp */
    uint64_t mepc;           /* written back to mepc before mret */
    uint64_t mscratch_saved; /* entry.S's bookkeeping for nested traps */
    uint64_t mstatus;        /* written back before mret */
    uint64_t pad;            /* keeps the frame a multiple of 16 bytes */
};

/* --- boot.c --- */
__attribute__((noreturn)) void sbi_main(uint64_t hartid, uint64_t dtb);
/* This hart's M-mode state for running S: PMP, delegation, counters, timer, CMOs, mie. */
void hart_setup(void);
/* mret to S-mode at addr with a0 = hartid, a1 = arg, satp = 0, interrupts off in S. */
__attribute__((noreturn)) void enter_supervisor(uint64_t hartid, uint64_t addr, uint64_t arg);

/* --- smp.c --- */
enum smp_request { SMP_IPI, SMP_FENCE };
uint64_t smp_hart(void); /* mhartid */
/* Boot hart: find the other harts (HSM STOPPED) and mark itself STARTED. */
void smp_init(uint64_t boot_hart);
bool smp_hart_exists(uint64_t hart);
unsigned smp_harts(void); /* how many exist */
/* A secondary hart (entry.S) or a stopped one: wait for hart_start, then enter S. */
__attribute__((noreturn)) void smp_hart_stopped(uint64_t hart);
__attribute__((noreturn)) void smp_restart_stopped(uint64_t hart); /* entry.S */
long smp_hart_start(uint64_t hart, uint64_t addr, uint64_t opaque); /* an SBI error code */
long smp_hart_status(uint64_t hart); /* the HSM state, or SBI_ERR_INVALID_PARAM */
void smp_set_state(long state);      /* this hart's HSM state (suspend) */
__attribute__((noreturn)) void smp_hart_stop(void);
/* An IPI (S software interrupt) or a remote fence (fence.i + sfence.vma, waited for) to the
 * other harts of (hart_mask, hart_mask_base); *self_named: the calling hart is named too (its
 * part is the caller's). SBI_SUCCESS or SBI_ERR_INVALID_PARAM. */
long smp_send(uint64_t mask, uint64_t base, enum smp_request request, bool *self_named);
/* The machine software interrupt: serve what other harts asked of this one. */
void smp_on_software_interrupt(void);

/* --- trap.c --- */
void sbi_trap(struct sbi_trap_frame *f);
/* An M-mode access that may fault (a CSR that might not exist, a memory address S gave us):
 * arm the guard, do the access, and ask whether it trapped. The trap handler skips the
 * faulting instruction instead of treating it as a firmware bug. */
void trap_guard_arm(void);
bool trap_guard_tripped(void); /* also disarms */

/* --- ecall.c --- */
struct sbiret {
    long error;
    long value;
};
/* Handles the ecall in f (a7 = EID, a6 = FID, a0..a5 = arguments) and writes the results
 * back into f's a0/a1 as the calling convention requires. Returns false when the call
 * redirected S (HSM non-retentive suspend): then f->mepc is where S resumes, not the ecall. */
bool sbi_ecall(struct sbi_trap_frame *f);

/* --- hsm.c --- */
/* The HSM call in f. *redirected: the call changed where S resumes (f->mepc is final). */
struct sbiret hsm_call(struct sbi_trap_frame *f, bool *redirected);

/* --- pmu.c --- */
void pmu_init(void); /* every counter running and unconfigured */
struct sbiret pmu_call(struct sbi_trap_frame *f);

/* --- timer.c --- */
/* Probes Sstc; returns true when the timer runs on stimecmp rather than the CLINT. */
bool timer_init(void);
bool timer_uses_sstc(void);
void timer_set(uint64_t when);
void timer_on_machine_interrupt(void);

/* --- fdt_reserve.c --- */
enum fdt_reserve_result {
    FDT_RESERVE_ADDED,   /* the tree now reserves [base, base + size) (or already did) */
    FDT_RESERVE_NO_TREE, /* a1 was 0 */
    FDT_RESERVE_UNUSABLE /* no valid tree, or one laid out in an order we don't edit */
};
/* Adds a /memreserve/ entry for [base, base + size) to the flattened device tree at dtb. */
enum fdt_reserve_result fdt_reserve(uint64_t dtb, uint64_t base, uint64_t size);

/* --- console.c --- */
int console_getchar(void); /* -1 when no byte is waiting */
__attribute__((noreturn)) void power_off(bool failure);
/* Power off with exit status `status` (0 = pass). */
__attribute__((noreturn)) void power_off_status(int status);
__attribute__((noreturn)) void power_reboot(void);

#endif
