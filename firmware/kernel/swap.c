/* Swap: when the frame allocator runs dry, a user page goes to the swap partition (MBR
 * partition 2, type 0x82) and its frame is reused; the next access to that page faults and
 * brings it back. A process may then use more memory than the machine has, only slower.
 *
 * Which page goes: the clock (second-chance) algorithm over physical frames. The coremap
 * remembers, for every frame that holds a swappable user page, which address space (page
 * table root) and virtual page map it. The clock hand sweeps the frames; a page whose PTE
 * has the A bit set was used since the hand last passed, so it loses the bit and stays
 * (the hart sets A again on its next access: privileged spec, "Virtual Address Translation
 * Process", step 7; under Svade the access faults instead and uvm_fault sets A). A page
 * found with A clear is the victim.
 *
 * A swapped-out page keeps its PTE, invalid (V = 0, so the hart ignores every other bit:
 * privileged spec "Sv32", step 3), marked PTE_SWAPPED, with the swap slot where the PPN was
 * and its permission bits kept for the way back.
 *
 * A page read back keeps its slot (a swap cache, as in Unix pagers) and is mapped clean
 * (D = 0). If it is chosen again while still clean, the copy in the slot is still right:
 * the frame is simply dropped, no disk write. A store sets D (the hart does, step 7; under
 * Svade uvm_fault does), and the next eviction writes the page into its old slot. Freeing
 * the frame (munmap, exit) frees the slot.
 *
 * Swappable: private user pages — heap, stack, anonymous and MAP_PRIVATE mappings (4 KiB).
 * Not: page tables, kernel memory, the program image, MAP_SHARED file pages (they belong to
 * the page cache and go back to their file) and 2 MiB megapages.
 *
 * A process may sleep on the disk in the middle of a swap operation (virtio_disk_rw); one
 * sleeping lock keeps swap-outs and swap-ins apart, so a page is never read back before
 * its write has finished. */
#include "swap.h"

#include "fs.h"
#include "kernel.h"
#include "proc.h"
#include "riscv.h"
#include "vm.h"

#define SWAP_PARTITION 2
#define SWAP_PARTITION_TYPE 0x82
#define SECTORS_PER_PAGE (PAGE_SIZE / SECTOR_SIZE)
#define MAX_SLOTS (1u << 20) /* 4 GiB of swap at most */

/* Frames the coremap can describe: RAM is below USER_BASE (4 GiB), so its frames fit. */
#define COREMAP_PER_CHUNK (PAGE_SIZE / sizeof(struct coremap_entry))
#define COREMAP_CHUNKS 2048

/* The user page a frame holds: root_pfn = 0 when the frame is not a swappable page. */
struct coremap_entry {
    uint32_t root_pfn; /* the page-table root of the address space, >> PAGE_SHIFT */
    uint32_t vpn;      /* the virtual page number */
    uint32_t slot;     /* 1 + the swap slot still holding a copy of the page, 0 for none */
};

static struct {
    uint64_t first_sector; /* of the swap partition */
    uint64_t ram_start, ram_frames;
    struct coremap_entry *coremap[COREMAP_CHUNKS]; /* frame i at [i / PER_CHUNK][i % PER_CHUNK] */
    uint64_t hand;                                 /* the clock hand: a frame number */
    uint64_t slot_bitmap[MAX_SLOTS / 64];          /* 1 = slot in use */
    uint64_t next_slot;                            /* where the search for a free slot starts */
    bool busy;                                     /* the sleeping lock */
    struct swap_stats stats;
} swap;

static void swap_lock(void)
{
    while (swap.busy)
        proc_block(&swap.busy); /* only ever contended with a process to block */
    swap.busy = true;
}

static void swap_unlock(void)
{
    swap.busy = false;
    proc_wakeup(&swap.busy);
}

static struct coremap_entry *coremap_entry(uint64_t pa)
{
    if (!swap.stats.slots_total || pa < swap.ram_start) return NULL;
    uint64_t frame = (pa - swap.ram_start) / PAGE_SIZE;
    if (frame >= swap.ram_frames) return NULL;
    return &swap.coremap[frame / COREMAP_PER_CHUNK][frame % COREMAP_PER_CHUNK];
}

