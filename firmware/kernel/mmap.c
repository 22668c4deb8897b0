/* Memory-mapped files and anonymous memory: mmap, munmap, msync, in the xv6 spirit.
 *
 * Each process has a few regions (struct vma in proc.h). mmap only records one; pages come
 * on first touch, when uvm_fault asks mmap_fault:
 *   anonymous              a zeroed frame of its own
 *   file, MAP_PRIVATE      a frame of its own holding a copy of the file's page
 *   file, MAP_SHARED       the frame of the page cache below for (inode, page index), the
 *                          same frame in every process that maps that page, so each sees
 *                          the others' stores at once
 * Shared file pages are mapped WITHOUT the D bit preset (the kernel presets A and D
 * everywhere else): the hart sets D on the first store (privileged spec, "Virtual Address
 * Translation Process", step 7), or under Svade raises a store page fault, which mmap_fault
 * answers by setting D itself. msync, munmap and exit write the pages whose D bit is set
 * back into the file (ext2_write_existing: inside the file's size only), then clear D.
 *
 * MAP_HUGE_2MB (anonymous only): the region is 2 MiB-aligned, and a fault maps the whole
 * 2 MiB around it with ONE level-1 leaf PTE (a megapage, privileged spec "Sv39": a leaf at
 * level 1 maps 2 MiB) over a contiguous block from kalloc_huge's pool. One TLB entry then
 * covers what 512 would. With the pool empty the fault falls back to a 4 KiB page and
 * huge_fallbacks counts it.
 *
 * Not handled (yet): read()/write() on a file do not see its page cache, and a page mapped
 * by several processes is written back by whichever of them stored into it. */
#include "abi.h"
#include "fs.h"
#include "kernel.h"
#include "proc.h"
#include "riscv.h"
#include "swap.h"
#include "vm.h"

#define NMINODE 16 /* files mapped at once, system-wide */
#define NCACHE 64  /* shared file pages mapped at once, system-wide */

/* The inodes of mapped files, each shared by the regions that map it. */
static struct mapped_inode {
    int refs;
    struct inode ip;
} minodes[NMINODE];

/* The page cache of MAP_SHARED pages: one frame per (inode, page index) while mapped. */
static struct cached_page {
    int refs; /* PTEs pointing at the frame; 0 = free slot */
    uint32_t ino;
    uint64_t index;
    uint8_t *frame;
} cache[NCACHE];

static uint64_t huge_fallbacks; /* MAP_HUGE_2MB faults served with a 4 KiB page */

static bool is_huge(const struct vma *v)
{
    return v->flags & MAP_HUGE_2MB;
}

/* Maps the megapage around va in huge region v: 0 when mapped, 1 when the pool is empty or
 * the 2 MiB already hold 4 KiB pages (the caller maps a 4 KiB page), -1 on failure. */
static int huge_fault(struct proc *p, struct vma *v, uint64_t va)
{
    uint64_t base = va & ~(HUGE_PAGE_SIZE - 1);
    pte_t *l1 = pt_walk_level1(p->pagetable, base, true);
    if (!l1) return -1;
    if ((*l1 & PTE_V) && !(*l1 & PTE_LEAF_BITS)) {
        /* A level-0 table, left by 4 KiB pages that were here before (munmap keeps the
         * tables): when empty it gives way to the megapage, else its pages stay. */
        pagetable_t table = (pagetable_t)PTE_TO_PA(*l1);
        for (int i = 0; i < PT_ENTRIES; i++)
            if (table[i] & (PTE_V | PTE_SWAPPED)) return 1;
        *l1 = 0;
        sfence_vma_page(base); /* no cached pointer to the table may outlive it */
        kfree(table);
    }
    /* A present megapage: a real fault. */
    if (*l1 & PTE_V) return -1;
    uint8_t *block = kalloc_huge(); /* zeroed */
    if (!block) {
        huge_fallbacks++;
        printf("pid %d: no free 2 MiB block for 0x%lx, 4 KiB pages instead (fallback %lu)\n",
               p->pid, base, huge_fallbacks);
        return 1;
    }
    uint64_t perm = PTE_U | PTE_A | PTE_D | PTE_R | ((v->prot & PROT_WRITE) ? PTE_W : 0);
    *l1 = PA_TO_PTE(block) | perm | PTE_V;
    sfence_vma_page(base); /* the hart may have cached the invalid entry */
    p->demand_faults++;
    return 0;
}

