#!/bin/sh
# The terminal console under a pseudo-terminal (pty_run.py), as a user types at it: the
# terminal is raw while the guest runs, Ctrl-C reaches the guest as byte 3, Ctrl-A is QEMU's
# escape (C-a h help, C-a C-a one ^A, C-a x quits with status 0, C-a c the monitor), SIGTERM
# and SIGINT from outside still stop rv39, and the terminal is restored on every way out.
# Usage: sh console.sh RV39 GUEST_DIR
. "$(dirname "$0")/lib.sh" "$@"
CONSOLE_ELF=$GUEST_DIR/dbg_console.elf
PTY="python3 $(dirname "$0")/pty_run.py"

# --- keys to the guest, the escapes, C-a x ---
f=$WORK/keys.txt
$PTY "$f" "expect:console guest ready" "modes" "send:a" "expect:byte 0x61" "send:\x03" \
    "expect:byte 0x03" "send:\x01h" "expect:C-a x" "send:\x01\x01" "expect:byte 0x01" \
    "send:\x01zb" "expect:byte 0x62" "send:\x01x" -- \
    "$RV39" -nographic -bios none -kernel "$CONSOLE_ELF"
expect "$f" "== modes raw" "the terminal is raw while the guest runs"
expect "$f" "byte 0x61" "a typed key reaches the guest"
expect "$f" "byte 0x03" "Ctrl-C reaches the guest as byte 3 (the terminal is raw, no SIGINT)"
expect "$f" "C-a c    switch between console and monitor" "C-a h lists the escapes"
expect "$f" "byte 0x01" "C-a C-a sends one ^A"
expect_not "$f" "byte 0x7a" "an unknown escape (C-a z) is dropped, as in QEMU"
expect "$f" "rv39: terminated (C-a x)" "C-a x says why rv39 stopped"
expect "$f" "== exit 0" "C-a x exits with status 0"
expect "$f" "== terminal restored" "the terminal is restored after C-a x"
expect_not "$f" "stopped by signal" "Ctrl-C does not stop rv39"

# --- the guest powers off by itself: status 0, terminal restored ---
f=$WORK/poweroff.txt
$PTY "$f" "expect:console guest ready" "send:q" -- \
    "$RV39" -nographic -bios none -kernel "$CONSOLE_ELF"
expect "$f" "byte 0x71" "q reaches the guest"
expect "$f" "== exit 0" "the guest's power-off status"
expect "$f" "== terminal restored" "the terminal is restored after a power-off"

# --- SIGTERM from outside stops rv39 cleanly and restores the terminal ---
f=$WORK/sigterm.txt
$PTY "$f" "expect:console guest ready" "kill:15" -- \
    "$RV39" -nographic -bios none -kernel "$CONSOLE_ELF"
expect "$f" "rv39: stopped by signal 15" "SIGTERM stops rv39"
expect "$f" "== exit 143" "128 + SIGTERM"
expect "$f" "== terminal restored" "the terminal is restored after SIGTERM"

# --- SIGINT from outside (kill -INT, not Ctrl-C) stops rv39 cleanly too ---
f=$WORK/sigint.txt
$PTY "$f" "expect:console guest ready" "kill:2" -- \
    "$RV39" -nographic -bios none -kernel "$CONSOLE_ELF"
expect "$f" "rv39: stopped by signal 2" "SIGINT from outside stops rv39"
expect "$f" "== exit 130" "128 + SIGINT"
expect "$f" "== terminal restored" "the terminal is restored after SIGINT"

# --- C-a c: from the running guest to the monitor and back; C-a x at the prompt ---
f=$WORK/monitor.txt
$PTY "$f" "expect:console guest ready" "send:a" "expect:byte 0x61" "send:\x01c" \
    "expect:(rv39) " "modes" "sleep:0.2" "send:regs\r" "expect:(rv39) " "send:fault\r" \
    "expect:(rv39) " "send:\x01c" \
    "expect:the guest has the terminal" "send:b" "expect:byte 0x62" "send:\x01c" \
    "expect:(rv39) " "sleep:0.2" "send:\x01x" -- \
    "$RV39" -nographic -bios none -kernel "$CONSOLE_ELF"
expect "$f" "rv39 monitor: the guest is stopped at 0x" "C-a c stops the guest at the monitor"
expect "$f" "== modes cooked" "the prompt has the terminal back from raw mode"
expect "$f" "priv M" "monitor commands at the prompt"
expect "$f" "no trap seen since the monitor attached; the trap CSRs hold:" \
    "fault after C-a c: what the trap CSRs hold from the unwatched run"
expect "$f" "  into M: mcause=0x" "fault after C-a c: the M-mode trap CSRs"
expect "$f" "(rv39) continue" "C-a c at the prompt is continue"
expect "$f" "[the guest has the terminal: C-a c returns to the monitor" \
    "the prompt says when the guest has the terminal and how to come back"
expect "$f" "byte 0x62" "keys reach the guest again after the monitor"
expect "$f" "(rv39) quit" "C-a x at the prompt is quit"
expect "$f" "== exit 0" "quit from the monitor exits 0"
expect "$f" "== terminal restored" "the terminal is restored after the monitor"

# --- --debug: continue lends the terminal to the guest (raw: Ctrl-C is the guest's) ---
f=$WORK/debug.txt
$PTY "$f" "expect:(rv39) " "sleep:0.2" "send:continue\r" "expect:console guest ready" "modes" \
    "send:\x03" "expect:byte 0x03" "send:\x01c" "expect:(rv39) " "sleep:0.2" "send:quit\r" -- \
    "$RV39" --debug -nographic -bios none -kernel "$CONSOLE_ELF"
expect "$f" "[the guest has the terminal: C-a c returns to the monitor" "--debug: the prompt says so"
expect "$f" "== modes raw" "--debug: the guest's terminal is raw while it runs"
expect "$f" "byte 0x03" "--debug: Ctrl-C reaches the guest"
expect "$f" "interrupted" "--debug: C-a c returns to the prompt"
expect "$f" "== exit 0" "--debug: quit exits 0"
expect "$f" "== terminal restored" "--debug: the terminal is restored"

finish
