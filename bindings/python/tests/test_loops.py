# SPDX-License-Identifier: LGPL-2.1-or-later
"""Operations in event loops: selectors, asyncio, and cancellation."""
import asyncio
import os
import selectors
import signal
import threading
import time

import pytest

import cgkill


def test_selectors_drive_several_operations(cg):
    groups = [cg.group(f"sel{i}") for i in range(3)]
    pids = [cg.spawn(g, 2) for g in groups]
    # Two die of SIGTERM; the third ignores it and is escalated.
    pids.append(cg.spawn(groups[2], 2, ignore_term=True))
    sel = selectors.DefaultSelector()
    ops = [cgkill.start(g, signal.SIGTERM, grace=0.2, timeout=5) for g in groups]
    reports = {}
    try:
        for op in ops:
            sel.register(op, selectors.EVENT_READ)  # by its fileno()
        wakeups = 0
        while len(reports) < len(ops):
            for key, _ in sel.select(timeout=10):
                wakeups += 1
                report = key.fileobj.process()
                if report is not None:
                    reports[key.fileobj] = report
                    sel.unregister(key.fileobj)
            assert wakeups < 1000, "busy loop: the fd stayed readable"
    finally:
        sel.close()
        for op in ops:
            op.close()
    for g, op in zip(groups, ops):
        r = reports[op]
        assert r.no_users and not r.timed_out
        assert cg.procs(g) == [] and not cg.frozen(g)
    assert [reports[op].escalated for op in ops] == [False, False, True]
    assert [len(reports[op].stages) for op in ops] == [1, 1, 2]
    cg.assert_killed(pids[0] + pids[1] + pids[2], signal.SIGTERM)
    cg.assert_killed(pids[3], signal.SIGKILL)


def test_operation_lifecycle(cg):
    g = cg.group("life")
    pids = cg.spawn(g, 1)
    op = cgkill.start(g)
    assert "open" in repr(op) and not op.closed
    report = op.wait()
    assert report.no_users
    # The result stays: again from process() and wait().
    assert op.process() == report and op.wait() == report
    op.close()
    op.close()  # twice is harmless
    assert op.closed
    for call in (op.fileno, op.process, op.wait):
        with pytest.raises(ValueError):
            call()
    cg.assert_killed(pids)


def test_one_thread_at_a_time(cg):
    g = cg.group("busy")
    pids = cg.spawn(g, 1, ignore_term=True)
    with cgkill.start(g, signal.SIGTERM, timeout=None) as op:
        waiting = threading.Event()

        def wait():
            waiting.set()
            op.wait()

        t = threading.Thread(target=wait)
        t.start()
        waiting.wait()
        time.sleep(0.1)  # into the C call, which waits for ever
        with pytest.raises(RuntimeError):
            op.process()
        with pytest.raises(RuntimeError):
            op.close()
        os.kill(pids[0], signal.SIGKILL)  # ends the wait
        t.join()
        assert op.process().no_users
    cg.assert_killed(pids)


def test_kill_async(cg):
    g = cg.group("async")
    pids = cg.spawn(g, 3)
    other = cg.group("async2")
    other_pids = cg.spawn(other, 2, ignore_term=True)

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.005)

        t = asyncio.create_task(ticker())
        r1, r2 = await asyncio.gather(
            cgkill.kill_async(g, signal.SIGTERM),
            cgkill.kill_async(other, signal.SIGTERM, grace=0.3, fallback=True))
        t.cancel()
        return r1, r2, ticks

    r1, r2, ticks = asyncio.run(main())
    assert r1.no_users and not r1.escalated
    assert r2.no_users and r2.escalated and len(r2.stages) == 2
    assert ticks >= 10  # the loop went on during the grace period
    cg.assert_killed(pids, signal.SIGTERM)
    cg.assert_killed(other_pids, signal.SIGKILL)
    for grp in (g, other):
        assert cg.procs(grp) == [] and not cg.frozen(grp)


def test_kill_pid_and_fd_async(cg):
    g = cg.group("asyncpid")
    pids = cg.spawn(g, 2)
    assert asyncio.run(cgkill.kill_pid_async(pids[0], fallback=True)).no_users
    cg.assert_killed(pids)
    pids = cg.spawn(g, 2)
    fd = os.open(g, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        assert asyncio.run(cgkill.kill_fd_async(fd)).no_users
    finally:
        os.close(fd)
    cg.assert_killed(pids)


def test_cancelled_task_frees_the_operation(cg):
    g = cg.group("cancel")
    pids = cg.spawn(cg.group("cancel/sub"), 3, ignore_term=True)

    async def main():
        task = asyncio.create_task(
            cgkill.kill_async(g, signal.SIGTERM, timeout=None, fallback=True))
        await asyncio.sleep(0.3)  # signalled, waiting for ever
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    # Abandoned: not frozen, nothing more signalled, its fds closed (the
    # fixture counts them); the processes, which ignore SIGTERM, live on.
    assert not cg.frozen(g) and not cg.frozen(os.path.join(g, "sub"))
    assert all(cg.alive(p) for p in pids)
    assert sorted(cg.procs(g)) == sorted(pids)


def test_operation_wait_async(cg):
    g = cg.group("waitasync")
    pids = cg.spawn(g, 2)

    async def main():
        with cgkill.start(g, fallback=True) as op:
            return await op.wait_async()

    r = asyncio.run(main())
    assert r.no_users and r.signaled == 2
    cg.assert_killed(pids)


def test_a_signal_handler_may_close_a_waiting_operation(cg):
    g = cg.group("handler")
    pids = cg.spawn(g, 1, ignore_term=True)
    op = cgkill.start(g, signal.SIGTERM, timeout=None)
    old = signal.signal(signal.SIGALRM, lambda signum, frame: op.close())
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(ValueError):
            op.wait()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert op.closed and cg.alive(pids[0]) and not cg.frozen(g)
