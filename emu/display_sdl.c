/* The SDL2 window (emu/display_sdl.h): main-thread event loop, emulator thread, and the two
 * hand-overs between them (keys in, dirty framebuffer rows out). */
#include "display_sdl.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "machine.h"

#define FRAME_MS 16                    /* at most ~60 redraws a second */
#define PUBLISH_INTERVAL_NS 8000000ull /* the run loop hands rows over at most every 8 ms */
#define PAUSED_AFTER_MS 250            /* no run-loop heartbeat for this long: the hart is paused */

/* --- run-loop side --------------------------------------------------------------------- */

bool display_service(struct machine *m)
{
    struct display_link *link = m->ui;
    atomic_fetch_add_explicit(&link->heartbeat, 1, memory_order_relaxed);
    /* A hart in wfi is waiting for something: show what it drew now, not 8 ms later. */
    framebuffer_publish(&m->fb, machine_selected(m)->wfi ? 0 : PUBLISH_INTERVAL_NS);
    return !atomic_load(&link->closed);
}

/* --- keys ------------------------------------------------------------------------------ */

size_t display_key_bytes(int32_t sym, uint16_t mod, uint8_t out[8])
{
    /* Ctrl+letter is the control code (Ctrl+C = 3): SDL reports no text for it. */
    if ((mod & KMOD_CTRL) && sym >= SDLK_a && sym <= SDLK_z) {
        out[0] = (uint8_t)(sym - SDLK_a + 1);
        return 1;
    }
    static const struct {
        int32_t sym;
        const char *bytes;
    } keys[] = {
        {SDLK_RETURN, "\r"},   {SDLK_KP_ENTER, "\r"},  {SDLK_BACKSPACE, "\x7f"},
        {SDLK_TAB, "\t"},      {SDLK_ESCAPE, "\x1b"},  {SDLK_UP, "\x1b[A"},
        {SDLK_DOWN, "\x1b[B"}, {SDLK_RIGHT, "\x1b[C"}, {SDLK_LEFT, "\x1b[D"},
        {SDLK_HOME, "\x1b[H"}, {SDLK_END, "\x1b[F"},   {SDLK_DELETE, "\x1b[3~"},
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (keys[i].sym == sym) {
            size_t n = strlen(keys[i].bytes);
            memcpy(out, keys[i].bytes, n);
            return n;
        }
    }
    return 0;
}

/* --- the window ------------------------------------------------------------------------ */

struct display {
    struct machine *m;
    struct display_link link;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    Uint32 wake_event; /* pushed by the emulator thread when it is done */
    atomic_bool emulator_done;
    int (*body)(struct machine *, void *);
    void *opaque;
    int status;
    const char *state; /* shown in the title */
    uint8_t buttons;   /* mouse buttons held (bit 0 left, 1 right, 2 middle), for the tablet */
};

static bool display_wanted(enum display_mode mode, char *err, size_t errlen)
{
    if (mode == DISPLAY_NONE) {
        snprintf(err, errlen, "no window (-nographic)");
        return false;
    }
    const char *x = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
    if (mode == DISPLAY_AUTO && (!x || !*x) && (!wayland || !*wayland)) {
        snprintf(err, errlen, "no display (DISPLAY and WAYLAND_DISPLAY are not set)");
        return false;
    }
    return true;
}

