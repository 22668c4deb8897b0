/* virtio-rng from the guest's side (virtio 1.2: 4.2 MMIO transport, 2.7 split virtqueues,
 * 5.4 entropy device): find the device in whichever virtio slot holds it, read entropy through
 * its queue with the PLIC routing the interrupt, then break the ring on purpose (a descriptor
 * chain that loops) and check the device stops with DEVICE_NEEDS_RESET (2.1.1) and works again
 * after a reset. Runs unchanged on QEMU (-device virtio-rng-device). */
#include <stdbool.h>

#include "check.h"
#include "virtio_regs.h"

#define VIRTIO_BASE 0x10001000ul
#define PLIC 0x0c000000ul

#define QSIZE 8
#define ID_ENTROPY 4

struct avail {
    uint16_t flags, idx, ring[QSIZE];
};
struct used {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[QSIZE];
};

static struct desc descs[QSIZE] __attribute__((aligned(16)));
static struct avail avail __attribute__((aligned(2)));
static struct used used __attribute__((aligned(4)));
static uint8_t buf_a[32], buf_b[48], buf_c[80];
static uint16_t seen_used;
static unsigned long dev; /* the rng's register window */

static uint32_t reg(unsigned off)
{
    return *(volatile uint32_t *)(dev + off);
}
static void set_reg(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(dev + off) = v;
}
static void set_reg64(unsigned off, uint64_t v)
{
    set_reg(off, (uint32_t)v);
    set_reg(off + 4, (uint32_t)(v >> 32));
}
static uint32_t plic(unsigned long off)
{
    return *(volatile uint32_t *)(PLIC + off);
}
static void set_plic(unsigned long off, uint32_t v)
{
    *(volatile uint32_t *)(PLIC + off) = v;
}

/* 3.1.1 driver initialisation: reset, ACK, DRIVER, features, FEATURES_OK, queue, DRIVER_OK. */
static void bring_up(void)
{
    set_reg(STATUS, 0);
    set_reg(STATUS, S_ACK);
    set_reg(STATUS, S_ACK | S_DRIVER);
    set_reg(DEV_FEATURES_SEL, 1);
    CHECK(reg(DEV_FEATURES) & 1, 1); /* VIRTIO_F_VERSION_1 */
    set_reg(DRV_FEATURES_SEL, 0);
    set_reg(DRV_FEATURES, 0);
    set_reg(DRV_FEATURES_SEL, 1);
    set_reg(DRV_FEATURES, (uint32_t)(F_VERSION_1 >> 32));
    set_reg(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    CHECK(reg(STATUS) & S_FEATURES_OK, S_FEATURES_OK);
    set_reg(QUEUE_SEL, 0);
    CHECK(reg(QUEUE_NUM_MAX) >= QSIZE, 1);
    set_reg(QUEUE_NUM, QSIZE);
    avail.idx = 0;
    used.idx = 0;
    seen_used = 0;
    set_reg64(QUEUE_DESC, (uint64_t)descs);
    set_reg64(QUEUE_DRIVER, (uint64_t)&avail);
    set_reg64(QUEUE_DEVICE, (uint64_t)&used);
    set_reg(QUEUE_READY, 1);
    set_reg(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

/* Offer chain `head` and wait for it to come back; returns used.len, or -1 on no answer. */
static long submit(uint16_t head)
{
    avail.ring[avail.idx % QSIZE] = head;
    __sync_synchronize();
    avail.idx++;
    __sync_synchronize();
    set_reg(QUEUE_NOTIFY, 0);
    for (unsigned spin = 0; *(volatile uint16_t *)&used.idx == seen_used; spin++)
        if (spin > 10000000) return -1;
    CHECK(used.ring[seen_used % QSIZE].id, head);
    return used.ring[seen_used++ % QSIZE].len;
}

static bool all_zero(const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

int main(void)
{
    unsigned slot = 8;
    for (unsigned s = 0; s < 8 && slot == 8; s++) {
        dev = VIRTIO_BASE + 0x1000ul * s;
        if (reg(MAGIC) == 0x74726976 && reg(VERSION) == 2 && reg(DEVICE_ID) == ID_ENTROPY) slot = s;
    }
    CHECK(slot < 8, 1); /* an entropy device is there */
    unsigned irq = 1 + slot;
    bring_up();
    set_plic(4 * irq, 1);                              /* priority */
    set_plic(0x2000 + 4 * (irq / 32), 1u << irq % 32); /* context 0 enable */
    set_plic(0x200000, 0);                             /* context 0 threshold */

    /* 5.4.6: a chain of two device-writable buffers comes back full of random bytes. */
    descs[0] = (struct desc){(uint64_t)buf_a, sizeof buf_a, DESC_NEXT | DESC_WRITE, 1};
    descs[1] = (struct desc){(uint64_t)buf_b, sizeof buf_b, DESC_WRITE, 0};
    CHECK(submit(0), sizeof buf_a + sizeof buf_b);
    CHECK(all_zero(buf_a, sizeof buf_a) || all_zero(buf_b, sizeof buf_b), 0);
    CHECK(reg(INTERRUPT_STATUS) & 1, 1);
    CHECK((plic(0x1000 + 4 * (irq / 32)) >> irq % 32) & 1, 1); /* pending at the PLIC */
    CHECK(plic(0x200004), irq);                                /* claim */
    set_reg(INTERRUPT_ACK, reg(INTERRUPT_STATUS));
    set_plic(0x200004, irq); /* complete */

    /* A second request: other bytes (the chance of equal 32 bytes is 2^-256). */
    descs[2] = (struct desc){(uint64_t)buf_c, sizeof buf_c, DESC_WRITE, 0};
    CHECK(submit(2), sizeof buf_c);
    bool same = true;
    for (unsigned i = 0; i < sizeof buf_a; i++)
        same = same && buf_a[i] == buf_c[i];
    CHECK(same, 0);
    set_reg(INTERRUPT_ACK, reg(INTERRUPT_STATUS));

    /* A ring that breaks the rules: descriptor 3 chains to itself forever (2.7.5.1: a chain
     * is never longer than the queue). The device stops with DEVICE_NEEDS_RESET and says so
     * with a configuration-change interrupt (4.2.3.1.1 / 2.1.2); the guest is unharmed. */
    descs[3] = (struct desc){(uint64_t)buf_a, sizeof buf_a, DESC_NEXT | DESC_WRITE, 3};
    avail.ring[avail.idx % QSIZE] = 3;
    __sync_synchronize();
    avail.idx++;
    __sync_synchronize();
    set_reg(QUEUE_NOTIFY, 0);
    CHECK(reg(STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
    CHECK(reg(INTERRUPT_STATUS) & 2, 2);
    set_reg(INTERRUPT_ACK, reg(INTERRUPT_STATUS));

    /* After a reset it serves again. */
    bring_up();
    CHECK(reg(STATUS) & S_NEEDS_RESET, 0);
    CHECK(submit(0), sizeof buf_a + sizeof buf_b);
    set_reg(INTERRUPT_ACK, reg(INTERRUPT_STATUS));
    set_reg(STATUS, 0);
    return pass("virtio_rng");
}
