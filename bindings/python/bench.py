# SPDX-License-Identifier: LGPL-2.1-or-later
"""The cost of the Python binding: a kill through cgkill.kill() against the
C call cgkill_path() (through ctypes, which releases the GIL and adds a
microsecond or so), on the same populations, alternating.

    sudo python3 bindings/python/bench.py BUILDDIR [--runs 9] [--procs 10000]
        [--groups 100]

BUILDDIR is a meson build directory with the binding, the library and
bench/cgkill-bench-spawn, which starts each population as cgkill-bench does:
pause processes cloned straight into their groups (clone3 with
CLONE_INTO_CGROUP and CLONE_PARENT, so they are our children), process i in
group i % groups, all below one fresh target per measurement.  The clock
runs from the call to its return (the subtree empty); reaping is not timed.
Needs root and a writable cgroup2 mount; every group is removed, leaves
first, and every process is ours.
"""
import argparse
import ctypes
import mmap
import os
import signal
import statistics
import struct
import subprocess
import sys
import time

FORCE_FREEZE = 1 << 0


class Opts(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("signal", ctypes.c_int32),
                ("flags", ctypes.c_uint64), ("timeout_ms", ctypes.c_int64),
                ("grace_ms", ctypes.c_int64), ("observer", ctypes.c_uint64),
                ("userdata", ctypes.c_uint64)]


class CReport(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("flags", ctypes.c_uint32),
                ("first_signal", ctypes.c_int32), ("last_signal", ctypes.c_int32),
                ("last_method", ctypes.c_uint32), ("n_stages", ctypes.c_uint32),
                ("signaled", ctypes.c_uint64), ("kernel_threads", ctypes.c_uint64),
                ("cgroups", ctypes.c_uint64), ("passes", ctypes.c_uint64),
                ("frozen_pending", ctypes.c_uint64), ("elapsed_ns", ctypes.c_uint64),
                ("remove_error", ctypes.c_int32), ("thaw_error", ctypes.c_int32)]


def cgroup2_mount():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[fields.index("-") + 1] == "cgroup2":
                return fields[4].encode().decode("unicode_escape")
    sys.exit("no cgroup2 mount")


class Bench:
    # struct bench_shm (bench/bench-shm.h): ready, started, tokens,
    # fork_errors (atomic_long), cap (long), bench_pid (pid_t).
    SHM = struct.Struct("qqqqqi")

    def __init__(self, build, procs, groups, clone):
        sys.path.insert(0, os.path.join(build, "bindings", "python"))
        import cgkill
        self.cgkill = cgkill
        self.lib = ctypes.CDLL(os.path.join(build, "lib", "libcgkill.so.1"))
        self.lib.cgkill_path.argtypes = [ctypes.c_char_p, ctypes.c_void_p,
                                         ctypes.c_void_p]
        self.spawner = os.path.join(build, "bench", "cgkill-bench-spawn")
        self.procs, self.groups = procs, groups
        self.root = os.path.join(cgroup2_mount(), f"cgkill-pybench-{os.getpid()}")
        os.mkdir(self.root)
        self.seq = 0
        self.memfd = os.memfd_create("cgkill-pybench", 0)
        os.ftruncate(self.memfd, mmap.PAGESIZE)
        self.shm = mmap.mmap(self.memfd, mmap.PAGESIZE)
        self.clone = clone

    def _set_shm(self):
        self.shm[:self.SHM.size] = self.SHM.pack(0, 0, 0, 0, 0, os.getpid())

    def _ready(self):
        return self.SHM.unpack(self.shm[:self.SHM.size])[0]

    def populate(self):
        """A fresh target with `groups` leaves and `procs` pause processes."""
        target = os.path.join(self.root, f"m{self.seq:04d}")
        self.seq += 1
        os.mkdir(target)
        fds = []
        try:
            for i in range(self.groups):
                leaf = os.path.join(target, f"g{i:03d}")
                os.mkdir(leaf)
                fds.append(os.open(leaf, os.O_RDONLY | os.O_DIRECTORY))
            self._set_shm()
            args = [self.spawner, str(self.memfd), self.clone, "pause", "0", "1",
                    str(self.procs)] + [str(fd) for fd in fds]
            if subprocess.run(args, pass_fds=[self.memfd] + fds).returncode:
                raise RuntimeError("cgkill-bench-spawn failed (before 5.7, "
                                   "without clone3: try --fork)")
        finally:
            for fd in fds:
                os.close(fd)
        end = time.monotonic() + 60
        while self._ready() < self.procs:
            if time.monotonic() > end:
                raise RuntimeError("population did not start")
            time.sleep(0.001)
        return target

    def kill_binding(self, target, fallback):
        t0 = time.perf_counter_ns()
        r = self.cgkill.kill(target, fallback=fallback)
        wall = time.perf_counter_ns() - t0
        assert r.no_users and not r.populated, r
        return wall, r.elapsed_ns

    def kill_c(self, target, fallback):
        rep = CReport(size=ctypes.sizeof(CReport))
        opts = Opts(size=ctypes.sizeof(Opts), signal=9,
                    flags=FORCE_FREEZE if fallback else 0, timeout_ms=10000)
        t0 = time.perf_counter_ns()
        r = self.lib.cgkill_path(target.encode(), ctypes.byref(opts),
                                 ctypes.byref(rep))
        wall = time.perf_counter_ns() - t0
        assert r == 0 and rep.flags & 1, (r, rep.flags)
        return wall, rep.elapsed_ns

    @staticmethod
    def _populated(target):
        with open(os.path.join(target, "cgroup.events")) as f:
            return "populated 1" in f.read()

    def reap_and_remove(self, target):
        """Reap every process of ours, then remove the groups, leaves first."""
        if self._populated(target):
            with open(os.path.join(target, "cgroup.kill"), "w") as f:
                f.write("1")
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                if not self._populated(target):
                    break
                time.sleep(0.001)
        for top, _, _ in os.walk(target, topdown=False):
            for _ in range(1000):
                try:
                    os.rmdir(top)
                    break
                except OSError:
                    time.sleep(0.001)

    def close(self):
        for name in sorted(os.listdir(self.root)):
            path = os.path.join(self.root, name)
            if os.path.isdir(path):
                self.reap_and_remove(path)
        os.rmdir(self.root)
        self.shm.close()
        os.close(self.memfd)


