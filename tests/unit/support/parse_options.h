/* Command-line parsing in unit tests: options_parse (emu/options.h) on a list of words, with
 * what it printed to stdout and stderr kept for the assertions.
 *
 *     TestSuite(options, .fini = parsed_release);
 *     Test(options, memory) {
 *         PARSE("-m", "1G");
 *         cr_assert_eq(parsed.outcome, OPTIONS_RUN);
 *     }
 */
#ifndef RV39_TEST_PARSE_OPTIONS_H
#define RV39_TEST_PARSE_OPTIONS_H

#include "emu/options.h"

struct parsed_options {
    enum options_outcome outcome;
    struct options opts;
    char *out, *err; /* what went to stdout and stderr (NUL-terminated) */
};

/* The last parse's result. */
extern struct parsed_options parsed;

/* Parse the words after the program name: PARSE("-m", "1G"). */
#define PARSE(...) parse_words((const char *[]){"rv39", __VA_ARGS__, NULL})
/* words: argv with its program name, NULL-terminated (at most 31 words). */
void parse_words(const char **words);
/* Free the captured output and clear `parsed` (a suite's .fini). */
void parsed_release(void);
/* The last parse failed the way rv39's errors must (NOTES.md, "Exit status"): one line on
 * stderr starting "rv39: " that mentions must_contain, nothing on stdout. */
void assert_one_line_error(const char *must_contain);

#endif
