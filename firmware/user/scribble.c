/* Writes into its own code. The page exists (the program's text, mapped R+X), so this is not
 * a missing page for demand paging to fill but a store the page forbids: the kernel must
 * kill the process with a store page fault at that address. */
#include "user.h"

int main(void)
{
    volatile uint32_t *code = (volatile uint32_t *)(uintptr_t)main;
    printf("scribble: writing over my own code at 0x%lx\n", (unsigned long)(uintptr_t)code);
    *code = 0;
    printf("scribble: FAIL: my code is writable\n");
    return 2;
}
