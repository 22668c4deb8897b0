/* Compressed instructions: the hand-written ones in rvc_asm.S, then ordinary C code that
 * gcc (-march=rv64imac) compiles mostly into compressed forms, compared with results
 * computed by hand. */
#include "check.h"

uint64_t rvc_check(void);

/* noinline keeps these real code paths rather than constants folded at compile time. */
__attribute__((noinline)) static uint64_t fib(uint64_t n)
{
    uint64_t a = 0, b = 1;
    while (n--) {
        uint64_t t = a + b;
        a = b;
        b = t;
    }
    return a;
}

__attribute__((noinline)) static int32_t sum_words(const int32_t *v, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += v[i] >> 1;
    return s;
}

int main(void)
{
    CHECK(rvc_check(), 0);
    CHECK(fib(90), 2880067194370816120ull);
    static const int32_t v[] = {-7, 100, -2147483647 - 1, 3};
    CHECK(sum_words(v, 4), (uint64_t)(int64_t)(-4 + 50 - 1073741824 + 1));
    return pass("rvc");
}
