"""Runs a command and measures it alone: wall time, CPU and the peak RSS of the command itself.

`os.wait4`'s `ru_maxrss` is not the command's peak when Python starts the command: `subprocess`
starts children with vfork, and exec records the peak of the memory it leaves, Python's, as the
child's own. So any peak under the benchmark's own RSS (20-30 MB) read as Python's: `checkup
--help` showed 21.7 MB where it takes 17.8, and the C loop's figures were floors too. GNU time
forks the command from its own small image, so its `%M` is the command's peak alone.
"""
import os
import shutil
import subprocess
import tempfile
import time

TIME = '/usr/bin/time'


def run(argv, **popen_kwargs):
    """Runs argv to its end: returns (wall s, rusage of the command, max RSS bytes, the Popen,
    its returncode set).

    popen_kwargs go to subprocess.Popen (stdout, stderr, env, cwd)."""
    if not shutil.which(TIME):
        raise SystemExit(f'{TIME} is missing: bash Scripts/install-deps --bench (Debian package time)')
    with tempfile.NamedTemporaryFile(mode='r', suffix='.maxrss') as out:
        start = time.perf_counter()
        proc = subprocess.Popen([TIME, '-q', '-f', '%M', '-o', out.name, '--'] + list(argv), **popen_kwargs)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        lines = out.read().split()
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = int(lines[-1]) * 1024 if lines and lines[-1].isdigit() else 0
    return wall, usage, rss, proc