struct display *display_open(struct machine *m, enum display_mode mode, char *err, size_t errlen)
{
    if (!display_wanted(mode, err, errlen)) return NULL;
    /* rv39's own handlers own SIGINT/SIGTERM (they stop the run cleanly). */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* Keep text crisp: whole guest pixels when the window is scaled. */
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "SDL cannot open the display: %s", SDL_GetError());
        return NULL;
    }
    struct display *d = calloc(1, sizeof(*d));
    if (!d || !framebuffer_attach_front(&m->fb)) {
        snprintf(err, errlen, "out of memory for the window");
        free(d);
        SDL_Quit();
        return NULL;
    }
    d->m = m;
    const struct framebuffer *fb = &m->fb;
    d->window = SDL_CreateWindow("rv39", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                 (int)fb->width, (int)fb->height, SDL_WINDOW_RESIZABLE);
    if (d->window) d->renderer = SDL_CreateRenderer(d->window, -1, 0);
    /* SDL_PIXELFORMAT_RGB888 is a 32-bit word 0x00RRGGBB: a8r8g8b8 with alpha ignored. */
    if (d->renderer)
        d->texture =
            SDL_CreateTexture(d->renderer, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING,
                              (int)fb->width, (int)fb->height);
    d->wake_event = SDL_RegisterEvents(1);
    if (!d->texture || d->wake_event == (Uint32)-1) {
        snprintf(err, errlen, "SDL cannot create the window: %s", SDL_GetError());
        d->m = NULL;
        display_close(d);
        return NULL;
    }
    /* Scale with the window, keeping the guest's aspect ratio (letterboxed). */
    SDL_RenderSetLogicalSize(d->renderer, (int)fb->width, (int)fb->height);
    SDL_StartTextInput();
    atomic_init(&d->link.closed, false);
    atomic_init(&d->link.heartbeat, 0);
    atomic_init(&d->emulator_done, false);
    m->ui = &d->link;
    return d;
}

static void update_title(struct display *d, const char *state)
{
    if (d->state == state) return;
    d->state = state;
    char title[128];
    snprintf(title, sizeof title, "rv39 - %ux%u - %s", d->m->fb.width, d->m->fb.height, state);
    SDL_SetWindowTitle(d->window, title);
}

static void upload_rows(void *opaque, uint32_t y0, uint32_t y1, const uint8_t *rows,
                        uint32_t stride)
{
    struct display *d = opaque;
    SDL_Rect r = {0, (int)y0, (int)d->m->fb.width, (int)(y1 - y0)};
    SDL_UpdateTexture(d->texture, &r, rows, (int)stride);
}

static void redraw(struct display *d)
{
    SDL_SetRenderDrawColor(d->renderer, 0, 0, 0, 255);
    SDL_RenderClear(d->renderer);
    SDL_RenderCopy(d->renderer, d->texture, NULL, NULL);
    SDL_RenderPresent(d->renderer);
}

/* The mouse in the window, for the virtio tablet: its place scaled to 0..32767 over the
 * window (the picture fills the window) and the buttons held (d->buttons, kept from the
 * button events themselves: SDL_GetMouseState may already show a later release). */
static void pointer_event(struct display *d, int x, int y)
{
    int w, h;
    SDL_GetWindowSize(d->window, &w, &h);
    long sx = w > 1 ? (long)x * VIRTIO_INPUT_ABS_MAX / (w - 1) : 0;
    long sy = h > 1 ? (long)y * VIRTIO_INPUT_ABS_MAX / (h - 1) : 0;
    sx = sx < 0 ? 0 : sx > VIRTIO_INPUT_ABS_MAX ? VIRTIO_INPUT_ABS_MAX : sx;
    sy = sy < 0 ? 0 : sy > VIRTIO_INPUT_ABS_MAX ? VIRTIO_INPUT_ABS_MAX : sy;
    input_link_pointer(&d->m->input, (uint16_t)sx, (uint16_t)sy, d->buttons);
}

