/* PNG screenshots of the framebuffer (emu/screenshot.h), written with libpng's simplified
 * write API (png.h, "Simplified API": png_image_write_to_stdio). */
#include "screenshot.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool framebuffer_screenshot(const struct framebuffer *fb, const char *path, char *err,
                            size_t errlen)
{
    if (!fb->pixels) {
        snprintf(err, errlen, "no framebuffer");
        return false;
    }
    /* a8r8g8b8 is a little-endian word per pixel: bytes B, G, R, A in memory. Convert to
     * R, G, B rows rather than hand libpng the BGRA layout, so alpha cannot leak in. */
    size_t row_bytes = (size_t)fb->width * 3;
    uint8_t *rgb = malloc(row_bytes * fb->height);
    if (!rgb) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (uint32_t y = 0; y < fb->height; y++) {
        const uint8_t *src = fb->pixels + (size_t)y * fb->stride;
        uint8_t *dst = rgb + (size_t)y * row_bytes;
        for (uint32_t x = 0; x < fb->width; x++) {
            dst[3 * x + 0] = src[4 * x + 2];
            dst[3 * x + 1] = src[4 * x + 1];
            dst[3 * x + 2] = src[4 * x + 0];
        }
    }

    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        free(rgb);
        return false;
    }
    png_image image;
    memset(&image, 0, sizeof(image));
    image.version = PNG_IMAGE_VERSION;
    image.width = fb->width;
    image.height = fb->height;
    image.format = PNG_FORMAT_RGB;
    bool ok = png_image_write_to_stdio(&image, f, 0, rgb, (png_int_32)row_bytes, NULL) != 0;
    if (!ok) snprintf(err, errlen, "libpng: %s", image.message);
    png_image_free(&image);
    if (fclose(f) != 0 && ok) {
        snprintf(err, errlen, "%s", strerror(errno));
        ok = false;
    }
    free(rgb);
    if (!ok) remove(path);
    return ok;
}
