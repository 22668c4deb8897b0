/* Integer division and remainder as RISC-V defines them (the interpreter's M handlers). */
#ifndef RV39_DIVIDE_H
#define RV39_DIVIDE_H

#include <stdint.h>

/* Division per unpriv spec 13.2, table "Semantics for division by zero and division
 * overflow": no traps, defined results. */
static inline int64_t div_s(int64_t a, int64_t b)
{
    if (b == 0) return -1;
    if (a == INT64_MIN && b == -1) return a;
    return a / b;
}
static inline uint64_t div_u(uint64_t a, uint64_t b)
{
    return b == 0 ? UINT64_MAX : a / b;
}
static inline int64_t rem_s(int64_t a, int64_t b)
{
    if (b == 0) return a;
    if (a == INT64_MIN && b == -1) return 0;
    return a % b;
}
static inline uint64_t rem_u(uint64_t a, uint64_t b)
{
    return b == 0 ? a : a % b;
}
static inline int32_t div_w(int32_t a, int32_t b)
{
    if (b == 0) return -1;
    if (a == INT32_MIN && b == -1) return a;
    return a / b;
}
static inline uint32_t divu_w(uint32_t a, uint32_t b)
{
    return b == 0 ? UINT32_MAX : a / b;
}
static inline int32_t rem_w(int32_t a, int32_t b)
{
    if (b == 0) return a;
    if (a == INT32_MIN && b == -1) return 0;
    return a % b;
}
static inline uint32_t remu_w(uint32_t a, uint32_t b)
{
    return b == 0 ? a : a % b;
}

#endif
