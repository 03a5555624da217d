# SPDX-License-Identifier: LGPL-2.1-or-later
"""The values a kill gives back: Report, Stage, Survivor, Victim, Method,
Disposition, Reason, Features, and LeftFrozenError.

Report, Stage, Survivor and Victim are frozen dataclasses built from
keywords only, so a field added in a later version breaks no caller:
nobody unpacks them by position.
"""
import dataclasses
import enum
import errno as _errno
import os
import signal as _signal
import sys
from typing import Optional, Tuple, Union

from . import _cgkill

# slots and keyword-only construction where the interpreter has them (3.10).
_DATACLASS = {"frozen": True}
if sys.version_info >= (3, 10):
    _DATACLASS.update(slots=True, kw_only=True)

SignalValue = Union[_signal.Signals, int]


class Method(str, enum.Enum):
    """How a stage signalled: the kernel's cgroup.kill (NATIVE), or
    cgroup.freeze and a pidfd per process (FREEZE); NONE in a dry run."""

    NONE = "none"
    NATIVE = "native"
    FREEZE = "freeze"

    def __str__(self) -> str:
        return self.value


_METHODS = {
    _cgkill.METHOD_NONE: Method.NONE,
    _cgkill.METHOD_NATIVE: Method.NATIVE,
    _cgkill.METHOD_FREEZE: Method.FREEZE,
}


class Disposition(str, enum.Enum):
    """What a survivor does with the signal it was sent (SigBlk, SigIgn
    and SigCgt of its main thread)."""

    DEFAULT = "default"
    BLOCKED = "blocked"  # it waits, whatever its handler
    IGNORED = "ignored"
    CAUGHT = "caught"  # a handler runs, and the process decides

    def __str__(self) -> str:
        return self.value


_DISPOSITIONS = {
    _cgkill.DISP_DEFAULT: Disposition.DEFAULT,
    _cgkill.DISP_BLOCKED: Disposition.BLOCKED,
    _cgkill.DISP_IGNORED: Disposition.IGNORED,
    _cgkill.DISP_CAUGHT: Disposition.CAUGHT,
}


class Reason(enum.IntFlag):
    """What explains that a survivor is still there (CGKILL_WHY_*)."""

    FROZEN = _cgkill.WHY_FROZEN  # its group or one above is frozen
    TRACED = _cgkill.WHY_TRACED  # traced, or in a ptrace stop
    STOPPED = _cgkill.WHY_STOPPED  # stopped by a signal (state T)
    UNINTERRUPTIBLE = _cgkill.WHY_UNINTERRUPTIBLE  # state D: see wchan
    DYING = _cgkill.WHY_DYING  # on its way out, held up
    ZOMBIE_LEADER = _cgkill.WHY_ZOMBIE_LEADER  # leader exited, threads live


# In bit order: the names cgkill(1) --json uses for them.
_REASONS = tuple(Reason(1 << i) for i in range(6))


class Features(enum.IntFlag):
    """What the running kernel offers (probe())."""

    KILL = _cgkill.FEATURE_KILL  # cgroup.kill, the native method
    FREEZE = _cgkill.FEATURE_FREEZE  # cgroup.freeze
    PIDFD = _cgkill.FEATURE_PIDFD  # pidfd_open, pidfd_send_signal
    PIDFD_INFO = _cgkill.FEATURE_PIDFD_INFO  # PIDFD_GET_INFO with the cgroup id


def _signal_of(num: int) -> Optional[SignalValue]:
    """signal.Signals when Python has a name for it (a real-time signal
    past SIGRTMIN may have none: the int then), None for 0 (no stage)."""
    if num == 0:
        return None
    try:
        return _signal.Signals(num)
    except ValueError:
        return num


def _method_of(num: int) -> Union[Method, int]:
    return _METHODS.get(num, num)


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    return value


@dataclasses.dataclass(**_DATACLASS)
class Stage:
    """One signalling stage: the first signal, then SIGKILL after an
    escalation."""

    signal: SignalValue
    method: Method
    passes: int  # listing passes over the subtree in this stage
    signaled: int  # processes this stage signalled through a pidfd
    started_ns: int  # since the operation started

    @property
    def started(self) -> float:
        """started_ns in seconds."""
        return self.started_ns / 1e9

    def to_dict(self) -> dict:
        """Plain values (ints, strs): ready for json.dumps()."""
        d = {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}
        d["started"] = self.started
        return d

    @classmethod
    def _from_c(cls, raw: dict) -> "Stage":
        return cls(signal=_signal_of(raw["signal"]),
                   method=_method_of(raw["method"]),
                   passes=raw["passes"],
                   signaled=raw["signaled"],
                   started_ns=raw["started_ns"])


