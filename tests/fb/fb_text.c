/* Draws the lines of fb_layout.h with the console font into the framebuffer the device tree
 * describes, then powers off: `rv39 -nographic -screenshot out.png` keeps the picture and
 * fb_check compares every glyph cell (and the background) with the font. */
#include "fb_guest.h"
#include "fb_layout.h"
#include "rv39.h"

int main(void)
{
    struct fb_info fb;
    if (!fb_find(rv39_boot_dtb, &fb)) {
        printf("fb_text: no simple-framebuffer (a8r8g8b8) in the device tree\n");
        return 1;
    }
    printf("~fb_text: %ux%u, stride %u, at %p\n", fb.width, fb.height, fb.stride, (void *)fb.base);
    fb_fill(&fb, LAYOUT_BG);
    for (unsigned i = 0; i < LAYOUT_TEXT_LINES; i++)
        fb_draw_string(&fb, 0, i, layout_text_lines[i], layout_text_colours[i], LAYOUT_BG);
    printf("fb_text: drew %u lines\n", (unsigned)LAYOUT_TEXT_LINES);
    return 0;
}
