/* The simple-framebuffer device (devices/framebuffer.c), its device-tree node (emu/fdt.c),
 * PNG screenshots (emu/screenshot.c) and the window's plumbing that needs no display
 * (emu/display_sdl.c: key bytes, key queue, the run loop's side). */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/framebuffer.h"
#include "emu/console.h"
#include "emu/display_sdl.h"
#include "emu/fdt.h"
#include "emu/machine.h"
#include "emu/options.h"
#include "emu/screenshot.h"

#include <SDL.h>

static struct framebuffer fb;

static void fb_setup(void)
{
    cr_assert(framebuffer_init(&fb, 100, 50), "100x50 must be accepted");
}
static void fb_teardown(void)
{
    framebuffer_free(&fb);
}

TestSuite(framebuffer, .init = fb_setup, .fini = fb_teardown);

Test(framebuffer, geometry_is_a8r8g8b8_rows_in_whole_pages)
{
    cr_assert_eq(fb.stride, 400, "stride = width * 4 bytes (a8r8g8b8)");
    cr_assert_eq(fb.size, 20480, "the window is the rows (20000 bytes) rounded up to 4 KiB");
    cr_assert_eq(framebuffer_window_size(800, 600), 1921024,
                 "800x600 (1920000 bytes) takes 469 pages");
}

Test(framebuffer, rejects_impossible_geometry)
{
    struct framebuffer other;
    cr_assert_not(framebuffer_init(&other, 0, 10), "a zero width is no framebuffer");
    cr_assert_not(framebuffer_init(&other, 10, FB_MAX_DIMENSION + 1), "height over the limit");
    cr_assert_not(framebuffer_init(&other, FB_MAX_DIMENSION, FB_MAX_DIMENSION),
                  "8192x8192x4 does not fit the 128 MiB window below PCIe ECAM");
}

Test(framebuffer, starts_black_and_clean)
{
    uint64_t v = 1;
    cr_assert(framebuffer_read(&fb, 0, 8, &v));
    cr_assert_eq(v, 0, "power-on pixels are black");
    for (uint32_t y = 0; y < fb.height; y++)
        cr_assert_not(framebuffer_row_dirty(&fb, y), "row %u dirty before any write", y);
}

Test(framebuffer, stores_read_back_little_endian)
{
    cr_assert(framebuffer_write(&fb, 8, 4, 0x00ff8040));
    cr_assert_eq(fb.pixels[8], 0x40, "byte 0 of an a8r8g8b8 word is blue");
    cr_assert_eq(fb.pixels[10], 0xff, "byte 2 is red");
    uint64_t v;
    cr_assert(framebuffer_read(&fb, 9, 2, &v), "unaligned halfword reads work, as in RAM");
    cr_assert_eq(v, 0xff80);
}

Test(framebuffer, a_store_dirties_exactly_the_rows_it_touches)
{
    cr_assert(framebuffer_write(&fb, 3 * 400 + 396, 8, ~0ull), "8 bytes across rows 3 and 4");
    for (uint32_t y = 0; y < fb.height; y++)
        cr_assert_eq(framebuffer_row_dirty(&fb, y), y == 3 || y == 4,
                     "row %u: only rows 3 and 4 were written", y);
}

Test(framebuffer, padding_after_the_last_row_is_memory_but_no_row)
{
    cr_assert(framebuffer_write(&fb, 20000, 4, 0x12345678), "the page tail accepts stores");
    cr_assert_not(fb.any_dirty, "nothing visible changed");
    uint64_t v;
    cr_assert_not(framebuffer_read(&fb, fb.size - 4, 8, &v), "an access past the window fails");
    cr_assert_not(framebuffer_write(&fb, fb.size, 1, 0), "so does a store past it");
}

struct collected {
    unsigned calls, rows;
    uint32_t first_y, last_y;
    uint32_t pixel; /* first pixel of the first row taken */
};

static void take(void *opaque, uint32_t y0, uint32_t y1, const uint8_t *rows, uint32_t stride)
{
    (void)stride;
    struct collected *c = opaque;
    if (c->calls++ == 0) {
        c->first_y = y0;
        memcpy(&c->pixel, rows, 4);
    }
    c->rows += y1 - y0;
    c->last_y = y1 - 1;
}

Test(framebuffer, a_new_display_gets_every_row_once)
{
    cr_assert(framebuffer_attach_front(&fb));
    struct collected first = {0};
    cr_assert_eq(framebuffer_collect(&fb, take, &first), 50, "a new display gets every row once");
    cr_assert_eq(framebuffer_collect(&fb, take, &first), 0,
                 "and nothing more until something changes");
}