@dataclasses.dataclass(**_DATACLASS)
class Survivor:
    """A user process left in the subtree when the kill ended, and what
    explains it (struct cgkill_survivor)."""

    pid: int  # in this process's pid namespace
    comm: str  # its command name
    cgroup: str  # its group relative to the target, "" for the target
    threads: int
    state: str  # the letter of /proc/PID/stat: "R", "S", "D", "T", "t", "Z"
    wchan: Optional[str]  # where it sleeps in the kernel; None if unknown
    reasons: Reason  # what explains that it is still there
    traced_by: Optional[int]  # the tracer's pid, None if not traced
    signal: SignalValue  # the signal the disposition is about (the last sent)
    disposition: Disposition  # what it does with that signal

    @property
    def frozen(self) -> bool:
        return Reason.FROZEN in self.reasons

    @property
    def dying(self) -> bool:
        return Reason.DYING in self.reasons

    def to_dict(self) -> dict:
        """Plain values; "reasons" as the list of names cgkill --json
        prints, with its "frozen" and "dying" beside them."""
        d = {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}
        d["reasons"] = [r.name.lower() for r in _REASONS if r in self.reasons]
        d["frozen"] = self.frozen
        d["dying"] = self.dying
        return d

    @classmethod
    def _from_c(cls, raw: dict) -> "Survivor":
        return cls(pid=raw["pid"], comm=raw["comm"], cgroup=raw["cgroup"],
                   threads=raw["threads"],
                   state=chr(raw["state"]) if raw["state"] else "",
                   wchan=raw["wchan"] or None,
                   reasons=Reason(raw["why"]),
                   traced_by=raw["tracer"] or None,
                   signal=_signal_of(raw["signal"]),
                   disposition=_DISPOSITIONS.get(raw["disposition"],
                                                 raw["disposition"]))


@dataclasses.dataclass(**_DATACLASS)
class Victim:
    """A process the kill killed, and how it ended (struct cgkill_victim).
    The kernel tells how once the victim's parent has reaped it (Linux
    6.15): until then exit_signal and exit_code are both None.  A victim
    that is your own child: reap it, then Operation.victims()."""

    pid: int  # in this process's pid namespace
    comm: str  # read just before the signal; "" if it could not be
    cgroup: str  # its group relative to the target, "" for the target
    signal: SignalValue  # the last signal this kill sent it
    exit_signal: Optional[SignalValue]  # the signal it died of
    exit_code: Optional[int]  # its exit status, when it exited
    native: bool  # killed by the kernel's cgroup.kill, pinned before it
    exited_before: bool  # it had exited on its own before the signal came

    @property
    def returncode(self) -> Optional[int]:
        """As subprocess's: -N for death by signal N, the exit status if it
        exited, None while unknown."""
        if self.exit_signal is not None:
            return -int(self.exit_signal)
        return self.exit_code

    def to_dict(self) -> dict:
        """Plain values, with the keys of cgkill --json."""
        return {f.name: _plain(getattr(self, f.name))
                for f in dataclasses.fields(self)}

    @classmethod
    def _from_c(cls, raw: dict) -> "Victim":
        flags = raw["flags"]
        known = bool(flags & _cgkill.VICTIM_EXITED)
        return cls(pid=raw["pid"], comm=raw["comm"], cgroup=raw["cgroup"],
                   signal=_signal_of(raw["signal"]),
                   exit_signal=_signal_of(raw["exit_signal"]) if known else None,
                   exit_code=raw["exit_code"] if known and not raw["exit_signal"]
                   else None,
                   native=bool(flags & _cgkill.VICTIM_NATIVE),
                   exited_before=bool(flags & _cgkill.VICTIM_BEFORE))


