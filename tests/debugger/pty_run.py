"""Run a command on a pseudo-terminal, as a user at a terminal would, and record the session.

Usage: python3 pty_run.py TRANSCRIPT STEP... -- COMMAND ARGS...
Steps, in order:
  expect:TEXT   wait (up to 20 s) until the output contains TEXT (after the last expect)
  send:TEXT     type TEXT; backslash escapes as Python's (\\x01 is Ctrl-A, \\x03 Ctrl-C, \\r)
  sleep:SECS    wait
  kill:SIG      send signal SIG (a number) to the command, as `kill` from another shell
  modes         note the terminal's modes now: "== modes raw" (no echo, no canonical mode,
                no signals from keys) or "== modes cooked"
The transcript gets everything the command wrote, then "== exit STATUS" (or "== signal N"),
and "== terminal restored" when the terminal's modes after the run are those before it (echo
and canonical mode back on), else "== terminal left raw". A failed expect ends the run with
"== timeout waiting for TEXT" and kills the command. Exit status: 0 after all steps."""
import fcntl
import os
import pty
import select
import signal
import sys
import termios
import time


def main():
    args = sys.argv[1:]
    transcript = args.pop(0)
    split = args.index("--")
    steps, command = args[:split], args[split + 1:]
    # The terminal's modes are noted before the command starts: with pty.fork() the parent
    # reads them only after the fork, and on a loaded machine the command may have made the
    # terminal raw by then ("== terminal left raw" for a terminal that was restored).
    fd, slave = pty.openpty()
    before = termios.tcgetattr(fd)
    pid = os.fork()
    if pid == 0:
        os.close(fd)
        os.setsid()  # a session of its own, with the pty as its controlling terminal
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for std in (0, 1, 2):
            os.dup2(slave, std)
        if slave > 2:
            os.close(slave)
        os.environ.setdefault("TERM", "xterm")  # libedit edits lines on a known terminal
        os.execvp(command[0], command)
    os.close(slave)
    out = b""
    seen = 0  # expects look after the previous expect's match

    def read_some(timeout):
        nonlocal out
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False
        if not data:
            return False
        out += data
        return True

    result = None
    notes = []
    for step in steps:
        kind, _, arg = step.partition(":")
        if kind == "expect":
            want = arg.encode()
            deadline = time.time() + 20
            while out.find(want, seen) < 0 and time.time() < deadline:
                if not read_some(0.1):
                    break
            at = out.find(want, seen)
            if at < 0:
                result = "== timeout waiting for " + arg
                break
            seen = at + len(want)
        elif kind == "send":
            os.write(fd, arg.encode().decode("unicode_escape").encode("latin-1"))
        elif kind == "sleep":
            end = time.time() + float(arg)
            while time.time() < end:
                read_some(end - time.time())
        elif kind == "kill":
            os.kill(pid, int(arg))
        elif kind == "modes":
            lflag = termios.tcgetattr(fd)[3]
            raw = not (lflag & (termios.ECHO | termios.ICANON | termios.ISIG))
            notes.append("== modes raw" if raw else "== modes cooked")
        else:
            sys.exit("pty_run.py: unknown step " + step)
    if result:
        os.kill(pid, signal.SIGKILL)
    deadline = time.time() + 20
    status = None
    while status is None and time.time() < deadline:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
        read_some(0.1)
    while read_some(0.05):  # what is left in the pty
        if not select.select([fd], [], [], 0)[0]:
            break
    lines = [out.decode("latin-1")] + notes
    if result:
        lines.append(result)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        lines.append("== still running after 20 s: killed")
    elif os.WIFEXITED(status):
        lines.append("== exit %d" % os.WEXITSTATUS(status))
    else:
        lines.append("== signal %d" % os.WTERMSIG(status))
    try:
        after = termios.tcgetattr(fd)
        restored = after[3] == before[3] and after[0] == before[0]
        lines.append("== terminal restored" if restored else "== terminal left raw")
    except termios.error:
        lines.append("== terminal gone")
    with open(transcript, "w") as f:
        f.write("\n".join(lines) + "\n")


main()