Test(framebuffer, collect_after_publish_sees_new_pixels_in_runs)
{
    cr_assert(framebuffer_attach_front(&fb));
    struct collected drain = {0};
    framebuffer_collect(&fb, take, &drain);
    framebuffer_write(&fb, 10 * 400, 4, 0x00abcdef);
    framebuffer_write(&fb, 11 * 400, 4, 0x00abcdef);
    struct collected c = {0};
    cr_assert_eq(framebuffer_collect(&fb, take, &c), 0, "unpublished rows stay with the hart");
    cr_assert(framebuffer_publish(&fb, 0));
    cr_assert_not(framebuffer_row_dirty(&fb, 10), "published rows are clean on the hart side");
    cr_assert_eq(framebuffer_collect(&fb, take, &c), 2, "rows 10 and 11 arrive");
    cr_assert_eq(c.calls, 1, "as one run of adjacent rows");
    cr_assert_eq(c.first_y, 10);
    cr_assert_eq(c.pixel, 0x00abcdef, "with the pixels the guest stored");
}

Test(framebuffer, publish_never_waits_for_the_display)
{
    cr_assert(framebuffer_attach_front(&fb));
    framebuffer_write(&fb, 0, 4, 1);
    pthread_mutex_lock(&fb.front->lock); /* the display is busy copying out */
    cr_assert_not(framebuffer_publish(&fb, 0), "publish must give up, not block");
    pthread_mutex_unlock(&fb.front->lock);
    cr_assert(framebuffer_row_dirty(&fb, 0), "the row stays dirty for the next try");
    cr_assert(framebuffer_publish(&fb, 0), "and goes over once the display let go");
}

Test(framebuffer, publish_is_rate_limited)
{
    cr_assert(framebuffer_attach_front(&fb));
    framebuffer_write(&fb, 0, 4, 1);
    cr_assert(framebuffer_publish(&fb, 0));
    framebuffer_write(&fb, 400, 4, 1);
    cr_assert_not(framebuffer_publish(&fb, 60ull * 1000000000ull),
                  "a second publish inside the interval waits");
    cr_assert(framebuffer_row_dirty(&fb, 1));
}

/* --- screenshots ------------------------------------------------------------------------ */

Test(framebuffer, screenshot_is_a_png_with_red_green_blue_in_order)
{
    framebuffer_write(&fb, 0, 4, 0x00ff0000);           /* (0,0) red */
    framebuffer_write(&fb, 4, 4, 0xff00ff00);           /* (1,0) green, alpha set */
    framebuffer_write(&fb, 49 * 400 + 99 * 4, 4, 0xff); /* (99,49) blue */
    char path[] = "/tmp/rv39-shot-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char err[128];
    cr_assert(framebuffer_screenshot(&fb, path, err, sizeof err), "screenshot: %s", err);

    png_image img = {.version = PNG_IMAGE_VERSION};
    cr_assert(png_image_begin_read_from_file(&img, path), "libpng must read it back");
    cr_assert_eq(img.width, 100);
    cr_assert_eq(img.height, 50);
    img.format = PNG_FORMAT_RGB;
    uint8_t *rgb = malloc(PNG_IMAGE_SIZE(img));
    cr_assert(png_image_finish_read(&img, NULL, rgb, 0, NULL));
    unlink(path);
    const uint8_t red[3] = {255, 0, 0}, green[3] = {0, 255, 0}, blue[3] = {0, 0, 255},
                  black[3] = {0, 0, 0};
    cr_assert_arr_eq(rgb, red, 3, "0x00ff0000 is red (a8r8g8b8)");
    cr_assert_arr_eq(rgb + 3, green, 3, "0xff00ff00 is green, alpha ignored");
    cr_assert_arr_eq(rgb + (49 * 100 + 99) * 3, blue, 3, "0x000000ff is blue, last pixel");
    cr_assert_arr_eq(rgb + 6, black, 3, "untouched pixels stay black");
    free(rgb);
}

Test(framebuffer, screenshot_failure_says_why)
{
    char err[128] = "";
    cr_assert_not(framebuffer_screenshot(&fb, "/nonexistent-dir/x.png", err, sizeof err));
    cr_assert_str_not_empty(err, "the caller gets a reason to print");
}

/* --- the device tree -------------------------------------------------------------------- */

Test(framebuffer, device_tree_has_a_simple_framebuffer_node)
{
    static uint8_t blob[FDT_MAX_SIZE];
    const struct fdt_board b = {.ram_base = 0x80000000ull,
                                .ram_size = 128ull << 20,
                                .virtio_slots = 8,
                                .fb_base = FB_BASE,
                                .fb_size = framebuffer_window_size(640, 480),
                                .fb_width = 640,
                                .fb_height = 480,
                                .fb_stride = 2560};
    cr_assert_gt(fdt_build(&b, blob, sizeof blob), 0);
    int node = fdt_node_offset_by_compatible(blob, -1, "simple-framebuffer");
    cr_assert_geq(node, 0, "a node compatible with simple-framebuffer must exist");
    cr_assert_str_eq(fdt_get_name(blob, node, NULL), "framebuffer@28000000");
    int len;
    const fdt32_t *reg = fdt_getprop(blob, node, "reg", &len);
    cr_assert(reg && len == 16, "reg is <address size> in 2+2 cells");
    cr_assert_eq(((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]), FB_BASE);
    cr_assert_eq(fdt32_to_cpu(reg[3]), 1228800, "size covers 640*480*4 bytes");
    const char *props[] = {"width", "height", "stride"};
    const uint32_t want[] = {640, 480, 2560};
    for (int i = 0; i < 3; i++) {
        const fdt32_t *v = fdt_getprop(blob, node, props[i], &len);
        cr_assert(v && len == 4, "%s is one cell", props[i]);
        cr_assert_eq(fdt32_to_cpu(*v), want[i], "%s", props[i]);
    }
    cr_assert_str_eq(fdt_getprop(blob, node, "format", NULL), "a8r8g8b8",
                     "the binding's name for 32-bit xRGB");
}

