/* fuzz_cpu's guest (cpu_program.h): the fuzzed bytes decoded into a start state, a page-table
 * tree whose PTEs the input may overwrite at will, registers holding virtual addresses worth
 * touching, the M and S trap handlers that log every trap, and a page of code built from
 * instruction templates. What the generated code may not do, and why, is in fuzz_cpu.c's
 * header (tame() below enforces it). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cmo.h"
#include "cpu/csr_table.h"
#include "cpu/jit.h"
#include "mmu/walk.h"
#include "fuzz.h"
#include "cpu_program.h"
#include "harness.h"

/* Registers with a role (the templates read them; the program may still overwrite them). */
#define R_ADDR0 8   /* x8..x15: addresses (also the registers compressed loads/stores reach) */
#define R_ECALL 17  /* a7: the privilege an ecall asks the handler to return to */
#define R_ASID 27   /* the ASID satp starts with, for sfence.vma by ASID */
#define R_PTE 28    /* a PTE value for PTE-store macros */
#define R_SATP_A 29 /* two satp values for satp-switch macros */
#define R_SATP_B 30
#define R_TABLE 31 /* a page table, by its identity-mapped address */

/* Bulk contents (data pages, FP registers) come from a generator seeded by the input, so the
 * input stays small. splitmix64. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* See the header comment: CSRs whose values depend on more than the program. */
static uint32_t tame(uint32_t w)
{
    if ((w & 0x7f) != 0x73) return w;
    unsigned f3 = (w >> 12) & 7, csr = w >> 20, rs1 = (w >> 15) & 31;
    if (f3 == 0 || f3 == 4) return w;
    bool writes = f3 == 1 || f3 == 5 || rs1 != 0;
    const struct csr_info *row = csr_find(csr); /* the counter families: one row each */
    bool bad = csr == CSR_TIME || csr == CSR_MENVCFG ||
               (row && (row->number == CSR_HPMCOUNTER3 || row->number == CSR_MHPMCOUNTER3 ||
                        row->number == CSR_MHPMEVENT3)) ||
               (writes && (csr == CSR_MINSTRET || csr == CSR_MCOUNTINHIBIT));
    return bad ? (w & 0xfffffu) | (uint32_t)CSR_MSCRATCH << 20 : w;
}

/* tame() every 32-bit window of a page, at every parcel: control may land on any even
 * address. A rewrite changes only the window's bytes 2..3, which later windows see. */
static void tame_page(uint64_t pa)
{
    uint8_t *page = hram + (pa - RAM_BASE); /* before the run: no decoded code to drop */
    for (unsigned o = 0; o + 4 <= PAGE_SIZE; o += 2) {
        uint32_t w;
        memcpy(&w, page + o, 4);
        w = tame(w);
        memcpy(page + o, &w, 4);
    }
}

/* --- small assembler helpers on top of the harness's encoders --- */
static void put_li32(unsigned rd, int32_t v) /* rd = sign-extended v */
{
    uint32_t hi = ((uint32_t)v + 0x800u) >> 12;
    put32(i_lui(rd, hi));
    put32(enc_i((int32_t)((uint32_t)v - (hi << 12)), rd, 0, rd, OPC_OP_IMM_32)); /* addiw */
}
static void put_li(unsigned rd, uint64_t v)
{
    if ((uint64_t)(int64_t)(int32_t)v == v) {
        put_li32(rd, (int32_t)v);
    } else if (v >> 32 == 0) {
        put_li32(rd, (int32_t)v);
        put32(i_slli(rd, rd, 32));
        put32(i_srli(rd, rd, 32));
    } else { /* upper half, then 11 + 11 + 10 bits shifted in */
        put_li32(rd, (int32_t)(v >> 32));
        put32(i_slli(rd, rd, 11));
        put32(i_ori(rd, rd, (int32_t)((v >> 21) & 0x7ff)));
        put32(i_slli(rd, rd, 11));
        put32(i_ori(rd, rd, (int32_t)((v >> 10) & 0x7ff)));
        put32(i_slli(rd, rd, 10));
        put32(i_ori(rd, rd, (int32_t)(v & 0x3ff)));
    }
}
/* A forward branch or jump whose target is not known yet: a placeholder and its fix-up. */
static uint64_t hole(void)
{
    uint64_t at = code_cursor();
    put32(I_NOP);
    return at;
}
static void fill_branch(uint64_t at, uint32_t (*br)(unsigned, unsigned, int32_t), unsigned a,
                        unsigned b)
{
    poke32(at, br(a, b, (int32_t)(code_cursor() - at)));
}
static void fill_jump(uint64_t at, uint64_t target)
{
    poke32(at, i_jal(0, (int32_t)(target - at)));
}

