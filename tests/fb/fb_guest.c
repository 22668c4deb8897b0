/* The framebuffer guests' helpers (fb_guest.h): a minimal device-tree walk and glyph drawing.
 *
 * The DTB layout is the Devicetree Specification's chapter 5: a big-endian header (magic
 * 0xd00dfeed, then the offsets of the structure block and the strings block), and a structure
 * block of 32-bit tokens: BEGIN_NODE + name, PROP + len + name offset + value, END_NODE, NOP,
 * END, everything padded to 4 bytes. */
#include "fb_guest.h"

#include "font.h"
#include "fb_layout.h"
#include "rv39.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* Does the <stringlist> value (len bytes) contain s? */
static int list_has(const char *list, uint32_t len, const char *s)
{
    for (uint32_t i = 0; i < len; i += (uint32_t)strlen(list + i) + 1)
        if (str_eq(list + i, s)) return 1;
    return 0;
}

bool fb_find(uint64_t dtb, struct fb_info *fb)
{
    const uint8_t *h = (const uint8_t *)dtb;
    if (!h || be32(h) != FDT_MAGIC) return false;
    const uint8_t *p = h + be32(h + 8);
    const char *strings = (const char *)h + be32(h + 12);
    /* The properties of the node being read; a child's BEGIN_NODE starts afresh, and the
     * framebuffer node has no children, so at its END_NODE this is its own record. */
    int is_fb = 0, is_argb = 0;
    uint64_t reg = 0;
    uint32_t width = 0, height = 0, stride = 0;
    for (;;) {
        uint32_t token = be32(p);
        p += 4;
        switch (token) {
        case FDT_BEGIN_NODE:
            p += (strlen((const char *)p) + 1 + 3) & ~3ul;
            is_fb = is_argb = 0;
            reg = width = height = stride = 0;
            break;
        case FDT_PROP: {
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const uint8_t *value = p + 8;
            const char *name = strings + nameoff;
            if (str_eq(name, "compatible"))
                is_fb = list_has((const char *)value, len, "simple-framebuffer");
            else if (str_eq(name, "format"))
                is_argb = str_eq((const char *)value, "a8r8g8b8");
            else if (str_eq(name, "reg") && len >= 8)
                reg = (uint64_t)be32(value) << 32 | be32(value + 4); /* #address-cells 2 */
            else if (str_eq(name, "width"))
                width = be32(value);
            else if (str_eq(name, "height"))
                height = be32(value);
            else if (str_eq(name, "stride"))
                stride = be32(value);
            p += 8 + ((len + 3) & ~3u);
            break;
        }
        case FDT_END_NODE:
            if (is_fb && is_argb && reg && width && height && stride >= width * 4) {
                *fb = (struct fb_info){(volatile uint8_t *)reg, width, height, stride};
                return true;
            }
            is_fb = 0;
            break;
        case FDT_NOP: break;
        default: return false; /* FDT_END, or not a tree we understand */
        }
    }
}

static void put_pixel(const struct fb_info *fb, uint32_t x, uint32_t y, uint32_t colour)
{
    if (x < fb->width && y < fb->height)
        *(volatile uint32_t *)(fb->base + (uint64_t)y * fb->stride + x * 4) = colour;
}

void fb_fill(const struct fb_info *fb, uint32_t colour)
{
    for (uint32_t y = 0; y < fb->height; y++)
        for (uint32_t x = 0; x < fb->width; x++)
            put_pixel(fb, x, y, colour);
}

void fb_draw_char(const struct fb_info *fb, unsigned col, unsigned row, unsigned char c,
                  uint32_t fg, uint32_t bg)
{
    const unsigned char *glyph = font_glyphs[c];
    uint32_t x0 = LAYOUT_LEFT + col * FONT_WIDTH, y0 = LAYOUT_TOP + row * FONT_HEIGHT;
    for (unsigned y = 0; y < FONT_HEIGHT; y++) {
        const unsigned char *bits = glyph + y * FONT_ROW_BYTES;
        for (unsigned x = 0; x < FONT_WIDTH; x++) {
            int on = bits[x / 8] & (0x80 >> (x % 8));
            put_pixel(fb, x0 + x, y0 + y, on ? fg : bg);
        }
    }
}

void fb_draw_string(const struct fb_info *fb, unsigned col, unsigned row, const char *s,
                    uint32_t fg, uint32_t bg)
{
    for (; *s; s++, col++)
        fb_draw_char(fb, col, row, (unsigned char)*s, fg, bg);
}
