/* The framebuffer console: every character the console prints (console.c) is also drawn on
 * the simple-framebuffer the device tree describes (rv39 has one at 0x28000000; QEMU virt
 * has none, and then this file does nothing). Glyphs come from the Linux console font the
 * build converts (build/firmware/font.h, Lat15-Fixed16 from Debian via firmware/fontconv):
 * FONT_WIDTH x FONT_HEIGHT cells from the top-left corner, as many as fit.
 *
 * It behaves as a plain terminal: '\n' starts a new line, '\r' returns to column 0, '\b'
 * steps back (the line discipline's "\b \b" erases), tab goes to the next multiple of 8, a
 * full line wraps, and the last line scrolls the screen up. A block cursor marks where the
 * next character goes: the cell's pixels inverted (XOR), so hiding it restores the cell
 * without remembering what was there.
 *
 * Pixels are a8r8g8b8 words (the binding's "a8r8g8b8": blue in the low byte). */
#include "font.h"
#include "kernel.h"
#include "riscv.h"

/* Keep in step with tests/kernel (the screenshot check draws the same colours). */
#define FBCON_FG 0x00c0c0c0u /* light grey */
#define FBCON_BG 0x00000000u /* black */
#define TAB_WIDTH 8

static struct {
    bool on;
    volatile uint8_t *base; /* physical = kernel virtual (identity map) */
    uint32_t width, height, stride;
    uint32_t columns, rows; /* text cells */
    uint32_t column, row;   /* the cursor; column == columns: the line is full, wrap next */
} con;

static volatile uint32_t *pixel_row(uint32_t y)
{
    return (volatile uint32_t *)(con.base + (uint64_t)y * con.stride);
}

static void fill_text_rows(uint32_t first, uint32_t count, uint32_t colour)
{
    for (uint32_t y = first * FONT_HEIGHT; y < (first + count) * FONT_HEIGHT; y++) {
        volatile uint32_t *px = pixel_row(y);
        for (uint32_t x = 0; x < con.columns * FONT_WIDTH; x++)
            px[x] = colour;
    }
}

static void draw_glyph(uint32_t column, uint32_t row, uint8_t c)
{
    const unsigned char *glyph = font_glyphs[c];
    for (uint32_t y = 0; y < FONT_HEIGHT; y++) {
        const unsigned char *bits = glyph + y * FONT_ROW_BYTES;
        volatile uint32_t *px = pixel_row(row * FONT_HEIGHT + y) + column * FONT_WIDTH;
        for (uint32_t x = 0; x < FONT_WIDTH; x++)
            px[x] = bits[x / 8] & (0x80 >> (x % 8)) ? FBCON_FG : FBCON_BG;
    }
}

/* Shows or hides the cursor: both invert the cell, so two calls leave it as it was. */
static void toggle_cursor(void)
{
    if (con.column >= con.columns) return; /* a full line: no cell to mark */
    for (uint32_t y = 0; y < FONT_HEIGHT; y++) {
        volatile uint32_t *px = pixel_row(con.row * FONT_HEIGHT + y) + con.column * FONT_WIDTH;
        for (uint32_t x = 0; x < FONT_WIDTH; x++)
            px[x] ^= FBCON_FG ^ FBCON_BG;
    }
}

/* Every text row moves up one; the last one is cleared. Copies whole pixel rows forward
 * (destination below the source, so a forward copy never reads what it overwrote), two
 * pixels at a time when the rows allow 8-byte accesses. */
static void scroll_up(void)
{
    uint32_t text_width = con.columns * FONT_WIDTH;
    bool wide = text_width % 2 == 0 && con.stride % 8 == 0 && (uint64_t)con.base % 8 == 0;
    for (uint32_t y = 0; y < (con.rows - 1) * FONT_HEIGHT; y++) {
        if (wide) {
            volatile uint64_t *dst = (volatile uint64_t *)pixel_row(y);
            volatile uint64_t *src = (volatile uint64_t *)pixel_row(y + FONT_HEIGHT);
            for (uint32_t x = 0; x < text_width / 2; x++)
                dst[x] = src[x];
        } else {
            volatile uint32_t *dst = pixel_row(y), *src = pixel_row(y + FONT_HEIGHT);
            for (uint32_t x = 0; x < text_width; x++)
                dst[x] = src[x];
        }
    }
    fill_text_rows(con.rows - 1, 1, FBCON_BG);
}

static void new_line(void)
{
    con.column = 0;
    if (con.row + 1 < con.rows)
        con.row++;
    else
        scroll_up();
}

void fbcon_putc(int ch)
{
    if (!con.on) return;
    uint8_t c = (uint8_t)ch;
    toggle_cursor(); /* hide */
    switch (c) {
    case '\n': new_line(); break;
    case '\r': con.column = 0; break;
    case '\b':
        if (con.column > 0) con.column--;
        break;
    case '\t':
        if (con.column >= con.columns) new_line();
        con.column = (con.column / TAB_WIDTH + 1) * TAB_WIDTH;
        if (con.column > con.columns) con.column = con.columns;
        break;
    default:
        if (c < ' ' || c == 0x7f) break; /* other control characters draw nothing */
        if (con.column >= con.columns) new_line();
        draw_glyph(con.column++, con.row, c);
    }
    toggle_cursor(); /* show */
}

/* Before paging: the framebuffer's physical address is usable as it is (satp is Bare), and
 * kvm_init maps it at the same address through fbcon_region. */
void fbcon_init(uint64_t dtb)
{
    struct fdt_framebuffer fb;
    if (!fdt_framebuffer(dtb, &fb)) return; /* no display: the serial console is enough */
    con.base = (volatile uint8_t *)fb.base;
    con.width = fb.width;
    con.height = fb.height;
    con.stride = fb.stride;
    con.columns = fb.width / FONT_WIDTH;
    con.rows = fb.height / FONT_HEIGHT;
    if (con.columns == 0 || con.rows == 0) return; /* smaller than one glyph */
    /* The whole screen, the margins right of and below the text cells too. */
    for (uint32_t y = 0; y < con.height; y++) {
        volatile uint32_t *px = pixel_row(y);
        for (uint32_t x = 0; x < con.width; x++)
            px[x] = FBCON_BG;
    }
    con.column = con.row = 0;
    con.on = true;
    toggle_cursor();
}

void fbcon_report(void)
{
    if (con.on)
        printf("kernel: framebuffer console, %ux%u characters on %ux%u pixels at 0x%lx\n",
               con.columns, con.rows, con.width, con.height, (uint64_t)con.base);
}

bool fbcon_region(uint64_t *base, uint64_t *size)
{
    if (!con.on) return false;
    *base = (uint64_t)con.base;
    *size = PAGE_ROUND_UP((uint64_t)con.stride * con.height);
    return true;
}
