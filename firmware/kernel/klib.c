/* Small helpers: strings the kernel needs beyond firmware/common/string.c, and the lookup of
 * embedded programs. */
#include "kernel.h"

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

/* Copies at most size-1 bytes and always terminates (size > 0). */
void strlcpy_(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    for (; i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = 0;
}

const struct embedded_program *find_program(const char *name)
{
    for (const struct embedded_program *p = embedded_programs; p->name; p++)
        if (strcmp(p->name, name) == 0) return p;
    return NULL;
}
