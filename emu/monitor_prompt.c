/* The monitor's prompt (emu/debugger.h's debugger_main): libedit on a terminal, plain lines
 * from a script. */
#include "monitor.h"

#include <histedit.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

static const char *prompt(EditLine *el)
{
    (void)el;
    return "(rv39) ";
}

int debugger_main(struct machine *m)
{
    static struct debugger d; /* large: off the stack */
    debugger_init(&d, m, stdout);
    m->debugging = true;
    m->stdin_open = false; /* the prompt owns stdin; do_run lends a terminal to the guest */
    machine_boot(m);
    /* Install the Ctrl-C handler but keep the terminal as it is: libedit manages it at the
     * prompt. */
    machine_console_begin();
    machine_console_end(m);

    bool tty = isatty(STDIN_FILENO);
    EditLine *el = NULL;
    History *hist = NULL;
    HistEvent ev;
    if (tty) {
        el = el_init("rv39", stdin, stdout, stderr);
        hist = history_init();
        if (el && hist) {
            history(hist, &ev, H_SETSIZE, 1000);
            el_set(el, EL_PROMPT, prompt);
            el_set(el, EL_EDITOR, "emacs");
            el_set(el, EL_HIST, history, hist);
        }
    }
    char sym[96];
    dbg_symbolize(&d, m->cpu.pc, sym, sizeof(sym));
    printf("rv39 debugger: hart halted at 0x%" PRIx64 "%s. 'help' lists the commands.\n", m->cpu.pc,
           sym);
    char line[512];
    while (!d.quit) {
        fflush(stdout);
        const char *text = NULL;
        if (el && hist) {
            int count;
            text = el_gets(el, &count);
            if (text && count > 1) history(hist, &ev, H_ENTER, text);
        } else {
            text = fgets(line, sizeof(line), stdin);
            if (text) printf("(rv39) %s%s", text, strchr(text, '\n') ? "" : "\n");
        }
        if (!text) {
            if (machine_interrupted()) { /* Ctrl-C at the prompt: a fresh line */
                clearerr(stdin);
                printf("\n");
                continue;
            }
            break; /* end of input */
        }
        debugger_command(&d, text, stdout);
    }
    fflush(stdout);
    if (el) el_end(el);
    if (hist) history_end(hist);
    debugger_detach(&d);
    return m->stop ? m->exit_status : 0;
}
