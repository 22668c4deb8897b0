/* Looking at the MMU (Sv39, Sv48, Sv57, with Svnapot's and Svpbmt's bits) from outside, without
 * side effects (no A/D update, no TLB fill): the debugger's `walk`, `vmmap`, `tlb`, `satp` and
 * `fault` commands and the lines of `trace mmu`. Everything here reads guest memory only through
 * struct guest_ram. */
#ifndef RV39_VMMAP_H
#define RV39_VMMAP_H

#include <stdint.h>
#include <stdio.h>

#include "../mmu/walk.h"
#include "../mmu/tlb.h"

/* The spec rule a walk fault names, in one sentence (for `walk` and `fault`). */
const char *vmmap_fault_rule(enum walk_fault fault);
/* "load page fault", "ecall from S-mode", "machine timer interrupt", ... (mcause value). */
const char *vmmap_cause_name(uint64_t mcause);
const char *vmmap_access_name(enum access access);
const char *vmmap_priv_name(unsigned priv);
/* "4K", "2M", "1G", "512G", "256T" for leaf level 0 to 4. */
const char *vmmap_level_size(int level);
/* The page a valid leaf maps: "64K" for a NAPOT leaf (Svnapot), else vmmap_level_size. */
const char *vmmap_page_size(uint64_t pte, int level);
/* Svpbmt's memory type of a PTE: "PMA", "NC", "IO" or "reserved". */
const char *vmmap_pbmt_name(uint64_t pte);
/* PTE flag letters: "V R W - - - A D" (a '-' for each clear bit). buf: 16 bytes at least. */
void vmmap_pte_flags(uint64_t pte, char *buf);

/* satp decoded: MODE, ASID, root page table address. */
void vmmap_print_satp(FILE *out, uint64_t satp);
/* A walk, level by level (PTE address, raw PTE, flags, PPN), then the outcome: physical
 * address and page size, or the failing rule and the exception it raises. */
void vmmap_print_walk(FILE *out, const struct walk_request *req, const struct walk_result *r);
/* One line for `trace mmu`. */
void vmmap_print_walk_line(FILE *out, uint64_t pc, uint64_t va, enum access access,
                           const struct walk_result *r);
/* The address space of `satp` as merged ranges: contiguous virtual pages with contiguous
 * physical pages, the same page size and the same permissions form one line. */
/* pbmte and svnapot: the hart's menvcfg.PBMTE and Svnapot, so that what the walk would
 * fault on is counted as malformed, not listed. */
void vmmap_print(FILE *out, const struct guest_ram *mem, uint64_t satp, bool pbmte, bool svnapot);
/* The same in QEMU's `info mem` format (target/riscv/monitor.c), which tools that parse it
 * expect (pwndbg's and gef's vmmap on a kernel): "vaddr paddr size attr", attr "rwxugad";
 * ranges merge across page sizes. */
void vmmap_print_qemu(FILE *out, const struct guest_ram *mem, uint64_t satp, bool pbmte,
                      bool svnapot);
/* Which TLB entries `tlb` lists (NULL: all). A global entry matches every ASID. */
struct vmmap_tlb_filter {
    bool asid;
    uint16_t asid_value;
    bool range; /* pages overlapping [lo, hi) */
    uint64_t lo, hi;
    int level;  /* 0 4K, 1 2M, 2 1G, 3 512G, 4 256T; -1 any */
    bool napot; /* only 64 KiB (Svnapot) entries */
};
/* The valid TLB entries that pass the filter, sorted by ASID then virtual address, a count
 * per ASID, the occupancy per page size and the counters. */
/* One model TLB entry as the trace shows it: "asid 3 page 0x10000 4K -> 0x80123000 r-xu-a-". */
void vmmap_tlb_entry_text(const struct tlb_entry *e, char *buf, size_t len);
void vmmap_print_tlb(FILE *out, const struct tlb *t, const struct vmmap_tlb_filter *filter);

#endif
