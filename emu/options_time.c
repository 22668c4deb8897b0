/* The options about guest time (QEMU's spellings): -icount for deterministic execution,
 * -rtc for the goldfish RTC's base under it, and --state-hash-every to check determinism. */
#define _GNU_SOURCE /* timegm */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../devices/timebase.h"
#include "options.h"

/* -icount with no -rtc base=: a fixed date, so the guest's wall clock is deterministic too. */
#define RTC_DEFAULT_BASE_S 946684800ull /* 2000-01-01T00:00:00Z */

static bool parse_uint(const char *text, uint64_t max, uint64_t *out)
{
    if (!isdigit((unsigned char)text[0])) return false;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end || v > max) return false;
    *out = v;
    return true;
}

/* -icount [shift=]N[,sleep=off]: each instruction is 2^N ns of guest time (QEMU's -icount).
 * shift=auto (QEMU re-tunes N to the host's speed) and sleep=on (guest time runs on while
 * the hart idles) both make guest time depend on the host, the opposite of what -icount is
 * for here: refused. */
bool options_parse_icount(const char *text, struct machine_config *mc, char *problem,
                          size_t problem_len)
{
    char buf[64];
    if (strlen(text) >= sizeof buf) {
        snprintf(problem, problem_len, "too long");
        return false;
    }
    strcpy(buf, text);
    bool have_shift = false;
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        const char *value = item;
        if (strncmp(item, "shift=", 6) == 0)
            value = item + 6;
        else if (strcmp(item, "sleep=off") == 0)
            continue;
        else if (strcmp(item, "sleep=on") == 0) {
            snprintf(problem, problem_len,
                     "sleep=on is not supported (guest time would run on with the host's clock "
                     "while the hart idles): rv39 skips idle time, as QEMU's sleep=off");
            return false;
        } else if (strchr(item, '=')) {
            snprintf(problem, problem_len, "unknown key '%s' (expected shift=N, sleep=off)", item);
            return false;
        }
        if (strcmp(value, "auto") == 0) {
            snprintf(problem, problem_len,
                     "shift=auto is not supported (it tunes guest time to the host's speed, so "
                     "runs would differ): give shift=N, N in 0..%u",
                     TIMEBASE_MAX_SHIFT);
            return false;
        }
        uint64_t shift;
        if (!parse_uint(value, TIMEBASE_MAX_SHIFT, &shift)) {
            snprintf(problem, problem_len,
                     "expected shift=N with N in 0..%u (2^N ns per "
                     "instruction)",
                     TIMEBASE_MAX_SHIFT);
            return false;
        }
        mc->icount_shift = (unsigned)shift;
        have_shift = true;
    }
    if (!have_shift) {
        snprintf(problem, problem_len, "expected shift=N with N in 0..%u", TIMEBASE_MAX_SHIFT);
        return false;
    }
    mc->icount = true;
    return true;
}