@dataclasses.dataclass(**_DATACLASS)
class Report:
    """What a kill did: struct cgkill_report, with its flags as bools, its
    signals as signal.Signals, its methods as Method, its errors as
    positive errno values (0: none), its stages as a tuple of Stage and
    its survivors and victims as tuples of Survivor and Victim."""

    no_users: bool  # no user process left (kernel threads may remain)
    populated: bool  # cgroup.events said "populated 1" when last read
    timed_out: bool  # the deadline passed with user processes left
    escalated: bool  # SIGKILL was sent after the grace period
    removed: bool  # remove=True removed the subtree
    thaw_failed: bool  # the target was left frozen (see thaw_error)
    frozen_by_other: bool  # frozen by someone else during the round, left so
    no_mrelease: bool  # release_memory: no process_mrelease here, nothing reaped
    first_signal: Optional[SignalValue]
    last_signal: Optional[SignalValue]  # None in a dry run
    last_method: Method
    signaled: int  # processes signalled through a pidfd, all stages
    kernel_threads: int  # kernel threads seen, never signalled
    cgroups: int  # groups the largest pass visited
    passes: int  # listing passes over the subtree
    frozen_pending: int  # signalled, waiting for a thaw of a group frozen on purpose
    elapsed_ns: int  # from the start of the operation to its end
    remove_error: int  # remove=True: 0, or the errno of the removal
    thaw_error: int  # with thaw_failed: the errno of the failed thaw
    stages: Tuple[Stage, ...]
    # Listed on a timeout, or with survivors=True: the first max_survivors.
    survivors: Tuple[Survivor, ...]
    survivors_total: int  # user processes left, listed or not
    victims: Tuple[Victim, ...]  # victims=True: the first max_victims
    hidden: int  # pid 0 entries: outside this pid namespace, never signalled
    memory_released_bytes: int  # release_memory: what came back at once
    memory_released_ns: int  # when the reaping ended, since the start; 0: none

    @property
    def elapsed(self) -> float:
        """elapsed_ns in seconds."""
        return self.elapsed_ns / 1e9

    @property
    def memory_released(self) -> float:
        """memory_released_ns in seconds."""
        return self.memory_released_ns / 1e9

    def to_dict(self) -> dict:
        """Plain values (bools, ints, strs, lists of dicts for the stages,
        survivors and victims): ready for json.dumps()."""
        d = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in ("stages", "survivors", "victims"):
                value = [s.to_dict() for s in value]
            d[f.name] = _plain(value)
        d["elapsed"] = self.elapsed
        d["memory_released"] = self.memory_released
        return d

    @classmethod
    def _from_c(cls, raw: dict) -> "Report":
        flags = raw["flags"]
        return cls(no_users=bool(flags & _cgkill.REPORT_NO_USERS),
                   populated=bool(flags & _cgkill.REPORT_POPULATED),
                   timed_out=bool(flags & _cgkill.REPORT_TIMED_OUT),
                   escalated=bool(flags & _cgkill.REPORT_ESCALATED),
                   removed=bool(flags & _cgkill.REPORT_REMOVED),
                   thaw_failed=bool(flags & _cgkill.REPORT_THAW_FAILED),
                   frozen_by_other=bool(flags & _cgkill.REPORT_FROZEN_BY_OTHER),
                   no_mrelease=bool(flags & _cgkill.REPORT_NO_MRELEASE),
                   first_signal=_signal_of(raw["first_signal"]),
                   last_signal=_signal_of(raw["last_signal"]),
                   last_method=_method_of(raw["last_method"]),
                   signaled=raw["signaled"],
                   kernel_threads=raw["kernel_threads"],
                   cgroups=raw["cgroups"],
                   passes=raw["passes"],
                   frozen_pending=raw["frozen_pending"],
                   elapsed_ns=raw["elapsed_ns"],
                   remove_error=-raw["remove_error"],
                   thaw_error=-raw["thaw_error"],
                   stages=tuple(Stage._from_c(s) for s in raw["stages"]),
                   survivors=tuple(Survivor._from_c(s)
                                   for s in raw["survivor_list"]),
                   survivors_total=raw["survivors"],
                   victims=tuple(Victim._from_c(v) for v in raw["victim_list"]),
                   hidden=raw["hidden"],
                   memory_released_bytes=raw["memory_released_bytes"],
                   memory_released_ns=raw["memory_released_ns"])


class LeftFrozenError(OSError):
    """The thaw after a freeze round failed: the target is still frozen.
    errno is that of the failed write; report has the figures.  Recover by
    writing 0 to the group's cgroup.freeze (see libcgkill(3))."""

    def __init__(self, report: Report, filename=None):
        err = report.thaw_error or _errno.EIO
        if filename is None:
            super().__init__(err, "left frozen: " + os.strerror(err))
        else:
            super().__init__(err, "left frozen: " + os.strerror(err), filename)
        self.report = report

    def __reduce__(self):
        return (type(self), (self.report, self.filename))
