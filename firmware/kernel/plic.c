/* The PLIC as hart 0's S-mode sees it (riscv/riscv-plic-spec, "Memory Map"): one 32-bit
 * priority register per source, an enable bit per source and context, and per context a
 * priority threshold and the claim/complete register. QEMU virt numbers the contexts
 * 2*hart (M-mode) and 2*hart + 1 (S-mode); ours is context 1.
 *
 * A source interrupts the context when it is pending, enabled there, and its priority is
 * above the context's threshold. Reading claim returns the highest-priority such source
 * (0 if none) and clears its pending bit; writing the number back to complete lets the
 * gateway forward that source's next interrupt ("Interrupt Claim Process", "Interrupt
 * Completion"). A level-triggered device such as the UART raises the interrupt again after
 * completion for as long as its condition holds, so the handler must drain it first. */
#include "plic.h"

#include "kernel.h"
#include "memlayout.h"
#include "riscv.h"

#define PLIC_SOURCES 96 /* QEMU virt: sources 1..95 */
#define S_CONTEXT 1     /* hart 0, S-mode */

#define PLIC_PRIORITY(src) (PLIC_BASE + 4ul * (src))
#define PLIC_ENABLE(ctx) (PLIC_BASE + 0x2000ul + 0x80ul * (ctx)) /* 32 sources per word */
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000ul + 0x1000ul * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + 4)

static void (*handlers[PLIC_SOURCES])(void);

static volatile uint32_t *reg(uint64_t address)
{
    return (volatile uint32_t *)address;
}

void plic_init(void)
{
    for (uint32_t word = 0; word < PLIC_SOURCES / 32; word++)
        reg(PLIC_ENABLE(S_CONTEXT))[word] = 0;
    *reg(PLIC_THRESHOLD(S_CONTEXT)) = 0; /* every priority >= 1 gets through */
    csr_set(sie, SIE_SEIE);
}

void plic_enable(uint32_t source, void (*handler)(void))
{
    if (source == 0 || source >= PLIC_SOURCES) panic("plic_enable: no source %u", source);
    handlers[source] = handler;
    *reg(PLIC_PRIORITY(source)) = 1; /* 0 would mean "never interrupt" */
    reg(PLIC_ENABLE(S_CONTEXT))[source / 32] |= 1u << (source % 32);
}

void plic_dispatch(void)
{
    for (;;) {
        uint32_t source = *reg(PLIC_CLAIM(S_CONTEXT));
        if (source == 0) return; /* nothing (more) pending: another context may have won */
        if (source < PLIC_SOURCES && handlers[source])
            handlers[source]();
        else
            printf("kernel: interrupt from PLIC source %u without a driver\n", source);
        *reg(PLIC_CLAIM(S_CONTEXT)) = source; /* complete */
    }
}
