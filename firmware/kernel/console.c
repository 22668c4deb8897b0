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
 *   Ctrl-D ends the line without a newline, so on an empty line read() returns 0: end of input;
 *   Left and Right (ESC [ D, ESC [ C) move the cursor, and typing or DEL works anywhere in the
 *   line; Home (ESC [ H, ESC [ 1~) and End (ESC [ F, ESC [ 4~) jump to its ends, Delete
 *   (ESC [ 3~) erases under the cursor; Up and Down (ESC [ A, ESC [ B) step through the last
 *   HISTORY_SIZE lines entered. Other escape sequences are swallowed, never echoed. */
#include "kernel.h"
#include "proc.h"
#include "vm.h"

int vprintf(const char *fmt, va_list ap);

#define INPUT_RING_SIZE 256 /* raw bytes between the interrupt and the reader */
#define LINE_MAX 128        /* one edited line, '\n' included */
#define CTRL_D 0x04         /* end of input */
#define CTRL_U 0x15         /* erase the line */
#define DEL 0x7f
#define ESC 0x1b
#define HISTORY_SIZE 8 /* lines Up can recall */

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
    uint32_t pos;       /* the cursor: where the next character goes, 0..len */
    uint32_t delivered; /* handed to read() of a complete line */
    bool complete;      /* Enter or Ctrl-D ended it */
    bool last_was_cr;   /* drop the LF of CR LF */
    uint8_t esc;        /* escape sequence state: 0 none, 1 after ESC, 2 after ESC [ */
    uint8_t esc_digit;  /* the number in ESC [ n ~ */
} line;

/* History: the last HISTORY_SIZE non-empty lines entered, oldest overwritten first. */
static struct {
    char text[HISTORY_SIZE][LINE_MAX];
    uint32_t count;       /* lines ever entered (free-running) */
    uint32_t browse;      /* while browsing with Up and Down: how far back, 0 = the new line */
    char saved[LINE_MAX]; /* the line being typed before Up, restored by Down */
    uint32_t saved_len;
} history;

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

/* Output for the editor uses only printable characters and '\b' (one cell left), which
 * every terminal and fbcon understand: no escape sequences go out. */
static void cursor_left(uint32_t n)
{
    for (; n; n--, line.pos--)
        putchar_('\b');
}

static void cursor_right(uint32_t n)
{
    for (; n; n--)
        putchar_(line.text[line.pos++]);
}

/* Redraws from the cursor to the end of the line, blanks `extra` cells past it (left over
 * from a longer line) and puts the cursor back. */
static void redraw_tail(uint32_t extra)
{
    uint32_t pos = line.pos;
    console_write(line.text + pos, line.len - pos);
    for (uint32_t i = 0; i < extra; i++)
        putchar_(' ');
    for (uint32_t i = 0; i < line.len - pos + extra; i++)
        putchar_('\b');
}

static void insert_char(char c)
{
    if (line.len >= LINE_MAX - 1) return;          /* one byte stays free for the '\n' */
    for (uint32_t i = line.len; i > line.pos; i--) /* open a gap at the cursor */
        line.text[i] = line.text[i - 1];
    line.text[line.pos] = c;
    line.len++;
    putchar_(c);
    line.pos++;
    redraw_tail(0);
}

/* Erases the character before the cursor (backspace anywhere in the line). */
static void erase_before_cursor(void)
{
    if (line.pos == 0) return;
    for (uint32_t i = line.pos; i < line.len; i++) /* close the gap */
        line.text[i - 1] = line.text[i];
    line.len--;
    cursor_left(1);
    redraw_tail(1);
}

/* Replaces the whole line (history): cursor to the end of the new text. */
static void replace_line(const char *text, uint32_t len)
{
    uint32_t old_len = line.len;
    cursor_left(line.pos);
    memcpy(line.text, text, len);
    line.len = len;
    console_write(line.text, len);
    line.pos = len;
    for (uint32_t i = len; i < old_len; i++)
        putchar_(' ');
    for (uint32_t i = len; i < old_len; i++)
        putchar_('\b');
}

static void history_add(void)
{
    history.browse = 0;
    if (line.len == 0) return;
    char *last = history.text[(history.count - 1) % HISTORY_SIZE];
    if (history.count && strlen(last) == line.len && memcmp(last, line.text, line.len) == 0)
        return; /* the same line again: once is enough */
    char *slot = history.text[history.count++ % HISTORY_SIZE];
    memcpy(slot, line.text, line.len);
    slot[line.len] = '\0';
}

/* Up (back = true) or Down through the history. */
static void history_move(bool back)
{
    uint32_t held = history.count < HISTORY_SIZE ? history.count : HISTORY_SIZE;
    if (back && history.browse == held) return;
    if (!back && history.browse == 0) return;
    if (history.browse == 0) { /* leaving the new line: keep it for Down */
        memcpy(history.saved, line.text, line.len);
        history.saved_len = line.len;
    }
    history.browse += back ? 1 : -1u;
    if (history.browse == 0) {
        replace_line(history.saved, history.saved_len);
        return;
    }
    const char *text = history.text[(history.count - history.browse) % HISTORY_SIZE];
    replace_line(text, (uint32_t)strlen(text));
}

/* The last byte of ESC [ ...: arrows, Home and End (as xterm and the Linux console send
 * them); anything else is dropped. */
static void escape_final(uint8_t c)
{
    if (c == 'A')
        history_move(true);
    else if (c == 'B')
        history_move(false);
    else if (c == 'C' && line.pos < line.len)
        cursor_right(1);
    else if (c == 'D' && line.pos > 0)
        cursor_left(1);
    else if (c == 'H' || (c == '~' && (line.esc_digit == 1 || line.esc_digit == 7)))
        cursor_left(line.pos);
    else if (c == 'F' || (c == '~' && (line.esc_digit == 4 || line.esc_digit == 8)))
        cursor_right(line.len - line.pos);
    else if (c == '~' && line.esc_digit == 3 && line.pos < line.len) { /* Delete */
        cursor_right(1);
        erase_before_cursor();
    }
}

/* One byte of line editing; sets line.complete at the end of the line. */
static void edit(uint8_t c)
{
    if (line.esc == 1) { /* after ESC: '[' or 'O' (SS3, some terminals' arrows) go on */
        line.esc = c == '[' || c == 'O' ? 2 : 0;
        line.esc_digit = 0;
        return;
    }
    if (line.esc == 2) {
        if (c >= '0' && c <= '9') {
            line.esc_digit = (uint8_t)(line.esc_digit * 10 + (c - '0'));
            return;
        }
        line.esc = 0;
        if (c != ';') escape_final(c); /* modifiers (ESC [ 1 ; 5 C) are not handled */
        return;
    }
    if (c == ESC) {
        line.esc = 1;
        return;
    }
    if (c == '\t') c = ' '; /* one cell wide, so that "\b \b" erases it */
    bool after_cr = line.last_was_cr;
    line.last_was_cr = c == '\r';
    if (c == '\n' && after_cr) return; /* the second half of CR LF */
    if (c == '\r' || c == '\n') {
        cursor_right(line.len - line.pos);
        history_add();
        line.text[line.len++] = '\n'; /* insert_char() keeps one byte free for it */
        line.pos = line.len;
        putchar_('\n');
        line.complete = true;
    } else if (c == DEL || c == '\b') {
        erase_before_cursor();
    } else if (c == CTRL_U) {
        cursor_right(line.len - line.pos);
        while (line.len > 0) {
            line.len--, line.pos--;
            console_write("\b \b", 3);
        }
    } else if (c == CTRL_D) {
        cursor_right(line.len - line.pos);
        history_add();
        line.complete = true; /* with nothing typed: end of input */
    } else if (c >= ' ') {
        insert_char((char)c);
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
    if (line.delivered == line.len) line.len = line.pos = line.delivered = 0, line.complete = false;
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
