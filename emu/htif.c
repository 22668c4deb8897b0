/* HTIF, the host-target interface of Spike's front-end server (riscv-isa-sim, fesvr/htif.cc,
 * fesvr/device.cc, fesvr/syscall.cc), as riscv-tests and riscv-pk use it.
 *
 * The guest writes a command to the 64-bit word `tohost`:
 *
 *   63      56 55      48 47                                   0
 *   +---------+----------+--------------------------------------+
 *   | device  | command  | payload                              |
 *   +---------+----------+--------------------------------------+
 *
 * and the host answers, for commands that have an answer, by writing the same layout to
 * `fromhost` (device and command echoed, payload = the response). Devices, as fesvr registers
 * them: 0 = syscall proxy, 1 = the console ("bcd").
 *
 * Spike queues answers until the guest has cleared fromhost. struct htif has no room for a
 * queue, so a command is taken from tohost only when it can be answered at once: while
 * fromhost still holds an unread answer (or a console read has no input yet) the command
 * stays in tohost. Guests spin until tohost is 0 before writing it, so they see the same
 * order of events, only later. */
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "machine.h"

enum {
    HTIF_DEV_SYSCALL = 0,
    HTIF_DEV_CONSOLE = 1,
    HTIF_CONSOLE_READ = 0,
    HTIF_CONSOLE_WRITE = 1,
};

/* Linux/newlib syscall numbers as riscv-pk and riscv-tests pass them (fesvr/syscall.cc). */
enum { SYS_WRITE = 64, SYS_EXIT = 93 };
enum { HTIF_EBADF = 9, HTIF_EFAULT = 14, HTIF_ENOSYS = 38 };

#define HTIF_PAYLOAD_MASK ((1ull << 48) - 1)

static uint64_t htif_word(unsigned dev, unsigned cmd, uint64_t payload)
{
    return (uint64_t)dev << 56 | (uint64_t)cmd << 48 | (payload & HTIF_PAYLOAD_MASK);
}

/* Guest words are read and written through memcpy, never through a uint64_t pointer into RAM:
 * the loader refuses a misaligned tohost/fromhost symbol, but the syscall block's address is
 * the guest's to choose, and a misaligned uint64_t access is undefined behaviour in C. */
static bool load_word(struct machine *m, uint64_t pa, uint64_t *value)
{
    const uint8_t *p = machine_ram_ptr(m, pa, 8);
    if (!p) return false;
    memcpy(value, p, 8);
    return true;
}

static void store_word(struct machine *m, uint64_t pa, uint64_t value)
{
    uint8_t *p = machine_ram_ptr(m, pa, 8);
    if (p) memcpy(p, &value, 8);
}

static void power_off(struct machine *m, int status)
{
    m->stop = true;
    m->exit_status = status;
}

/* SYS_write to the guest's stdout or stderr goes to the console, like everything else the guest
 * prints; other descriptors do not exist here. Returns bytes written or -errno. */
static int64_t sys_write(struct machine *m, uint64_t fd, uint64_t buf, uint64_t len)
{
    if (fd != 1 && fd != 2) return -HTIF_EBADF;
    if (len == 0) return 0;
    const uint8_t *bytes = machine_ram_ptr(m, buf, len);
    if (!bytes) return -HTIF_EFAULT;
    size_t written = fwrite(bytes, 1, len, m->cfg.console);
    fflush(m->cfg.console);
    return (int64_t)written;
}

/* Device 0. Payload bit 0 set: power off with status payload >> 1 (riscv-tests: 1 = pass,
 * (n << 1) | 1 = test n failed). Otherwise the payload is the physical address of
 * `magic_mem`, eight words: the syscall number and its arguments; the result replaces the
 * number, and fromhost = 1 says it is there. Returns false when it could not be taken now.
 *
 * The block may sit at any even address: fesvr copies it byte by byte (syscall_t::dispatch
 * through memif_t::read/write, which split a misaligned range into aligned chunks), so a
 * misaligned block works there, and here it is copied in and out the same way. */
