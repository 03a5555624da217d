# SPDX-License-Identifier: LGPL-2.1-or-later
"""Errors: an OSError whose subclass the errno picks, the path as filename.

Safety: whatever could pass a guard rail by mistake runs as a dry run."""
import errno
import os
import signal

import pytest

import cgkill
from conftest import require_cgroup


def raises(exc, err, call, *args, **kw):
    with pytest.raises(exc) as ei:
        call(*args, **kw)
    assert ei.value.errno == err, ei.value
    return ei.value


def test_missing_path(cg):
    path = os.path.join(cg.parent, "missing")
    e = raises(FileNotFoundError, errno.ENOENT, cgkill.kill, path)
    assert e.filename == path and "No such file" in str(e)
    raises(FileNotFoundError, errno.ENOENT, cgkill.start, path)
    raises(FileNotFoundError, errno.ENOENT, cgkill.open, path)
    raises(FileNotFoundError, errno.ENOENT, cgkill.probe, path)


def test_not_a_cgroup(cg, tmp_path):
    e = raises(OSError, errno.EMEDIUMTYPE, cgkill.kill, str(tmp_path))
    assert e.filename == str(tmp_path)
    f = tmp_path / "file"
    f.write_text("")
    e = raises(NotADirectoryError, errno.ENOTDIR, cgkill.kill, f)
    assert e.filename == f
    # A symbolic link to a group is not followed.
    link = tmp_path / "link"
    link.symlink_to(cg.group("target"))
    raises(OSError, errno.ELOOP, cgkill.kill, link)


def test_relative_path(cg):
    raises(OSError, errno.EINVAL, cgkill.kill, "relative/group")


def test_guard_rails(cg):
    # The root of the hierarchy is refused (dry run: should the rail ever
    # fail, nothing is signalled).
    e = raises(PermissionError, errno.EPERM, cgkill.kill, cg.mount,
               dry_run=True)
    assert e.filename == cg.mount


def test_own_group_needs_allow_self(cg):
    g = cg.group("self")
    others = cg.spawn(g, 2)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            with open(os.path.join(g, "cgroup.procs"), "w") as f:
                f.write("0")
            try:
                cgkill.kill(g)
                os.write(w, b"no error")
            except OSError as e:
                os.write(w, str(e.errno).encode())
            rep = cgkill.kill(g, allow_self=True)
            os.write(w, b", no_users=%d" % rep.no_users)
        except BaseException as e:
            os.write(w, f", {e!r}".encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        said = f.read()
    status = cg.reap(pid)
    cg.assert_killed(others)
    # Refused without allow_self; with it, the rest of the group is killed
    # and the caller either dies with it (SIGKILL before the report) or is
    # left out of it, as the library's version decides.
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        assert said == str(errno.EDEADLK).encode()
    else:
        assert said == str(errno.EDEADLK).encode() + b", no_users=1"


def test_bad_fds(cg):
    fd = os.open("/", os.O_RDONLY)
    os.close(fd)
    raises(OSError, errno.EBADF, cgkill.kill_fd, fd)
    raises(OSError, errno.EBADF, cgkill.kill_pidfd, fd)
    with open(os.path.join(cg.group("file"), "cgroup.procs")) as f:
        raises(NotADirectoryError, errno.ENOTDIR, cgkill.kill_fd, f)
    with pytest.raises(TypeError):
        cgkill.kill_fd("not an fd")


def test_processes(cg):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)  # gone: its pid is free
    raises(ProcessLookupError, errno.ESRCH, cgkill.kill_pid, pid,
           dry_run=True)
    raises(OSError, errno.EINVAL, cgkill.kill_pid, 0, dry_run=True)


def test_invalid_combinations_are_the_librarys(cg):
    g = cg.group("combo")
    raises(OSError, errno.EINVAL, cgkill.kill, g, dry_run=True, remove=True)
    raises(OSError, errno.EINVAL, cgkill.kill, g, grace=1)  # with SIGKILL
    raises(OSError, errno.EINVAL, cgkill.kill, g, signal.SIGTERM,
           dry_run=True, sigcont=True)


def test_late_failure_carries_the_report(cg):
    g = cg.group("gone")
    child = cg.group("gone/sub")
    pids = cg.spawn(child, 2, ignore_term=True)
    with cgkill.start(g, signal.SIGTERM, remove=True, timeout=None) as op:
        assert op.process() is None  # SIGTERM ignored: still running
        # Someone else (we) empties and removes the subtree first.
        for p in pids:
            os.kill(p, signal.SIGKILL)
        cg.assert_killed(pids)
        os.rmdir(child)
        os.rmdir(g)
        with pytest.raises(FileNotFoundError) as ei:
            op.wait()
    e = ei.value
    assert e.filename == g
    assert e.report.no_users and not e.report.removed
    assert e.report.remove_error == errno.ENOENT


def test_require_cgroup_fails_instead_of_skipping(monkeypatch):
    import conftest

    monkeypatch.setattr(conftest, "_why_unavailable", lambda: "pretend")
    monkeypatch.setenv("CGKILL_REQUIRE_CGROUP", "1")
    with pytest.raises(pytest.fail.Exception):
        require_cgroup()
    monkeypatch.delenv("CGKILL_REQUIRE_CGROUP")
    with pytest.raises(pytest.skip.Exception):
        require_cgroup()
    conftest._unavailable.remove("pretend")
