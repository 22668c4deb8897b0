/* What the framebuffer guests (fb_text.c, fb_echo.c) draw and where, shared with the host
 * checker (fb_check.c) that finds it again in the screenshot. Colours are a8r8g8b8 words. */
#ifndef RV39_FB_LAYOUT_H
#define RV39_FB_LAYOUT_H

#define LAYOUT_BG 0x00102040u /* dark blue */
#define LAYOUT_FG 0x00e0e0e0u /* light grey */
#define LAYOUT_LEFT 16        /* pixels from the left edge to the first character cell */
#define LAYOUT_TOP 24         /* pixels from the top to the first text row */

/* fb_text: one line per entry, each in its own colour, so a swapped channel shows. The last
 * line exercises the font's Unicode table (Latin-1 letters sit elsewhere in Lat15 fonts). */
static const char *const layout_text_lines[] = {
    "rv39 simple-framebuffer test",          " !\"#$%&'()*+,-./0123456789:;<=>?",
    "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_",     "`abcdefghijklmnopqrstuvwxyz{|}~",
    "Latin-1: \xe9\xe8\xfc\xdf\xa9\xb1\xbd",
};
static const unsigned layout_text_colours[] = {
    0x00ffffffu, 0x00ff0000u, 0x0000ff00u, 0x000000ffu, LAYOUT_FG,
};
#define LAYOUT_TEXT_LINES (sizeof(layout_text_lines) / sizeof(layout_text_lines[0]))

/* fb_echo: the title on row 0, then one "> " line per line received on the UART; the line
 * "poweroff" ends the program (status 0). */
#define LAYOUT_ECHO_TITLE "rv39 echo: type a line"
#define LAYOUT_ECHO_PROMPT "> "
#define LAYOUT_ECHO_QUIT "poweroff"

#endif