/* The trap handler for M (m) or S: S-level CSR numbers are the M ones minus 0x200. It saves
 * t0..t2, counts the trap and logs it, then: an interrupt has its enable and pending bits
 * cleared (else it would be taken again at once); a fetch fault (causes 0, 1, 12) resumes
 * at the program's entry, in M when M handles it (a privilege that cannot fetch there would
 * fault forever); an ecall returns to the privilege a7 names; anything else skips 4 bytes. */
static void put_handler(bool m)
{
    unsigned o = m ? 0x200 : 0;
    unsigned scratch = CSR_SSCRATCH + o, epc = CSR_SEPC + o, cause = CSR_SCAUSE + o,
             tval = CSR_STVAL + o, status = CSR_SSTATUS + o, ie = CSR_SIE + o, ip = CSR_SIP + o;
    put32(i_csrrw(5, scratch, 5));
    put32(i_auipc(5, m ? 1 : 2)); /* the log page, whatever address the handler runs at */
    put32(i_srli(5, 5, 12));
    put32(i_slli(5, 5, 12));
    put32(i_sd(6, 0, 5));
    put32(i_sd(7, 8, 5));
    put32(i_ld(6, LOG_COUNT, 5));
    put32(i_addi(6, 6, 1));
    put32(i_sd(6, LOG_COUNT, 5));
    put32(i_andi(6, 6, 31));
    put32(i_slli(6, 6, 5));
    put32(i_add(6, 6, 5));
    const unsigned logged[4] = {cause, tval, epc, status};
    for (unsigned k = 0; k < 4; k++) {
        put32(i_csrrs(7, logged[k], 0));
        put32(i_sd(7, LOG_RING + 8 * (int32_t)k, 6));
    }
    put32(i_csrrs(7, cause, 0));
    uint64_t to_irq = hole();
    put32(i_addi(6, 7, -8));
    put32(i_sltiu(6, 6, 4));
    uint64_t to_ecall = hole();
    put32(i_sltiu(6, 7, 2));
    uint64_t to_fetch1 = hole();
    put32(i_addi(6, 7, -12));
    uint64_t to_fetch2 = hole();
    uint64_t skip = code_cursor();
    put32(i_csrrs(6, epc, 0));
    put32(i_addi(6, 6, 4));
    put32(i_csrrw(0, epc, 6));
    uint64_t to_done1 = hole();

    fill_branch(to_fetch1, i_bne, 6, 0);
    fill_branch(to_fetch2, i_beq, 6, 0);
    put32(i_ld(6, LOG_RESUME, 5));
    put32(i_csrrw(0, epc, 6));
    put32(i_addi(6, 0, m ? 3 : 1)); /* back in the handler's own privilege */
    put32(i_slli(6, 6, m ? MSTATUS_MPP_SHIFT : 8));
    put32(i_csrrs(0, status, 6));
    uint64_t to_done2 = hole();

    fill_branch(to_ecall, i_bne, 6, 0);
    put32(i_addi(6, 0, m ? 3 : 1));
    put32(i_slli(6, 6, m ? MSTATUS_MPP_SHIFT : 8));
    put32(i_csrrc(0, status, 6));
    put32(i_andi(6, R_ECALL, m ? 3 : 1));
    put32(i_slli(6, 6, m ? MSTATUS_MPP_SHIFT : 8));
    put32(i_csrrs(0, status, 6));
    put32(i_jal(0, (int32_t)(skip - code_cursor())));

    fill_branch(to_irq, i_blt, 7, 0);
    put32(i_addi(6, 0, 1));
    put32(i_sll(6, 6, 7));
    put32(i_csrrc(0, ie, 6));
    put32(i_csrrc(0, ip, 6));

    fill_jump(to_done1, code_cursor());
    fill_jump(to_done2, code_cursor());
    put32(i_ld(6, 0, 5));
    put32(i_ld(7, 8, 5));
    put32(i_csrrw(5, scratch, 5));
    put32(m ? I_MRET : I_SRET);
}