static struct inode *inode_get(const struct inode *ip)
{
    struct mapped_inode *free_slot = NULL;
    for (int i = 0; i < NMINODE; i++) {
        if (minodes[i].refs && minodes[i].ip.ino == ip->ino) {
            minodes[i].refs++;
            return &minodes[i].ip;
        }
        if (!minodes[i].refs && !free_slot) free_slot = &minodes[i];
    }
    if (!free_slot) return NULL;
    free_slot->refs = 1;
    free_slot->ip = *ip;
    return &free_slot->ip;
}

static void inode_put(struct inode *ip)
{
    for (int i = 0; i < NMINODE; i++)
        if (&minodes[i].ip == ip) minodes[i].refs--;
}

/* The file's page `index` as a frame: the cached one, or a new frame read from the file
 * (zero past its end). Takes a reference; NULL when out of memory or slots. */
static uint8_t *cache_get(const struct inode *ip, uint64_t index)
{
    struct cached_page *free_slot = NULL;
    for (int i = 0; i < NCACHE; i++) {
        if (cache[i].refs && cache[i].ino == ip->ino && cache[i].index == index) {
            cache[i].refs++;
            return cache[i].frame;
        }
        if (!cache[i].refs && !free_slot) free_slot = &cache[i];
    }
    if (!free_slot) return NULL;
    uint8_t *frame = kalloc();
    if (!frame) return NULL;
    if (ext2_read(ip, index * PAGE_SIZE, frame, PAGE_SIZE) < 0) {
        kfree(frame);
        return NULL;
    }
    /* kalloc and the read may sleep (swap, the disk): another process may have cached the
     * same page, or taken the free slot, meanwhile. Look again. */
    free_slot = NULL;
    for (int i = 0; i < NCACHE; i++) {
        if (cache[i].refs && cache[i].ino == ip->ino && cache[i].index == index) {
            kfree(frame);
            cache[i].refs++;
            return cache[i].frame;
        }
        if (!cache[i].refs && !free_slot) free_slot = &cache[i];
    }
    if (!free_slot) {
        kfree(frame);
        return NULL;
    }
    *free_slot = (struct cached_page){.refs = 1, .ino = ip->ino, .index = index, .frame = frame};
    return frame;
}

/* Frames the page cache holds now (vmstat). */
uint64_t mmap_cache_pages(void)
{
    uint64_t n = 0;
    for (int i = 0; i < NCACHE; i++)
        n += cache[i].refs != 0;
    return n;
}

static void cache_put(uint8_t *frame)
{
    for (int i = 0; i < NCACHE; i++)
        if (cache[i].refs && cache[i].frame == frame && --cache[i].refs == 0) kfree(frame);
}

static struct vma *find_vma(struct proc *p, uint64_t va)
{
    for (int i = 0; i < NVMA; i++) {
        struct vma *v = &p->vmas[i];
        if (v->length && va >= v->start && va < v->start + v->length) return v;
    }
    return NULL;
}

static bool overlaps_any(struct proc *p, uint64_t start, uint64_t length)
{
    for (int i = 0; i < NVMA; i++) {
        struct vma *v = &p->vmas[i];
        if (v->length && start < v->start + v->length && v->start < start + length) return true;
    }
    return false;
}

static bool is_shared_file(const struct vma *v)
{
    return v->ip && (v->flags & MAP_SHARED);
}

/* Serves a page fault at va if a region covers it: 0 when the access may be retried, -1 to
 * kill the process, 1 when no region covers va (uvm_fault's other regions may). */
