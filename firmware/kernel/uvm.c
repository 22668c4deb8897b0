/* User memory as one process sees it: demand paging of the heap and the stack, the program
 * break, and the kernel's access to user buffers (copy_to_user and friends).
 *
 * A process's valid regions (abi.h has the layout):
 *   program image   [USER_BASE, heap_base)            mapped eagerly by elf_load
 *   heap            [heap_base, brk)                  pages appear on first touch
 *   stack           [USER_STACK_TOP - USER_STACK_MAX, USER_STACK_TOP)   likewise
 *   mmap regions    in [MMAP_BASE, MMAP_END), filled by mmap.c
 * Anything else is a wild access and kills the process. */
#include "abi.h"
#include "kernel.h"
#include "proc.h"
#include "riscv.h"
#include "swap.h"
#include "vm.h"

#define USER_STACK_BOTTOM (USER_STACK_TOP - USER_STACK_MAX)
/* The heap stops one unmapped guard page short of the lowest stack page. */
#define USER_HEAP_LIMIT (USER_STACK_BOTTOM - PAGE_SIZE)

/* Whether a present user PTE permits the access scause names (A and D aside). */
static bool access_allowed(pte_t pte, uint64_t scause)
{
    if (!(pte & PTE_U)) return false;
    if (scause == EXC_INSTRUCTION_PAGE_FAULT) return pte & PTE_X;
    if (scause == EXC_STORE_PAGE_FAULT) return pte & PTE_W;
    return pte & PTE_R;
}

static bool in_demand_region(const struct proc *p, uint64_t va)
{
    return (va >= p->heap_base && va < p->brk) || (va >= USER_STACK_BOTTOM && va < USER_STACK_TOP);
}

/* Serves a page fault at va (scause says which kind): if va lies in the heap or the stack
 * and has no page yet, a zeroed frame is mapped there, readable and writable, and the
 * faulting instruction can simply be retried. Returns -1 for a wild access: outside every
 * region, an instruction fetch from data, or a page that exists but forbids the access. */
int uvm_fault(struct proc *p, uint64_t va, uint64_t scause)
{
    if (va < SV39_LOWER_HALF_END) {
        pte_t *pte = pt_walk(p->pagetable, va, false);
        if (pte && pte_is_swapped(*pte)) return swap_in(p, va); /* the retry checks rights */
        bool store = scause == EXC_STORE_PAGE_FAULT;
        if (pte && (*pte & PTE_V) && access_allowed(*pte, scause) &&
            (!(*pte & PTE_A) || (store && !(*pte & PTE_D)))) {
            /* Allowed, but A or D is clear (the clock clears A, pages back from swap and
             * shared file pages start clean) and the hart does not set them itself: under
             * Svade it raises a page fault instead (privileged spec "Svade"). Record the
             * access as the hart would have. */
            *pte |= PTE_A | (store ? PTE_D : 0);
            sfence_vma_page(PAGE_ROUND_DOWN(va));
            return 0;
        }
    }
    int mapped = mmap_fault(p, va, scause); /* mmap's regions first (mmap.c) */
    if (mapped <= 0) return mapped;
    if (va >= SV39_LOWER_HALF_END || !in_demand_region(p, va)) return -1;
    if (scause == EXC_INSTRUCTION_PAGE_FAULT) return -1; /* heap and stack are not code */
    uint64_t page = PAGE_ROUND_DOWN(va);
    pte_t *pte = pt_walk(p->pagetable, page, false);
    if (pte && (*pte & PTE_V)) return -1; /* present: a permission fault, not a missing page */

    void *frame = kalloc();
    if (!frame) {
        printf("pid %d: out of memory for a page at 0x%lx\n", p->pid, page);
        return -1;
    }
    if (pt_map(p->pagetable, page, (uint64_t)frame, PAGE_SIZE,
               PTE_R | PTE_W | PTE_U | PTE_A | PTE_D) < 0) {
        kfree(frame);
        printf("pid %d: out of memory for a page table at 0x%lx\n", p->pid, page);
        return -1;
    }
    /* The spec asks for a fence even after turning an invalid PTE valid: a hart may have
     * cached the invalid entry ("Supervisor Memory-Management Fence Instruction"). */
    sfence_vma_page(page);
    swap_track(p->pagetable, page, frame);
    p->demand_faults++;
    return 0;
}

/* Moves the program break by delta bytes; returns the old break, or -1 if the new one would
 * leave [heap_base, USER_HEAP_LIMIT]. Growing only moves brk (pages come on first touch);
 * shrinking frees the pages wholly above the new break. */
long uvm_sbrk(struct proc *p, long delta)
{
    uint64_t old = p->brk, new = old + (uint64_t)delta;
    if (delta >= 0 ? (new < old || new > USER_HEAP_LIMIT) : (new > old || new < p->heap_base))
        return -1;
    if (delta < 0) uvm_unmap(p->pagetable, PAGE_ROUND_UP(new), PAGE_ROUND_UP(old));
    p->brk = new;
    return (long)old;
}

/* The kernel address of user byte va, faulting its page in if needed, or NULL when the
 * process may not access it that way (U bit, R, and W for writes). */
static uint8_t *user_byte(struct proc *p, uint64_t va, bool write)
{
    if (va < USER_BASE || va >= SV39_LOWER_HALF_END) return NULL;
    pte_t *pte = pt_walk(p->pagetable, va, false);
    if (!pte || !(*pte & PTE_V)) {
        if (uvm_fault(p, va, write ? EXC_STORE_PAGE_FAULT : EXC_LOAD_PAGE_FAULT) < 0) return NULL;
        pte = pt_walk(p->pagetable, va, false);
    }
    uint64_t need = PTE_V | PTE_U | PTE_R | (write ? PTE_W : 0);
    if ((*pte & need) != need) return NULL;
    if (write) *pte |= PTE_D; /* a kernel store into a shared mapped page must be written back */
    return (uint8_t *)(PTE_TO_PA(*pte) + (va & (PAGE_SIZE - 1)));
}

/* Copies between kernel and user memory a page at a time; -1 if any user byte is not
 * accessible (nothing is undone: a partial copy is harmless here). */
int copy_to_user(struct proc *p, uint64_t dst, const void *src, size_t n)
{
    const uint8_t *s = src;
    while (n > 0) {
        uint8_t *d = user_byte(p, dst, true);
        if (!d) return -1;
        size_t chunk = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
        if (chunk > n) chunk = n;
        memcpy(d, s, chunk);
        dst += chunk, s += chunk, n -= chunk;
    }
    return 0;
}

int copy_from_user(struct proc *p, void *dst, uint64_t src, size_t n)
{
    uint8_t *d = dst;
    while (n > 0) {
        const uint8_t *s = user_byte(p, src, false);
        if (!s) return -1;
        size_t chunk = PAGE_SIZE - (src & (PAGE_SIZE - 1));
        if (chunk > n) chunk = n;
        memcpy(d, s, chunk);
        src += chunk, d += chunk, n -= chunk;
    }
    return 0;
}

/* A NUL-terminated string of at most max bytes including the NUL; -1 if longer or
 * inaccessible. */
int copy_string_from_user(struct proc *p, char *dst, uint64_t src, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        const uint8_t *s = user_byte(p, src + i, false);
        if (!s) return -1;
        dst[i] = (char)*s;
        if (*s == 0) return 0;
    }
    return -1;
}