/* A virtual address worth touching: page 0 (the fast TLB's empty-entry tag lived there),
 * pages mapped by the default tables, the code, the tables themselves, a 2 MiB alias of RAM,
 * the top of the address space, the end of RAM, non-canonical and unmapped addresses, and
 * page-aligned addresses anywhere (superpages, the tables' other entries). */
static uint64_t pick_va(uint8_t sel, uint16_t raw)
{
    uint64_t off = raw & 0xfff, k = sel >> 4;
    switch (sel & 15) {
    case 0:
    case 1: return off;
    case 2: return 0x1000 * (1 + k % 15) + off;
    case 3: return CODE_PA + off;
    case 4:
    case 5: return DATA_PA(k) + off;
    case 6: return TABLE_PA(k % TABLES) + (off & ~7ull);
    case 7: return 0x200000 + 0x1000 * k + off;
    case 8: return 0xffffffffffe00000ull + 0x1000 * k + off;
    case 9: return RAM_BASE + RAM_SIZE - 16 + (off & 15);
    case 10: return 0x4000000000ull + off; /* bit 38 set, 63:39 clear: non-canonical */
    case 11: return UNMAPPED_ADDR + off;
    case 12: return PAGE_SIZE * k - 8 + (off & 15); /* straddles two pages */
    case 14: return (uint64_t)raw << (12 + 2 * k);  /* any page-aligned VA up to 2^43 */
    default: return 0x1000 * (k % 4) + (off | 1);   /* odd: misaligned for every size > 1 */
    }
}

/* A PTE: the flags byte is V R W X U G A D exactly; the target names what the PPN points
 * at. Reserved bits (63:54) and RSW are set now and then. */
static uint64_t make_pte(struct fuzz_input *in)
{
    uint8_t flags = fuzz_u8(in), sel = fuzz_u8(in), extra = fuzz_u8(in);
    uint64_t k = sel >> 3, ppn;
    switch (sel & 7) {
    case 0: ppn = TABLE_PA(k % TABLES) >> 12; break;
    case 1: ppn = DATA_PA(k % DATA_PAGES) >> 12; break;
    case 2: ppn = CODE_PA >> 12; break;
    case 3: ppn = (RAM_BASE >> 12) + fuzz_u8(in); break;               /* any RAM page */
    case 4: ppn = (UNMAPPED_ADDR >> 12) + k; break;                    /* no memory there */
    case 5: ppn = (RAM_BASE >> 12) + 1 + (k & 15); break;              /* misaligned if super */
    case 6: ppn = (RAM_BASE >> 12) + (k & 1 ? 0x200 : 0x40000); break; /* past RAM */
    default: ppn = fuzz_u32(in) & SATP_PPN_MASK; break;
    }
    uint64_t pte = ppn << PTE_PPN_SHIFT | flags;
    if (extra & 1) pte |= (uint64_t)(extra >> 2) << (54 + 4 * (extra >> 1 & 1)); /* reserved */
    if (extra & 2) pte |= (uint64_t)((extra >> 2) & 3) << 8;                     /* RSW: ignored */
    return pte;
}

static void put_pte(unsigned table, unsigned index, uint64_t pte)
{
    poke64(TABLE_PA(table) + 8 * index, pte);
}
static uint64_t pointer_pte(unsigned table)
{
    return (TABLE_PA(table) >> 12) << PTE_PPN_SHIFT | PTE_V;
}
#define RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
/* Default leaf flags with a few flipped: mostly U/G, sometimes anything. */
static uint64_t leaf_flags(uint8_t b, uint64_t base)
{
    return b < 192 ? base ^ (b & (PTE_U | PTE_G)) : base ^ (uint64_t)(b & 0x3f) << 1;
}

