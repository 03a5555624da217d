# SPDX-License-Identifier: LGPL-2.1-or-later
"""Since 1.1: who a kill left and why (survivors), who it killed and how
each ended (victims), and the victims' memory reaped at once, on the real
kernel and by both paths where the path matters."""
import asyncio
import dataclasses
import errno
import json
import os
import select
import signal
import sys
import time

import pytest

import cgkill
from cgkill import _cgkill, _ops
from conftest import PR_SET_PDEATHSIG, prctl, write

PATHS = ["native", "fallback"]
MiB = 1 << 20
# The kernel tells how a victim ended (PIDFD_INFO_EXIT) since Linux 6.15.
EXIT_INFO = tuple(int(x) for x in os.uname().release.split(".")[:2]) >= (6, 15)


def wait_exec(pids, comm="sleep", within=10.0):
    """The children run `comm`: a victim's comm is read at the kill, and a
    child caught between fork and exec would still be "python3"."""
    end = time.monotonic() + within
    for pid in pids:
        while True:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == comm:
                    break
            assert time.monotonic() < end, f"{pid} did not exec {comm}"
            time.sleep(0.001)


def spawn_sleeps(cg, group, n, **kw):
    pids = cg.spawn(group, n, **kw)
    wait_exec(pids)
    return pids


def hogs(cg, group, n, mib, ignore_term=False):
    """n fresh interpreters in group, each holding `mib` MiB of anonymous
    memory it has written (resident), when this returns.  Exec'd, not
    forked from pytest, so that no page is shared with this process."""
    code = ("import os, signal\n"
            f"b = b'\\1' * ({mib} << 20)\n"
            "os.write(1, b'r')\n"
            "while True:\n"
            "    signal.pause()\n")
    r, w = os.pipe()
    pids = []
    try:
        for _ in range(n):
            pid = os.fork()
            if pid == 0:
                try:
                    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    if ignore_term:
                        signal.signal(signal.SIGTERM, signal.SIG_IGN)
                    write(os.path.join(group, "cgroup.procs"), "0")
                    os.dup2(w, 1)
                    os.execv(sys.executable, [sys.executable, "-I", "-S", "-c", code])
                finally:
                    os._exit(127)
            pids.append(pid)
            cg.children.append(pid)
        os.close(w)
        w = -1
        got = b""
        end = time.monotonic() + 30
        while len(got) < n:
            left = end - time.monotonic()
            assert left > 0, f"{n - len(got)} hogs not ready"
            if select.select([r], [], [], left)[0]:
                chunk = os.read(r, n)
                assert chunk, "a hog died before it was ready"
                got += chunk
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)
    return pids


def native(cg, path):
    return path == "native" and os.path.exists(os.path.join(cg.parent, "cgroup.kill"))


# ---- the conversions, without root ----------------------------------------

def raw_survivor(**over):
    raw = {"pid": 42, "comm": "worker", "threads": 3,
           "why": _cgkill.WHY_FROZEN | _cgkill.WHY_DYING, "tracer": 0,
           "signal": 15, "state": ord("D"),
           "disposition": _cgkill.DISP_CAUGHT, "wchan": "", "cgroup": "a/b"}
    raw.update(over)
    return raw


def raw_victim(**over):
    raw = {"pid": 43, "comm": "sleep", "signal": 9,
           "flags": _cgkill.VICTIM_EXITED | _cgkill.VICTIM_NATIVE,
           "exit_signal": 9, "exit_code": 0, "cgroup": ""}
    raw.update(over)
    return raw


def test_survivor_from_c():
    s = cgkill.Survivor._from_c(raw_survivor())
    assert (s.pid, s.comm, s.cgroup, s.threads, s.state) == \
        (42, "worker", "a/b", 3, "D")
    assert s.wchan is None and s.traced_by is None  # "" and 0: unknown, untraced
    assert s.reasons == cgkill.Reason.FROZEN | cgkill.Reason.DYING
    assert s.frozen and s.dying
    assert s.signal is signal.SIGTERM and s.disposition is cgkill.Disposition.CAUGHT
    d = s.to_dict()
    assert json.loads(json.dumps(d)) == d
    # The keys of cgkill --json, but "signal", which is the signal here and
    # the disposition has its own key.
    assert d == {"pid": 42, "comm": "worker", "cgroup": "a/b", "threads": 3,
                 "state": "D", "wchan": None, "reasons": ["frozen", "dying"],
                 "traced_by": None, "signal": 15, "disposition": "caught",
                 "frozen": True, "dying": True}
    s = cgkill.Survivor._from_c(raw_survivor(
        why=_cgkill.WHY_TRACED, tracer=7, wchan="ptrace_stop", state=ord("t"),
        disposition=_cgkill.DISP_IGNORED))
    assert s.traced_by == 7 and s.wchan == "ptrace_stop" and s.state == "t"
    assert not s.frozen and s.to_dict()["reasons"] == ["traced"]
    assert s.disposition == "ignored"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.pid = 1


