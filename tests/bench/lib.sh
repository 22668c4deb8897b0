# lib.sh: shell functions the benchmark drivers (bench.sh, run_all.sh) share. Sourced, not run.

# now: monotonic enough wall clock, in nanoseconds.
now() { date +%s%N; }

# median FILE: the median of the numbers in FILE, one a line (the mean of the middle two
# when the count is even, truncated to an integer).
median() {
    sort -n "$1" | awk '{ v[NR] = $1 }
        END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# guest_lines RAW OUT: what a run printed, without carriage returns and without the '~' lines
# (times, instruction counts, addresses), which are the only ones allowed to differ between
# rv39 and QEMU.
guest_lines() { tr -d '\r' <"$1" | grep -v '^~' >"$2" || true; }

# guest_figure RAW NAME: the number on the guest's "~ NAME N" line, if it printed one.
guest_figure() { tr -d '\r' <"$1" | awk -v n="$2" '$1 == "~" && $2 == n { print $3; exit }'; }

# seconds US: microseconds as seconds with three decimals.
seconds() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1e6 }'; }
