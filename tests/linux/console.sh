# console.sh (sourced): drive an emulator's serial console as a person at it would, for the
# Linux tests. The emulator reads a FIFO we type into and writes a log we wait on.
#   console_start LOG COMMAND...   start it (sets console_pid; our fd 3 is its stdin)
#   wait_for TEXT SECONDS          until TEXT is in the log; false if it ended or time ran out
#   type_line TEXT                 type TEXT and Enter
#   console_wait SECONDS           until it ends by itself (killed after SECONDS: then
#                                  console_killed=yes); its exit status
# Each answer should be waited for by text the typed line itself (echoed back) does not hold.

console_start() {
    console_log=$1
    shift
    console_fifo="$console_log.in"
    rm -f "$console_fifo" "$console_log"
    mkfifo "$console_fifo"
    "$@" <"$console_fifo" >"$console_log" 2>&1 &
    console_pid=$!
    exec 3>"$console_fifo" # its stdin stays open while we type
}

wait_for() {
    wait_deadline=$(($(date +%s) + $2))
    while ! grep -qaF -- "$1" "$console_log"; do
        kill -0 "$console_pid" 2>/dev/null || return 1
        [ "$(date +%s)" -lt "$wait_deadline" ] || return 1
        sleep 0.2
    done
}

type_line() {
    printf '%s\n' "$1" >&3
}

console_wait() {
    console_killed=
    waited=0
    while kill -0 "$console_pid" 2>/dev/null && [ "$waited" -lt $(($1 * 5)) ]; do
        sleep 0.2
        waited=$((waited + 1))
    done
    if kill -0 "$console_pid" 2>/dev/null; then
        console_killed=yes
        kill -9 "$console_pid" 2>/dev/null
    fi
    wait "$console_pid"
    console_status=$?
    exec 3>&-
    rm -f "$console_fifo"
    return "$console_status"
}