def test_victim_from_c():
    v = cgkill.Victim._from_c(raw_victim())
    assert (v.pid, v.comm, v.cgroup, v.native, v.exited_before) == \
        (43, "sleep", "", True, False)
    assert v.signal is signal.SIGKILL and v.exit_signal is signal.SIGKILL
    assert v.exit_code is None and v.returncode == -9
    d = v.to_dict()
    assert d == {"pid": 43, "comm": "sleep", "cgroup": "", "signal": 9,
                 "exit_signal": 9, "exit_code": None, "native": True,
                 "exited_before": False}
    # It exited (status 3) before the signal came.
    v = cgkill.Victim._from_c(raw_victim(
        flags=_cgkill.VICTIM_EXITED | _cgkill.VICTIM_BEFORE, exit_signal=0,
        exit_code=3))
    assert v.exit_signal is None and v.exit_code == 3 and v.returncode == 3
    assert v.exited_before and not v.native
    # Not reaped yet: nothing known, whatever the fields hold.
    v = cgkill.Victim._from_c(raw_victim(flags=0, exit_signal=0, exit_code=0))
    assert v.exit_signal is None and v.exit_code is None and v.returncode is None


def test_report_carries_the_lists():
    from test_api import raw_report
    r = cgkill.Report._from_c(raw_report(
        flags=_cgkill.REPORT_TIMED_OUT | _cgkill.REPORT_NO_MRELEASE,
        survivor_list=(raw_survivor(),), survivors=5, hidden=2,
        victim_list=(raw_victim(), raw_victim(pid=44)),
        memory_released_bytes=3 * MiB, memory_released_ns=2_500_000))
    assert r.no_mrelease and r.timed_out
    assert [s.pid for s in r.survivors] == [42] and r.survivors_total == 5
    assert [v.pid for v in r.victims] == [43, 44] and r.hidden == 2
    assert r.memory_released_bytes == 3 * MiB and r.memory_released == 0.0025
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["survivors"][0]["pid"] == 42 and d["victims"][1]["pid"] == 44
    assert (d["survivors_total"], d["memory_released_bytes"], d["memory_released"],
            d["no_mrelease"]) == (5, 3 * MiB, 0.0025, True)


@pytest.mark.parametrize("kw, exc", [
    ({"max_survivors": 0}, ValueError),  # 0 is the default in C: refused
    ({"max_victims": 0, "victims": True}, ValueError),
    ({"max_victims": -1, "victims": True}, ValueError),
    ({"max_survivors": 1 << 32}, ValueError),
    ({"max_survivors": True}, TypeError),
    ({"max_victims": "3", "victims": True}, TypeError),
    ({"max_victims": 2.0, "victims": True}, TypeError),
])
def test_bad_limits_fail_before_anything_opens(kw, exc):
    with pytest.raises(exc):
        cgkill.kill("/nonexistent/cgkill-py", **kw)


def test_options_set_the_flags_and_limits():
    o = _ops._options(9, 1, None, False, False, False, False, False,
                      survivors=True, victims=True, release_memory=True,
                      max_survivors=5, max_victims=7)
    assert o == (9, _cgkill.SURVIVORS | _cgkill.VICTIMS | _cgkill.RELEASE_MEMORY,
                 1000, 0, 5, 7)
    assert _ops._options(9, 1, None, False, False, False, False, False)[4:] == (0, 0)


# ---- victims ----------------------------------------------------------------

@pytest.mark.parametrize("path", PATHS)
def test_victims_exactly(cg, path):
    top = cg.group("v")
    pids = spawn_sleeps(cg, top, 3)
    sub = spawn_sleeps(cg, cg.group("v/a"), 2)
    groups = {p: "" for p in pids} | {p: "a" for p in sub}
    with cgkill.start(top, fallback=path == "fallback", victims=True) as op:
        r = op.wait()
        assert r.no_users
        assert sorted(v.pid for v in r.victims) == sorted(groups)
        assert len(r.victims) == 5  # each once
        for v in r.victims:
            assert v.cgroup == groups[v.pid] and v.comm == "sleep"
            assert v.signal is signal.SIGKILL and not v.exited_before
            assert v.native is native(cg, path)
            # Ours, not reaped yet: the kernel cannot tell how it ended.
            assert v.exit_signal is None and v.exit_code is None
        if not native(cg, path):
            assert r.signaled == 5
        cg.assert_killed(groups)
        # Reaped: read again, from the operation, and in a new report.
        again = op.victims()
        assert [v.pid for v in again] == [v.pid for v in r.victims]
        later = op.process()
        for victims in (again, later.victims):
            for v in victims:
                if EXIT_INFO:
                    assert v.exit_signal is signal.SIGKILL and v.returncode == -9
                else:
                    assert v.exit_signal is None and v.returncode is None
                assert v.exit_code is None
    with pytest.raises(ValueError):
        op.victims()  # closed


