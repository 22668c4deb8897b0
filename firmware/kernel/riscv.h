/* The RISC-V privileged architecture as the kernel sees it from S-mode: CSR access, the
 * sstatus/sie/scause encodings and the Sv39 page-table format. Numbers follow the privileged
 * specification (riscv/riscv-isa-manual, src/supervisor.adoc); section names are cited where
 * a definition lives. */
#ifndef KERNEL_RISCV_H
#define KERNEL_RISCV_H

#include <stdint.h>

/* --- CSR access: the CSR name is pasted into the instruction, so it must be a literal --- */
#define csr_read(csr)                                                                              \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_));                                             \
        v_;                                                                                        \
    })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(val)))
#define csr_set(csr, val) __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(val)))
#define csr_clear(csr, val) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(val)))

/* --- sstatus ("Supervisor Status Register") --- */
#define SSTATUS_SIE (1ul << 1)  /* S-mode interrupts enabled */
#define SSTATUS_SPIE (1ul << 5) /* SIE before the trap; sret restores it */
#define SSTATUS_SPP (1ul << 8)  /* privilege before the trap: 1 = S, 0 = U */
#define SSTATUS_SUM (1ul << 18) /* S may touch U pages (we never need it) */

/* --- sie / sip ("Supervisor Interrupt Registers") --- */
#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)

/* --- scause ("Supervisor Cause Register"): the top bit marks an interrupt --- */
#define SCAUSE_INTERRUPT (1ul << 63)
#define IRQ_S_SOFTWARE 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXTERNAL 9
#define EXC_INSTRUCTION_MISALIGNED 0
#define EXC_INSTRUCTION_ACCESS_FAULT 1
#define EXC_ILLEGAL_INSTRUCTION 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS_FAULT 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS_FAULT 7
#define EXC_ECALL_FROM_U 8
#define EXC_ECALL_FROM_S 9
#define EXC_INSTRUCTION_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/* --- scounteren ("Counter-Enable Registers"): bit n lets U read counter n --- */
#define COUNTEREN_CY (1u << 0)
#define COUNTEREN_TM (1u << 1)
#define COUNTEREN_IR (1u << 2)
#define COUNTEREN_HPM(n) (1u << (n))

/* --- Sv39 ("Sv39: Page-Based 39-bit Virtual-Memory System") ---
 *
 * A virtual address:
 *
 *   63        39 38      30 29      21 20      12 11         0
 *  +------------+----------+----------+----------+------------+
 *  | = bit 38   |  VPN[2]  |  VPN[1]  |  VPN[0]  |   offset   |
 *  +------------+----------+----------+----------+------------+
 *
 * A page-table entry (8 bytes, 512 to a 4 KiB table):
 *
 *   63   54 53                           10 9   8 7 6 5 4 3 2 1 0
 *  +-------+-------------------------------+-----+-+-+-+-+-+-+-+-+
 *  |   0   |  PPN[2] | PPN[1] | PPN[0]     | RSW |D|A|G|U|X|W|R|V|
 *  +-------+-------------------------------+-----+-+-+-+-+-+-+-+-+
 *
 * An entry with R, W and X all clear points to the next level; any of them set makes it a
 * leaf (a 1 GiB, 2 MiB or 4 KiB page depending on the level it is found at). */
#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12
#define HUGE_PAGE_SIZE (2ul << 20) /* a megapage: a leaf at level 1 */
#define PT_ENTRIES 512
#define PT_LEVELS 3

#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_LEAF_BITS (PTE_R | PTE_W | PTE_X)
/* RSW (bits 8-9) are the supervisor's own; with V clear the hart ignores the whole PTE. */
#define PTE_SWAPPED (1ul << 8) /* V = 0: the page is in swap slot PPN (swap.c) */

#define VPN_INDEX(va, level) (((uint64_t)(va) >> (PAGE_SHIFT + 9 * (level))) & 0x1ff)
#define PTE_TO_PA(pte) (((uint64_t)(pte) >> 10) << PAGE_SHIFT)
#define PA_TO_PTE(pa) (((uint64_t)(pa) >> PAGE_SHIFT) << 10)
#define PAGE_ROUND_DOWN(a) ((uint64_t)(a) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_UP(a) PAGE_ROUND_DOWN((uint64_t)(a) + PAGE_SIZE - 1)

/* satp ("Supervisor Address Translation and Protection Register"): MODE 8 = Sv39. */
#define SATP_MODE_SV39 (8ul << 60)
#define MAKE_SATP(root_pa) (SATP_MODE_SV39 | ((uint64_t)(root_pa) >> PAGE_SHIFT))
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK (0xfffful << SATP_ASID_SHIFT) /* ASIDLEN is at most 16 for Sv39 */

/* The highest address a lower-half Sv39 virtual address can have, plus one (bit 38 clear). */
#define SV39_LOWER_HALF_END (1ul << 38)

static inline void sfence_vma_all(void)
{
    __asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void sfence_vma_page(uint64_t va)
{
    __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

static inline void interrupts_on(void)
{
    csr_set(sstatus, SSTATUS_SIE);
}

static inline void interrupts_off(void)
{
    csr_clear(sstatus, SSTATUS_SIE);
}

#endif