void swap_init(uint64_t ram_start, uint64_t ram_end)
{
    struct partition part;
    if (mbr_partition(SWAP_PARTITION, &part) < 0 || part.type != SWAP_PARTITION_TYPE) {
        printf("swap: no swap partition (MBR partition 2, type 0x82): swapping off\n");
        return;
    }
    if (virtio_disk_read_only()) {
        printf("swap: the disk is read-only: swapping off\n");
        return;
    }
    uint64_t slots = part.sectors / SECTORS_PER_PAGE;
    if (slots > MAX_SLOTS) slots = MAX_SLOTS;
    swap.ram_start = ram_start;
    swap.ram_frames = (ram_end - ram_start) / PAGE_SIZE;
    uint64_t chunks = (swap.ram_frames + COREMAP_PER_CHUNK - 1) / COREMAP_PER_CHUNK;
    if (slots == 0 || chunks > COREMAP_CHUNKS) {
        printf("swap: partition 2 too small or RAM too large: swapping off\n");
        return;
    }
    for (uint64_t i = 0; i < chunks; i++) {
        swap.coremap[i] = kalloc(); /* zeroed: no frame is tracked yet */
        if (!swap.coremap[i]) panic("swap_init: no memory for the coremap");
    }
    swap.first_sector = part.first_sector;
    swap.stats.slots_total = slots;
    printf("swap: partition 2, %lu KiB (%lu pages), sectors %lu..%lu\n", slots * 4, slots,
           part.first_sector, part.first_sector + part.sectors - 1);
}

bool swap_enabled(void)
{
    return swap.stats.slots_total != 0;
}

void swap_get_stats(struct swap_stats *out)
{
    *out = swap.stats;
}

void swap_track(pagetable_t root, uint64_t va, void *frame)
{
    struct coremap_entry *e = coremap_entry((uint64_t)frame);
    if (e)
        *e = (struct coremap_entry){(uint32_t)((uint64_t)root >> PAGE_SHIFT),
                                    (uint32_t)(va >> PAGE_SHIFT), 0};
}

static void slot_free(uint64_t slot);

void swap_forget(void *frame)
{
    struct coremap_entry *e = coremap_entry((uint64_t)frame);
    if (!e) return;
    if (e->slot) slot_free(e->slot - 1); /* the page is gone, so is its copy */
    *e = (struct coremap_entry){0};
}

static bool slot_in_use(uint64_t slot)
{
    return swap.slot_bitmap[slot / 64] >> (slot % 64) & 1;
}

/* A free slot, marked used; -1 when swap is full. */
static int64_t slot_alloc(void)
{
    for (uint64_t n = 0; n < swap.stats.slots_total; n++) {
        uint64_t slot = (swap.next_slot + n) % swap.stats.slots_total;
        if (!slot_in_use(slot)) {
            swap.slot_bitmap[slot / 64] |= 1ul << (slot % 64);
            swap.next_slot = slot + 1;
            swap.stats.slots_used++;
            return (int64_t)slot;
        }
    }
    return -1;
}

static void slot_free(uint64_t slot)
{
    if (slot >= swap.stats.slots_total || !slot_in_use(slot))
        panic("swap: freeing slot %lu, which is not in use", slot);
    swap.slot_bitmap[slot / 64] &= ~(1ul << (slot % 64));
    swap.stats.slots_used--;
}

static int slot_io(uint64_t slot, void *frame, bool write)
{
    return virtio_disk_rw(swap.first_sector + slot * SECTORS_PER_PAGE, frame, PAGE_SIZE, write);
}

bool pte_is_swapped(pte_t pte)
{
    return !(pte & PTE_V) && (pte & PTE_SWAPPED);
}

void swap_release(pte_t pte)
{
    slot_free(PTE_TO_PA(pte) >> PAGE_SHIFT);
}

/* Advances the clock hand to a victim: a tracked frame whose PTE still maps it, with A
 * clear. Clears the A bits it passes. NULL when two full turns find nothing (every tracked
 * page was taken away under the hand, or nothing is tracked). */
