# SPDX-License-Identifier: LGPL-2.1-or-later
"""The binding's own logic, without root: versions, the checks of the
arguments, and the conversion of the C report and results."""
import dataclasses
import errno
import json
import os
import pickle
import signal

import pytest

import cgkill
from cgkill import _cgkill, _ops


def raw_report(**over):
    raw = {
        "flags": _cgkill.REPORT_NO_USERS, "first_signal": 15,
        "last_signal": 9, "last_method": _cgkill.METHOD_NATIVE,
        "signaled": 3, "kernel_threads": 1, "cgroups": 4, "passes": 5,
        "frozen_pending": 0, "elapsed_ns": 1_500_000_000,
        "remove_error": 0, "thaw_error": 0,
        "stages": ({"signal": 15, "method": _cgkill.METHOD_FREEZE,
                    "passes": 3, "signaled": 3, "started_ns": 0},
                   {"signal": 9, "method": _cgkill.METHOD_NATIVE,
                    "passes": 2, "signaled": 0, "started_ns": 1_000_000}),
        "survivors": 0, "hidden": 0, "memory_released_bytes": 0,
        "memory_released_ns": 0, "survivor_list": (), "victim_list": (),
    }
    raw.update(over)
    return raw


def test_versions():
    assert cgkill.version() == cgkill.__version__
    assert all(p.isdigit() for p in cgkill.version().split("."))


def test_report_fields_and_types():
    r = cgkill._report.Report._from_c(raw_report(
        flags=_cgkill.REPORT_NO_USERS | _cgkill.REPORT_ESCALATED))
    assert (r.no_users, r.populated, r.timed_out, r.escalated, r.removed,
            r.thaw_failed) == (True, False, False, True, False, False)
    assert r.first_signal is signal.SIGTERM and r.last_signal is signal.SIGKILL
    assert r.last_method is cgkill.Method.NATIVE and r.last_method == "native"
    assert (r.signaled, r.kernel_threads, r.cgroups, r.passes,
            r.frozen_pending) == (3, 1, 4, 5, 0)
    assert r.elapsed_ns == 1_500_000_000 and r.elapsed == 1.5
    assert [s.signal for s in r.stages] == [signal.SIGTERM, signal.SIGKILL]
    assert r.stages[0].method is cgkill.Method.FREEZE
    assert r.stages[1].started == 0.001
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.signaled = 0


def test_report_to_dict_is_plain():
    r = cgkill._report.Report._from_c(raw_report())
    d = r.to_dict()
    assert d["last_method"] == "native" and type(d["last_method"]) is str
    assert d["first_signal"] == 15 and type(d["first_signal"]) is int
    assert d["stages"][0] == {"signal": 15, "method": "freeze", "passes": 3,
                              "signaled": 3, "started_ns": 0, "started": 0.0}
    assert d["elapsed"] == 1.5
    assert json.loads(json.dumps(d)) == d
    # Every field is there: the dict grows with the report.
    assert set(f.name for f in dataclasses.fields(r)) | \
        {"elapsed", "memory_released"} == set(d)


def test_dry_run_report_has_no_signal():
    r = cgkill._report.Report._from_c(raw_report(
        last_signal=0, last_method=_cgkill.METHOD_NONE, stages=()))
    assert r.last_signal is None and r.last_method is cgkill.Method.NONE
    assert r.stages == ()


def test_realtime_signal_without_a_name_stays_an_int():
    num = int(signal.SIGRTMIN) + 3
    r = cgkill._report.Report._from_c(raw_report(first_signal=num))
    assert r.first_signal == num


def test_outcomes():
    raw = raw_report(flags=_cgkill.REPORT_TIMED_OUT | _cgkill.REPORT_POPULATED)
    r = _ops._outcome(_cgkill.TIMEOUT, raw, "/g")
    assert r.timed_out and r.populated and not r.no_users

    # A failure once the operation ran: the errno's subclass, the report.
    raw = raw_report(remove_error=-errno.EBUSY)
    with pytest.raises(OSError) as ei:
        _ops._outcome(-errno.EBUSY, raw, "/g")
    assert ei.value.errno == errno.EBUSY and ei.value.filename == "/g"
    assert ei.value.report.remove_error == errno.EBUSY
    with pytest.raises(PermissionError):
        _ops._outcome(-errno.EPERM, raw_report(), None)

    raw = raw_report(flags=_cgkill.REPORT_THAW_FAILED,
                     thaw_error=-errno.EACCES)
    with pytest.raises(cgkill.LeftFrozenError) as ei:
        _ops._outcome(_cgkill.LEFT_FROZEN, raw, "/g")
    e = ei.value
    assert isinstance(e, OSError) and e.errno == errno.EACCES
    assert e.filename == "/g" and e.report.thaw_failed
    assert e.report.thaw_error == errno.EACCES
    again = pickle.loads(pickle.dumps(e))
    assert again.report == e.report and again.errno == e.errno


def test_features():
    f = cgkill.Features.KILL | cgkill.Features.PIDFD
    assert cgkill.Features.KILL in f and cgkill.Features.FREEZE not in f
    assert int(cgkill.Features.PIDFD_INFO) == _cgkill.FEATURE_PIDFD_INFO


@pytest.mark.parametrize("kw, exc", [
    ({"signal": 0}, ValueError),
    ({"signal": int(signal.SIGRTMAX) + 1}, ValueError),
    ({"signal": True}, TypeError),
    ({"signal": "SIGTERM"}, ValueError),
    ({"timeout": -1}, ValueError),
    ({"timeout": float("nan")}, ValueError),
    ({"timeout": "10"}, TypeError),
    ({"grace": None, "timeout": -0.5}, ValueError),
    ({"signal": signal.SIGTERM, "grace": float("inf")}, ValueError),
    ({"signal": signal.SIGTERM, "grace": -1}, ValueError),
])
def test_bad_arguments_fail_before_anything_opens(kw, exc):
    # The path does not exist: the argument is refused before it is looked at.
    with pytest.raises(exc):
        cgkill.kill("/nonexistent/cgkill-py", **kw)


def test_times_round_up_to_milliseconds():
    assert _ops._options(9, 0.0001, None, False, False, False, False, False) == \
        (9, 0, 1, 0, 0, 0)
    assert _ops._options(15, None, 2.5, True, False, False, True, True) == \
        (15, _cgkill.ESCALATE | _cgkill.FORCE_FREEZE | _cgkill.REMOVE |
         _cgkill.SIGCONT, _cgkill.TIMEOUT_INFINITE, 2500, 0, 0)
    assert _ops._options(9, float("inf"), None, False, True, True, False,
                         False)[1:3] == (_cgkill.DRY_RUN | _cgkill.ALLOW_SELF,
                                         _cgkill.TIMEOUT_INFINITE)


def test_path_like_and_bytes_reach_the_error():
    for p in (b"/nonexistent/cgkill-py", os.fsencode("/nonexistent/x")):
        with pytest.raises(FileNotFoundError) as ei:
            cgkill.kill(p)
        assert ei.value.filename == p


def test_star_import_leaves_open_alone():
    ns = {}
    exec("from cgkill import *", ns)
    assert "open" not in ns and "kill" in ns and "kill_async" in ns
