/* Self-checking guest tests: each CHECK is numbered in program order, and the first one that
 * fails prints what it saw and powers off with its number as the exit status, so a failing
 * ctest names the check even without the console. Programs end with pass(), which prints a
 * summary line for the differential test and exits 0. */
#ifndef RV39_GUEST_CHECK_H
#define RV39_GUEST_CHECK_H

#include "rv39.h"

static int check_count;

static inline void check_eq(const char *what, int line, uint64_t got, uint64_t want)
{
    check_count++;
    if (got != want) {
        printf("FAIL check %d (line %d): %s = %lx, expected %lx\n", check_count, line, what, got,
               want);
        /* Exit statuses are one byte; 255 and up all report as 255. */
        exit(check_count < 255 ? check_count : 255);
    }
}

#define CHECK(got, want) check_eq(#got, __LINE__, (uint64_t)(got), (uint64_t)(want))

static inline int pass(const char *name)
{
    printf("%s: %d checks passed\n", name, check_count);
    return 0;
}

/* One instruction with register or immediate operands, forced through inline asm so the
 * compiler cannot fold it away or pick a different instruction. */
#define OP_RR(insn, a, b)                                                                          \
    ({                                                                                             \
        uint64_t r_;                                                                               \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)));  \
        r_;                                                                                        \
    })
#define OP_RI(insn, a, imm)                                                                        \
    ({                                                                                             \
        uint64_t r_;                                                                               \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"((uint64_t)(a)), "i"(imm));            \
        r_;                                                                                        \
    })

#endif
