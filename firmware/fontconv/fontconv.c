/* fontconv: turn a Linux console font (PSF1 or PSF2, optionally gzip-compressed, as Debian's
 * console-setup ships them in /usr/share/consolefonts) into a C header guests include:
 *
 *   #define FONT_WIDTH 8 / FONT_HEIGHT 16 / FONT_ROW_BYTES 1 / FONT_GLYPH_BYTES 16
 *   static const unsigned char font_glyphs[256][FONT_GLYPH_BYTES]
 *
 * indexed by Latin-1 code point (so ASCII text indexes it directly), each glyph FONT_HEIGHT
 * rows of FONT_ROW_BYTES bytes, most significant bit = leftmost pixel (PSF's own layout).
 *
 * Console fonts do not keep their glyphs in code-point order (Lat15 fonts put box drawing
 * where Latin-1 has accents): the font's Unicode table says which glyph shows which
 * character, and this tool follows it. A font without a table is taken as already in
 * code-point order. Characters the font lacks become U+FFFD's glyph (or '?'); control
 * characters stay blank.
 *
 * Formats: PSF1 and PSF2 as described in the kbd package's documentation (font formats,
 * "psf.h" in kbd's sources): PSF1 magic 36 04, mode, charsize; PSF2 magic 72 b5 4a 86 then
 * eight little-endian 32-bit header words.
 *
 * Usage: fontconv FONT.psf[.gz] OUT.h */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_FONT_BYTES (4u << 20)
#define CODE_POINTS 256

