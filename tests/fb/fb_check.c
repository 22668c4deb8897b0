/* fb_check: does a screenshot (PNG, decoded with libpng) show exactly what a framebuffer
 * guest drew? It renders the expected screen from the same console font (font.h) and the
 * same layout (fb_layout.h) on the host, independently of the guest's code, and compares
 * every pixel: each glyph cell and the background around it.
 *
 *   fb_check text PNG [WIDTH HEIGHT]     the screen fb_text.c draws
 *   fb_check echo PNG LINE...            fb_echo.c's screen after receiving LINE...
 *   fb_check cells PNG LEFT TOP FG BG ROW TEXT [ROW TEXT]...
 *                                        a text console (the kernel's fbcon): cells from
 *                                        pixel (LEFT, TOP), colours as hex a8r8g8b8 words;
 *                                        text row ROW shows TEXT from column 0, and the
 *                                        cell after it is blank; the rest is not looked at
 *
 * Exit status 0 when they match; 1 with one line naming the first wrong pixel, its text
 * cell and character otherwise; 2 for a usage or file error. */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb_layout.h"
#include "font.h"

struct screen {
    uint32_t width, height;
    uint8_t *rgb; /* width * height * 3 */
};

static void set_pixel(struct screen *s, uint32_t x, uint32_t y, uint32_t argb)
{
    if (x >= s->width || y >= s->height) return;
    uint8_t *p = s->rgb + ((size_t)y * s->width + x) * 3;
    p[0] = (uint8_t)(argb >> 16);
    p[1] = (uint8_t)(argb >> 8);
    p[2] = (uint8_t)argb;
}

static void draw_text(struct screen *s, unsigned row, const char *text, uint32_t fg)
{
    for (unsigned col = 0; text[col]; col++) {
        const unsigned char *glyph = font_glyphs[(unsigned char)text[col]];
        for (unsigned y = 0; y < FONT_HEIGHT; y++)
            for (unsigned x = 0; x < FONT_WIDTH; x++) {
                int on = glyph[y * FONT_ROW_BYTES + x / 8] & (0x80 >> (x % 8));
                set_pixel(s, LAYOUT_LEFT + col * FONT_WIDTH + x, LAYOUT_TOP + row * FONT_HEIGHT + y,
                          on ? fg : LAYOUT_BG);
            }
    }
}

/* Which text (row, column) holds pixel (x, y); false outside the text area. */
static int cell_of(uint32_t x, uint32_t y, unsigned *row, unsigned *col)
{
    if (x < LAYOUT_LEFT || y < LAYOUT_TOP) return 0;
    *col = (x - LAYOUT_LEFT) / FONT_WIDTH;
    *row = (y - LAYOUT_TOP) / FONT_HEIGHT;
    return 1;
}

static int compare(const struct screen *want, const png_image *img, const uint8_t *got,
                   const char *const *row_text, unsigned rows)
{
    if (img->width != want->width || img->height != want->height) {
        printf("fb_check: FAIL: the screenshot is %ux%u, the framebuffer should be %ux%u\n",
               img->width, img->height, want->width, want->height);
        return 1;
    }
    unsigned wrong = 0;
    for (uint32_t y = 0; y < want->height; y++)
        for (uint32_t x = 0; x < want->width; x++) {
            const uint8_t *w = want->rgb + ((size_t)y * want->width + x) * 3;
            const uint8_t *g = got + ((size_t)y * want->width + x) * 3;
            if (memcmp(w, g, 3) == 0) continue;
            if (wrong++ == 0) {
                unsigned row, col;
                char where[160] = "the background";
                if (cell_of(x, y, &row, &col) && row < rows && col < strlen(row_text[row]))
                    snprintf(where, sizeof where, "text row %u column %u ('%c')", row, col,
                             row_text[row][col]);
                else if (cell_of(x, y, &row, &col))
                    snprintf(where, sizeof where, "the background (cell row %u column %u)", row,
                             col);
                printf("fb_check: FAIL: pixel (%u,%u) in %s is #%02x%02x%02x, expected "
                       "#%02x%02x%02x\n",
                       x, y, where, g[0], g[1], g[2], w[0], w[1], w[2]);
            }
        }
    if (wrong) {
        printf("fb_check: %u pixels differ\n", wrong);
        return 1;
    }
    printf("fb_check: ok: %ux%u, %u text rows match the font pixel for pixel\n", want->width,
           want->height, rows);
    return 0;
}

/* fb_check cells: each (ROW, TEXT) pair's glyph cells, and the blank cell after the text,
 * pixel for pixel; the first wrong pixel is named by its row, column and character. */
