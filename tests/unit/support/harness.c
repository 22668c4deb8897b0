/* The instruction-test harness: see harness.h. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cpu hart;
struct bus hbus;
uint8_t *hram;
static uint64_t cursor;

/* criterion's assertions are not usable from .init, so set-up failures abort loudly. */
static void die(const char *what)
{
    fprintf(stderr, "harness: %s\n", what);
    abort();
}

void harness_init(void)
{
    hram = aligned_alloc(4096, RAM_SIZE);
    if (!hram) die("cannot allocate guest RAM");
    memset(hram, 0, RAM_SIZE);
    bus_init(&hbus); /* nothing registered: every non-RAM address is an access fault */
    if (!cpu_init(&hart, hram, RAM_BASE, RAM_SIZE, &hbus)) die("cpu_init failed");
    cpu_reset(&hart, CODE_BASE);
    hart.mtvec = TRAP_VECTOR; /* direct mode (priv spec 3.1.7) */
    cursor = CODE_BASE;
}

void harness_fini(void)
{
    cpu_free(&hart);
    free(hram);
    hram = NULL;
}

static uint8_t *host(uint64_t pa, unsigned size)
{
    if (pa < RAM_BASE || pa - RAM_BASE + size > RAM_SIZE)
        die("test touched an address outside guest RAM");
    return hram + (pa - RAM_BASE);
}

void code_at(uint64_t addr)
{
    cursor = addr;
}
uint64_t code_cursor(void)
{
    return cursor;
}

void put32(uint32_t insn)
{
    poke32(cursor, insn);
    cursor += 4;
}

void put16(uint16_t parcel)
{
    poke16(cursor, parcel);
    cursor += 2;
}

/* RAM is little-endian like RISC-V (unpriv spec 1.5); cpu.h already requires an LE host.
 * Writes from the test are like DMA: they drop any decoded instructions they overwrite, so a
 * test may rewrite code after the hart has run it. */
static void poke(uint64_t pa, const void *v, unsigned size)
{
    memcpy(host(pa, size), v, size);
    cpu_invalidate_code(&hart, pa, size);
}

void poke8(uint64_t pa, uint8_t v)
{
    poke(pa, &v, 1);
}
void poke16(uint64_t pa, uint16_t v)
{
    poke(pa, &v, 2);
}
void poke32(uint64_t pa, uint32_t v)
{
    poke(pa, &v, 4);
}
void poke64(uint64_t pa, uint64_t v)
{
    poke(pa, &v, 8);
}

uint8_t peek8(uint64_t pa)
{
    uint8_t v;
    memcpy(&v, host(pa, 1), 1);
    return v;
}
uint16_t peek16(uint64_t pa)
{
    uint16_t v;
    memcpy(&v, host(pa, 2), 2);
    return v;
}
uint32_t peek32(uint64_t pa)
{
    uint32_t v;
    memcpy(&v, host(pa, 4), 4);
    return v;
}
uint64_t peek64(uint64_t pa)
{
    uint64_t v;
    memcpy(&v, host(pa, 8), 8);
    return v;
}

void step(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        cpu_step(&hart);
}

void exec32(uint32_t insn)
{
    code_at(hart.pc);
    put32(insn);
    cpu_step(&hart);
}

void exec16(uint16_t parcel)
{
    code_at(hart.pc);
    put16(parcel);
    cpu_step(&hart);
}

bool run_until(uint64_t stop, unsigned max_steps)
{
    for (unsigned i = 0; i < max_steps && hart.pc != stop; i++)
        cpu_step(&hart);
    return hart.pc == stop;
}

void set_priv(enum priv p)
{
    hart.priv = p;
    cpu_sync_mmu(&hart); /* the fast TLB keeps one view per privilege */
}

/* --- encoders: unpriv spec 2.2 (R/I/S/U) and 2.3 (B/J immediates) --- */

uint32_t enc_r(unsigned funct7, unsigned rs2, unsigned rs1, unsigned funct3, unsigned rd,
               unsigned opcode)
{
    return (uint32_t)(funct7 & 0x7f) << 25 | (uint32_t)(rs2 & 31) << 20 |
           (uint32_t)(rs1 & 31) << 15 | (uint32_t)(funct3 & 7) << 12 | (uint32_t)(rd & 31) << 7 |
           (opcode & 0x7f);
}

uint32_t enc_i(int32_t imm, unsigned rs1, unsigned funct3, unsigned rd, unsigned opcode)
{
    return ((uint32_t)imm & 0xfff) << 20 | (uint32_t)(rs1 & 31) << 15 |
           (uint32_t)(funct3 & 7) << 12 | (uint32_t)(rd & 31) << 7 | (opcode & 0x7f);
}

/* S: imm[11:5] in 31:25, imm[4:0] in 11:7. */
uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned funct3, unsigned opcode)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5) & 0x7f) << 25 | (uint32_t)(rs2 & 31) << 20 | (uint32_t)(rs1 & 31) << 15 |
           (uint32_t)(funct3 & 7) << 12 | (u & 0x1f) << 7 | (opcode & 0x7f);
}

/* B: imm[12] in 31, imm[10:5] in 30:25, imm[4:1] in 11:8, imm[11] in 7. */
uint32_t enc_b(int32_t imm, unsigned rs2, unsigned rs1, unsigned funct3, unsigned opcode)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | (uint32_t)(rs2 & 31) << 20 |
           (uint32_t)(rs1 & 31) << 15 | (uint32_t)(funct3 & 7) << 12 | ((u >> 1) & 0xf) << 8 |
           ((u >> 11) & 1) << 7 | (opcode & 0x7f);
}

uint32_t enc_u(uint32_t imm20, unsigned rd, unsigned opcode)
{
    return (imm20 & 0xfffff) << 12 | (uint32_t)(rd & 31) << 7 | (opcode & 0x7f);
}

/* J: imm[20] in 31, imm[10:1] in 30:21, imm[11] in 20, imm[19:12] in 19:12. */
uint32_t enc_j(int32_t imm, unsigned rd, unsigned opcode)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
           ((u >> 12) & 0xff) << 12 | (uint32_t)(rd & 31) << 7 | (opcode & 0x7f);
}
