# SPDX-License-Identifier: LGPL-2.1-or-later
"""Killing: the blocking calls, the Operation of an event loop, opening a
group and probing the kernel."""
import math
import numbers
import os
import signal as _signal
from typing import Optional, Tuple, Union

from . import _cgkill
from ._report import Features, LeftFrozenError, Report, Victim

PathArg = Union[str, bytes, os.PathLike]
DEFAULT_TIMEOUT = 10.0  # seconds, CGKILL_TIMEOUT_DEFAULT_MS


def _ms(name: str, seconds, infinite_ok: bool) -> int:
    """Seconds (any real) to whole milliseconds, rounded up so that a
    short positive time never becomes 0 ("do not wait")."""
    if seconds is None or (isinstance(seconds, numbers.Real) and math.isinf(seconds)
                           and seconds > 0):
        if infinite_ok:
            return _cgkill.TIMEOUT_INFINITE
        raise ValueError(f"{name} must be a finite number of seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real):
        raise TypeError(f"{name} must be a number of seconds, not "
                        f"{type(seconds).__name__}")
    if math.isnan(seconds) or seconds < 0:
        raise ValueError(f"{name} must be 0 or more seconds, not {seconds!r}")
    return math.ceil(seconds * 1000)


def _limit(name: str, value) -> int:
    """A list's length limit: None for the library's default (0), else a
    count of at least 1 (0 would mean the default in C: a trap)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int or None, not "
                        f"{type(value).__name__}")
    if not 1 <= value <= 0xFFFFFFFF:
        raise ValueError(f"{name} must be 1 .. {0xFFFFFFFF} or None, not {value!r}")
    return int(value)


def _options(sig, timeout, grace, fallback, dry_run, allow_self, remove,
             sigcont, survivors=False, victims=False, release_memory=False,
             max_survivors=None, max_victims=None):
    """The C options: (signal, flags, timeout_ms, grace_ms, max_survivors,
    max_victims).  Only the conversions are checked here; the combinations
    are the library's to refuse (OSError EINVAL), as its man page documents
    them."""
    if isinstance(sig, bool):
        raise TypeError("signal must be a signal number, not bool")
    sig = int(sig)
    if not 1 <= sig <= _signal.SIGRTMAX:
        raise ValueError(f"signal must be 1 .. {int(_signal.SIGRTMAX)}, not {sig}")
    flags = 0
    grace_ms = 0
    if grace is not None:
        flags |= _cgkill.ESCALATE
        grace_ms = _ms("grace", grace, False)
    for on, bit in ((fallback, _cgkill.FORCE_FREEZE),
                    (dry_run, _cgkill.DRY_RUN),
                    (allow_self, _cgkill.ALLOW_SELF),
                    (remove, _cgkill.REMOVE),
                    (sigcont, _cgkill.SIGCONT),
                    (survivors, _cgkill.SURVIVORS),
                    (victims, _cgkill.VICTIMS),
                    (release_memory, _cgkill.RELEASE_MEMORY)):
        if on:
            flags |= bit
    return (sig, flags, _ms("timeout", timeout, True), grace_ms,
            _limit("max_survivors", max_survivors),
            _limit("max_victims", max_victims))


def _outcome(result: int, raw: dict, filename) -> Report:
    """The report of a finished operation, or the exception it ends with.
    An OSError raised once the operation had started carries the report
    in its `report` attribute (with remove=True, remove_error says the
    same as the exception)."""
    report = Report._from_c(raw)
    if result in (_cgkill.DONE, _cgkill.TIMEOUT):
        return report
    if result == _cgkill.LEFT_FROZEN:
        raise LeftFrozenError(report, filename)
    if result < 0:
        err = -result
        args = (err, os.strerror(err)) if filename is None else \
            (err, os.strerror(err), filename)
        exc = OSError(*args)  # OSError picks the subclass from the errno
        exc.report = report
        raise exc
    raise RuntimeError(f"libcgkill returned an unknown result {result}")


class Operation:
    """A kill in progress, for an event loop: start() signals the first
    stage and returns it; fileno() polls readable when process() has work;
    process() returns None while the operation runs and its Report once it
    has ended (again on every later call, its victims read again).  close()
    frees it (the `with` statement does too): an unfinished operation is
    abandoned, never left frozen.  One thread at a time may use an
    operation."""

    __slots__ = ("_op", "_filename")

    def __init__(self, op: "_cgkill.Op", filename=None):
        self._op = op
        self._filename = filename

    def fileno(self) -> int:
        """The operation's fd: wait for it to poll readable (level
        triggered: select, poll, epoll without EPOLLET, selectors,
        asyncio's add_reader).  It belongs to the operation: do not close
        it."""
        return self._op.fileno()

    def process(self) -> Optional[Report]:
        """Make progress without waiting for events (GIL released): None
        while running, else the Report, or the exception the kill ends
        with."""
        out = self._op.process()
        if out is None:
            return None
        return _outcome(*out, self._filename)

    def wait(self) -> Report:
        """Block until the end (GIL released) and return the Report.  A
        signal handler that raises (KeyboardInterrupt) ends the wait; the
        operation is then still open, and close() abandons it."""
        return _outcome(*self._op.wait(), self._filename)

    async def wait_async(self) -> Report:
        """Await the end from asyncio (loop.add_reader on fileno()).
        Cancelling the awaiting task leaves the operation to its owner,
        who closes it."""
        from ._async import drive
        return await drive(self)

    def victims(self) -> Tuple[Victim, ...]:
        """The victims of the ended operation (victims=True), read again
        (GIL released): the kernel tells how a victim ended only once its
        parent has reaped it, which for your own children is after the
        Report was made.  So: wait(), reap them (os.waitpid,
        Popen.wait), then victims().  ValueError before the end."""
        return tuple(Victim._from_c(v) for v in self._op.victims())

    @property
    def closed(self) -> bool:
        return self._op.closed

    def close(self) -> None:
        """Free the operation; an unfinished one is abandoned (what was
        signalled stays signalled; nothing more is waited for, escalated
        or removed; nothing is frozen)."""
        self._op.close()

    def __enter__(self) -> "Operation":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        target = "" if self._filename is None else f" {os.fsdecode(self._filename)!r}"
        return f"<cgkill.Operation{target} {state}>"


def _start(dirfd, filename, opts) -> Operation:
    return Operation(_cgkill.Op(dirfd, *opts, filename=filename), filename)


def _start_opened(fd: int, filename, opts) -> Operation:
    try:
        return _start(fd, filename, opts)
    finally:
        os.close(fd)


# The options are converted (and a bad one refused) before the group is
# opened.

def start(path: PathArg, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
          grace=None, fallback=False, dry_run=False, allow_self=False,
          remove=False, sigcont=False, survivors=False, victims=False,
          release_memory=False, max_survivors=None,
          max_victims=None) -> Operation:
    """Start killing the group at the absolute path `path` and its
    subtree: check, signal the first stage (a freeze round runs inside this
    call) and return the Operation.  The options are kill()'s."""
    opts = _options(signal, timeout, grace, fallback, dry_run, allow_self,
                    remove, sigcont, survivors, victims, release_memory,
                    max_survivors, max_victims)
    return _start_opened(_cgkill.open(path, 0), path, opts)


def start_fd(fd, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
             grace=None, fallback=False, dry_run=False, allow_self=False,
             remove=False, sigcont=False, survivors=False, victims=False,
             release_memory=False, max_survivors=None,
             max_victims=None) -> Operation:
    """start() on a directory fd of a group (an int, or an object with
    fileno()); the operation keeps its own, the caller's stays open."""
    opts = _options(signal, timeout, grace, fallback, dry_run, allow_self,
                    remove, sigcont, survivors, victims, release_memory,
                    max_survivors, max_victims)
    return _start(fd, None, opts)


def start_pid(pid: int, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
              grace=None, fallback=False, dry_run=False, allow_self=False,
              remove=False, sigcont=False, survivors=False, victims=False,
              release_memory=False, max_survivors=None,
              max_victims=None) -> Operation:
    """start() on the whole group the process `pid` lives in."""
    opts = _options(signal, timeout, grace, fallback, dry_run, allow_self,
                    remove, sigcont, survivors, victims, release_memory,
                    max_survivors, max_victims)
    return _start_opened(_cgkill.open_pid(pid), None, opts)


def start_pidfd(pidfd, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
                grace=None, fallback=False, dry_run=False, allow_self=False,
                remove=False, sigcont=False, survivors=False, victims=False,
                release_memory=False, max_survivors=None,
                max_victims=None) -> Operation:
    """start() on the group of the process a pidfd (os.pidfd_open) or a
    /proc/PID directory fd pins; the caller's fd stays open."""
    opts = _options(signal, timeout, grace, fallback, dry_run, allow_self,
                    remove, sigcont, survivors, victims, release_memory,
                    max_survivors, max_victims)
    return _start_opened(_cgkill.open_pidfd(pidfd), None, opts)


def _run(op: Operation) -> Report:
    with op:
        return op.wait()


def kill(path: PathArg, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
         grace=None, fallback=False, dry_run=False, allow_self=False,
         remove=False, sigcont=False, survivors=False, victims=False,
         release_memory=False, max_survivors=None,
         max_victims=None) -> Report:
    """Signal every process in the cgroup v2 group at the absolute path
    `path` and in every group below it, wait until none is left, and
    return the Report.

    signal     the signal to send (only SIGKILL can use cgroup.kill)
    timeout    seconds to wait for the subtree to empty; 0 does not wait,
               None waits as long as it takes.  Running out of time is not
               an error: report.timed_out is True.
    grace      escalate: send SIGKILL to what is left `grace` seconds after
               `signal` (which must not be SIGKILL); timeout then counts
               from the SIGKILL
    fallback   never write cgroup.kill: freeze and signal each process
    dry_run    signal nothing: look, and say in report.no_users whether
               any user process is there
    allow_self the subtree may contain this process (which then dies too)
    remove     remove the emptied subtree, leaves first
    sigcont    follow each signal with SIGCONT, for stopped processes
    survivors  list in report.survivors who is left at the end, and why,
               whatever the result (a timeout always lists them); in a dry
               run, every user process found
    victims    list in report.victims each process killed, and how it
               ended once its parent reaped it (see Operation.victims());
               with the native method the target is frozen for a moment
               to pin each process before the kernel's kill.  Each victim
               holds a file descriptor until its end is known.
    release_memory
               reap the memory of the processes SIGKILL ends at once
               (process_mrelease, Linux 5.15): needs SIGKILL as the signal
               or through grace; report.memory_released_bytes says how
               much came back, report.no_mrelease that the kernel could not
    max_survivors
               list at most this many survivors (None: 64); the report's
               survivors_total counts them all
    max_victims
               list at most this many victims (None: all); needs victims

    Errors raise OSError (FileNotFoundError, PermissionError, ...) with the
    errno of libcgkill(3) and `path` as filename; a combination the library
    refuses (release_memory without SIGKILL, victims in a dry run, ...)
    raises OSError EINVAL; a failed thaw raises LeftFrozenError.  The GIL
    is released while the library works and waits; a signal handler that
    raises (Ctrl-C) abandons the kill, and nothing is left frozen.
    """
    return _run(start(path, signal, timeout=timeout, grace=grace,
                      fallback=fallback, dry_run=dry_run, allow_self=allow_self,
                      remove=remove, sigcont=sigcont, survivors=survivors,
                      victims=victims, release_memory=release_memory,
                      max_survivors=max_survivors, max_victims=max_victims))


def kill_fd(fd, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT, grace=None,
            fallback=False, dry_run=False, allow_self=False, remove=False,
            sigcont=False, survivors=False, victims=False,
            release_memory=False, max_survivors=None,
            max_victims=None) -> Report:
    """kill() on a directory fd of a group (an int, or an object with
    fileno()), which stays open."""
    return _run(start_fd(fd, signal, timeout=timeout, grace=grace,
                         fallback=fallback, dry_run=dry_run,
                         allow_self=allow_self, remove=remove, sigcont=sigcont,
                         survivors=survivors, victims=victims,
                         release_memory=release_memory,
                         max_survivors=max_survivors, max_victims=max_victims))


def kill_pid(pid: int, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
             grace=None, fallback=False, dry_run=False, allow_self=False,
             remove=False, sigcont=False, survivors=False, victims=False,
             release_memory=False, max_survivors=None,
             max_victims=None) -> Report:
    """kill() on the whole group the process `pid` lives in (found without
    a race against pid reuse; ProcessLookupError if there is no such
    process)."""
    return _run(start_pid(pid, signal, timeout=timeout, grace=grace,
                          fallback=fallback, dry_run=dry_run,
                          allow_self=allow_self, remove=remove, sigcont=sigcont,
                          survivors=survivors, victims=victims,
                          release_memory=release_memory,
                          max_survivors=max_survivors, max_victims=max_victims))


def kill_pidfd(pidfd, signal=_signal.SIGKILL, *, timeout=DEFAULT_TIMEOUT,
               grace=None, fallback=False, dry_run=False, allow_self=False,
               remove=False, sigcont=False, survivors=False, victims=False,
               release_memory=False, max_survivors=None,
               max_victims=None) -> Report:
    """kill() on the group of the process a pidfd pins."""
    return _run(start_pidfd(pidfd, signal, timeout=timeout, grace=grace,
                            fallback=fallback, dry_run=dry_run,
                            allow_self=allow_self, remove=remove,
                            sigcont=sigcont, survivors=survivors,
                            victims=victims, release_memory=release_memory,
                            max_survivors=max_survivors,
                            max_victims=max_victims))


def open(path: PathArg, *, cgroup_path: bool = False) -> int:  # noqa: A001
    """An O_CLOEXEC directory fd of the cgroup2 group at `path` (absolute,
    no symbolic link followed), for kill_fd(), start_fd() or probe(); the
    caller closes it.  cgroup_path=True: `path` is as /proc/PID/cgroup
    shows it (/system.slice/foo.service)."""
    return _cgkill.open(path, _cgkill.OPEN_CGROUP_PATH if cgroup_path else 0)


def open_pid(pid: int) -> int:
    """open() of the group the process `pid` lives in."""
    return _cgkill.open_pid(pid)


def open_pidfd(pidfd) -> int:
    """open() of the group of the process a pidfd pins."""
    return _cgkill.open_pidfd(pidfd)


def probe(target=None) -> Features:
    """What this kernel offers, probed on a group (a path, or a directory
    fd) or, with None, on a group this process can see."""
    if target is None or isinstance(target, int) or hasattr(target, "fileno"):
        return Features(_cgkill.probe(target))
    fd = _cgkill.open(target, 0)
    try:
        try:
            return Features(_cgkill.probe(fd))
        except OSError as e:
            e.filename = target
            raise
    finally:
        os.close(fd)


def version() -> str:
    """The version of libcgkill that is running."""
    return _cgkill.version()