struct font {
    uint32_t glyphs, width, height, glyph_bytes;
    const uint8_t *bitmaps;
    /* glyph_for[c]: the glyph showing Latin-1 code point c, or -1 */
    long glyph_for[CODE_POINTS];
    long replacement; /* U+FFFD's or '?''s glyph, or -1 */
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* gzread reads plain files too, so compressed and uncompressed fonts take the same path. */
static uint8_t *read_font_file(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = malloc(MAX_FONT_BYTES);
    int n = buf ? gzread(f, buf, MAX_FONT_BYTES) : -1;
    gzclose(f);
    if (n <= 0) {
        free(buf);
        return NULL;
    }
    *len = (size_t)n;
    return buf;
}

static void map_code_point(struct font *font, uint32_t cp, long glyph)
{
    if (cp < CODE_POINTS && font->glyph_for[cp] < 0) font->glyph_for[cp] = glyph;
    if ((cp == 0xfffd || (cp == '?' && font->replacement < 0))) font->replacement = glyph;
}

/* PSF1 table: per glyph, 16-bit code points, 0xfffe starts a combining sequence (skipped:
 * one glyph for several characters), 0xffff ends the glyph's entry. */
static bool psf1_table(struct font *font, const uint8_t *p, const uint8_t *end)
{
    for (uint32_t g = 0; g < font->glyphs; g++) {
        bool in_sequence = false;
        for (;;) {
            if (p + 2 > end) return false;
            uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8;
            p += 2;
            if (u == 0xffff) break;
            if (u == 0xfffe)
                in_sequence = true;
            else if (!in_sequence)
                map_code_point(font, u, (long)g);
        }
    }
    return true;
}

/* PSF2 table: per glyph, UTF-8 characters, 0xfe starts a sequence, 0xff ends the entry. */
static bool psf2_table(struct font *font, const uint8_t *p, const uint8_t *end)
{
    for (uint32_t g = 0; g < font->glyphs; g++) {
        bool in_sequence = false;
        for (;;) {
            if (p >= end) return false;
            uint8_t b = *p;
            if (b == 0xff) {
                p++;
                break;
            }
            if (b == 0xfe) {
                in_sequence = true;
                p++;
                continue;
            }
            /* One UTF-8 character (RFC 3629): the lead byte gives its length. */
            unsigned extra = b < 0x80 ? 0 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
            uint32_t cp = extra == 0 ? b : (uint32_t)(b & (0x3f >> extra));
            if (p + 1 + extra > end) return false;
            for (unsigned i = 1; i <= extra; i++)
                cp = cp << 6 | (p[i] & 0x3f);
            p += 1 + extra;
            if (!in_sequence) map_code_point(font, cp, (long)g);
        }
    }
    return true;
}

static bool parse_font(struct font *font, const uint8_t *data, size_t len, const char **why)
{
    memset(font, 0, sizeof(*font));
    for (int c = 0; c < CODE_POINTS; c++)
        font->glyph_for[c] = -1;
    font->replacement = -1;
    const uint8_t *table = NULL;
    bool psf2 = false;
    if (len >= 4 && data[0] == 0x36 && data[1] == 0x04) {
        uint8_t mode = data[2];
        font->glyphs = (mode & 0x01) ? 512 : 256;
        font->width = 8;
        font->height = data[3];
        font->glyph_bytes = font->height;
        font->bitmaps = data + 4;
        if (mode & 0x06) table = font->bitmaps + (size_t)font->glyphs * font->glyph_bytes;
    } else if (len >= 32 && le32(data) == 0x864ab572) {
        uint32_t header = le32(data + 8), flags = le32(data + 12);
        font->glyphs = le32(data + 16);
        font->glyph_bytes = le32(data + 20);
        font->height = le32(data + 24);
        font->width = le32(data + 28);
        if (header > len) {
            *why = "header larger than the file";
            return false;
        }
        font->bitmaps = data + header;
        if (flags & 1) table = font->bitmaps + (size_t)font->glyphs * font->glyph_bytes;
        psf2 = true;
    } else {
        *why = "not a PSF1 or PSF2 font";
        return false;
    }
    if (font->width == 0 || font->height == 0 || font->width > 64 || font->height > 64 ||
        font->glyph_bytes != (font->width + 7) / 8 * font->height) {
        *why = "glyph geometry out of range";
        return false;
    }
    const uint8_t *end = data + len;
    if ((size_t)(end - font->bitmaps) < (size_t)font->glyphs * font->glyph_bytes) {
        *why = "file shorter than its glyphs";
        return false;
    }
    if (table) {
        if (!(psf2 ? psf2_table(font, table, end) : psf1_table(font, table, end))) {
            *why = "truncated Unicode table";
            return false;
        }
    } else {
        for (uint32_t c = 0; c < CODE_POINTS && c < font->glyphs; c++)
            map_code_point(font, c, (long)c);
    }
    return true;
}

static bool is_control(int c)
{
    return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

static bool write_header(const struct font *font, const char *source, FILE *out)
{
    const char *base = strrchr(source, '/');
    base = base ? base + 1 : source;
    fprintf(out,
            "/* Generated by fontconv from %s: do not edit.\n"
            " * font_glyphs[c] is Latin-1 character c: FONT_HEIGHT rows of FONT_ROW_BYTES "
            "bytes,\n"
            " * most significant bit = leftmost pixel. */\n"
            "#ifndef RV39_FONT_H\n#define RV39_FONT_H\n\n"
            "#define FONT_WIDTH %u\n#define FONT_HEIGHT %u\n#define FONT_ROW_BYTES %u\n"
            "#define FONT_GLYPH_BYTES %u\n\n"
            "static const unsigned char font_glyphs[%d][FONT_GLYPH_BYTES] = {\n",
            base, font->width, font->height, (font->width + 7) / 8, font->glyph_bytes, CODE_POINTS);
    for (int c = 0; c < CODE_POINTS; c++) {
        long g = is_control(c)             ? -1
                 : font->glyph_for[c] >= 0 ? font->glyph_for[c]
                                           : font->replacement;
        fprintf(out, "    /* 0x%02x */ {", c);
        for (uint32_t i = 0; i < font->glyph_bytes; i++)
            fprintf(out, "%s0x%02x", i ? ", " : "",
                    g < 0 ? 0 : font->bitmaps[(size_t)g * font->glyph_bytes + i]);
        fprintf(out, "},\n");
    }
    fprintf(out, "};\n\n#endif\n");
    return !ferror(out);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fontconv FONT.psf[.gz] OUT.h\n");
        return 2;
    }
    size_t len;
    uint8_t *data = read_font_file(argv[1], &len);
    if (!data) {
        fprintf(stderr, "fontconv: %s: cannot read the font\n", argv[1]);
        return 1;
    }
    struct font font;
    const char *why;
    if (!parse_font(&font, data, len, &why)) {
        fprintf(stderr, "fontconv: %s: %s\n", argv[1], why);
        free(data);
        return 1;
    }
    FILE *out = fopen(argv[2], "w");
    bool ok = out && write_header(&font, argv[1], out);
    if (out && fclose(out) != 0) ok = false;
    free(data);
    if (!ok) {
        fprintf(stderr, "fontconv: %s: cannot write the header\n", argv[2]);
        remove(argv[2]);
        return 1;
    }
    return 0;
}
