/* Misaligned loads and stores through Sv39 (both rv39 and QEMU perform them rather than
 * trap): within a page, and across a page boundary into a page that is fine, unmapped or
 * read-only. A fault on the second page reports the address of the faulting portion, which
 * starts at the page boundary (machine.adoc, mtval: "the virtual address of the portion of
 * the access that caused the fault"), and a faulting store changes neither page. */
#include "priv.h"

#define VA(i) (TEST_VA + (uint64_t)(i)*PAGE)

static uint64_t s_ld(uint64_t va)
{
    uint64_t v = 0;
    __asm__ volatile("ld %0, 0(%1)" : "+r"(v) : "r"(va) : "memory");
    return v;
}
static uint64_t s_lw(uint64_t va)
{
    uint64_t v = 0;
    __asm__ volatile("lw %0, 0(%1)" : "+r"(v) : "r"(va) : "memory");
    return v;
}
static uint64_t s_sd(uint64_t va)
{
    __asm__ volatile("sd %0, 0(%1)" ::"r"(0x8877665544332211ul), "r"(va) : "memory");
    return 0;
}
static uint64_t s_sh(uint64_t va)
{
    __asm__ volatile("sh %0, 0(%1)" ::"r"(0xbbaaul), "r"(va) : "memory");
    return 0;
}

static uint64_t n;
static void fault(const char *what, uint64_t cause, uint64_t tval)
{
    check_ctx = what;
    CHECK("one trap", mtrap.count, n + 1);
    CHECK("cause", mtrap.cause, cause);
    CHECK("tval = start of the faulting portion", mtrap.tval, tval);
    check_ctx = 0;
    n = mtrap.count;
}

static uint64_t frame_word(int f, unsigned off) /* 8 bytes at any offset, bytewise */
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | frames[f][off + (unsigned)i];
    return v;
}

int main(void)
{
    priv_init();
    vm_init();
    csr_write(satp, satp_sv39(root_pt, 0));
    const uint64_t RW = PTE_V | PTE_R | PTE_W | PTE_AD;
    for (int f = 0; f < 4; f++)
        for (int k = 0; k < 4096; k++)
            frames[f][k] = (uint8_t)(f * 0x40 + k);
    l0_pt[0] = pte_leaf((uint64_t)frames[0], RW);
    l0_pt[1] = pte_leaf((uint64_t)frames[1], RW);
    l0_pt[2] = 0;
    l0_pt[3] = pte_leaf((uint64_t)frames[2], RW);
    l0_pt[4] = pte_leaf((uint64_t)frames[3], PTE_V | PTE_R | PTE_AD);
    sfence_all();
    n = mtrap.count;

    /* within a page, and across into a mapped page */
    CHECK("ld at +3 inside a page", RUN_S(s_ld, VA(0) + 3), frame_word(0, 3));
    CHECK("ld across pages 0|1", RUN_S(s_ld, VA(0) + 0xffb),
          (frame_word(1, 0) << 40) | (frame_word(0, 0xff8) >> 24));
    CHECK("lw across pages 0|1 (sign-extended)", RUN_S(s_lw, VA(0) + 0xffe),
          (uint64_t)(int64_t)(int32_t)(uint32_t)((frame_word(1, 0) << 16) |
                                                 (frame_word(0, 0xff8) >> 48)));
    RUN_S(s_sd, VA(0) + 0xffd);
    CHECK("sd across pages 0|1: low part", frame_word(0, 0xff8) >> 40, 0x332211);
    CHECK("sd across pages 0|1: high part", frame_word(1, 0) & 0xffffffffff, 0x8877665544ul);
    CHECK("no traps", mtrap.count, n);

    /* into an unmapped page */
    RUN_S(s_ld, VA(1) + 0xffc);
    fault("ld across into an unmapped page", 13, VA(2));
    RUN_S(s_lw, VA(1) + 0xfff);
    fault("lw across into an unmapped page", 13, VA(2));
    uint64_t before = frame_word(1, 0xff8);
    RUN_S(s_sd, VA(1) + 0xffa);
    fault("sd across into an unmapped page", 15, VA(2));
    CHECK("  first page unchanged", frame_word(1, 0xff8), before);
    RUN_S(s_sh, VA(1) + 0xfff);
    fault("sh across into an unmapped page", 15, VA(2));
    CHECK("  first page unchanged", frame_word(1, 0xff8), before);

    /* out of an unmapped page */
    RUN_S(s_ld, VA(2) + 0xffd);
    fault("ld from an unmapped page across into a mapped one", 13, VA(2) + 0xffd);
    RUN_S(s_sd, VA(2) + 0xffd);
    fault("sd from an unmapped page across into a mapped one", 15, VA(2) + 0xffd);

    /* into a read-only page */
    CHECK("ld across into a read-only page works", RUN_S(s_ld, VA(3) + 0xffc),
          (frame_word(3, 0) << 32) | (frame_word(2, 0xff8) >> 32));
    before = frame_word(2, 0xff8);
    uint64_t ro = frame_word(3, 0);
    RUN_S(s_sd, VA(3) + 0xffb);
    fault("sd across into a read-only page", 15, VA(4));
    CHECK("  first page unchanged", frame_word(2, 0xff8), before);
    CHECK("  read-only page unchanged", frame_word(3, 0), ro);

    return done("sv39_misaligned");
}