/* One SDL event; returns true when the window needs a redraw even without new rows. */
static bool handle_event(struct display *d, const SDL_Event *ev)
{
    switch (ev->type) {
    case SDL_QUIT:
        /* As a power button: the run loop stops at its next slice, disks are flushed. */
        atomic_store(&d->link.closed, true);
        update_title(d, "stopping");
        return false;
    case SDL_TEXTINPUT:
        /* With a virtio keyboard the window's keys are its alone, as QEMU's window sends them
         * to its emulated keyboard; the terminal still types into the UART. */
        if (d->m->cfg.keyboard) return false;
        console_push_input((const uint8_t *)ev->text.text, strlen(ev->text.text));
        return false;
    case SDL_KEYUP: /* the virtio keyboard gets presses and releases (SDL scancode = HID) */
        input_link_key(&d->m->input, ev->key.keysym.scancode, false);
        return false;
    case SDL_MOUSEMOTION: pointer_event(d, ev->motion.x, ev->motion.y); return false;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
        uint8_t bit = ev->button.button == SDL_BUTTON_LEFT     ? 1
                      : ev->button.button == SDL_BUTTON_RIGHT  ? 2
                      : ev->button.button == SDL_BUTTON_MIDDLE ? 4
                                                               : 0;
        if (ev->type == SDL_MOUSEBUTTONDOWN)
            d->buttons |= bit;
        else
            d->buttons &= (uint8_t)~bit;
        pointer_event(d, ev->button.x, ev->button.y);
        return false;
    }
    case SDL_KEYDOWN: {
        if (!ev->key.repeat) input_link_key(&d->m->input, ev->key.keysym.scancode, true);
        if (d->m->cfg.keyboard) return false;
        uint8_t bytes[8];
        size_t n = display_key_bytes(ev->key.keysym.sym, ev->key.keysym.mod, bytes);
        if (n) console_push_input(bytes, n);
        return false;
    }
    case SDL_WINDOWEVENT:
        return ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
               ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED;
    default: return false;
    }
}

static int emulator_thread(void *opaque)
{
    struct display *d = opaque;
    d->status = d->body(d->m, d->opaque);
    atomic_store(&d->emulator_done, true);
    SDL_Event wake = {.type = d->wake_event};
    SDL_PushEvent(&wake); /* thread-safe: ends the window's wait at once */
    return 0;
}

int display_run(struct display *d, int (*body)(struct machine *m, void *opaque), void *opaque)
{
    d->body = body;
    d->opaque = opaque;
    update_title(d, "running");
    SDL_Thread *thread = SDL_CreateThread(emulator_thread, "rv39-hart", d);
    if (!thread) {
        /* No second thread: run the machine here, without a live picture. */
        fprintf(stderr, "rv39: cannot start the emulator thread (%s): window not updated\n",
                SDL_GetError());
        return body(d->m, opaque);
    }
    uint64_t last_frame = 0, last_heartbeat = (uint64_t)-1, heartbeat_ms = SDL_GetTicks64();
    bool need_redraw = true;
    while (!atomic_load(&d->emulator_done)) {
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, FRAME_MS)) {
            need_redraw |= handle_event(d, &ev);
            while (SDL_PollEvent(&ev))
                need_redraw |= handle_event(d, &ev);
        }
        uint64_t now = SDL_GetTicks64();
        if (now - last_frame < FRAME_MS) continue;
        last_frame = now;
        if (framebuffer_collect(&d->m->fb, upload_rows, d) > 0 || need_redraw) {
            redraw(d);
            need_redraw = false;
        }
        uint64_t beat = atomic_load_explicit(&d->link.heartbeat, memory_order_relaxed);
        if (beat != last_heartbeat) {
            last_heartbeat = beat;
            heartbeat_ms = now;
        }
        if (!atomic_load(&d->link.closed))
            update_title(d, now - heartbeat_ms > PAUSED_AFTER_MS ? "paused" : "running");
    }
    SDL_WaitThread(thread, NULL);
    return d->status;
}

void display_close(struct display *d)
{
    if (!d) return;
    if (d->m) d->m->ui = NULL;
    if (d->texture) SDL_DestroyTexture(d->texture);
    if (d->renderer) SDL_DestroyRenderer(d->renderer);
    if (d->window) SDL_DestroyWindow(d->window);
    SDL_Quit();
    free(d);
}
