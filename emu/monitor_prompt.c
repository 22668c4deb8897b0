/* The monitor's prompt (emu/debugger.h's debugger_main and monitor_run): libedit on a
 * terminal, plain lines from a script. One console model: the guest has the terminal while it
 * runs, the monitor while it is stopped, and C-a c switches between them both ways (at the
 * prompt, C-a c is `continue` and C-a x is `quit`). */
#include "monitor.h"

#include <histedit.h>
#include <wchar.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "machine_threads.h"
#include "console_out.h"
#include "trace_log.h"
#include "vmmap.h"


static const struct machine *prompt_machine;

/* "(rv39) ", or with several harts the selected one: "(rv39 hart 2) ". */
static const char *prompt(EditLine *el)
{
    (void)el;
    static char text[32];
    if (!prompt_machine || prompt_machine->nharts < 2) return "(rv39) ";
    snprintf(text, sizeof text, "(rv39 hart %u) ", prompt_machine->selected);
    return text;
}

/* C-a at the prompt: the same escape as on the guest's console. The command it stands for
 * replaces whatever was typed on the line. */
static const char *escape_command;

static unsigned char escape_key(EditLine *el, int ch)
{
    (void)ch;
    char c;
    if (el_getc(el, &c) != 1) return CC_ERROR;
    if (c == 'h' || c == '?') {
        printf("\n%s", console_help_text);
        return CC_REDISPLAY;
    }
    escape_command = c == 'c' ? "continue" : c == 'x' ? "quit" : NULL;
    if (!escape_command) return CC_NORM;
    /* libedit returns an empty line as end of input: give it the command's text. */
    el_insertstr(el, escape_command); /* shown by the loop, after the prompt */
    return CC_NEWLINE;
}

/* Commands until `quit`, the end of input, or the guest's power-off being acknowledged. */
static int prompt_loop(struct debugger *d)
{
    struct machine *m = d->m;
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
            /* The wide call: libedit's narrow el_set(EL_ADDFN) keeps wcsdup'd copies of the
             * name and help that el_end never frees (LeakSanitizer: 120 bytes); el_wset keeps
             * these static strings as they are. */
            el_wset(el, EL_ADDFN, L"rv39-escape", L"QEMU's C-a escape", escape_key);
            el_set(el, EL_BIND, "^A", "rv39-escape", NULL);
        }
    }
    char line[512];
    prompt_machine = m;
    while (!d->quit) {
        fflush(stdout);
        const char *text = NULL;
        if (el && hist) {
            int count;
            escape_command = NULL;
            text = el_gets(el, &count);
            if (text && escape_command) {
                printf("%s\n", escape_command);
                text = escape_command;
            } else if (text && count > 1) {
                history(hist, &ev, H_ENTER, text);
            }
        } else {
            text = fgets(line, sizeof(line), stdin);
            if (text) printf("%s%s%s", prompt(NULL), text, strchr(text, '\n') ? "" : "\n");
        }
        if (!text) {
            if (machine_interrupted()) { /* Ctrl-C at the prompt: a fresh line */
                clearerr(stdin);
                printf("\n");
                continue;
            }
            break; /* end of input */
        }
        debugger_command(d, text, stdout);
    }
    fflush(stdout);
    if (el) el_end(el);
    if (hist) history_end(hist);
    debugger_detach(d);
    return m->stop ? m->exit_status : 0;
}

static struct debugger dbg; /* large: off the stack */

static void attach(struct machine *m)
{
    debugger_init(&dbg, m, stdout);
    m->debugging = true;   /* SIGINT from outside interrupts a run instead of ending rv39 */
    m->stdin_open = false; /* the prompt owns stdin; do_run lends a terminal to the guest */
    console_clear_requests();
}

int debugger_main(struct machine *m)
{
    attach(m);
    machine_start(m);
    /* Install the signal handlers but keep the terminal as it is: libedit manages it at the
     * prompt. */
    machine_console_begin();
    machine_console_end(m);
    char sym[96];
    dbg_symbolize(&dbg, machine_selected(m)->pc, sym, sizeof(sym));
    printf("rv39 debugger: hart halted at 0x%" PRIx64 "%s. 'help' lists the commands.\n",
           machine_selected(m)->pc, sym);
    return prompt_loop(&dbg);
}

int monitor_run(struct machine *m)
{
    machine_start(m);
    machine_console_begin();
    while (machine_service(m)) {
        if (console_take_monitor_request()) {
            machine_threads_pause(m); /* the monitor looks at harts that stand still */
            machine_console_end(m);
            attach(m);
            char sym[96];
            dbg_symbolize(&dbg, machine_selected(m)->pc, sym, sizeof(sym));
            console_out_end_guest_line(); /* the monitor's lines are lines of their own */
            printf("rv39 monitor: the guest is stopped at 0x%" PRIx64 "%s [%s]. 'continue' (or "
                   "C-a c) gives it the terminal back; 'help' lists the commands.\n",
                   machine_selected(m)->pc, sym, vmmap_priv_name(machine_selected(m)->priv));
            return prompt_loop(&dbg);
        }
        if (trace_log_stepping()) {
            /* -d exec: one instruction of each hart, logged, per service. */
            unsigned selected = m->selected;
            bool all_idle = true, idle;
            for (unsigned h = 0; h < m->nharts; h++) {
                m->selected = h; /* the hart trace_log_exec looks at */
                trace_log_exec(m);
                machine_advance_hart(m, m->hart[h], 1, true, &idle);
                all_idle &= idle;
            }
            m->selected = selected;
            if (all_idle) machine_idle(m);
        } else {
            machine_run_slice(m);
        }
    }
    machine_console_end(m);
    return m->exit_status;
}
