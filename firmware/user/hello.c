/* Says hello, then sleeps a few ticks: the simplest citizen. */
#include "user.h"

#define NAP_TICKS 3

int main(void)
{
    printf("hello: hello from pid %d\n", getpid());
    /* The kernel must check user pointers: its own memory is no buffer to write from. */
    long leaked = write(1, (const void *)0x80200000ul, 16);
    printf("hello: write from a kernel address returns %ld\n", leaked);
    unsigned long before = uptime();
    sleep(NAP_TICKS);
    unsigned long slept = uptime() - before;
    printf("hello: slept %lu ticks (asked for %d)\n", slept, NAP_TICKS);
    return slept >= NAP_TICKS && leaked == -1 ? 0 : 1;
}