/* The default tree: root (table 0) maps 0x80000000.. as an identity gigapage (code,
 * handlers, logs, tables and data, so S-mode code runs at the same addresses), the first
 * 2 MiB through tables 1 and 2 (page 0 and 15 data pages, the code, the tables) plus a
 * 2 MiB alias of RAM, and the top 2 MiB through tables 3 and 4. Tables 5..7 start empty.
 * Then the input overwrites any entries it likes. */
static void build_tables(struct fuzz_input *in)
{
    put_pte(0, 2, (RAM_BASE >> 12) << PTE_PPN_SHIFT | leaf_flags(fuzz_u8(in), RWX_AD));
    put_pte(0, 0, pointer_pte(1));
    put_pte(0, 0x1ff, pointer_pte(3));
    put_pte(1, 0, pointer_pte(2));
    put_pte(1, 1, (RAM_BASE >> 12) << PTE_PPN_SHIFT | leaf_flags(fuzz_u8(in), RWX_AD));
    put_pte(3, 0x1ff, pointer_pte(4));
    for (unsigned k = 0; k < DATA_PAGES; k++) {
        uint64_t rw = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
        put_pte(2, k, (DATA_PA(k) >> 12) << PTE_PPN_SHIFT | leaf_flags(fuzz_u8(in), rw));
        put_pte(4, k, (DATA_PA(15 - k) >> 12) << PTE_PPN_SHIFT | rw);
    }
    put_pte(2, 16, (CODE_PA >> 12) << PTE_PPN_SHIFT | RWX_AD);
    for (unsigned t = 0; t < TABLES; t++)
        put_pte(2, 17 + t, (TABLE_PA(t) >> 12) << PTE_PPN_SHIFT | (RWX_AD ^ PTE_X));
    unsigned records = fuzz_u8(in) % 48;
    for (unsigned r = 0; r < records; r++) {
        uint8_t where = fuzz_u8(in);
        uint16_t index = fuzz_u16(in);
        /* small indexes are the ones the address registers reach */
        put_pte(where % TABLES, index & 0x8000 ? index & 0x1ff : index & 0x1f, make_pte(in));
    }
}

static unsigned pick_rd(uint8_t b)
{
    static const uint8_t scratch[] = {1, 2, 3, 4, 5, 6, 7, 16, 18, 19, 20, 21, 22, 23, 24, 25};
    return b & 0x80 ? (b >> 2) & 31 : scratch[b & 15];
}
static unsigned pick_base(uint8_t b)
{
    return (b & 0xe0) == 0xe0 ? (b & 0x10 ? 0 : (b & 31)) : R_ADDR0 + (b & 7);
}
/* Offsets: mostly small (-64..63, odd as often as not), sometimes any 12-bit value. */
static int32_t pick_imm(struct fuzz_input *in)
{
    uint8_t c = fuzz_u8(in);
    if (c < 0xc0) return (int8_t)(uint8_t)(c << 1) >> 1;
    return (int32_t)((uint32_t)((c & 0x0f) << 8 | fuzz_u8(in)) << 20) >> 20;
}

static const uint16_t csr_list[] = {
    CSR_SATP,     CSR_MSTATUS,    CSR_SSTATUS,    CSR_MEPC,     CSR_SEPC,   CSR_MEDELEG,
    CSR_MIDELEG,  CSR_MIE,        CSR_SIE,        CSR_MIP,      CSR_SIP,    CSR_MSCRATCH,
    CSR_SSCRATCH, CSR_MCAUSE,     CSR_SCAUSE,     CSR_MTVAL,    CSR_STVAL,  CSR_INSTRET,
    CSR_CYCLE,    CSR_MCYCLE,     CSR_FCSR,       CSR_FRM,      CSR_FFLAGS, CSR_MISA,
    CSR_PMPCFG0,  CSR_MCOUNTEREN, CSR_SCOUNTEREN, CSR_STIMECMP, CSR_SATP,   CSR_MSTATUS,
};
#define NCSRS (sizeof(csr_list) / sizeof(csr_list[0]))

