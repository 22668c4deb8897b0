/* Loading a program: an ELF64 RISC-V executable (the ELF specification's file header and
 * program headers; only PT_LOAD segments matter) copied into a fresh user address space from
 * wherever its reader takes the bytes (the kernel image or a file on the disk).
 * The image is mapped eagerly, each page with the permissions its segment asks for; the
 * heap starts on the page after the highest segment. */
#include "abi.h"
#include "kernel.h"
#include "proc.h"
#include "riscv.h"
#include "vm.h"

#define ELF_MAGIC 0x464c457fu /* "\x7fELF" read little-endian */
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_RISCV 243
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_header {
    uint32_t magic;
    uint8_t class, data, version, osabi, abiversion, pad[7];
    uint16_t type, machine;
    uint32_t version2;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* Maps one page of a segment: the bytes of the file that fall in it, zeros elsewhere. Two
 * segments may share a page; it then gets the union of their permissions. */
static int load_page(struct proc *p, uint64_t page, const struct elf64_phdr *ph,
                     const struct elf_reader *reader, uint64_t perm)
{
    pte_t *pte = pt_walk(p->pagetable, page, true);
    if (!pte) return -1;
    uint8_t *frame;
    if (*pte & PTE_V) {
        frame = (uint8_t *)PTE_TO_PA(*pte);
        *pte |= perm;
    } else {
        frame = kalloc();
        if (!frame) return -1;
        *pte = PA_TO_PTE(frame) | perm | PTE_V;
    }
    /* The part of [vaddr, vaddr + filesz) inside this page comes from the file. */
    uint64_t from = ph->vaddr > page ? ph->vaddr : page;
    uint64_t to =
        ph->vaddr + ph->filesz < page + PAGE_SIZE ? ph->vaddr + ph->filesz : page + PAGE_SIZE;
    if (from < to)
        return reader->read(reader->src, ph->offset + (from - ph->vaddr), frame + (from - page),
                            to - from);
    return 0;
}

/* Loads the executable the reader delivers into p's (empty) address space; sets
 * p->heap_base and *entry. Returns -1 for a malformed or foreign file, a read error or when
 * memory runs out. */
int elf_load(struct proc *p, const struct elf_reader *reader, uint64_t *entry)
{
    struct elf64_header eh;
    uint64_t size = reader->size;
    if (size < sizeof eh || reader->read(reader->src, 0, &eh, sizeof eh) < 0 ||
        eh.magic != ELF_MAGIC || eh.class != ELFCLASS64 || eh.data != ELFDATA2LSB ||
        eh.type != ET_EXEC || eh.machine != EM_RISCV || eh.phentsize != sizeof(struct elf64_phdr) ||
        eh.phoff > size || (uint64_t)eh.phnum * sizeof(struct elf64_phdr) > size - eh.phoff)
        return -1;

    uint64_t image_end = USER_BASE;
    for (int i = 0; i < eh.phnum; i++) {
        struct elf64_phdr ph;
        if (reader->read(reader->src, eh.phoff + (uint64_t)i * sizeof ph, &ph, sizeof ph) < 0)
            return -1;
        if (ph.type != PT_LOAD || ph.memsz == 0) continue;
        uint64_t end = ph.vaddr + ph.memsz;
        if (ph.vaddr < USER_BASE || end < ph.vaddr || end > USER_STACK_TOP - USER_STACK_MAX ||
            ph.filesz > ph.memsz || ph.offset > size || ph.filesz > size - ph.offset)
            return -1;
        uint64_t perm = PTE_U | PTE_A | PTE_D;
        if (ph.flags & PF_R) perm |= PTE_R;
        if (ph.flags & PF_W) perm |= PTE_W | PTE_R; /* W without R is reserved in a PTE */
        if (ph.flags & PF_X) perm |= PTE_X;
        for (uint64_t page = PAGE_ROUND_DOWN(ph.vaddr); page < end; page += PAGE_SIZE)
            if (load_page(p, page, &ph, reader, perm) < 0) return -1;
        if (end > image_end) image_end = end;
    }
    p->heap_base = p->brk = PAGE_ROUND_UP(image_end);
    *entry = eh.entry;
    return 0;
}
