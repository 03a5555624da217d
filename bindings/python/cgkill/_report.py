# SPDX-License-Identifier: LGPL-2.1-or-later
"""The values a kill gives back: Report, Stage, Method, Features, and
LeftFrozenError.

Report and Stage are frozen dataclasses built from keywords only, so a
field added in a later version (the survivors and victims, the memory
released) breaks no caller: nobody unpacks them by position.
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
class Report:
    """What a kill did: struct cgkill_report, with its flags as bools, its
    signals as signal.Signals, its methods as Method, its errors as
    positive errno values (0: none) and its stages as a tuple of Stage."""

    no_users: bool  # no user process left (kernel threads may remain)
    populated: bool  # cgroup.events said "populated 1" when last read
    timed_out: bool  # the deadline passed with user processes left
    escalated: bool  # SIGKILL was sent after the grace period
    removed: bool  # remove=True removed the subtree
    thaw_failed: bool  # the target was left frozen (see thaw_error)
    frozen_by_other: bool  # frozen by someone else during the round, left so
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

    @property
    def elapsed(self) -> float:
        """elapsed_ns in seconds."""
        return self.elapsed_ns / 1e9

    def to_dict(self) -> dict:
        """Plain values (bools, ints, strs, a list of dicts for the
        stages): ready for json.dumps()."""
        d = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "stages":
                value = [s.to_dict() for s in value]
            d[f.name] = _plain(value)
        d["elapsed"] = self.elapsed
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
                   stages=tuple(Stage._from_c(s) for s in raw["stages"]))


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
