/* Sv39 page tables: building them (vm.c) and user address spaces on top (uvm.c). */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t pte_t;
typedef pte_t *pagetable_t; /* a 4 KiB table of 512 PTEs, by its physical (= kernel) address */

struct proc;

/* vm.c: mechanics and the kernel's own mappings. */
pte_t *pt_walk(pagetable_t root, uint64_t va, bool create);
pte_t *pt_walk_level1(pagetable_t root, uint64_t va, bool create);
long uvm_virt2phys(pagetable_t root, uint64_t va);
int pt_map(pagetable_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm);
void kvm_init(uint64_t ram_end);
void kvm_enable(void);
uint64_t kvm_satp(void);
uint64_t uvm_satp(pagetable_t root, int slot); /* with the slot's ASID when there are enough */
bool uvm_asids_on(void);
pagetable_t uvm_create(void);
void uvm_free(pagetable_t root);
uint64_t uvm_unmap(pagetable_t root, uint64_t va, uint64_t end);

/* uvm.c: user memory, as one process sees it. */
int uvm_fault(struct proc *p, uint64_t va, uint64_t scause);
long uvm_sbrk(struct proc *p, long delta);
int copy_to_user(struct proc *p, uint64_t dst, const void *src, size_t n);
int copy_from_user(struct proc *p, void *dst, uint64_t src, size_t n);
int copy_string_from_user(struct proc *p, char *dst, uint64_t src, size_t max);
/* mmap.c: mapped files and anonymous memory (struct vma in proc.h). */
int mmap_fault(struct proc *p, uint64_t va, uint64_t scause); /* 1: no region covers va */
long sys_mmap(struct proc *p, uint64_t hint, uint64_t length, long prot, long flags, long fd,
              long offset);
long sys_munmap(struct proc *p, uint64_t addr, uint64_t length);
long sys_msync(struct proc *p, uint64_t addr, uint64_t length);
void mmap_exit(struct proc *p); /* writes back and unmaps every region */
/* Frames of the page cache in use (vmstat). */
uint64_t mmap_cache_pages(void);
/* elf.c: where elf_load gets the executable's bytes (an image in memory, a file). */
struct elf_reader {
    int (*read)(void *src, uint64_t off, void *dst, uint64_t n); /* all n bytes: 0, else -1 */
    void *src;
    uint64_t size;
};
int elf_load(struct proc *p, const struct elf_reader *reader, uint64_t *entry);

#endif