def test_victims_by_every_call(cg):
    g = cg.group("calls")
    pids = spawn_sleeps(cg, g, 2)
    r = cgkill.kill_pid(pids[0], victims=True)
    assert sorted(v.pid for v in r.victims) == sorted(pids)
    cg.assert_killed(pids)

    pids = spawn_sleeps(cg, g, 2)
    fd = cgkill.open(g)
    try:
        r = cgkill.kill_fd(fd, fallback=True, victims=True)
    finally:
        os.close(fd)
    assert sorted(v.pid for v in r.victims) == sorted(pids)
    cg.assert_killed(pids)

    pids = spawn_sleeps(cg, g, 2)
    r = asyncio.run(cgkill.kill_async(g, victims=True))
    assert sorted(v.pid for v in r.victims) == sorted(pids)
    cg.assert_killed(pids)

    # Read before the end: refused, not a partial list.
    pids = spawn_sleeps(cg, g, 1, ignore_term=True)
    with cgkill.start(g, signal.SIGTERM, timeout=None, victims=True) as op:
        assert op.process() is None
        with pytest.raises(ValueError, match="not ended"):
            op.victims()
    assert cg.alive(pids[0])
    r = cgkill.kill(g, victims=True)
    assert [v.pid for v in r.victims] == pids
    cg.assert_killed(pids)

    # Not asked for: not listed.
    pids = spawn_sleeps(cg, g, 1)
    r = cgkill.kill(g)
    assert r.victims == () and r.survivors == () and r.survivors_total == 0
    cg.assert_killed(pids)
    with cgkill.start(g) as op:
        op.wait()
        assert op.victims() == ()


def test_victims_limit(cg):
    g = cg.group("limit")
    pids = spawn_sleeps(cg, g, 4)
    r = cgkill.kill(g, fallback=True, victims=True, max_victims=2)
    assert len(r.victims) == 2 and {v.pid for v in r.victims} <= set(pids)
    assert r.signaled == 4  # all killed, two listed
    cg.assert_killed(pids)


def test_victims_of_an_escalation(cg):
    g = cg.group("esc")
    term = spawn_sleeps(cg, g, 1)
    stubborn = spawn_sleeps(cg, g, 1, ignore_term=True)
    r = cgkill.kill(g, signal.SIGTERM, grace=0.2, victims=True)
    assert r.escalated and r.no_users
    sent = {v.pid: v.signal for v in r.victims}
    # One record each, with the last signal sent.
    assert len(r.victims) == 2
    assert sent == {term[0]: signal.SIGTERM, stubborn[0]: signal.SIGKILL}
    cg.assert_killed(term, signal.SIGTERM)
    cg.assert_killed(stubborn)


# ---- survivors --------------------------------------------------------------

def test_survivors_after_a_timeout(cg):
    top = cg.group("s")
    dies = spawn_sleeps(cg, top, 2)
    stubborn = spawn_sleeps(cg, cg.group("s/x"), 1, ignore_term=True)
    r = cgkill.kill(top, signal.SIGTERM, timeout=0.5)
    assert r.timed_out and not r.no_users
    assert r.survivors_total == 1 and len(r.survivors) == 1
    s = r.survivors[0]
    assert s.pid == stubborn[0] and s.comm == "sleep" and s.cgroup == "x"
    assert s.signal is signal.SIGTERM and s.disposition is cgkill.Disposition.IGNORED
    assert s.state == "S" and s.threads == 1 and s.traced_by is None
    assert not s.frozen and not s.dying and s.reasons == cgkill.Reason(0)
    d = r.to_dict()["survivors"][0]
    assert d["pid"] == stubborn[0] and d["disposition"] == "ignored"
    assert json.dumps(r.to_dict())
    cg.assert_killed(dies, signal.SIGTERM)
    assert cg.alive(stubborn[0])

    # SIGKILL ends it; asked for, the survivors of a success are none.
    r = cgkill.kill(top, survivors=True)
    assert r.no_users and r.survivors == () and r.survivors_total == 0
    cg.assert_killed(stubborn)


