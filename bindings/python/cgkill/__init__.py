# SPDX-License-Identifier: LGPL-2.1-or-later
"""Kill every process in a cgroup v2 subtree and report what happened:
the Python binding of libcgkill (see libcgkill(3)).

    import cgkill, signal

    report = cgkill.kill("/sys/fs/cgroup/app.slice/job", signal.SIGTERM,
                         grace=3.0, timeout=5.0)
    print(report.no_users, report.escalated, report.elapsed)

Blocking: kill(), kill_fd(), kill_pid(), kill_pidfd().  Event loops:
start*() return an Operation with fileno() and process() (selectors, poll);
kill_async() and friends drive one from asyncio.  Errors are OSError
subclasses chosen by errno; a kill that runs out of time is not an error
(report.timed_out), and its report lists who is left and why
(report.survivors).  Since 1.1: survivors=True, victims=True (who was
killed, and how each ended) and release_memory=True (the victims' memory
reaped at once).
"""
from ._cgkill import HEADER_VERSION as __version__
from ._async import kill_async, kill_fd_async, kill_pid_async
from ._ops import (
    Operation,
    kill,
    kill_fd,
    kill_pid,
    kill_pidfd,
    open,
    open_pid,
    open_pidfd,
    probe,
    start,
    start_fd,
    start_pid,
    start_pidfd,
    version,
)
from ._report import (
    Disposition,
    Features,
    LeftFrozenError,
    Method,
    Reason,
    Report,
    Stage,
    Survivor,
    Victim,
)

# open() is left out: `from cgkill import *` must not shadow the builtin.
__all__ = [
    "Disposition",
    "Features",
    "LeftFrozenError",
    "Method",
    "Operation",
    "Reason",
    "Report",
    "Stage",
    "Survivor",
    "Victim",
    "kill",
    "kill_async",
    "kill_fd",
    "kill_fd_async",
    "kill_pid",
    "kill_pid_async",
    "kill_pidfd",
    "open_pid",
    "open_pidfd",
    "probe",
    "start",
    "start_fd",
    "start_pid",
    "start_pidfd",
    "version",
]
