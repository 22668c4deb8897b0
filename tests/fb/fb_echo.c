/* A tiny terminal on the framebuffer: every byte that arrives on the UART (keys typed into
 * rv39's window, or stdin) is echoed onto the screen and back to the UART, a line at a time
 * behind a "> " prompt. The line "poweroff" powers off with status 0. */
#include "fb_guest.h"
#include "fb_layout.h"
#include "font.h"
#include "rv39.h"

#define UART_RBR ((volatile uint8_t *)(UART0_BASE + 0))
#define UART_LSR ((volatile uint8_t *)(UART0_BASE + 5))
#define LSR_DATA_READY 0x01
#define MAX_LINE 80

static int getchar_(void)
{
    while (!(*UART_LSR & LSR_DATA_READY))
        ;
    return *UART_RBR;
}

int main(void)
{
    struct fb_info fb;
    if (!fb_find(rv39_boot_dtb, &fb)) {
        printf("fb_echo: no simple-framebuffer (a8r8g8b8) in the device tree\n");
        return 1;
    }
    unsigned columns = (fb.width - LAYOUT_LEFT) / FONT_WIDTH;
    unsigned rows = (fb.height - LAYOUT_TOP) / FONT_HEIGHT;
    if (columns > MAX_LINE + 2) columns = MAX_LINE + 2;
    fb_fill(&fb, LAYOUT_BG);
    fb_draw_string(&fb, 0, 0, LAYOUT_ECHO_TITLE, LAYOUT_FG, LAYOUT_BG);
    printf("%s\n", LAYOUT_ECHO_TITLE);

    unsigned row = 1;
    char line[MAX_LINE + 1];
    unsigned len = 0;
    fb_draw_string(&fb, 0, row, LAYOUT_ECHO_PROMPT, LAYOUT_FG, LAYOUT_BG);
    for (;;) {
        int c = getchar_();
        if (c == '\r' || c == '\n') {
            line[len] = '\0';
            putchar_('\n');
            if (len == sizeof(LAYOUT_ECHO_QUIT) - 1 && memcmp(line, LAYOUT_ECHO_QUIT, len) == 0)
                return 0;
            if (len == 0) continue; /* CR LF from a terminal: one line, not two */
            len = 0;
            row = row + 1 < rows ? row + 1 : 1; /* wrap to the top rather than scroll */
            fb_draw_string(&fb, 0, row, LAYOUT_ECHO_PROMPT, LAYOUT_FG, LAYOUT_BG);
        } else if (c == 0x7f || c == 0x08) {
            if (len == 0) continue;
            len--;
            fb_draw_char(&fb, 2 + len, row, ' ', LAYOUT_FG, LAYOUT_BG);
            puts_("\b \b");
        } else if (c >= 0x20 && len < MAX_LINE && 2 + len < columns) {
            line[len] = (char)c;
            fb_draw_char(&fb, 2 + len, row, (unsigned char)c, LAYOUT_FG, LAYOUT_BG);
            len++;
            putchar_(c);
        }
    }
}