def test_survivors_frozen_and_limited(cg):
    g = cg.group("frz")
    pids = spawn_sleeps(cg, g, 3, ignore_term=True)
    write(os.path.join(g, "cgroup.freeze"), "1")
    try:
        r = cgkill.kill(g, signal.SIGTERM, timeout=0.2, max_survivors=2)
        assert r.timed_out
        assert r.survivors_total == 3 and len(r.survivors) == 2
        assert {s.pid for s in r.survivors} <= set(pids)
        for s in r.survivors:
            assert s.frozen and cgkill.Reason.FROZEN in s.reasons
            assert s.disposition is cgkill.Disposition.IGNORED
        assert all(cg.alive(p) for p in pids)
    finally:
        write(os.path.join(g, "cgroup.freeze"), "0")
    r = cgkill.kill(g)
    assert r.no_users
    cg.assert_killed(pids)


def test_dry_run_lists_every_process_as_a_survivor(cg):
    g = cg.group("dry")
    pids = spawn_sleeps(cg, g, 2) + spawn_sleeps(cg, cg.group("dry/d"), 1)
    r = cgkill.kill(g, dry_run=True, survivors=True)
    assert sorted(s.pid for s in r.survivors) == sorted(pids)
    assert r.survivors_total == 3
    # SIGKILL would be sent, and nobody can do anything about it.
    assert all(s.signal is signal.SIGKILL and
               s.disposition is cgkill.Disposition.DEFAULT for s in r.survivors)
    assert all(cg.alive(p) for p in pids)  # nothing signalled


# ---- memory -------------------------------------------------------------------

def assert_released(r, allocated):
    """Plausible: at least half of what the hogs wrote, and no more than
    that plus an interpreter's own memory each (RssAnon, where the memory
    controller is not on); or the kernel could not reap at all."""
    if r.no_mrelease:
        assert r.memory_released_bytes == 0 and r.memory_released_ns == 0
        return
    n, mib = allocated
    assert n * mib * MiB // 2 <= r.memory_released_bytes <= n * (mib + 16) * MiB, \
        r.memory_released_bytes
    assert 0 < r.memory_released_ns <= r.elapsed_ns
    assert r.memory_released == r.memory_released_ns / 1e9


@pytest.mark.parametrize("path", PATHS)
def test_release_memory(cg, path):
    g = cg.group("mem")
    pids = hogs(cg, g, 3, 32)
    r = cgkill.kill(g, fallback=path == "fallback", release_memory=True)
    assert r.no_users
    assert_released(r, (3, 32))
    cg.assert_killed(pids)


def test_release_memory_at_the_escalation(cg):
    g = cg.group("memesc")
    pids = hogs(cg, g, 2, 32, ignore_term=True)
    r = cgkill.kill(g, signal.SIGTERM, grace=0.1, release_memory=True,
                    victims=True)
    assert r.escalated and r.no_users
    assert sorted(v.pid for v in r.victims) == sorted(pids)
    assert_released(r, (2, 32))
    cg.assert_killed(pids)


def test_nothing_to_release_without_the_flag(cg):
    g = cg.group("nomem")
    pids = spawn_sleeps(cg, g, 1)
    r = cgkill.kill(g)
    assert r.memory_released_bytes == 0 and r.memory_released_ns == 0
    assert not r.no_mrelease
    cg.assert_killed(pids)


# ---- combinations the library refuses ---------------------------------------

@pytest.mark.parametrize("kw", [
    {"signal": signal.SIGTERM, "release_memory": True},  # SIGTERM frees nothing
    {"dry_run": True, "release_memory": True},
    {"dry_run": True, "victims": True},
    {"max_victims": 3},  # a limit for a list nobody asked for
])
def test_refused_combinations(cg, kw):
    g = cg.group("bad")
    pids = spawn_sleeps(cg, g, 1)
    for call in (cgkill.kill, cgkill.start):
        with pytest.raises(OSError) as ei:
            call(g, **kw)
        assert ei.value.errno == errno.EINVAL and ei.value.filename == g
    with pytest.raises(OSError) as ei:
        asyncio.run(cgkill.kill_async(g, **kw))
    assert ei.value.errno == errno.EINVAL
    assert cg.alive(pids[0])  # refused before anything was signalled
    # The same with an escalation to SIGKILL is fine.
    if kw.get("signal") == signal.SIGTERM:
        r = cgkill.kill(g, signal.SIGTERM, grace=0.1, release_memory=True)
        assert r.no_users
        cg.assert_killed(pids, signal.SIGTERM)
