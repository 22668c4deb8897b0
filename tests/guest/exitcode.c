/* A failing status travels from the finisher (0x3333 | 42 << 16) to the emulator's exit
 * status; ctest expects exactly 42. */
#include "rv39.h"

int main(void)
{
    printf("exiting with status 42\n");
    return 42;
}
