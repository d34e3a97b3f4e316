#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal (its stdin, stdout and stderr all the pty), as a person
at a terminal would, and prints {"status": N, "output": "..."} with everything it wrote, for the
tests of what checkup shows only on a terminal.

Usage: pty-run.py COMMAND [ARG...] (in the current directory, with the current environment)."""
import json
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
output = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        break
    if not chunk:
        break
    output += chunk
_, status = os.waitpid(pid, 0)
print(json.dumps({"status": os.waitstatus_to_exitcode(status), "output": output.decode("utf-8", "replace")}))