static int check_cells(int argc, char **argv, const png_image *img, const uint8_t *got)
{
    if (argc < 9 || (argc - 7) % 2 != 0) {
        fprintf(stderr, "usage: fb_check cells PNG LEFT TOP FG BG ROW TEXT [ROW TEXT]...\n");
        return 2;
    }
    uint32_t left = (uint32_t)strtoul(argv[3], NULL, 10),
             top = (uint32_t)strtoul(argv[4], NULL, 10);
    uint32_t fg = (uint32_t)strtoul(argv[5], NULL, 16), bg = (uint32_t)strtoul(argv[6], NULL, 16);
    unsigned wrong = 0, cells = 0;
    for (int a = 7; a < argc; a += 2) {
        unsigned row = (unsigned)strtoul(argv[a], NULL, 10);
        const char *text = argv[a + 1];
        size_t len = strlen(text);
        for (unsigned col = 0; col <= len; col++) { /* col == len: the blank after the text */
            unsigned char c = col < len ? (unsigned char)text[col] : ' ';
            uint32_t x0 = left + col * FONT_WIDTH, y0 = top + row * FONT_HEIGHT;
            if (x0 + FONT_WIDTH > img->width || y0 + FONT_HEIGHT > img->height) {
                if (col == len) break; /* the text reaches the right edge */
                printf("fb_check: FAIL: text row %u column %u lies outside the %ux%u screen\n", row,
                       col, img->width, img->height);
                return 1;
            }
            cells++;
            for (unsigned y = 0; y < FONT_HEIGHT; y++)
                for (unsigned x = 0; x < FONT_WIDTH; x++) {
                    int on = font_glyphs[c][y * FONT_ROW_BYTES + x / 8] & (0x80 >> (x % 8));
                    uint32_t want = on ? fg : bg;
                    const uint8_t *g = got + ((size_t)(y0 + y) * img->width + x0 + x) * 3;
                    uint32_t have = (uint32_t)g[0] << 16 | (uint32_t)g[1] << 8 | g[2];
                    if (have == (want & 0xffffffu)) continue;
                    if (wrong++ == 0)
                        printf("fb_check: FAIL: pixel (%u,%u) in text row %u column %u ('%c' of "
                               "\"%s\") is #%06x, expected #%06x\n",
                               x0 + x, y0 + y, row, col, c, text, have, want & 0xffffffu);
                }
        }
    }
    if (wrong) {
        printf("fb_check: %u pixels differ\n", wrong);
        return 1;
    }
    printf("fb_check: ok: %u text cells match the font pixel for pixel\n", cells);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "text") != 0 && strcmp(argv[1], "echo") != 0 &&
                     strcmp(argv[1], "cells") != 0)) {
        fprintf(stderr, "usage: fb_check text PNG [WIDTH HEIGHT] | fb_check echo PNG LINE... | "
                        "fb_check cells PNG LEFT TOP FG BG ROW TEXT...\n");
        return 2;
    }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, argv[2])) {
        printf("fb_check: FAIL: %s: %s\n", argv[2], img.message);
        return 1;
    }
    img.format = PNG_FORMAT_RGB;
    uint8_t *got = malloc(PNG_IMAGE_SIZE(img));
    if (!got || !png_image_finish_read(&img, NULL, got, 0, NULL)) {
        printf("fb_check: FAIL: %s: %s\n", argv[2], img.message);
        return 1;
    }
    if (strcmp(argv[1], "cells") == 0) {
        int status = check_cells(argc, argv, &img, got);
        png_image_free(&img);
        free(got);
        return status;
    }

    struct screen want = {800, 600, NULL};
    const char *rows_text[64];
    unsigned rows = 0;
    char lines[64][128];
    if (strcmp(argv[1], "text") == 0) {
        if (argc == 5) {
            want.width = (uint32_t)strtoul(argv[3], NULL, 10);
            want.height = (uint32_t)strtoul(argv[4], NULL, 10);
        }
        for (unsigned i = 0; i < LAYOUT_TEXT_LINES; i++)
            rows_text[rows++] = layout_text_lines[i];
    } else {
        rows_text[rows++] = LAYOUT_ECHO_TITLE;
        for (int i = 3; i < argc && rows < 64; i++) {
            snprintf(lines[rows], sizeof lines[rows], "%s%s", LAYOUT_ECHO_PROMPT, argv[i]);
            rows_text[rows] = lines[rows];
            rows++;
        }
    }
    want.rgb = malloc((size_t)want.width * want.height * 3);
    if (!want.rgb) return 2;
    for (uint32_t y = 0; y < want.height; y++)
        for (uint32_t x = 0; x < want.width; x++)
            set_pixel(&want, x, y, LAYOUT_BG);
    for (unsigned r = 0; r < rows; r++) {
        uint32_t fg = strcmp(argv[1], "text") == 0 ? layout_text_colours[r] : LAYOUT_FG;
        draw_text(&want, r, rows_text[r], fg);
    }
    int status = compare(&want, &img, got, rows_text, rows);
    png_image_free(&img);
    free(got);
    free(want.rgb);
    return status;
}
