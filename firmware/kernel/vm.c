/* Sv39 page tables: the walk, mappings, the kernel's identity map and the skeleton of every
 * user address space. Page-table pages are frames from kalloc, addressed through the
 * identity map (physical address = kernel virtual address). */
#include "abi.h"
#include "kernel.h"
#include "memlayout.h"
#include "riscv.h"
#include "swap.h"
#include "vm.h"

static pagetable_t kernel_root;
static bool asids_on; /* processes run with their own ASID: no TLB flush when switching */

/* The level-0 PTE that maps va, following the three-level walk of the privileged spec
 * ("Virtual Address Translation Process") from the root (level 2) down. With create, missing
 * intermediate tables are allocated; without, NULL means "not mapped". NULL also when a
 * superpage leaf sits on the way (megapages of MAP_HUGE_2MB regions: pt_walk_level1). */
pte_t *pt_walk(pagetable_t root, uint64_t va, bool create)
{
    pagetable_t table = root;
    for (int level = PT_LEVELS - 1; level > 0; level--) {
        pte_t *pte = &table[VPN_INDEX(va, level)];
        if (*pte & PTE_V) {
            if (*pte & PTE_LEAF_BITS) return NULL;
            table = (pagetable_t)PTE_TO_PA(*pte);
        } else {
            if (!create) return NULL;
            pagetable_t next = kalloc();
            if (!next) return NULL;
            *pte = PA_TO_PTE(next) | PTE_V; /* R=W=X=0: a pointer to the next level */
            table = next;
        }
    }
    return &table[VPN_INDEX(va, 0)];
}

/* The level-1 PTE for va: a megapage leaf, a pointer to a level-0 table, or invalid. With
 * create, a missing level-1 table is allocated; without, NULL means "no level-1 table". */
pte_t *pt_walk_level1(pagetable_t root, uint64_t va, bool create)
{
    pte_t *top = &root[VPN_INDEX(va, 2)];
    if (!(*top & PTE_V)) {
        if (!create) return NULL;
        pagetable_t next = kalloc();
        if (!next) return NULL;
        *top = PA_TO_PTE(next) | PTE_V;
    } else if (*top & PTE_LEAF_BITS) {
        return NULL; /* a gigapage: never in a user address space */
    }
    return &((pagetable_t)PTE_TO_PA(*top))[VPN_INDEX(va, 1)];
}

/* The physical address behind user address va, through a 4 KiB page or a megapage; -1 when
 * va is not mapped for user mode. */
long uvm_virt2phys(pagetable_t root, uint64_t va)
{
    pte_t *l1 = pt_walk_level1(root, va, false);
    if (!l1 || !(*l1 & PTE_V)) return -1;
    if (*l1 & PTE_LEAF_BITS)
        return (*l1 & PTE_U) ? (long)(PTE_TO_PA(*l1) + (va & (HUGE_PAGE_SIZE - 1))) : -1;
    pte_t *pte = pt_walk(root, va, false);
    if (!pte || !(*pte & PTE_V) || !(*pte & PTE_U)) return -1;
    return (long)(PTE_TO_PA(*pte) + (va & (PAGE_SIZE - 1)));
}

/* Maps [va, va+size) to [pa, pa+size) with 4 KiB pages and the given permission bits.
 * Returns -1 when a page-table page cannot be allocated. Mapping a page twice is a bug. */
int pt_map(pagetable_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        pte_t *pte = pt_walk(root, va + off, true);
        if (!pte) return -1;
        if (*pte & PTE_V) panic("pt_map: 0x%lx is already mapped", va + off);
        *pte = PA_TO_PTE(pa + off) | perm | PTE_V;
    }
    return 0;
}

static void kvm_map(uint64_t start, uint64_t end, uint64_t perm)
{
    start = PAGE_ROUND_DOWN(start);
    end = PAGE_ROUND_UP(end);
    /* Global (G): the same in every address space. A and D preset: the kernel never relies
     * on the hardware updating them, and a machine with Svade would fault otherwise. */
    if (pt_map(kernel_root, start, start, end - start, perm | PTE_G | PTE_A | PTE_D) < 0)
        panic("kvm_map: out of memory for the kernel page table");
}

/* The kernel's address space: an identity map of the devices it uses and of RAM from the
 * kernel image to ram_end. Every user page table shares these mappings (uvm_create). */
