/* Reads an address no region of its address space covers (below the user half, where the
 * kernel maps nothing). The kernel must kill this process alone and keep running. */
#include "user.h"

#define WILD_ADDRESS 0xdead0000ul

int main(void)
{
    printf("wild: reading 0x%lx, which nothing maps\n", WILD_ADDRESS);
    uint32_t value = *(volatile uint32_t *)WILD_ADDRESS;
    printf("wild: FAIL: still alive after reading 0x%x\n", value);
    return 2;
}
