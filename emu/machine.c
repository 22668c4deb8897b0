/* The board and its run loop.
 *
 * The harts run in slices of SLICE_INSNS instructions, one after the other in a fixed order
 * (the deterministic round-robin mode); between rounds the loop does what a real board does
 * concurrently: advances the timer comparators, moves host keyboard input into the UART,
 * serves HTIF, and idles the host while every hart sits in wfi.
 *
 * Slices are instruction budgets, so under -icount (devices/timebase.h) every timer
 * interrupt the loop raises lands at an instruction count the guest alone decides: mtip and
 * the RTC alarm are looked at here between slices, stip when a run starts (cpu_run) and at
 * CSR writes; a wfi skips guest time to the next deadline instead of sleeping (idle()). */
#define _GNU_SOURCE /* ppoll */
#include "machine.h"
#include "machine_threads.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../cpu/cmo.h" /* ENVCFG_STCE */
#include "../devices/timebase.h"
#include "console.h"
#include "console_out.h"
#include "display_sdl.h"
#include "record.h"
#include "snapshot.h"

#define SLICE_INSNS 20000
#define STDIN_POLL_SLICES 16    /* look at the keyboard every ~0.3 ms of guest time */
#define MAX_IDLE_NS 10000000ull /* wake from wfi at least every 10 ms */

static volatile sig_atomic_t host_interrupt; /* SIGINT/SIGTERM: stop the run cleanly */

static void on_signal(int sig)
{
    host_interrupt = sig;
}

static void machine_power(void *opaque, enum power_action action, int status)
{
    struct machine *m = opaque;
    machine_yield_all(m);
    if (action == POWER_OFF) {
        m->stop = true;
        m->exit_status = status;
    } else {
        m->reset = true;
    }
}

/* -icount: the RTC reads a fixed base plus guest time (QEMU's -rtc base=...,clock=vm). */
static uint64_t rtc_base_ns;
static uint64_t icount_rtc_ns(void)
{
    return rtc_base_ns + timebase_guest_ns();
}

/* Power-on state of the board's devices (at start and on a guest-requested reset). */
static void devices_reset(struct machine *m)
{
    /* Each hart's interrupt wires: PLIC contexts 2h (M) and 2h+1 (S), CLINT msip/mtimecmp h. */
    struct irq_line mei[MACHINE_MAX_HARTS], sei[MACHINE_MAX_HARTS], msi[MACHINE_MAX_HARTS],
        mti[MACHINE_MAX_HARTS];
    for (unsigned h = 0; h < m->nharts; h++) {
        mei[h] = (struct irq_line){cpu_set_irq, m->hart[h], IRQ_MEI};
        sei[h] = (struct irq_line){cpu_set_irq, m->hart[h], IRQ_SEI};
        msi[h] = (struct irq_line){cpu_set_irq, m->hart[h], IRQ_MSI};
        mti[h] = (struct irq_line){cpu_set_irq, m->hart[h], IRQ_MTI};
    }
    /* The PLIC first: it clears its inputs, and the devices below may raise theirs. */
    plic_init(&m->plic, m->nharts, mei, sei);
    uart_init(&m->uart, m->cfg.console, (struct irq_line){plic_set_irq, &m->plic, UART_IRQ});
    clint_init(&m->clint, m->nharts, msi, mti);
    sifive_test_init(&m->finisher, machine_power, m);
    goldfish_rtc_init(&m->rtc, (struct irq_line){plic_set_irq, &m->plic, GOLDFISH_RTC_IRQ},
                      m->cfg.icount ? icount_rtc_ns : NULL);
    /* virtio devices reset as if the driver wrote 0 to Status (virtio 1.x 4.2.2.1). */
    for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++)
        if (m->virtio[slot].ops) virtio_mmio_write(&m->virtio[slot], VIRTIO_MMIO_STATUS, 4, 0);
}

void machine_invalidate_code(struct machine *m, uint64_t pa, uint64_t len)
{
    /* Harts on threads own their caches: they are told (mmu/coherence.h) and drop the code
     * at their next slice, trap, FENCE or FENCE.I. */
    if (m->threads && m->nharts > 1) {
        cpu_written_by_device(m->hart[0], pa, len);
        return;
    }
    for (unsigned h = 0; h < m->nharts; h++)
        cpu_invalidate_code(m->hart[h], pa, len);
}

void machine_yield_all(struct machine *m)
{
    for (unsigned h = 0; h < m->nharts; h++)
        m->hart[h]->yield_request = true;
}

/* DMA wrote guest RAM: the harts drop decoded instructions there. */
static void dma_written(void *opaque, uint64_t pa, uint64_t len)
{
    machine_invalidate_code(opaque, pa, len);
}

