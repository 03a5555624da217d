// SPDX-License-Identifier: LGPL-2.1-or-later

// Package cgkill kills every process in a cgroup v2 subtree and reports
// what happened: a binding of libcgkill (see libcgkill(3)) for Go programs,
// such as container runtimes, that today freeze, kill and thaw by hand.
//
//	rep, err := cgkill.Kill(ctx, "/sys/fs/cgroup/my.slice/ctr-1", &cgkill.Options{
//		Signal:  syscall.SIGTERM,
//		Grace:   3 * time.Second, // then SIGKILL what is left
//		Timeout: 10 * time.Second,
//		Remove:  true,
//	})
//
// Kill, KillFd and KillPid block their goroutine until the subtree is
// empty, the Options.Timeout passes, or ctx is done.  They drive the
// library's non-blocking engine (cgkill_op_start(3)): the goroutine waits
// in poll(2) on the operation's fd, like any goroutine in a system call,
// and a cancelled context wakes it through an eventfd.  No C code ever
// calls back into Go, and the observer of the C API is not used.
//
// Results and errors: err is nil only when no user process is left.  A
// deadline of Options.Timeout that passes first returns ErrTimeout, and a
// target left frozen by a failed thaw ErrLeftFrozen; both with the Report
// filled in.  Every error is an *Error whose Err is a syscall.Errno from
// the library (the closed set of each call's man page), ErrTimeout,
// ErrLeftFrozen, or the context's error: test with errors.Is(err,
// syscall.EOPNOTSUPP), errors.Is(err, cgkill.ErrTimeout), errors.Is(err,
// context.Canceled).
//
// What a kill did, process by process (since libcgkill 1.1): with
// Options.Victims the Report lists each process killed and how it ended,
// and on a timeout, or with Options.Survivors, each one left and why.
// Both lists are read from the library's operation into the Report before
// the kill returns; nothing needs freeing.  Options.ReleaseMemory reaps
// the victims' memory at once (process_mrelease(2)).
//
// Cancellation: when ctx is done during a kill, the operation is abandoned
// between two library calls and err wraps ctx.Err().  The freeze method
// freezes the target only inside one library call, so nothing is left
// frozen; processes already signalled stay signalled, and nothing more is
// sent: an escalation that had not happened yet does not happen.
//
// The package is safe for concurrent use: each call runs its own operation.
package cgkill

// #cgo pkg-config: libcgkill
// #include <errno.h>
// #include <stdlib.h>
// #include <unistd.h>
// #include <cgkill.h>
import "C"

import (
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// Version returns the version of the libcgkill running, "MAJOR.MINOR.PATCH".
func Version() string {
	return C.GoString(C.cgkill_version())
}

// Features says what the running kernel offers (cgkill_probe(3)).  Fields
// may be added in later versions.
type Features struct {
	Kill      bool // cgroup.kill: the native method (Linux 5.14)
	Freeze    bool // cgroup.freeze: the v2 freezer (Linux 5.2)
	Pidfd     bool // pidfd_open and pidfd_send_signal (Linux 5.3)
	PidfdInfo bool // the PIDFD_GET_INFO ioctl with the cgroup id (Linux 6.13)
}

func featuresFrom(f C.uint64_t) Features {
	return Features{
		Kill:      f&C.CGKILL_FEATURE_KILL != 0,
		Freeze:    f&C.CGKILL_FEATURE_FREEZE != 0,
		Pidfd:     f&C.CGKILL_FEATURE_PIDFD != 0,
		PidfdInfo: f&C.CGKILL_FEATURE_PIDFD_INFO != 0,
	}
}

// Probe reports what the kernel offers, probed on a group the caller can
// see.
func Probe() (Features, error) {
	var f C.uint64_t
	if r := C.cgkill_probe(-1, &f); r < 0 {
		return Features{}, target{}.errno("cgkill_probe", int(r))
	}
	return featuresFrom(f), nil
}

// ProbeFd reports what the kernel offers, probed on the group f.
func ProbeFd(f *os.File) (Features, error) {
	var feat C.uint64_t
	t, rc, err := fileConn("ProbeFd", f)
	if err != nil {
		return Features{}, err
	}
	var r C.int
	if err := control(t, "ProbeFd", rc, func(fd C.int) { r = C.cgkill_probe(fd, &feat) }); err != nil {
		return Features{}, err
	}
	if r < 0 {
		return Features{}, t.errno("cgkill_probe", int(r))
	}
	return featuresFrom(feat), nil
}

// cString is C.CString for a path, refusing a NUL byte, which would cut
// the path short in C: the caller frees the result.
func cString(t target, op, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, t.err(op, syscall.EINVAL)
	}
	return C.CString(s), nil
}

// open returns a group fd from cgkill_open().
func open(t target, path string, flags C.uint) (C.int, error) {
	cpath, err := cString(t, "cgkill_open", path)
	if err != nil {
		return -1, err
	}
	defer C.free(unsafe.Pointer(cpath))
	fd := C.cgkill_open(cpath, flags)
	if fd < 0 {
		return -1, t.errno("cgkill_open", int(fd))
	}
	return fd, nil
}