/* --- the window's plumbing -------------------------------------------------------------- */

Test(display, keys_without_text_send_terminal_bytes)
{
    uint8_t out[8];
    cr_assert_eq(display_key_bytes(SDLK_RETURN, 0, out), 1);
    cr_assert_eq(out[0], '\r', "Enter is CR, as a serial terminal sends it");
    cr_assert_eq(display_key_bytes(SDLK_BACKSPACE, 0, out), 1);
    cr_assert_eq(out[0], 0x7f, "Backspace is DEL");
    cr_assert_eq(display_key_bytes(SDLK_c, KMOD_LCTRL, out), 1);
    cr_assert_eq(out[0], 3, "Ctrl+C is ETX");
    cr_assert_eq(display_key_bytes(SDLK_UP, 0, out), 3);
    cr_assert_arr_eq(out, "\x1b[A", 3, "Up is ESC [ A");
    cr_assert_eq(display_key_bytes(SDLK_a, 0, out), 0, "plain letters come as text events");
}

Test(display, run_loop_moves_window_keys_into_the_uart_and_stops_when_closed)
{
    static struct machine m;
    struct machine_config cfg = {.ram_size = 1u << 20, .console = tmpfile()};
    cr_assert(machine_init(&m, &cfg));
    uint64_t v;
    cr_assert(bus_read(&m.bus, FB_BASE + 4, 4, &v), "the framebuffer answers at FB_BASE");
    static struct display_link link;
    m.ui = &link;
    m.stdin_open = false; /* the test's own stdin is not guest input */
    /* What the window does with keys: the console's queue, drained by the run loop. */
    console_push_input((const uint8_t *)"ls\r", 3);
    cr_assert(machine_service(&m), "an open window keeps the machine running");
    cr_assert_eq(m.uart.rx_count, 3, "the typed bytes are in the UART's receive FIFO");
    cr_assert_eq(m.uart.rx_fifo[m.uart.rx_head], 'l');
    atomic_store(&link.closed, true);
    cr_assert_not(machine_service(&m), "a closed window stops the run loop");
    cr_assert_eq(m.exit_status, 0, "closing the window is a clean power-off");
    m.ui = NULL;
    machine_free(&m);
    fclose(cfg.console);
}

/* --- the command line -------------------------------------------------------------------- */

Test(fb_options, fb_size_is_width_x_height)
{
    uint32_t w, h;
    const char *problem;
    cr_assert(options_parse_fb_size("1024x768", &w, &h, &problem));
    cr_assert(w == 1024 && h == 768, "1024x768 is 1024 wide, 768 high");
    const char *bad[] = {"1024",   "1024x",   "x768",    "0x768",
                         "1024x0", "9000x10", "64x64+1", "8192x8192"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_not(options_parse_fb_size(bad[i], &w, &h, &problem), "-fb %s must fail", bad[i]);
}

static enum options_outcome parse(struct options *opts, int argc, const char **args)
{
    static char *argv[16];
    for (int i = 0; i < argc; i++)
        argv[i] = (char *)args[i];
    FILE *sink = fopen("/dev/null", "w");
    enum options_outcome r = options_parse(argc, argv, opts, sink, sink);
    fclose(sink);
    return r;
}

Test(fb_options, nographic_means_no_window_even_with_display_sdl)
{
    struct options opts;
    const char *a[] = {"rv39", "-display", "sdl", "-nographic", "-kernel", "k.elf"};
    cr_assert_eq(parse(&opts, 6, a), OPTIONS_RUN);
    cr_assert_eq(opts.display, DISPLAY_NONE, "-nographic wins: asked for no window");
    const char *b[] = {"rv39", "-kernel", "k.elf", "-screenshot", "s.png", "-fb", "640x480"};
    cr_assert_eq(parse(&opts, 7, b), OPTIONS_RUN);
    cr_assert_eq(opts.display, DISPLAY_AUTO, "no option: a window if a display is there");
    cr_assert_str_eq(opts.screenshot, "s.png");
    cr_assert(opts.machine.fb_width == 640 && opts.machine.fb_height == 480);
    const char *c[] = {"rv39", "-display", "gtk", "-kernel", "k.elf"};
    cr_assert_eq(parse(&opts, 5, c), OPTIONS_ERROR, "only sdl and none are displays here");
}
