/* Guest side of the framebuffer tests: find the simple-framebuffer in the device tree the
 * machine passed in a1, and draw text into it with the console font (build/firmware/font.h). */
#ifndef RV39_FB_GUEST_H
#define RV39_FB_GUEST_H

#include <stdbool.h>
#include <stdint.h>

struct fb_info {
    volatile uint8_t *base;
    uint32_t width, height, stride;
};

/* Walk the flattened tree at dtb for a node compatible with "simple-framebuffer" and format
 * "a8r8g8b8"; false when there is none (or the tree is not a DTB). */
bool fb_find(uint64_t dtb, struct fb_info *fb);
void fb_fill(const struct fb_info *fb, uint32_t colour);
/* Character c (Latin-1) in the cell at text column col, row row (from LAYOUT_LEFT/TOP). */
void fb_draw_char(const struct fb_info *fb, unsigned col, unsigned row, unsigned char c,
                  uint32_t fg, uint32_t bg);
void fb_draw_string(const struct fb_info *fb, unsigned col, unsigned row, const char *s,
                    uint32_t fg, uint32_t bg);

#endif