int mmap_fault(struct proc *p, uint64_t va, uint64_t scause)
{
    struct vma *v = find_vma(p, va);
    if (!v) return 1;
    bool store = scause == EXC_STORE_PAGE_FAULT;
    if (scause == EXC_INSTRUCTION_PAGE_FAULT) return -1; /* mappings are never executable */
    if (store ? !(v->prot & PROT_WRITE) : !(v->prot & PROT_READ)) return -1;
    uint64_t page = PAGE_ROUND_DOWN(va);
    pte_t *pte = pt_walk(p->pagetable, page, false);
    if (pte && (*pte & PTE_V)) {
        /* Present: under Svade a store to a clean page faults instead of setting D
         * ("Svade" extension): record the write ourselves. Anything else is a real fault. */
        if (!store || !(*pte & PTE_W) || (*pte & PTE_D)) return -1;
        *pte |= PTE_D | PTE_A;
        sfence_vma_page(page);
        return 0;
    }

    if (is_huge(v)) {
        int r = huge_fault(p, v, va);
        if (r <= 0) return r;
    }

    uint64_t index = (v->offset + (page - v->start)) / PAGE_SIZE;
    uint8_t *frame;
    if (is_shared_file(v)) {
        frame = cache_get(v->ip, index);
    } else {
        frame = kalloc(); /* zeroed */
        if (frame && v->ip && ext2_read(v->ip, index * PAGE_SIZE, frame, PAGE_SIZE) < 0) {
            kfree(frame);
            frame = NULL;
        }
    }
    if (!frame) {
        printf("pid %d: no frame for mapped page 0x%lx\n", p->pid, page);
        return -1;
    }
    uint64_t perm = PTE_U | PTE_A | PTE_R | ((v->prot & PROT_WRITE) ? PTE_W : 0);
    /* Shared file pages start clean, so D tells msync what was written; under Svade the
     * first store then faults (handled above). Private pages are never written back. */
    if (!is_shared_file(v) || store) perm |= PTE_D;
    if (pt_map(p->pagetable, page, (uint64_t)frame, PAGE_SIZE, perm) < 0) {
        if (is_shared_file(v))
            cache_put(frame);
        else
            kfree(frame);
        return -1;
    }
    sfence_vma_page(page); /* the hart may have cached the invalid entry */
    if (!is_shared_file(v)) swap_track(p->pagetable, page, frame); /* private: may be swapped */
    p->demand_faults++;
    return 0;
}

/* Writes back the dirty pages of [start, end) inside shared file region v and marks them
 * clean again; with unmap, also drops the pages from the address space. */
static void sync_range(struct proc *p, struct vma *v, uint64_t start, uint64_t end, bool unmap)
{
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        pte_t *l1 = is_huge(v) ? pt_walk_level1(p->pagetable, va, false) : NULL;
        if (l1 && (*l1 & PTE_V) && (*l1 & PTE_LEAF_BITS)) {
            /* A megapage (anonymous: nothing to write back); for_range keeps huge ranges
             * 2 MiB-aligned, so va is its start. */
            if (unmap) {
                kfree_huge((void *)PTE_TO_PA(*l1));
                *l1 = 0;
                sfence_vma_page(va);
            }
            va += HUGE_PAGE_SIZE - PAGE_SIZE;
            continue;
        }
        pte_t *pte = pt_walk(p->pagetable, va, false);
        if (pte && pte_is_swapped(*pte) && unmap) { /* private, so nothing to write back */
            swap_release(*pte);
            *pte = 0;
            continue;
        }
        if (!pte || !(*pte & PTE_V)) continue;
        uint8_t *frame = (uint8_t *)PTE_TO_PA(*pte);
        if (is_shared_file(v) && (*pte & PTE_D)) {
            uint64_t off = v->offset + (va - v->start);
            if (off < v->ip->size) {
                uint64_t n = v->ip->size - off < PAGE_SIZE ? v->ip->size - off : PAGE_SIZE;
                if (ext2_write_existing(v->ip, off, frame, n) < 0)
                    printf("pid %d: cannot write mapped page 0x%lx back\n", p->pid, va);
            }
            *pte &= ~PTE_D;
        }
        if (unmap) {
            *pte = 0;
            if (is_shared_file(v))
                cache_put(frame);
            else
                kfree(frame);
        }
        sfence_vma_page(va); /* the TLB may hold the entry with D set, or at all */
    }
}

/* Applies msync or munmap to every region overlapping [addr, addr + length). munmap of a
 * middle part of a region is refused (it would split the region); its ends are fine. */
