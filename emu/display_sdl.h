/* The SDL2 window onto the guest: it shows the framebuffer (devices/framebuffer.h), scaled to
 * the window, redrawn at most 60 times a second and only when the guest changed rows; keys
 * typed into it reach the guest as UART input; closing it powers the machine off cleanly.
 *
 * Threads: SDL wants its events on the thread that initialised video (the main thread on
 * some platforms), so the window lives on the main thread and the emulator runs on a second
 * one (display_run). The two meet only here:
 *   - keys: the window pushes bytes into the console's input queue (emu/console.h), the one
 *     path for terminal and window keys into the UART; the push wakes a hart idling in wfi;
 *   - pixels: framebuffer_publish / framebuffer_collect (devices/framebuffer.h), same rule;
 *   - state: atomics (window closed, run-loop heartbeat for the title's running/paused).
 *
 * Whether to open a window at all: `--nographic` (or `--display none`) never does; without it
 * rv39 opens one when a display is there (DISPLAY or WAYLAND_DISPLAY set and SDL's video
 * initialises) and otherwise runs headless with a one-line note; `--display sdl` insists. */
#ifndef RV39_DISPLAY_SDL_H
#define RV39_DISPLAY_SDL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* What the run loop shares with the window (machine.ui points here while one is open). */
struct display_link {
    atomic_bool closed;              /* the user closed the window */
    atomic_uint_least64_t heartbeat; /* machine_service calls: the hart is running */
};

/* Run-loop side, called by machine_service between slices (emulator thread): counts a
 * heartbeat and hands dirty rows to the window. Returns false once the window was closed (the
 * machine should stop). */
bool display_service(struct machine *m);

enum display_mode {
    DISPLAY_AUTO, /* a window when a display is there, else headless with a note */
    DISPLAY_SDL,  /* a window, or an error */
    DISPLAY_NONE, /* headless (--nographic) */
};

struct display;

/* Open the window for m's framebuffer and link it to m (m->ui). Returns NULL without a window:
 * for DISPLAY_NONE silently; otherwise with one phrase in err saying why (no display, SDL
 * failed). */
struct display *display_open(struct machine *m, enum display_mode mode, char *err, size_t errlen);
/* Run body(m, opaque) on a new emulator thread while this thread serves the window; returns
 * body's result once it has returned (the guest powered off, the window was closed, or a
 * signal stopped the run). */
int display_run(struct display *d, int (*body)(struct machine *m, void *opaque), void *opaque);
/* Close the window, unlink it from the machine and shut SDL down. */
void display_close(struct display *d);

/* Bytes a key press sends to the guest, as a terminal would (Enter = CR, Backspace = DEL,
 * arrows = ESC [ A..D, Ctrl+letter = 1..26), for keys SDL does not report as text. `sym` and
 * `mod` are SDL_Keycode and SDL_Keymod values. Returns the count (0: not a key we send). */
size_t display_key_bytes(int32_t sym, uint16_t mod, uint8_t out[8]);

#endif
