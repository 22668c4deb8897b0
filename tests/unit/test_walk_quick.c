/* page_walk_quick (mmu/walk.c), the hart's walker for the common case, against page_walk, the
 * full walker of priv spec "Virtual Address Translation Process": on random page tables with
 * random PTE bits (reserved ones, PBMT, N, A/D clear, misaligned superpages, pointers at level
 * 0) and random requests, in Sv39, Sv48 and Sv57,
 *  - whenever the quick walker answers, the full walk succeeds with the same leaf, PTE address
 *    and physical address, and writes nothing (A and D were set);
 *  - whenever the full walk succeeds without setting A/D and without a PTE using bits 63:54,
 *    the quick walker answers too (else the hart's miss path would pay for two walks). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/walk.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define PAGES (RAM_SIZE >> 12)

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* A PTE pointing at a random RAM page (sometimes just outside RAM), with random flag bits and,
 * now and then, a reserved bit, PBMT or N set, or a PPN that is not superpage aligned. */
static uint64_t random_pte(void)
{
    uint64_t page = RAM_BASE / 4096 + rng() % (PAGES + 2);
    if (rng() % 4 == 0) page &= ~511ull; /* aligned for a 2 MiB leaf now and then */
    uint64_t pte = page << PTE_PPN_SHIFT | (rng() & 0xff);
    if (rng() % 3) pte |= PTE_V;
    if (rng() % 2) pte |= PTE_A | PTE_D;
    if (rng() % 3 == 0)
        pte &= ~(uint64_t)(PTE_R | PTE_W | PTE_X | PTE_D | PTE_A | PTE_U); /* pointer */
    switch (rng() % 16) {
    case 0: pte |= 1ull << (54 + rng() % 7); break;      /* reserved */
    case 1: pte |= (rng() % 4) << PTE_PBMT_SHIFT; break; /* Svpbmt */
    case 2: pte |= PTE_N; break;                         /* Svnapot */
    default: break;
    }
    return pte;
}

Test(walk_quick, agrees_with_page_walk)
{
    static const uint64_t modes[] = {SATP_MODE_SV39, SATP_MODE_SV48, SATP_MODE_SV57};
    uint8_t *host = malloc(RAM_SIZE);
    cr_assert_not_null(host);
    struct guest_ram mem = {.host = host, .base = RAM_BASE, .size = RAM_SIZE};
    unsigned answered = 0, full_ok = 0;
    for (unsigned round = 0; round < 200; round++) {
        /* Fill RAM with random PTEs: every walk finds something at every level. */
        uint64_t *words = (uint64_t *)(void *)host;
        for (size_t i = 0; i < RAM_SIZE / 8; i++)
            words[i] = random_pte();
        for (unsigned n = 0; n < 500; n++) {
            uint64_t root = RAM_BASE / 4096 + rng() % PAGES;
            uint64_t va = rng();
            if (rng() % 8) va = (uint64_t)((int64_t)(va << 25) >> 25); /* canonical in Sv39 */
            struct walk_request req = {
                .satp = modes[rng() % 3] << SATP_MODE_SHIFT | root,
                .va = va,
                .access = (enum access)(rng() % 3),
                .priv = (unsigned)(rng() % 2),
                .sum = rng() % 2,
                .mxr = rng() % 2,
                .update_ad = false, /* memory stays as it is: both walkers read the same */
                .svade = rng() % 2,
                .pbmte = rng() % 2,
                .svnapot = rng() % 2,
            };
            struct walk_leaf quick;
            bool got = page_walk_quick(&mem, &req, &quick);
            struct walk_result full;
            page_walk(&mem, &req, &full);
            bool high_bits = false,
                 ad_needed = full.fault == WALK_OK && full.pte != full.steps[full.nsteps - 1].pte;
            for (unsigned s = 0; s < full.nsteps; s++)
                if (full.steps[s].pte >> 54) high_bits = true;
            if (got) {
                answered++;
                cr_assert_eq(full.fault, WALK_OK, "quick answered where page_walk fails (%s)",
                             walk_fault_name(full.fault));
                cr_assert(!ad_needed, "quick answered where A/D needed setting");
                cr_assert_eq(quick.paddr, full.paddr);
                cr_assert_eq(quick.pte, full.pte);
                cr_assert_eq(quick.pte_addr, full.pte_addr);
                cr_assert_eq(quick.level, full.level);
            } else if (full.fault == WALK_OK) {
                full_ok++;
                cr_assert(ad_needed || high_bits,
                          "quick declined a plain walk (va 0x%llx, leaf 0x%llx at level %d)",
                          (unsigned long long)va, (unsigned long long)full.pte, full.level);
            }
        }
    }
    /* The random tables must give both outcomes often enough to mean something. */
    cr_assert_gt(answered, 100, "only %u quick walks succeeded", answered);
    cr_assert_gt(full_ok, 10, "only %u full-only walks", full_ok);
    free(host);
}