static long for_range(struct proc *p, uint64_t addr, uint64_t length, bool unmap)
{
    if (addr & (PAGE_SIZE - 1) || length == 0 || addr + length < addr) return -1;
    uint64_t end = PAGE_ROUND_UP(addr + length);
    for (int i = 0; i < NVMA; i++) {
        struct vma *v = &p->vmas[i];
        if (!v->length || end <= v->start || v->start + v->length <= addr) continue;
        uint64_t from = addr > v->start ? addr : v->start;
        uint64_t to = end < v->start + v->length ? end : v->start + v->length;
        if (unmap && from != v->start && to != v->start + v->length) return -1;
        if (is_huge(v) && ((from | to) & (HUGE_PAGE_SIZE - 1))) return -1; /* no half megapage */
        sync_range(p, v, from, to, unmap);
        if (!unmap) continue;
        if (from == v->start && to == v->start + v->length) {
            if (v->ip) inode_put(v->ip);
            *v = (struct vma){0};
        } else if (from == v->start) {
            v->offset += to - from;
            v->start = to;
            v->length -= to - from;
        } else {
            v->length -= to - from;
        }
    }
    return 0;
}

long sys_mmap(struct proc *p, uint64_t hint, uint64_t length, long prot, long flags, long fd,
              long offset)
{
    if (length == 0 || length > MMAP_END - MMAP_BASE || (prot & ~(PROT_READ | PROT_WRITE)))
        return -1;
    bool shared = flags & MAP_SHARED, private = flags & MAP_PRIVATE;
    if (shared == private || (flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGE_2MB)))
        return -1;
    bool huge = flags & MAP_HUGE_2MB;
    if (huge && !(flags & MAP_ANONYMOUS)) return -1; /* megapages of anonymous memory only */
    uint64_t align = huge ? HUGE_PAGE_SIZE : PAGE_SIZE;
    length = (length + align - 1) & ~(align - 1);

    struct vma *v = NULL;
    for (int i = 0; i < NVMA && !v; i++)
        if (!p->vmas[i].length) v = &p->vmas[i];
    if (!v) return -1;

    struct inode ip;
    if (!(flags & MAP_ANONYMOUS)) {
        bool readable, writable;
        if (offset < 0 || (offset & (PAGE_SIZE - 1)) ||
            file_inode(p, fd, &ip, &readable, &writable) < 0)
            return -1;
        if (!readable || (ip.mode & EXT2_S_IFMT) != EXT2_S_IFREG) return -1;
        if (shared && (prot & PROT_WRITE) && !writable) return -1;
    }

    /* The hint if it is free and in the mmap area, else the lowest gap there (first fit). */
    uint64_t start = hint & ~(align - 1);
    if (start < MMAP_BASE || start > MMAP_END - length || overlaps_any(p, start, length)) {
        start = MMAP_BASE;
        for (int again = 1; again;) {
            again = 0;
            for (int i = 0; i < NVMA; i++) {
                struct vma *o = &p->vmas[i];
                if (o->length && start < o->start + o->length && o->start < start + length) {
                    start = (o->start + o->length + align - 1) & ~(align - 1);
                    again = 1;
                }
            }
        }
        if (start + length > MMAP_END) return -1;
    }

    struct inode *mapped = NULL;
    if (!(flags & MAP_ANONYMOUS) && !(mapped = inode_get(&ip))) return -1;
    *v = (struct vma){.start = start,
                      .length = length,
                      .prot = (int)prot,
                      .flags = (int)flags,
                      .offset = mapped ? (uint64_t)offset : 0,
                      .ip = mapped};
    return (long)start;
}

long sys_munmap(struct proc *p, uint64_t addr, uint64_t length)
{
    return for_range(p, addr, length, true);
}

long sys_msync(struct proc *p, uint64_t addr, uint64_t length)
{
    return for_range(p, addr, length, false);
}

/* At exit: every region written back and unmapped, before uvm_free frees the page table
 * (which would otherwise free the page cache's shared frames as if they were private). */
void mmap_exit(struct proc *p)
{
    for (int i = 0; i < NVMA; i++)
        if (p->vmas[i].length) for_range(p, p->vmas[i].start, p->vmas[i].length, true);
}
