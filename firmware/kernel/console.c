/* The console: output to the serial line (through the firmware's SBI console) and, when the
 * machine has one, to the framebuffer console (fbcon.c); input from the UART (uart.c) with
 * a line discipline. printf (firmware/common/printf.c) formats on top of putchar_.
 *
 * Input: the UART interrupt only queues raw bytes (console_input). The line editing runs in
 * console_read, in the reading process: it takes raw bytes, echoes them and assembles a
 * line, which read() then hands out. Echoing when a reader takes the bytes (rather than when
 * they arrive) keeps type-ahead in order: what was typed while a program ran shows up behind
 * the shell's next prompt, not in the middle of the program's output.
 *
 *   Enter (CR or LF; the LF of a CR LF pair is dropped) ends the line and delivers '\n';
 *   DEL (0x7f) and BS (0x08) erase the last character; Ctrl-U erases the whole line;
 *   Ctrl-D ends the line without a newline, so on an empty line read() returns 0: end of input. */
#include "kernel.h"
#include "proc.h"
#include "vm.h"

int vprintf(const char *fmt, va_list ap);

#define INPUT_RING_SIZE 256 /* raw bytes between the interrupt and the reader */
#define LINE_MAX 128        /* one edited line, '\n' included */
#define CTRL_D 0x04         /* end of input */
#define CTRL_U 0x15         /* erase the line */
#define DEL 0x7f

void putchar_(int c)
{
    if (c == '\n') sbi_console_putchar('\r'); /* terminals want CR LF */
    sbi_console_putchar(c);
    fbcon_putc(c);
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        putchar_(s[i]);
}

/* --- input --- */

static struct {
    uint8_t bytes[INPUT_RING_SIZE];
    uint32_t read, write; /* free-running: write - read bytes are queued */
} ring;

static struct {
    char text[LINE_MAX];
    uint32_t len;       /* edited so far */
    uint32_t delivered; /* handed to read() of a complete line */
    bool complete;      /* Enter or Ctrl-D ended it */
    bool last_was_cr;   /* drop the LF of CR LF */
} line;

bool console_input_space(void)
{
    return ring.write - ring.read < INPUT_RING_SIZE;
}

/* Interrupt context (uart.c): queue the byte and wake the reader. */
void console_input(uint8_t c)
{
    if (!console_input_space()) return;
    ring.bytes[ring.write++ % INPUT_RING_SIZE] = c;
    proc_wakeup(&ring);
}

/* The next raw byte, blocking until one arrives. Interrupts are off in the kernel, so none
 * can slip in between the emptiness check and proc_block. */
static uint8_t next_input_byte(void)
{
    while (ring.read == ring.write)
        proc_block(&ring);
    bool was_full = !console_input_space();
    uint8_t c = ring.bytes[ring.read++ % INPUT_RING_SIZE];
    if (was_full) uart_rx_resume(); /* uart.c masked its interrupt when we ran out of room */
    return c;
}

static void erase_last(void)
{
    line.len--;
    console_write("\b \b", 3);
}

/* One byte of line editing; sets line.complete at the end of the line. */
static void edit(uint8_t c)
{
    if (c == '\t') c = ' '; /* one cell wide, so that "\b \b" erases it */
    bool after_cr = line.last_was_cr;
    line.last_was_cr = c == '\r';
    if (c == '\n' && after_cr) return; /* the second half of CR LF */
    if (c == '\r' || c == '\n') {
        line.text[line.len++] = '\n'; /* edit() keeps one byte free for it */
        putchar_('\n');
        line.complete = true;
    } else if (c == DEL || c == '\b') {
        if (line.len > 0) erase_last();
    } else if (c == CTRL_U) {
        while (line.len > 0)
            erase_last();
    } else if (c == CTRL_D) {
        line.complete = true; /* with nothing typed: end of input */
    } else if (c >= ' ' && line.len < LINE_MAX - 1) {
        line.text[line.len++] = (char)c;
        putchar_(c);
    }
    /* other control characters, and bytes past a full line, are ignored */
}

/* read(0, buf, n): up to n bytes of the current line, at most one line per call; 0 at end
 * of input (Ctrl-D on an empty line); -1 for a bad buffer. Blocks until a line is complete. */
long console_read(struct proc *p, uint64_t user_buf, long n)
{
    if (n < 0) return -1;
    if (n == 0) return 0;
    while (!line.complete)
        edit(next_input_byte());
    uint32_t available = line.len - line.delivered;
    uint32_t count = (uint64_t)n < available ? (uint32_t)n : available;
    if (count && copy_to_user(p, user_buf, line.text + line.delivered, count) < 0) return -1;
    line.delivered += count;
    if (line.delivered == line.len) line.len = line.delivered = 0, line.complete = false;
    return count;
}

/* Something the kernel cannot recover from: report it and power off with a failure status. */
void panic(const char *fmt, ...)
{
    __asm__ volatile("csrc sstatus, %0" ::"r"(2ul)); /* no more interrupts */
    printf("kernel panic: ");
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    sbi_shutdown(true);
}