static pte_t *clock_victim(uint64_t *victim_pa, uint64_t *victim_va,
                           struct coremap_entry **victim_entry)
{
    for (uint64_t n = 0; n < 2 * swap.ram_frames; n++) {
        uint64_t frame = swap.hand;
        swap.hand = (swap.hand + 1) % swap.ram_frames;
        struct coremap_entry *e =
            &swap.coremap[frame / COREMAP_PER_CHUNK][frame % COREMAP_PER_CHUNK];
        if (!e->root_pfn) continue;
        uint64_t pa = swap.ram_start + frame * PAGE_SIZE, va = (uint64_t)e->vpn << PAGE_SHIFT;
        pte_t *pte = pt_walk((pagetable_t)((uint64_t)e->root_pfn << PAGE_SHIFT), va, false);
        if (!pte || !(*pte & PTE_V) || PTE_TO_PA(*pte) != pa) {
            swap_forget((void *)pa); /* stale: the page went away, kfree did not see it */
            continue;
        }
        swap.stats.scanned++;
        if (*pte & PTE_A) {
            *pte &= ~PTE_A; /* second chance */
            /* The TLB may keep the entry (with A set) and let accesses through without
             * setting A again: the page then looks idle when it is not. Fencing the one page
             * makes the next access walk and set A. */
            sfence_vma_page(va);
            continue;
        }
        *victim_pa = pa;
        *victim_va = va;
        *victim_entry = e;
        return pte;
    }
    return NULL;
}

bool swap_out_one(void)
{
    if (!swap_enabled()) return false;
    swap_lock();
    uint64_t pa, va;
    struct coremap_entry *e = NULL;
    pte_t *pte = clock_victim(&pa, &va, &e);
    /* A page read back from swap and not written since still has its copy in its slot. */
    int64_t slot = !pte ? -1 : e->slot ? (int64_t)e->slot - 1 : slot_alloc();
    if (slot < 0) {
        swap_unlock();
        return false;
    }
    bool clean_copy = e->slot && !(*pte & PTE_D);
    /* Invalidate first, then write: from here the owner faults and waits for the lock, so
     * nothing can change the frame while the disk copies it. D is exact: a store through a
     * TLB entry with D clear must set D in the PTE in memory first (step 7). */
    pte_t old = *pte;
    *pte = PA_TO_PTE((uint64_t)slot << PAGE_SHIFT) | (old & (PTE_R | PTE_W | PTE_X | PTE_U)) |
           PTE_SWAPPED;
    sfence_vma_page(va);
    *e = (struct coremap_entry){0}; /* the slot now belongs to the PTE, not the frame */
    if (clean_copy) {
        swap.stats.clean_drops++;
    } else {
        /* The owner may exit while we sleep on the disk, so the PTE cannot be put back: a
         * disk that fails writes leaves nothing safe to do. */
        if (slot_io((uint64_t)slot, (void *)pa, true) < 0)
            panic("swap: cannot write slot %ld", slot);
        swap.stats.swap_outs++;
    }
    kfree((void *)pa);
    swap_unlock();
    return true;
}

int swap_in(struct proc *p, uint64_t va)
{
    va = PAGE_ROUND_DOWN(va);
    /* The frame first: kalloc may itself swap something out, which takes the lock. */
    void *frame = kalloc();
    if (!frame) {
        printf("pid %d: out of memory and swap for page 0x%lx\n", p->pid, va);
        return -1;
    }
    swap_lock();
    pte_t *pte = pt_walk(p->pagetable, va, false);
    if (!pte || !pte_is_swapped(*pte)) { /* brought back while we waited? */
        swap_unlock();
        kfree(frame);
        return pte && (*pte & PTE_V) ? 0 : -1;
    }
    uint64_t slot = PTE_TO_PA(*pte) >> PAGE_SHIFT;
    if (slot_io(slot, frame, false) < 0) {
        /* The page is lost: the process is killed (its exit frees the slot). */
        printf("pid %d: cannot read page 0x%lx back from swap slot %lu\n", p->pid, va, slot);
        swap_unlock();
        kfree(frame);
        return -1;
    }
    /* Clean (D = 0) and the slot kept: until a store sets D the slot's copy is the page. */
    *pte = PA_TO_PTE(frame) | (*pte & (PTE_R | PTE_W | PTE_X | PTE_U)) | PTE_V | PTE_A;
    sfence_vma_page(va); /* the hart may have cached the invalid entry */
    swap_track(p->pagetable, va, frame);
    coremap_entry((uint64_t)frame)->slot = (uint32_t)slot + 1;
    swap.stats.swap_ins++;
    swap_unlock();
    return 0;
}