/* The harts, each with its caches (cpu_init), numbered from 0. */
static bool make_harts(struct machine *m, unsigned n)
{
    for (unsigned h = 0; h < n; h++) {
        m->hart[h] = malloc(sizeof(*m->hart[h]));
        if (!m->hart[h] || !cpu_init(m->hart[h], m->ram.host, m->ram.base, m->ram.size, &m->bus)) {
            fprintf(stderr, "rv39: out of host memory for the harts' caches\n");
            return false;
        }
        m->nharts = h + 1;
        /* One RAM: stores and DMA reach every hart's decoded code (mmu/coherence.h). */
        if (h && !cpu_share_ram(m->hart[h], m->hart[0])) {
            fprintf(stderr, "rv39: out of host memory for the harts' caches\n");
            return false;
        }
        m->hart[h]->mhartid = h;
    }
    return true;
}

/* The harts' retired-instruction counts, for -icount's guest time. */
static const uint64_t *hart_retired[MACHINE_MAX_HARTS];
_Static_assert(MACHINE_MAX_HARTS <= CLINT_MAX_HARTS && MACHINE_MAX_HARTS <= PLIC_MAX_HARTS,
               "every hart has its CLINT registers and PLIC contexts");
_Static_assert(MACHINE_MAX_HARTS <= TIMEBASE_MAX_HARTS, "guest time counts every hart");

/* Guest RAM: reserved, not committed (untouched guest RAM costs no host memory), aligned to
 * 2 MiB and offered to transparent huge pages. A guest that touches all of its RAM (our
 * kernel builds its free list through every frame) then takes one host fault per 2 MiB
 * instead of one per 4 KiB, which was most of a kernel boot's time; the host TLB covers
 * more guest RAM too. QEMU does the same for its RAM. */
#define HOST_HUGE_PAGE (2ul << 20)
static uint8_t *reserve_guest_ram(uint64_t size)
{
    size_t span = size + HOST_HUGE_PAGE;
    uint8_t *raw = mmap(NULL, span, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    uint8_t *ram = (uint8_t *)(((uintptr_t)raw + HOST_HUGE_PAGE - 1) & ~(HOST_HUGE_PAGE - 1));
    if (ram > raw) munmap(raw, (size_t)(ram - raw));
    size_t tail = (size_t)(raw + span - (ram + size));
    if (tail) munmap(ram + size, tail);
#ifdef MADV_HUGEPAGE
    madvise(ram, size, MADV_HUGEPAGE); /* advice only: without THP nothing changes */
#endif
    return ram;
}

bool machine_init(struct machine *m, const struct machine_config *cfg)
{
    memset(m, 0, sizeof(*m));
    m->cfg = *cfg;
    if (!m->cfg.console) m->cfg.console = stdout;
    uint64_t ram_size = cfg->ram_size ? cfg->ram_size : DEFAULT_RAM_SIZE;
    uint8_t *ram = reserve_guest_ram(ram_size);
    if (!ram) {
        fprintf(stderr, "rv39: cannot reserve %llu MiB of guest RAM: %s\n",
                (unsigned long long)(ram_size >> 20), strerror(errno));
        return false;
    }
    m->ram = (struct guest_ram){.host = ram, .base = RAM_BASE, .size = ram_size};
    if (!make_harts(m, cfg->harts ? cfg->harts : 1)) return false;

    uint32_t fb_width = cfg->fb_width ? cfg->fb_width : FB_DEFAULT_WIDTH;
    uint32_t fb_height = cfg->fb_height ? cfg->fb_height : FB_DEFAULT_HEIGHT;
    if (!framebuffer_init(&m->fb, fb_width, fb_height)) {
        fprintf(stderr, "rv39: cannot make a %ux%u framebuffer\n", fb_width, fb_height);
        return false;
    }

    bus_init(&m->bus);
    devices_reset(m);
    const struct bus_device devices[] = {
        {"sifive_test", SIFIVE_TEST_BASE, SIFIVE_TEST_SIZE, &m->finisher, sifive_test_read,
         sifive_test_write},
        {"goldfish_rtc", GOLDFISH_RTC_BASE, GOLDFISH_RTC_SIZE, &m->rtc, goldfish_rtc_read,
         goldfish_rtc_write},
        {"clint", CLINT_BASE, CLINT_SIZE, &m->clint, clint_read, clint_write},
        {"plic", PLIC_BASE, PLIC_SIZE, &m->plic, plic_read, plic_write},
        {"uart", UART_BASE, UART_SIZE, &m->uart, uart_read, uart_write},
        {"framebuffer", FB_BASE, m->fb.size, &m->fb, framebuffer_read, framebuffer_write},
    };
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        if (!bus_register(&m->bus, &devices[i])) {
            fprintf(stderr, "rv39: cannot place device %s\n", devices[i].name);
            return false;
        }
    }
    m->dma = (struct dma){m->ram, dma_written, m};
    if (!machine_attach_virtio(m)) return false;
    timebase_init();
    if (cfg->icount) {
        /* Guest time from the harts' total: in the round-robin mode a function of what each
         * hart retired, whichever hart looks at the time. */
        for (unsigned h = 0; h < m->nharts; h++)
            hart_retired[h] = &m->hart[h]->stats.retired;
        timebase_icount_harts(cfg->icount_shift, hart_retired, m->nharts);
        const uint64_t *lag[MACHINE_MAX_HARTS];
        for (unsigned h = 0; h < m->nharts; h++)
            lag[h] = &m->hart[h]->time_lag;
        timebase_icount_lag(lag, m->nharts);
        rtc_base_ns = cfg->rtc_base_ns;
    }
    m->next_state_hash = cfg->state_hash_every;
    m->stdin_open = true;
    return true;
}