// openPid returns a group fd from cgkill_open_pid().
func openPid(t target, pid int) (C.int, error) {
	if pid > math.MaxInt32 {
		return -1, t.err("cgkill_open_pid", syscall.ESRCH) // no such pid_t
	}
	if pid < 0 {
		pid = 0 // refused with EINVAL, never cut down to a positive pid_t
	}
	fd := C.cgkill_open_pid(C.pid_t(pid), 0)
	if fd < 0 {
		return -1, t.errno("cgkill_open_pid", int(fd))
	}
	return fd, nil
}

// startOn returns the start function of run for a group fd it owns: the
// fd is closed once the operation has started, since it keeps its own.
func startOn(t target, fd C.int) func(*C.struct_cgkill_opts, **C.struct_cgkill_op) error {
	return func(o *C.struct_cgkill_opts, op **C.struct_cgkill_op) error {
		r := C.cgkill_op_start(fd, o, op)
		C.close(fd)
		if r < 0 {
			return t.errno("cgkill_op_start", int(r))
		}
		return nil
	}
}

// Kill kills every process in the cgroup v2 group at the absolute path
// (a path in the file system, such as /sys/fs/cgroup/system.slice/x) and
// in every group below it, as cgkill_path(3) does.  See the package
// documentation for the results, the errors and cancellation.
func Kill(ctx context.Context, path string, opts *Options) (Report, error) {
	t := target{path: path}
	if err := ctx.Err(); err != nil {
		return Report{}, t.err("wait", err)
	}
	fd, err := open(t, path, 0)
	if err != nil {
		return Report{}, err
	}
	return run(ctx, t, opts, startOn(t, fd))
}

// KillPid kills the whole group that the process pid belongs to, and the
// groups below it (cgkill_open_pid(3), then as Kill).
func KillPid(ctx context.Context, pid int, opts *Options) (Report, error) {
	t := target{pid: pid}
	if err := ctx.Err(); err != nil {
		return Report{}, t.err("wait", err)
	}
	fd, err := openPid(t, pid)
	if err != nil {
		return Report{}, err
	}
	return run(ctx, t, opts, startOn(t, fd))
}

// fileConn checks f and returns what names it in errors and its raw conn.
func fileConn(op string, f *os.File) (target, syscall.RawConn, error) {
	if f == nil {
		return target{}, nil, target{}.err(op, syscall.EBADF)
	}
	t := target{path: f.Name()}
	rc, err := f.SyscallConn()
	if err != nil {
		return t, nil, t.err(op, err)
	}
	return t, rc, nil
}

// control runs fn with the fd of rc, which stays open meanwhile.  The only
// failure of Control is a file closed already (internal/poll's
// ErrFileClosing), which the caller sees as os.ErrClosed.
func control(t target, op string, rc syscall.RawConn, fn func(C.int)) error {
	if rc.Control(func(fd uintptr) { fn(C.int(fd)) }) != nil {
		return t.err(op, os.ErrClosed)
	}
	return nil
}

// KillFd kills the subtree of the group that f refers to: a directory of a
// cgroup2 file system that a runtime holds, from Open or os.Open.  f stays
// open and its offset does not move; it may be closed as soon as the kill
// has sent its first signal, since the operation keeps its own descriptor.
// An f already closed gives an error wrapping os.ErrClosed.
func KillFd(ctx context.Context, f *os.File, opts *Options) (Report, error) {
	t, rc, err := fileConn("KillFd", f)
	if err != nil {
		return Report{}, err
	}
	if err := ctx.Err(); err != nil {
		return Report{}, t.err("wait", err)
	}
	return run(ctx, t, opts, func(o *C.struct_cgkill_opts, op **C.struct_cgkill_op) error {
		var r C.int
		if err := control(t, "KillFd", rc, func(fd C.int) { r = C.cgkill_op_start(fd, o, op) }); err != nil {
			return err
		}
		if r < 0 {
			return t.errno("cgkill_op_start", int(r))
		}
		return nil
	})
}

// Open opens the cgroup v2 group at the absolute path without following
// symbolic links (cgkill_open(3)), for KillFd.
func Open(path string) (*os.File, error) {
	fd, err := open(target{path: path}, path, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}

// OpenCgroup opens a group by its cgroup path, as /proc/PID/cgroup shows
// it after "0::", such as /system.slice/foo.service, beneath the first
// cgroup2 mount (cgkill_open(3) with CGKILL_OPEN_CGROUP_PATH).
func OpenCgroup(cgroupPath string) (*os.File, error) {
	fd, err := open(target{path: cgroupPath}, cgroupPath, C.CGKILL_OPEN_CGROUP_PATH)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), cgroupPath), nil
}

// OpenPid opens the group that the process pid lives in, without a race
// against pid reuse (cgkill_open_pid(3)).
func OpenPid(pid int) (*os.File, error) {
	fd, err := openPid(target{pid: pid}, pid)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), "cgroup of pid "+strconv.Itoa(pid)), nil
}
