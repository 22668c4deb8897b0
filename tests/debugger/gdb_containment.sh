#!/bin/sh
# The GDB stub keeps its failures to itself (issue 12, "Containment"), as QEMU's does:
#   - a client that vanishes in the middle of the replies is a client that detached: no death
#     by SIGPIPE, one line on stderr, and the guest runs on to its own exit status;
#   - SIGINT and SIGTERM stop rv39 cleanly whatever the stub is doing (waiting for a client
#     with -S, halted under one, running under one, running before one came), with the exit
#     status of other signal stops (128 + signal) and main's normal exit path (--stats
#     printed, disks closed). A running client is told why with an X (terminated) packet.
# The clients are small python3 scripts speaking the remote protocol (GDB manual, "Remote
# Protocol"), so each can misbehave exactly when it should.
# Usage: sh gdb_containment.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"

if ! command -v python3 >/dev/null 2>&1; then
    echo "gdb_containment.sh: FAIL: python3 not installed"
    exit 1
fi

cat >"$WORK/client.py" <<'PY'
import os, signal, socket, sys, time

def packet(data):
    return b"$" + data + b"#%02x" % (sum(data) & 0xFF)

def read_until(s, marker, limit=10):
    s.settimeout(limit)
    got = b""
    while marker not in got:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    return got

def read_to_close(s, limit=10):
    s.settimeout(limit)
    got = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return got, True
            got += chunk
    except socket.timeout:
        return got, False

mode, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
if mode == "flood":
    # Many requests with long replies, then gone before reading any of them.
    s.sendall(packet(b"g") * 200 + packet(b"m80000000,1000") * 20)
    s.close()
elif mode == "binary":
    # X packets (GDB manual, "Packets"): the probe, escaped bytes, a wrong length.
    def ask(data):
        s.sendall(packet(data))
        reply = read_until(s, b"#")
        return reply[reply.index(b"$") + 1 : reply.index(b"#")].decode(errors="replace")
    ask(b"?")
    raw = bytes([0x23, 0x24, 0x7D, 0x2A, 0x00, 0xFF, 0x41])
    esc = b"".join(bytes([0x7D, b ^ 0x20]) if b in b"#$}*" else bytes([b]) for b in raw)
    print("probe:", ask(b"X80100000,0:"))
    print("write:", ask(b"X80100000,%x:" % len(raw) + esc))
    print("read:", ask(b"m80100000,%x" % len(raw)))
    print("short:", ask(b"X80100000,9:" + esc))
    print("long:", ask(b"X80100000,3:" + esc))
    s.sendall(packet(b"k"))
elif mode == "halted":
    s.sendall(packet(b"?"))
    print("reply:", read_until(s, b"#").decode(errors="replace"))
    os.kill(pid, signal.SIGINT)
    got, closed = read_to_close(s)
    print("closed" if closed else "still open")
elif mode == "running":
    s.sendall(packet(b"?"))
    read_until(s, b"#")
    s.sendall(packet(b"c"))
    time.sleep(0.5)
    os.kill(pid, signal.SIGTERM)
    got, closed = read_to_close(s)
    print("got:", got.decode(errors="replace"))
    print("closed" if closed else "still open")
PY

# start_rv39 ELF ARGS...: rv39 serving GDB on a free port, with --stats (lib.sh).
start_rv39() {
    elf=$1
    shift
    start_gdb_rv39 20 "$elf" "$@" --stats
}

# expect_status WHAT STATUS: rv39's exit status, and that it went through main's exit path.
expect_status() {
    checks=$((checks + 1))
    [ "$status" -eq "$2" ] || fail "$1: exit status $status, expected $2 (124: rv39 ignored the signal; 141: killed by SIGPIPE): $(cat "$WORK/rv39.err")"
    expect "$WORK/rv39.err" "instret:" "$1: rv39 ends through its normal exit path (--stats printed)"
}

# --- a client that vanishes mid-reply: detached, the guest runs on to its exit ---
start_rv39 "$ELF" -S
python3 "$WORK/client.py" flood "$PORT" "$RV39_PID" >"$WORK/flood.txt" 2>&1
wait "$RV39_PID"
status=$?
expect_status "client gone mid-reply" 0
expect "$WORK/rv39.err" "rv39: gdb: connection lost; detached, the guest runs on" \
    "client gone mid-reply: one line says so"

# --- binary writes (X), with the escapes GDB uses for '#', '$', '}' and '*' ---
start_rv39 "$SPIN_ELF" -S
python3 "$WORK/client.py" binary "$PORT" "$RV39_PID" >"$WORK/binary.txt" 2>&1
wait "$RV39_PID"
expect "$WORK/binary.txt" "probe: OK" "X with length 0: the probe says binary writes work"
expect "$WORK/binary.txt" "write: OK" "X with escaped bytes is written"
expect "$WORK/binary.txt" "read: 23247d2a00ff41" "the bytes read back unescaped, NUL included"
expect "$WORK/binary.txt" "short: E01" "X whose data is shorter than its length is refused"
expect "$WORK/binary.txt" "long: E01" "X whose data is longer than its length is refused"

# --- SIGTERM while waiting for a client (-S) ---
start_rv39 "$SPIN_ELF" -S
kill -TERM "$RV39_PID"
wait "$RV39_PID"
status=$?
expect_status "SIGTERM while waiting for a client" 143
expect "$WORK/rv39.err" "rv39: stopped by signal 15" "SIGTERM while waiting: the stop is reported"

# --- SIGINT while waiting for a client (-S) ---
start_rv39 "$SPIN_ELF" -S
kill -INT "$RV39_PID"
wait "$RV39_PID"
status=$?
expect_status "SIGINT while waiting for a client" 130

# --- SIGINT while halted under a client ---
start_rv39 "$SPIN_ELF" -S
python3 "$WORK/client.py" halted "$PORT" "$RV39_PID" >"$WORK/halted.txt" 2>&1
wait "$RV39_PID"
status=$?
expect_status "SIGINT while halted under a client" 130
expect "$WORK/rv39.err" "rv39: stopped by signal 2" "SIGINT while halted: the stop is reported"
expect "$WORK/halted.txt" "reply: +\$T05thread:1;" "SIGINT while halted: the client was attached and halted (stop reply naming hart 0's thread)"
expect "$WORK/halted.txt" "closed" "SIGINT while halted: the client sees the connection close"

# --- SIGTERM while the guest runs under a client: the client hears X0f (terminated) ---
start_rv39 "$SPIN_ELF" -S
python3 "$WORK/client.py" running "$PORT" "$RV39_PID" >"$WORK/running.txt" 2>&1
wait "$RV39_PID"
status=$?
expect_status "SIGTERM while running under a client" 143
expect "$WORK/running.txt" "\$X0f#" "SIGTERM while running: GDB gets an X (terminated by signal 15) packet"

# --- SIGINT while the guest runs before any client came (no -S) ---
start_rv39 "$SPIN_ELF"
sleep 0.3
kill -INT "$RV39_PID"
wait "$RV39_PID"
status=$?
expect_status "SIGINT while running without a client" 130

finish