void machine_free(struct machine *m)
{
    machine_threads_stop(m); /* no hart runs from here on */
    snapshot_machine_free(m);
    machine_detach_virtio(m); /* drives synced, networks closed */
    for (unsigned h = 0; h < MACHINE_MAX_HARTS; h++) {
        if (!m->hart[h]) continue;
        cpu_free(m->hart[h]);
        free(m->hart[h]);
        m->hart[h] = NULL;
    }
    m->nharts = 0;
    framebuffer_free(&m->fb);
    if (m->ram.host) munmap(m->ram.host, m->ram.size);
    m->ram.host = NULL;
}

uint8_t *machine_ram_ptr(struct machine *m, uint64_t pa, uint64_t len)
{
    uint8_t *p = ram_span(&m->ram, pa, len);
    if (p) ram_note_write(&m->ram, pa, len); /* loaders, HTIF and debuggers may write it */
    return p;
}

void machine_boot(struct machine *m)
{
    for (unsigned h = 0; h < m->nharts; h++) {
        struct cpu *c = m->hart[h];
        cpu_reset(c, m->entry);
        c->x[10] = c->mhartid; /* a0: hart id */
        c->x[11] = m->dtb_addr; /* a1: device tree address */
    }
}

void machine_start(struct machine *m)
{
    if (m->resumed)
        m->resumed = false;
    else
        machine_boot(m);
}

/* The next mtime at which a timer raises an interrupt by itself (UINT64_MAX: none). */
static uint64_t next_deadline(const struct machine *m)
{
    uint64_t now = timebase_now(), deadline = UINT64_MAX;
    for (unsigned h = 0; h < m->nharts; h++) {
        const struct cpu *c = m->hart[h];
        if (m->clint.mtimecmp[h] > now && m->clint.mtimecmp[h] < deadline)
            deadline = m->clint.mtimecmp[h];
        if ((c->menvcfg & ENVCFG_STCE) && c->stimecmp > now && c->stimecmp < deadline)
            deadline = c->stimecmp;
    }
    const struct goldfish_rtc *r = &m->rtc;
    if (r->alarm_running && r->irq_enabled) {
        uint64_t rtc_now = r->clock_ns() + (uint64_t)r->offset_ns;
        uint64_t ns = r->alarm_ns > rtc_now ? r->alarm_ns - rtc_now : 0;
        uint64_t ticks = ns / TIMEBASE_NS_PER_TICK + 1; /* the first tick at or after it */
        if (ticks < deadline - now) deadline = now + ticks;
    }
    return deadline;
}

/* Every hart is in wfi: sleep until the next timer deadline, input, or MAX_IDLE_NS. Under
 * -icount guest time jumps to the deadline instead (the host's speed must not matter); with
 * no deadline the hart waits for input with guest time standing still. */
static void idle(struct machine *m)
{
    uint64_t deadline = next_deadline(m);
    if (timebase_is_icount() && deadline != UINT64_MAX) {
        timebase_skip_to(deadline);
        return;
    }
    /* Replaying, what wakes the hart is in the log at this very point (guest time stands
     * still while it waits): the next service hands it over, nothing to wait for. */
    if (timebase_is_icount() && rr_input_from_log(m->rr)) return;
    uint64_t ns = timebase_is_icount() ? MAX_IDLE_NS : timebase_ns_until(deadline);
    if (ns > MAX_IDLE_NS) ns = MAX_IDLE_NS;
    if (machine_has_network(m)) { /* the network's sockets and timers wake the hart too */
        machine_poll(m, ns, m->stdin_open);
        return;
    }
    struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
    console_wait(m, &ts); /* terminal or window input wakes it at once */
}

