/* A small printf: %d %i %u %x %X %s %c %p %%, the l/ll/z length modifiers, a field width
 * and the '0' and '-' flags. Enough for test reports and benchmark numbers; no floating
 * point (guests print fixed-point by hand). */
#include "rv39.h"

static int emit_padded(const char *s, int len, int width, int left, char pad)
{
    int n = 0;
    if (!left)
        for (; width > len; width--, n++)
            putchar_(pad);
    for (int i = 0; i < len; i++, n++)
        putchar_(s[i]);
    if (left)
        for (; width > len; width--, n++)
            putchar_(' ');
    return n;
}

/* Digits of v in base into the end of buf; returns the first digit's index. */
static int format_unsigned(char *buf, int end, uint64_t v, unsigned base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int i = end;
    do {
        buf[--i] = digits[v % base];
        v /= base;
    } while (v);
    return i;
}

int vprintf(const char *fmt, va_list ap)
{
    int n = 0;
    char buf[24]; /* 20 decimal digits of 2^64, a sign, and spare */
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putchar_(*fmt);
            n++;
            continue;
        }
        fmt++;
        int left = 0;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int longness = 0; /* lp64: long and long long are both 64-bit */
        while (*fmt == 'l' || *fmt == 'z') {
            longness = 1;
            fmt++;
        }
        if (left) pad = ' '; /* zero padding on the right would change the number */

        int i;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = longness ? va_arg(ap, int64_t) : va_arg(ap, int);
            /* Negate as unsigned so INT64_MIN does not overflow. */
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            i = format_unsigned(buf, sizeof buf, mag, 10, 0);
            if (v < 0) {
                if (pad == '0') { /* sign before the zeros: -0042 */
                    putchar_('-');
                    n++;
                    width = width ? width - 1 : 0;
                } else {
                    buf[--i] = '-';
                }
            }
            n += emit_padded(buf + i, (int)sizeof buf - i, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = longness ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            i = format_unsigned(buf, sizeof buf, v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            n += emit_padded(buf + i, (int)sizeof buf - i, width, left, pad);
            break;
        }
        case 'p': {
            uint64_t v = (uintptr_t)va_arg(ap, void *);
            i = format_unsigned(buf, sizeof buf, v, 16, 0);
            buf[--i] = 'x';
            buf[--i] = '0';
            n += emit_padded(buf + i, (int)sizeof buf - i, width, left, ' ');
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            n += emit_padded(s, (int)strlen(s), width, left, ' ');
            break;
        }
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            n += emit_padded(buf, 1, width, left, ' ');
            break;
        case '%':
            putchar_('%');
            n++;
            break;
        case '\0': return n; /* lone '%' at the end */
        default:             /* unknown conversion: show it rather than guess */
            putchar_('%');
            putchar_(*fmt);
            n += 2;
            break;
        }
    }
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