/* Back to the entry from anywhere in the code page (a branch past the end, a fetch that
 * resumes mid-page): every free word is a jump to the entry. */
static void fill_rest_of_page(void)
{
    while (code_cursor() + 4 <= CODE_PA + PAGE_SIZE)
        put32(i_jal(0, (int32_t)(CODE_PA - code_cursor())));
}

/* One template instance at the cursor: a kind byte (low 5 bits: the template, high 3: a
 * variant), two operand bytes, and more bytes where a template needs them. Branch and jump
 * targets stay in the code page. */
static void put_template(struct fuzz_input *in)
{
    uint8_t kind = fuzz_u8(in), a = fuzz_u8(in), b = fuzz_u8(in);
    unsigned v = kind >> 5;
    uint64_t here = code_cursor();
    switch (kind % 32) {
    case 0 ... 3: { /* loads: lb lh lw ld lbu lhu lwu, ld */
        static const unsigned f3[] = {0, 1, 2, 3, 4, 5, 6, 3};
        put32(enc_i(pick_imm(in), pick_base(a), f3[v], pick_rd(b), OPC_LOAD));
        break;
    }
    case 4 ... 7: /* stores: sb sh sw sd */
        put32(enc_s(pick_imm(in), pick_rd(b), pick_base(a), v & 3, OPC_STORE));
        break;
    case 8 ... 9: { /* ALU with an immediate; the shifts' shamt fields kept legal */
        uint8_t c = fuzz_u8(in);
        int32_t imm = (int32_t)((uint32_t)(c | fuzz_u8(in) << 8) << 20) >> 20;
        bool w = c & 1 && (v == 0 || v == 1 || v == 5);
        if (v == 1) imm &= w ? 31 : 63;
        if (v == 5) imm &= w ? 0x41f : 0x43f;
        put32(enc_i(imm, pick_rd(b), v, pick_rd(a), w ? OPC_OP_IMM_32 : OPC_OP_IMM));
        break;
    }
    case 11: { /* a Zba..Zbs or Zicond row of the table, free fields filled; or a cbo */
        uint8_t c = fuzz_u8(in);
        const struct insn_info *op = &insn_table[OP_SH1ADD + c % (OP_CZERO_NEZ - OP_SH1ADD + 1)];
        uint32_t fields = pick_rd(a) << 7 | pick_rd(b) << 15 | (uint32_t)fuzz_u8(in) << 20;
        put32(v == 7 ? enc_i((int32_t)(c & 3) + (c & 3) / 3, pick_base(a), 2, 0, OPC_MISC_MEM)
                     : op->match | (fields & ~op->mask));
        break;
    }
    case 10: { /* ALU and M with registers, 64- and 32-bit forms */
        uint8_t c = fuzz_u8(in);
        unsigned f7 = c & 1 ? 0x01 : (c & 2 ? 0x20 : 0);
        put32(enc_r(f7, pick_rd(b), pick_rd(c), v, pick_rd(a), c & 4 ? OPC_OP_32 : OPC_OP));
        break;
    }
    case 12:
        put32(enc_u((uint32_t)(a | b << 8) | (v & 3u) << 16, pick_rd(a),
                    v & 4 ? OPC_LUI : OPC_AUIPC));
        break;
    case 13 ... 15: { /* branches and jal: even offsets, so they may land inside an instruction */
        int64_t t = (int64_t)(here - CODE_PA) + 2 * (int8_t)fuzz_u8(in);
        if (t < 0 || t >= (int64_t)PAGE_SIZE) t = 0;
        int32_t off = (int32_t)(CODE_PA + (uint64_t)t - here);
        static const unsigned f3[] = {0, 1, 4, 5, 6, 7, 0, 1};
        if (kind % 32 != 15)
            put32(enc_b(off, pick_rd(b), pick_rd(a), f3[v], OPC_BRANCH));
        else if (v & 1)
            put32(i_jalr(a & 1, v & 2 ? 1 : pick_base(b), (int8_t)fuzz_u8(in)));
        else
            put32(i_jal(a & 1, off));
        break;
    }
    case 16 ... 18: { /* a compressed instruction, any (c.lw/c.ld/c.sw/c.sd reach x8..x15) */
        uint16_t p = (uint16_t)(a | b << 8);
        put16((p & 3) == 3 ? (uint16_t)(p & ~1u) : p);
        break;
    }
    case 19: put32(tame(fuzz_u32(in) | 3)); break; /* a raw 32-bit word */
    case 20 ... 21: {                              /* CSR access, any source register */
        static const unsigned f3[] = {1, 2, 3, 5, 6, 7, 2, 3};
        unsigned csr = csr_list[a % NCSRS];
        put32(tame(enc_i((int32_t)csr, b & 31, f3[v], pick_rd(b), OPC_SYSTEM)));
        break;
    }
    case 22: { /* system instructions; an ecall may first pick the privilege to return to */
        static const uint32_t sys[] = {
            I_ECALL, I_EBREAK, I_MRET, I_SRET, I_WFI, I_FENCE, 0x0000100f /* fence.i */, I_ECALL};
        if (a & 1) put32(i_addi(R_ECALL, 0, (a >> 1) & 3));
        put32(sys[v]);
        break;
    }
    case 23: { /* sfence.vma by address and/or ASID (x0: all) */
        unsigned asid = a & 1 ? 0 : a & 4 ? R_ASID : R_ADDR0 + (b & 7);
        put32(enc_r(0x09, asid, a & 2 ? 0 : pick_base(b), 0, 0, OPC_SYSTEM));
        break;
    }
    case 24: /* satp switch, then maybe sfence.vma: stale entries must be gone */
        put32(i_csrrw(a & 2 ? pick_rd(b) : 0, CSR_SATP, a & 1 ? R_SATP_A : R_SATP_B));
        if (a & 4) put32(enc_r(0x09, 0, 0, 0, 0, OPC_SYSTEM));
        break;
    case 25: /* a PTE store into the table x31 points at, maybe without sfence.vma */
        if (a & 8) put_li(R_PTE, make_pte(in));
        put32(i_sd(R_PTE, 8 * (b & 31), R_TABLE));
        if (a & 1) put32(enc_r(0x09, a & 2 ? 0 : R_ADDR0 + (b >> 5), 0, 0, 0, OPC_SYSTEM));
        break;
    case 26: { /* privilege change through mret (from M) or sret (from S or M) */
        bool m = a & 1;
        unsigned shift = m ? MSTATUS_MPP_SHIFT : 8, mask = m ? 3 : 1;
        unsigned status = m ? CSR_MSTATUS : CSR_SSTATUS;
        put32(i_addi(7, 0, (int32_t)mask));
        put32(i_slli(7, 7, shift));
        put32(i_csrrc(0, status, 7));
        put32(i_addi(7, 0, (int32_t)((a >> 1) & mask)));
        put32(i_slli(7, 7, shift));
        put32(i_csrrs(0, status, 7));
        if (b & 1) put32(i_csrrsi(0, CSR_MSTATUS, b & 0x0a)); /* MIE, SIE sometimes */
        put32(i_auipc(7, 0));
        put32(i_addi(7, 7, 16));
        put32(i_csrrw(0, m ? CSR_MEPC : CSR_SEPC, 7));
        put32(m ? I_MRET : I_SRET);
        break;
    }
    case 27: { /* AMOs and LR/SC on the address registers */
        static const unsigned f5[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x0c, 0x10, 0x1c};
        unsigned f = f5[v + (b & 1)];
        put32(enc_r(f << 2 | (b & 2), f == 0x02 ? 0 : pick_rd(b), pick_base(a), b & 4 ? 3 : 2,
                    pick_rd(a), OPC_AMO));
        break;
    }
    case 28: /* FP loads and stores: the same fast TLB and misaligned paths */
        if (v & 1)
            put32(enc_s(pick_imm(in), b & 31, pick_base(a), 2 + (v >> 2), 0x27));
        else
            put32(enc_i(pick_imm(in), pick_base(a), 2 + (v >> 2), b & 31, 0x07));
        break;
    case 29: { /* FP arithmetic, conversions, moves, sign injection, min/max, compares (rm 5,
                * 6 are reserved; v is rm or funct3), and the fused forms (rs3 from a) */
        static const unsigned f7[] = {0x01, 0x05, 0x09, 0x0d, 0x2d, 0x61, 0x69, 0x71,
                                      0x79, 0x00, 0x08, 0x11, 0x15, 0x51, 0x20, 0x21};
        if (a % 20 < 16)
            put32(enc_r(f7[a % 20], b & 31, (b >> 3) & 31, v, a >> 3, 0x53));
        else /* fmadd, fmsub, fnmsub, fnmadd (.d and .s) */
            put32(enc_r((b & 31) << 2 | (a & 1), (b >> 2) & 31, a >> 3, v, (b >> 1) & 31,
                        0x43 + 4 * (a % 4)));
        break;
    }
    case 30: /* load an address register with a fresh interesting address */
        put_li(R_ADDR0 + (a & 7), pick_va(b, fuzz_u16(in)));
        break;
    default: /* x31 := a page table (for PTE stores), or x29/x30 := another satp */
        if (a & 1)
            put_li(R_TABLE, TABLE_PA(b % TABLES));
        else
            put_li(a & 2 ? R_SATP_A : R_SATP_B,
                   (a & 4 ? 0 : (SATP_MODE_SV39 + (a >> 3) % 3) << SATP_MODE_SHIFT) |
                       (uint64_t)(b >> 3) << SATP_ASID_SHIFT | TABLE_PA(b % TABLES) >> 12);
        break;
    }
}