/* Every hart sits in wfi. */
static bool all_waiting(const struct machine *m)
{
    for (unsigned h = 0; h < m->nharts; h++)
        if (!m->hart[h]->wfi) return false;
    return true;
}

/* The board's work (machine_service), with the devices to itself. */
static bool service(struct machine *m)
{
    bool waiting = all_waiting(m);
    /* Under a debugger Ctrl-C only interrupts (machine_interrupted); SIGTERM always stops. */
    if (host_interrupt && (!m->debugging || host_interrupt != SIGINT)) {
        console_out_end_guest_line();
        fprintf(stderr, "rv39: stopped by signal %d\n", (int)host_interrupt);
        m->exit_status = 128 + host_interrupt;
        m->stop = true;
    }
    if (m->cfg.state_hash_every && m->instret >= m->next_state_hash) {
        machine_print_state_hash(m);
        m->next_state_hash = (m->instret / m->cfg.state_hash_every + 1) * m->cfg.state_hash_every;
    }
    if (m->stop) return false;
    clint_update(&m->clint);
    goldfish_rtc_update(&m->rtc);
    if (m->rr) rr_service(m->rr, m); /* -replay: the inputs due now; both: the sync points */
    if (m->stop) return false;
    if (m->slices++ % STDIN_POLL_SLICES == 0 || waiting) {
        console_pump(m);
        if (machine_has_network(m) && !waiting) machine_poll(m, 0, false); /* idle() does it */
    }
    if (m->ui && !display_service(m)) { /* the SDL window: its keys in, its picture out */
        console_out_end_guest_line();
        fprintf(stderr, "rv39: window closed: machine powered off (exit status 0)\n");
        m->exit_status = 0;
        m->stop = true;
        return false;
    }
    machine_input_service(m); /* keys and pointer from the window to virtio-input */
    htif_poll(m);
    fflush(m->cfg.console);
    if (m->stop) return false;
    if (m->reset) {
        m->reset = false;
        if (m->reload && !m->reload(m)) {
            m->exit_status = 2;
            m->stop = true;
            return false;
        }
        devices_reset(m);
        machine_boot(m);
    }
    return true;
}

bool machine_service(struct machine *m)
{
    if (!m->threads) return service(m);
    /* Harts on threads: they stop first where the service changes them (reset, the end). */
    if (m->reset || m->stop || host_interrupt) machine_threads_pause(m);
    machine_lock(m);
    bool go_on = service(m);
    machine_unlock(m);
    if (!go_on) machine_threads_pause(m);
    return go_on;
}

uint64_t machine_run_slice(struct machine *m)
{
    return m->threads ? machine_advance_parallel(m) : machine_advance(m, SLICE_INSNS, false);
}

uint64_t machine_advance_hart(struct machine *m, struct cpu *c, uint64_t budget, bool step,
                              bool *idle)
{
    *idle = false;
    if (c->wfi) {
        cpu_update_stip(c);
        /* wfi ends when an interrupt is pending and enabled in mie, whatever the global
         * enables (priv spec 3.3.3). */
        if (!(c->mip & c->mie)) {
            *idle = true;
            return 0;
        }
        c->wfi = false;
    }
    uint64_t before = c->minstret;
    uint64_t n;
    if (step) {
        cpu_step(c);
        n = c->minstret - before; /* 0 when the step took a trap */
    } else {
        n = cpu_run(c, budget);
    }
    __atomic_fetch_add(&m->instret, n, __ATOMIC_RELAXED); /* harts may run on threads */
    return n;
}

uint64_t machine_advance(struct machine *m, uint64_t budget, bool step)
{
    uint64_t n = 0;
    bool all_idle = true, hart_idle;
    if (step) {
        n = machine_advance_hart(m, machine_selected(m), 1, true, &hart_idle);
        all_idle = hart_idle;
    } else {
        for (unsigned h = 0; h < m->nharts; h++) {
            n += machine_advance_hart(m, m->hart[h], budget, false, &hart_idle);
            all_idle &= hart_idle;
            /* A power-off or reset stops the round at the store that asked for it. */
            if (m->stop || m->reset) return n;
        }
    }
    if (all_idle) idle(m);
    return n;
}

void machine_idle(struct machine *m)
{
    idle(m);
}

bool machine_interrupted(void)
{
    if (host_interrupt != SIGINT) return false;
    host_interrupt = 0;
    return true;
}

void machine_console_begin(void)
{
    console_raw_begin();
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void machine_console_end(struct machine *m)
{
    fflush(m->cfg.console);
    console_raw_end();
}

int machine_run(struct machine *m)
{
    machine_start(m);
    machine_console_begin();
    while (machine_service(m))
        machine_run_slice(m);
    machine_console_end(m);
    return m->exit_status;
}
