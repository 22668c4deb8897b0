/* M's division and remainder inline in the translator (cpu/jit_x86_64_div.c): in a loop that
 * runs translated, the corner cases of unpriv spec 13.2 ("Semantics for division by zero and
 * division overflow") give the spec's values, not a host #DE, and the same as the
 * interpreter. */
#include <criterion/criterion.h>

#include "cpu/jit.h"
#include "support/harness.h"
#include "support/jit_compare.h"

#ifdef RV39_JIT

TestSuite(jit_div, .init = harness_init, .fini = harness_fini);

#define MIN64 0x8000000000000000ull
#define MIN32 0xffffffff80000000ull /* INT32_MIN sign-extended */

static void corner_program(void)
{
    li(1, MIN64);
    li(2, 0xffffffffffffffffull); /* -1 */
    li(3, 0x0000000080000000ull); /* INT32_MIN in the low half, positive as 64 bits */
    li(4, 7);
    put32(i_addi(30, 0, 3)); /* three passes: translated after the first */
    uint64_t top = code_cursor();
    put32(i_div(10, 4, 0));   /* 7 / 0 = -1 */
    put32(i_divu(11, 4, 0));  /* all ones */
    put32(i_rem(12, 4, 0));   /* 7 */
    put32(i_remu(13, 4, 0));  /* 7 */
    put32(i_div(14, 1, 2));   /* MIN / -1 = MIN */
    put32(i_rem(15, 1, 2));   /* 0 */
    put32(i_divw(16, 3, 2));  /* INT32_MIN / -1 = INT32_MIN, sign-extended */
    put32(i_remw(17, 3, 2));  /* 0 */
    put32(i_divuw(18, 4, 0)); /* all ones (32), sign-extended */
    put32(i_remuw(19, 1, 0)); /* low 32 bits of MIN64 = 0 */
    put32(i_remuw(20, 3, 0)); /* 0x80000000 sign-extended */
    put32(i_divw(21, 2, 4));  /* -1 / 7 = 0 */
    put32(i_rem(22, 2, 4));   /* -1 % 7 = -1 */
    put32(i_addi(30, 30, -1));
    put32(i_bne(30, 0, (int32_t)(top - code_cursor())));
    put32(I_WFI);
}

Test(jit_div, corner_cases_give_the_spec_values)
{
    struct outcome r = compare(corner_program);
    static const struct {
        unsigned reg;
        uint64_t want;
        const char *rule;
    } want[] = {
        {10, ~0ull, "div by zero: -1"},
        {11, ~0ull, "divu by zero: all ones"},
        {12, 7, "rem by zero: the dividend"},
        {13, 7, "remu by zero: the dividend"},
        {14, MIN64, "div overflow: the dividend"},
        {15, 0, "rem overflow: 0"},
        {16, MIN32, "divw overflow: the dividend, sign-extended"},
        {17, 0, "remw overflow: 0"},
        {18, ~0ull, "divuw by zero: all ones, sign-extended"},
        {19, 0, "remuw by zero: the dividend's low word"},
        {20, MIN32, "remuw by zero: the low word sign-extended"},
        {21, 0, "divw rounds toward zero"},
        {22, ~0ull, "rem has the dividend's sign"},
    };
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_eq(r.x[want[i].reg], want[i].want, "%s: x%u = %#llx", want[i].rule, want[i].reg,
                     (unsigned long long)r.x[want[i].reg]);
}

#else
Test(jit_div, not_built_on_this_host) {}
#endif