def stats(ns):
    ms = [v / 1e6 for v in ns]
    return statistics.median(ms), min(ms), max(ms)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--procs", type=int, default=10000)
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--fork", action="store_true",
                    help="spawn by fork, not clone3 (kernels before 5.7)")
    a = ap.parse_args()
    if a.procs > 10000:
        sys.exit("at most 10000 processes")
    bench = Bench(a.build, a.procs, a.groups, "fork" if a.fork else "clone3")
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    results = {}
    try:
        for method in ("native", "fallback"):
            fallback = method == "fallback"
            wall = {"binding": [], "C": []}
            lib = {"binding": [], "C": []}
            for run in range(a.runs):
                # Alternate which goes first, so that neither always runs
                # on a machine warmed up by the other.
                order = ("binding", "C") if run % 2 == 0 else ("C", "binding")
                for who in order:
                    target = bench.populate()
                    try:
                        call = bench.kill_binding if who == "binding" else bench.kill_c
                        w, e = call(target, fallback)
                    finally:
                        bench.reap_and_remove(target)
                    wall[who].append(w)
                    lib[who].append(e)
            results[method] = (wall, lib)
    finally:
        bench.close()

    print(f"{a.procs} processes in {a.groups} groups, {a.runs} runs each, "
          f"alternating; median [min .. max] in ms, wall clock of the call")
    print(f"{'method':9} {'C cgkill_path()':>26} {'cgkill.kill()':>26} {'ratio':>7}")
    for method, (wall, lib) in results.items():
        c, b = stats(wall["C"]), stats(wall["binding"])
        print(f"{method:9} {c[0]:9.1f} [{c[1]:6.1f} .. {c[2]:6.1f}] "
              f"{b[0]:9.1f} [{b[1]:6.1f} .. {b[2]:6.1f}] {b[0] / c[0]:7.3f}")
        overhead = statistics.median(w - e for w, e in zip(wall["binding"], lib["binding"]))
        c_over = statistics.median(w - e for w, e in zip(wall["C"], lib["C"]))
        print(f"{'':9} outside the library's own clock: C {c_over / 1e3:.0f} us, "
              f"binding {overhead / 1e3:.0f} us")


if __name__ == "__main__":
    main()
