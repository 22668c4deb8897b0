/* The parallel run mode (-accel tcg,thread=multi, the default with -smp N > 1): each hart on a
 * host thread of its own, over the one guest RAM (the memory model: README, "Memory model").
 *
 * Hart threads run slices of SLICE_INSNS instructions (machine_advance_hart) back to back. The
 * devices are one critical section: the bus takes m->bus.lock around every MMIO access
 * (devices/bus.c) and the main thread holds it for the board's service work (timers, console,
 * virtio, HTIF), which it does about every millisecond (machine_advance_parallel) instead of
 * between slices. A hart in wfi with nothing pending sleeps on `wake`; whatever may raise an
 * interrupt (an MMIO write, e.g. an IPI through the CLINT, and every service round) kicks
 * the harts: a hart with a deliverable interrupt leaves its slice (yield_request) and a
 * sleeping one wakes. Power-off, reset and the monitor pause every hart at a slice boundary
 * first (machine_threads_pause); the threads go on at the next machine_advance_parallel and
 * end in machine_threads_stop. */
#include "machine_threads.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "console.h"

#define SLICE_INSNS 20000       /* as the round-robin mode's */
#define SERVICE_NS 1000000ull   /* the longest the main thread leaves the devices alone */
#define WFI_RECHECK_NS 1000000ull /* a sleeping hart looks again (Sstc's stimecmp) */

struct hart_thread {
    pthread_t thread;
    struct machine *m;
    struct cpu *c;
    bool parked;
};

struct machine_threads {
    pthread_mutex_t bus_lock; /* m->bus.lock: recursive */
    pthread_mutex_t mutex;    /* the fields below, and the condition variables */
    pthread_cond_t wake;      /* a sleeping hart: an interrupt may be pending, or pause/quit */
    pthread_cond_t run;       /* parked harts: go on (or quit) */
    pthread_cond_t parked_cv; /* the pauser: one more hart parked */
    uint32_t pause;           /* atomic: harts park at their next slice boundary */
    bool quit;
    unsigned parked;
    unsigned started;
    struct hart_thread hart[MACHINE_MAX_HARTS];
};

static void deadline_in(struct timespec *ts, uint64_t ns)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_nsec += (long)ns;
    while (ts->tv_nsec >= 1000000000l) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000l;
    }
}

/* Park while paused; false when the thread must end. */
static bool wait_while_paused(struct machine_threads *t, struct hart_thread *h)
{
    if (!__atomic_load_n(&t->pause, __ATOMIC_ACQUIRE)) return true;
    pthread_mutex_lock(&t->mutex);
    while (t->pause && !t->quit) {
        if (!h->parked) {
            h->parked = true;
            t->parked++;
            pthread_cond_broadcast(&t->parked_cv);
        }
        pthread_cond_wait(&t->run, &t->mutex);
    }
    if (h->parked) {
        h->parked = false;
        t->parked--;
    }
    bool go_on = !t->quit;
    pthread_mutex_unlock(&t->mutex);
    return go_on;
}

static void *hart_main(void *arg)
{
    struct hart_thread *h = arg;
    struct machine *m = h->m;
    struct machine_threads *t = m->threads;
    while (wait_while_paused(t, h)) {
        bool idle;
        machine_advance_hart(m, h->c, SLICE_INSNS, false, &idle);
        if (h->c->paused) { /* the guest spins (pause): let a hart it may wait for run */
            h->c->paused = false;
            sched_yield();
        }
        if (!idle) continue;
        /* wfi with nothing pending: sleep until kicked (an interrupt may be pending now), a
         * pause, or a while (Sstc's timer is the hart's own: machine_advance_hart looks). */
        struct timespec ts;
        deadline_in(&ts, WFI_RECHECK_NS);
        pthread_mutex_lock(&t->mutex);
        if (!t->pause && !t->quit &&
            !(__atomic_load_n(&h->c->mip, __ATOMIC_ACQUIRE) & h->c->mie))
            pthread_cond_timedwait(&t->wake, &t->mutex, &ts);
        pthread_mutex_unlock(&t->mutex);
    }
    return NULL;
}

/* After an MMIO write and every service round: a hart with an interrupt it would take now
 * leaves its slice to take it; sleeping ones look again. */
