# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio: an operation driven by the event loop through add_reader().

start() runs in the loop's thread: it checks the target and sends the first
signal, and with the freeze method that round (freeze, signal each process,
thaw) runs inside it, as it does inside cgkill_op_start().  After that,
nothing blocks: process() runs only when the operation's fd is readable.
"""
import signal as _signal

from ._ops import DEFAULT_TIMEOUT, Operation, start, start_fd, start_pid
from ._report import Report


async def drive(op: Operation) -> Report:
    """Run op.process() each time the fd polls readable, until the end.
    Cancelled, it just stops watching; the owner closes the operation."""
    import asyncio  # here: `import cgkill` stays light for scripts

    loop = asyncio.get_running_loop()
    fd = op.fileno()
    ready = asyncio.Event()
    loop.add_reader(fd, ready.set)
    try:
        while True:
            report = op.process()
            if report is not None:
                return report
            ready.clear()
            await ready.wait()
    finally:
        loop.remove_reader(fd)


async def _run(op: Operation) -> Report:
    # Cancelling the task lands in drive()'s await; `with` then frees the
    # operation, which abandons it: a freeze round never outlasts the call
    # that ran it, so nothing is left frozen.
    with op:
        return await drive(op)


async def kill_async(path, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
                     grace=None, fallback=False, dry_run=False,
                     allow_self=False, remove=False, sigcont=False,
                     survivors=False, victims=False, release_memory=False,
                     max_survivors=None, max_victims=None) -> Report:
    """kill() for asyncio: await the Report.  Cancelling the task abandons
    the kill (nothing more is signalled or waited for; nothing is left
    frozen)."""
    return await _run(start(path, signal, timeout=timeout, grace=grace,
                            fallback=fallback, dry_run=dry_run,
                            allow_self=allow_self, remove=remove,
                            sigcont=sigcont, survivors=survivors,
                            victims=victims, release_memory=release_memory,
                            max_survivors=max_survivors,
                            max_victims=max_victims))


async def kill_fd_async(fd, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
                        grace=None, fallback=False, dry_run=False,
                        allow_self=False, remove=False, sigcont=False,
                        survivors=False, victims=False, release_memory=False,
                        max_survivors=None, max_victims=None) -> Report:
    """kill_fd() for asyncio."""
    return await _run(start_fd(fd, signal, timeout=timeout, grace=grace,
                               fallback=fallback, dry_run=dry_run,
                               allow_self=allow_self, remove=remove,
                               sigcont=sigcont, survivors=survivors,
                               victims=victims, release_memory=release_memory,
                               max_survivors=max_survivors,
                               max_victims=max_victims))


async def kill_pid_async(pid, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
                         grace=None, fallback=False, dry_run=False,
                         allow_self=False, remove=False, sigcont=False,
                         survivors=False, victims=False, release_memory=False,
                         max_survivors=None, max_victims=None) -> Report:
    """kill_pid() for asyncio."""
    return await _run(start_pid(pid, signal, timeout=timeout, grace=grace,
                                fallback=fallback, dry_run=dry_run,
                                allow_self=allow_self, remove=remove,
                                sigcont=sigcont, survivors=survivors,
                                victims=victims, release_memory=release_memory,
                                max_survivors=max_survivors,
                                max_victims=max_victims))