/* base=utc|YYYY-MM-DD[THH:MM:SS] (UTC), as QEMU's -rtc base=. */
static bool parse_base(const char *value, uint64_t *ns)
{
    if (strcmp(value, "utc") == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        *ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        return true;
    }
    struct tm tm = {0};
    int n = 0;
    if (sscanf(value, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3) return false;
    if (value[n] == 'T') {
        int m = 0;
        if (sscanf(value + n, "T%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &m) != 3)
            return false;
        n += m;
    }
    if (value[n] || tm.tm_year < 1970 || tm.tm_year > 9999 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
        tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t < 0) return false;
    *ns = (uint64_t)t * 1000000000ull;
    return true;
}

/* -rtc [base=utc|DATE][,clock=vm]: where the goldfish RTC starts under -icount. clock=host
 * (rt) would make the guest's wall clock the host's: refused with -icount (checked by the
 * caller once the whole line is read). */
bool options_parse_rtc(const char *text, struct options *opts, char *problem, size_t problem_len)
{
    char buf[128];
    if (strlen(text) >= sizeof buf) {
        snprintf(problem, problem_len, "too long");
        return false;
    }
    strcpy(buf, text);
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        if (strncmp(item, "base=", 5) == 0) {
            if (!parse_base(item + 5, &opts->machine.rtc_base_ns)) {
                snprintf(problem, problem_len,
                         "base=%s: expected utc or a date YYYY-MM-DD[THH:MM:SS] (UTC)", item + 5);
                return false;
            }
            opts->rtc_base_given = true;
        } else if (strcmp(item, "clock=vm") == 0) {
            opts->rtc_clock_host = false;
        } else if (strcmp(item, "clock=host") == 0 || strcmp(item, "clock=rt") == 0) {
            opts->rtc_clock_host = true;
        } else {
            snprintf(problem, problem_len,
                     "unknown item '%s' (expected base=utc|YYYY-MM-DD[THH:MM:SS], clock=vm)", item);
            return false;
        }
    }
    opts->rtc_given = true;
    return true;
}

/* -record without -icount: QEMU's record/replay wants -icount too; rv39 picks this shift. */
#define RECORD_DEFAULT_SHIFT 3

bool options_finish_time(struct options *opts, char *problem, size_t problem_len)
{
    if (opts->record_file && opts->replay_file) {
        snprintf(problem, problem_len, "-record and -replay: one or the other");
        return false;
    }
    const char *rr = opts->record_file ? "-record" : opts->replay_file ? "-replay" : NULL;
    if (rr && opts->loadvm_file) { /* a record starts at power-on */
        snprintf(problem, problem_len, "-loadvm and %s: not together", rr);
        return false;
    }
    if (rr && (opts->netdev_count || opts->machine.nic_count)) {
        snprintf(problem, problem_len,
                 "%s: not with a network (-netdev/-nic): its packets are not recorded", rr);
        return false;
    }
    if (opts->replay_file && (opts->icount_given || opts->rtc_given)) {
        snprintf(problem, problem_len,
                 "-replay: the record sets -icount and -rtc (drop them from the command line)");
        return false;
    }
    if (opts->record_file && !opts->machine.icount) {
        opts->machine.icount = true;
        opts->machine.icount_shift = RECORD_DEFAULT_SHIFT;
    }
    if (opts->rtc_given && !opts->machine.icount) {
        snprintf(problem, problem_len,
                 "-rtc: only with -icount (without it the RTC follows the host's clock)");
        return false;
    }
    if (opts->rtc_clock_host) {
        snprintf(problem, problem_len,
                 "-rtc clock=host: under -icount the RTC runs on guest time (clock=vm)");
        return false;
    }
    if (opts->machine.icount && !opts->rtc_base_given)
        opts->machine.rtc_base_ns = RTC_DEFAULT_BASE_S * 1000000000ull;
    return true;
}

bool options_parse_state_hash(const char *text, struct machine_config *mc, char *problem,
                              size_t problem_len)
{
    if (!parse_uint(text, UINT64_MAX, &mc->state_hash_every) || mc->state_hash_every == 0) {
        snprintf(problem, problem_len, "expected a number of instructions (at least 1)");
        return false;
    }
    return true;
}

bool options_parse_time(const char *name, const char *arg, struct options *opts, FILE *err)
{
    char problem[200];
    if (strcmp(name, "record") == 0 || strcmp(name, "replay") == 0 ||
        strcmp(name, "loadvm") == 0) {
        if (!arg[0]) {
            fprintf(err, "rv39: -%s: expected a file name\n", name);
            return false;
        }
        *(name[0] == 'l'   ? &opts->loadvm_file
          : name[2] == 'c' ? &opts->record_file
                           : &opts->replay_file) = arg;
        return true;
    }
    if (strcmp(name, "icount") == 0) opts->icount_given = true;
    bool ok = strcmp(name, "icount") == 0
                  ? options_parse_icount(arg, &opts->machine, problem, sizeof problem)
              : strcmp(name, "rtc") == 0
                  ? options_parse_rtc(arg, opts, problem, sizeof problem)
                  : options_parse_state_hash(arg, &opts->machine, problem, sizeof problem);
    if (!ok) fprintf(err, "rv39: -%s %s: %s\n", name, arg, problem);
    return ok;
}
