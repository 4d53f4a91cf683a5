#!/usr/bin/python3
"""pty_report.py — a clerk at a real terminal answering `tiendo report`'s
questions.  Runs the command on a pseudo-terminal (stdin, stdout and stderr
are the pty, so isatty() is true and the terminal's line discipline turns
Ctrl-C into SIGINT), sends each answer when its prompt appears, then ends as
asked: "eof" (Ctrl-D), "intr" (Ctrl-C), "hup" (the terminal is closed) or
"wait" (let the command finish).  Prints the whole session, then "EXIT n"
(n = exit code, or 128+signal).

usage: pty_report.py END 'PROMPT=>ANSWER' ... -- COMMAND ARGS...
"""
import os
import pty
import select
import sys
import time


def main():
    end = sys.argv[1]
    i = sys.argv.index("--")
    steps = [s.split("=>", 1) for s in sys.argv[2:i]]
    cmd = sys.argv[i + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen = b""
    deadline = time.monotonic() + 60

    def read_some(timeout):
        nonlocal seen
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        seen += chunk
        return True

    pos = 0
    for prompt, answer in steps:
        want = prompt.encode()
        while want not in seen[pos:]:
            if time.monotonic() > deadline or not read_some(0.5):
                sys.stdout.write(seen.decode(errors="replace"))
                print("\nPTY: prompt not seen: %r" % prompt)
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                print("EXIT 255")
                return
        pos = seen.index(want, pos) + len(want)
        time.sleep(0.1)
        os.write(fd, answer.encode() + b"\r")
    time.sleep(0.3)
    if end == "eof":
        os.write(fd, b"\x04")
    elif end == "intr":
        os.write(fd, b"\x03")
    elif end == "hup":
        read_some(0.3)
        os.close(fd)
        fd = -1
    if fd >= 0:
        while time.monotonic() < deadline and read_some(0.5):
            pass
    _, st = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    print("\nEXIT %d" % (os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)))


main()
