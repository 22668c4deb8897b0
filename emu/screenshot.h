/* The framebuffer as a PNG file, through libpng (Debian libpng-dev): `--screenshot FILE` at
 * exit, and on demand from the debugger. */
#ifndef RV39_SCREENSHOT_H
#define RV39_SCREENSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "../devices/framebuffer.h"

/* Write fb's visible pixels to `path` as an 8-bit RGB PNG (alpha is not part of the picture:
 * a8r8g8b8 guests rarely set it). On failure returns false with one phrase in err. Reads the
 * guest-visible pixels: call it from the emulator thread (or after the run). */
bool framebuffer_screenshot(const struct framebuffer *fb, const char *path, char *err,
                            size_t errlen);

#endif