static void kick(void *opaque)
{
    struct machine *m = opaque;
    struct machine_threads *t = m->threads;
    for (unsigned i = 0; i < m->nharts; i++)
        if (cpu_pending_irq(m->hart[i]) >= 0)
            __atomic_store_n(&m->hart[i]->yield_request, true, __ATOMIC_RELEASE);
    pthread_mutex_lock(&t->mutex);
    pthread_cond_broadcast(&t->wake);
    pthread_mutex_unlock(&t->mutex);
}

bool machine_threads_init(struct machine *m)
{
    struct machine_threads *t = calloc(1, sizeof(*t));
    if (!t) return false;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&t->bus_lock, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_mutex_init(&t->mutex, NULL);
    pthread_cond_init(&t->wake, NULL);
    pthread_cond_init(&t->run, NULL);
    pthread_cond_init(&t->parked_cv, NULL);
    m->threads = t;
    m->bus.lock = &t->bus_lock;
    m->bus.after_write = kick;
    m->bus.after_opaque = m;
    return true;
}

static bool start(struct machine *m)
{
    struct machine_threads *t = m->threads;
    for (; t->started < m->nharts; t->started++) {
        struct hart_thread *h = &t->hart[t->started];
        *h = (struct hart_thread){.m = m, .c = m->hart[t->started]};
        h->c->pause_yields = true;
        if (pthread_create(&h->thread, NULL, hart_main, h) != 0) return false;
    }
    return true;
}

void machine_threads_pause(struct machine *m)
{
    struct machine_threads *t = m->threads;
    if (!t || !t->started) return;
    pthread_mutex_lock(&t->mutex);
    __atomic_store_n(&t->pause, 1, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < m->nharts; i++)
        __atomic_store_n(&m->hart[i]->yield_request, true, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&t->wake);
    while (t->parked < t->started)
        pthread_cond_wait(&t->parked_cv, &t->mutex);
    pthread_mutex_unlock(&t->mutex);
}

static void resume(struct machine_threads *t)
{
    if (!__atomic_load_n(&t->pause, __ATOMIC_ACQUIRE)) return;
    pthread_mutex_lock(&t->mutex);
    __atomic_store_n(&t->pause, 0, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&t->run);
    pthread_mutex_unlock(&t->mutex);
}

void machine_threads_stop(struct machine *m)
{
    struct machine_threads *t = m->threads;
    if (!t) return;
    machine_threads_pause(m);
    pthread_mutex_lock(&t->mutex);
    t->quit = true;
    pthread_cond_broadcast(&t->run);
    pthread_mutex_unlock(&t->mutex);
    for (unsigned i = 0; i < t->started; i++) {
        pthread_join(t->hart[i].thread, NULL);
        t->hart[i].c->pause_yields = false;
    }
    m->bus.lock = NULL;
    m->bus.after_write = NULL;
    pthread_cond_destroy(&t->wake);
    pthread_cond_destroy(&t->run);
    pthread_cond_destroy(&t->parked_cv);
    pthread_mutex_destroy(&t->mutex);
    pthread_mutex_destroy(&t->bus_lock);
    free(t);
    m->threads = NULL;
}

void machine_lock(struct machine *m)
{
    if (m->threads) pthread_mutex_lock(&m->threads->bus_lock);
}

void machine_unlock(struct machine *m)
{
    if (m->threads) {
        kick(m); /* the service round may have raised interrupts */
        pthread_mutex_unlock(&m->threads->bus_lock);
    }
}

uint64_t machine_advance_parallel(struct machine *m)
{
    struct machine_threads *t = m->threads;
    resume(t);
    if (!start(m)) {
        fprintf(stderr, "rv39: cannot start a host thread for a hart\n");
        m->stop = true;
        m->exit_status = 2;
        return 0;
    }
    /* The harts run; the devices wait for the next service round, at most SERVICE_NS away
     * (sooner on terminal or window input). */
    struct timespec ts = {0, (long)SERVICE_NS};
    console_wait(m, &ts);
    if (machine_has_network(m)) {
        machine_lock(m);
        machine_poll(m, 0, false);
        machine_unlock(m);
    }
    return 0;
}
