#!/usr/bin/env python3
"""Time one command as bench.sh needs it: its wall time from spawn to exit, and its peak RSS.

    usage: measure.py STDOUT STDERR CMD [ARGS...]   (prints "WALL_US MAXRSS_KIB")

The clock runs only around the command itself (posix_spawn, then wait4 for its exit): a
harness that timed `/usr/bin/time CMD` from the shell also timed the shell's fork and the
start of `time`, about 2 ms that it added to helm and to hookline alike, a tenth of
hookline's whole run on a large chart. The exit status is the command's (1 when it failed).
"""
import os
import sys
import time

def main():
    out_path, err_path, *argv = sys.argv[1:]
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    out = os.open(out_path, flags, 0o644)
    err = os.open(err_path, flags, 0o644)
    actions = [(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
    t0 = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    print((t1 - t0) // 1000, usage.ru_maxrss)
    return 0 if os.waitstatus_to_exitcode(status) == 0 else 1

sys.exit(main())
