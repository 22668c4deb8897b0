/* Command-line parsing in unit tests (parse_options.h). */
#include "parse_options.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

struct parsed_options parsed;

void parse_words(const char **words)
{
    char *argv[32];
    int argc = 0;
    while (words[argc]) {
        cr_assert_lt(argc, 31, "too many words for parse_words");
        argv[argc] = (char *)words[argc];
        argc++;
    }
    argv[argc] = NULL;
    parsed_release();
    size_t out_len, err_len;
    FILE *out = open_memstream(&parsed.out, &out_len);
    FILE *err = open_memstream(&parsed.err, &err_len);
    parsed.outcome = options_parse(argc, argv, &parsed.opts, out, err);
    fclose(out);
    fclose(err);
}

void parsed_release(void)
{
    free(parsed.out);
    free(parsed.err);
    parsed = (struct parsed_options){0};
}

void assert_one_line_error(const char *must_contain)
{
    cr_assert_eq(parsed.outcome, OPTIONS_ERROR, "expected a parse error");
    cr_assert_eq(strncmp(parsed.err, "rv39: ", 6), 0, "error must start 'rv39: ': %s", parsed.err);
    const char *nl = strchr(parsed.err, '\n');
    cr_assert(nl && nl[1] == '\0', "error must be exactly one line: %s", parsed.err);
    cr_assert(strstr(parsed.err, must_contain), "error should mention '%s': %s", must_contain,
              parsed.err);
    cr_assert_str_empty(parsed.out, "nothing goes to stdout on an error");
}