static bool serve_syscall(struct machine *m, uint64_t payload, uint64_t *fromhost)
{
    if (payload & 1) {
        power_off(m, (int)(payload >> 1));
        return true;
    }
    if (fromhost && *fromhost != 0) return false;
    uint64_t magic[8];
    uint8_t *block = machine_ram_ptr(m, payload, sizeof(magic));
    if (!block) {
        /* Spike stops with "bad address"; a guest bug that rv39 reports the same way. */
        fprintf(stderr, "rv39: htif: syscall block at 0x%llx is not in RAM\n",
                (unsigned long long)payload);
        power_off(m, 1);
        return true;
    }
    memcpy(magic, block, sizeof(magic));
    switch (magic[0]) {
    case SYS_WRITE: magic[0] = (uint64_t)sys_write(m, magic[1], magic[2], magic[3]); break;
    case SYS_EXIT: power_off(m, (int)magic[1]); return true;
    default: magic[0] = (uint64_t)(int64_t)-HTIF_ENOSYS; break;
    }
    memcpy(block, &magic[0], sizeof(magic[0])); /* the result replaces the number */
    if (fromhost) *fromhost = htif_word(HTIF_DEV_SYSCALL, 0, 1);
    return true;
}

/* One byte of host input if there is one now, else -1. Console reads are the guest's way to
 * take input; only guests that use HTIF issue them, so the UART is not competing here. */
static int read_console_byte(struct machine *m)
{
    if (!m->stdin_open) return -1;
    struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&pfd, 1, 0) != 1) return -1;
    unsigned char byte;
    ssize_t n = read(STDIN_FILENO, &byte, 1);
    if (n == 0) m->stdin_open = false;
    return n == 1 ? byte : -1;
}

/* Device 1, the console. Writes print the payload's low byte and have no answer (upstream
 * Spike stopped answering them; riscv-pk ignores an answer if one comes). A read is answered
 * with 0x100 | byte once a byte is available. */
static bool serve_console(struct machine *m, unsigned cmd, uint64_t payload, uint64_t *fromhost)
{
    switch (cmd) {
    case HTIF_CONSOLE_WRITE:
        fputc((int)(payload & 0xff), m->cfg.console);
        fflush(m->cfg.console);
        return true;
    case HTIF_CONSOLE_READ: {
        if (!fromhost) return true; /* nowhere to answer: drop it, as a read nobody can receive */
        if (*fromhost != 0) return false;
        int byte = read_console_byte(m);
        if (byte < 0) return false;
        *fromhost = htif_word(HTIF_DEV_CONSOLE, HTIF_CONSOLE_READ, 0x100 | (unsigned)byte);
        return true;
    }
    default: return true; /* fesvr's null command: ignored */
    }
}

void htif_poll(struct machine *m)
{
    if (!m->htif.enabled) return;
    uint64_t command, answer;
    if (!load_word(m, m->htif.tohost, &command) || command == 0) return;
    /* fromhost, when there is one in RAM, is worked on in `answer` and stored back after. */
    bool has_fromhost = m->htif.fromhost && load_word(m, m->htif.fromhost, &answer);
    uint64_t *fromhost = has_fromhost ? &answer : NULL;
    uint64_t before = has_fromhost ? answer : 0;

    unsigned dev = (unsigned)(command >> 56);
    unsigned cmd = (unsigned)(command >> 48) & 0xff;
    uint64_t payload = command & HTIF_PAYLOAD_MASK;

    bool taken;
    switch (dev) {
    case HTIF_DEV_SYSCALL: taken = cmd != 0 || serve_syscall(m, payload, fromhost); break;
    case HTIF_DEV_CONSOLE: taken = serve_console(m, cmd, payload, fromhost); break;
    default: taken = true; break; /* no such device: fesvr's null device ignores it */
    }
    if (has_fromhost && answer != before) store_word(m, m->htif.fromhost, answer);
    if (taken) store_word(m, m->htif.tohost, 0);
}
