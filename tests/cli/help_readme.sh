#!/bin/sh
# --help agrees with the README (issue 16): every option --help lists has a row in the
# README's "Command line" table, every option of that table is in --help, and the console's
# escape keys are the same in both (the README's table under "Console, monitor and debugger").
#
# Usage: sh tests/cli/help_readme.sh /path/to/rv39 /path/to/build
set -u
RV39=${1:?usage: help_readme.sh RV39 BUILD_DIR}
README=$(dirname "$0")/../../README.md
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
help=$("$RV39" --help) || fail "--help: exit status not 0"

# Options, one dash: those --help starts a line with, those the README table's first column has.
help_opts=$(printf '%s\n' "$help" | grep -oE '^  -[a-zA-Z][a-zA-Z-]*' | tr -d ' ' | sort -u)
readme_opts=$(awk '/^## Command line/ { on = 1; next } /^## / { on = 0 } on && /^\| `/' "$README" |
    cut -d'|' -f2 | grep -oE '`-{1,2}[a-zA-Z][a-zA-Z-]*' | tr -d '`' | sed 's/^--*/-/' | sort -u)
[ -n "$help_opts" ] && [ -n "$readme_opts" ] || fail "no options found (--help or README changed shape)"
for o in $help_opts; do
    printf '%s\n' "$readme_opts" | grep -qx -- "$o" || fail "--help lists $o, the README's table does not"
done
for o in $readme_opts; do
    printf '%s\n' "$help" | grep -qE -- "(^|[ (,])$o([ ,=:)]|$)" ||
        fail "the README's table has $o, --help does not"
done

# The escape keys: the README's table rows `C-a K`, and --help's.
readme_keys=$(grep -oE '^\| `C-a [^`]+`' "$README" | sed 's/^| `//; s/`$//' | sort -u)
help_keys=$(printf '%s\n' "$help" | grep -oE 'C-a (C-a|[a-z?])' | sort -u)
[ -n "$readme_keys" ] || fail "no escape keys in the README's table"
[ "$readme_keys" = "$help_keys" ] ||
    fail "escape keys: README has '$(echo $readme_keys)', --help has '$(echo $help_keys)'"

[ "$failures" -eq 0 ] && echo "help_readme: $(echo "$help_opts" | wc -l) options and the escape keys agree"
[ "$failures" -eq 0 ]
