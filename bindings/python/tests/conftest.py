# SPDX-License-Identifier: LGPL-2.1-or-later
"""Scratch cgroups and processes for the real-kernel tests.

Every group is made below one parent of ours, <cgroup2 mount>/cgkill-py-PID,
the mount found in /proc/self/mountinfo.  Every process is a child of this
one (or, for a fork bomb, a descendant reparented to it: it is a child
subreaper), and lives in a scratch group.  The teardown kills what is left
through the parent's cgroup.kill (ours alone live there), reaps, and removes
the groups leaves first, on success and on failure alike.

Without root or a writable cgroup2 mount, a test that needs them is skipped
with the reason, or fails under CGKILL_REQUIRE_CGROUP=1; a run that skipped
any that way and failed nothing exits 77, so that meson reports a skip.
"""
import ctypes
import errno
import fcntl
import gc
import os
import select
import shutil
import signal
import struct
import termios
import time

import pytest

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
SKIP_EXIT = 77
_libc = ctypes.CDLL(None, use_errno=True)
_unavailable = []


def prctl(option, arg):
    if _libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0) < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def cgroup2_mount():
    """The first cgroup2 mount of /proc/self/mountinfo, or None."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            sep = fields.index("-")
            if fields[sep + 1] == "cgroup2":
                # Octal escapes (\040 for a space) as the kernel writes them.
                return fields[4].encode().decode("unicode_escape")
    return None


def _why_unavailable():
    if os.geteuid() != 0:
        return "not root"
    mnt = cgroup2_mount()
    if mnt is None:
        return "no cgroup2 mount"
    probe = os.path.join(mnt, f"cgkill-py-probe-{os.getpid()}")
    try:
        os.mkdir(probe)
    except OSError as e:
        return f"cannot create {probe}: {e.strerror}"
    os.rmdir(probe)
    return None


def require_cgroup():
    """Skip (or fail under CGKILL_REQUIRE_CGROUP=1) without root and a
    writable cgroup2 mount."""
    why = _why_unavailable()
    if why is None:
        return
    if os.environ.get("CGKILL_REQUIRE_CGROUP") == "1":
        pytest.fail(f"real-kernel test cannot run ({why}) and "
                    "CGKILL_REQUIRE_CGROUP=1", pytrace=False)
    _unavailable.append(why)
    pytest.skip(f"real-kernel test needs root and a writable cgroup2 mount: {why}")


def read(path):
    with open(path) as f:
        return f.read()


def write(path, value):
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, value.encode())
    finally:
        os.close(fd)


def open_fds():
    return len(os.listdir("/proc/self/fd"))


def _pipe_bytes(fd):
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


class Bomb:
    """A fork bomb bounded by a shared counter: a pipe holding cap - 1
    tokens, each process taking one (an atomic read of one byte) before
    each fork; each process that runs writes a byte to a second pipe, which
    counts them.  Python children: the heap is frozen for the collector, so
    that it does not copy every page of it in each one."""

    def __init__(self, group, cap):
        self.cap = cap
        self.tokens, w = os.pipe2(os.O_CLOEXEC)
        os.write(w, b"t" * (cap - 1))
        os.close(w)
        os.set_blocking(self.tokens, False)
        self.counted, self._count = os.pipe2(os.O_CLOEXEC)
        gc.collect()
        gc.freeze()
        try:
            self.root = os.fork()
        finally:
            gc.unfreeze()
        if self.root == 0:
            self._grow(group)
        os.close(self._count)

    def _grow(self, group):
        try:
            gc.disable()
            write(os.path.join(group, "cgroup.procs"), "0")
            # Each process counts itself, then forks while tokens last; a
            # child starts over: counts itself, forks...
            while True:
                signal.alarm(300)  # bounds its life should the test die
                os.write(self._count, b"s")
                child = False
                while not child:
                    try:
                        # Nobody holds the write end: an empty pipe reads
                        # as end of file, not EAGAIN.
                        if not os.read(self.tokens, 1):
                            break
                        child = os.fork() == 0
                    except OSError:  # no fork
                        break
                    time.sleep(0.0002)  # keep growing while the kill starts
                if not child:
                    break
            while True:
                signal.pause()
        finally:
            os._exit(0)

    def started(self):
        """Processes that ran so far, the root included."""
        return _pipe_bytes(self.counted)

    def wait_started(self, n, within=20.0):
        end = time.monotonic() + within
        while self.started() < n:
            assert time.monotonic() < end, f"fork bomb stuck at {self.started()}"
            time.sleep(0.0005)

    def close(self):
        os.close(self.tokens)
        os.close(self.counted)


class Scratch:
    def __init__(self):
        self.mount = cgroup2_mount()
        self.parent = os.path.join(self.mount, f"cgkill-py-{os.getpid()}")
        self.children = []
        self.bombs = []
        self.sleep = shutil.which("sleep") or "/bin/sleep"
        os.mkdir(self.parent)

    def group(self, rel):
        """parent/rel and any missing ancestor; its absolute path."""
        path = os.path.join(self.parent, rel)
        os.makedirs(path, exist_ok=True)
        return path

    def spawn(self, group, n=1, ignore_term=False):
        """n `sleep` processes in group, listed there when this returns.
        ignore_term: SIGTERM ignored (set before the move, kept by exec)."""
        pids = []
        for _ in range(n):
            pid = os.fork()
            if pid == 0:
                try:
                    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    if ignore_term:
                        signal.signal(signal.SIGTERM, signal.SIG_IGN)
                    write(os.path.join(group, "cgroup.procs"), "0")
                    os.execv(self.sleep, [self.sleep, "300"])
                finally:
                    os._exit(127)
            pids.append(pid)
            self.children.append(pid)
        end = time.monotonic() + 10
        while not set(pids) <= set(self.procs(group, recursive=False)):
            assert time.monotonic() < end, "children did not reach their group"
            time.sleep(0.001)
        return pids

    def bomb(self, group, cap, started):
        b = Bomb(group, cap)
        self.bombs.append(b)
        self.children.append(b.root)
        b.wait_started(started)
        return b

    def procs(self, group, recursive=True):
        """The pids listed in cgroup.procs of group (and below)."""
        pids = []
        for top, _, _ in os.walk(group) if recursive else [(group, None, None)]:
            pids += [int(p) for p in read(os.path.join(top, "cgroup.procs")).split()]
        return pids

    def populated(self, group):
        return "populated 1" in read(os.path.join(group, "cgroup.events"))

    def frozen(self, group):
        """cgroup.freeze as the library must leave it, and the state."""
        events = read(os.path.join(group, "cgroup.events"))
        return read(os.path.join(group, "cgroup.freeze")).strip() == "1" or \
            "frozen 1" in events

    def reap(self, pid, within=10.0):
        """The wait status of a child of ours, once it has exited."""
        end = time.monotonic() + within
        while True:
            got, status = os.waitpid(pid, os.WNOHANG)
            if got == pid:
                if pid in self.children:
                    self.children.remove(pid)
                return status
            assert time.monotonic() < end, f"{pid} did not exit"
            time.sleep(0.001)

    def assert_killed(self, pids, sig=signal.SIGKILL):
        for pid in pids:
            status = self.reap(pid)
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == sig, \
                f"{pid}: wait status {status:#x}"

    def alive(self, pid):
        return os.waitpid(pid, os.WNOHANG) == (0, 0)

    def _wait_empty(self, group, within):
        events = os.open(os.path.join(group, "cgroup.events"),
                         os.O_RDONLY | os.O_CLOEXEC)
        try:
            end = time.monotonic() + within
            poller = select.poll()
            poller.register(events, select.POLLPRI)
            while b"populated 1" in os.pread(events, 4096, 0):
                left = end - time.monotonic()
                if left <= 0:
                    return False
                poller.poll(min(left, 0.05) * 1000)
            return True
        finally:
            os.close(events)

    def _reap_all(self, within):
        """Every child: the ones we started and the bomb's orphans."""
        end = time.monotonic() + within
        while True:
            try:
                got, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if got == 0:
                if time.monotonic() > end:
                    raise AssertionError("children left unreaped")
                time.sleep(0.001)

    def cleanup(self):
        """Kill what is left (ours only live below parent), reap, and remove
        the groups leaves first."""
        problems = []
        if not os.path.isdir(self.parent):
            return problems
        for top, _, _ in os.walk(self.parent):
            if read(os.path.join(top, "cgroup.freeze")).strip() != "0":
                problems.append(f"{top} left frozen")
                write(os.path.join(top, "cgroup.freeze"), "0")
        if self.populated(self.parent):
            write(os.path.join(self.parent, "cgroup.kill"), "1")
            if not self._wait_empty(self.parent, 30):
                problems.append(f"{self.parent} still populated")
        self._reap_all(30)
        self.children.clear()
        for b in self.bombs:
            b.close()
        for top, dirs, _ in os.walk(self.parent, topdown=False):
            for attempt in range(1000):
                try:
                    os.rmdir(top)
                    break
                except OSError as e:
                    # The kernel may refuse for a moment after it emptied.
                    if e.errno != errno.EBUSY or attempt == 999:
                        problems.append(f"rmdir {top}: {e.strerror}")
                        break
                    time.sleep(0.001)
        return problems


@pytest.fixture(scope="session", autouse=True)
def _subreaper():
    """Orphans of fork bombs come back to us to be reaped."""
    if os.geteuid() == 0:
        prctl(PR_SET_CHILD_SUBREAPER, 1)
    yield


@pytest.fixture
def cg():
    """A Scratch parent for one test, removed after it; fails the test if
    a group was left frozen, populated or not removable, or if an fd of this
    process leaked."""
    require_cgroup()
    fds = open_fds()
    scratch = Scratch()
    try:
        yield scratch
    finally:
        problems = scratch.cleanup()
    assert not problems, "; ".join(problems)
    assert open_fds() == fds, "file descriptors leaked"


def pytest_sessionfinish(session, exitstatus):
    # Only the tests without the kernel ran: a skip for meson, not a pass.
    if exitstatus == 0 and _unavailable:
        session.exitstatus = SKIP_EXIT