void kvm_init(uint64_t ram_end)
{
    if (ram_end > USER_BASE)
        panic("RAM up to 0x%lx overlaps the user half at 0x%lx", ram_end, USER_BASE);
    kernel_root = kalloc();
    if (!kernel_root) panic("kvm_init: no memory");
    kvm_map(UART0_BASE, UART0_BASE + UART0_SIZE, PTE_R | PTE_W);
    kvm_map(VIRTIO_MMIO_BASE, VIRTIO_MMIO_BASE + VIRTIO_MMIO_SIZE, PTE_R | PTE_W);
    kvm_map(PLIC_BASE, PLIC_BASE + PLIC_SIZE, PTE_R | PTE_W);
    uint64_t fb_base, fb_size;
    if (fbcon_region(&fb_base, &fb_size)) kvm_map(fb_base, fb_base + fb_size, PTE_R | PTE_W);
    kvm_map(KERNEL_BASE, (uint64_t)kernel_text_end, PTE_R | PTE_X);
    kvm_map((uint64_t)kernel_text_end, (uint64_t)kernel_rodata_end, PTE_R);
    kvm_map((uint64_t)kernel_rodata_end, ram_end, PTE_R | PTE_W);
}

uint64_t kvm_satp(void)
{
    return MAKE_SATP(kernel_root);
}

/* Paging on. The kernel keeps running at the same addresses thanks to the identity map;
 * sfence.vma orders the page-table writes above before the first translated access
 * (privileged spec, "Supervisor Memory-Management Fence Instruction"). */
void kvm_enable(void)
{
    sfence_vma_all();
    csr_write(satp, kvm_satp());
    sfence_vma_all();

    /* ASIDLEN: the ASID bits of satp that stick (priv spec "Supervisor Address Translation
     * and Protection (satp) Register": unimplemented ASID bits are read-only zero). The
     * kernel's mappings are global, so trying every ASID on the kernel's root is harmless. */
    csr_write(satp, kvm_satp() | SATP_ASID_MASK);
    uint64_t asids = (csr_read(satp) & SATP_ASID_MASK) >> SATP_ASID_SHIFT;
    csr_write(satp, kvm_satp());
    sfence_vma_all();
    int bits = 0;
    while (asids >> bits & 1)
        bits++;
    bool wanted = !kernel_bootarg("noasid");
    asids_on = wanted && asids >= NPROC; /* ASID 0 is the kernel's, 1..NPROC the slots' */
    if (asids_on)
        printf("kernel: %d-bit ASIDs: each process slot has its own, no TLB flush on a switch\n",
               bits);
    else
        printf("kernel: %s: the TLB is flushed on every switch\n",
               wanted ? "too few ASIDs" : "ASIDs off (noasid)");
}

/* satp for a process: its page table, and its slot's ASID when the hart has enough. */
uint64_t uvm_satp(pagetable_t root, int slot)
{
    return MAKE_SATP(root) | (asids_on ? (uint64_t)(slot + 1) << SATP_ASID_SHIFT : 0);
}

bool uvm_asids_on(void)
{
    return asids_on;
}

/* A new user address space: an empty user half, and the kernel's root entries copied so
 * that the kernel's lower-level tables are shared rather than duplicated. */
pagetable_t uvm_create(void)
{
    pagetable_t root = kalloc();
    if (!root) return NULL;
    for (int i = 0; i < PT_ENTRIES; i++)
        root[i] = kernel_root[i];
    return root;
}

/* Frees a table the process owns, the tables below it and the frames its leaves map. */
static void free_subtree(pagetable_t table, int level)
{
    for (int i = 0; i < PT_ENTRIES; i++) {
        pte_t pte = table[i];
        if (pte_is_swapped(pte)) swap_release(pte);
        if (!(pte & PTE_V)) continue;
        if (pte & PTE_LEAF_BITS) {
            if (level != 0) panic("free_subtree: superpage in a user page table");
            kfree((void *)PTE_TO_PA(pte));
        } else {
            free_subtree((pagetable_t)PTE_TO_PA(pte), level - 1);
        }
    }
    kfree(table);
}

/* Frees a user address space: every root entry that is not the kernel's shared one. The
 * caller must not be running on it (satp). */
void uvm_free(pagetable_t root)
{
    for (int i = 0; i < PT_ENTRIES; i++)
        if ((root[i] & PTE_V) && root[i] != kernel_root[i])
            free_subtree((pagetable_t)PTE_TO_PA(root[i]), PT_LEVELS - 2);
    kfree(root);
}

/* Unmaps the user pages in [va, end) and frees their frames or swap slots; returns how many
 * there were. */
uint64_t uvm_unmap(pagetable_t root, uint64_t va, uint64_t end)
{
    uint64_t n = 0;
    for (va = PAGE_ROUND_DOWN(va); va < end; va += PAGE_SIZE) {
        pte_t *pte = pt_walk(root, va, false);
        if (pte && pte_is_swapped(*pte)) {
            swap_release(*pte);
            *pte = 0;
            n++;
            continue;
        }
        if (!pte || !(*pte & PTE_V)) continue;
        kfree((void *)PTE_TO_PA(*pte));
        *pte = 0;
        sfence_vma_page(va);
        n++;
    }
    return n;
}