/* Decode the input into the setup and guest memory of a fresh hart. Deterministic: both runs
 * call it on the same bytes. */
void cpu_program_build(const uint8_t *data, size_t size, struct setup *su)
{
    struct fuzz_input in = {data, size};
    uint8_t f0 = fuzz_u8(&in), f1 = fuzz_u8(&in);
    su->priv = f0 & 3 ? (f0 & 3) == 1 ? PRIV_S : PRIV_M : PRIV_U;
    uint64_t ms = (f0 & 8 ? MSTATUS_SUM : 0) | (f0 & 16 ? MSTATUS_MXR : 0) |
                  (f0 & 128 ? MSTATUS_FS_DIRTY : MSTATUS_FS_INITIAL);
    /* MPRV below M is unreachable (xRET clears it): only start with it in M */
    if ((f0 & 32) && su->priv == PRIV_M) ms |= MSTATUS_MPRV;
    ms |= (uint64_t)(f1 & 3) << MSTATUS_MPP_SHIFT | (f1 & 4 ? MSTATUS_SPP : 0) |
          (f1 & 8 ? MSTATUS_MIE : 0) | (f1 & 16 ? MSTATUS_SIE : 0) | (f1 & 32 ? MSTATUS_TVM : 0) |
          (f1 & 64 ? MSTATUS_TW : 0) | (f1 & 128 ? MSTATUS_TSR : 0);
    su->mstatus = ms;
    su->svade = f0 & 64;
    su->medeleg = fuzz_u16(&in);
    su->mideleg = fuzz_u8(&in);
    su->mie = fuzz_u16(&in);
    su->mip = fuzz_u8(&in) & (MIP_SSIP | MIP_STIP | MIP_SEIP);
    uint8_t sb = fuzz_u8(&in);
    uint16_t asid = fuzz_u16(&in);
    /* ASID's top two bits pick the mode: 0, 1 Sv39, 2 Sv48, 3 Sv57 (the ASID keeps 14 bits) */
    uint64_t vm = asid >> 14 < 2 ? SATP_MODE_SV39 : SATP_MODE_SV39 + (asid >> 14) - 1;
    su->satp = sb & 0x80 ? 0
                         : vm << SATP_MODE_SHIFT | (uint64_t)(asid & 0x3fff) << SATP_ASID_SHIFT |
                               TABLE_PA(sb & 15 ? 0 : sb >> 4 & 7) >> 12;
    su->fcsr = fuzz_u8(&in) & 0xff;
    uint8_t rb = fuzz_u8(&in);
    su->budget = 16384 + 1024 * (uint64_t)(rb % 33);
    static const uint64_t chunks[] = {1, 2, 3, 7, 64, 100, 1000, 4096, 4096, 4096};
    uint8_t cb = fuzz_u8(&in);
    su->chunk = chunks[cb % 10];
    su->threshold = cb & 0x80 ? 2 : 1;
    rng_state = fuzz_u64(&in);
    /* The model TLB's shape (--tlb), from the seed's top bits: tiny ones evict all the time,
     * and every eviction must drop the fast-TLB entries the evicted one backed. */
    static const struct tlb_config shapes[8] = {
        [0 ... 3] = {TLB_DEFAULT_SETS, TLB_DEFAULT_WAYS, TLB_DEFAULT_SUPER},
        {1, 1, 1},
        {2, 1, 1},
        {1, 2, 2},
        {4, 2, 1}};
    if (!cpu_configure_tlb(&hart, &shapes[rng_state >> 61])) fuzz_fail("bad TLB shape");

    /* registers: addresses in x8..x15, satp values, a table pointer, the rest mixed */
    for (unsigned r = 1; r < 32; r++) {
        uint8_t k = fuzz_u8(&in);
        if (r >= R_ADDR0 && r < R_ADDR0 + 8)
            hart.x[r] = pick_va(k, fuzz_u16(&in));
        else if (k < 64)
            hart.x[r] = k;
        else if (k < 128)
            hart.x[r] = pick_va(k, (uint16_t)rng());
        else
            hart.x[r] = rng();
    }
    hart.x[R_SATP_A] = su->satp ? su->satp : SATP_MODE_SV39 << SATP_MODE_SHIFT | TABLE_PA(0) >> 12;
    hart.x[R_SATP_B] = hart.x[R_SATP_B] & 1 ? 0 : (su->satp ^ 1ull << SATP_ASID_SHIFT);
    hart.x[R_TABLE] = TABLE_PA(hart.x[R_TABLE] % TABLES);
    hart.x[R_ASID] = asid;
    for (unsigned r = 0; r < 32; r++)
        hart.f[r] = rng() >> (r & 1 ? 0 : 32) | (r & 1 ? 0 : 0xffffffff00000000ull);

    for (unsigned k = 0; k < DATA_PAGES; k++)
        for (unsigned o = 0; o < PAGE_SIZE; o += 8) {
            uint64_t v = rng(); /* straight into RAM: nothing is decoded yet */
            memcpy(hram + (DATA_PA(k) - RAM_BASE) + o, &v, 8);
        }
    build_tables(&in);

    code_at(HANDLER_PA);
    put_handler(true);
    code_at(HANDLER_PA + 0x800);
    put_handler(false);
    for (unsigned s = 0; s < 2; s++)
        poke64(LOG_PA(s) + LOG_RESUME, CODE_PA);

    code_at(CODE_PA);
    /* the longest template is under 64 bytes */
    while (in.left && code_cursor() + 64 <= CODE_PA + PAGE_SIZE)
        put_template(&in);
    fill_rest_of_page();

    tame_page(CODE_PA);
    for (unsigned t = 0; t < TABLES; t++)
        tame_page(TABLE_PA(t));
    for (unsigned k = 0; k < DATA_PAGES; k++)
        tame_page(DATA_PA(k));

    /* CSRs through csr_write (in M, as at reset) so their WARL rules apply */
    csr_write(&hart, CSR_MSTATUS, su->mstatus);
    csr_write(&hart, CSR_SATP, su->satp);
    csr_write(&hart, CSR_MEDELEG, su->medeleg);
    csr_write(&hart, CSR_MIDELEG, su->mideleg);
    csr_write(&hart, CSR_MIE, su->mie);
    csr_write(&hart, CSR_MIP, su->mip);
    csr_write(&hart, CSR_MTVEC, HANDLER_PA);
    csr_write(&hart, CSR_STVEC, HANDLER_PA + 0x800);
    hart.fcsr = su->fcsr;
    /* Svade as menvcfg.ADUE = 0 (Svadu's switch; the hart has Svadu unless --svade) */
    csr_write(&hart, CSR_MENVCFG, su->svade ? 0 : ENVCFG_ADUE);
    hart.pc = CODE_PA;
    set_priv((enum priv)su->priv);
}
